//! Accessibility and the reader's view in headless Chromium: axe-core
//! (vendored in `tests/fixtures/axe-core`, never downloaded here) on the
//! built sample site's home, a process page, a task-table page, a
//! translated page and the 404 page, in light and dark, at 1,366 and 390
//! CSS pixels: no violation of impact serious or critical. Then what axe
//! cannot see: the theme toggle and its memory, the language menu, task
//! tables on a phone, "On this page" under the title, localized dates,
//! Escape.
//!
//! `FOLIO_SCREENSHOTS=docs/screenshots` also saves the README's
//! screenshots there (desktop and phone, light and dark).

mod common;

use common::TempSite;
use common::browser::{self, Browser};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const AXE: &str = include_str!("fixtures/axe-core/axe.min.js");
const DESKTOP: u32 = 1366;
const PHONE: u32 = 390;

/// Builds the sample site and serves its output folder.
fn built_sample(name: &str) -> (TempSite, String) {
    let site = TempSite::sample(name);
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "build failed: {}", run.all());
    let addr = browser::serve_dir(site.path("public"));
    (site, format!("http://{addr}/"))
}

/// Serious and critical axe violations of the loaded page, one line each.
fn serious_violations(b: &Browser) -> Vec<String> {
    b.run(&format!("{AXE}\nreturn true;"));
    let found = b.run_async(
        "var done = arguments[arguments.length - 1];
         axe.run(document, {
           resultTypes: ['violations']
         }).then(function (r) {
           done(r.violations.filter(function (v) {
             return v.impact === 'serious' || v.impact === 'critical';
           }).map(function (v) {
             return v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(function (n) {
               return n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ');
             }).join(' | ');
           }));
         }, function (e) { done(['axe failed: ' + e]); });",
    );
    browser::strings(&found)
}

