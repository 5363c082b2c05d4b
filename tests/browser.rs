//! Live reload in a real browser: headless Chromium driven over the W3C
//! WebDriver protocol (chromedriver), with nothing but std and serde_json.
//!
//! Opens a page of a served temporary site, edits its source and waits for
//! the change to appear without a reload from the test, checks the scroll
//! position survived, breaks the front matter and sees the overlay, fixes
//! it, then follows the language switcher. Screenshots go to
//! `target/browser-live-reload.png` and `target/browser-overlay.png`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them); without them the test says SKIP, except on CI, where it fails.

mod common;

use common::browser::{Browser, target_dir};
use common::{PATIENCE, TempSite, eventually, start};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const KICKOFF: &str = "content/english-playbook/initiate-kickoff.md";

#[test]
fn live_reload_overlay_and_language_switcher_in_chromium() {
    if !common::browser::available("live_reload_overlay_and_language_switcher_in_chromium") {
        return;
    }
    let site = TempSite::sample("browser");
    let (server, log) = start(&site);
    let page_url = format!("{}en/initiate-kickoff/", server.url());
    let browser = Browser::start(&site.path("chromium-profile"));

    browser.go(&page_url);
    assert!(
        browser.wait_for("document.querySelector('article.content') !== null"),
        "page loaded"
    );
    // The page's live-reload stream is open before anything is edited.
    assert!(
        eventually(PATIENCE, || server.live_clients() >= 1),
        "live script connected"
    );
    browser.run("window.__folioNoReloadMarker = true; window.scrollTo(0, 400);");
    let scrolled = browser
        .run("return Math.round(window.scrollY);")
        .as_i64()
        .unwrap_or(0);
    assert!(scrolled > 300, "page is tall enough to scroll: {scrolled}");

    // Edit the source: the change appears without the test reloading.
    // A paragraph in view at this scroll position, so the screenshot shows
    // both the edit and the kept position.
    site.edit(KICKOFF, |t| {
        t.replace(
            "A good kickoff is short on slides and long on questions.",
            "A good kickoff is short on slides and long on questions (edited while the page was open).",
        )
    });
    assert!(
        browser.wait_for("document.body.innerText.includes('edited while the page was open')"),
        "live reload; server log: {:?}",
        log.lines()
    );
    assert_eq!(
        browser.run("return window.__folioNoReloadMarker === undefined;"),
        json!(true),
        "the page reloaded itself"
    );
    let kept = browser
        .run("return Math.round(window.scrollY);")
        .as_i64()
        .unwrap_or(0);
    assert!(
        (kept - scrolled).abs() <= 5,
        "scroll kept: {scrolled} → {kept}"
    );
    browser.screenshot(&target_dir().join("browser-live-reload.png"));

    // Broken front matter: the overlay lists it, the page stays.
    site.edit(KICKOFF, |t| {
        t.replacen("title: Northwind", "title: \"Northwind", 1)
    });
    assert!(browser.wait_for(
        "(document.getElementById('folio-overlay') || {}).innerText?.includes('front-matter-syntax') === true"
    ));
    let overlay = browser.run("return document.getElementById('folio-overlay').innerText;");
    assert!(
        overlay
            .as_str()
            .unwrap_or("")
            .contains("content/english-playbook/initiate-kickoff.md:"),
        "{overlay}"
    );
    browser.run("window.scrollTo(0, 0);");
    browser.screenshot(&target_dir().join("browser-overlay.png"));
    site.edit(KICKOFF, |t| {
        t.replacen("title: \"Northwind", "title: Northwind", 1)
    });
    assert!(
        browser.wait_for("document.getElementById('folio-overlay') === null"),
        "overlay clears"
    );

    // The language menu leads to the translation.
    let menu = browser.find(".language-switcher summary");
    browser.click(&menu);
    let link = browser.find(".language-switcher a[hreflang='es']");
    browser.click(&link);
    assert!(
        browser.wait_for(
            "location.pathname === '/es/initiate-kickoff/' && document.readyState === 'complete'"
        ),
        "landed on {}",
        browser.run("return location.href;")
    );
    assert_eq!(
        browser.run("return document.documentElement.lang;"),
        json!("es")
    );
}

/// A page written in English and German only, so that the Spanish reader
/// gets its fallback page.
const ROLLOUT_EN: &str = "---\ntitle: Plan the rollout\ndescription: Rollout waves.\nms.date: 2024-03-01\n---\n\n# Plan the rollout\n\nRoll out in waves. Back to the [kickoff](initiate-kickoff.md).\n";
const ROLLOUT_DE: &str = "---\ntitle: Rollout planen\ndescription: Rollout in Wellen.\nms.date: 2024-03-02\n---\n\n# Rollout planen\n\nIn Wellen ausrollen.\n";

