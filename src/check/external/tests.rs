//! Every test talks to a `tiny_http` server on 127.0.0.1 (port 0) or to a
//! port nothing listens on; none touches the internet.

use super::*;
use crate::check::tests::{TempDir, load_site};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::thread::JoinHandle;
use std::time::Instant;

const TIMEOUT: Duration = Duration::from_millis(300);

/// A local server whose routes play every kind of link target.
struct Server {
    base: String,
    /// `"HEAD /ok"` → how many times it was asked.
    hits: Arc<Mutex<HashMap<String, usize>>>,
    /// Most `/parallel/*` requests in flight at once.
    peak: Arc<AtomicUsize>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start() -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let addr = server.server_addr().to_ip().expect("an IP address");
        let base = format!("http://{addr}");
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let active = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (server, base, hits, active, peak) = (
                server.clone(),
                base.clone(),
                hits.clone(),
                active.clone(),
                peak.clone(),
            );
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    let (base, hits, active, peak) =
                        (base.clone(), hits.clone(), active.clone(), peak.clone());
                    std::thread::spawn(move || respond(request, &base, &hits, &active, &peak));
                }
            })
        };
        Server {
            base,
            hits,
            peak,
            server,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn hits(&self, method_and_path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .get(method_and_path)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn respond(
    request: tiny_http::Request,
    base: &str,
    hits: &Mutex<HashMap<String, usize>>,
    active: &AtomicUsize,
    peak: &AtomicUsize,
) {
    let method = request.method().as_str().to_string();
    let path = request.url().to_string();
    *hits
        .lock()
        .unwrap()
        .entry(format!("{method} {path}"))
        .or_default() += 1;
    let redirect = |status: u16, to: String| (status, Some(to));
    let (status, location): (u16, Option<String>) = match path.as_str() {
        "/ok" | "/chain-end" => (200, None),
        "/missing" => (404, None),
        "/limited" => (429, None),
        // Three hops, each Location written another way, ending 200.
        "/hop1" => redirect(301, format!("{base}/hop2")),
        "/hop2" => redirect(301, "/chain/hop3".into()),
        "/chain/hop3" => redirect(302, "../chain-end".into()),
        "/loop-a" => redirect(301, "/loop-b".into()),
        "/loop-b" => redirect(307, "/loop-a".into()),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(2));
            (200, None)
        }
        "/head-405" if method == "HEAD" => (405, None),
        "/head-405" => (200, None),
        p if p.starts_with("/redirect/") => {
            let n: u32 = p["/redirect/".len()..].parse().unwrap_or(0);
            redirect(308, format!("/redirect/{}", n + 1))
        }
        p if p.starts_with("/parallel/") => {
            let now = active.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(80));
            active.fetch_sub(1, Ordering::SeqCst);
            (200, None)
        }
        _ => (404, None),
    };
    let mut response = tiny_http::Response::empty(status);
    if let Some(to) = location {
        response =
            response.with_header(tiny_http::Header::from_bytes("Location", to.as_bytes()).unwrap());
    }
    let _ = request.respond(response);
}

/// A URL on a port nothing listens on: bind, note the port, let go.
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/nobody-home")
}

fn options(cache_file: Option<PathBuf>) -> Options {
    Options {
        rules: ExternalRules {
            timeout: TIMEOUT,
            concurrency: 8,
            per_host: 2,
            max_age: Duration::from_secs(3600),
        },
        cache_file,
        progress: false,
        env_proxy: false,
    }
}

#[test]
fn every_kind_of_answer() {
    let server = Server::start();
    let refused = refused_url();
    let cases = [
        ("/ok", Outcome::Ok(200)),
        ("/missing", Outcome::Status(404)),
        ("/hop1", Outcome::Ok(200)),
        ("/loop-a", Outcome::RedirectLoop(server.url("/loop-a"))),
        ("/redirect/0", Outcome::TooManyRedirects),
        ("/slow", Outcome::Timeout),
        ("/head-405", Outcome::Ok(200)),
        (
            "/limited",
            Outcome::Unchecked("the server answered 429 Too Many Requests".into()),
        ),
    ];
    let mut urls: Vec<String> = cases.iter().map(|(p, _)| server.url(p)).collect();
    urls.push(refused.clone());
    let started = Instant::now();
    let (outcomes, stats) = check_urls(&urls, &options(None));
    let elapsed = started.elapsed();
    for (path, expected) in &cases {
        assert_eq!(&outcomes[&server.url(path)], expected, "{path}");
    }
    assert_eq!(outcomes[&refused], Outcome::Refused);
    assert_eq!(
        (
            stats.urls,
            stats.requested,
            stats.cached,
            stats.failed,
            stats.unchecked
        ),
        (9, 9, 0, 5, 1)
    );
    // The slow endpoint costs HEAD's and GET's timeouts, not its 2 s.
    assert!(elapsed < Duration::from_millis(1800), "{elapsed:?}");

    // A success answers HEAD only; HEAD's refusal brings one GET.
    assert_eq!((server.hits("HEAD /ok"), server.hits("GET /ok")), (1, 0));
    assert_eq!(server.hits("HEAD /head-405"), 1);
    assert_eq!(server.hits("GET /head-405"), 1);
    // A 404 is confirmed with GET before it is reported.
    assert_eq!(server.hits("HEAD /missing"), 1);
    assert_eq!(server.hits("GET /missing"), 1);
    // The chain: every hop once.
    for hop in ["/hop1", "/hop2", "/chain/hop3", "/chain-end"] {
        assert_eq!(server.hits(&format!("HEAD {hop}")), 1, "{hop}");
    }
    // The loop is noticed when it comes back, not after ten hops.
    assert_eq!(server.hits("HEAD /loop-a"), 1);
    assert_eq!(server.hits("HEAD /loop-b"), 1);
    // Ten redirects are followed; the eleventh is not.
    assert_eq!(server.hits("HEAD /redirect/10"), 1);
    assert_eq!(server.hits("HEAD /redirect/11"), 0);
    // A timed-out HEAD is retried once with GET.
    assert_eq!(server.hits("HEAD /slow"), 1);
    assert_eq!(server.hits("GET /slow"), 1);
}

