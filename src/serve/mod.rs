//! `folio serve`: builds the site, serves it on a local port and rebuilds
//! what changed whenever a source is saved; open pages reload themselves.
//!
//! Threads, whatever the number of clients: one connection thread owns
//! every socket (`server`: limits, timeouts, the connection cap); a few
//! HTTP workers answer requests from the output directory (`http`); one
//! rebuild thread owns the file watcher and the [`Workspace`] (so rebuilds
//! never overlap); one broadcaster holds the live-reload streams of open
//! pages (`live`). Output files are written atomically (temporary file and
//! rename), so a request never sees half a file, and a Ctrl-C at any moment
//! leaves a consistent output directory: the default SIGINT handling is
//! all the shutdown the command needs.

pub(crate) mod http;
pub(crate) mod live;
pub(crate) mod request;
pub(crate) mod server;
pub(crate) mod watch;
pub(crate) mod workspace;

use crate::config::ConfigError;
use crate::limits;
use http::Served;
use live::Live;
use server::{Server, Timeouts};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::Duration;
use thiserror::Error;
use watch::{Next, SourceDirs, Watcher};
pub use workspace::{Problem, Rebuild, Workspace};

/// Requests are short (files from disk); sockets, slow clients and event
/// streams never occupy a worker.
const WORKERS: usize = 4;

/// Quiet time that ends a burst of events. An editor's save (probe file,
/// backup rename, write, backup removal) sends its events within a
/// millisecond or two; a longer wait is felt on every save. A burst that
/// leaves a changed file missing waits a little longer (see `watch`), since
/// some editors delete a file before writing it anew.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(10);

/// Where progress lines go: stderr for the command line, a buffer in tests.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// How `folio serve` runs.
pub struct ServeOptions {
    /// The site root (where `folio.yml` is).
    pub(crate) root: PathBuf,
    /// The address to listen on; loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// How long the sources must be quiet before a rebuild starts: one
    /// rebuild per burst of events (an editor's save is several).
    pub(crate) debounce: Duration,
    /// Where progress lines go.
    pub log: Log,
    /// A connection with no request in progress is closed after this
    /// long ([`limits::HTTP_IDLE_TIMEOUT`]).
    pub idle_timeout: Duration,
    /// Time to send a whole request from its first byte
    /// ([`limits::HTTP_HEADER_TIMEOUT`]).
    pub request_timeout: Duration,
}

impl ServeOptions {
    /// Loopback, port 8000, 10 ms debounce, progress on stderr.
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8000,
            debounce: DEBOUNCE,
            log: Arc::new(|line: &str| eprintln!("{line}")),
            idle_timeout: limits::HTTP_IDLE_TIMEOUT,
            request_timeout: limits::HTTP_HEADER_TIMEOUT,
        }
    }
}

