//! The preview's answers: static files from the output directory, the
//! live-reload script and event stream. A request comes in parsed
//! (`request`), the answer goes out as a [`Response`] that the connection
//! layer (`server`) writes.
//!
//! Only files inside the output directory are ever read: a request path is
//! decoded once, refused (400) if any segment is `..` or holds a backslash,
//! and the file found is resolved through symlinks and must still be inside
//! the output directory (else 404). Hidden files (the output marker, the
//! temporary files of atomic writes) are never served.

use super::live::{self, Live};
use super::request::{Method, Request};
use crate::paths;
use std::fs::File;
use std::io::Read;
use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{PoisonError, RwLock};

/// What the workers need: where the site is, the live-reload hub, and
/// which `Host` headers to answer.
pub(crate) struct Served {
    out_dir: RwLock<PathBuf>,
    pub(crate) live: Live,
    /// Bound to a loopback address: only answer requests addressed to a
    /// loopback name, so a web page cannot read the preview through a DNS
    /// name it points at 127.0.0.1 (DNS rebinding).
    loopback_only: bool,
}

impl Served {
    pub(crate) fn new(out_dir: PathBuf, live: Live, bind: IpAddr) -> Served {
        Served {
            out_dir: RwLock::new(out_dir),
            live,
            loopback_only: bind.is_loopback(),
        }
    }

