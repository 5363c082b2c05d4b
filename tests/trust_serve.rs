//! Issue 7, the trust boundary of `folio serve` (row 15 and the "Preview
//! server" bullet): request heads and bodies are bounded, idle and slow
//! connections are closed, threads do not follow the number of sockets,
//! and closed live-reload streams make room at once. Figures come from
//! `/proc` of the real binary; waits are generous upper bounds, never
//! timing claims.

#![cfg(target_os = "linux")]

mod common;

use common::{Events, PATIENCE, ServeProcess, TempSite, eventually, get, require, start};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Shortens the idle and header timeouts of the binary, for tests.
const TIMEOUT_VAR: &str = "FOLIO_SERVE_IDLE_TIMEOUT_MS";
const KICKOFF: &str = "content/english-playbook/initiate-kickoff.md";
const KICKOFF_OUT: &str = "en/initiate-kickoff/index.html";

#[test]
fn row_15_a_400_mb_header_line_is_refused_without_reading_it() {
    let site = TempSite::sample("huge-header");
    let server = ServeProcess::start(&site, &[]);
    assert_eq!(get(server.addr, "/en/").status, 200);
    let (rss, peak) = (server.status("VmRSS"), server.status("VmHWM"));

    let mut stream = TcpStream::connect_timeout(&server.addr, PATIENCE).expect("connect");
    stream.set_write_timeout(Some(PATIENCE)).expect("timeout");
    let host = format!("Host: 127.0.0.1:{}", server.addr.port());
    write!(stream, "GET /en/ HTTP/1.1\r\n{host}\r\nX-Huge: ").expect("send");
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    while sent < 400 << 20 {
        match stream.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    // The server stops reading soon after the limit: what the client got
    // through is the limit plus the kernel's socket buffers.
    assert!(
        sent < 32 << 20,
        "{} MiB of one header line sent",
        sent >> 20
    );
    let grew = server.status("VmRSS").saturating_sub(rss);
    let peak_grew = server.status("VmHWM").saturating_sub(peak);
    assert!(
        grew < 16 * 1024 && peak_grew < 16 * 1024,
        "resident memory grew by {grew} kB, its peak by {peak_grew} kB"
    );
    assert_eq!(get(server.addr, "/en/").status, 200, "still serving");
}

#[test]
fn row_15_3000_idle_sockets_hold_no_threads_and_are_closed() {
    const SOCKETS: usize = 3_000;
    let test = "row_15_3000_idle_sockets_hold_no_threads_and_are_closed";
    if !require(test, "4,000 file descriptors", raise_fd_limit(4_000)) {
        return;
    }
    let site = TempSite::sample("idle");
    let idle = Duration::from_millis(1_000);
    let server = ServeProcess::start(&site, &[(TIMEOUT_VAR, "1000")]);
    assert_eq!(get(server.addr, "/en/").status, 200);
    let (threads, fds) = (server.status("Threads"), server.descriptors());

    let mut sockets = Vec::with_capacity(SOCKETS);
    let mut most_threads = threads;
    let mut most_fds = fds;
    for n in 0..SOCKETS {
        let socket = TcpStream::connect_timeout(&server.addr, PATIENCE)
            .unwrap_or_else(|e| panic!("connection {n}: {e}"));
        sockets.push(socket);
        if n % 64 == 63 {
            most_threads = most_threads.max(server.status("Threads"));
            most_fds = most_fds.max(server.descriptors());
            // A client this fast can fill the kernel's accept queue (128)
            // before the server runs; a full queue drops connections for
            // a second. Browsers never open sockets this fast.
            let port = server.addr.port();
            assert!(eventually(PATIENCE, || accept_queue(port) < 64));
        }
    }
    let reply = get(server.addr, "/en/");
    assert_eq!(
        reply.status, 200,
        "answered while {SOCKETS} sockets are open"
    );
    most_threads = most_threads.max(server.status("Threads"));
    assert!(
        most_threads <= threads + 4,
        "{most_threads} threads for {SOCKETS} idle sockets (at rest: {threads})"
    );
    let cap = folio::limits::HTTP_CONNECTIONS;
    assert!(
        most_fds <= fds + cap + 16,
        "{most_fds} descriptors open (at rest: {fds}, connection cap {cap})"
    );

    // Every socket is closed by the server: idle ones after the timeout,
    // those beyond the connection cap as soon as the cap is reached.
    let deadline = Instant::now() + idle + PATIENCE;
    for (n, socket) in sockets.iter_mut().enumerate() {
        assert!(closed_by_server(socket, deadline), "socket {n} still open");
    }
    drop(sockets);
    assert!(
        eventually(PATIENCE, || server.status("Threads") <= threads
            && server.descriptors() <= fds),
        "threads {} (at rest {threads}), descriptors {} (at rest {fds})",
        server.status("Threads"),
        server.descriptors()
    );
}

#[test]
fn row_15_200_event_streams_closed_and_200_reopened_all_connect() {
    let site = TempSite::sample("streams");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let first: Vec<Events> = (0..200).map(|_| Events::open(addr).0).collect();
    assert!(eventually(PATIENCE, || server.live_clients() == 200));
    assert!(
        first.iter().all(|e| e.retry.is_some()),
        "every stream sets retry:"
    );

    drop(first);
    // Events::open fails on anything but 200 and an event stream.
    let mut second: Vec<Events> = (0..200).map(|_| Events::open(addr).0).collect();
    assert!(
        eventually(PATIENCE, || server.live_clients() == 200),
        "{} streams",
        server.live_clients()
    );

    site.edit(KICKOFF, |t| {
        t.replace("Phase: **Initiate**", "Phase: reopened")
    });
    for (n, stream) in second.iter_mut().enumerate() {
        assert!(
            stream.reload_of(KICKOFF_OUT, PATIENCE).is_some(),
            "stream {n}"
        );
    }
}

/// Past the cap a stream is answered with `retry:` and closed, so the
/// browser tries again later: never a 503, which `EventSource` gives up on.
#[test]
fn event_streams_beyond_the_cap_are_asked_to_retry_not_refused() {
    let site = TempSite::sample("stream-cap");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let cap = folio::limits::LIVE_STREAMS;
    let open: Vec<Events> = (0..cap).map(|_| Events::open(addr).0).collect();
    assert!(eventually(PATIENCE, || server.live_clients() == cap));

    let mut extra = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect");
    extra.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let request = format!(
        "GET /__folio/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
        addr.port()
    );
    extra.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    extra
        .read_to_string(&mut answer)
        .expect("closed by the server");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("text/event-stream"), "{answer}");
    assert!(answer.contains("\nretry: "), "{answer}");
    assert_eq!(server.live_clients(), cap);

    drop(open);
    assert!(eventually(PATIENCE, || server.live_clients() == 0));
    let (_again, hello) = Events::open(addr);
    assert_eq!(hello.name, "hello");
}