#[test]
fn fallback_page_switcher_and_notice_lead_to_real_pages_in_chromium() {
    let test = "fallback_page_switcher_and_notice_lead_to_real_pages_in_chromium";
    if !common::browser::available(test) {
        return;
    }
    let site = TempSite::sample("browser-fallback");
    site.write("content/english-playbook/plan-rollout.md", ROLLOUT_EN);
    site.write("content/german-playbook/plan-rollout-de.md", ROLLOUT_DE);
    let (server, _log) = start(&site);
    let browser = Browser::start(&site.path("chromium-profile"));
    let fallback = format!("{}es/plan-rollout/", server.url());
    let loaded = |path: &str| {
        format!("location.pathname === '{path}' && document.readyState === 'complete'")
    };

    // The fallback page: the English text in the Spanish interface.
    browser.go(&fallback);
    assert!(browser.wait_for(&loaded("/es/plan-rollout/")));
    assert_eq!(
        browser.run("return document.documentElement.lang;"),
        json!("es")
    );
    assert_eq!(
        browser.run("return document.querySelector('meta[name=robots]').content;"),
        json!("noindex")
    );
    // The language menu goes to the German translation that exists, unmarked.
    let menu = browser.find(".language-switcher summary");
    browser.click(&menu);
    let german = browser.find(".language-switcher a[hreflang='de']");
    assert_eq!(
        browser.run(
            "return document.querySelector(\".language-switcher a[hreflang='de']\").className;"
        ),
        json!("")
    );
    browser.click(&german);
    assert!(
        browser.wait_for(&loaded("/de/plan-rollout/")),
        "{}",
        browser.run("return location.href;")
    );
    assert_eq!(
        browser.run("return document.documentElement.lang;"),
        json!("de")
    );
    assert_eq!(
        browser.run("return document.querySelector('.translation-notice') === null && document.querySelector('meta[name=robots]') === null;"),
        json!(true)
    );

    // Back on the fallback page, the notice links the original.
    browser.go(&fallback);
    assert!(browser.wait_for(&loaded("/es/plan-rollout/")));
    let notice = browser.find(".translation-notice a");
    browser.click(&notice);
    assert!(
        browser.wait_for(&loaded("/en/plan-rollout/")),
        "{}",
        browser.run("return location.href;")
    );
    assert_eq!(
        browser.run("return document.documentElement.lang;"),
        json!("en")
    );

    // The dashboard, for the README: light and dark, phone and desktop.
    let shots = std::env::var_os("FOLIO_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("screenshots"));
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    for (device, width, height, mobile, scheme) in [
        ("desktop", 1366, 1200, false, "light"),
        ("desktop", 1366, 1200, false, "dark"),
        ("phone", 390, 844, true, "light"),
        ("phone", 390, 844, true, "dark"),
    ] {
        browser.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
        browser.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
        browser.go(&format!("{}status/", server.url()));
        assert!(browser.wait_for(&loaded("/status/")));
        assert!(browser.wait_for("document.querySelectorAll('.status-table tbody tr').length > 5"));
        browser.screenshot(&shots.join(format!("status-{device}-{scheme}.png")));
        // The readers' notices, each variant once between the two.
        let (name, path) = match (device, scheme) {
            ("desktop", "light") | ("phone", "dark") => ("fallback", "/es/plan-rollout/"),
            _ => ("stale", "/es/assess-technical-review/"),
        };
        browser.go(&format!("{}{}", server.url(), &path[1..]));
        assert!(browser.wait_for(&loaded(path)));
        assert!(browser.wait_for("document.querySelector('.translation-notice') !== null"));
        browser.screenshot(&shots.join(format!("notice-{name}-{device}-{scheme}.png")));
    }
}

/// A site built with `--portable`, opened from disk (`file://`): the
/// sidebar and the next-page link lead to other pages, with JavaScript
/// and without it, and the sidebar has its links without JavaScript.
#[test]
fn portable_site_navigates_from_file_urls_with_and_without_javascript() {
    if !common::browser::available(
        "portable_site_navigates_from_file_urls_with_and_without_javascript",
    ) {
        return;
    }
    let site = TempSite::sample("browser-portable");
    let built = site.folio("build", &["--portable"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let start = format!(
        "file://{}",
        site.path("public/en/initiate-kickoff/index.html").display()
    );
    for javascript in [true, false] {
        let profile = site.path(&format!("chromium-profile-{javascript}"));
        let browser = Browser::start_with(&profile, javascript, "1366,900");
        browser.go(&start);
        assert!(browser.wait_for("document.querySelector('article.content') !== null"));
        // folio.js makes the Menu link a button: proof of whether it ran.
        assert_eq!(
            browser.run("return document.querySelector('.nav-toggle').getAttribute('role');"),
            if javascript {
                json!("button")
            } else {
                Value::Null
            },
            "JavaScript {javascript}"
        );
        let links = browser
            .run("return document.querySelectorAll('#folio-nav .nav-tree a[href]').length;")
            .as_u64()
            .unwrap_or(0);
        assert!(
            links >= 6,
            "sidebar links without fetching anything: {links}"
        );
        assert_eq!(
            browser.run(
                "return document.querySelector('#folio-nav [aria-current=page]').textContent;"
            ),
            json!("Run the customer kickoff")
        );
        // By the sidebar, to a page of another (closed) group: its toggle
        // opens it, with or without JavaScript.
        let toggle =
            browser.find("#folio-nav a[href$='phase-assess/index.html'] + details > summary");
        browser.click(&toggle);
        let entry = browser.find("#folio-nav a[href$='assess-technical-review/index.html']");
        browser.click(&entry);
        assert!(
            browser.wait_for(
                "location.href.endsWith('/en/assess-technical-review/index.html') \
                 && document.querySelector('article.content h1') !== null"
            ),
            "sidebar link opened the page from disk (JavaScript {javascript})"
        );
        // By the next-page link.
        let next = browser.find("a[rel=next]");
        browser.click(&next);
        assert!(
            browser.wait_for(
                "location.href.endsWith('/en/assess-network-readiness/index.html') \
                 && document.querySelector('article.content h1') !== null"
            ),
            "next link opened the page from disk (JavaScript {javascript})"
        );
        if !javascript {
            browser.screenshot(&target_dir().join("browser-portable-no-js.png"));
        }
    }
}

#[test]
fn search_finds_accents_japanese_and_task_ids_by_keyboard_in_chromium() {
    if !common::browser::available(
        "search_finds_accents_japanese_and_task_ids_by_keyboard_in_chromium",
    ) {
        return;
    }
    let site = search_site();
    let built = site.folio("build", &[]);
    assert!(built.code != 2, "{}", built.all());
    let browser = Browser::start(&site.path("chromium-profile"));
    let (server, _log) = start(&site);
    for base in [
        server.url().to_string(),
        format!("file://{}/", site.path("public").display()),
    ] {
        let file = base.starts_with("file:");
        let page = |p: &str| format!("{base}{p}{}", if file { "index.html" } else { "" });

        // Spanish, typed without accents, from a Spanish page.
        browser.go(&page("es/guia/"));
        let found = search(&browser, "evaluacion");
        assert!(found.iter().all(|h| h.contains("/es/")), "{found:?}");
        assert!(
            found
                .iter()
                .any(|h| h.contains("/es/guia/") && h.ends_with("#evaluación-de-la-red")),
            "{found:?}"
        );
        // An inflection the page does not contain: stems.
        let found = search(&browser, "migraciones");
        assert!(found.iter().any(|h| h.contains("/es/guia/")), "{found:?}");
        // The box speaks the page's language (Folio's interface strings).
        assert_eq!(
            browser.run("return document.getElementById('folio-search-input').placeholder;"),
            json!("Buscar")
        );
        assert!(
            browser.wait_for(
                "/resultados?$/.test(document.querySelector('.folio-search [role=status]').textContent)"
            ),
            "results announced in Spanish: {}",
            browser.run("return document.querySelector('.folio-search [role=status]').textContent;")
        );

        // Japanese: a word inside a longer run of kana and kanji.
        browser.go(&page("ja/junbi/"));
        let found = search(&browser, "キックオフ");
        assert!(found.iter().any(|h| h.contains("/ja/junbi/")), "{found:?}");
        assert!(found.iter().all(|h| h.contains("/ja/")), "{found:?}");

        // A task ID finds its row; English results only, though the
        // Japanese page has the same ID. Keyboard alone opens it.
        browser.go(&page("en/guide/"));
        let found = search(&browser, "3979");
        assert!(found.iter().all(|h| h.contains("/en/")), "{found:?}");
        assert!(
            found.first().is_some_and(|h| h.ends_with("#task-3979")),
            "{found:?}"
        );
        browser.keys(&["\u{E015}", "\u{E007}"]); // ArrowDown, Enter
        assert!(
            browser.wait_for(
                "location.hash === '#task-3979' && location.pathname.includes('/en/guide/')"
            ),
            "Enter opened the task row: {}",
            browser.run("return location.href;")
        );
        // `/` focuses the box, Escape closes the list.
        browser.go(&page("en/guide/"));
        assert!(browser.wait_for("!document.querySelector('.folio-search').hidden"));
        browser.keys(&["/"]);
        assert!(browser.wait_for("document.activeElement.id === 'folio-search-input'"));
        browser.keys(&["kickoff"]);
        assert!(browser.wait_for("!document.getElementById('folio-search-results').hidden"));
        assert_eq!(
            browser.run("return document.getElementById('folio-search-input').getAttribute('aria-expanded');"),
            json!("true")
        );
        assert!(
            browser.wait_for(
                "/result/.test(document.querySelector('.folio-search [role=status]').textContent)"
            ),
            "results announced"
        );
        browser.keys(&["\u{E00C}"]); // Escape
        assert!(browser.wait_for("document.getElementById('folio-search-results').hidden"));
        if !file {
            search_screenshots(&browser, &page("es/guia/"));
        }
    }
}

/// Types a query into the search box and returns the results' hrefs.
fn search(browser: &Browser, query: &str) -> Vec<String> {
    assert!(browser.wait_for("!document.querySelector('.folio-search').hidden"));
    browser
        .run("const i = document.getElementById('folio-search-input'); i.value = ''; i.focus();");
    browser.keys(&[query]);
    assert!(
        browser
            .wait_for("document.querySelector('.folio-search [role=status]').textContent !== ''"),
        "search for {query} answered"
    );
    let hrefs = browser.run(
        "return [...document.querySelectorAll('#folio-search-results a')].map(a => decodeURIComponent(a.href));",
    );
    common::browser::strings(&hrefs)
}

fn search_screenshots(browser: &Browser, url: &str) {
    // docs/screenshots only when asked (FOLIO_SCREENSHOTS=1): a test run
    // never changes the repository.
    let dir = if std::env::var_os("FOLIO_SCREENSHOTS").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots")
    } else {
        target_dir().join("screenshots")
    };
    let _ = std::fs::create_dir_all(&dir);
    for (name, width, dark) in [
        ("search-desktop-light", 1366, false),
        ("search-desktop-dark", 1366, true),
        ("search-phone-light", 390, false),
        ("search-phone-dark", 390, true),
    ] {
        browser.session_call(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": 800 })),
        );
        browser.emulate_dark(dark);
        browser.go(url);
        search(browser, "evaluacion");
        browser.keys(&["\u{E015}"]);
        browser.screenshot(&dir.join(format!("{name}.png")));
    }
    browser.emulate_dark(false);
    browser.session_call(
        "POST",
        "/window/rect",
        Some(json!({ "width": 1200, "height": 900 })),
    );
}

/// A site with English, Spanish and Japanese pages, a task table in two.
fn search_site() -> TempSite {
    let site = TempSite::new("search");
    site.write(
        "folio.yml",
        "title: Search test\nbase_url: https://example.org/\ndefault_language: en\nlanguages:\n  - { code: en, name: English, dir: en }\n  - { code: es, name: Español, dir: es }\n  - { code: ja, name: 日本語, dir: ja }\ntasks:\n  en: { id: [Task ID], name: [Task Name], mandatory: [M], optional: [O] }\n  ja: { id: [タスク ID], name: [タスク名], mandatory: [M], optional: [O] }\n",
    );
    site.write(
        "content/en/guide.md",
        "---\ntitle: Planning guide\n---\n# Planning guide\n\nAn evaluation of the network comes first.\n\n## Tasks\n\n| Task ID | Task Name |\n|---|---|\n| 3978 | Book the room |\n| 3979 | Run the kickoff with the customer |\n\n```\nsecretcodeword\n```\n",
    );
    site.write(
        "content/es/guia.md",
        "---\ntitle: Guía de migración\n---\n# Guía de migración\n\nIntroducción.\n\n## Evaluación de la red\n\nLa evaluación de la red se hace antes de la migración.\n",
    );
    site.write(
        "content/ja/junbi.md",
        "---\ntitle: 準備\n---\n# 準備\n\nお客様とのキックオフの実施について説明します。\n\n| タスク ID | タスク名 |\n|---|---|\n| 3979 | 会議の準備 |\n",
    );
    site
}