    pub(crate) fn out_dir(&self) -> PathBuf {
        self.out_dir
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// `folio.yml` may move the output directory while serving.
    pub(crate) fn set_out_dir(&self, dir: &Path) {
        let mut current = self.out_dir.write().unwrap_or_else(PoisonError::into_inner);
        if *current != dir {
            *current = dir.to_path_buf();
        }
    }
}

/// Where a request path leads inside the output directory.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash: the page's relative
    /// links only work from the slashed URL.
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a request target (`/es/inicio/?x#y`) to a file of `root`.
pub(crate) fn resolve(root: &Path, target: &str) -> Resolved {
    let (path, query) = match target.find(['?', '#']) {
        Some(i) => (&target[..i], &target[i..]),
        None => (target, ""),
    };
    // Absolute-form targets (`http://host/x`) and `*` are for proxies.
    if !path.starts_with('/') {
        return Resolved::BadRequest;
    }
    let Some(segments) = segments(path) else {
        return Resolved::BadRequest;
    };
    if segments.iter().any(|s| s.starts_with('.')) {
        return Resolved::NotFound;
    }
    let Ok(real_root) = root.canonicalize() else {
        return Resolved::NotFound;
    };
    let inside = |p: &Path| -> Option<PathBuf> {
        p.canonicalize()
            .ok()
            .filter(|real| real.starts_with(&real_root))
    };
    let Some(found) = inside(&segments.iter().fold(root.to_path_buf(), |p, s| p.join(s))) else {
        return Resolved::NotFound;
    };
    if found.is_dir() {
        if !path.ends_with('/') {
            // Rebuilt from the decoded segments, so it always starts with a
            // single `/` and cannot send the browser to another host.
            let mut location = String::from("/");
            for s in &segments {
                location.push_str(&paths::encode_path(s, true));
                location.push('/');
            }
            let query = query.split('#').next().unwrap_or("");
            return Resolved::Redirect(format!("{location}{query}"));
        }
        match inside(&found.join("index.html")) {
            Some(index) if index.is_file() => Resolved::File(index),
            _ => Resolved::NotFound,
        }
    } else if found.is_file() {
        Resolved::File(found)
    } else {
        Resolved::NotFound
    }
}

/// The decoded path segments, without empty and `.` segments; `None` for a
/// path that tries to leave the root or to name something other than a
/// plain file name (`..`, backslashes, NUL, a drive or root on Windows).
fn segments(path: &str) -> Option<Vec<String>> {
    if path.contains('\\') {
        return None;
    }
    let decoded = paths::percent_decode(path);
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    decoded
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(|s| {
            let mut parts = Path::new(s).components();
            match (parts.next(), parts.next()) {
                (Some(Component::Normal(_)), None) => Some(s.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// The `Content-Type` of a served file, by extension.
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}

/// An answer, as `handle` makes it; the connection layer adds
/// `Content-Length` and `Connection` when it writes it.
pub(crate) struct Response {
    pub(crate) status: u16,
    /// Names and values built here, never from request data.
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
}

/// A response body: bytes in memory, or a file read as it is sent.
pub(crate) enum Body {
    Bytes(Vec<u8>),
    /// The open file and its length when opened.
    File(File, u64),
}

impl Body {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File(_, len) => *len,
        }
    }
}

/// What to do with a request.
pub(crate) enum Reply {
    Response(Response),
    /// The live-reload stream: the connection goes to the broadcaster.
    Events,
}

impl Response {
    /// Every answer: nothing is cached (the next save changes it), and
    /// browsers take the `Content-Type` as given.
    fn new(status: u16, content_type: &str, body: Body) -> Response {
        Response {
            status,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                ("Cache-Control", "no-store".into()),
                ("X-Content-Type-Options", "nosniff".into()),
            ],
            body,
        }
    }

    /// A short plain-text answer.
    pub(crate) fn text(status: u16, message: &str) -> Response {
        let body = Body::Bytes(format!("{message}\n").into_bytes());
        Response::new(status, "text/plain; charset=utf-8", body)
    }

    pub(crate) fn with(mut self, name: &'static str, value: &str) -> Response {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// Answers one request. Never blocks on an event stream.
pub(crate) fn handle(request: &Request, served: &Served) -> Reply {
    if !matches!(request.method, Method::Get | Method::Head) {
        let refusal = Response::text(405, "only GET and HEAD are supported");
        return Reply::Response(refusal.with("Allow", "GET, HEAD"));
    }
    if served.loopback_only && !is_loopback_host(request.host.as_deref()) {
        return Reply::Response(Response::text(
            403,
            "this preview only answers requests addressed to localhost or 127.0.0.1, \
             so that other web sites cannot read it through a name of theirs (DNS rebinding); \
             to open it under another name (a forwarded port, another machine), \
             start folio serve with --bind 0.0.0.0",
        ));
    }
    let target = request.target.as_str();
    let path = target.split(['?', '#']).next().unwrap_or("");
    Reply::Response(match path {
        live::EVENTS_PATH if request.method == Method::Get => return Reply::Events,
        live::EVENTS_PATH => Response::new(
            200,
            "text/event-stream; charset=utf-8",
            Body::Bytes(Vec::new()),
        ),
        live::SCRIPT_PATH => Response::new(
            200,
            "text/javascript; charset=utf-8",
            Body::Bytes(live::SCRIPT.as_bytes().to_vec()),
        ),
        _ => static_file(served, target),
    })
}

fn static_file(served: &Served, target: &str) -> Response {
    let root = served.out_dir();
    match resolve(&root, target) {
        Resolved::File(file) => file_response(served, &root, &file, 200, false),
        Resolved::Redirect(location) => {
            Response::new(301, "text/plain; charset=utf-8", Body::Bytes(Vec::new()))
                .with("Location", &location)
        }
        Resolved::NotFound => not_found(served, &root),
        Resolved::BadRequest => Response::text(400, "bad request path"),
    }
}

fn not_found(served: &Served, root: &Path) -> Response {
    let page = root.join("404.html");
    if page.is_file() {
        return file_response(served, root, &page, 404, true);
    }
    let html = "<!doctype html><meta charset=\"utf-8\"><title>Not found</title><h1>Not found</h1>";
    html_response(served, html, "", 404, true)
}

fn file_response(
    served: &Served,
    root: &Path,
    file: &Path,
    status: u16,
    missing: bool,
) -> Response {
    let kind = content_type(file);
    if kind.starts_with("text/html") {
        let mut html = String::new();
        if File::open(file)
            .and_then(|mut f| f.read_to_string(&mut html))
            .is_ok()
        {
            let rel = file
                .strip_prefix(root.canonicalize().unwrap_or_else(|_| root.to_path_buf()))
                .map(paths::to_slash)
                .unwrap_or_default();
            return html_response(served, &html, &rel, status, missing);
        }
    }
    let opened = File::open(file).and_then(|f| {
        let len = f.metadata()?.len();
        Ok(Body::File(f, len))
    });
    match opened {
        Ok(body) => Response::new(status, kind, body),
        // Deleted by a rebuild since it was found.
        Err(_) => Response::text(404, "not found"),
    }
}

/// An HTML page with the live-reload script added (pages on disk never
/// carry it). `file` is the page's site-relative path, which the script
/// compares with the paths a rebuild changed.
fn html_response(served: &Served, html: &str, file: &str, status: u16, missing: bool) -> Response {
    let html = inject_script(html, &served.live.generation(), file, missing);
    Response::new(
        status,
        "text/html; charset=utf-8",
        Body::Bytes(html.into_bytes()),
    )
}

/// Adds the live-reload `<script>` before `</body>` of an HTML document;
/// fragments (navigation files fetched by the theme) are left alone.
pub(crate) fn inject_script(html: &str, generation: &str, file: &str, missing: bool) -> String {
    let head = html
        .get(..html.len().min(512))
        .unwrap_or(html)
        .to_ascii_lowercase();
    if !head.contains("<!doctype html") && !head.contains("<html") {
        return html.to_string();
    }
    let tag = format!(
        "<script src=\"{}\" data-generation=\"{}\" data-file=\"{}\" data-missing=\"{}\"></script>\n",
        live::SCRIPT_PATH,
        crate::html::escape(generation),
        crate::html::escape(file),
        if missing { "1" } else { "0" },
    );
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + tag.len());
    out.push_str(&html[..at]);
    out.push_str(&tag);
    out.push_str(&html[at..]);
    out
}

/// A loopback name in `Host` (or none: HTTP/1.0 clients).
fn is_loopback_host(host: Option<&str>) -> bool {
    let Some(host) = host.map(str::to_ascii_lowercase) else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map(|(n, _)| n).unwrap_or(&host),
    };
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("folio-http-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out/en/a")).unwrap();
        std::fs::create_dir_all(dir.join("out/ja/ガイド")).unwrap();
        std::fs::write(dir.join("out/en/a/index.html"), "<html></html>").unwrap();
        std::fs::write(dir.join("out/ja/ガイド/index.html"), "<html></html>").unwrap();
        std::fs::write(dir.join("out/.folio-output"), "").unwrap();
        std::fs::write(dir.join("secret.txt"), "secret").unwrap();
        dir
    }

