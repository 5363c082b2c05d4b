//! The task index and task links in a real browser (headless Chromium
//! over WebDriver, `common::browser`), on the served sample site: the
//! filters narrow the rows and say how many are shown, the address keeps
//! them, the columns sort, and a task's link lands on its row, scrolled
//! into view and highlighted, with a copy button beside its ID.
//!
//! Screenshots of the task index (light and dark, 390 px phone and
//! 1366 px desktop) go to `target/screenshots/`; with
//! `FOLIO_SCREENSHOTS=1` also to `docs/screenshots/`, which the README
//! shows.

mod common;

use common::browser::{Browser, target_dir};
use common::{TempSite, start};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The rows of the task index a reader sees.
const VISIBLE: &str = "Array.from(document.querySelectorAll('table.task-index-table tbody tr')).filter(r => !r.hidden)";

/// Sets a filter of the task index as a reader would (its event included).
fn filter(browser: &Browser, name: &str, value: &str) {
    browser.run(&format!(
        "const el = document.querySelector('[data-filter=\"{name}\"]'); el.value = {value}; el.dispatchEvent(new Event(el.tagName === 'INPUT' ? 'input' : 'change'));",
        value = json!(value)
    ));
}

/// The given column's text of every visible row.
fn column(browser: &Browser, index: usize) -> Vec<String> {
    let cells = browser.run(&format!(
        "return {VISIBLE}.map(r => r.cells[{index}].textContent.trim());"
    ));
    common::browser::strings(&cells)
}

#[test]
fn task_index_filters_sorts_and_links_to_highlighted_rows_in_chromium() {
    if !common::browser::available(
        "task_index_filters_sorts_and_links_to_highlighted_rows_in_chromium",
    ) {
        return;
    }
    let site = TempSite::sample("browser-tasks");
    let (server, _log) = start(&site);
    let browser = Browser::start(&site.path("chromium-profile"));
    let index = format!("{}en/tasks/", server.url());
    browser.go(&index);
    assert!(
        browser.wait_for("document.querySelector('form.task-filters')?.hidden === false"),
        "the filters appear"
    );
    let total = column(&browser, 0).len();
    assert_eq!(total, 32, "every English task of the sample");

    // Requirement, then role, then free text: each narrows the rows.
    filter(&browser, "req", "optional");
    let optional = column(&browser, 2);
    assert!(
        !optional.is_empty() && optional.len() < total,
        "{optional:?}"
    );
    assert!(optional.iter().all(|r| r == "O"), "{optional:?}");
    filter(&browser, "req", "");
    filter(&browser, "role", "Delivery Coordinator");
    let roles = column(&browser, 3);
    assert!(roles.len() > 1 && roles.len() < total, "{roles:?}");
    assert!(
        roles.iter().all(|r| r == "Delivery Coordinator"),
        "{roles:?}"
    );
    filter(&browser, "text", "raci");
    let names = column(&browser, 1);
    assert!(!names.is_empty() && names.len() < roles.len(), "{names:?}");
    assert!(
        names.iter().all(|n| n.to_lowercase().contains("raci")),
        "{names:?}"
    );
    let count = browser.run("return document.querySelector('.task-count').textContent;");
    assert_eq!(count, json!(format!("Showing {} of {total}", names.len())));
    // The address keeps the filters: opening it again shows the same rows.
    let search = browser.run("return location.search;");
    assert_eq!(search, json!("?role=Delivery+Coordinator&text=raci"));
    browser.go(&format!("{index}?phase=Assess&req=mandatory"));
    assert!(browser.wait_for("document.querySelector('form.task-filters')?.hidden === false"));
    let phases = column(&browser, 5);
    assert!(
        !phases.is_empty() && phases.iter().all(|p| p == "Assess"),
        "{phases:?}"
    );
    assert!(column(&browser, 2).iter().all(|r| r == "M"));

    // Sorting by ID, twice: descending.
    browser.go(&index);
    assert!(browser.wait_for("document.querySelector('form.task-filters')?.hidden === false"));
    let id_header = browser.find("th[data-key='id'] button");
    browser.click(&id_header);
    browser.click(&id_header);
    let ids: Vec<u32> = column(&browser, 0)
        .iter()
        .filter_map(|i| i.parse().ok())
        .collect();
    assert_eq!(ids.len(), total);
    assert!(ids.windows(2).all(|w| w[0] >= w[1]), "{ids:?}");
    assert_eq!(
        browser
            .run("return document.querySelector(\"th[data-key='id']\").getAttribute('aria-sort');"),
        json!("descending")
    );

    // A task's link lands on its row: in view below the top, highlighted.
    let link = browser.find("table.task-index-table a[href$='#task-4106']");
    browser.click(&link);
    assert!(
        browser.wait_for(
            "location.pathname === '/en/initiate-kickoff/' && location.hash === '#task-4106' && document.readyState === 'complete'"
        ),
        "landed on {}",
        browser.run("return location.href;")
    );
    assert_eq!(
        browser.run("return document.querySelector(':target')?.id;"),
        json!("task-4106")
    );
    let row = browser.run(
        "const r = document.getElementById('task-4106'); const b = r.getBoundingClientRect(); const s = getComputedStyle(r); return { top: b.top, bottom: b.bottom, height: innerHeight, background: s.backgroundColor, outline: s.outlineStyle, scrollY: scrollY };",
    );
    let top = row["top"].as_f64().unwrap_or(-1.0);
    assert!(
        row["scrollY"].as_f64().unwrap_or(0.0) > 0.0,
        "scrolled: {row}"
    );
    assert!(
        top >= 60.0
            && row["bottom"].as_f64().unwrap_or(f64::MAX) <= row["height"].as_f64().unwrap_or(0.0),
        "in view, below a sticky header's room: {row}"
    );
    assert_ne!(
        row["background"],
        json!("rgba(0, 0, 0, 0)"),
        "highlighted: {row}"
    );
    assert_eq!(row["outline"], json!("solid"), "outlined: {row}");
    assert_eq!(
        browser.run(
            "return document.querySelectorAll('#task-4106 a.task-link + button.copy-link').length;"
        ),
        json!(1),
        "a copy button beside the ID"
    );
    browser.screenshot(&target_dir().join("browser-task-row.png"));

    screenshots(&browser, &index);
}

/// The task index in light and dark mode, on a phone and a desktop.
fn screenshots(browser: &Browser, index: &str) {
    let dirs = screenshot_dirs();
    for (name, width, height, mobile) in [("phone", 390, 844, true), ("desktop", 1366, 900, false)]
    {
        for dark in [false, true] {
            browser.emulate(width, height, mobile, dark);
            browser.go(index);
            assert!(
                browser.wait_for("document.querySelector('form.task-filters')?.hidden === false")
            );
            let file = format!(
                "task-index-{name}-{}.png",
                if dark { "dark" } else { "light" }
            );
            for dir in &dirs {
                browser.screenshot(&dir.join(&file));
            }
        }
    }
}

fn screenshot_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![target_dir().join("screenshots")];
    if std::env::var_os("FOLIO_SCREENSHOTS").is_some() {
        dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots"));
    }
    for dir in &dirs {
        std::fs::create_dir_all(dir).expect("screenshot folder");
    }
    dirs
}
