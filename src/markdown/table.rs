//! Task tables: the hand-edited `| Task ID | Task Name | (M)andatory / (O)ptional | … |`
//! tables of a playbook, recognized by their localized header labels.

use super::include::Pos;
use crate::config::TaskLabels;

/// One task table of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TaskTable {
    /// The header row.
    pub(crate) pos: Pos,
    /// The language code whose labels matched the header.
    pub(crate) labels: String,
    /// Cells in the header row as written in the source.
    pub(crate) header_cells: usize,
    pub(crate) columns: TaskColumns,
    pub(crate) rows: Vec<TaskRow>,
}

/// Which column holds what (0-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TaskColumns {
    pub(crate) id: usize,
    pub(crate) name: Option<usize>,
    pub(crate) requirement: Option<usize>,
    pub(crate) role: Option<usize>,
    pub(crate) services: Option<usize>,
}

/// One task row, cells as plain text (an ID written as a link keeps its text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TaskRow {
    pub(crate) pos: Pos,
    /// Cells in this row as written in the source; the Markdown parser pads
    /// and truncates silently, so this is what `task-columns` checks.
    pub(crate) source_cells: usize,
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) requirement: Option<String>,
    pub(crate) role: Option<String>,
    pub(crate) services: Option<String>,
}

/// Compares a header cell with a label: case, surrounding and repeated
/// spaces ignored. Compares word by word without allocating: every table
/// of every page is tried against every language's labels.
pub(crate) fn label_matches(cell: &str, label: &str) -> bool {
    let (mut a, mut b) = (cell.split_whitespace(), label.split_whitespace());
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if same_word(x, y) => {}
            _ => return false,
        }
    }
}

/// Equal ignoring case (full Unicode lowercasing; final sigma is sigma).
fn same_word(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    let fold = |s: &str| {
        s.chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c == 'ς' { 'σ' } else { c })
            .collect::<Vec<char>>()
    };
    fold(a) == fold(b)
}

/// Matches a header row against label sets, tried in order (the page's
/// language first). A table is a task table when one cell is an ID label.
pub(crate) fn match_header<'a>(
    headers: &[String],
    label_sets: &[(&'a str, &'a TaskLabels)],
) -> Option<(&'a str, TaskColumns)> {
    for (lang, labels) in label_sets {
        let find = |candidates: &[String]| {
            headers
                .iter()
                .position(|h| candidates.iter().any(|c| label_matches(h, c)))
        };
        if let Some(id) = find(&labels.id) {
            return Some((
                lang,
                TaskColumns {
                    id,
                    name: find(&labels.name),
                    requirement: find(&labels.requirement),
                    role: find(&labels.role),
                    services: find(&labels.services),
                },
            ));
        }
    }
    None
}

/// Counts the cells of a table row as written: pipes separate cells unless
/// escaped; one leading and one trailing pipe are optional.
pub(crate) fn count_source_cells(line: &str) -> usize {
    let line = line.trim();
    let bytes = line.as_bytes();
    let mut separators = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'|' => {
                separators.push(i);
                i += 1;
            }
            _ => i += 1,
        }
    }
    let mut cells = separators.len() + 1;
    if separators.first() == Some(&0) {
        cells -= 1;
    }
    if line.len() > 1 && separators.last() == Some(&(line.len() - 1)) {
        cells -= 1;
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cells_like_the_source() {
        assert_eq!(count_source_cells("| 3979 | Name | O | FM | All |"), 5);
        assert_eq!(count_source_cells("3979 | Name | O | FM | All"), 5);
        assert_eq!(count_source_cells("| 3979 | Name | O | FM |"), 4);
        assert_eq!(count_source_cells("| a \\| b | c |"), 2);
        assert_eq!(count_source_cells("| a | b | c | d | e | f |"), 6);
        assert_eq!(count_source_cells("|"), 1);
    }

    #[test]
    fn header_matching_ignores_case_and_spaces() {
        assert!(label_matches("  task   id ", "Task ID"));
        assert!(label_matches(
            "(E) Erforderlich (O) Optional",
            "(e) erforderlich  (o) optional"
        ));
        assert!(!label_matches("Task", "Task ID"));
        assert!(!label_matches("Task ID x", "Task ID"));
        assert!(label_matches("ÜBERSICHT  Straße", "übersicht straße"));
        assert!(label_matches("ΟΔΟΣ", "οδος"));
        assert!(label_matches("タスク ID", "タスク id"));
        assert!(!label_matches("", "Task"));
        assert!(label_matches(" ", ""));
    }

    #[test]
    fn finds_columns_in_order_of_preference() {
        let en = crate::config::TaskLabels::english();
        let de = TaskLabels {
            id: vec!["Aufgaben-ID".into()],
            requirement: vec!["(E) Erforderlich (O) Optional".into()],
            mandatory: vec!["E".into()],
            optional: vec!["O".into()],
            ..TaskLabels::default()
        };
        let headers: Vec<String> = [
            "Aufgaben-ID",
            "Name der Aufgabe",
            "(E) Erforderlich (O) Optional",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (lang, cols) = match_header(&headers, &[("en", &en), ("de", &de)]).unwrap();
        assert_eq!(lang, "de");
        assert_eq!((cols.id, cols.requirement, cols.name), (0, Some(2), None));
        let other: Vec<String> = vec!["Date".into(), "Who".into()];
        assert!(match_header(&other, &[("en", &en)]).is_none());
    }
}
