//! `folio check` as CI runs it: the built binary on `tests/fixtures/defects`,
//! a small en/es/de site with known defects next to valid twins. The exact
//! set of (file, line, code) is the contract: a new false alarm or a new
//! miss both fail here.

use std::path::Path;
use std::process::{Command, Output};

const FIXTURE: &str = "tests/fixtures/defects";

/// Every diagnostic the fixture must produce, in report order.
const EXPECTED: &[(&str, u32, &str)] = &[
    ("content/english/glossary.md", 1, "translation-missing"),
    ("content/english/guide.md", 12, "link-broken"),
    ("content/english/guide.md", 12, "link-anchor"),
    ("content/english/guide.md", 14, "asset-missing"),
    ("content/english/guide.md", 16, "link-case"),
    ("content/english/guide.md", 34, "html-placeholder"),
    ("content/english/guide.md", 34, "link-unsafe"),
    ("content/english/guide.md", 36, "html-unsafe"),
    ("content/english/includes/loop-b.md", 1, "include-missing"),
    ("content/english/includes/note.md", 4, "include-missing"),
    ("content/english/index.md", 11, "link-language"),
    ("content/english/legacy.md", 6, "file-unreadable"),
    ("content/english/setup.md", 1, "front-matter-missing"),
    ("content/english/setup.md", 12, "task-columns"),
    ("content/english/setup.md", 13, "task-id"),
    ("content/english/setup.md", 14, "task-duplicate"),
    ("content/english/setup.md", 15, "task-requirement"),
    ("content/english/toc.yml", 8, "toc-broken"),
    ("content/german/glossary-es.md", 1, "language-conflict"),
    ("content/german/index.md", 3, "front-matter-date"),
    ("content/german/setup-de.md", 2, "front-matter-syntax"),
    ("content/spanish/guide-es.md", 3, "translation-stale"),
    ("content/spanish/guide-es.md", 12, "link-language"),
    ("content/spanish/guide-es.md", 14, "task-missing"),
    ("content/spanish/guide-es.md", 17, "task-mismatch"),
    ("content/spanish/guide-es.md", 18, "task-missing"),
    ("content/spanish/index.md", 4, "front-matter-duplicate"),
    ("content/spanish/orphan-es.md", 1, "translation-orphan"),
    ("content/spanish/setup.md", 1, "translation-duplicate"),
];

fn folio(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // As in a GitHub Actions job whose checkout is this repository.
        .env("GITHUB_WORKSPACE", env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run folio")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A temp dir (the `tempfile` crate) removed on drop.
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("folio-it-{tag}-"))
            .tempdir()
            .unwrap();
        TempDir(dir)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.0.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn path(&self) -> &str {
        self.0.path().to_str().unwrap()
    }
}