#[test]
fn request_heads_and_bodies_over_the_limits_are_refused_and_closed() {
    let site = TempSite::sample("limits");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let host = format!("Host: 127.0.0.1:{}\r\n", addr.port());
    let line = folio::limits::HTTP_LINE_BYTES;
    let long_target = format!("/{}", "a".repeat(line));
    let long_header = format!("X-Long: {}\r\n", "b".repeat(line));
    let many_headers: String = (0..folio::limits::HTTP_HEADERS + 1)
        .map(|n| format!("X-{n}: x\r\n"))
        .collect();
    let big_head: String = (0..folio::limits::HTTP_HEAD_BYTES / 4096 + 1)
        .map(|n| format!("X-{n}: {}\r\n", "c".repeat(4000)))
        .collect();
    let body = folio::limits::HTTP_BODY_BYTES + 1;
    for (what, request, status) in [
        (
            "long target",
            format!("GET {long_target} HTTP/1.1\r\n{host}\r\n"),
            414,
        ),
        (
            "long header line",
            format!("GET / HTTP/1.1\r\n{host}{long_header}\r\n"),
            431,
        ),
        (
            "too many headers",
            format!("GET / HTTP/1.1\r\n{host}{many_headers}\r\n"),
            431,
        ),
        (
            "large head",
            format!("GET / HTTP/1.1\r\n{host}{big_head}\r\n"),
            431,
        ),
        (
            "large body",
            format!("GET / HTTP/1.1\r\n{host}Content-Length: {body}\r\n\r\n"),
            413,
        ),
        (
            "chunked body",
            format!("POST / HTTP/1.1\r\n{host}Transfer-Encoding: chunked\r\n\r\n"),
            411,
        ),
        (
            "bad length",
            format!("GET / HTTP/1.1\r\n{host}Content-Length: 1x\r\n\r\n"),
            400,
        ),
        (
            "two lengths",
            format!("GET / HTTP/1.1\r\n{host}Content-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400,
        ),
        (
            "two hosts",
            format!("GET / HTTP/1.1\r\n{host}{host}\r\n"),
            400,
        ),
        ("not HTTP", "HELLO\r\n\r\n".to_string(), 400),
        (
            "folded header",
            format!("GET / HTTP/1.1\r\n{host}X-A: 1\r\n  2\r\n\r\n"),
            400,
        ),
    ] {
        let (reply, closed) = exchange(addr, request.as_bytes());
        assert_eq!(reply, Some(status), "{what}");
        assert!(closed, "{what}: connection closed after the answer");
    }
    assert_eq!(get(addr, "/en/").status, 200, "still serving");
}

#[test]
fn keep_alive_and_pipelined_requests_are_answered_in_order() {
    let site = TempSite::sample("keep-alive");
    let (server, _log) = start(&site);
    let addr = server.addr();
    let host = format!("Host: 127.0.0.1:{}\r\n", addr.port());
    let stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    // One request, then two pipelined, one of them with a small body.
    write!(writer, "GET /en/ HTTP/1.1\r\n{host}\r\n").expect("send");
    assert_eq!(response(&mut reader).0, 200);
    write!(
        writer,
        "HEAD /nope/ HTTP/1.1\r\n{host}Content-Length: 5\r\n\r\nhelloGET /sitemap.xml HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
    )
    .expect("send");
    let (status, head_length) = response_head(&mut reader);
    assert_eq!(status, 404);
    assert!(head_length > 0, "HEAD gives the length of the 404 page");
    let (status, body) = response(&mut reader);
    assert_eq!(status, 200);
    assert!(
        body.starts_with(b"<?xml"),
        "{}",
        String::from_utf8_lossy(&body)
    );
    let mut rest = Vec::new();
    assert_eq!(
        reader.read_to_end(&mut rest).ok(),
        Some(0),
        "closed on request"
    );
}

#[test]
fn a_request_head_sent_too_slowly_is_cut_off() {
    let site = TempSite::sample("slow-head");
    let server = ServeProcess::start(&site, &[(TIMEOUT_VAR, "500")]);
    let mut stream = TcpStream::connect_timeout(&server.addr, PATIENCE).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    write!(stream, "GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n").expect("send");
    let started = Instant::now();
    let mut answer = Vec::new();
    // One header byte every 50 ms keeps the connection busy but never
    // finishes the head.
    let closed = loop {
        if started.elapsed() > PATIENCE {
            break false;
        }
        if stream.write_all(b"X").is_err() {
            break true;
        }
        let mut buf = [0u8; 1024];
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break true,
        }
    };
    assert!(closed, "a head that never ends is closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[test]
fn the_serve_log_escapes_control_characters() {
    let site = TempSite::sample("serve-log");
    let (server, log) = start(&site);
    let (mut events, _) = Events::open(server.addr());
    let config = site.read("folio.yml");
    site.write("folio.yml", &format!("{config}\"\x1b[2J\x07evil\": 1\n"));
    events
        .wait_for(PATIENCE, |e| e.name == "errors" && !e.problems().is_empty())
        .expect("errors event");
    let lines = log.lines();
    let line = lines
        .iter()
        .find(|l| l.contains("evil"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(!line.contains(['\x1b', '\x07']), "{line:?}");
    assert!(line.contains("\\u{1b}[2J\\u{7}evil"), "{line:?}");
    let build = site.folio("build", &[]);
    assert!(!build.all().contains('\x1b'), "{}", build.all());
    assert!(build.stderr.contains("\\u{1b}[2J"), "{}", build.all());
}

/// Writes `request` and reads the answer's status; `true` if the server
/// then closed the connection.
fn exchange(addr: SocketAddr, request: &[u8]) -> (Option<u16>, bool) {
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    // The server may stop reading (and close) before all of it is sent.
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let closed = stream.read_to_end(&mut answer).is_ok();
    let status = String::from_utf8_lossy(&answer)
        .strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3)?.parse().ok());
    (status, closed)
}

/// Whether the server closed `socket` before `deadline`.
fn closed_by_server(socket: &mut TcpStream, deadline: Instant) -> bool {
    let left = deadline.saturating_duration_since(Instant::now());
    let _ = socket.set_read_timeout(Some(left.max(Duration::from_millis(1))));
    let mut buf = [0u8; 512];
    loop {
        match socket.read(&mut buf) {
            Ok(0) => return true,
            // An answer (a 408 or 503) before the close.
            Ok(_) => continue,
            Err(e) => {
                return !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                );
            }
        }
    }
}

/// Reads one response head: the status and `Content-Length`.
fn response_head(reader: &mut impl BufRead) -> (u16, usize) {
    let mut status = 0;
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a head line");
        let line = line.trim_end();
        if line.is_empty() {
            return (status, length);
        }
        if let Some(rest) = line.strip_prefix("HTTP/1.1 ") {
            status = rest.get(..3).and_then(|s| s.parse().ok()).expect("status");
        } else if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().expect("length");
            }
        }
    }
}

/// Reads one response with a `Content-Length` body.
fn response(reader: &mut impl BufRead) -> (u16, Vec<u8>) {
    let (status, length) = response_head(reader);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    (status, body)
}

/// Connections waiting in the accept queue of the loopback listener on
/// `port` (`rx_queue` of its `LISTEN` line in `/proc/net/tcp`).
fn accept_queue(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let local = format!("0100007F:{port:04X}");
    table
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.get(1) == Some(&local.as_str()) && f.get(3) == Some(&"0A"))
        .and_then(|f| f.get(4)?.split_once(':').map(|(_, rx)| rx.to_string()))
        .and_then(|rx| usize::from_str_radix(&rx, 16).ok())
        .unwrap_or(0)
}

/// Raises this process's soft limit on open files to `want` (the server
/// started from it inherits it); false if the hard limit is lower.
fn raise_fd_limit(want: u64) -> bool {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls only read or write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return false;
        }
        if limit.rlim_cur >= want {
            return true;
        }
        if limit.rlim_max < want {
            return false;
        }
        limit.rlim_cur = want;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0
    }
}
