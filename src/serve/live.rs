//! Live reload: the script every served page gets, and the Server-Sent
//! Events stream that tells open pages to reload or to show problems.
//!
//! Event streams are not kept on request threads: each one is handed to a
//! single broadcaster thread that writes every event to every client and
//! drops those that went away, so open tabs never occupy the workers that
//! answer normal requests.
//!
//! Events (`data` is JSON):
//! - `hello` on connect: `{generation, problems, stale}`. A page served at
//!   another generation reloads (it missed a rebuild, e.g. while hidden).
//! - `reload` as soon as a rebuild has written files: `{generation, paths}`.
//! - `errors` after every rebuild, once its checks ran: `{problems, stale}`;
//!   an empty list clears the overlay.

use super::workspace::Rebuild;
use serde::Serialize;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The event stream's URL path.
pub(crate) const EVENTS_PATH: &str = "/__folio/events";
/// The client script's URL path.
pub(crate) const SCRIPT_PATH: &str = "/__folio/live.js";
/// The client script: reload, scroll position, problem overlay.
pub(crate) const SCRIPT: &str = include_str!("live.js");

/// Open event streams are bounded: each costs a connection thread in the
/// HTTP library.
const MAX_CLIENTS: usize = 256;
/// An idle stream gets a comment this often, which finds closed tabs.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// More changed paths than this are sent as `*` (every page reloads).
const MAX_PATHS: usize = 200;

const STREAM_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\n\
Content-Type: text/event-stream; charset=utf-8\r\n\
Cache-Control: no-store\r\n\
X-Content-Type-Options: nosniff\r\n\
Connection: close\r\n\r\n";

/// The live-reload hub shared by the HTTP workers and the rebuild loop.
pub(crate) struct Live {
    shared: Arc<Shared>,
    commands: Sender<Command>,
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
    Connect(Box<dyn Write + Send>),
    Send(String),
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
        let (commands, queue) = channel();
        let broadcaster = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("folio-live".into())
                .spawn(move || broadcast(&shared, &queue))?
        };
        Ok(Live {
            shared,
            commands,
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

    pub(crate) fn accepts_client(&self) -> bool {
        self.clients() < MAX_CLIENTS
    }

    /// Hands an accepted event-stream request's connection to the
    /// broadcaster, which writes the response head and the `hello` event.
    pub(crate) fn connect(&self, connection: Box<dyn Write + Send>) {
        let _ = self.commands.send(Command::Connect(connection));
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
        let _ = self.commands.send(Command::Send(reload));
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
        let _ = self.commands.send(Command::Send(errors));
    }

    /// Closes every event stream and stops the broadcaster.
    pub(crate) fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
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

    fn hello(&self) -> String {
        let state = self.state();
        // `retry`: reconnect soon after the server restarts.
        format!(
            "retry: 1000\n{}",
            event(
                "hello",
                &Hello {
                    generation: state.generation(),
                    problems: &state.problems,
                    stale: state.stale,
                },
            )
        )
    }
}

fn event(name: &str, data: &impl Serialize) -> String {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    format!("event: {name}\ndata: {json}\n\n")
}

/// The broadcaster thread: owns every open stream.
fn broadcast(shared: &Shared, commands: &Receiver<Command>) {
    let mut clients: Vec<Box<dyn Write + Send>> = Vec::new();
    loop {
        let message = match commands.recv_timeout(HEARTBEAT) {
            Ok(Command::Connect(mut client)) => {
                let hello = shared.hello();
                if send(&mut client, STREAM_HEAD)
                    .and_then(|()| send(&mut client, hello.as_bytes()))
                    .is_ok()
                {
                    clients.push(client);
                }
                shared.clients.store(clients.len(), Ordering::Relaxed);
                continue;
            }
            Ok(Command::Send(text)) => text,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Ok(Command::Stop) | Err(RecvTimeoutError::Disconnected) => break,
        };
        clients.retain_mut(|c| send(c, message.as_bytes()).is_ok());
        shared.clients.store(clients.len(), Ordering::Relaxed);
    }
    shared.clients.store(0, Ordering::Relaxed);
}

fn send(client: &mut Box<dyn Write + Send>, bytes: &[u8]) -> std::io::Result<()> {
    client.write_all(bytes)?;
    client.flush()
}
