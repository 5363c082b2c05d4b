//! Whole-file snapshots of what Folio writes, compared with the reviewed
//! files in `tests/snapshots/` (the `insta` crate): a few representative
//! pages of the sample site (`content/`, `folio.yml`) and the JSON report
//! of `tests/fixtures/defects`. A change to any byte of them fails here and
//! shows a diff; after reviewing it, `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test --test snapshots`) accepts it.
//!
//! These guard refactors: the output must stay byte-identical unless a
//! change means to alter it.

mod common;

use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the repository's sample site into a fresh folder.
fn build_sample() -> common::TempSite {
    let out = common::TempSite::new("snapshots");
    let run = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--root"])
        .arg(repo())
        // The footer's build date (2023-11-14), so snapshots hold on any day.
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("--out")
        .arg(&out.root)
        .output()
        .expect("run folio");
    let run = common::Run::from(run);
    assert_eq!(run.code, 0, "{}", run.all());
    out
}

#[test]
fn sample_site_pages() {
    let out = build_sample();
    // A page with a task table, callouts and an include; its translation;
    // an untranslated page; a language home; the chooser; 404; a
    // navigation tree; the sitemap.
    for (name, rel) in [
        ("page_en_initiate_kickoff", "en/initiate-kickoff/index.html"),
        ("page_es_initiate_kickoff", "es/initiate-kickoff/index.html"),
        (
            "page_de_assess_network",
            "de/assess-network-readiness/index.html",
        ),
        (
            "page_en_glossary_untranslated",
            "en/resources-glossary/index.html",
        ),
        // Its Spanish fallback page; a stale translation with its notice;
        // the translation dashboard.
        (
            "page_es_glossary_fallback",
            "es/resources-glossary/index.html",
        ),
        (
            "page_es_assess_technical_review_stale",
            "es/assess-technical-review/index.html",
        ),
        ("status_page", "status/index.html"),
        ("status_json", "status.json"),
        ("home_en", "en/index.html"),
        ("chooser", "index.html"),
        ("not_found", "404.html"),
        ("print_de", "de/print/index.html"),
        ("sitemap", "sitemap.xml"),
    ] {
        insta::assert_snapshot!(name, out.read(rel));
    }
}

#[test]
fn sample_site_build_report() {
    let out = common::TempSite::new("snapshots-report");
    let run = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--root"])
        .arg(repo())
        .arg("--out")
        .arg(&out.root)
        .current_dir(repo())
        .output()
        .expect("run folio");
    let stderr = String::from_utf8_lossy(&run.stderr);
    // The elapsed time is the one part allowed to differ.
    let (report, _) = stderr
        .rsplit_once(", ")
        .expect("summary line ends with the time");
    insta::assert_snapshot!("sample_build_stderr", report);
}

#[test]
fn defects_check_json() {
    let run = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args([
            "check",
            "--root",
            "tests/fixtures/defects",
            "--format",
            "json",
        ])
        .current_dir(repo())
        .output()
        .expect("run folio");
    assert_eq!(run.status.code(), Some(1));
    insta::assert_snapshot!("defects_check_json", String::from_utf8_lossy(&run.stdout));
}

#[test]
fn defects_check_human() {
    let run = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["check", "--root", "tests/fixtures/defects"])
        .current_dir(repo())
        .output()
        .expect("run folio");
    assert_eq!(run.status.code(), Some(1));
    insta::assert_snapshot!("defects_check_human", String::from_utf8_lossy(&run.stdout));
}
