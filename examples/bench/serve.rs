//! Save-to-reload latency of `folio serve`, measured on the real binary.
//!
//! Starts `folio serve --port 0` on the site, opens the live-reload event
//! stream the way a browser does (raw HTTP over a socket), then appends one
//! line to one page, `edits` times, `gap` apart (300 ms by default) so
//! each save is its own burst. A sample is the time from just before the file write until the
//! `reload` event naming that page arrives: watcher delivery, debounce,
//! rebuild and the event write included. The server's own `rebuilt … in N
//! ms` lines (watcher and debounce excluded) and its resident memory from
//! `/proc` are collected too.

use crate::measure;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

pub struct Latency {
    /// Save-to-reload samples, sorted.
    pub samples: Vec<Duration>,
    /// The server's own rebuild times for the edits, sorted.
    pub rebuilds: Vec<Duration>,
    /// From starting the process until it serves (first build included).
    pub startup: Duration,
    /// Resident memory after the edits, and its peak: bytes.
    pub rss: Option<(u64, u64)>,
}

/// How long the first build of a large site may take before we give up.
const STARTUP_LIMIT: Duration = Duration::from_secs(600);

pub fn measure(folio: &Path, root: &Path, edits: usize, gap: Duration) -> Result<Latency, String> {
    let page = first_page(&root.join("content/en"))?;
    let page_output = format!(
        "en/{}/index.html",
        page.file_stem().and_then(|s| s.to_str()).unwrap_or("")
    );
    let started = Instant::now();
    let mut server = Server::start(folio, root)?;
    let startup = started.elapsed();
    // The first build's pages are still being written back to the disk:
    // an author's saves come later, so they are measured after that.
    measure::flush_disks();
    let result = edit_and_wait(&mut server, &page, &page_output, edits, gap);
    let rss = measure::resident(server.child.id());
    let mut rebuilds = server.rebuild_times(edits);
    rebuilds.sort();
    let mut samples = result?;
    samples.sort();
    Ok(Latency {
        samples,
        rebuilds,
        startup,
        rss,
    })
}

/// Edits `page` and restores its text whatever happens.
fn edit_and_wait(
    server: &mut Server,
    page: &Path,
    page_output: &str,
    edits: usize,
    gap: Duration,
) -> Result<Vec<Duration>, String> {
    let original = std::fs::read_to_string(page).map_err(|e| e.to_string())?;
    let mut events = EventStream::open(server.addr)?;
    let mut samples = Vec::with_capacity(edits);
    let mut outcome = Ok(());
    for n in 1..=edits {
        std::thread::sleep(gap);
        events.drain();
        let text = format!("{original}\nLatency edit number {n}.\n");
        let before = Instant::now();
        if let Err(e) = std::fs::write(page, text) {
            outcome = Err(format!("{}: {e}", page.display()));
            break;
        }
        if !events.wait_for_reload(page_output, Duration::from_secs(30)) {
            outcome = Err(format!("no reload event for edit {n} within 30 s"));
            break;
        }
        samples.push(before.elapsed());
    }
    std::fs::write(page, original).map_err(|e| format!("{}: {e}", page.display()))?;
    outcome.map(|()| samples)
}

fn first_page(dir: &Path) -> Result<PathBuf, String> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "index.md")
        })
        .collect();
    pages.sort();
    pages
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: no page", dir.display()))
}

/// A `folio serve` child process; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    /// The server's stderr, line by line.
    lines: Receiver<String>,
}

impl Server {
    fn start(folio: &Path, root: &Path) -> Result<Server, String> {
        let mut child = Command::new(folio)
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", folio.display()))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (send, lines) = channel();
        // Drains stderr for the server's whole life: the first build
        // prints every diagnostic, and a full pipe would stall it.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + STARTUP_LIMIT;
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lines,
        };
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let line = server
                .lines
                .recv_timeout(left)
                .map_err(|_| "folio serve stopped or never said where it serves")?;
            if let Some(addr) = served_address(&line) {
                server.addr = addr;
                return Ok(server);
            }
        }
        Err("folio serve took too long to start".into())
    }

    /// The times of the first `count` `rebuilt 1 page in 145 ms` lines,
    /// waiting a little for lines still on their way.
    fn rebuild_times(&self, count: usize) -> Vec<Duration> {
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut times = Vec::with_capacity(count);
        while times.len() < count {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            let Ok(line) = self.lines.recv_timeout(left) else {
                break;
            };
            let ms = line
                .strip_prefix("rebuilt ")
                .and_then(|l| l.split(" in ").nth(1))
                .and_then(|l| l.split(" ms").next())
                .and_then(|ms| ms.trim().parse().ok());
            times.extend(ms.map(Duration::from_millis));
        }
        times
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address in `serving http://127.0.0.1:PORT/ (Ctrl-C to stop)`.
fn served_address(line: &str) -> Option<SocketAddr> {
    let rest = line.strip_prefix("serving http://")?;
    rest.split('/').next()?.parse().ok()
}

/// The live-reload stream, read as a browser's `EventSource` reads it.
struct EventStream {
    reader: BufReader<TcpStream>,
}

impl EventStream {
    fn open(addr: SocketAddr) -> Result<EventStream, String> {
        let mut stream = TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
        write!(
            stream,
            "GET /__folio/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            addr.port()
        )
        .map_err(|e| e.to_string())?;
        Ok(EventStream {
            reader: BufReader::new(stream),
        })
    }

    /// Reads until a `reload` event lists `path`.
    fn wait_for_reload(&mut self, path: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let mut event = String::new();
        let quoted = format!("\"{path}\"");
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            let _ = self.reader.get_ref().set_read_timeout(Some(left));
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return false,
                Ok(_) => {}
            }
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_string();
            } else if line.starts_with("data:") && event == "reload" && line.contains(&quoted) {
                return true;
            }
        }
    }

    /// Skips whatever arrived since the last sample.
    fn drain(&mut self) {
        let _ = self
            .reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(5)));
        let mut line = String::new();
        while matches!(self.reader.read_line(&mut line), Ok(n) if n > 0) {
            line.clear();
        }
    }
}