#[test]
fn each_url_is_asked_once_and_reported_at_every_link() {
    let server = Server::start();
    let refused = refused_url();
    let ok = server.url("/ok");
    let missing = server.url("/missing");
    let page_a = format!(
        "# A\n\n[one]({ok}) and [two]({ok}#section)\n\n[gone]({missing})\n\n<a href=\"{missing}\">html</a>\n\n[skip]({}/ignored/x)\n",
        server.base
    );
    let page_b = format!(
        "# B\n\n[again]({ok})\n\n![img]({missing}#frag)\n\n[down]({refused})\n\n`[code]({missing})`\n\n```\n[fenced]({missing})\n```\n"
    );
    let yml = format!(
        "languages:\n  - {{ code: en, dir: en }}\nchecks:\n  ignore: [\"{}/ignored/*\"]\n",
        server.base
    );
    let (_dir, site) = load_site(&yml, &[("en/a.md", &page_a), ("en/b.md", &page_b)]);
    let (diagnostics, stats) = check(&site, &options(None));
    let found: Vec<(&str, u32, u32, &str)> = diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code, Code::LinkExternal);
            (
                d.file.as_str(),
                d.line,
                d.column,
                d.target.as_deref().unwrap(),
            )
        })
        .collect();
    let missing_frag = format!("{missing}#frag");
    let mut found = found;
    found.sort();
    let mut expected = vec![
        ("content/en/a.md", 5, 1, missing.as_str()),
        ("content/en/a.md", 7, 10, missing.as_str()),
        ("content/en/b.md", 5, 1, missing_frag.as_str()),
        ("content/en/b.md", 7, 1, refused.as_str()),
    ];
    expected.sort();
    assert_eq!(found, expected);
    let gone = diagnostics
        .iter()
        .find(|d| d.target.as_deref() == Some(missing.as_str()))
        .unwrap();
    assert!(
        gone.message.contains("HTTP 404 Not Found"),
        "{}",
        gone.message
    );
    assert!(gone.hint.is_some());
    // Three pages' worth of links, three distinct URLs, one request each.
    assert_eq!((stats.urls, stats.requested), (3, 3));
    assert_eq!(server.hits("HEAD /ok"), 1);
    assert_eq!(server.hits("HEAD /missing"), 1);
    assert_eq!(server.hits("GET /missing"), 1);
    assert_eq!(server.hits("HEAD /ignored/x"), 0);
}

#[test]
fn per_host_limit_holds_and_workers_run_in_parallel() {
    let server = Server::start();
    let urls: Vec<String> = (0..6)
        .map(|i| server.url(&format!("/parallel/{i}")))
        .collect();
    let (outcomes, _) = check_urls(&urls, &options(None));
    assert!(outcomes.values().all(|o| *o == Outcome::Ok(200)));
    // Two at once (the workers do run in parallel), never three.
    assert_eq!(server.peak.load(Ordering::SeqCst), 2, "per_host: 2");

    let server = Server::start();
    let urls: Vec<String> = (0..3)
        .map(|i| server.url(&format!("/parallel/{i}")))
        .collect();
    let mut one = options(None);
    one.rules.per_host = 1;
    check_urls(&urls, &one);
    assert_eq!(server.peak.load(Ordering::SeqCst), 1, "per_host: 1");
}

#[test]
fn cache_reuses_successes_and_asks_failures_again() {
    let server = Server::start();
    let dir = TempDir::new("external-cache");
    let cache = dir.path().join(CACHE_FILE);
    let urls = vec![server.url("/ok"), server.url("/missing")];

    let (first, stats) = check_urls(&urls, &options(Some(cache.clone())));
    assert_eq!((stats.cached, stats.requested), (0, 2));
    assert!(stats.cache_error.is_none());
    assert_eq!(first[&urls[0]], Outcome::Ok(200));
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["urls"][&urls[0]]["status"], 200);
    assert!(
        saved["urls"].get(&urls[1]).is_none(),
        "failures are not cached"
    );

    let (second, stats) = check_urls(&urls, &options(Some(cache.clone())));
    assert_eq!((stats.cached, stats.requested), (1, 1));
    assert_eq!(second, first);
    assert_eq!(
        server.hits("HEAD /ok"),
        1,
        "the success came from the cache"
    );
    assert_eq!(
        server.hits("HEAD /missing"),
        2,
        "the failure was asked again"
    );

    // max_age 0: nothing is fresh.
    let mut no_reuse = options(Some(cache.clone()));
    no_reuse.rules.max_age = Duration::ZERO;
    let (_, stats) = check_urls(&urls, &no_reuse);
    assert_eq!((stats.cached, stats.requested), (0, 2));
    assert_eq!(server.hits("HEAD /ok"), 2);

    // A damaged cache is ignored and rewritten, never an error.
    std::fs::write(&cache, "{ not json").unwrap();
    let (_, stats) = check_urls(&urls, &options(Some(cache.clone())));
    assert_eq!((stats.cached, stats.requested), (0, 2));
    assert!(stats.cache_error.is_none());
    assert!(
        std::fs::read_to_string(&cache)
            .unwrap()
            .contains("\"version\": 1")
    );
}