#[test]
fn axe_finds_no_serious_violations_light_dark_desktop_phone() {
    if !browser::available("axe_finds_no_serious_violations_light_dark_desktop_phone") {
        return;
    }
    let (site, base) = built_sample("a11y");
    let b = Browser::start(&site.path("chromium-profile"));
    b.session_call("POST", "/timeouts", Some(json!({ "script": 60_000 })));
    let pages = [
        "en/",
        "en/initiate-kickoff/",
        "en/initiate-governance/",
        "de/initiate-kickoff/",
        "no-such-page/",
    ];
    let mut problems = Vec::new();
    for (width, phone) in [(DESKTOP, false), (PHONE, true)] {
        b.viewport(width, 900, phone);
        for dark in [false, true] {
            b.color_scheme(dark);
            for page in pages {
                b.go(&format!("{base}{page}"));
                assert!(
                    b.wait_for("document.readyState === 'complete'"),
                    "{page} loads"
                );
                // The sidebar arrives by fetch; let it land before axe looks.
                b.wait_for("!document.querySelector('#folio-nav[data-nav]') || document.querySelectorAll('#folio-nav li').length > 0");
                let bg =
                    b.run("return getComputedStyle(document.documentElement).backgroundColor;");
                let want = if dark {
                    "rgb(15, 20, 25)"
                } else {
                    "rgb(255, 255, 255)"
                };
                assert_eq!(bg, json!(want), "{page} at {width}px, dark {dark}");
                for v in serious_violations(&b) {
                    problems.push(format!(
                        "{page} at {width}px, {}: {v}",
                        if dark { "dark" } else { "light" }
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "axe violations:\n{}",
        problems.join("\n")
    );
}

/// `FOLIO_SCREENSHOTS` (relative to the repository) or `target/`.
fn shots_dir() -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::var_os("FOLIO_SCREENSHOTS")
        .map(|d| repo.join(d))
        .unwrap_or_else(|| repo.join("target/screenshots"));
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

fn text(b: &Browser, script: &str) -> String {
    b.run(script).as_str().unwrap_or_default().to_string()
}

#[test]
fn reader_view_theme_language_menu_tables_dates_on_phone_and_desktop() {
    if !browser::available("reader_view_theme_language_menu_tables_dates_on_phone_and_desktop") {
        return;
    }
    let site = TempSite::sample("reader");
    // A page only in German: the menu marks English and Spanish
    // "noch nicht übersetzt", in German.
    site.write(
        "content/german-playbook/nur-deutsch-de.md",
        "---\ntitle: Nur auf Deutsch\ndescription: Eine Seite ohne Übersetzung.\nms.date: 2024-03-01\n---\n\n# Nur auf Deutsch\n\nText.\n",
    );
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "build failed: {}", run.all());
    let base = format!("http://{}/", browser::serve_dir(site.path("public")));
    let b = Browser::start(&site.path("chromium-profile"));
    let kickoff = format!("{base}en/initiate-kickoff/");
    b.viewport(DESKTOP, 900, false);
    b.color_scheme(false);
    b.go(&kickoff);
    assert!(b.wait_for("document.readyState === 'complete'"));

    // <title>: the page's heading and the site title once.
    let title = text(&b, "return document.title;");
    assert_eq!(
        title.matches("Northwind Partner Playbook").count(),
        1,
        "{title}"
    );
    assert!(title.ends_with(" – Northwind Partner Playbook"), "{title}");
    // The favicon is served.
    assert!(b.wait_for("document.querySelector('link[rel=icon]') !== null"));
    let icon = b.run_async("var done = arguments[0]; fetch(document.querySelector('link[rel=icon]').href).then(function (r) { done(r.status); });");
    assert_eq!(icon, json!(200));

    // Headings are named by their text alone; the permalink has its own name.
    let h2 = b.find(".content h2");
    let name = b.session_call("GET", &format!("/element/{h2}/computedlabel"), None);
    let visible = text(
        &b,
        "return document.querySelector('.content h2').textContent;",
    );
    assert_eq!(
        name,
        Some(json!(visible.trim())),
        "heading's accessible name"
    );
    let anchor = text(
        &b,
        "return document.querySelector('.content h2').nextElementSibling.getAttribute('aria-label');",
    );
    assert!(anchor.contains(visible.trim()), "{anchor}");

    // Dates: ISO in the markup, the page's language on screen.
    let date = text(
        &b,
        "var t = document.querySelector('.last-updated time'); return t.getAttribute('datetime') + '|' + t.textContent;",
    );
    let (iso, shown) = date.split_once('|').unwrap();
    assert!(
        iso.len() == 10 && shown != iso && shown.contains(&iso[..4]),
        "{date}"
    );

    // Theme toggle: system → light → dark, remembered across loads.
    assert!(b.wait_for("!document.querySelector('.theme-toggle').hidden"));
    let toggle = b.find(".theme-toggle");
    b.click(&toggle);
    assert_eq!(
        b.run("return document.documentElement.getAttribute('data-theme');"),
        json!("light")
    );
    b.click(&toggle);
    assert_eq!(
        b.run("return localStorage.getItem('folio-theme');"),
        json!("dark")
    );
    b.go(&kickoff);
    assert!(b.wait_for("document.readyState === 'complete'"));
    assert_eq!(
        b.run("return document.documentElement.getAttribute('data-theme') + '|' + getComputedStyle(document.documentElement).backgroundColor + '|' + getComputedStyle(document.documentElement).colorScheme;"),
        json!("dark|rgb(15, 20, 25)|dark")
    );
    desktop_and_phone_shots(&b, &kickoff, "process-page", "dark");
    let toggle = b.find(".theme-toggle");
    b.click(&toggle);
    assert_eq!(
        b.run("return localStorage.getItem('folio-theme');"),
        Value::Null
    );
    desktop_and_phone_shots(&b, &kickoff, "process-page", "light");

    phone_checks(&b, &base);
    language_menu_shots(&b, &format!("{base}de/nur-deutsch/"));
}

/// The open language menu, desktop and phone, light and dark, when asked for.
fn language_menu_shots(b: &Browser, url: &str) {
    if std::env::var_os("FOLIO_SCREENSHOTS").is_none() {
        return;
    }
    let dir = shots_dir();
    for dark in [false, true] {
        b.color_scheme(dark);
        for (width, phone, label) in [(DESKTOP, false, "desktop"), (PHONE, true, "phone")] {
            b.viewport(width, if phone { 700 } else { 560 }, phone);
            b.go(url);
            assert!(b.wait_for("document.readyState === 'complete'"));
            let summary = b.find(".lang-menu summary");
            b.click(&summary);
            assert!(b.wait_for("document.querySelector('.lang-menu').open"));
            let theme = if dark { "dark" } else { "light" };
            b.screenshot(&dir.join(format!("language-menu-{label}-{theme}.png")));
        }
    }
    b.color_scheme(false);
}

/// Task tables, "On this page" and the language menu at 390 px.
fn phone_checks(b: &Browser, base: &str) {
    b.viewport(PHONE, 844, true);
    b.go(&format!("{base}de/initiate-governance/"));
    assert!(b.wait_for("document.readyState === 'complete'"));
    // The task table scrolls in a focusable, named region; its ID column stays.
    let table = b.run(
        "var w = document.querySelector('.table-wrap'); var td = w.querySelector('tbody td:first-child');
         var name = w.querySelector('tbody td:nth-child(2)');
         return [w.scrollWidth > w.clientWidth, w.getAttribute('tabindex'), w.getAttribute('role'),
                 w.getAttribute('aria-label'), getComputedStyle(td).position, name.getBoundingClientRect().width];",
    );
    assert_eq!(table[0], json!(true), "{table}");
    assert_eq!(table[1], json!("0"));
    assert_eq!(table[2], json!("region"));
    assert!(
        table[3].as_str().is_some_and(|l| l.starts_with("Aufgaben")),
        "{table}"
    );
    assert_eq!(table[4], json!("sticky"));
    assert!(
        table[5].as_f64().unwrap_or(0.0) >= 140.0,
        "name column width {table}"
    );
    // "On this page" folds under the title; the side column is gone.
    let otp = b.run(
        "var d = document.querySelector('details.otp-inline'); var h = document.querySelector('.content h1');
         return [getComputedStyle(d).display !== 'none', !!(h.compareDocumentPosition(d) & 4),
                 getComputedStyle(document.querySelector('.on-this-page')).display];",
    );
    assert_eq!(otp, json!([true, true, "none"]));
    // The header is one short row; the language menu opens over the page.
    let header =
        b.run("return document.querySelector('.site-header').getBoundingClientRect().height;");
    assert!(
        header.as_f64().unwrap_or(999.0) <= 110.0,
        "header height {header}"
    );
    b.go(&format!("{base}de/nur-deutsch/"));
    assert!(b.wait_for("document.readyState === 'complete'"));
    let summary = b.find(".lang-menu summary");
    b.click(&summary);
    assert_eq!(
        b.run("return document.querySelector('.lang-menu').open;"),
        json!(true)
    );
    // Each language in its own name and language; the note in German.
    let marks = b.run(
        "return Array.from(document.querySelectorAll('.lang-menu .missing-note')).map(function (n) {
           return n.closest('a').getAttribute('lang') + ':' + n.closest('a').firstChild.textContent.trim()
             + ':' + n.getAttribute('lang') + ':' + n.textContent; });",
    );
    assert_eq!(
        marks,
        json!([
            "en:English:de:(noch nicht übersetzt)",
            "es:Español:de:(noch nicht übersetzt)"
        ])
    );
    // The open menu lies within the screen.
    let menu = b.run("var r = document.querySelector('.lang-menu ul').getBoundingClientRect(); return [r.left >= 0, r.right <= innerWidth];");
    assert_eq!(menu, json!([true, true]));
    b.run(
        "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));",
    );
    assert_eq!(
        b.run("return document.querySelector('.lang-menu').open;"),
        json!(false)
    );
    // Escape closes the mobile menu too.
    b.go(&format!("{base}de/initiate-governance/"));
    assert!(b.wait_for("document.readyState === 'complete'"));
    let toggle = b.find(".nav-toggle");
    b.click(&toggle);
    assert_eq!(
        b.run("return document.querySelector('.nav-toggle').getAttribute('aria-expanded');"),
        json!("true")
    );
    b.run(
        "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));",
    );
    assert_eq!(
        b.run("return [document.querySelector('.nav-toggle').getAttribute('aria-expanded'), document.getElementById('folio-nav').classList.contains('open')];"),
        json!(["false", false])
    );
    b.viewport(DESKTOP, 900, false);
    assert_eq!(
        b.run("return getComputedStyle(document.querySelector('details.otp-inline')).display;"),
        json!("none")
    );
}

/// Desktop and phone screenshots of a page, when asked for: the desktop
/// page (up to 2,400 px tall), the phone's first screen and the phone
/// scrolled to the first task table.
fn desktop_and_phone_shots(b: &Browser, url: &str, name: &str, theme: &str) {
    if std::env::var_os("FOLIO_SCREENSHOTS").is_none() {
        return;
    }
    let dir = shots_dir();
    b.viewport(DESKTOP, 900, false);
    b.go(url);
    assert!(b.wait_for("document.readyState === 'complete'"));
    b.full_screenshot(
        &dir.join(format!("{name}-desktop-{theme}.png")),
        DESKTOP,
        2400,
        false,
    );
    b.viewport(PHONE, 844, true);
    b.go(url);
    assert!(b.wait_for("document.readyState === 'complete'"));
    b.screenshot(&dir.join(format!("{name}-phone-{theme}.png")));
    b.run("var t = document.querySelector('.task-table'); window.scrollTo(0, t.getBoundingClientRect().top + scrollY - 160);");
    b.screenshot(&dir.join(format!("{name}-phone-tasks-{theme}.png")));
    b.viewport(DESKTOP, 900, false);
}
