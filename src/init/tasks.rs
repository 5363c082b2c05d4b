//! Task-table labels for `folio init`, read from the tables themselves:
//! a table whose first column is mostly numeric IDs is a task table; its
//! headers are the labels, and the letters in the requirement header
//! (`(M)andatory / (O)ptional`, `(E) Erforderlich (O) Optional`) are the
//! mandatory and optional values, checked against the values seen.

use super::survey::Table;
use std::collections::BTreeMap;

/// The labels of one language, as `tasks.<code>` in `folio.yml` takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Labels {
    pub(crate) id: Vec<String>,
    pub(crate) name: Vec<String>,
    pub(crate) requirement: Vec<String>,
    pub(crate) role: Vec<String>,
    pub(crate) services: Vec<String>,
    pub(crate) mandatory: Vec<String>,
    pub(crate) optional: Vec<String>,
    /// Tables read.
    pub(crate) tables: usize,
    /// The values were read from the headers' letters and every value
    /// seen is one of them (else they are a guess from the values).
    pub(crate) sure: bool,
}

/// A table in a page of a language.
pub(crate) struct Found<'a> {
    pub(crate) lang: &'a str,
    pub(crate) table: &'a Table,
}

/// Cell text without the Markdown around it: `[3268](…)` → `3268`, `**x**` → `x`.
fn plain(cell: &str) -> String {
    let cell = cell.trim();
    let inner = match (cell.strip_prefix('['), cell.find("](")) {
        (Some(_), Some(end)) => &cell[1..end],
        _ => cell,
    };
    inner
        .chars()
        .filter(|c| !matches!(c, '*' | '`'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Labels compare ignoring case and runs of spaces, as Folio matches them.
fn normalized(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Is most of the first column numeric task IDs?
pub(crate) fn is_task_table(table: &Table) -> bool {
    let numeric = table
        .rows
        .iter()
        .filter(|r| {
            r.first()
                .map(|c| plain(c))
                .is_some_and(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit()))
        })
        .count();
    table.header.len() >= 2 && !table.rows.is_empty() && numeric * 5 >= table.rows.len() * 3
}

/// The short parenthesized tokens of a header: `(M)andatory / (O)ptional` → M, O.
fn letters(header: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = header;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else { break };
        let token = after[..close].trim();
        if (1..=3).contains(&token.chars().count()) && token.chars().all(char::is_alphanumeric) {
            out.push(token.to_string());
        }
        rest = &after[close + 1..];
    }
    out
}

/// Which column holds the requirement: the one whose header has two
/// letters in parentheses, else the one whose cells are mostly 1-3
/// characters with few distinct values.
fn requirement_column(table: &Table) -> Option<usize> {
    let by_header = (1..table.header.len()).find(|&i| letters(&table.header[i]).len() >= 2);
    by_header.or_else(|| {
        (1..table.header.len()).find(|&i| {
            let values: Vec<String> = table
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| plain(c))
                .collect();
            let short = values
                .iter()
                .filter(|v| (1..=3).contains(&v.chars().count()))
                .count();
            let mut distinct = values.clone();
            distinct.sort();
            distinct.dedup();
            !values.is_empty()
                && short * 5 >= values.len() * 4
                && distinct.len() <= 4
                && distinct.len() < values.len()
        })
    })
}

/// The labels of each language, from the task tables found in its pages.
/// An ID label belongs to the language whose pages use it most, so an
/// English table left in a German page teaches German nothing (Folio tries
/// the default language's labels next anyway).
pub(crate) fn labels(found: &[Found<'_>], default: &str) -> BTreeMap<String, Labels> {
    let tables: Vec<&Found<'_>> = found.iter().filter(|f| is_task_table(f.table)).collect();
    let mut uses: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for f in &tables {
        let id = normalized(&plain(&f.table.header[0]));
        *uses.entry(id).or_default().entry(f.lang).or_default() += 1;
    }
    let owner = |id: &str| -> Option<&str> {
        let counts = uses.get(id)?;
        let most = counts.values().copied().max()?;
        if counts.get(default) == Some(&most) {
            return Some(default);
        }
        counts.iter().find(|(_, n)| **n == most).map(|(l, _)| *l)
    };
    let mut by_lang: BTreeMap<String, Vec<&Table>> = BTreeMap::new();
    for f in &tables {
        if let Some(lang) = owner(&normalized(&plain(&f.table.header[0]))) {
            by_lang.entry(lang.to_string()).or_default().push(f.table);
        }
    }
    by_lang
        .into_iter()
        .map(|(lang, tables)| (lang, of_tables(&tables)))
        .collect()
}

/// Labels in order of use, most used first; one per normalized spelling.
#[derive(Default)]
struct Tally {
    seen: BTreeMap<String, (usize, usize, String)>,
}

impl Tally {
    fn add(&mut self, label: &str) {
        if label.is_empty() {
            return;
        }
        let order = self.seen.len();
        self.seen
            .entry(normalized(label))
            .or_insert((0, order, label.to_string()))
            .0 += 1;
    }

    fn labels(self) -> Vec<String> {
        let mut all: Vec<(usize, usize, String)> = self.seen.into_values().collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter().map(|(_, _, l)| l).collect()
    }
}

/// One language's labels from its task tables.
fn of_tables(tables: &[&Table]) -> Labels {
    let mut tally: [Tally; 5] = Default::default();
    let (mut mandatory, mut optional) = (Tally::default(), Tally::default());
    let mut values = Tally::default();
    let mut cells: Vec<String> = Vec::new();
    for table in tables {
        let header: Vec<String> = table.header.iter().map(|h| plain(h)).collect();
        let req = requirement_column(table);
        let name = (1..header.len()).find(|i| Some(*i) != req);
        let rest: Vec<usize> = (1..header.len())
            .filter(|i| Some(*i) != req && Some(*i) != name)
            .collect();
        let columns = [
            Some(0),
            name,
            req,
            rest.first().copied(),
            rest.get(1).copied(),
        ];
        for (t, column) in tally.iter_mut().zip(columns) {
            if let Some(c) = column {
                t.add(&header[c]);
            }
        }
        if let Some(c) = req {
            let l = letters(&header[c]);
            if l.len() >= 2 {
                mandatory.add(&l[0]);
                optional.add(&l[1]);
            }
            for row in &table.rows {
                if let Some(v) = row.get(c) {
                    values.add(&plain(v));
                    cells.push(plain(v));
                }
            }
        }
    }
    let [id, name, requirement, role, services] = tally;
    let seen = values.labels();
    let (mut mandatory, mut optional) = (mandatory.labels(), optional.labels());
    let known = |v: &String| {
        let v = normalized(v);
        mandatory
            .iter()
            .chain(&optional)
            .any(|m| normalized(m) == v)
    };
    // Sure when the header's letters name the values nearly every row
    // holds (a broken row or two is the page's problem, not the labels').
    let matching = cells.iter().filter(|v| known(v)).count();
    let sure = !mandatory.is_empty() && matching * 100 >= cells.len() * 95;
    if mandatory.is_empty() && !seen.is_empty() {
        // No letters in the header: the most used value is taken as
        // mandatory, the next as optional (a guess, said so).
        mandatory = seen.first().cloned().into_iter().collect();
        optional = seen.get(1).cloned().into_iter().collect();
    }
    Labels {
        id: id.labels(),
        name: name.labels(),
        requirement: requirement.labels(),
        role: role.labels(),
        services: services.labels(),
        mandatory,
        optional,
        tables: tables.len(),
        sure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn labels_and_values_come_from_headers_and_cells() {
        let de = table(
            &[
                "Aufgaben-ID",
                "Name der Aufgabe",
                "(E) Erforderlich (O) Optional",
                "Rolle",
                "Dienste",
            ],
            &[
                &["[12](x)", "a", "E", "r", "s"],
                &["13", "b", "O", "r", "s"],
            ],
        );
        let en = table(
            &["Task ID", "Task Name", "(M)andatory / (O)ptional", "Role"],
            &[&["1", "a", "M", "r"]],
        );
        let prose = table(&["Step", "What"], &[&["Plan", "x"]]);
        assert!(!is_task_table(&prose));
        let found = [
            Found {
                lang: "de",
                table: &de,
            },
            Found {
                lang: "de",
                table: &en,
            },
            Found {
                lang: "en",
                table: &en,
            },
            Found {
                lang: "en",
                table: &en,
            },
            Found {
                lang: "en",
                table: &prose,
            },
        ];
        let labels = labels(&found, "en");
        let de = &labels["de"];
        assert_eq!(de.id, ["Aufgaben-ID"]);
        assert_eq!(de.requirement, ["(E) Erforderlich (O) Optional"]);
        assert_eq!(
            (de.mandatory.as_slice(), de.optional.as_slice()),
            (&["E".to_string()][..], &["O".to_string()][..])
        );
        assert_eq!(
            (de.role.as_slice(), de.services.as_slice()),
            (&["Rolle".to_string()][..], &["Dienste".to_string()][..])
        );
        assert!(de.sure);
        let en = &labels["en"];
        assert_eq!(
            en.tables, 3,
            "the English table in a German page is English"
        );
        assert_eq!(en.name, ["Task Name"]);
        assert_eq!(en.mandatory, ["M"]);
    }

    #[test]
    fn values_without_letters_are_a_guess() {
        let t = table(
            &["ID", "Task", "Required"],
            &[&["1", "a", "Yes"], &["2", "b", "Yes"], &["3", "c", "No"]],
        );
        let labels = labels(
            &[Found {
                lang: "en",
                table: &t,
            }],
            "en",
        );
        let en = &labels["en"];
        assert_eq!(en.requirement, ["Required"]);
        assert_eq!(
            (en.mandatory.as_slice(), en.optional.as_slice()),
            (&["Yes".to_string()][..], &["No".to_string()][..])
        );
        assert!(!en.sure);
    }
}
