//! Git history of the content folder, for `translations.staleness: git`.
//!
//! One `git log` for the whole site (never one per file), read as it
//! streams and stopped as soon as every page has what staleness needs: its
//! newest commit, and its newest commit whose message names no ignore
//! keyword. Git is only asked to read (`GIT_OPTIONAL_LOCKS=0`: not even the
//! index is refreshed); a missing `git`, a folder outside a work tree and
//! a shallow clone are reported, never guessed around.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

/// One commit, as staleness compares them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Commit {
    /// Committer time, seconds since the epoch.
    pub(crate) time: i64,
    /// Position in `git log`'s order, 0 the newest: breaks ties of `time`.
    pub(crate) order: u32,
    /// The abbreviated hash.
    pub(crate) hash: String,
    /// The message's first line.
    pub(crate) subject: String,
}

impl Commit {
    /// Is this commit later than `other`?
    pub(crate) fn is_after(&self, other: &Commit) -> bool {
        (self.time, std::cmp::Reverse(self.order)) > (other.time, std::cmp::Reverse(other.order))
    }
}

/// What the history says about one file.
#[derive(Clone, Debug, Default)]
pub(crate) struct FileHistory {
    /// Its newest commit.
    pub(crate) last: Option<Commit>,
    /// Its newest commit whose message names no ignore keyword.
    pub(crate) last_significant: Option<Commit>,
}

/// The history of the content folder's pages, by content-relative path.
#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    files: HashMap<String, FileHistory>,
}

impl History {
    /// A file's history (`None`: no commit touches it, such as a new file).
    pub(crate) fn of(&self, path: &str) -> Option<&FileHistory> {
        self.files.get(path)
    }
}

/// Reads the history of `wanted` (content-relative paths) under
/// `content_dir`; `ignored` says which commit messages do not count as
/// changes. The error is a sentence for the author.
pub(crate) fn read(
    content_dir: &Path,
    wanted: &HashSet<&str>,
    ignored: &dyn Fn(&str) -> bool,
) -> Result<History, String> {
    let shallow = git(content_dir)
        .args(["rev-parse", "--is-shallow-repository"])
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "it needs the `git` program, which is not on PATH".to_string()
            }
            _ => format!("`git` could not be run: {e}"),
        })?;
    if !shallow.status.success() {
        return Err(format!(
            "the content folder is not inside a git work tree ({})",
            String::from_utf8_lossy(&shallow.stderr).trim()
        ));
    }
    if String::from_utf8_lossy(&shallow.stdout).trim() == "true" {
        return Err("the repository is a shallow clone, whose history is cut short; fetch the whole history (with actions/checkout: `fetch-depth: 0`)".to_string());
    }
    let mut child = git(content_dir)
        .args([
            "log",
            "--relative",
            "--no-renames",
            "--name-only",
            "-z",
            "--format=%x1e%h%x1f%ct%x1f%B%x1f",
            "--",
            ".",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("`git log` could not be run: {e}"))?;
    let Some(stdout) = child.stdout.take() else {
        return Err("`git log` gave no output".to_string());
    };
    let (history, complete) = parse(BufReader::new(stdout), wanted, ignored);
    if complete {
        // Everything needed is known: the rest of the history is not.
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| format!("`git log` failed: {e}"))?;
    if !complete && !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        return Err(format!("`git log` failed: {}", err.trim()));
    }
    Ok(history)
}

/// `git` with a fixed, read-only setup, run in `dir`.
fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "log.showSignature=false",
            "-c",
            "core.quotePath=false",
        ])
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .stdin(Stdio::null());
    command
}

/// Reads `git log` records (`\x1e hash \x1f time \x1f message \x1f \0`,
/// then NUL-terminated paths) until every wanted file has its newest
/// significant commit. Returns the history and whether it stopped early.
fn parse(
    mut input: impl BufRead,
    wanted: &HashSet<&str>,
    ignored: &dyn Fn(&str) -> bool,
) -> (History, bool) {
    let mut history = History::default();
    let mut settled = 0usize;
    let mut record = Vec::new();
    let mut order = 0u32;
    loop {
        if !read_record(&mut input, &mut record, crate::limits::GIT_COMMIT_BYTES) {
            return (history, false);
        }
        let Some((commit, significant, paths)) = parse_record(&record, order, ignored) else {
            continue;
        };
        order += 1;
        for path in paths {
            let Some(&path) = wanted.get(path.as_str()) else {
                continue;
            };
            let file = history.files.entry(path.to_string()).or_default();
            if file.last.is_none() {
                file.last = Some(commit.clone());
            }
            if significant && file.last_significant.is_none() {
                file.last_significant = Some(commit.clone());
                settled += 1;
            }
        }
        if settled == wanted.len() {
            return (history, true);
        }
    }
}

