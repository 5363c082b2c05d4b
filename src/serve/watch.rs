//! Watching the site's sources and turning bursts of file system events
//! into one batch of changes.
//!
//! Folders are watched, never single files: editors save by writing a new
//! file and renaming it over the old one, which a watch on the old file
//! would not survive. What happened to a path is not taken from the event
//! kind either (create, modify, rename and remove arrive in editor-specific
//! orders); the workspace looks at the disk when it applies a batch.

use crate::config::{CONFIG_FILE, Config};
use notify::event::ModifyKind;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

/// A burst longer than this is cut into several rebuilds, so a tool that
/// keeps writing does not hold back the preview forever.
const LONGEST_BURST: Duration = Duration::from_secs(1);

/// How much longer a burst is awaited when a file it changed is missing:
/// editors that delete a file and then write it anew leave such a moment,
/// and a page taken for deleted would be removed and then rebuilt.
const MISSING_GRACE: Duration = Duration::from_millis(50);

/// What one burst of events changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Content-relative paths of files or folders that were created,
    /// modified, deleted or renamed; `""` is the whole content directory.
    pub(crate) content: BTreeSet<String>,
    pub(crate) templates: bool,
    pub(crate) theme: bool,
    pub(crate) config: bool,
    /// Events were lost (the kernel queue overflowed): look at everything again.
    pub(crate) rescan: bool,
}

impl Changes {
    pub(crate) fn is_empty(&self) -> bool {
        self.content.is_empty() && !self.needs_full_rebuild()
    }

    /// Templates, theme and `folio.yml` reach every page.
    pub(crate) fn needs_full_rebuild(&self) -> bool {
        self.templates || self.theme || self.config || self.rescan
    }

    /// Adds another batch's changes.
    fn merge(&mut self, other: Changes) {
        self.content.extend(other.content);
        self.templates |= other.templates;
        self.theme |= other.theme;
        self.config |= other.config;
        self.rescan |= other.rescan;
    }

    fn add(&mut self, change: Change) {
        match change {
            Change::Content(rel) => {
                self.content.insert(rel);
            }
            Change::Templates => self.templates = true,
            Change::Theme => self.theme = true,
            Change::Config => self.config = true,
        }
    }
}

/// What a changed path is to the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    /// Content-relative path (`""`: the content directory itself).
    Content(String),
    Templates,
    Theme,
    Config,
}

/// Where a site's sources and output live, as absolute paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SourceDirs {
    pub(crate) root: PathBuf,
    pub(crate) content: PathBuf,
    pub(crate) output: PathBuf,
}

impl SourceDirs {
    pub(crate) fn of(config: &Config) -> SourceDirs {
        SourceDirs {
            root: config.root.clone(),
            content: config.content_dir.clone(),
            output: config.output_dir.clone(),
        }
    }

    fn templates(&self) -> PathBuf {
        self.root.join("templates")
    }

    fn theme(&self) -> PathBuf {
        self.root.join("theme")
    }

    /// What a changed path means; `None` for paths Folio does not read:
    /// the output directory (our own writes), hidden files, editor backup,
    /// swap and lock files, and anything else in the site root.
    pub(crate) fn classify(&self, path: &Path) -> Option<Change> {
        if path.starts_with(&self.output) {
            return None;
        }
        if path == self.root.join(CONFIG_FILE) {
            return Some(Change::Config);
        }
        for (dir, change) in [
            (self.templates(), Change::Templates),
            (self.theme(), Change::Theme),
        ] {
            if let Ok(rel) = path.strip_prefix(&dir) {
                return is_source_path(&crate::paths::to_slash(rel)).then_some(change);
            }
        }
        let rel = crate::paths::to_slash(path.strip_prefix(&self.content).ok()?);
        (rel.is_empty() || is_source_path(&rel)).then_some(Change::Content(rel))
    }

    /// The folders to watch and how: the root only for `folio.yml` (and for
    /// `templates/` or `theme/` appearing), the others with everything in them.
    fn watches(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut watches = Vec::new();
        if self.content != self.root {
            watches.push((self.root.clone(), RecursiveMode::NonRecursive));
        }
        for dir in [self.content.clone(), self.templates(), self.theme()] {
            if dir.is_dir() && !watches.iter().any(|(w, _)| *w == dir) {
                watches.push((dir, RecursiveMode::Recursive));
            }
        }
        watches
    }
}

/// A relative path Folio may read: no hidden segment, not an editor leftover.
fn is_source_path(rel: &str) -> bool {
    !crate::paths::is_ignored_file(rel)
}

