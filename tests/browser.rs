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

use common::{PATIENCE, TempSite, eventually, send, start};
use serde_json::{Value, json};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const KICKOFF: &str = "content/english-playbook/initiate-kickoff.md";
/// Page loads and reloads in a cold headless browser on a busy 2-core machine.
const BROWSER_PATIENCE: Duration = Duration::from_secs(20);

#[test]
fn live_reload_overlay_and_language_switcher_in_chromium() {
    if !common::require(
        "live_reload_overlay_and_language_switcher_in_chromium",
        &format!(
            "{CHROMIUM} and {CHROMEDRIVER} (Debian's chromium, chromium-driver; .ci/run installs them)"
        ),
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
    ) {
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

    // The language switcher leads to the translation.
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

fn target_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A chromedriver process and one headless Chromium session; both end on drop.
struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
}

impl Browser {
    fn start(profile: &Path) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
        };
        assert!(
            eventually(PATIENCE, || browser.call("GET", "/status", None).is_some()),
            "chromedriver answers"
        );
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1200,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }}});
        let created = browser
            .call("POST", "/session", Some(capabilities))
            .expect("session created");
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        browser
    }

    /// One WebDriver command; `value` of the answer, `None` on a failure.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Option<Value> {
        let body = body.map(|b| b.to_string());
        let host = format!("127.0.0.1:{}", self.addr.port());
        let reply = send(
            self.addr,
            method,
            path,
            &host,
            body.as_deref(),
            BROWSER_PATIENCE,
        )?;
        let answer: Value = serde_json::from_slice(&reply.body).ok()?;
        (reply.status == 200).then(|| answer["value"].clone())
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Option<Value> {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn go(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })))
            .expect("navigate");
    }

    /// Runs a script in the page (while the page reloads it may fail: retried by callers).
    fn try_run(&self, script: &str) -> Option<Value> {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    fn run(&self, script: &str) -> Value {
        self.try_run(script)
            .unwrap_or_else(|| panic!("script failed: {script}"))
    }

    /// Polls a JavaScript condition.
    fn wait_for(&self, condition: &str) -> bool {
        let script = format!("return Boolean({condition});");
        eventually(BROWSER_PATIENCE, || {
            self.try_run(&script) == Some(Value::Bool(true))
        })
    }

    fn find(&self, css: &str) -> String {
        let found = self
            .session_call(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .unwrap_or_else(|| panic!("no element {css}"));
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element id in {found}"))
            .to_string()
    }

    fn click(&self, element: &str) {
        self.session_call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .expect("click");
    }

    /// Types keys (WebDriver key codes for special keys) into whatever has focus.
    fn keys(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| k.chars())
            .flat_map(|c| {
                let c = c.to_string();
                [
                    json!({ "type": "keyDown", "value": c }),
                    json!({ "type": "keyUp", "value": c }),
                ]
            })
            .collect();
        self.session_call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        )
        .expect("keys");
    }

    /// Dark or light `prefers-color-scheme`, through the DevTools protocol.
    fn emulate_dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.session_call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "features": [{ "name": "prefers-color-scheme", "value": value }] } })),
        );
    }

    fn screenshot(&self, file: &Path) {
        let encoded = self
            .session_call("GET", "/screenshot", None)
            .expect("screenshot");
        let png = base64_decode(encoded.as_str().unwrap_or(""));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(file, png).expect("save screenshot");
        eprintln!("screenshot: {}", file.display());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Closing the session ends Chromium; then chromedriver itself.
        if !self.session.is_empty() {
            let _ = self.session_call("DELETE", "", None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &s)| acc | (u32::from(s) << (18 - 6 * i)));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// Search in Chromium, served and from `file://`: accent-free Spanish,
/// a Japanese word inside a longer run, a task ID to its row, keyboard
/// only, and never another language's pages. Screenshots of the results
/// (phone 390 px and desktop, light and dark) go to `docs/screenshots/`.
#[test]
fn search_finds_accents_japanese_and_task_ids_by_keyboard_in_chromium() {
    if !common::require(
        "search_finds_accents_japanese_and_task_ids_by_keyboard_in_chromium",
        &format!(
            "{CHROMIUM} and {CHROMEDRIVER} (Debian's chromium, chromium-driver; .ci/run installs them)"
        ),
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
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
    hrefs
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn search_screenshots(browser: &Browser, url: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
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