/// Reads up to the next record separator (`\x1e`, left out) into
/// `record`, keeping at most `limit` bytes and skipping the rest; `false`
/// at the end of the input.
fn read_record(input: &mut impl BufRead, record: &mut Vec<u8>, limit: usize) -> bool {
    record.clear();
    let mut read_any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok([]) | Err(_) => return read_any,
            Ok(buf) => buf,
        };
        read_any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == 0x1e) {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        let room = limit.saturating_sub(record.len());
        record.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = done.unwrap_or(buf.len());
        input.consume(used);
        if done.is_some() {
            return true;
        }
    }
}

/// One commit record: the commit, whether it counts as a change, its paths.
fn parse_record(
    record: &[u8],
    order: u32,
    ignored: &dyn Fn(&str) -> bool,
) -> Option<(Commit, bool, Vec<String>)> {
    let text = String::from_utf8_lossy(record);
    let mut fields = text.splitn(4, '\x1f');
    let hash = fields.next()?.trim().to_string();
    let time: i64 = fields.next()?.trim().parse().ok()?;
    let message = fields.next()?;
    let paths = fields
        .next()
        .unwrap_or("")
        .split('\0')
        .map(|p| p.trim_start_matches('\n'))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let commit = Commit {
        time,
        order,
        hash,
        subject: message.lines().next().unwrap_or("").trim().to_string(),
    };
    Some((commit, !ignored(message), paths))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut log = Vec::new();
        for (hash, time, message, paths) in [
            ("c3", 300, "Fix a typo\n", vec!["en/a.md"]),
            (
                "c2",
                200,
                "Translate a\n\nlong body\n",
                vec!["es/a-es.md", "en/b.md"],
            ),
            (
                "c1",
                100,
                "Write a and b\n",
                vec!["en/a.md", "en/b.md", "en/c d.md"],
            ),
        ] {
            log.extend_from_slice(format!("\x1e{hash}\x1f{time}\x1f{message}\x1f\0\n").as_bytes());
            for p in paths {
                log.extend_from_slice(p.as_bytes());
                log.push(0);
            }
        }
        log
    }

    #[test]
    fn newest_and_newest_significant_commit_of_each_file() {
        let wanted: HashSet<&str> = ["en/a.md", "es/a-es.md", "en/c d.md", "en/new.md"].into();
        let typo = |m: &str| m.to_lowercase().contains("typo");
        let (history, early) = parse(&sample()[..], &wanted, &typo);
        assert!(!early, "en/new.md has no commit: read to the end");
        let a = history.of("en/a.md").unwrap();
        assert_eq!(a.last.as_ref().unwrap().hash, "c3");
        assert_eq!(a.last_significant.as_ref().unwrap().hash, "c1");
        assert_eq!(
            a.last_significant.as_ref().unwrap().subject,
            "Write a and b"
        );
        let es = history.of("es/a-es.md").unwrap();
        assert_eq!(es.last.as_ref().unwrap().time, 200);
        assert!(a.last_significant.as_ref().unwrap().order > es.last.as_ref().unwrap().order);
        assert_eq!(
            history.of("en/c d.md").unwrap().last.as_ref().unwrap().hash,
            "c1"
        );
        assert!(history.of("en/new.md").is_none());
        assert!(history.of("en/b.md").is_none(), "not wanted, not kept");
    }

    #[test]
    fn a_huge_commit_is_cut_not_held() {
        let mut log = b"\x1eaa\x1f100\x1f".to_vec();
        log.extend(std::iter::repeat_n(b'x', 10_000));
        log.extend_from_slice(b"\x1f\0\nen/a.md\0\x1ebb\x1f50\x1fsmall\x1f\0\nen/a.md\0");
        let mut input = &log[..];
        let mut record = Vec::new();
        assert!(read_record(&mut input, &mut record, 100));
        assert!(record.is_empty(), "before the first separator");
        assert!(read_record(&mut input, &mut record, 100));
        assert_eq!(record.len(), 100);
        assert!(read_record(&mut input, &mut record, 100));
        assert!(record.starts_with(b"bb\x1f50"));
        assert!(!read_record(&mut input, &mut record, 100));
        // Within the real limit, a 10 kB message is read whole.
        let wanted: HashSet<&str> = ["en/a.md"].into();
        let (history, _) = parse(&log[..], &wanted, &|_| false);
        assert_eq!(
            history.of("en/a.md").unwrap().last.as_ref().unwrap().hash,
            "aa"
        );
    }

    #[test]
    fn stops_once_every_file_is_settled() {
        let wanted: HashSet<&str> = ["es/a-es.md"].into();
        let (history, early) = parse(&sample()[..], &wanted, &|_| false);
        assert!(early);
        assert_eq!(history.files.len(), 1);
    }

    #[test]
    fn later_means_time_then_log_order() {
        let at = |time, order| Commit {
            time,
            order,
            hash: String::new(),
            subject: String::new(),
        };
        assert!(at(2, 5).is_after(&at(1, 0)));
        // Same second: the one git lists first is the newer.
        assert!(at(1, 0).is_after(&at(1, 1)));
        assert!(!at(1, 1).is_after(&at(1, 1)));
    }
}
