use super::*;
use crate::check::tests::{TempDir, load_site};
use crate::config::Config;
use crate::site::Purpose;
use std::process::Command;

const THREE: &str = "languages:\n  - { code: en, name: English, dir: en }\n  - { code: es, name: Español, dir: es, suffixes: [es] }\n  - { code: de, name: Deutsch, dir: de, suffixes: [de] }\n";

fn page(date: &str, title: &str) -> String {
    format!("---\ntitle: {title}\nms.date: {date}\n---\n# {title}\n")
}

/// (key, language code) → state, for every cell.
fn states(site: &Site) -> Vec<(String, String, State)> {
    let status = site.translation_status();
    let mut found = Vec::new();
    for key in status.keys() {
        for (lang, cell) in key.cells(&site.config) {
            let code = site.config.language(lang).code.clone();
            found.push((key.key.as_str().to_string(), code, cell.state));
        }
    }
    found
}

fn cell<'a>(site: &'a Site, key: &str, code: &str) -> &'a Cell {
    let lang = site
        .config
        .languages()
        .find(|(_, l)| l.code == code)
        .map(|(id, _)| id)
        .expect("language");
    site.translation_status()
        .cell(&TranslationKey(key.to_string()), lang)
        .unwrap_or_else(|| panic!("no cell {key} {code}"))
}

fn triple(key: &str, code: &str, state: State) -> (String, String, State) {
    (key.to_string(), code.to_string(), state)
}

#[test]
fn every_state_by_date() {
    let (_dir, site) = load_site(
        THREE,
        &[
            ("en/a.md", &page("2024-03-01", "A")),
            ("es/a-es.md", &page("2024-03-05", "A es")),
            ("de/a-de.md", &page("2024-01-20", "A de")),
            ("en/b.md", &page("2024-03-01", "B")),
            // Two Spanish files for b; the German one is named for English.
            ("es/b-es.md", &page("2024-03-01", "B es")),
            ("es/b.md", &page("2024-03-01", "B es 2")),
            ("de/b-en.md", &page("2024-03-01", "B copy")),
            ("es/only-es.md", &page("2024-03-01", "Solo")),
        ],
    );
    assert_eq!(
        states(&site),
        vec![
            triple("a", "es", State::Current),
            triple("a", "de", State::Stale),
            triple("b", "es", State::Duplicate),
            triple("b", "de", State::Conflict),
            triple("only", "es", State::Orphan),
        ]
    );
    let stale = cell(&site, "a", "de");
    assert!(stale.older);
    assert_eq!(stale.behind_days, Some(41));
    assert_eq!(
        stale.updated.as_ref().map(Stamp::iso).as_deref(),
        Some("2024-01-20")
    );
    assert!(site.translation_status().fallbacks().is_empty());
}

#[test]
fn missing_pages_in_scope_get_fallbacks_except_homes() {
    let yml = format!(
        "{THREE}translations:\n  scope: [\"*\", \"guide/**\"]\n  exclude: {{ de: [\"legal\"] }}\n"
    );
    let (_dir, site) = load_site(
        &yml,
        &[
            ("en/index.md", "# Home\n"),
            ("es/index.md", "# Inicio\n"),
            ("en/legal.md", "# Legal\n"),
            ("en/guide/index.md", "# Guide\n"),
            ("en/guide/setup.md", "# Setup\n"),
            ("de/guide/setup-de.md", "# Einrichtung\n"),
            ("en/ops/run.md", "# Run\n"),
            ("de/ops/run-de.md", "# Betrieb\n"),
        ],
    );
    assert_eq!(
        states(&site),
        vec![
            triple("", "es", State::Current),
            triple("", "de", State::Missing),
            triple("guide", "es", State::Missing),
            triple("guide", "de", State::Missing),
            triple("guide/setup", "es", State::Missing),
            triple("guide/setup", "de", State::Current),
            triple("legal", "es", State::Missing),
            // Out of scope but translated: still judged, not in coverage.
            triple("ops/run", "de", State::Current),
        ]
    );
    assert!(!cell(&site, "ops/run", "de").in_scope);
    let fallbacks: Vec<(String, String)> = site
        .translation_status()
        .fallbacks()
        .iter()
        .map(|&(p, l)| {
            (
                site.page(p).key.as_str().to_string(),
                site.config.language(l).code.clone(),
            )
        })
        .collect();
    // No fallback for the German home: the generated home stands in.
    let expected: Vec<(String, String)> = [
        ("guide", "es"),
        ("guide", "de"),
        ("guide/setup", "es"),
        ("legal", "es"),
    ]
    .iter()
    .map(|(k, l)| (k.to_string(), l.to_string()))
    .collect();
    assert_eq!(fallbacks, expected);
}

#[test]
fn no_fallbacks_when_turned_off_or_where_a_file_is_written() {
    let yml = format!("{THREE}translations:\n  fallback: false\n");
    let (_dir, site) = load_site(&yml, &[("en/a.md", "# A\n"), ("es/x-es.md", "# X\n")]);
    assert!(site.translation_status().fallbacks().is_empty());
    assert_eq!(cell(&site, "a", "es").state, State::Missing);
    // An asset where the Spanish fallback page would be written.
    let (_dir, site) = load_site(
        THREE,
        &[
            ("en/a.md", "# A\n"),
            ("es/x-es.md", "# X\n"),
            ("de/x-de.md", "# X\n"),
            ("es/a/index.html", "<p>mine</p>"),
        ],
    );
    let fallbacks = site.translation_status().fallbacks();
    assert_eq!(fallbacks.len(), 1, "{fallbacks:?}");
    assert_eq!(site.config.language(fallbacks[0].1).code, "de");
}

