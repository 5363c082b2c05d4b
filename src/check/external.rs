//! `folio check --external`: are the site's http(s) links alive?
//!
//! Every distinct URL (its `#fragment` removed) is requested once per run,
//! however many links name it. A URL is asked with HEAD first and, when HEAD
//! does not succeed, with GET (many servers refuse, mishandle or time out on
//! HEAD; only GET's answer counts then). Redirects are followed by hand, up
//! to [`MAX_REDIRECTS`], so a loop is reported as a loop. Worker threads
//! share one queue that never has more than `per_host` requests in flight to
//! one host. Successes are remembered in `<root>/.folio-cache/links.json` for
//! `max_age`; failures are always asked again, so a fixed link clears at once.

use crate::config::{Config, ExternalRules};
use crate::diagnostic::{Code, Diagnostic};
use crate::paths;
use crate::site::Site;
use crate::site::links::Target;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Redirects followed before a URL counts as failed.
pub(crate) const MAX_REDIRECTS: usize = 10;

/// Where results are remembered, relative to the site root.
pub(crate) const CACHE_FILE: &str = ".folio-cache/links.json";

const CACHE_VERSION: u32 = 1;

/// How one run checks URLs.
#[derive(Clone, Debug)]
pub struct Options {
    pub(crate) rules: ExternalRules,
    /// `None`: neither read nor write a cache.
    pub(crate) cache_file: Option<PathBuf>,
    /// Show `checked N/M` on stderr while working.
    pub(crate) progress: bool,
    /// Honour `HTTP(S)_PROXY` / `NO_PROXY` (CI behind a proxy); tests turn it off.
    pub(crate) env_proxy: bool,
}

impl Options {
    /// The site's `checks.external` rules, its cache file, and a progress
    /// indicator when stderr is a terminal.
    pub fn for_site(config: &Config) -> Options {
        Options {
            rules: config.checks.external.clone(),
            cache_file: Some(config.root.join(CACHE_FILE)),
            progress: std::io::stderr().is_terminal(),
            env_proxy: true,
        }
    }
}

/// What asking for one URL found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A 2xx answer (the status) at the end of at most [`MAX_REDIRECTS`] redirects.
    Ok(u16),
    /// A final answer that is neither 2xx nor a redirect.
    Status(u16),
    /// A redirect back to a URL already visited.
    RedirectLoop(String),
    TooManyRedirects,
    /// No answer within the timeout.
    Timeout,
    /// Nothing listens at the host and port.
    Refused,
    /// Any other failure: unknown host, TLS, malformed answer or URL.
    Error(String),
    /// Not judged, so not reported: the server asked to slow down (429).
    Unchecked(String),
}

impl Outcome {
    pub(crate) fn is_failure(&self) -> bool {
        !matches!(self, Outcome::Ok(_) | Outcome::Unchecked(_))
    }

    /// Why the URL failed, for a diagnostic message.
    pub(crate) fn describe(&self, timeout: Duration) -> String {
        match self {
            Outcome::Ok(status) => format!("HTTP {}", status_text(*status)),
            Outcome::Status(status) => format!("the server answered HTTP {}", status_text(*status)),
            Outcome::RedirectLoop(url) => format!("its redirects loop back to `{url}`"),
            Outcome::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
            Outcome::Timeout => format!("no answer within {}", seconds(timeout)),
            Outcome::Refused => "connection refused".to_string(),
            Outcome::Error(e) => e.clone(),
            Outcome::Unchecked(why) => format!("not checked: {why}"),
        }
    }
}

fn status_text(status: u16) -> String {
    match ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// What a run did besides its diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Distinct URLs (after removing fragments and `checks.ignore` matches).
    pub(crate) urls: usize,
    /// Of those, answered from the cache.
    pub(crate) cached: usize,
    /// Of those, requested now.
    pub(crate) requested: usize,
    /// Failed URLs (each may be linked many times).
    pub(crate) failed: usize,
    /// Neither passed nor failed (429 Too Many Requests).
    pub(crate) unchecked: usize,
    /// The cache could not be written (the run's results are still right).
    pub cache_error: Option<String>,
}