    #[test]
    fn resolves_files_folders_and_redirects() {
        let dir = site("resolve");
        let out = dir.join("out");
        let real = out.canonicalize().unwrap();
        assert_eq!(
            resolve(&out, "/en/a/"),
            Resolved::File(real.join("en/a/index.html"))
        );
        assert_eq!(
            resolve(&out, "/en/a/index.html?x=1"),
            Resolved::File(real.join("en/a/index.html"))
        );
        assert_eq!(
            resolve(&out, "/en/a?x=1"),
            Resolved::Redirect("/en/a/?x=1".into())
        );
        assert_eq!(
            resolve(&out, "/ja/%E3%82%AC%E3%82%A4%E3%83%89/"),
            Resolved::File(real.join("ja/ガイド/index.html"))
        );
        assert_eq!(
            resolve(&out, "/ja/%E3%82%AC%E3%82%A4%E3%83%89"),
            Resolved::Redirect("/ja/%E3%82%AC%E3%82%A4%E3%83%89/".into())
        );
        assert_eq!(resolve(&out, "/en/b/"), Resolved::NotFound);
        assert_eq!(resolve(&out, "/.folio-output"), Resolved::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn never_leaves_the_root() {
        let dir = site("escape");
        let out = dir.join("out");
        for bad in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%2fsecret.txt",
            "/en/../../secret.txt",
            "/..\\secret.txt",
            "/%5c..%5csecret.txt",
            "http://example.com/../secret.txt",
            "*",
        ] {
            assert_eq!(resolve(&out, bad), Resolved::BadRequest, "{bad}");
        }
        let secret = dir.join("secret.txt");
        for missing in [
            format!("/{}", secret.display()),
            format!("//{}", secret.display()),
            format!(
                "/{}",
                paths::encode_path(&secret.display().to_string(), true)
            ),
        ] {
            assert_eq!(resolve(&out, &missing), Resolved::NotFound, "{missing}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&secret, out.join("link.txt")).unwrap();
            std::os::unix::fs::symlink(&dir, out.join("up")).unwrap();
            assert_eq!(resolve(&out, "/link.txt"), Resolved::NotFound);
            assert_eq!(resolve(&out, "/up/secret.txt"), Resolved::NotFound);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn script_goes_into_documents_only() {
        let page = inject_script(
            "<!doctype html><body><p>x</p></BODY></html>",
            "g-1",
            "en/a/index.html",
            false,
        );
        assert!(page.contains("data-generation=\"g-1\""));
        assert!(page.find("live.js").unwrap() < page.find("</BODY>").unwrap());
        let fragment = "<ul><li><a href=\"a/\">A</a></li></ul>";
        assert_eq!(inject_script(fragment, "g", "", false), fragment);
    }

    #[test]
    fn content_types() {
        for (file, kind) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.CSS", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.json", "application/json"),
            ("a.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.gif", "image/gif"),
            ("a.webp", "image/webp"),
            ("a.ico", "image/x-icon"),
            ("a.pdf", "application/pdf"),
            ("a.woff2", "font/woff2"),
            ("sitemap.xml", "application/xml"),
            ("a.txt", "text/plain; charset=utf-8"),
            ("a", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), kind, "{file}");
        }
    }
}
