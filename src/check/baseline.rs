//! `folio check --baseline FILE`: a CI gate that fails only on new problems.
//!
//! A baseline is the list of problems a site already had when it adopted
//! the gate (`--update-baseline` writes it). Each entry is keyed by file,
//! code, target and a hash of the text of the diagnostic's source line —
//! not its line number — so an edit above a known problem does not make it
//! new, and re-indenting or re-aligning a table does not either (runs of
//! spaces count as one). Entries with the same key are counted: a third
//! identical broken link on a line that had two is new.
//!
//! The file is stable JSON: entries sorted, no line numbers, no times, so
//! it changes in review only when the problems do.

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The format version written into the file; a file of another version is refused.
const VERSION: u32 = 1;

/// A baseline that cannot be read or written (exit code 2).
#[derive(Debug, Error)]
pub enum BaselineError {
    /// The file does not exist (and `--update-baseline` was not given).
    #[error(
        "{}: no such baseline; create it with `folio check --baseline {} --update-baseline`",
        .0.display(),
        .0.display()
    )]
    Missing(PathBuf),
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The baseline file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a baseline Folio wrote.
    #[error("{}: not a Folio baseline ({reason}); recreate it with --update-baseline", path.display())]
    Invalid {
        /// The baseline file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// One known problem, as the file stores it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative to the site root, as diagnostics name it.
    pub file: String,
    /// The diagnostic code (`link-broken`).
    pub code: String,
    /// The link, include or toc entry as written, if any.
    pub target: Option<String>,
    /// FNV-1a (64 bits, hex) of the source line, spaces trimmed and collapsed.
    pub line_hash: String,
    /// How many diagnostics share this key.
    pub count: usize,
    /// The message when the entry was written, for readers of the file only.
    pub message: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    entries: Vec<Entry>,
}

/// What identifies a problem across edits.
type Key = (String, String, Option<String>, String);

fn key_of(e: &Entry) -> Key {
    (
        e.file.clone(),
        e.code.clone(),
        e.target.clone(),
        e.line_hash.clone(),
    )
}

/// A site file's text given its name as diagnostics show it.
pub type Source<'a> = dyn Fn(&str) -> Option<Cow<'a, str>> + 'a;

/// The known problems of a site.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<Key, Entry>,
}

/// How the current diagnostics compare with a baseline.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Diagnostics the baseline does not know, in report order.
    pub new: Vec<Diagnostic>,
    /// How many current diagnostics the baseline knows.
    pub known: usize,
    /// Baseline entries (counts reduced to what is gone) no diagnostic
    /// matches any more: fixed, so the file can shrink.
    pub fixed: Vec<Entry>,
}

impl Baseline {
    /// The baseline of these diagnostics; `source` gives their files' text.
    pub fn of(diagnostics: &[Diagnostic], source: &Source<'_>) -> Baseline {
        let mut entries: BTreeMap<Key, Entry> = BTreeMap::new();
        let mut lines = Lines::new(source);
        for d in diagnostics {
            let entry = Entry {
                file: d.file.clone(),
                code: d.code.as_str().to_string(),
                target: d.target.clone(),
                line_hash: lines.hash(&d.file, d.line),
                count: 1,
                message: d.message.clone(),
            };
            entries
                .entry(key_of(&entry))
                .and_modify(|e| e.count += 1)
                .or_insert(entry);
        }
        Baseline { entries }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = std::fs::read(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                BaselineError::Missing(path.to_path_buf())
            } else {
                BaselineError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        let invalid = |reason: String| BaselineError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let file: File = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
        if file.version != VERSION {
            return Err(invalid(format!(
                "version {}, this Folio reads version {VERSION}",
                file.version
            )));
        }
        let mut entries = BTreeMap::new();
        for e in file.entries {
            if e.count == 0 {
                continue;
            }
            entries
                .entry(key_of(&e))
                .and_modify(|known: &mut Entry| known.count += e.count)
                .or_insert(e);
        }
        Ok(Baseline { entries })
    }

    /// Writes the file (sorted, pretty, ending in a newline) under a
    /// temporary name first, so a failed write leaves the old one.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let io = |source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File {
            version: VERSION,
            entries: self.entries.values().cloned().collect(),
        };
        let mut text = serde_json::to_string_pretty(&file)
            .map_err(std::io::Error::other)
            .map_err(io)?;
        text.push('\n');
        // Beside the file, so the rename stays on one file system.
        let name = path
            .file_name()
            .map_or_else(|| "baseline".into(), |n| n.to_string_lossy().into_owned());
        let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let written = std::fs::write(&temp, text).and_then(|()| std::fs::rename(&temp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written.map_err(io)?;
        Ok(())
    }

    /// Problems in the baseline, duplicates counted.
    pub fn len(&self) -> usize {
        self.entries.values().map(|e| e.count).sum()
    }

    /// No known problems.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Splits `diagnostics` into known and new, and finds fixed entries.
    /// `in_scope` limits which entries can count as fixed (with `--files`,
    /// only those of the files looked at).
    pub fn compare(
        &self,
        diagnostics: &[Diagnostic],
        source: &Source<'_>,
        in_scope: &dyn Fn(&str) -> bool,
    ) -> Comparison {
        let mut left: BTreeMap<&Key, usize> =
            self.entries.iter().map(|(k, e)| (k, e.count)).collect();
        let mut lines = Lines::new(source);
        let mut comparison = Comparison::default();
        for d in diagnostics {
            let key: Key = (
                d.file.clone(),
                d.code.as_str().to_string(),
                d.target.clone(),
                lines.hash(&d.file, d.line),
            );
            match left.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    comparison.known += 1;
                }
                _ => comparison.new.push(d.clone()),
            }
        }
        for (key, n) in left {
            if n > 0 && in_scope(&key.0) {
                let mut entry = self.entries[key].clone();
                entry.count = n;
                comparison.fixed.push(entry);
            }
        }
        comparison
    }
}