impl std::fmt::Display for Stats {
    /// `external links: 40 URLs, 12 from the cache, 28 requested, 1 failed`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "external links: {} URLs, {} from the cache, {} requested, {} failed",
            self.urls, self.cached, self.requested, self.failed
        )?;
        if self.unchecked > 0 {
            write!(
                f,
                ", {} not checked (rate-limited or unsupported)",
                self.unchecked
            )?;
        }
        Ok(())
    }
}

/// One `link-external` diagnostic per link whose URL failed.
pub(crate) fn check(site: &Site, options: &Options) -> (Vec<Diagnostic>, Stats) {
    let default_scheme = if site
        .config
        .base_url
        .to_ascii_lowercase()
        .starts_with("http://")
    {
        "http"
    } else {
        "https"
    };
    // URL → the links that name it: (file, line, column, as written).
    let mut links: BTreeMap<String, Vec<(String, u32, u32, String)>> = BTreeMap::new();
    for (_, page) in site.pages() {
        for (link, target) in page.doc.links.iter().zip(&page.targets) {
            let dest = link.dest.trim();
            if *target != Target::External || site.config.is_ignored_target(dest) {
                continue;
            }
            let Some(url) = paths::url::web_request(dest, default_scheme) else {
                continue;
            };
            let file = site
                .config
                .source_path(&page.doc.files[link.pos.file as usize]);
            links.entry(url).or_default().push((
                file,
                link.pos.line,
                link.pos.column,
                dest.to_string(),
            ));
        }
    }
    let urls: Vec<String> = links.keys().cloned().collect();
    let (outcomes, stats) = check_urls(&urls, options);
    let mut diagnostics = Vec::new();
    for (url, places) in &links {
        let Some(outcome) = outcomes.get(url).filter(|o| o.is_failure()) else {
            continue;
        };
        let why = outcome.describe(options.rules.timeout);
        for (file, line, column, dest) in places {
            let mut d =
                Diagnostic::new(Code::LinkExternal, file, format!("`{dest}` failed: {why}"))
                    .at(*line, *column)
                    .target(dest.clone());
            d = match outcome {
                Outcome::Status(404 | 410) => {
                    d.hint("the page is gone: link to where it moved, or remove the link")
                }
                Outcome::Status(401 | 403) => d.hint(
                    "if the server only refuses automated checks, add the URL to checks.ignore in folio.yml",
                ),
                Outcome::Timeout => d.hint(
                    "the server may only be slow: re-run, or raise checks.external.timeout in folio.yml",
                ),
                _ => d,
            };
            diagnostics.push(d);
        }
    }
    (diagnostics, stats)
}

/// Checks distinct URLs (already normalized): the cache first, then the
/// network for the rest.
pub(crate) fn check_urls(urls: &[String], options: &Options) -> (HashMap<String, Outcome>, Stats) {
    let now = unix_now();
    let max_age = options.rules.max_age.as_secs();
    let mut cache = options
        .cache_file
        .as_deref()
        .map(load_cache)
        .unwrap_or_default();
    cache
        .urls
        .retain(|_, e| e.checked <= now && now - e.checked < max_age);

    let mut outcomes = HashMap::new();
    let mut to_request = Vec::new();
    for url in urls {
        match cache.urls.get(url) {
            Some(entry) => {
                outcomes.insert(url.clone(), Outcome::Ok(entry.status));
            }
            None => to_request.push(url.clone()),
        }
    }
    let mut stats = Stats {
        urls: urls.len(),
        cached: outcomes.len(),
        requested: to_request.len(),
        ..Stats::default()
    };
    let fresh = request_all(to_request, options);
    let checked = unix_now();
    for (url, outcome) in fresh {
        match outcome {
            Outcome::Ok(status) => {
                cache
                    .urls
                    .insert(url.clone(), CacheEntry { checked, status });
            }
            _ => {
                cache.urls.remove(&url);
            }
        }
        outcomes.insert(url, outcome);
    }
    stats.failed = outcomes.values().filter(|o| o.is_failure()).count();
    stats.unchecked = outcomes
        .values()
        .filter(|o| matches!(o, Outcome::Unchecked(_)))
        .count();
    if let Some(file) = &options.cache_file {
        if stats.requested > 0 {
            if let Err(e) = save_cache(file, &cache) {
                stats.cache_error = Some(format!("cannot write {}: {e}", file.display()));
            }
        }
    }
    (outcomes, stats)
}

