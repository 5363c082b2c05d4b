//! Reading a folder for `folio init`: its folders, and for each Markdown
//! file its front matter keys (and which values are dates) and its tables.
//! Bounded like the content walk: no symlinks followed, hidden folders and
//! Folio's own output skipped, depth, entry count and file size limited.

use crate::content::front_matter::{self, Date};
use crate::{limits, paths};
use std::collections::BTreeMap;
use std::path::Path;

/// One Markdown file.
#[derive(Clone, Debug, Default)]
pub(crate) struct MdFile {
    /// Relative to the folder surveyed, `/`-separated.
    pub(crate) rel: String,
    /// Front matter keys with a value, and whether that value is a date.
    pub(crate) keys: BTreeMap<String, bool>,
    /// The front matter title, if any.
    pub(crate) title: Option<String>,
    pub(crate) tables: Vec<Table>,
}

/// A GFM table as written: header cells and body rows, cells trimmed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Table {
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// What is in the folder.
#[derive(Debug, Default)]
pub(crate) struct Survey {
    /// Every folder, relative, in path order (`""` not included).
    pub(crate) dirs: Vec<String>,
    /// Markdown files in path order.
    pub(crate) files: Vec<MdFile>,
    /// Files that could not be read (too large, not UTF-8).
    pub(crate) unreadable: usize,
}

/// Markdown files at the top of a repository that describe the
/// repository, not the site: a folder holding only these is new.
const REPOSITORY_FILES: &[&str] = &[
    "readme",
    "license",
    "licence",
    "contributing",
    "changelog",
    "code_of_conduct",
    "security",
    "support",
    "authors",
    "notice",
    "third-party-notices",
    "thirdpartynotices",
];

impl Survey {
    /// Reads `dir`.
    pub(crate) fn of(dir: &Path) -> Survey {
        let mut survey = Survey::default();
        let mut stack = vec![String::new()];
        let mut entries = 0usize;
        while let Some(rel) = stack.pop() {
            let Ok(listing) = std::fs::read_dir(dir.join(&rel)) else {
                continue;
            };
            let mut names: Vec<(String, std::fs::FileType)> = listing
                .filter_map(|e| e.ok())
                .filter_map(|e| Some((e.file_name().into_string().ok()?, e.file_type().ok()?)))
                .collect();
            if !rel.is_empty() && names.iter().any(|(n, _)| n == paths::OUTPUT_MARKER) {
                continue;
            }
            names.sort_by(|a, b| a.0.cmp(&b.0));
            for (name, kind) in names.into_iter().rev() {
                entries += 1;
                if entries > limits::CONTENT_ENTRIES || name.starts_with('.') {
                    continue;
                }
                let child = paths::child(&rel, &name);
                if kind.is_dir() && child.split('/').count() <= limits::FOLDER_DEPTH {
                    survey.dirs.push(child.clone());
                    stack.push(child);
                } else if kind.is_file() && crate::content::language::is_markdown(&name) {
                    match read(&dir.join(&child)) {
                        Some(text) => survey.files.push(MdFile::read(child, &text)),
                        None => survey.unreadable += 1,
                    }
                }
            }
        }
        survey.dirs.sort();
        survey.files.sort_by(|a, b| a.rel.cmp(&b.rel));
        survey
    }

    /// Only repository files (`README.md`, `LICENSE.md`…) at the top, or nothing.
    pub(crate) fn is_new(&self) -> bool {
        self.files.iter().all(|f| is_repository_file(&f.rel))
    }
}

/// `README.md`, `LICENSE.md`… at the top of the folder: about the
/// repository, not pages of the site.
pub(crate) fn is_repository_file(rel: &str) -> bool {
    let stem = crate::content::language::strip_markdown_ext(rel).to_ascii_lowercase();
    !rel.contains('/') && REPOSITORY_FILES.contains(&stem.as_str())
}

/// A text file's contents, if it is small enough and UTF-8.
fn read(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limits::TEXT_FILE_BYTES {
        return None;
    }
    crate::text::decode(std::fs::read(path).ok()?).ok()
}

impl MdFile {
    fn read(rel: String, text: &str) -> MdFile {
        let mut file = MdFile {
            rel,
            ..MdFile::default()
        };
        let body = match front_matter::split(text) {
            Ok(Some(block)) => {
                if let Ok(fm) = front_matter::parse(&block) {
                    for key in fm.fields.keys() {
                        if let Some(value) = fm.text(key) {
                            file.keys.insert(key.clone(), Date::parse(&value).is_some());
                        } else if !fm.is_empty(key) {
                            file.keys.insert(key.clone(), false);
                        }
                    }
                    file.title = fm.text("title");
                }
                &text[block.body_start..]
            }
            _ => text,
        };
        file.tables = tables(body);
        file
    }
}

/// The GFM tables of a text: a header row, a delimiter row, body rows
/// until a line without `|`. Fenced code is skipped.
pub(crate) fn tables(text: &str) -> Vec<Table> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut fence: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(f) = fence {
            if line.starts_with(f) {
                fence = None;
            }
            i += 1;
            continue;
        }
        if line.starts_with("```") || line.starts_with("~~~") {
            fence = Some(&line[..3]);
            i += 1;
            continue;
        }
        if line.contains('|') && lines.get(i + 1).is_some_and(|l| is_delimiter(l)) {
            let header = cells(line);
            let mut rows = Vec::new();
            i += 2;
            while i < lines.len() && lines[i].contains('|') && !lines[i].trim().is_empty() {
                rows.push(cells(lines[i].trim()));
                i += 1;
            }
            found.push(Table { header, rows });
            continue;
        }
        i += 1;
    }
    found
}

/// `|---|:---:|` and the like.
fn is_delimiter(line: &str) -> bool {
    let cells = cells(line.trim());
    !cells.is_empty()
        && cells.iter().all(|c| {
            let c = c.trim_start_matches(':').trim_end_matches(':');
            !c.is_empty() && c.chars().all(|ch| ch == '-')
        })
}

/// A row's cells, split at `|` not escaped with `\`, outer pipes dropped.
fn cells(line: &str) -> Vec<String> {
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = if line.ends_with('|') && !line.ends_with("\\|") {
        &line[..line.len() - 1]
    } else {
        line
    };
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            out.push(cell.trim().to_string());
            cell.clear();
        } else {
            cell.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    out.push(cell.trim().to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_read_outside_code() {
        let text = "intro\n\n| Task ID | Name |\n|---|:-:|\n| 12 | A \\| B |\n|[7](x) | C|\n\nafter\n```\n| a | b |\n|---|---|\n```\n";
        let t = tables(text);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].header, ["Task ID", "Name"]);
        assert_eq!(t[0].rows, [vec!["12", "A \\| B"], vec!["[7](x)", "C"]]);
    }

    #[test]
    fn front_matter_keys_and_dates() {
        let f = MdFile::read(
            "a.md".into(),
            "---\ntitle: T\nms.date: 5/02/2019\nempty:\n---\n# T\n",
        );
        assert_eq!(f.keys.get("ms.date"), Some(&true));
        assert_eq!(f.keys.get("title"), Some(&false));
        assert!(!f.keys.contains_key("empty"));
        assert_eq!(f.title.as_deref(), Some("T"));
    }
}
