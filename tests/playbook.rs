//! The playbook's files, built by `folio build` from the fixture site
//! `tests/fixtures/playbook` (English, German with `E`/`O`, Portuguese
//! with `b`): `tasks.json` and `tasks.csv` byte for byte against
//! `tests/fixtures/playbook/expected/` (the README's contract), the task
//! index without JavaScript, the phase overview, the links every page
//! carries, the sitemap, and a page that claims the index's path.

mod common;

use common::TempSite;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/playbook")
}

/// A copy of the fixture, built.
fn built(name: &str) -> TempSite {
    let site = TempSite::new(name);
    copy(&fixture(), &site.root);
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    site
}

fn copy(from: &Path, to: &Path) {
    for (rel, bytes) in common::tree(from) {
        if rel.starts_with("expected/") {
            continue;
        }
        let path = to.join(&rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, bytes).expect("write");
    }
}

fn expected(name: &str) -> Vec<u8> {
    std::fs::read(fixture().join("expected").join(name)).expect("expected file")
}

#[test]
fn exports_are_exactly_the_contract() {
    let site = built("playbook-exports");
    for lang in ["en", "de", "pt"] {
        for ext in ["json", "csv"] {
            let got = std::fs::read(site.path(&format!("public/{lang}/tasks.{ext}")))
                .expect("the export is written");
            assert!(
                got == expected(&format!("{lang}.tasks.{ext}")),
                "{lang}/tasks.{ext} differs from tests/fixtures/playbook/expected/{lang}.tasks.{ext}:\n{}",
                String::from_utf8_lossy(&got)
            );
        }
    }
}

#[test]
fn exports_follow_the_documented_shape() {
    let site = built("playbook-shape");
    let json: serde_json::Value =
        serde_json::from_str(&site.output("de/tasks.json")).expect("valid JSON");
    assert_eq!(json["language"], "de");
    let keys: Vec<&str> = json["tasks"][0]
        .as_object()
        .expect("a task")
        .keys()
        .map(String::as_str)
        .collect();
    let mut documented = vec![
        "id",
        "name",
        "requirement",
        "requirement_label",
        "role",
        "services",
        "phase",
        "page",
        "url",
        "anchor",
        "file",
        "line",
    ];
    documented.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, documented);
    let csv = std::fs::read(site.path("public/pt/tasks.csv")).expect("csv");
    assert!(csv.starts_with("\u{feff}id,name,requirement,".as_bytes()));
    let text = String::from_utf8(csv).expect("UTF-8");
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches("\r\n").count(), 3, "a header and two tasks");
    // Every row of a page links to its row on the page.
    let page = site.output("en/map-berths/index.html");
    for id in 501..=505 {
        assert!(
            page.contains(&format!("<tr id=\"task-{id}\">")),
            "row {id}: {page}"
        );
    }
}

#[test]
fn the_task_index_is_the_complete_table_without_javascript() {
    let site = built("playbook-index");
    let index = site.output("en/tasks/index.html");
    assert_eq!(index.matches("<tr").count(), 8, "a header row and 7 tasks");
    for (id, href) in [
        ("501", "../map-berths/#task-501"),
        ("505", "../map-berths/#task-505"),
        ("602", "../first-voyage/#task-602"),
    ] {
        assert!(
            index.contains(&format!("<td><a href=\"{href}\">{id}</a></td>")),
            "{id}: {index}"
        );
    }
    // The filters are there for the script, hidden until it runs.
    assert!(index.contains("<form class=\"task-filters\" role=\"search\""));
    assert!(index.contains(" hidden data-showing=\"Showing\""));
    assert!(
        index.contains("<td class=\"task-requirement task-mandatory\" title=\"Mandatory\">M</td>")
    );
    // In the language's words, with the language's switcher.
    let de = site.output("de/tasks/index.html");
    assert!(de.contains("<h1>Aufgaben</h1>"), "{de}");
    assert!(de.contains("title=\"Erforderlich\">E</td>"), "{de}");
    assert!(
        de.contains("<a href=\"../../pt/tasks/\" hreflang=\"pt\""),
        "{de}"
    );
    assert!(de.contains(
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://docs.example.org/harbor/en/tasks/\">"
    ));
    let pt = site.output("pt/tasks/index.html");
    assert!(pt.contains("title=\"Obrigatória\">b</td>"), "{pt}");
}

#[test]
fn every_page_links_to_its_languages_index_and_phases() {
    let site = built("playbook-links");
    for (page, to_tasks, tasks, to_phases, phases) in [
        ("en/index.html", "tasks/", "Tasks", "phases/", "Phases"),
        (
            "en/map-berths/index.html",
            "../tasks/",
            "Tasks",
            "../phases/",
            "Phases",
        ),
        (
            "de/map-berths/index.html",
            "../tasks/",
            "Aufgaben",
            "../phases/",
            "Phasen",
        ),
        ("pt/index.html", "tasks/", "Tarefas", "phases/", "Fases"),
        ("en/tasks/index.html", "./", "Tasks", "../phases/", "Phases"),
    ] {
        let html = site.output(page);
        let current = if to_tasks == "./" {
            " aria-current=\"page\""
        } else {
            ""
        };
        for wanted in [
            format!("<li><a href=\"{to_tasks}\"{current}>{tasks}</a></li>"),
            format!("<li><a href=\"{to_phases}\">{phases}</a></li>"),
        ] {
            assert!(html.contains(&wanted), "{page}: {wanted}");
        }
    }
}

#[test]
fn phases_are_listed_in_toc_order_with_their_task_counts() {
    let site = built("playbook-phases");
    let en = site.output("en/phases/index.html");
    let prepare = en.find("<h2>Prepare</h2>").expect("Prepare");
    let sail = en.find("<h2>Sail</h2>").expect("Sail, the toc group");
    assert!(prepare < sail);
    assert!(en.contains(
        "3 Mandatory</span> · <span class=\"task-optional\" title=\"Optional\">2 Optional"
    ));
    assert!(en.contains("<a href=\"../map-berths/\">Map the berths</a>"));
    let de = site.output("de/phases/index.html");
    assert!(de.contains("<h2>Vorbereiten</h2>"), "{de}");
}

#[test]
fn pages_show_badges_history_and_the_last_update_it_gives() {
    let site = built("playbook-page");
    let page = site.output("en/first-voyage/index.html");
    assert!(page.contains(
        "<dl class=\"facts\"><div class=\"fact fact-role\"><dt>Primary Role</dt><dd>Pilot</dd></div>"
    ));
    assert!(page.contains("<details class=\"page-history\">"));
    // No date in the front matter: the newest refresh is the last update.
    assert!(page.contains("<time datetime=\"2024-04-02\""), "{page}");
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://docs.example.org/harbor/en/first-voyage/</loc><lastmod>2024-04-02</lastmod>"
    ));
    for generated in ["en/tasks/", "de/tasks/", "pt/phases/"] {
        assert!(
            sitemap.contains(&format!(
                "<loc>https://docs.example.org/harbor/{generated}</loc>"
            )),
            "{generated}"
        );
    }
}

#[test]
fn a_page_cannot_take_the_task_index_path() {
    let site = TempSite::new("playbook-collision");
    copy(&fixture(), &site.root);
    site.write("content/en/tasks.md", "# My tasks\n");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains("error[path-collision]")
            || run.stderr.contains("error[path-collision]"),
        "{}",
        run.all()
    );
    assert!(
        site.output("en/tasks/index.html")
            .contains("class=\"generated task-index\"")
    );
}