#[test]
fn civil_days_round_trip() {
    for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2024, 12, 31), (1969, 12, 31)] {
        let days = days_from_civil(y, m, d);
        assert_eq!(civil_from_days(days), (y, u32::from(m), u32::from(d)));
    }
    assert_eq!(days_from_civil(1970, 1, 2), 1);
}

/// Runs git in `dir` with a fixed identity and dates; panics on failure.
fn git(dir: &std::path::Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn commit(dir: &TempDir, files: &[(&str, &str)], message: &str, date: &str) {
    for (path, text) in files {
        dir.write(&format!("content/{path}"), text);
    }
    git(dir.path(), &["add", "-A"], date);
    git(dir.path(), &["commit", "-q", "-m", message], date);
}

/// A site in a git repository: a, b and c written on 1 January and
/// translated into Spanish on 5 January; then a is rewritten, b gets a typo
/// fix and c a `[skip-translation]` change. The date keys say the opposite
/// of the history. A German translation of a is not committed.
fn site_with_history() -> TempDir {
    let dir = TempDir::new("git-status");
    dir.write(
        "folio.yml",
        format!("{THREE}translations:\n  staleness: git\n"),
    );
    git(dir.path(), &["init", "-q"], "2024-01-01T00:00:00Z");
    commit(
        &dir,
        &[
            ("en/a.md", &page("2024-12-01", "A")),
            ("en/b.md", &page("2024-12-01", "B")),
            ("en/c.md", &page("2024-12-01", "C")),
        ],
        "Write a, b and c",
        "2024-01-01T10:00:00Z",
    );
    commit(
        &dir,
        &[
            ("es/a-es.md", &page("2023-01-01", "A es")),
            ("es/b-es.md", &page("2023-01-01", "B es")),
            ("es/c-es.md", &page("2023-01-01", "C es")),
        ],
        "Translate a, b and c",
        "2024-01-05T10:00:00Z",
    );
    commit(
        &dir,
        &[("en/a.md", &page("2024-12-01", "A, rewritten"))],
        "Rewrite a",
        "2024-02-04T10:00:00Z",
    );
    commit(
        &dir,
        &[("en/b.md", &page("2024-12-01", "B, fixed"))],
        "Fix a Typo in b",
        "2024-02-04T11:00:00Z",
    );
    commit(
        &dir,
        &[("en/c.md", &page("2024-12-01", "C, polished"))],
        "Polish c [skip-translation]",
        "2024-02-05T10:00:00Z",
    );
    // Not committed: judged by its date key.
    dir.write("content/de/a-de.md", page("2024-12-02", "A de"));
    dir
}

/// Every file under `dir` with its size and modification time.
fn repository_files(
    dir: &std::path::Path,
) -> Vec<(std::path::PathBuf, u64, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read .git").flatten() {
            let meta = entry.metadata().expect("metadata");
            if meta.is_dir() {
                todo.push(entry.path());
            } else {
                files.push((entry.path(), meta.len(), meta.modified().expect("mtime")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn staleness_by_git_history_ignores_keyword_commits() {
    if Command::new("git").arg("--version").output().is_err() {
        // As tests/common::require: with CI set, a missing git fails.
        assert!(
            std::env::var_os("CI").is_none(),
            "needs the git program, which is missing; with CI set this fails rather than skips"
        );
        eprintln!(
            "SKIP staleness_by_git_history_ignores_keyword_commits: needs git (with CI set this fails)"
        );
        return;
    }
    let dir = site_with_history();
    let before = repository_files(&dir.path().join(".git"));
    let config = Config::load(dir.path()).expect("config");
    let site = Site::load(config, Purpose::Check);
    assert_eq!(
        repository_files(&dir.path().join(".git")),
        before,
        "reading the history writes nothing into the repository"
    );
    assert_eq!(site.translation_status().staleness, Staleness::Git);
    let a = cell(&site, "a", "es");
    assert_eq!(a.state, State::Stale);
    assert_eq!(a.behind_days, Some(30));
    assert_eq!(
        a.updated.as_ref().map(Stamp::iso).as_deref(),
        Some("2024-01-05")
    );
    let source = site
        .translation_status()
        .of_key(&TranslationKey("a".into()))
        .and_then(|k| k.source_updated.clone())
        .expect("source stamp");
    assert_eq!(
        source.commit.as_ref().map(|c| c.subject.as_str()),
        Some("Rewrite a")
    );
    assert_eq!(
        cell(&site, "b", "es").state,
        State::Current,
        "typo commits do not count"
    );
    assert_eq!(
        cell(&site, "c", "es").state,
        State::Current,
        "[skip-translation] commits do not count"
    );
    assert_eq!(
        cell(&site, "a", "de").state,
        State::Current,
        "no history: its date is newer"
    );
    assert!(
        site.diagnostics()
            .iter()
            .all(|d| d.code != Code::TranslationHistory)
    );
}

#[test]
fn staleness_by_git_outside_a_repository_falls_back_to_dates() {
    let (_dir, site) = load_site(
        &format!("{THREE}translations:\n  staleness: git\n"),
        &[
            ("en/a.md", &page("2024-03-01", "A")),
            ("es/a-es.md", &page("2024-02-01", "A es")),
        ],
    );
    assert_eq!(site.translation_status().staleness, Staleness::Date);
    assert_eq!(cell(&site, "a", "es").state, State::Stale);
    let history: Vec<Diagnostic> = site
        .diagnostics()
        .into_iter()
        .filter(|d| d.code == Code::TranslationHistory)
        .collect();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0].file, "folio.yml");
    assert!(
        history[0].message.contains("not inside a git work tree"),
        "{}",
        history[0].message
    );
}