#[test]
fn json_reports_exactly_the_known_defects() {
    let out = folio(&["check", "--root", FIXTURE, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "errors exit 1");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let got: Vec<(String, u32, String)> = diagnostics
        .iter()
        .map(|d| {
            for key in [
                "file", "line", "column", "severity", "code", "message", "target", "hint",
            ] {
                assert!(d.get(key).is_some(), "missing `{key}` in {d}");
            }
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() as u32,
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, u32, String)> = EXPECTED
        .iter()
        .map(|(f, l, c)| (f.to_string(), *l, c.to_string()))
        .collect();
    assert_eq!(
        got, expected,
        "sorted by file then line, nothing more, nothing less"
    );

    let errors = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(
        report["summary"],
        serde_json::json!({
            "errors": errors,
            "warnings": diagnostics.len() - errors,
            "pages": 11,
            "languages": 3
        })
    );
    // Paths are relative to the site root and use `/`.
    assert!(got.iter().all(|(f, _, _)| f.starts_with("content/")));
    // A link's target is reported as written.
    let broken = diagnostics
        .iter()
        .find(|d| d["code"] == "link-broken")
        .unwrap();
    assert_eq!(broken["target"], "nope.md");
    assert_eq!(broken["column"], 5);
    // `hint`: the fix when Folio knows one, `null` when it does not.
    let hint = |code: &str| {
        diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .map(|d| d["hint"].clone())
            .unwrap()
    };
    assert_eq!(hint("link-anchor"), "did you mean `#plan-the-work`?");
    assert_eq!(hint("link-case"), "write it as `setup.md`");
    assert_eq!(hint("link-language"), "link to `guide.md` instead");
    assert_eq!(
        hint("translation-missing"),
        "create `content/spanish/glossary-es.md`"
    );
    assert_eq!(broken["hint"], serde_json::Value::Null);
    assert_eq!(hint("task-duplicate"), serde_json::Value::Null);
}

#[test]
fn github_format_annotates_every_diagnostic() {
    let out = folio(&["check", "--root", FIXTURE, "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), EXPECTED.len() + 1, "{text}");
    // Paths are relative to the checkout, so annotations land on the files.
    for (line, (file, number, code)) in lines.iter().zip(EXPECTED) {
        let file = format!("{FIXTURE}/{file}");
        let prefix_error = format!("::error file={file},line={number},col=");
        let prefix_warning = format!("::warning file={file},line={number},col=");
        assert!(
            line.starts_with(&prefix_error) || line.starts_with(&prefix_warning),
            "{line}"
        );
        assert!(line.contains(&format!(",title={code}::")), "{line}");
    }
    assert!(text.contains(
        "::error file=tests/fixtures/defects/content/english/guide.md,line=16,col=22,title=link-case::`Setup.md` exists only as `english/setup.md`"
    ));
    assert_eq!(
        lines.last().unwrap(),
        &"11 pages in 3 languages, 17 errors, 12 warnings"
    );
}

#[test]
fn human_format_shows_source_caret_hint_and_summary() {
    let out = folio(&["check", "--root", FIXTURE]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(
        "content/english/guide.md:12:37: error[link-anchor]: `#plan-teh-work` matches no heading or anchor on this page\n   |\n12 | See [the missing page](nope.md) and [this heading](#plan-teh-work).\n   |                                     ^\n  = help: did you mean `#plan-the-work`?\n"
    ), "{text}");
    assert!(text.contains("     2 error[include-missing]\n"), "{text}");
    assert!(
        text.ends_with("11 pages in 3 languages, 17 errors, 12 warnings\n"),
        "{text}"
    );
}

#[test]
fn warnings_pass_unless_denied() {
    let site = TempDir::new("warnings");
    site.write(
        "folio.yml",
        "languages:\n  - { code: en, dir: en }\n  - { code: es, dir: es }\n",
    );
    site.write("content/en/a.md", "# A\n");
    site.write("content/en/b.md", "# B\n");
    site.write("content/es/a-es.md", "# A\n");
    let plain = folio(&["check", "--root", site.path(), "--format", "json"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stdout(&plain));
    let report: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["warnings"], 1);
    let denied = folio(&["check", "--root", site.path(), "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1));

    site.write("content/es/b-es.md", "# B\n");
    let clean = folio(&["check", "--root", site.path(), "--deny-warnings"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert_eq!(
        stdout(&clean),
        "4 pages in 2 languages, 0 errors, 0 warnings\n"
    );
}

#[test]
fn configuration_and_usage_errors_exit_2() {
    let site = TempDir::new("bad-config");
    site.write("folio.yml", "title: x\nlanguagez: []\n");
    site.write("content/en/a.md", "# A\n");
    let out = folio(&["check", "--root", site.path(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("folio.yml:2:"), "{err}");
    assert!(err.contains("languagez"), "{err}");
    assert!(out.stdout.is_empty(), "no report on stdout");

    site.write("folio.yml", "checks:\n  external: { concurrency: 0 }\n");
    let out = folio(&["check", "--root", site.path(), "--external"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("checks.external.concurrency"));

    let out = folio(&["check", "--root", FIXTURE, "--format", "xml"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "unknown format is a usage error"
    );
}

#[test]
fn build_runs_the_same_checks_and_prints_their_summary() {
    let out_dir = TempDir::new("build-out");
    let target = Path::new(out_dir.path()).join("public");
    let out = folio(&[
        "build",
        "--root",
        FIXTURE,
        "--out",
        target.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("11 pages in 3 languages, 17 errors, 12 warnings"),
        "{err}"
    );
    for (file, line, code) in EXPECTED {
        assert!(
            err.contains(&format!("{file}:{line}:")) && err.contains(&format!("[{code}]")),
            "build does not report {file}:{line} {code}:\n{err}"
        );
    }
}