/// Source lines by file, one file's line starts at a time (diagnostics
/// come sorted by file).
struct Lines<'s, 'a> {
    source: &'s Source<'a>,
    file: Option<(String, Option<Cow<'a, str>>)>,
}

impl<'s, 'a> Lines<'s, 'a> {
    fn new(source: &'s Source<'a>) -> Self {
        Lines { source, file: None }
    }

    /// The hash of a line's text (`line` is 1-based; 0 or past the end: empty).
    fn hash(&mut self, file: &str, line: u32) -> String {
        if self.file.as_ref().is_none_or(|(name, _)| name != file) {
            self.file = Some((file.to_string(), (self.source)(file)));
        }
        let text = self
            .file
            .as_ref()
            .and_then(|(_, text)| text.as_deref())
            .and_then(|t| t.split('\n').nth((line as usize).checked_sub(1)?))
            .unwrap_or("");
        line_hash(text)
    }
}

/// FNV-1a over the line with spaces trimmed and runs of them made one:
/// stable across platforms and Folio versions, unlike std's hasher.
pub(crate) fn line_hash(line: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut first = true;
    for word in line.split_whitespace() {
        let sep: &[u8] = if first { b"" } else { b" " };
        first = false;
        for &b in sep.iter().chain(word.as_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn diag(file: &str, line: u32, target: &str) -> Diagnostic {
        Diagnostic::new(Code::LinkBroken, file, format!("`{target}` is missing"))
            .at(line, 1)
            .target(target)
    }

    #[test]
    fn hashes_ignore_spacing_but_not_text() {
        assert_eq!(line_hash("  a  |  b "), line_hash("a | b"));
        assert_ne!(line_hash("a | b"), line_hash("a | c"));
        assert_eq!(line_hash(""), format!("{:016x}", 0xcbf2_9ce4_8422_2325_u64));
    }

    #[test]
    fn known_problems_survive_edits_above_them() {
        let before = "intro\n[x](gone.md)\n".to_string();
        let after = "new line\nintro\n[x](gone.md)\n[y](new.md)\n".to_string();
        let old = [diag("a.md", 2, "gone.md")];
        let source_before = |_: &str| Some(Cow::Owned(before.clone()));
        let baseline = Baseline::of(&old, &source_before);
        let now = [diag("a.md", 3, "gone.md"), diag("a.md", 4, "new.md")];
        let source_after = |_: &str| Some(Cow::Owned(after.clone()));
        let c = baseline.compare(&now, &source_after, &|_| true);
        assert_eq!(c.known, 1);
        assert_eq!(c.new, [now[1].clone()]);
        assert!(c.fixed.is_empty());
        let c = baseline.compare(&[], &source_after, &|_| true);
        assert_eq!(c.fixed.len(), 1);
        assert_eq!(c.fixed[0].target.as_deref(), Some("gone.md"));
        assert!(
            baseline
                .compare(&[], &source_after, &|_| false)
                .fixed
                .is_empty()
        );
    }

    #[test]
    fn duplicates_are_counted_and_files_round_trip() {
        let text = "[x](a.md) [x](a.md)\n".to_string();
        let source = |_: &str| Some(Cow::Owned(text.clone()));
        let two = [diag("p.md", 1, "a.md"), diag("p.md", 1, "a.md")];
        let baseline = Baseline::of(&two, &source);
        assert_eq!(baseline.len(), 2);
        let three = [two[0].clone(), two[0].clone(), two[0].clone()];
        assert_eq!(baseline.compare(&three, &source, &|_| true).new.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        baseline.save(&path).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), baseline);
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with("{\n  \"version\": 1,"), "{written}");
        assert!(!written.contains("\"line\":"), "no line numbers: {written}");
        std::fs::write(&path, "{\"version\": 9, \"entries\": []}").unwrap();
        assert!(matches!(
            Baseline::load(&path),
            Err(BaselineError::Invalid { .. })
        ));
        assert!(matches!(
            Baseline::load(&dir.path().join("none.json")),
            Err(BaselineError::Missing(_))
        ));
    }
}