// ---------------------------------------------------------------------------
// The cache

#[derive(Default, Serialize, Deserialize)]
struct Cache {
    version: u32,
    /// URL → its last success.
    urls: BTreeMap<String, CacheEntry>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
struct CacheEntry {
    /// Unix seconds.
    checked: u64,
    status: u16,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A missing, unreadable or foreign cache is an empty one: it only saves time.
fn load_cache(file: &Path) -> Cache {
    std::fs::read(file)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok())
        .filter(|c| c.version == CACHE_VERSION)
        .unwrap_or_default()
}

/// Writes beside the file and renames, so a crash or a parallel run never
/// leaves half a file.
fn save_cache(file: &Path, cache: &Cache) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let cache = Cache {
        version: CACHE_VERSION,
        urls: cache.urls.clone(),
    };
    let text = serde_json::to_string_pretty(&cache).map_err(std::io::Error::other)?;
    let tmp = file.with_extension(format!("json.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

// ---------------------------------------------------------------------------
// Scheduling: bounded workers, a per-host limit

/// The queue of URLs still to ask and the requests in flight per host. A
/// worker holds at most one host slot at a time (it gives its slot back
/// before waiting for another host's), so workers never wait on each other
/// in a circle.
struct Scheduler {
    state: Mutex<Queue>,
    freed: Condvar,
    per_host: usize,
}

struct Queue {
    pending: VecDeque<Pending>,
    /// `host:port` → requests in flight.
    busy: HashMap<String, usize>,
}

/// A URL still to ask, with the host it counts against.
struct Pending {
    url: String,
    host: String,
}

/// Permission for one request at a time to `host`; given back on drop.
struct Slot<'a> {
    scheduler: &'a Scheduler,
    host: String,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut q = self
            .scheduler
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = q.busy.get_mut(&self.host) {
            *n = n.saturating_sub(1);
        }
        drop(q);
        self.scheduler.freed.notify_all();
    }
}

impl Scheduler {
    /// The next URL whose host has room, with its slot; `None` when the queue is empty.
    fn next(&self) -> Option<(String, Slot<'_>)> {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if q.pending.is_empty() {
                return None;
            }
            let free = q
                .pending
                .iter()
                .position(|p| q.busy.get(&p.host).copied().unwrap_or(0) < self.per_host);
            if let Some(i) = free {
                let Pending { url, host } = q.pending.remove(i)?;
                *q.busy.entry(host.clone()).or_default() += 1;
                return Some((
                    url,
                    Slot {
                        scheduler: self,
                        host,
                    },
                ));
            }
            q = self.freed.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Waits for room at `host` (a redirect to another host).
    fn acquire(&self, host: String) -> Slot<'_> {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while q.busy.get(&host).copied().unwrap_or(0) >= self.per_host {
            q = self.freed.wait(q).unwrap_or_else(|e| e.into_inner());
        }
        *q.busy.entry(host.clone()).or_default() += 1;
        Slot {
            scheduler: self,
            host,
        }
    }
}

fn request_all(urls: Vec<String>, options: &Options) -> HashMap<String, Outcome> {
    if urls.is_empty() {
        return HashMap::new();
    }
    let total = urls.len();
    let workers = options.rules.concurrency.clamp(1, total);
    let agent = agent(options);
    let scheduler = Scheduler {
        state: Mutex::new(Queue {
            pending: urls
                .into_iter()
                .map(|url| Pending {
                    host: paths::url::host_and_port(&url),
                    url,
                })
                .collect(),
            busy: HashMap::new(),
        }),
        freed: Condvar::new(),
        per_host: options.rules.per_host.max(1),
    };
    let results = Mutex::new(HashMap::with_capacity(total));
    let done = AtomicUsize::new(0);
    if options.progress {
        eprint!("checking external links: 0/{total}");
    }
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((url, slot)) = scheduler.next() {
                    let outcome = follow(&agent, &scheduler, &url, slot);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(url, outcome);
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if options.progress {
                        let mut err = std::io::stderr().lock();
                        let _ = write!(err, "\r\x1b[Kchecking external links: {n}/{total}");
                        let _ = err.flush();
                    }
                }
            });
        }
    });
    if options.progress {
        eprint!("\r\x1b[K");
    }
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------------------
// Asking one URL

