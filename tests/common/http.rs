//! An HTTP and Server-Sent Events client for the serve tests (std only),
//! and a server started on a temporary site.

#![allow(dead_code)]

use super::{PATIENCE, TempSite};
use folio::serve::{self, ServeOptions, ServerHandle};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server printed.
#[derive(Clone, Default)]
pub struct LogLines(pub Arc<Mutex<Vec<String>>>);

impl LogLines {
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().expect("log lock").clone()
    }
}

/// Starts `folio serve` on an ephemeral loopback port.
pub fn start(site: &TempSite) -> (ServerHandle, LogLines) {
    let log = LogLines::default();
    let sink = log.clone();
    let mut options = ServeOptions::new(&site.root);
    options.port = 0;
    options.log =
        Arc::new(move |line: &str| sink.0.lock().expect("log lock").push(line.to_string()));
    let server = serve::start(options).expect("server starts");
    (server, log)
}

/// An HTTP response as received.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target, &format!("127.0.0.1:{}", addr.port()))
}

/// Sends `target` exactly as given (no normalization), one request per connection.
pub fn request(addr: SocketAddr, method: &str, target: &str, host: &str) -> Reply {
    send(addr, method, target, host, None, PATIENCE).expect("response")
}

/// One request with an optional JSON body; `None` if the connection fails.
pub fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    host: &str,
    json: Option<&str>,
    timeout: Duration,
) -> Option<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    if let Some(body) = json {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(json.unwrap_or(""));
    stream.write_all(head.as_bytes()).ok()?;
    Some(parse_reply(&read_response(&mut stream, method == "HEAD")?))
}

/// Reads one response: up to its `Content-Length` when it has one (some
/// servers keep the connection open regardless), else to the end.
fn read_response(stream: &mut TcpStream, head_only: bool) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .split("\r\n")
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if let Some(length) = length {
                let want = end + 4 + if head_only { 0 } else { length };
                while raw.len() < want {
                    let n = stream.read(&mut buf).ok()?;
                    if n == 0 {
                        break;
                    }
                    raw.extend_from_slice(&buf[..n]);
                }
                return Some(raw);
            }
        }
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return Some(raw);
        }
        raw.extend_from_slice(&buf[..n]);
    }
}

fn parse_reply(raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    };
    if reply
        .header("Transfer-Encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        reply.body = dechunk(&reply.body);
    }
    reply
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&body[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        let start = eol + 2;
        if size == 0 || start + size > body.len() {
            break;
        }
        out.extend_from_slice(&body[start..start + size]);
        body = &body[(start + size + 2).min(body.len())..];
    }
    out
}

/// One live-reload event stream, read as a browser's `EventSource` would.
pub struct Events {
    reader: BufReader<TcpStream>,
    /// A line cut off by a read timeout, completed by the next read.
    partial: String,
    /// The reconnection delay the server asked for (`retry:`), in ms.
    pub retry: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub data: Value,
}

impl Event {
    pub fn paths(&self) -> Vec<String> {
        strings(&self.data["paths"])
    }

    pub fn problems(&self) -> Vec<String> {
        strings(&self.data["problems"])
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

impl Events {
    /// Connects and reads the response head and the `hello` event.
    pub fn open(addr: SocketAddr) -> (Events, Event) {
        let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect");
        write!(
            stream,
            "GET /__folio/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            addr.port()
        )
        .expect("send");
        let mut events = Events {
            reader: BufReader::new(stream),
            partial: String::new(),
            retry: None,
        };
        let deadline = Instant::now() + PATIENCE;
        let status = events.line(deadline).expect("status line");
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        let mut content_type = String::new();
        loop {
            let line = events.line(deadline).expect("header line");
            if line.is_empty() {
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                if n.eq_ignore_ascii_case("content-type") {
                    content_type = v.trim().to_string();
                }
            }
        }
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        let hello = events.next(deadline).expect("hello event");
        assert_eq!(hello.name, "hello");
        (events, hello)
    }

    /// The next event before `deadline`.
    pub fn next(&mut self, deadline: Instant) -> Option<Event> {
        let mut name = String::from("message");
        let mut data = String::new();
        loop {
            let line = self.line(deadline)?;
            if line.is_empty() {
                if data.is_empty() {
                    continue;
                }
                let data = serde_json::from_str(&data).expect("event data is JSON");
                return Some(Event { name, data });
            }
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            } else if let Some(v) = line.strip_prefix("retry:") {
                self.retry = v.trim().parse().ok();
            }
        }
    }

    /// Reads events until one satisfies `wanted`, for at most `within`.
    pub fn wait_for(&mut self, within: Duration, wanted: impl Fn(&Event) -> bool) -> Option<Event> {
        let deadline = Instant::now() + within;
        while let Some(event) = self.next(deadline) {
            if wanted(&event) {
                return Some(event);
            }
        }
        None
    }

    /// A `reload` event whose changed paths include `path`.
    pub fn reload_of(&mut self, path: &str, within: Duration) -> Option<Event> {
        self.wait_for(within, |e| {
            e.name == "reload" && e.paths().iter().any(|p| p == path)
        })
    }

    /// The next `errors` event (sent after every rebuild).
    pub fn errors(&mut self, within: Duration) -> Option<Event> {
        self.wait_for(within, |e| e.name == "errors")
    }

    fn line(&mut self, deadline: Instant) -> Option<String> {
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            self.reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .ok()?;
            match self.reader.read_line(&mut self.partial) {
                Ok(0) => return None,
                Ok(_) if self.partial.ends_with('\n') => {
                    let line = std::mem::take(&mut self.partial);
                    return Some(line.trim_end_matches(['\r', '\n']).to_string());
                }
                Ok(_) => continue,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    if Instant::now() >= deadline {
                        return None;
                    }
                }
                Err(_) => return None,
            }
        }
    }
}

/// Polls `check` until it holds or `within` passes.
pub fn eventually(within: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// `folio serve --port 0` run as its own process, so that its threads,
/// descriptors and memory can be read from `/proc`; killed on drop.
pub struct ServeProcess {
    child: std::process::Child,
    pub addr: SocketAddr,
}

impl ServeProcess {
    /// Starts the binary on `site` with extra environment variables and
    /// waits for its `serving http://…` line.
    pub fn start(site: &TempSite, env: &[(&str, &str)]) -> ServeProcess {
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["serve", "--port", "0", "--root"])
            .arg(&site.root)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("folio starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines.next().expect("a line").expect("readable");
            if let Some(rest) = line.strip_prefix("serving ") {
                break rest.split(' ').next().unwrap_or("").to_string();
            }
        };
        // The rest of the log is read so that the server never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("address in the URL");
        ServeProcess { child, addr }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A number from `/proc/<pid>/status` (`Threads`, `VmRSS` in kB).
    pub fn status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("/proc/<pid>/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    /// Open file descriptors.
    pub fn descriptors(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|d| d.count())
            .expect("/proc/<pid>/fd")
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().ok().flatten().is_none()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
