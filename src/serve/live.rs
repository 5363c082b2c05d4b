//! Live reload: the script every served page gets, and the Server-Sent
//! Events stream that tells open pages to reload or to show problems.
//!
//! Event streams are not kept on request threads: each one is handed to a
//! single broadcaster thread that polls them (non-blocking, mio) and writes
//! every event to every client. A stream whose client closes it is dropped
//! as soon as the close arrives (the poll reports it), so a page that
//! reloads finds its old stream gone and its place free; one that stops
//! reading is dropped once [`limits::LIVE_STREAM_BYTES`] wait for it.
//! Past [`limits::LIVE_STREAMS`] a new stream is answered with `retry:`
//! and closed, so the browser tries again later: never a 503, after which
//! `EventSource` would give up for good.
//!
//! Events (`data` is JSON):
//! - `hello` on connect: `{generation, problems, stale}`. A page served at
//!   another generation reloads (it missed a rebuild, e.g. while hidden).
//! - `reload` as soon as a rebuild has written files: `{generation, paths}`.
//! - `errors` after every rebuild, once its checks ran: `{problems, stale}`;
//!   an empty list clears the overlay.

use super::workspace::Rebuild;
use crate::limits;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The event stream's URL path.
pub(crate) const EVENTS_PATH: &str = "/__folio/events";
/// The client script's URL path.
pub(crate) const SCRIPT_PATH: &str = "/__folio/live.js";
/// The client script: reload, scroll position, problem overlay.
pub(crate) const SCRIPT: &str = include_str!("live.js");

/// An idle stream gets a comment this often: proxies keep it open, and a
/// client gone without closing (a sleeping laptop) fails the write.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// More changed paths than this are sent as `*` (every page reloads).
const MAX_PATHS: usize = 200;
/// How long a browser waits before reconnecting a dropped stream.
const RETRY_MS: u32 = 1000;
/// The same, when every place is taken.
const BUSY_RETRY_MS: u32 = 10_000;
const WAKER: Token = Token(0);

const STREAM_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\n\
Content-Type: text/event-stream; charset=utf-8\r\n\
Cache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\n\
Connection: close\r\n\r\n";

/// The live-reload hub shared by the HTTP workers and the rebuild loop.
pub(crate) struct Live {
    shared: Arc<Shared>,
    commands: Sender<Command>,
    waker: Arc<Waker>,
    broadcaster: Mutex<Option<JoinHandle<()>>>,
}

struct Shared {
    state: Mutex<State>,
    clients: AtomicUsize,
}

struct State {
    /// Distinguishes this server from an earlier one on the same port.
    instance: u64,
    /// Counts rebuilds that changed files.
    rebuilds: u64,
    problems: Vec<String>,
    stale: bool,
}

impl State {
    fn generation(&self) -> String {
        format!("{:x}-{}", self.instance, self.rebuilds)
    }
}

enum Command {
    Connect(TcpStream),
    /// An event for every stream, written once and shared.
    Send(Arc<[u8]>),
    Stop,
}

#[derive(Serialize)]
struct Hello<'a> {
    generation: String,
    problems: &'a [String],
    stale: bool,
}

#[derive(Serialize)]
struct Errors<'a> {
    problems: &'a [String],
    stale: bool,
}

#[derive(Serialize)]
struct Reload<'a> {
    generation: String,
    paths: &'a [String],
}

