//! Translation status (issue 11): `folio status` in its three formats, the
//! `translations:` key, and what readers and search engines get from a
//! build — stale notices, fallback pages (`noindex`, in no hreflang set,
//! not in the sitemap) and the dashboard (`/status/`, `/status.json`).

mod common;

use common::TempSite;
use common::html::{Built, parse_sitemap};
use serde_json::{Value, json};

const BASE: &str = "https://docs.example.com/";

/// en (default), es, de. `a`: Spanish current, German stale by 31 days.
/// `b`: untranslated. `ops/run`: English by design (out of scope). `solo`:
/// a German page without original.
fn fixture(translations: &str) -> TempSite {
    let site = TempSite::new("status");
    let page = |title: &str, date: &str, body: &str| {
        format!("---\ntitle: {title}\nms.date: {date}\n---\n# {title}\n\n{body}\n")
    };
    site.write(
        "folio.yml",
        &format!(
            "title: T\nbase_url: {BASE}\nlanguages:\n  - {{ code: en, name: English, dir: en }}\n  - {{ code: es, name: Español, dir: es, suffixes: [es] }}\n  - {{ code: de, name: Deutsch, dir: de, suffixes: [de] }}\n{translations}"
        ),
    )
    .write("content/en/index.md", &page("Home", "2024-01-01", "[A](a.md)"))
    .write("content/es/index.md", &page("Inicio", "2024-01-02", "[A](a-es.md)"))
    .write("content/de/index.md", &page("Start", "2024-01-02", "[A](a-de.md)"))
    .write(
        "content/en/a.md",
        &page("A", "2024-03-02", "## Setup\n\nSee [B](b.md), [B setup](b.md#steps) and [home](index.md)."),
    )
    .write("content/es/a-es.md", &page("A es", "2024-03-05", "Texto."))
    .write("content/de/a-de.md", &page("A de", "2024-01-31", "Text."))
    .write(
        "content/en/b.md",
        &page("B", "2024-02-10", "## Steps\n\nBack to [A](a.md) and [ops](ops/run.md)."),
    )
    .write("content/en/ops/run.md", &page("Run", "2024-02-01", "Ops."))
    .write("content/de/solo-de.md", &page("Solo", "2024-02-01", "Allein."));
    site
}

const SCOPED: &str = "translations:\n  scope: [\"*\"]\n";

#[test]
fn status_json_is_the_documented_contract() {
    let site = fixture(SCOPED);
    let run = site.folio("status", &["--format", "json", "--language", "de"]);
    assert_eq!(run.code, 0, "{}", run.all());
    let report: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
    let file = |f: &str| format!("content/{f}");
    let url = |u: &str| format!("{BASE}{u}");
    assert_eq!(
        report,
        json!({
            "default_language": "en",
            "staleness": "date",
            "languages": [{
                "code": "de", "name": "Deutsch",
                "coverage": { "percent": 33.3, "current": 1, "in_scope": 3 },
                "counts": { "current": 1, "stale": 1, "missing": 1, "duplicate": 0, "conflict": 0, "orphan": 1 }
            }],
            "pages": [
                { "key": "", "source": { "file": file("en/index.md"), "url": url("en/"), "updated": "2024-01-01", "commit": null },
                  "translations": { "de": { "status": "current", "in_scope": true, "file": file("de/index.md"), "url": url("de/"),
                    "updated": "2024-01-02", "commit": null, "behind_days": null, "expected": null, "fallback": null } } },
                { "key": "a", "source": { "file": file("en/a.md"), "url": url("en/a/"), "updated": "2024-03-02", "commit": null },
                  "translations": { "de": { "status": "stale", "in_scope": true, "file": file("de/a-de.md"), "url": url("de/a/"),
                    "updated": "2024-01-31", "commit": null, "behind_days": 31, "expected": null, "fallback": null } } },
                { "key": "b", "source": { "file": file("en/b.md"), "url": url("en/b/"), "updated": "2024-02-10", "commit": null },
                  "translations": { "de": { "status": "missing", "in_scope": true, "file": null, "url": null,
                    "updated": null, "commit": null, "behind_days": null, "expected": file("de/b-de.md"), "fallback": url("de/b/") } } },
                // Out of scope and not translated: listed, with no cell.
                { "key": "ops/run", "source": { "file": file("en/ops/run.md"), "url": url("en/ops/run/"), "updated": "2024-02-01", "commit": null },
                  "translations": {} },
                { "key": "solo", "source": null,
                  "translations": { "de": { "status": "orphan", "in_scope": true, "file": file("de/solo-de.md"), "url": url("de/solo/"),
                    "updated": "2024-02-01", "commit": null, "behind_days": null, "expected": null, "fallback": null } } }
            ]
        })
    );
}