fn agent(options: &Options) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .timeout_global(Some(options.rules.timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("folio-link-check/", env!("CARGO_PKG_VERSION")));
    if !options.env_proxy {
        config = config.proxy(None);
    }
    config.build().into()
}

/// Follows one URL's redirects, holding one host slot per hop.
fn follow<'s>(agent: &ureq::Agent, scheduler: &'s Scheduler, url: &str, slot: Slot<'s>) -> Outcome {
    let mut slot = slot;
    let mut current = url.to_string();
    let mut visited = vec![current.clone()];
    for redirects in 0..=MAX_REDIRECTS {
        let (status, location) = match ask(agent, &current) {
            Ok(answer) => answer,
            Err(outcome) => return outcome,
        };
        match status {
            200..=299 => return Outcome::Ok(status),
            301 | 302 | 303 | 307 | 308 => {
                let Some(location) = location else {
                    return Outcome::Error(format!("HTTP {status} redirect without a Location"));
                };
                if redirects == MAX_REDIRECTS {
                    return Outcome::TooManyRedirects;
                }
                let Some(next) = paths::url::resolve_redirect(&current, &location) else {
                    return Outcome::Error(format!(
                        "redirected to an unusable Location `{location}`"
                    ));
                };
                if visited.contains(&next) {
                    return Outcome::RedirectLoop(next);
                }
                visited.push(next.clone());
                let host = paths::url::host_and_port(&next);
                if host != slot.host {
                    drop(slot);
                    slot = scheduler.acquire(host);
                }
                current = next;
            }
            429 => return Outcome::Unchecked("the server answered 429 Too Many Requests".into()),
            _ => return Outcome::Status(status),
        }
    }
    Outcome::TooManyRedirects
}

/// HEAD, then GET when HEAD did not succeed: (status, Location).
fn ask(agent: &ureq::Agent, url: &str) -> Result<(u16, Option<String>), Outcome> {
    let uri = paths::url::parse_web(url).ok_or_else(|| Outcome::Error("not a valid URL".into()))?;
    let uri = uri.as_str();
    let answer = |r: ureq::http::Response<ureq::Body>| {
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (r.status().as_u16(), location)
    };
    match agent.head(uri).call() {
        Ok(r) if r.status().is_success() || r.status().is_redirection() => return Ok(answer(r)),
        Ok(_) => {}
        Err(e) => {
            let outcome = classify(e);
            // GET cannot reach a host HEAD could not connect to.
            if matches!(outcome, Outcome::Refused) || is_unknown_host(&outcome) {
                return Err(outcome);
            }
        }
    }
    agent.get(uri).call().map(answer).map_err(classify)
}

fn is_unknown_host(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Error(e) if e == UNKNOWN_HOST)
}

const UNKNOWN_HOST: &str = "the host name does not resolve";

fn classify(e: ureq::Error) -> Outcome {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(_) => Outcome::Timeout,
        ureq::Error::HostNotFound => Outcome::Error(UNKNOWN_HOST.into()),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => Outcome::Refused,
            ErrorKind::TimedOut | ErrorKind::WouldBlock => Outcome::Timeout,
            _ => Outcome::Error(format!("network error: {io}")),
        },
        ureq::Error::ConnectionFailed => Outcome::Error("could not connect".into()),
        ureq::Error::Http(_) | ureq::Error::BadUri(_) => Outcome::Error("not a valid URL".into()),
        other => Outcome::Error(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