fn is_not_found(e: &notify::Error) -> bool {
    match &e.kind {
        notify::ErrorKind::PathNotFound => true,
        notify::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

/// What reaches the watcher's queue.
#[derive(Debug)]
pub(crate) enum Message {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// What [`Watcher::next`] saw.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// A burst of changes is over.
    Changes(Changes),
    /// Nothing changed for the time given.
    Idle,
    /// The watcher was stopped.
    Stopped,
}

pub(crate) struct Watcher {
    notify: RecommendedWatcher,
    events: Receiver<Message>,
    /// File system events (other than reads) sent so far.
    sent: Arc<AtomicU64>,
    /// [`Watcher::sent`] when the last batch was handed out.
    handed: u64,
    dirs: SourceDirs,
    watched: Vec<(PathBuf, RecursiveMode)>,
    /// Watched folders that were themselves deleted or replaced: their
    /// kernel watch is gone, so they are watched again after the batch.
    stale: BTreeSet<PathBuf>,
}

impl Watcher {
    /// Starts watching; the sender stops [`Watcher::next_batch`] with [`Message::Stop`].
    pub(crate) fn new(dirs: SourceDirs) -> notify::Result<(Watcher, Sender<Message>)> {
        let (tx, events) = channel();
        let forward = tx.clone();
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let notify = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if !event
                .as_ref()
                .is_ok_and(|e| matches!(e.kind, EventKind::Access(_)))
            {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            let _ = forward.send(Message::Fs(event));
        })?;
        let mut watcher = Watcher {
            notify,
            events,
            sent,
            handed: 0,
            dirs: dirs.clone(),
            watched: Vec::new(),
            stale: BTreeSet::new(),
        };
        watcher.sync(dirs)?;
        Ok((watcher, tx))
    }

    /// Watches the folders of `dirs` that exist (again); call after every
    /// batch, since `templates/` may have appeared or `folio.yml` may have
    /// moved the content directory.
    pub(crate) fn sync(&mut self, dirs: SourceDirs) -> notify::Result<()> {
        let wanted = dirs.watches();
        let stale = std::mem::take(&mut self.stale);
        for (dir, mode) in std::mem::take(&mut self.watched) {
            if wanted.contains(&(dir.clone(), mode)) && !stale.contains(&dir) {
                self.watched.push((dir, mode));
            } else {
                // The folder may be gone already; nothing to undo then.
                let _ = self.notify.unwatch(&dir);
            }
        }
        for (dir, mode) in wanted {
            if self.watched.contains(&(dir.clone(), mode)) {
                continue;
            }
            match self.notify.watch(&dir, mode) {
                Ok(()) => self.watched.push((dir, mode)),
                // Deleted between the check and the watch: the next batch retries.
                Err(e) if is_not_found(&e) => {}
                Err(e) => return Err(e),
            }
        }
        self.dirs = dirs;
        Ok(())
    }

    /// Blocks until a burst of changes is over: `quiet` without a relevant
    /// event, or one second after it began. `None` once stopped.
    #[cfg(test)]
    pub(crate) fn next_batch(&mut self, quiet: Duration) -> Option<Changes> {
        match self.next(quiet, None) {
            Next::Changes(changes) => Some(changes),
            Next::Idle | Next::Stopped => None,
        }
    }

    /// The next burst of changes, as [`Watcher::next_batch`]; with `idle`,
    /// [`Next::Idle`] when no change began within it.
    pub(crate) fn next(&mut self, quiet: Duration, idle: Option<Duration>) -> Next {
        let Watcher {
            events,
            dirs,
            watched,
            stale,
            ..
        } = self;
        let mut add = |changes: &mut Changes, event: notify::Result<notify::Event>| {
            if let Ok(e) = &event {
                stale.extend(replaced_folders(e, watched));
            }
            add(dirs, changes, event);
        };
        let mut next = gather(events, quiet, idle, &mut add);
        if let Next::Changes(changes) = &mut next {
            let missing = |rel: &String| !dirs.content.join(rel).exists();
            if changes.content.iter().any(missing) {
                match gather(events, quiet, Some(MISSING_GRACE), &mut add) {
                    Next::Changes(more) => changes.merge(more),
                    Next::Idle => {}
                    Next::Stopped => next = Next::Stopped,
                }
            }
        }
        self.handed = self.sent.load(Ordering::SeqCst);
        next
    }

    /// Have file system events arrived since the last [`Watcher::next`]
    /// returned? (Perhaps only leftovers of its burst: the next call
    /// tells.) Safe to ask from any thread.
    pub(crate) fn pending(&self) -> impl Fn() -> bool + Sync + use<> {
        let (sent, handed) = (self.sent.clone(), self.handed);
        move || sent.load(Ordering::SeqCst) != handed
    }
}

/// Watched folders that `event` says were deleted or replaced (created,
/// renamed), so that their kernel watch is gone. Reading a folder (ours:
/// every walk of the content folder opens it) or changing its metadata
/// is no reason to watch it anew: that drops the watch for a moment, and
/// saves made in that moment were lost (`scripts/soak` found it).
fn replaced_folders<'a>(
    event: &'a notify::Event,
    watched: &'a [(PathBuf, RecursiveMode)],
) -> impl Iterator<Item = PathBuf> + 'a {
    let replaced = matches!(
        event.kind,
        EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(_))
            | EventKind::Any
            | EventKind::Other
    );
    event
        .paths
        .iter()
        .filter(move |p| replaced && watched.iter().any(|(dir, _)| dir == *p))
        .cloned()
}

