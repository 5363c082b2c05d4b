//! The preview's connections. One thread (`folio-http`) owns the
//! listening socket and every connection, non-blocking, through mio's
//! poll: it reads request heads within the limits of `request`, writes
//! the responses, and closes idle and slow connections. A few workers
//! (`folio-http-N`) turn a parsed request into a response (disk reads,
//! the live-reload script). An event-stream request leaves with its
//! socket for the broadcaster (`live`).
//!
//! So threads never follow the number of sockets: an idle, slow or
//! malicious client costs a socket and a buffer of at most
//! [`limits::HTTP_HEAD_BYTES`], never a thread. At most
//! [`limits::HTTP_CONNECTIONS`] are open; at the cap the connection that
//! has waited longest for its client makes room for the new one.

use super::http::{self, Body, Reply, Response, Served};
use super::request::{self, Head, Method, Refusal, Request};
use crate::limits;
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};
use std::collections::HashMap;
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
/// How often deadlines are looked at.
const TICK: Duration = Duration::from_millis(100);
/// Bytes read from a socket, or from a file being sent, at a time.
const CHUNK: usize = 16 * 1024;
/// After an answer that ends the connection, what the client still sends
/// is read and dropped for this long, up to [`LINGER_BYTES`], so that the
/// close does not reset the connection before the client reads the answer.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 1024 * 1024;

/// How long a client may take; tests shorten them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    /// No request in progress (keep-alive, or nothing sent yet).
    pub(crate) idle: Duration,
    /// From the first byte of a request to the end of its body.
    pub(crate) request: Duration,
}

/// The running connection layer.
pub(crate) struct Server {
    waker: Arc<Waker>,
    stop: Arc<AtomicBool>,
    poller: Option<JoinHandle<()>>,
    workers: Vec<JoinHandle<()>>,
}

struct Job {
    token: Token,
    request: Request,
}

struct Done {
    token: Token,
    reply: Reply,
}

impl Server {
    /// Serves `listener` with `workers` worker threads.
    pub(crate) fn start(
        listener: std::net::TcpListener,
        served: Arc<Served>,
        timeouts: Timeouts,
        workers: usize,
    ) -> std::io::Result<Server> {
        listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(listener);
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let (jobs, queue) = channel::<Job>();
        let (done, finished) = channel::<Done>();
        let queue = Arc::new(Mutex::new(queue));
        let stop = Arc::new(AtomicBool::new(false));
        let mut server = Server {
            waker: waker.clone(),
            stop: stop.clone(),
            poller: None,
            workers: Vec::new(),
        };
        for n in 0..workers {
            let (queue, done, waker, served) =
                (queue.clone(), done.clone(), waker.clone(), served.clone());
            let worker = std::thread::Builder::new()
                .name(format!("folio-http-{n}"))
                .spawn(move || work(&queue, &done, &waker, &served))?;
            server.workers.push(worker);
        }
        let poller = Poller {
            poll,
            listener,
            conns: HashMap::new(),
            next: 2,
            jobs,
            finished,
            served,
            timeouts,
            stop,
            accept_paused: false,
        };
        let poller = std::thread::Builder::new()
            .name("folio-http".into())
            .spawn(move || poller.run())?;
        server.poller = Some(poller);
        Ok(server)
    }

    /// Blocks until the server stops.
    pub(crate) fn wait(&mut self) {
        if let Some(poller) = self.poller.take() {
            let _ = poller.join();
        }
    }

    /// Closes the listener and every connection; the workers finish the
    /// request they are on.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.waker.wake();
        self.wait();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// A worker: requests in, replies out. A panic answering one request
/// (a bug in Folio) is a 500, and the worker lives on.
fn work(queue: &Mutex<Receiver<Job>>, done: &Sender<Done>, waker: &Waker, served: &Served) {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(Job { token, request }) = job else {
            return;
        };
        let reply = catch_unwind(AssertUnwindSafe(|| http::handle(&request, served)))
            .unwrap_or_else(|_| Reply::Response(Response::text(500, "internal error")));
        if done.send(Done { token, reply }).is_err() {
            return;
        }
        let _ = waker.wake();
    }
}

/// The `folio-http` thread's state.
struct Poller {
    poll: Poll,
    listener: TcpListener,
    conns: HashMap<Token, Conn>,
    next: usize,
    jobs: Sender<Job>,
    finished: Receiver<Done>,
    served: Arc<Served>,
    timeouts: Timeouts,
    stop: Arc<AtomicBool>,
    /// Accepting failed for want of file descriptors: retried each tick.
    accept_paused: bool,
}

