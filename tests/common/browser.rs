//! A headless Chromium driven over the W3C WebDriver protocol
//! (chromedriver), with nothing but std and serde_json; for the browser
//! tests. Needs Debian's `chromium` and `chromium-driver` (`.ci/run`
//! installs them): check [`available`] first.

use super::{PATIENCE, eventually, send};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Page loads and reloads in a cold headless browser on a busy 2-core machine.
const BROWSER_PATIENCE: Duration = Duration::from_secs(20);

/// Whether Chromium and chromedriver are installed, through
/// [`super::require`] (false: skip the test).
pub fn available(test: &str) -> bool {
    super::require(
        test,
        &format!(
            "{CHROMIUM} and {CHROMEDRIVER} (Debian's chromium, chromium-driver; .ci/run installs them)"
        ),
        Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists(),
    )
}

/// The repository's `target/`, where tests leave their screenshots.
pub fn target_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A chromedriver process and one headless Chromium session; both end on drop.
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
}

impl Browser {
    pub fn start(profile: &Path) -> Browser {
        Browser::start_with(profile, true, "1200,900")
    }

    /// A session with JavaScript on or off (Chrome's content setting) and
    /// a window of `size` (`"1366,900"`).
    pub fn start_with(profile: &Path, javascript: bool, size: &str) -> Browser {
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
                    format!("--window-size={size}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "profile.managed_default_content_settings.javascript":
                        if javascript { 1 } else { 2 },
                },
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
    pub fn call(&self, method: &str, path: &str, body: Option<Value>) -> Option<Value> {
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

    pub fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Option<Value> {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn go(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })))
            .expect("navigate");
    }

    /// Runs a script in the page (while the page reloads it may fail: retried by callers).
    pub fn try_run(&self, script: &str) -> Option<Value> {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    pub fn run(&self, script: &str) -> Value {
        self.try_run(script)
            .unwrap_or_else(|| panic!("script failed: {script}"))
    }

    /// Polls a JavaScript condition.
    pub fn wait_for(&self, condition: &str) -> bool {
        let script = format!("return Boolean({condition});");
        eventually(BROWSER_PATIENCE, || {
            self.try_run(&script) == Some(Value::Bool(true))
        })
    }

    pub fn find(&self, css: &str) -> String {
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

    pub fn click(&self, element: &str) {
        self.session_call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .expect("click");
    }

    pub fn screenshot(&self, file: &Path) {
        let encoded = self
            .session_call("GET", "/screenshot", None)
            .expect("screenshot");
        let png = base64_decode(encoded.as_str().unwrap_or(""));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(file, png).expect("save screenshot");
        eprintln!("screenshot: {}", file.display());
    }
    /// A Chrome DevTools command through chromedriver (`Emulation.…`).
    pub fn cdp(&self, cmd: &str, params: Value) -> Option<Value> {
        self.session_call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
    }

    /// Shows pages as a device of this width and height (CSS pixels) in
    /// light or dark mode, until called again.
    pub fn emulate(&self, width: u32, height: u32, mobile: bool, dark: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        )
        .expect("device metrics");
        let scheme = if dark { "dark" } else { "light" };
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .expect("color scheme");
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

impl Browser {
    /// Runs an asynchronous script: it gets a callback as its last argument.
    pub fn run_async(&self, script: &str) -> Value {
        self.session_call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
        .unwrap_or_else(|| panic!("async script failed: {}", &script[..script.len().min(200)]))
    }

    /// A viewport of `width` CSS pixels, as a phone (touch, no hover,
    /// `deviceScaleFactor` 2 for sharp screenshots) or a desktop.
    pub fn viewport(&self, width: u32, height: u32, phone: bool) {
        let _ = self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": if phone { 2 } else { 1 }, "mobile": phone }),
        );
        let _ = self.cdp(
            "Emulation.setTouchEmulationEnabled",
            json!({ "enabled": phone }),
        );
    }

    /// `prefers-color-scheme` as the operating system would set it.
    pub fn color_scheme(&self, dark: bool) {
        let _ = self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" } }] }),
        );
    }

    /// A screenshot of the whole page height (up to `max_height`).
    pub fn full_screenshot(&self, file: &Path, width: u32, max_height: u32, phone: bool) {
        let height = self
            .run("return Math.ceil(document.documentElement.scrollHeight);")
            .as_u64()
            .unwrap_or(900)
            .min(u64::from(max_height)) as u32;
        self.viewport(width, height, phone);
        self.screenshot(file);
    }
}

/// Serves a folder over HTTP on 127.0.0.1 (an ephemeral port) from a
/// thread, as a static host does: `dir/` → `dir/index.html`, missing files
/// → `404.html` with status 404. Ends with the test process.
pub fn serve_dir(root: PathBuf) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(&root, stream));
        }
    });
    addr
}

fn answer(root: &Path, mut stream: std::net::TcpStream) {
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(n) if n > 2 => continue,
            _ => break,
        }
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = super::html::percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let mut file = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    let safe = !path.split('/').any(|s| s == "..");
    let (status, body, file) = match std::fs::read(&file) {
        Ok(b) if safe => ("200 OK", b, file),
        _ => (
            "404 Not Found",
            std::fs::read(root.join("404.html")).unwrap_or_default(),
            root.join("404.html"),
        ),
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("xml") => "application/xml",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

impl Browser {
    /// Types keys (WebDriver key codes for special keys) into whatever has focus.
    pub fn keys(&self, keys: &[&str]) {
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
    pub fn emulate_dark(&self, dark: bool) {
        let value = if dark { "dark" } else { "light" };
        self.session_call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": "Emulation.setEmulatedMedia", "params": { "features": [{ "name": "prefers-color-scheme", "value": value }] } })),
        );
    }
}

/// The strings of a JSON array a script returned (none for anything else).
pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}