/// Waits for the first event that changes something (for at most `idle`,
/// if given), then collects until `quiet` passes without an event (or the
/// burst gets too long).
fn gather(
    events: &Receiver<Message>,
    quiet: Duration,
    idle: Option<Duration>,
    mut add: impl FnMut(&mut Changes, notify::Result<notify::Event>),
) -> Next {
    let mut changes = Changes::default();
    let deadline = idle.map(|idle| Instant::now() + idle);
    while changes.is_empty() {
        let message = match deadline {
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match message {
            Ok(Message::Fs(event)) => add(&mut changes, event),
            Err(RecvTimeoutError::Timeout) => return Next::Idle,
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return Next::Stopped,
        }
    }
    let began = Instant::now();
    loop {
        let wait = quiet.min(LONGEST_BURST.saturating_sub(began.elapsed()));
        if wait.is_zero() {
            return Next::Changes(changes);
        }
        match events.recv_timeout(wait) {
            Ok(Message::Fs(event)) => add(&mut changes, event),
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return Next::Stopped,
            Err(RecvTimeoutError::Timeout) => return Next::Changes(changes),
        }
    }
}

/// Adds what one event means for the site.
fn add(dirs: &SourceDirs, changes: &mut Changes, event: notify::Result<notify::Event>) {
    let event = match event {
        Ok(e) => e,
        // An error from the watcher (typically lost events): trust nothing.
        Err(_) => {
            changes.rescan = true;
            return;
        }
    };
    if event.need_rescan() {
        changes.rescan = true;
    }
    // Opening and reading files (our own reads included) changes nothing.
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    for path in &event.paths {
        if let Some(change) = dirs.classify(path) {
            changes.add(change);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirs() -> SourceDirs {
        SourceDirs {
            root: "/site".into(),
            content: "/site/content".into(),
            output: "/site/public".into(),
        }
    }

    #[test]
    fn paths_are_classified_by_where_they_are() {
        let d = dirs();
        let c = |p: &str| d.classify(Path::new(p));
        assert_eq!(c("/site/folio.yml"), Some(Change::Config));
        assert_eq!(c("/site/templates/page.html"), Some(Change::Templates));
        assert_eq!(c("/site/templates"), Some(Change::Templates));
        assert_eq!(c("/site/theme/folio.css"), Some(Change::Theme));
        assert_eq!(
            c("/site/content/en/a.md"),
            Some(Change::Content("en/a.md".into()))
        );
        assert_eq!(c("/site/content"), Some(Change::Content(String::new())));
        assert_eq!(c("/site/public/en/a/index.html"), None);
        assert_eq!(c("/site/README.md"), None);
        assert_eq!(c("/site/folio.yml.swp"), None);
    }

    #[test]
    fn editor_leftovers_and_hidden_files_are_ignored() {
        let d = dirs();
        for p in [
            "/site/content/en/a.md~",
            "/site/content/en/.a.md.swp",
            "/site/content/en/.#a.md",
            "/site/content/en/4913",
            "/site/content/.git/index",
            "/site/templates/.page.html.swp",
            "/site/theme/folio.css~",
        ] {
            assert_eq!(d.classify(Path::new(p)), None, "{p}");
        }
    }

    #[test]
    fn output_inside_content_root_is_ignored() {
        let d = SourceDirs {
            root: "/site".into(),
            content: "/site".into(),
            output: "/site/public".into(),
        };
        assert_eq!(d.classify(Path::new("/site/public/index.html")), None);
        assert_eq!(
            d.classify(Path::new("/site/templates/base.html")),
            Some(Change::Templates)
        );
        assert_eq!(
            d.classify(Path::new("/site/en/a.md")),
            Some(Change::Content("en/a.md".into()))
        );
    }

    #[test]
    fn only_a_deleted_renamed_or_new_folder_is_watched_anew() {
        use notify::event::{
            AccessKind, AccessMode, CreateKind, MetadataKind, RemoveKind, RenameMode,
        };
        let watched = [(PathBuf::from("/site/content"), RecursiveMode::Recursive)];
        let replaced = |kind: EventKind, path: &str| {
            let e = notify::Event::new(kind).add_path(path.into());
            replaced_folders(&e, &watched).count() > 0
        };
        assert!(replaced(
            EventKind::Remove(RemoveKind::Folder),
            "/site/content"
        ));
        assert!(replaced(
            EventKind::Create(CreateKind::Folder),
            "/site/content"
        ));
        assert!(replaced(
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            "/site/content"
        ));
        assert!(!replaced(
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            "/site/content"
        ));
        assert!(!replaced(
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            "/site/content"
        ));
        assert!(!replaced(
            EventKind::Remove(RemoveKind::File),
            "/site/content/en/a.md"
        ));
    }

    /// The real watcher: a walk of the content folder (every rebuild of
    /// everything does one) opens it, which is no replacement of it.
    #[test]
    fn reading_the_content_folder_keeps_its_watch() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/en")).unwrap();
        std::fs::write(root.join("content/en/a.md"), "# A\n").unwrap();
        let dirs = SourceDirs {
            root: root.clone(),
            content: root.join("content"),
            output: root.join("public"),
        };
        let (mut watcher, _stop) = Watcher::new(dirs).unwrap();
        let _ = std::fs::read_dir(root.join("content")).unwrap().count();
        std::fs::write(root.join("content/en/a.md"), "# A, edited\n").unwrap();
        let changes = watcher.next_batch(Duration::from_millis(100)).unwrap();
        assert!(changes.content.contains("en/a.md"), "{changes:?}");
        assert!(watcher.stale.is_empty(), "{:?}", watcher.stale);

        std::fs::rename(root.join("content"), root.join("old")).unwrap();
        std::fs::create_dir_all(root.join("content/en")).unwrap();
        let changes = watcher.next_batch(Duration::from_millis(100)).unwrap();
        assert!(changes.content.contains(""), "{changes:?}");
        assert!(watcher.stale.contains(&root.join("content")));
    }

    /// An editor that deletes a page and writes it anew a little later
    /// makes one batch, not a deletion and then a new page.
    #[test]
    fn a_file_deleted_and_written_anew_is_one_batch() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/en")).unwrap();
        let page = root.join("content/en/a.md");
        std::fs::write(&page, "# A\n").unwrap();
        let dirs = SourceDirs {
            root: root.clone(),
            content: root.join("content"),
            output: root.join("public"),
        };
        let (mut watcher, _stop) = Watcher::new(dirs).unwrap();
        std::fs::remove_file(&page).unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(25));
            std::fs::write(&page, "# A, edited\n").unwrap();
        });
        let Next::Changes(batch) = watcher.next(Duration::from_millis(10), None) else {
            panic!("a batch")
        };
        writer.join().unwrap();
        assert!(batch.content.contains("en/a.md"), "{batch:?}");
        assert_eq!(
            watcher.next(Duration::from_millis(10), Some(Duration::from_millis(100))),
            Next::Idle
        );
    }

    fn event(kind: EventKind, path: &str) -> Message {
        Message::Fs(Ok(notify::Event::new(kind).add_path(path.into())))
    }

    #[test]
    fn one_batch_per_burst_without_leftovers() {
        use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};
        let d = dirs();
        let (tx, rx) = channel();
        // A vim save: probe file, backup by rename, new file, backup gone.
        for m in [
            event(EventKind::Create(CreateKind::File), "/site/content/en/4913"),
            event(EventKind::Remove(RemoveKind::File), "/site/content/en/4913"),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                "/site/content/en/a.md",
            ),
            event(
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                "/site/content/en/a.md~",
            ),
            event(EventKind::Create(CreateKind::File), "/site/content/en/a.md"),
            event(
                EventKind::Access(notify::event::AccessKind::Any),
                "/site/content/en/b.md",
            ),
            event(
                EventKind::Remove(RemoveKind::File),
                "/site/content/en/a.md~",
            ),
            event(
                EventKind::Create(CreateKind::File),
                "/site/public/en/a/index.html",
            ),
        ] {
            tx.send(m).unwrap();
        }
        let quiet = Duration::from_millis(50);
        let Next::Changes(batch) = gather(&rx, quiet, None, |c, e| add(&d, c, e)) else {
            panic!("a batch")
        };
        assert_eq!(batch.content, BTreeSet::from(["en/a.md".to_string()]));
        assert!(!batch.needs_full_rebuild());

        // Leftovers alone start no rebuild; the next real change does.
        tx.send(event(
            EventKind::Create(CreateKind::File),
            "/site/content/en/.a.md.swp",
        ))
        .unwrap();
        tx.send(event(
            EventKind::Create(CreateKind::File),
            "/site/templates/base.html",
        ))
        .unwrap();
        let Next::Changes(batch) = gather(&rx, quiet, None, |c, e| add(&d, c, e)) else {
            panic!("a batch")
        };
        assert!(batch.templates && batch.content.is_empty());

        tx.send(Message::Stop).unwrap();
        assert_eq!(
            gather(&rx, quiet, None, |c, e| add(&d, c, e)),
            Next::Stopped
        );
    }
}