impl Poller {
    fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let mut swept = Instant::now();
        while !self.stop.load(Ordering::SeqCst) {
            if let Err(e) = self.poll.poll(&mut events, Some(TICK)) {
                if e.kind() == ErrorKind::Interrupted {
                    continue;
                }
                return;
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(),
                    WAKER => {}
                    token => self.drive(token),
                }
            }
            while let Ok(done) = self.finished.try_recv() {
                self.finish(done);
            }
            if swept.elapsed() >= TICK {
                self.sweep();
                swept = Instant::now();
            }
        }
    }

    fn accept(&mut self) {
        self.accept_paused = false;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => self.admit(stream),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e) if transient(&e) => {}
                // Out of file descriptors (or memory): make room, or wait.
                Err(_) => {
                    if !self.evict() {
                        self.accept_paused = true;
                        return;
                    }
                }
            }
        }
    }

    fn admit(&mut self, mut stream: TcpStream) {
        if self.conns.len() >= limits::HTTP_CONNECTIONS && !self.evict() {
            // Every connection is in the middle of an answer.
            let busy = Response::text(503, "the preview is busy; try again in a moment")
                .with("Retry-After", "1");
            let _ = stream.write_all(&Outgoing::new(busy, false, true).buf);
            return;
        }
        let _ = stream.set_nodelay(true);
        let token = Token(self.next);
        self.next += 1;
        let interest = Interest::READABLE | Interest::WRITABLE;
        if self
            .poll
            .registry()
            .register(&mut stream, token, interest)
            .is_ok()
        {
            // Registering reports the socket's readiness: the first event
            // drives the connection.
            self.conns.insert(token, Conn::new(stream));
        }
    }

    /// Closes the connection that has waited longest for its client;
    /// `false` if every connection is being answered.
    fn evict(&mut self) -> bool {
        let oldest = self
            .conns
            .iter()
            .filter(|(_, c)| c.waits_for_client())
            .min_by_key(|(_, c)| c.since)
            .map(|(token, _)| *token);
        oldest.is_some_and(|token| {
            self.close(token);
            true
        })
    }

    /// Moves a connection on as far as its socket allows.
    fn drive(&mut self, token: Token) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        match conn.advance() {
            Next::Wait => {}
            Next::Close => self.close(token),
            Next::Answer(request) => {
                conn.state = State::Busy {
                    head: request.method == Method::Head,
                    close: request.close,
                };
                if self.jobs.send(Job { token, request }).is_err() {
                    self.close(token);
                }
            }
        }
    }

    /// A worker's reply: written back, or the socket goes to the
    /// broadcaster as an event stream.
    fn finish(&mut self, Done { token, reply }: Done) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let State::Busy { head, close } = conn.state else {
            return;
        };
        match reply {
            Reply::Events => {
                if let Some(mut conn) = self.conns.remove(&token) {
                    let _ = self.poll.registry().deregister(&mut conn.stream);
                    self.served.live.connect(conn.stream);
                }
            }
            Reply::Response(response) => {
                conn.start_writing(Outgoing::new(response, head, close), close);
                self.drive(token);
            }
        }
    }

    /// Closes connections past their deadlines; a request that takes too
    /// long to arrive gets a 408 first.
    fn sweep(&mut self) {
        let now = Instant::now();
        let mut late = Vec::new();
        let mut expired = Vec::new();
        for (token, conn) in &self.conns {
            match conn.overdue(now, &self.timeouts) {
                Some(Overdue::Close) => expired.push(*token),
                Some(Overdue::Answer) => late.push(*token),
                None => {}
            }
        }
        for token in expired {
            self.close(token);
        }
        for token in late {
            if let Some(conn) = self.conns.get_mut(&token) {
                conn.refuse(Refusal {
                    status: 408,
                    reason: "the request took too long to arrive",
                });
                self.drive(token);
            }
        }
        if self.accept_paused {
            self.accept();
        }
    }

    fn close(&mut self, token: Token) {
        if let Some(mut conn) = self.conns.remove(&token) {
            let _ = self.poll.registry().deregister(&mut conn.stream);
        }
    }
}

/// Errors of `accept` about one connection, not the listener.
fn transient(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Interrupted | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    )
}