impl Live {
    pub(crate) fn start() -> std::io::Result<Live> {
        let instance = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                instance,
                rebuilds: 0,
                problems: Vec::new(),
                stale: false,
            }),
            clients: AtomicUsize::new(0),
        });
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let (commands, queue) = channel();
        let broadcaster = Broadcaster {
            poll,
            queue,
            shared: shared.clone(),
            streams: HashMap::new(),
            next: 1,
        };
        let broadcaster = std::thread::Builder::new()
            .name("folio-live".into())
            .spawn(move || broadcaster.run())?;
        Ok(Live {
            shared,
            commands,
            waker,
            broadcaster: Mutex::new(Some(broadcaster)),
        })
    }

    /// The generation a page served now belongs to.
    pub(crate) fn generation(&self) -> String {
        self.shared.state().generation()
    }

    /// Open event streams.
    pub(crate) fn clients(&self) -> usize {
        self.shared.clients.load(Ordering::Relaxed)
    }

    /// Hands the connection of an event-stream request (its head read) to
    /// the broadcaster, which writes the response head and the `hello`
    /// event.
    pub(crate) fn connect(&self, connection: TcpStream) {
        self.command(Command::Connect(connection));
    }

    fn command(&self, command: Command) {
        if self.commands.send(command).is_ok() {
            let _ = self.waker.wake();
        }
    }

    /// Right after a rebuild wrote its files: open pages showing one of
    /// them reload. Pages loaded from now on start with the problems known
    /// so far; the checks' findings follow in [`Live::publish_problems`].
    pub(crate) fn publish_reload(&self, rebuild: &Rebuild) {
        let mut state = self.shared.state();
        state.problems = rebuild.problems.iter().map(ToString::to_string).collect();
        state.stale = rebuild.stale;
        if rebuild.changed.is_empty() {
            return;
        }
        state.rebuilds += 1;
        let all = ["*".to_string()];
        let paths = if rebuild.changed.len() > MAX_PATHS {
            &all[..]
        } else {
            &rebuild.changed[..]
        };
        let reload = event(
            "reload",
            &Reload {
                generation: state.generation(),
                paths,
            },
        );
        self.command(Command::Send(reload.into_bytes().into()));
    }

    /// After the checks: what the overlay lists (an empty list clears it).
    pub(crate) fn publish_problems(&self, rebuild: &Rebuild) {
        let mut state = self.shared.state();
        state.problems = rebuild.problems.iter().map(ToString::to_string).collect();
        state.stale = rebuild.stale;
        let errors = event(
            "errors",
            &Errors {
                problems: &state.problems,
                stale: state.stale,
            },
        );
        self.command(Command::Send(errors.into_bytes().into()));
    }

    /// Closes every event stream and stops the broadcaster.
    pub(crate) fn stop(&self) {
        self.command(Command::Stop);
        let handle = self
            .broadcaster
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The response head and the first event of a new stream; `retry`
    /// makes the browser reconnect soon after the server restarts.
    fn hello(&self) -> Arc<[u8]> {
        let state = self.state();
        let hello = event(
            "hello",
            &Hello {
                generation: state.generation(),
                problems: &state.problems,
                stale: state.stale,
            },
        );
        let mut bytes = STREAM_HEAD.to_vec();
        bytes.extend_from_slice(format!("retry: {RETRY_MS}\n{hello}").as_bytes());
        bytes.into()
    }
}

fn event(name: &str, data: &impl Serialize) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    format!("event: {name}\ndata: {json}\n\n")
}

/// One open stream: its socket and the events not yet written to it
/// (shared with the other streams), the first one `sent` bytes in.
struct Stream {
    socket: TcpStream,
    queue: VecDeque<Arc<[u8]>>,
    sent: usize,
    queued: usize,
}

impl Stream {
    /// Queues `bytes` and writes what the socket takes; `false` if the
    /// client is gone or stopped reading.
    fn send(&mut self, bytes: Arc<[u8]>) -> bool {
        if self.queued > limits::LIVE_STREAM_BYTES {
            return false;
        }
        self.queued += bytes.len();
        self.queue.push_back(bytes);
        self.flush()
    }