#[test]
fn human_and_markdown_reports_exit_0() {
    let site = fixture(SCOPED);
    let human = site.folio("status", &[]);
    assert_eq!(human.code, 0, "{}", human.all());
    for line in [
        "de            33.3%         1         1         1         0         0         1  Deutsch",
        "es            66.7%         2         0         1         0         0         0  Español",
        "  de      a                                        content/de/a-de.md (2024-01-31) is 31 days behind content/en/a.md (2024-03-02)",
        "  es      b                                        create content/es/b-es.md; readers get the original meanwhile",
    ] {
        assert!(human.stdout.contains(line), "{line}\n{}", human.stdout);
    }
    let markdown = site.folio("status", &["--format", "markdown"]);
    assert_eq!(markdown.code, 0, "{}", markdown.all());
    for line in [
        "| Language | Coverage | Current | Stale | Missing | Duplicate | Conflict | Orphan |",
        "| Español (<code>es</code>) | 66.7% | 2 | 0 | 1 | 0 | 0 | 0 |",
        "<details><summary>4 translations need work</summary>",
        "| <code>a</code> | de | stale | 31 days behind |",
        "| <code>b</code> | es | missing | <code>content/es/b-es.md</code> |",
    ] {
        assert!(
            markdown.stdout.contains(line),
            "{line}\n{}",
            markdown.stdout
        );
    }
    let unknown = site.folio("status", &["--language", "fr"]);
    assert_eq!(unknown.code, 2, "{}", unknown.all());
    assert!(
        unknown
            .stderr
            .contains("--language fr: not one of the site's languages (en, es, de)"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn check_reports_missing_translations_only_in_scope() {
    let site = fixture(SCOPED);
    let check = site.folio("check", &["--format", "json"]);
    let report: Value = serde_json::from_str(&check.stdout).expect("JSON");
    let missing: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "translation-missing")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "`b` has no Deutsch (de) translation",
            "`b` has no Español (es) translation"
        ]
    );
}

#[test]
fn fallback_pages_are_noindex_outside_hreflang_and_the_sitemap() {
    let site = fixture(SCOPED);
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let fallback = site.output("es/b/index.html");
    for part in [
        "<html lang=\"es\"",
        "<meta name=\"robots\" content=\"noindex\">",
        // The original is the page to index.
        &format!("<link rel=\"canonical\" href=\"{BASE}en/b/\">"),
        "<aside class=\"translation-notice translation-fallback\" role=\"note\">",
        "Esta página aún no se ha traducido",
        "<a href=\"../../en/b/\" hreflang=\"en\">Ver el original (<span lang=\"en\">English</span>)</a>",
        "<article class=\"content\" lang=\"en\" dir=\"ltr\"",
        // Links go to the Spanish version when there is one; a link to a
        // section stays on the original, whose ids it names.
        "Back to <a href=\"../a/\">A</a>",
        // The switcher: the real English page, the German fallback, marked.
        "<li><a href=\"../../en/b/\" hreflang=\"en\" lang=\"en\" data-folio-lang=\"en\">English</a></li>",
        "<a class=\"missing\" href=\"../../de/b/\" hreflang=\"de\"",
    ] {
        assert!(fallback.contains(part), "{part}\n{fallback}");
    }
    assert!(!fallback.contains("rel=\"alternate\""), "{fallback}");
    // Out of scope: no fallback page, and the switcher goes home.
    assert!(!site.exists("public/es/ops/run/index.html"));
    let run_page = site.output("en/ops/run/index.html");
    assert!(
        run_page.contains("<a class=\"missing\" href=\"../../../es/\""),
        "{run_page}"
    );
    // The English page's switcher leads to the fallback page; no alternate.
    let b = site.output("en/b/index.html");
    assert!(
        b.contains("<a class=\"missing\" href=\"../../es/b/\" hreflang=\"es\""),
        "{b}"
    );
    assert!(!b.contains("hreflang=\"es\" href="), "{b}");
    let a = site.output("en/a/index.html");
    assert!(a.contains("See <a href=\"../b/\">B</a>"), "{a}");

    let built = Built::read(&site.path("public"), BASE);
    let sitemap = site.output("sitemap.xml");
    let mut problems = built.hreflang_problems();
    problems.extend(built.sitemap_problems(&sitemap));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let noindex = built.noindex_pages();
    for page in ["es/b/index.html", "de/b/index.html", "status/index.html"] {
        assert!(noindex.contains(page), "{page}: {noindex:?}");
    }
    let listed = parse_sitemap(&sitemap);
    for url in ["es/b/", "de/b/", "status/"] {
        assert!(
            !listed.contains_key(&format!("{BASE}{url}")),
            "{url} in the sitemap"
        );
    }
    assert!(!sitemap.contains("status.json"));
}