/// One client connection.
struct Conn {
    stream: TcpStream,
    /// Received and not yet used: the head being read, or the start of
    /// the next request. Never more than a head and one read.
    input: Vec<u8>,
    state: State,
    /// When the current state began, or a response last made progress.
    since: Instant,
}

enum State {
    /// Waiting for a request head; `started` is when its first byte came.
    Reading {
        started: Option<Instant>,
    },
    /// Reading and dropping the body of `request` before it is answered.
    Body {
        request: Request,
        left: u64,
        started: Instant,
    },
    /// A worker has the request (`HEAD` answers send no body).
    Busy {
        head: bool,
        close: bool,
    },
    Writing {
        out: Outgoing,
        close: bool,
    },
    /// Answered and closing: input is dropped (at most `left` more bytes).
    Draining {
        left: usize,
    },
}

/// What a connection needs next.
enum Next {
    Wait,
    Answer(Request),
    Close,
}

enum Overdue {
    Close,
    Answer,
}

/// How reading from a socket went.
enum Input {
    Bytes,
    Closed,
    Blocked,
}

impl Conn {
    fn new(stream: TcpStream) -> Conn {
        Conn {
            stream,
            input: Vec::new(),
            state: State::Reading { started: None },
            since: Instant::now(),
        }
    }

    fn waits_for_client(&self) -> bool {
        matches!(
            self.state,
            State::Reading { .. } | State::Body { .. } | State::Draining { .. }
        )
    }

    fn overdue(&self, now: Instant, timeouts: &Timeouts) -> Option<Overdue> {
        let past = |since: Instant, limit: Duration| now.saturating_duration_since(since) > limit;
        let overdue = match &self.state {
            State::Reading { started: None } => past(self.since, timeouts.idle),
            State::Reading {
                started: Some(started),
            }
            | State::Body { started, .. } => {
                return past(*started, timeouts.request).then_some(Overdue::Answer);
            }
            State::Busy { .. } => false,
            State::Writing { .. } => past(self.since, limits::HTTP_WRITE_TIMEOUT),
            State::Draining { .. } => past(self.since, LINGER),
        };
        overdue.then_some(Overdue::Close)
    }

    /// Reads, parses and writes until the socket would block or the
    /// connection needs a worker or is done.
    fn advance(&mut self) -> Next {
        loop {
            let step = match self.state {
                State::Reading { .. } => self.read_head(),
                State::Body { .. } => self.read_body(),
                State::Busy { .. } => return Next::Wait,
                State::Writing { .. } => self.write(),
                State::Draining { .. } => self.drain(),
            };
            match step {
                Some(next) => return next,
                None => continue,
            }
        }
    }

    /// `None`: the state changed, go on.
    fn read_head(&mut self) -> Option<Next> {
        match request::parse(&self.input) {
            Ok(Head::Complete { request, len }) => {
                self.input.drain(..len);
                if self.input.is_empty() && self.input.capacity() > CHUNK {
                    self.input = Vec::new();
                }
                if request.body == 0 {
                    return Some(Next::Answer(request));
                }
                let started = match self.state {
                    State::Reading {
                        started: Some(started),
                    } => started,
                    _ => Instant::now(),
                };
                let left = request.body;
                self.state = State::Body {
                    request,
                    left,
                    started,
                };
                None
            }
            Ok(Head::Partial) => match self.fill() {
                Input::Bytes => {
                    if let State::Reading {
                        started: started @ None,
                    } = &mut self.state
                    {
                        *started = Some(Instant::now());
                    }
                    None
                }
                Input::Blocked => Some(Next::Wait),
                Input::Closed => Some(Next::Close),
            },
            Err(refusal) => {
                self.refuse(refusal);
                None
            }
        }
    }

    fn read_body(&mut self) -> Option<Next> {
        let State::Body { left, .. } = &mut self.state else {
            return None;
        };
        let used = self.input.len().min(*left as usize);
        self.input.drain(..used);
        *left -= used as u64;
        if *left == 0 {
            let state = std::mem::replace(&mut self.state, State::Reading { started: None });
            if let State::Body { request, .. } = state {
                return Some(Next::Answer(request));
            }
        }
        match self.fill() {
            Input::Bytes => None,
            Input::Blocked => Some(Next::Wait),
            Input::Closed => Some(Next::Close),
        }
    }