/// Why `folio serve` could not start (exit code 2).
#[derive(Debug, Error)]
pub enum ServeError {
    /// The site root does not exist or cannot be read.
    #[error("the site root {root} cannot be used: {source}")]
    Root {
        /// As given.
        root: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// `folio.yml` is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The first build could not start (configuration or output folder).
    #[error(transparent)]
    Site(#[from] crate::Error),
    #[error(
        "port {port} on {bind} is already in use; choose another with --port (for example --port {suggestion}), or --port 0 for any free port"
    )]
    /// Another program listens on the port.
    PortInUse {
        /// The address asked for.
        bind: IpAddr,
        /// The port asked for.
        port: u16,
        /// A port that was free when we looked.
        suggestion: u16,
    },
    #[error(
        "cannot listen on {addr}: {source}; choose another address with --bind or port with --port"
    )]
    /// Listening failed for another reason (address not local, permissions).
    Listen {
        /// The address and port asked for.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file watcher could not be set up.
    #[error("cannot watch the site for changes: {0}")]
    Watch(#[from] notify::Error),
    /// The HTTP server could not start.
    #[error("cannot start the server: {0}")]
    Start(std::io::Error),
}

/// A running preview server. Dropping it stops it.
pub struct ServerHandle {
    addr: SocketAddr,
    url: String,
    server: Server,
    served: Arc<Served>,
    stop_watching: Sender<watch::Message>,
    rebuilder: Option<JoinHandle<()>>,
    stopped: bool,
}

impl ServerHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where to open the preview: `http://127.0.0.1:8000/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Open live-reload streams (open pages).
    pub fn live_clients(&self) -> usize {
        self.served.live.clients()
    }

    /// Blocks while the server runs (the command line's main thread).
    pub fn wait(mut self) {
        self.server.wait();
    }

    /// Stops watching, lets a running rebuild finish, closes the event
    /// streams and the listener.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if std::mem::replace(&mut self.stopped, true) {
            return;
        }
        let _ = self.stop_watching.send(watch::Message::Stop);
        if let Some(rebuilder) = self.rebuilder.take() {
            let _ = rebuilder.join();
        }
        self.served.live.stop();
        self.server.stop();
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Builds the site, starts watching and serving; returns once requests
/// are answered.
pub fn start(options: ServeOptions) -> Result<ServerHandle, ServeError> {
    let log = options.log.clone();
    // Absolute, so watcher events and configured paths compare equal.
    let root = options
        .root
        .canonicalize()
        .map_err(|source| ServeError::Root {
            root: options.root.display().to_string(),
            source,
        })?;
    let listener = listen(options.bind, options.port)?;
    let addr = listener.local_addr().map_err(ServeError::Start)?;
    let url = format!("http://{}/", browsable(addr));

    // Watch before the first build, so saves made during it are not lost.
    let config = crate::load_config(&root, None)?;
    let (watcher, stop_watching) = Watcher::new(SourceDirs::of(&config))?;
    let (mut workspace, mut first) = Workspace::open(&root, &url)?;
    workspace.check(&mut first);
    report(&log, &first);

    let live = Live::start().map_err(ServeError::Start)?;
    live.publish_reload(&first);
    live.publish_problems(&first);
    let served = Arc::new(Served::new(
        workspace.output_dir().to_path_buf(),
        live,
        options.bind,
    ));
    let timeouts = Timeouts {
        idle: options.idle_timeout,
        request: options.request_timeout,
    };
    let server = match Server::start(listener, served.clone(), timeouts, WORKERS) {
        Ok(server) => server,
        Err(e) => {
            served.live.stop();
            return Err(ServeError::Start(e));
        }
    };
    let mut handle = ServerHandle {
        addr,
        url,
        server,
        served: served.clone(),
        stop_watching,
        rebuilder: None,
        stopped: false,
    };
    let debounce = options.debounce;
    let rebuilder = std::thread::Builder::new()
        .name("folio-rebuild".into())
        .spawn(move || rebuild_on_change(workspace, watcher, &served, &log, debounce))
        .map_err(ServeError::Start)?;
    handle.rebuilder = Some(rebuilder);

    if !options.bind.is_loopback() {
        (options.log)(&format!(
            "warning: listening on {}: the preview is reachable from the network by anyone who can reach this machine",
            handle.addr
        ));
    }
    (options.log)(&format!("serving {} (Ctrl-C to stop)", handle.url));
    Ok(handle)
}

/// Opens `url` in the desktop's browser.
pub fn open_in_browser(url: &str) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let mut child = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reaped in the background: the opener may run as long as the browser.
    std::thread::spawn(move || child.wait());
    Ok(())
}

fn listen(bind: IpAddr, port: u16) -> Result<TcpListener, ServeError> {
    let addr = SocketAddr::new(bind, port);
    TcpListener::bind(addr).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            ServeError::PortInUse {
                bind,
                port,
                suggestion: port.checked_add(1).unwrap_or(8000),
            }
        } else {
            ServeError::Listen { addr, source }
        }
    })
}

/// An address a browser on this machine can open: the wildcard addresses
/// are not, their loopback counterparts are.
fn browsable(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("{}:{}", Ipv4Addr::LOCALHOST, addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            format!("[{}]:{}", Ipv6Addr::LOCALHOST, addr.port())
        }
        _ => addr.to_string(),
    }
}

/// The rebuild thread: one rebuild per burst of changes. Open pages are
/// told to reload as soon as the files are written; the checks run after,
/// and give way to the next burst: a save that arrives while they run is
/// rebuilt and reloaded first, and the checks that follow cover both.
fn rebuild_on_change(
    mut workspace: Workspace,
    mut watcher: Watcher,
    served: &Served,
    log: &Log,
    debounce: Duration,
) {
    // The last rebuild, while its checks have not run to the end.
    let mut unchecked: Option<Rebuild> = None;
    loop {
        let idle = unchecked.as_ref().map(|_| debounce);
        match watcher.next(debounce, idle) {
            Next::Stopped => return,
            Next::Idle => {}
            Next::Changes(changes) => {
                let Some(rebuild) = guarded(log, &mut workspace, |w| w.apply(&changes)) else {
                    continue;
                };
                if let Err(e) = watcher.sync(SourceDirs::of(workspace.config())) {
                    log(&format!("warning: cannot watch the site for changes: {e}"));
                }
                served.set_out_dir(workspace.output_dir());
                served.live.publish_reload(&rebuild);
                if let Some(earlier) = unchecked.replace(rebuild) {
                    report(log, &earlier);
                }
            }
        }
        let Some(mut rebuild) = unchecked.take() else {
            continue;
        };
        let newer = watcher.pending();
        match guarded(log, &mut workspace, |w| {
            w.check_unless(&mut rebuild, &newer)
        }) {
            Some(true) => {
                report(log, &rebuild);
                served.live.publish_problems(&rebuild);
            }
            Some(false) => unchecked = Some(rebuild),
            None => {}
        }
    }
}

/// Runs a step of a rebuild; a panic is a bug in Folio, not the author's
/// mistake, and the server must outlive it. The model may be half updated
/// then, so it is rebuilt from the disk.
fn guarded<T>(
    log: &Log,
    workspace: &mut Workspace,
    step: impl FnOnce(&mut Workspace) -> T,
) -> Option<T> {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    match catch_unwind(AssertUnwindSafe(|| step(workspace))) {
        Ok(result) => Some(result),
        Err(_) => {
            log("internal error while rebuilding; reloading the whole site");
            let _ = catch_unwind(AssertUnwindSafe(|| workspace.rebuild_everything()));
            None
        }
    }
}

fn report(log: &Log, rebuild: &Rebuild) {
    for line in &rebuild.report {
        log(line);
    }
    log(&rebuild.summary());
}