#[test]
fn stale_translations_tell_readers_in_their_language() {
    let site = fixture(SCOPED);
    site.folio("build", &[]);
    let stale = site.output("de/a/index.html");
    assert!(
        stale.contains("<aside class=\"translation-notice translation-stale\" role=\"note\">\n      <p>Diese Übersetzung ist möglicherweise veraltet: Das Original wurde seit der Übersetzung geändert. <a href=\"../../en/a/\" hreflang=\"en\">Zum Original (<span lang=\"en\">English</span>)</a></p>"),
        "{stale}"
    );
    assert!(
        !stale.contains("noindex"),
        "a stale translation is still indexed"
    );
    assert!(
        stale.contains("rel=\"alternate\" hreflang=\"de\""),
        "{stale}"
    );
    let current = site.output("es/a/index.html");
    assert!(!current.contains("translation-notice"), "{current}");
}

#[test]
fn the_dashboard_is_the_status_report() {
    let site = fixture(&format!(
        "{SCOPED}  source_url: https://git.example.com/docs/blob/main/\n"
    ));
    site.folio("build", &[]);
    let json = site.folio("status", &["--format", "json"]);
    assert_eq!(site.output("status.json"), json.stdout);
    let page = site.output("status/index.html");
    for part in [
        "<meta name=\"robots\" content=\"noindex\">",
        "<td class=\"state-stale\">",
        "<span class=\"status-behind\">31 days behind</span>",
        "<span class=\"status-dates\">2024-01-31 → 2024-03-02</span>",
        // Paths may wrap after each `/`.
        "<a href=\"../de/a/\">content/<wbr>de/<wbr>a-de.md</a>",
        "<span class=\"status-fallback\"><a href=\"../es/b/\">fallback page</a></span>",
        "<strong>66.7%</strong>",
        // `source_url` links the files (the JSON leaves it out).
        "<a href=\"https://git.example.com/docs/blob/main/content/en/a.md\">content/<wbr>en/<wbr>a.md</a>",
        " · <a href=\"https://git.example.com/docs/blob/main/content/de/a-de.md\">source</a>",
        // Rows are rendered by status_rows.html, a chunk at a time.
        "<tr class=\"needs-work\">",
        "5 pages.",
    ] {
        assert!(page.contains(part), "{part}\n{page}");
    }
}

#[test]
fn without_fallbacks_missing_pages_lead_home() {
    let site = fixture("translations:\n  fallback: false\n  dashboard: false\n");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(!site.exists("public/es/b"));
    assert!(!site.exists("public/status.json") && !site.exists("public/status"));
    let b = site.output("en/b/index.html");
    assert!(
        b.contains("<a class=\"missing\" href=\"../../es/\" hreflang=\"es\""),
        "{b}"
    );
    let json = site.folio("status", &["--format", "json"]);
    let report: Value = serde_json::from_str(&json.stdout).expect("JSON");
    let run_es = &report["pages"][3]["translations"]["es"];
    assert_eq!(
        run_es["status"], "missing",
        "everything is in scope: {report}"
    );
    assert_eq!(run_es["fallback"], Value::Null);
}

/// `staleness: git` without `git` on PATH: one clear warning, dates are
/// compared instead, and the report is still written (exit 0).
#[test]
fn git_staleness_without_git_says_so_and_uses_dates() {
    let site = fixture("translations:\n  staleness: git\n");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["status", "--format", "json", "--root"])
        .arg(&site.root)
        .env("PATH", site.path("no-programs-here"))
        .output()
        .expect("run folio");
    let run = common::Run::from(output);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr
            .contains("warning[translation-history]: `translations.staleness: git`: it needs the `git` program, which is not on PATH"),
        "{}",
        run.stderr
    );
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(report["staleness"], "date");
    assert_eq!(report["pages"][1]["translations"]["de"]["status"], "stale");
}
