//! `folio check` on the real playbooks in `../shared/corpus` (the partner
//! site in six languages, and the internal playbook with its includes), read
//! through `tests/corpus/*/folio.yml`: it must finish without a panic, and
//! its broken relative links must be the ones an independent finder
//! (`tests/crosscheck/broken_links.py`, no shared code) reports, except for
//! differences listed and explained below.
//!
//! Skipped, with a visible message, when the corpus or python3 is not
//! there, except with `CI` set, where that fails (`common::require`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// (file, line, target as written)
type Key = (String, u64, String);

/// A known, explained difference: (file, line, target, which side reports it).
type Difference = (&'static str, u64, &'static str, Side);

// Two kinds of known difference:
// - A link written with backslashes, `![…](media\x\y.png)`. Browsers parse
//   `\` as `/` in http(s) URLs (WHATWG URL standard), so the link works on
//   GitHub and on the built site: Folio resolves it as a browser does (and
//   writes the href with `/`). The Python finder reads `\` as a literal
//   character of the file name and reports it.
// - A link to a page whose front matter is not YAML (`appendix-a.md`,
//   `appendix-b.md`, each with a `front-matter-syntax` error): the file
//   exists, so the finder is content, but Folio cannot build the page, so
//   the link would lead nowhere and Folio reports it (check = build).
const PARTNER_SITE_DIFFERENCES: &[Difference] = &[
    (
        "operations-guide/migration-benefit-service.md",
        57,
        "media\\migration-benefit-service\\frp-migration-flow-diagram.png",
        Side::ScriptOnly,
    ),
    (
        "ftop-partner-user-guide/power-report-guide-intro.md",
        23,
        "appendix-a.md",
        Side::FolioOnly,
    ),
    (
        "ftop-partner-user-guide/power-report-guide-intro.md",
        24,
        "appendix-b.md",
        Side::FolioOnly,
    ),
];
const INTERNAL_PLAYBOOK_DIFFERENCES: &[Difference] = &[
    (
        "rfa-eligibility.md",
        88,
        "media\\billing-type-odin.png",
        Side::ScriptOnly,
    ),
    (
        "rfa-eligibility.md",
        90,
        "media\\paid-seats-false.png",
        Side::ScriptOnly,
    ),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    ScriptOnly,
    FolioOnly,
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn partner_site_agrees_with_the_independent_finder() {
    cross_check(
        "partner_site_agrees_with_the_independent_finder",
        "partner-site",
        &[],
        PARTNER_SITE_DIFFERENCES,
    );
}

#[test]
fn internal_playbook_agrees_with_the_independent_finder() {
    cross_check(
        "internal_playbook_agrees_with_the_independent_finder",
        "internal-playbook",
        &["**/archive/**"],
        INTERNAL_PLAYBOOK_DIFFERENCES,
    );
}

/// Checks `../shared/corpus/<name>` through `tests/corpus/<name>/folio.yml`
/// and compares with the independent finder (given the same `exclude`).
fn cross_check(test: &str, name: &str, exclude: &[&str], known_differences: &[Difference]) {
    let config_root = format!("tests/corpus/{name}");
    // How `folio check` shows the corpus's content dir (relative to the config root).
    let shown_prefix = format!("../../../../shared/corpus/{name}/");
    let Some(corpus) = common::shared(test, &format!("corpus/{name}")) else {
        return;
    };
    if !common::program(test, "python3") {
        return;
    }

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["check", "--root", &config_root, "--format", "json"])
        .current_dir(manifest_dir())
        .output()
        .expect("run folio");
    let elapsed = started.elapsed();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "folio check failed on the corpus ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("folio check --format json is JSON");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics {
        *by_code.entry(d["code"].as_str().unwrap()).or_default() += 1;
    }
    eprintln!(
        "folio check on the {name} corpus: {} in {elapsed:.2?}; by code: {by_code:?}",
        report["summary"]
    );

    let folio: BTreeSet<Key> = diagnostics
        .iter()
        // `link-email` too: a relative link naming no file, which Folio
        // reads as an e-mail address (a warning; the finder, knowing no
        // such rule, reports it broken). Both find the same links.
        .filter(|d| {
            matches!(
                d["code"].as_str(),
                Some("link-broken" | "asset-missing" | "link-case" | "link-email")
            )
        })
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let file = file
                .strip_prefix(shown_prefix.as_str())
                .unwrap_or_else(|| panic!("`{file}` is not under the corpus"));
            (
                file.to_string(),
                d["line"].as_u64().unwrap(),
                d["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();

    let script = manifest_dir().join("tests/crosscheck/broken_links.py");
    let mut finder = Command::new("python3");
    finder.arg(&script).arg(&corpus).arg("--json");
    for glob in exclude {
        finder.args(["--exclude", glob]);
    }
    let python = finder.output().expect("run python3");
    assert!(
        matches!(python.status.code(), Some(0 | 1)),
        "broken_links.py failed:\n{}",
        String::from_utf8_lossy(&python.stderr)
    );
    let found: serde_json::Value = serde_json::from_slice(&python.stdout).expect("script JSON");
    let independent: BTreeSet<Key> = found["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| matches!(p["category"].as_str(), Some("broken" | "case")))
        .map(|p| {
            (
                p["file"].as_str().unwrap().to_string(),
                p["line"].as_u64().unwrap(),
                p["dest"].as_str().unwrap().to_string(),
            )
        })
        .collect();

    let known = |key: &Key, side: Side| {
        known_differences
            .iter()
            .any(|(f, l, t, s)| *s == side && key.0 == *f && key.1 == *l && key.2 == *t)
    };
    let folio_only: Vec<&Key> = folio
        .difference(&independent)
        .filter(|k| !known(k, Side::FolioOnly))
        .collect();
    let script_only: Vec<&Key> = independent
        .difference(&folio)
        .filter(|k| !known(k, Side::ScriptOnly))
        .collect();
    eprintln!(
        "broken relative links: folio {}, independent finder {}, known differences {}",
        folio.len(),
        independent.len(),
        known_differences.len()
    );
    assert!(
        folio_only.is_empty() && script_only.is_empty(),
        "unexplained differences\nonly folio: {folio_only:#?}\nonly the script: {script_only:#?}"
    );
    // Every listed difference still exists; a stale entry would hide nothing.
    for (f, l, t, side) in known_differences {
        let key = (f.to_string(), *l, t.to_string());
        let (ours, theirs) = (folio.contains(&key), independent.contains(&key));
        assert_eq!(
            (ours, theirs),
            (*side == Side::FolioOnly, *side == Side::ScriptOnly),
            "known difference {key:?} no longer differs; remove it from the list"
        );
    }
}