    fn write(&mut self) -> Option<Next> {
        let State::Writing { out, close } = &mut self.state else {
            return None;
        };
        match out.send(&mut self.stream) {
            Ok(Sent::Blocked { progressed }) => {
                if progressed {
                    self.since = Instant::now();
                }
                Some(Next::Wait)
            }
            Ok(Sent::All) if *close => {
                let _ = self.stream.shutdown(std::net::Shutdown::Write);
                self.input = Vec::new();
                self.enter(State::Draining { left: LINGER_BYTES });
                None
            }
            Ok(Sent::All) => {
                self.enter(State::Reading { started: None });
                None
            }
            Err(_) => Some(Next::Close),
        }
    }

    fn drain(&mut self) -> Option<Next> {
        let mut scratch = [0u8; CHUNK];
        loop {
            let State::Draining { left } = &mut self.state else {
                return None;
            };
            match self.stream.read(&mut scratch) {
                Ok(0) => return Some(Next::Close),
                Ok(n) if n >= *left => return Some(Next::Close),
                Ok(n) => *left -= n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Some(Next::Wait),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Some(Next::Close),
            }
        }
    }

    /// Reads once into `input`, never past a head's limit plus one byte
    /// (which is enough for `request::parse` to refuse it).
    fn fill(&mut self) -> Input {
        let mut chunk = [0u8; CHUNK];
        let room = (limits::HTTP_HEAD_BYTES + 1).saturating_sub(self.input.len());
        let want = room.clamp(1, CHUNK);
        loop {
            match self.stream.read(&mut chunk[..want]) {
                Ok(0) => return Input::Closed,
                Ok(n) => {
                    self.input.extend_from_slice(&chunk[..n]);
                    return Input::Bytes;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Input::Blocked,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Input::Closed,
            }
        }
    }

    /// Answers with an error and closes.
    fn refuse(&mut self, refusal: Refusal) {
        let response = Response::text(refusal.status, refusal.reason);
        self.start_writing(Outgoing::new(response, false, true), true);
    }

    fn start_writing(&mut self, out: Outgoing, close: bool) {
        self.enter(State::Writing { out, close });
    }

    fn enter(&mut self, state: State) {
        self.state = state;
        self.since = Instant::now();
    }
}

/// A response being sent: its head and in-memory body in `buf`, a file
/// body read a chunk at a time.
struct Outgoing {
    buf: Vec<u8>,
    pos: usize,
    file: Option<(File, u64)>,
}

enum Sent {
    All,
    Blocked { progressed: bool },
}

impl Outgoing {
    /// `head_only`: the answer to `HEAD`, which has the length of the body
    /// but not the body.
    fn new(response: Response, head_only: bool, close: bool) -> Outgoing {
        let mut buf = format!(
            "HTTP/1.1 {} {}\r\n",
            response.status,
            reason(response.status)
        );
        for (name, value) in &response.headers {
            buf.push_str(&format!("{name}: {value}\r\n"));
        }
        buf.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
        if close {
            buf.push_str("Connection: close\r\n");
        }
        buf.push_str("\r\n");
        let mut buf = buf.into_bytes();
        let mut file = None;
        match response.body {
            _ if head_only => {}
            Body::Bytes(bytes) => buf.extend_from_slice(&bytes),
            Body::File(f, len) => file = Some((f, len)),
        }
        Outgoing { buf, pos: 0, file }
    }

    /// Writes until done or the socket would block. A file that shrank
    /// since it was opened (a rebuild) is an error: the length is sent.
    fn send(&mut self, stream: &mut TcpStream) -> std::io::Result<Sent> {
        let mut progressed = false;
        loop {
            if self.pos == self.buf.len() && !self.refill()? {
                return Ok(Sent::All);
            }
            match stream.write(&self.buf[self.pos..]) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.pos += n;
                    progressed = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    return Ok(Sent::Blocked { progressed });
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The next chunk of the file; `false` when everything is sent.
    fn refill(&mut self) -> std::io::Result<bool> {
        let Some((file, left)) = &mut self.file else {
            return Ok(false);
        };
        if *left == 0 {
            return Ok(false);
        }
        let want = (*left).min(CHUNK as u64) as usize;
        self.buf.resize(want, 0);
        self.pos = 0;
        let n = file.read(&mut self.buf)?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        self.buf.truncate(n);
        *left -= n as u64;
        Ok(true)
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}
