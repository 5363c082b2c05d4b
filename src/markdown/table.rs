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
    /// Index into `Document::headings` of the heading it is under.
    pub(crate) section: Option<u32>,
}

/// A task's requirement, after mapping the language's values (German `E`
/// is mandatory).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Requirement {
    Mandatory,
    Optional,
}

impl Requirement {
    /// `mandatory` or `optional`: the class of its cell, and its name in
    /// the exports.
    pub(crate) fn class(self) -> &'static str {
        match self {
            Requirement::Mandatory => "mandatory",
            Requirement::Optional => "optional",
        }
    }
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
///
/// Every task of the site stays in the model (checks, and the task index
/// they feed), so a row keeps its cells in one string: one allocation a
/// row instead of five.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TaskRow {
    pub(crate) pos: Pos,
    /// Cells in this row as written in the source; the Markdown parser pads
    /// and truncates silently, so this is what `task-columns` checks.
    pub(crate) source_cells: usize,
    /// ID, name, requirement, role and services, one after the other.
    cells: Box<str>,
    /// Where each of the five ends in `cells`, or `None` when the table has
    /// no such column (or the row no such cell).
    ends: [Option<u32>; 5],
    /// The requirement, when the cell holds one of the language's values.
    pub(crate) class: Option<Requirement>,
    /// The row has its id, `task-<id>` (a number no other anchor of the page has).
    pub(crate) anchored: bool,
}

/// A [`TaskRow`]'s cells, in the order `TaskRow` keeps them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TaskField {
    Id,
    Name,
    Requirement,
    Role,
    Services,
}

impl TaskRow {
    /// A row from its cells' texts (`None`: no such column or cell).
    pub(crate) fn new(
        pos: Pos,
        source_cells: usize,
        fields: [Option<&str>; 5],
        class: Option<Requirement>,
        anchored: bool,
    ) -> TaskRow {
        let mut cells = String::with_capacity(fields.iter().flatten().map(|f| f.len()).sum());
        let mut ends = [None; 5];
        for (end, field) in ends.iter_mut().zip(fields) {
            if let Some(text) = field {
                cells.push_str(text);
                *end = u32::try_from(cells.len()).ok();
            }
        }
        TaskRow {
            pos,
            source_cells,
            cells: cells.into_boxed_str(),
            ends,
            class,
            anchored,
        }
    }

    /// One cell's text.
    pub(crate) fn field(&self, field: TaskField) -> Option<&str> {
        let i = field as usize;
        let end = self.ends[i]? as usize;
        let start = self.ends[..i].iter().rev().find_map(|e| *e).unwrap_or(0) as usize;
        self.cells.get(start..end)
    }

    /// The task ID as written (empty when the cell is).
    pub(crate) fn id(&self) -> &str {
        self.field(TaskField::Id).unwrap_or("")
    }

    /// The requirement cell, if the table has one.
    pub(crate) fn requirement(&self) -> Option<&str> {
        self.field(TaskField::Requirement)
    }
}

/// Compares a header cell with a label: case, surrounding and repeated spaces ignored.
pub(crate) fn label_matches(cell: &str, label: &str) -> bool {
    normalize(cell) == normalize(label)
}

/// The form labels and cells are compared in: words joined by one space,
/// lowercased (final sigma as sigma).
pub(crate) fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            let start = out.len();
            out.push_str(word);
            out[start..].make_ascii_lowercase();
        } else {
            out.extend(
                word.chars()
                    .flat_map(char::to_lowercase)
                    .map(|c| if c == 'ς' { 'σ' } else { c }),
            );
        }
    }
    out
}

/// The task-table labels of several languages, in the order they are
/// tried (a page's language first), normalized once: every table of every
/// page is matched against them.
#[derive(Debug, Default)]
pub struct TaskHeaders {
    sets: Vec<LabelSet>,
}

/// One language's labels, normalized.
#[derive(Debug)]
pub(crate) struct LabelSet {
    lang: String,
    id: Vec<String>,
    name: Vec<String>,
    requirement: Vec<String>,
    role: Vec<String>,
    services: Vec<String>,
    mandatory: Vec<String>,
    optional: Vec<String>,
}

impl TaskHeaders {
    /// Label sets by language code, in the order to try them.
    pub fn new(sets: &[(&str, &TaskLabels)]) -> TaskHeaders {
        let all = |labels: &[String]| labels.iter().map(|l| normalize(l)).collect();
        TaskHeaders {
            sets: sets
                .iter()
                .map(|(lang, l)| LabelSet {
                    lang: lang.to_string(),
                    id: all(&l.id),
                    name: all(&l.name),
                    requirement: all(&l.requirement),
                    role: all(&l.role),
                    services: all(&l.services),
                    mandatory: all(&l.mandatory),
                    optional: all(&l.optional),
                })
                .collect(),
        }
    }

    /// The first label set one of whose ID labels is a header cell: a task
    /// table, with its columns.
    pub(crate) fn match_header(&self, headers: &[String]) -> Option<(&LabelSet, TaskColumns)> {
        let cells: Vec<String> = headers.iter().map(|h| normalize(h)).collect();
        let find = |labels: &[String]| cells.iter().position(|c| labels.contains(c));
        self.sets.iter().find_map(|set| {
            let id = find(&set.id)?;
            Some((
                set,
                TaskColumns {
                    id,
                    name: find(&set.name),
                    requirement: find(&set.requirement),
                    role: find(&set.role),
                    services: find(&set.services),
                },
            ))
        })
    }
}

impl LabelSet {
    /// The language code whose labels these are.
    pub(crate) fn lang(&self) -> &str {
        &self.lang
    }

    /// The requirement a cell holds, when it is one of the language's values.
    pub(crate) fn requirement(&self, value: &str) -> Option<Requirement> {
        let value = normalize(value);
        if self.mandatory.contains(&value) {
            Some(Requirement::Mandatory)
        } else if self.optional.contains(&value) {
            Some(Requirement::Optional)
        } else {
            None
        }
    }
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
    fn task_rows_give_back_their_cells() {
        let pos = Pos::default();
        let row = TaskRow::new(
            pos,
            5,
            [Some("12"), Some("Kick-off"), None, Some(""), Some("Teams")],
            None,
            false,
        );
        assert_eq!(row.id(), "12");
        assert_eq!(row.field(TaskField::Name), Some("Kick-off"));
        assert_eq!(row.requirement(), None);
        assert_eq!(row.field(TaskField::Role), Some(""));
        assert_eq!(row.field(TaskField::Services), Some("Teams"));
        let empty = TaskRow::new(pos, 1, [None; 5], Some(Requirement::Optional), true);
        assert_eq!(empty.id(), "");
    }

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
        let (set, cols) = TaskHeaders::new(&[("en", &en), ("de", &de)])
            .match_header(&headers)
            .map(|(set, cols)| (set.lang().to_string(), cols))
            .unwrap();
        assert_eq!(set, "de");
        assert_eq!((cols.id, cols.requirement, cols.name), (0, Some(2), None));
        let other: Vec<String> = vec!["Date".into(), "Who".into()];
        assert!(
            TaskHeaders::new(&[("en", &en)])
                .match_header(&other)
                .is_none()
        );
    }
}