    /// Writes queued bytes until the socket would block.
    fn flush(&mut self) -> bool {
        while let Some(front) = self.queue.front() {
            match self.socket.write(&front[self.sent..]) {
                Ok(0) => return false,
                Ok(n) => {
                    self.sent += n;
                    self.queued -= n;
                    if self.sent == front.len() {
                        self.queue.pop_front();
                        self.sent = 0;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        true
    }

    /// Whether the client still listens: a browser sends nothing on an
    /// event stream, so a close, an error or any data ends it.
    fn alive(&mut self) -> bool {
        let mut byte = [0u8; 64];
        loop {
            match self.socket.read(&mut byte) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                _ => return false,
            }
        }
    }
}

/// The broadcaster thread: owns every open stream.
struct Broadcaster {
    poll: Poll,
    queue: Receiver<Command>,
    shared: Arc<Shared>,
    streams: HashMap<Token, Stream>,
    next: usize,
}

impl Broadcaster {
    fn run(mut self) {
        let mut events = Events::with_capacity(256);
        let mut heartbeat = Instant::now() + HEARTBEAT;
        loop {
            let wait = heartbeat.saturating_duration_since(Instant::now());
            if let Err(e) = self.poll.poll(&mut events, Some(wait)) {
                if e.kind() != ErrorKind::Interrupted {
                    break;
                }
            }
            // Closes first, so that a page reloading frees its place
            // before its new stream asks for one.
            for event in events.iter().filter(|e| e.token() != WAKER) {
                self.ready(event);
            }
            if !self.commands() {
                break;
            }
            if Instant::now() >= heartbeat {
                self.broadcast(Arc::from(&b": keep-alive\n\n"[..]));
                heartbeat = Instant::now() + HEARTBEAT;
            }
            self.shared
                .clients
                .store(self.streams.len(), Ordering::Relaxed);
        }
        self.shared.clients.store(0, Ordering::Relaxed);
    }

    /// A stream's socket changed: the client closed it (or sent
    /// something, which no browser does), or it takes more bytes.
    fn ready(&mut self, event: &mio::event::Event) {
        let token = event.token();
        let Some(stream) = self.streams.get_mut(&token) else {
            return;
        };
        let input = event.is_readable() || event.is_read_closed() || event.is_error();
        let gone = (input && !stream.alive()) || (event.is_writable() && !stream.flush());
        if gone {
            self.drop_stream(token);
        }
    }

    /// Carries out the waiting commands; `false` once told to stop.
    fn commands(&mut self) -> bool {
        loop {
            match self.queue.try_recv() {
                Ok(Command::Connect(socket)) => self.connect(socket),
                Ok(Command::Send(bytes)) => self.broadcast(bytes),
                Ok(Command::Stop) | Err(TryRecvError::Disconnected) => return false,
                Err(TryRecvError::Empty) => return true,
            }
        }
    }

    fn connect(&mut self, mut socket: TcpStream) {
        if self.streams.len() >= limits::LIVE_STREAMS {
            // Closes not reported yet.
            let gone: Vec<Token> = self
                .streams
                .iter_mut()
                .filter_map(|(token, stream)| (!stream.alive()).then_some(*token))
                .collect();
            for token in gone {
                self.drop_stream(token);
            }
        }
        if self.streams.len() >= limits::LIVE_STREAMS {
            let busy = format!(
                "retry: {BUSY_RETRY_MS}\n: too many open live-reload streams; try again later\n\n"
            );
            let _ = socket.write_all(&[STREAM_HEAD, busy.as_bytes()].concat());
            return;
        }
        let token = Token(self.next);
        self.next += 1;
        let interest = Interest::READABLE | Interest::WRITABLE;
        if self
            .poll
            .registry()
            .register(&mut socket, token, interest)
            .is_err()
        {
            return;
        }
        let mut stream = Stream {
            socket,
            queue: VecDeque::new(),
            sent: 0,
            queued: 0,
        };
        if stream.send(self.shared.hello()) {
            self.streams.insert(token, stream);
        } else {
            let _ = self.poll.registry().deregister(&mut stream.socket);
        }
    }

    fn broadcast(&mut self, bytes: Arc<[u8]>) {
        let gone: Vec<Token> = self
            .streams
            .iter_mut()
            .filter_map(|(token, stream)| (!stream.send(bytes.clone())).then_some(*token))
            .collect();
        for token in gone {
            self.drop_stream(token);
        }
    }

    fn drop_stream(&mut self, token: Token) {
        if let Some(mut stream) = self.streams.remove(&token) {
            let _ = self.poll.registry().deregister(&mut stream.socket);
        }
    }
}
