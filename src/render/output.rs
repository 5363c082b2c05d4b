//! The output directory: the only place Folio writes or deletes files.
//!
//! It refuses a directory that is (or contains) the site root, the content,
//! templates or theme, or that holds files Folio did not write. Inside it:
//! - every file is written under a temporary name and renamed into place,
//!   so a reader never sees half a file;
//! - a symlink is never written through: one in the way of a file or a
//!   folder Folio writes is replaced by the real thing;
//! - Folio deletes only files it wrote, which it lists in the manifest
//!   ([`MARKER`]); files the user put there (`CNAME`) stay.

use crate::config::Config;
use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use thiserror::Error;

/// Written into every output directory Folio owns: the manifest of the
/// files it wrote there, one site-relative path a line (`/path`: a file it
/// deleted since; a full build rewrites the list without those).
pub(crate) const MARKER: &str = crate::paths::OUTPUT_MARKER;

/// The manifest's first line; an older marker without it lists nothing.
const MANIFEST_HEADER: &str = "# Folio wrote the files listed below and replaces or deletes only these; other files in this folder are left alone.";

#[derive(Debug, Error)]
/// The output folder cannot be used, or a file in it cannot be written.
pub enum OutputError {
    /// The folder (or a path inside it) is one Folio must not write.
    #[error("refusing to use `{dir}` as the output directory: {reason}")]
    Unsafe {
        /// The folder or path as given.
        dir: String,
        /// Why, and what to choose instead.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
}

/// Whether two files hold the same bytes (read in blocks, never whole).
fn same_bytes(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(mut a), Ok(mut b)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let (mut x, mut y) = ([0u8; 16 * 1024], [0u8; 16 * 1024]);
    loop {
        let n = match a.read(&mut x) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return b.read(&mut y).is_ok_and(|m| m == 0);
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}

fn io(path: &Path, source: std::io::Error) -> OutputError {
    OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) struct OutputDir {
    root: PathBuf,
    manifest: Mutex<Manifest>,
    /// During a [`WritePass`], folders (site-relative) already seen to be
    /// real folders: the language folder is on the path of every page, and
    /// looking again for each would cost a system call a page. `None`
    /// outside a pass: then every write looks at every folder, so a folder
    /// replaced by a symlink between two passes is always caught.
    real_folders: Mutex<Option<HashSet<String>>>,
}

/// One pass of writes (a build's render): within it, each output folder
/// is checked for symlinks once. Ends when dropped.
pub(crate) struct WritePass<'a> {
    dir: &'a OutputDir,
}

impl Drop for WritePass<'_> {
    fn drop(&mut self) {
        *self.dir.real_folders() = None;
    }
}

/// Present in the output folder while a build writes; found at the start
/// of a build, it says the last one was interrupted and may have left
/// temporary files, which that build's end looks for.
const WRITING: &str = ".folio-writing";

/// The files Folio wrote here, in memory and on disk.
struct Manifest {
    /// Site-relative paths.
    owned: BTreeSet<String>,
    /// The manifest file, open for appending (reopened after a rewrite).
    append: Option<std::fs::File>,
}

impl OutputDir {
    /// Checks the configured output directory and takes ownership of it.
    /// (`_atomic` is kept for callers: every write goes through a
    /// temporary file now.)
    pub(crate) fn prepare(config: &Config, _atomic: bool) -> Result<OutputDir, OutputError> {
        let out = crate::paths::real_path(&config.output_dir);
        let shown = config.output_dir.display().to_string();
        let unsafe_dir = |reason: String| OutputError::Unsafe {
            dir: shown.clone(),
            reason,
        };
        let real = crate::paths::real_path;
        let protected = [
            (real(&config.root), "the site root"),
            (real(&config.content_dir), "the content directory"),
            (
                real(&config.root.join("templates")),
                "the templates directory",
            ),
            (real(&config.root.join("theme")), "the theme directory"),
        ];
        for (dir, what) in &protected {
            if &out == dir {
                return Err(unsafe_dir(format!(
                    "it is {what}; set `output_dir` (or --out) to a folder of its own, such as `public`"
                )));
            }
            if dir.starts_with(&out) {
                return Err(unsafe_dir(format!(
                    "it contains {what}, which a build would overwrite; choose a folder of its own, such as `public`"
                )));
            }
        }
        // Inside the content folder is fine (`content_dir: .`, `output_dir:
        // public`): the content walk never reads the output folder, and the
        // rule below still refuses a folder that holds files of the user's.
        let marker = out.join(MARKER);
        let owned = if out.exists() {
            if !out.is_dir() {
                return Err(unsafe_dir("it exists and is not a directory".into()));
            }
            let mut entries = std::fs::read_dir(&out).map_err(|e| io(&out, e))?;
            // A symlinked marker is not Folio's.
            let marked = std::fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file());
            if !marked && entries.next().is_some() {
                return Err(unsafe_dir(format!(
                    "it is not empty and was not created by Folio (no {MARKER} file); empty it or choose another folder"
                )));
            }
            if marked {
                read_manifest(&marker)
            } else {
                BTreeSet::new()
            }
        } else {
            std::fs::create_dir_all(&out).map_err(|e| io(&out, e))?;
            BTreeSet::new()
        };
        let dir = OutputDir {
            root: out,
            manifest: Mutex::new(Manifest {
                owned,
                append: None,
            }),
            real_folders: Mutex::new(None),
        };
        dir.save_manifest()?;
        dir.mark_writing()?;
        Ok(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.root
    }

    /// The file system path of a site-relative output path. Refuses anything
    /// that would leave the output directory.
    pub(crate) fn file(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let rel_path = Path::new(rel);
        if rel.is_empty()
            || rel == MARKER
            || rel_path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(OutputError::Unsafe {
                dir: rel.to_string(),
                reason: "an output path must stay inside the output directory".into(),
            });
        }
        Ok(self.root.join(rel_path))
    }

    /// Writes one output file (site-relative path).
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if self.holds(rel, bytes) {
            return self.record(rel);
        }
        self.put(rel, |file| file.write_all(bytes))
    }

    /// Writes one output file by streaming into it (for outputs too big
    /// to hold in memory); always replaces the file.
    pub(crate) fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        self.put(rel, fill)
    }

    /// Is `rel` already a file of exactly these bytes, reached through
    /// real folders? Then a rebuild leaves it alone: no write, no new
    /// modification time for deploy tools to upload again, and no rename
    /// over it (which makes some file systems, ext4 among them, write the
    /// new file to disk at once).
    fn holds(&self, rel: &str, bytes: &[u8]) -> bool {
        // Only a file an earlier build wrote can already be there (a fresh
        // build skips the look).
        if !self.owns(rel) {
            return false;
        }
        let Ok(path) = self.file(rel) else {
            return false;
        };
        let same_size = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
        // Only ever read: a symlink swapped in meanwhile is never written through.
        same_size && self.real_parents(rel) && std::fs::read(&path).is_ok_and(|old| old == bytes)
    }

    /// Copies a file in unless the copy there has the same size and the
    /// same modification time (Folio gives each copy its source's); says
    /// whether it copied. A replacement with other bytes and an older time
    /// (`cp -p`, `tar`, `rsync -t`) is copied again.
    pub(crate) fn copy(&self, from: &Path, rel: &str) -> Result<bool, OutputError> {
        let to = self.file(rel)?;
        let src = std::fs::metadata(from).map_err(|e| io(from, e))?;
        if let Ok(dst) = std::fs::symlink_metadata(&to) {
            let same_time = matches!((src.modified(), dst.modified()), (Ok(s), Ok(d)) if s == d);
            // Times can differ while the bytes are the same (a copy made in
            // the clock tick of the source's own write, a fresh checkout):
            // compare the bytes then, so an unchanged file is never counted
            // as written.
            if dst.is_file()
                && dst.len() == src.len()
                && (same_time || same_bytes(from, &to))
                && self.real_parents(rel)
            {
                self.record(rel)?;
                return Ok(false);
            }
        }
        let mut source = std::fs::File::open(from).map_err(|e| io(from, e))?;
        self.put(rel, |file| {
            std::io::copy(&mut source, file)?;
            if let Ok(time) = src.modified() {
                file.set_modified(time)?;
            }
            Ok(())
        })?;
        Ok(true)
    }

    /// Writes a file through a fresh temporary name beside it and renames
    /// it into place: the rename replaces a symlink there instead of
    /// following it, and the temporary file is created new, never opened
    /// through a link.
    fn put(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), OutputError> {
        let path = self.file(rel)?;
        // A file no build wrote before most likely goes into a new folder.
        let new = !self.owns(rel);
        self.make_parents(rel, new)?;
        self.record(rel)?;
        let (tmp, mut file) = create_temp(&path)?;
        let written = fill(&mut file).and_then(|()| file.flush());
        drop(file);
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(io(&path, e));
        }
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            io(&path, e)
        })
    }

    /// Creates the folders of `rel` as real folders: a symlink in the way
    /// is removed (not followed), and so is a file Folio wrote there before.
    fn make_parents(&self, rel: &str, new: bool) -> Result<(), OutputError> {
        let mut dir = self.root.clone();
        let mut dir_rel = String::new();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            dir.push(part);
            dir_rel = crate::paths::child(&dir_rel, part);
            if self
                .real_folders()
                .as_ref()
                .is_some_and(|seen| seen.contains(&dir_rel))
            {
                continue;
            }
            // Creating is also the cheapest look when the folder is new:
            // `mkdir` fails on anything already there, a symlink included.
            if new && std::fs::create_dir(&dir).is_ok() {
                self.remember_real_folder(&dir_rel);
                continue;
            }
            // Several writers may create one folder at once: look again
            // after any failure before giving up.
            let mut tries = 0;
            loop {
                let outcome = match std::fs::symlink_metadata(&dir) {
                    Ok(m) if m.is_dir() => break,
                    Ok(m) if m.file_type().is_symlink() => {
                        std::fs::remove_file(&dir).and_then(|()| std::fs::create_dir(&dir))
                    }
                    Ok(_) if self.owns(&dir_rel) => {
                        std::fs::remove_file(&dir).and_then(|()| std::fs::create_dir(&dir))
                    }
                    Ok(_) => {
                        return Err(io(
                            &dir,
                            std::io::Error::other(
                                "a file Folio did not write is where a folder is needed; move it away",
                            ),
                        ));
                    }
                    Err(_) => std::fs::create_dir(&dir),
                };
                tries += 1;
                match outcome {
                    Ok(()) => break,
                    Err(e) if tries >= 3 => return Err(io(&dir, e)),
                    Err(_) => {}
                }
            }
            self.remember_real_folder(&dir_rel);
        }
        Ok(())
    }

    fn remember_real_folder(&self, rel: &str) {
        if let Some(seen) = self.real_folders().as_mut() {
            seen.insert(rel.to_string());
        }
    }

    /// True when every folder of `rel` inside the output is a real folder
    /// (no symlink to follow out of it).
    fn real_parents(&self, rel: &str) -> bool {
        let mut dir = self.root.clone();
        let parts: Vec<&str> = rel.split('/').collect();
        parts[..parts.len() - 1].iter().all(|part| {
            dir.push(part);
            std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir())
        })
    }

    fn manifest(&self) -> std::sync::MutexGuard<'_, Manifest> {
        self.manifest.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn owns(&self, rel: &str) -> bool {
        self.manifest().owned.contains(rel)
    }

    /// Lists `rel` in the manifest before the file is written, so an
    /// interrupted build never leaves a file of Folio's it does not know.
    fn record(&self, rel: &str) -> Result<(), OutputError> {
        let mut manifest = self.manifest();
        if manifest.owned.contains(rel) {
            return Ok(());
        }
        self.append(&mut manifest, &escape(rel))?;
        manifest.owned.insert(rel.to_string());
        Ok(())
    }

    /// Adds a line to the manifest file.
    fn append(&self, manifest: &mut Manifest, line: &str) -> Result<(), OutputError> {
        let marker = self.root.join(MARKER);
        if manifest.append.is_none() {
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(&marker)
                .map_err(|e| io(&marker, e))?;
            manifest.append = Some(file);
        }
        match manifest.append.as_mut() {
            Some(file) => file
                .write_all(format!("{line}\n").as_bytes())
                .map_err(|e| io(&marker, e)),
            None => Ok(()),
        }
    }

    /// Rewrites the manifest from the set in memory (sorted, so identical
    /// builds leave identical folders).
    fn save_manifest(&self) -> Result<(), OutputError> {
        let mut manifest = self.manifest();
        // The rename below replaces the file the handle appends to.
        manifest.append = None;
        let mut text = String::with_capacity(manifest.owned.len() * 32 + MANIFEST_HEADER.len() + 1);
        text.push_str(MANIFEST_HEADER);
        text.push('\n');
        for rel in manifest.owned.iter() {
            text.push_str(&escape(rel));
            text.push('\n');
        }
        let marker = self.root.join(MARKER);
        let (tmp, mut file) = create_temp(&marker)?;
        let written = file.write_all(text.as_bytes());
        drop(file);
        written
            .and_then(|()| std::fs::rename(&tmp, &marker))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                io(&marker, e)
            })
    }

    /// Deletes one output file Folio wrote (site-relative path) and the
    /// folders it leaves empty; a file that is already gone, or that Folio
    /// did not write, is left as it is.
    pub(crate) fn remove(&self, rel: &str) -> Result<(), OutputError> {
        let path = self.file(rel)?;
        if !self.owns(rel) {
            return Ok(());
        }
        self.delete(rel, &path)?;
        let mut manifest = self.manifest();
        manifest.owned.remove(rel);
        // A line `/path` takes a path back (paths never start with `/`);
        // a full build rewrites the manifest without either.
        self.append(&mut manifest, &format!("/{}", escape(rel)))
    }

    /// Deletes one file of Folio's, unless a folder of its path has become
    /// a symlink (deleting through it would reach outside), then the
    /// folders it leaves empty.
    fn delete(&self, rel: &str, path: &Path) -> Result<bool, OutputError> {
        if !self.real_parents(rel) {
            return Ok(false);
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.is_dir() => {}
            _ => return Ok(false),
        }
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io(path, e)),
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.root) {
            // Only empty folders go; an error means it still has files.
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(true)
    }

    /// Deletes the files earlier builds wrote that this build did not
    /// (site-relative paths in `keep`), and temporary files interrupted
    /// writes left; rewrites the manifest. Files Folio did not write stay.
    pub(crate) fn remove_stale(&self, keep: &HashSet<String>) -> Result<usize, OutputError> {
        let stale: Vec<String> = self
            .manifest()
            .owned
            .iter()
            .filter(|rel| !keep.contains(*rel))
            .cloned()
            .collect();
        let mut removed = 0;
        for rel in &stale {
            if let Ok(path) = self.file(rel) {
                removed += usize::from(self.delete(rel, &path)?);
            }
        }
        let writing = self.root.join(WRITING);
        if std::fs::symlink_metadata(&writing).is_ok_and(|m| m.is_file() && m.len() > 0) {
            // An earlier build was interrupted: its temporary files may be anywhere.
            self.remove_temp_files();
        }
        let _ = std::fs::remove_file(&writing);
        {
            let mut manifest = self.manifest();
            for rel in &stale {
                manifest.owned.remove(rel);
            }
        }
        self.save_manifest()?;
        Ok(removed)
    }

    /// Leaves [`WRITING`] in the folder until [`OutputDir::remove_stale`]:
    /// empty for this build, or `interrupted` if an earlier build's was
    /// still there (then the temporary files it may have left are looked for).
    fn mark_writing(&self) -> Result<(), OutputError> {
        let path = self.root.join(WRITING);
        let interrupted = std::fs::symlink_metadata(&path).is_ok();
        if interrupted {
            // Whatever it is (a symlink too), it goes: it is Folio's name.
            let _ = std::fs::remove_file(&path);
        }
        let (tmp, mut file) = create_temp(&path)?;
        let written = file.write_all(if interrupted { b"interrupted\n" } else { b"" });
        drop(file);
        written
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                io(&path, e)
            })
    }

    fn real_folders(&self) -> std::sync::MutexGuard<'_, Option<HashSet<String>>> {
        self.real_folders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a pass of writes: see [`WritePass`].
    pub(crate) fn pass(&self) -> WritePass<'_> {
        *self.real_folders() = Some(HashSet::new());
        WritePass { dir: self }
    }

    /// Temporary files of writes that were interrupted (their names are
    /// Folio's own), found without following symlinks.
    fn remove_temp_files(&self) {
        for entry in walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .min_depth(1)
            .into_iter()
            .flatten()
        {
            let is_temp = entry.file_name().to_str().is_some_and(is_temp_name);
            if is_temp && !entry.file_type().is_dir() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Creates a new, empty temporary file beside `path` (never through a
/// symlink: creation fails if anything is at the name, and another is tried).
fn create_temp(path: &Path) -> Result<(PathBuf, std::fs::File), OutputError> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let pid = *PID.get_or_init(std::process::id);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for _ in 0..16 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = path.with_file_name(format!(".{name}.{pid}-{n}.folio-tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) => last = Some(e),
        }
    }
    Err(io(
        path,
        last.unwrap_or_else(|| std::io::Error::other("cannot create a temporary file")),
    ))
}

/// `.name.<pid>-<n>.folio-tmp` (and the older `.name.folio-tmp`).
fn is_temp_name(name: &str) -> bool {
    name.starts_with('.') && name.ends_with(".folio-tmp")
}

/// A manifest line: `%`, line breaks and other control characters escaped.
fn escape(rel: &str) -> String {
    let mut out = String::with_capacity(rel.len());
    for c in rel.chars() {
        if c == '%' || c.is_control() {
            crate::paths::push_percent_encoded(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// The paths a manifest lists; an unreadable or older marker lists none.
fn read_manifest(marker: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(marker).unwrap_or_default();
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return BTreeSet::new();
    }
    let mut owned = BTreeSet::new();
    for line in lines.filter(|l| !l.is_empty()) {
        match line.strip_prefix('/') {
            Some(removed) => owned.remove(&crate::paths::percent_decode(removed)),
            None => owned.insert(crate::paths::percent_decode(line)),
        };
    }
    owned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path, yml: &str) -> Config {
        std::fs::create_dir_all(dir.join("content")).unwrap();
        Config::parse(dir, &dir.join("folio.yml"), yml).unwrap()
    }

    fn temp(name: &str) -> crate::check::tests::TempDir {
        crate::check::tests::TempDir::new(&format!("out-{name}"))
    }

    #[test]
    fn refuses_root_content_and_their_parents() {
        let tmp = temp("refuse");
        let d = tmp.path();
        for out in [".", "content", "..", "templates", "/"] {
            let c = site(d, &format!("output_dir: \"{out}\""));
            let err = OutputDir::prepare(&c, false)
                .err()
                .unwrap_or_else(|| panic!("{out} accepted"));
            assert!(matches!(err, OutputError::Unsafe { .. }), "{out}: {err}");
        }
    }

    #[test]
    fn output_inside_the_content_is_fine_unless_it_holds_user_files() {
        let tmp = temp("in-content");
        let d = tmp.path();
        let c = site(d, "content_dir: .\noutput_dir: public");
        OutputDir::prepare(&c, false).expect("a new folder inside the content");
        assert!(d.join("public").join(MARKER).is_file());
        OutputDir::prepare(&c, false).expect("its own folder again");
        std::fs::create_dir_all(d.join("_site")).unwrap();
        std::fs::write(d.join("_site/notes.md"), "mine").unwrap();
        let c = site(d, "content_dir: .\noutput_dir: _site");
        assert!(
            OutputDir::prepare(&c, false).is_err(),
            "a folder of the user's"
        );
    }

    #[test]
    fn refuses_foreign_non_empty_dir_but_reuses_its_own() {
        let tmp = temp("foreign");
        let d = tmp.path();
        std::fs::create_dir_all(d.join("public")).unwrap();
        std::fs::write(d.join("public/notes.txt"), "mine").unwrap();
        let c = site(d, "");
        assert!(OutputDir::prepare(&c, false).is_err());
        assert_eq!(
            std::fs::read_to_string(d.join("public/notes.txt")).unwrap(),
            "mine"
        );
        std::fs::remove_file(d.join("public/notes.txt")).unwrap();
        let out = OutputDir::prepare(&c, false).unwrap();
        out.write("en/a/index.html", b"x").unwrap();
        assert!(OutputDir::prepare(&c, false).is_ok());
    }

    #[test]
    fn identical_files_are_left_alone_and_changed_ones_replaced() {
        let tmp = temp("same");
        let d = tmp.path();
        let c = site(d, "");
        let out = OutputDir::prepare(&c, true).unwrap();
        out.write("en/a/index.html", b"same").unwrap();
        let path = d.join("public/en/a/index.html");
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(old))
            .unwrap();
        out.write("en/a/index.html", b"same").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), old);
        out.write("en/a/index.html", b"diff").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"diff");
        assert_ne!(std::fs::metadata(&path).unwrap().modified().unwrap(), old);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_with_the_same_bytes_is_still_replaced() {
        let tmp = temp("same-link");
        let d = tmp.path();
        let c = site(d, "");
        let out = OutputDir::prepare(&c, true).unwrap();
        std::fs::write(d.join("user.txt"), "same").unwrap();
        std::fs::create_dir_all(d.join("public/en")).unwrap();
        std::os::unix::fs::symlink(d.join("user.txt"), d.join("public/en/x.txt")).unwrap();
        out.write("en/x.txt", b"same").unwrap();
        let meta = std::fs::symlink_metadata(d.join("public/en/x.txt")).unwrap();
        assert!(meta.is_file(), "the link was kept");
        assert_eq!(std::fs::read_to_string(d.join("user.txt")).unwrap(), "same");
    }

    #[test]
    fn stale_files_go_and_paths_cannot_escape() {
        let tmp = temp("stale");
        let d = tmp.path();
        let c = site(d, "");
        let out = OutputDir::prepare(&c, true).unwrap();
        out.write("en/a/index.html", b"a").unwrap();
        out.write("en/b/index.html", b"b").unwrap();
        let keep: HashSet<String> = ["en/a/index.html".to_string()].into();
        assert_eq!(out.remove_stale(&keep).unwrap(), 1);
        assert!(d.join("public/en/a/index.html").exists());
        assert!(!d.join("public/en/b").exists());
        assert!(d.join("public").join(MARKER).exists());
        out.write("en/c/d/index.html", b"c").unwrap();
        out.remove("en/c/d/index.html").unwrap();
        assert!(!d.join("public/en/c").exists(), "empty folders go too");
        out.remove("en/c/d/index.html").unwrap();
        assert!(out.remove("../folio.yml").is_err());
        assert!(out.write("../escape.html", b"x").is_err());
        assert!(out.write("/etc/x", b"x").is_err());
        assert!(out.write(MARKER, b"x").is_err());
        assert!(!d.join("escape.html").exists());
    }

    #[cfg(unix)]
    #[test]
    fn folders_are_checked_once_a_pass_and_again_in_the_next() {
        let tmp = temp("pass");
        let d = tmp.path();
        let c = site(d, "");
        let elsewhere = d.join("elsewhere");
        std::fs::create_dir_all(elsewhere.join("a")).unwrap();
        let out = OutputDir::prepare(&c, false).unwrap();
        {
            let _pass = out.pass();
            out.write("en/a/index.html", b"first").unwrap();
        }
        std::fs::remove_dir_all(d.join("public/en")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, d.join("public/en")).unwrap();
        {
            let _pass = out.pass();
            out.write("en/a/index.html", b"second").unwrap();
        }
        assert_eq!(std::fs::read_dir(elsewhere.join("a")).unwrap().count(), 0);
        assert!(
            std::fs::symlink_metadata(d.join("public/en"))
                .unwrap()
                .is_dir()
        );
    }

    #[test]
    fn only_an_interrupted_build_makes_the_next_look_for_temporary_files() {
        let tmp = temp("writing");
        let d = tmp.path();
        let c = site(d, "");
        let out = OutputDir::prepare(&c, false).unwrap();
        out.write("en/a/index.html", b"a").unwrap();
        assert!(d.join("public").join(WRITING).exists());
        out.remove_stale(&["en/a/index.html".to_string()].into())
            .unwrap();
        assert!(
            !d.join("public").join(WRITING).exists(),
            "a finished build leaves no marker"
        );
        drop(out);
        // Interrupted: the marker stays, and so does a half-written file.
        let out = OutputDir::prepare(&c, false).unwrap();
        std::fs::write(d.join("public/en/a/.index.html.9-9.folio-tmp"), "half").unwrap();
        drop(out);
        let out = OutputDir::prepare(&c, false).unwrap();
        out.remove_stale(&["en/a/index.html".to_string()].into())
            .unwrap();
        assert!(!d.join("public/en/a/.index.html.9-9.folio-tmp").exists());
        assert!(!d.join("public").join(WRITING).exists());
    }

    #[test]
    fn row_14_only_files_folio_wrote_are_deleted() {
        let tmp = temp("manifest");
        let d = tmp.path();
        let c = site(d, "");
        let out = OutputDir::prepare(&c, false).unwrap();
        out.write("en/old/index.html", b"old").unwrap();
        out.write("index.html", b"home").unwrap();
        drop(out);
        // The user adds files after a build (GitHub Pages' CNAME).
        std::fs::write(d.join("public/CNAME"), "docs.example.com").unwrap();
        std::fs::create_dir_all(d.join("public/en/old")).unwrap();
        std::fs::write(d.join("public/en/old/notes.txt"), "mine").unwrap();
        std::fs::write(d.join("public/en/.index.html.1-2.folio-tmp"), "half").unwrap();
        let out = OutputDir::prepare(&c, false).unwrap();
        out.write("index.html", b"home").unwrap();
        let keep: HashSet<String> = ["index.html".to_string()].into();
        assert_eq!(out.remove_stale(&keep).unwrap(), 1);
        assert_eq!(
            std::fs::read_to_string(d.join("public/CNAME")).unwrap(),
            "docs.example.com"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("public/en/old/notes.txt")).unwrap(),
            "mine"
        );
        assert!(!d.join("public/en/old/index.html").exists());
        assert!(!d.join("public/en/.index.html.1-2.folio-tmp").exists());
        // `remove` leaves files Folio did not write, and a removal is
        // remembered by the next run.
        out.remove("CNAME").unwrap();
        assert!(d.join("public/CNAME").exists());
        out.write("en/new/index.html", b"new").unwrap();
        out.remove("en/new/index.html").unwrap();
        drop(out);
        let out = OutputDir::prepare(&c, false).unwrap();
        assert!(!out.owns("en/new/index.html"));
        assert!(out.owns("index.html"));
        out.remove_stale(&keep).unwrap();
        let manifest = std::fs::read_to_string(d.join("public").join(MARKER)).unwrap();
        assert_eq!(manifest, format!("{MANIFEST_HEADER}\nindex.html\n"));
    }

    #[test]
    fn manifest_names_survive_odd_characters() {
        for name in ["a%20b.png", "line\nbreak.png", "ü/ß.png", "x::warning::y"] {
            let line = escape(name);
            assert!(!line.contains('\n'), "{line}");
            assert_eq!(crate::paths::percent_decode(&line), name);
        }
    }

    #[cfg(unix)]
    #[test]
    fn row_03_writes_never_follow_symlinks_in_the_output() {
        use std::os::unix::fs::symlink;
        let tmp = temp("symlinked");
        let d = tmp.path();
        let c = site(d, "");
        let elsewhere = d.join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(d.join("user-file.txt"), "precious").unwrap();
        let out = OutputDir::prepare(&c, false).unwrap();
        out.write("en/a/index.html", b"first").unwrap();
        out.write("sitemap.xml", b"first").unwrap();
        // Between builds, folders and files of the output become symlinks.
        std::fs::remove_dir_all(d.join("public/en")).unwrap();
        symlink(&elsewhere, d.join("public/en")).unwrap();
        std::fs::remove_file(d.join("public/sitemap.xml")).unwrap();
        symlink(d.join("user-file.txt"), d.join("public/sitemap.xml")).unwrap();
        symlink(d.join("user-file.txt"), d.join("public/en-copy.png")).unwrap();
        out.write("en/a/index.html", b"second").unwrap();
        out.write("sitemap.xml", b"second").unwrap();
        out.copy(&d.join("folio.yml.src"), "x.png").unwrap_err();
        std::fs::write(d.join("asset.png"), "png").unwrap();
        out.copy(&d.join("asset.png"), "en-copy.png").unwrap();
        assert_eq!(
            std::fs::read_to_string(d.join("user-file.txt")).unwrap(),
            "precious"
        );
        assert_eq!(
            std::fs::read_dir(&elsewhere).unwrap().count(),
            0,
            "nothing written through the link"
        );
        assert!(
            std::fs::symlink_metadata(d.join("public/en"))
                .unwrap()
                .is_dir()
        );
        assert_eq!(
            std::fs::read_to_string(d.join("public/en/a/index.html")).unwrap(),
            "second"
        );
        assert!(
            std::fs::symlink_metadata(d.join("public/sitemap.xml"))
                .unwrap()
                .is_file()
        );
        assert!(
            std::fs::symlink_metadata(d.join("public/en-copy.png"))
                .unwrap()
                .is_file()
        );
        // Deleting never reaches through a symlinked folder either.
        std::fs::remove_dir_all(d.join("public/en")).unwrap();
        std::fs::create_dir_all(elsewhere.join("a")).unwrap();
        std::fs::write(elsewhere.join("a/index.html"), "not Folio's").unwrap();
        symlink(&elsewhere, d.join("public/en")).unwrap();
        out.remove_stale(&HashSet::new()).unwrap();
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("a/index.html")).unwrap(),
            "not Folio's"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("user-file.txt")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn row_12_copies_follow_content_not_age() {
        let tmp = temp("copy");
        let d = tmp.path();
        let c = site(d, "");
        let out = OutputDir::prepare(&c, false).unwrap();
        let src = d.join("logo.png");
        std::fs::write(&src, "AAAA").unwrap();
        assert!(out.copy(&src, "logo.png").unwrap());
        assert!(
            !out.copy(&src, "logo.png").unwrap(),
            "unchanged: not copied again"
        );
        // Same size, other bytes, an older time (`cp -p`, `tar`, `rsync -t`).
        std::fs::write(&src, "BBBB").unwrap();
        let older = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
        std::fs::File::options()
            .write(true)
            .open(&src)
            .unwrap()
            .set_modified(older)
            .unwrap();
        assert!(out.copy(&src, "logo.png").unwrap());
        assert_eq!(
            std::fs::read_to_string(d.join("public/logo.png")).unwrap(),
            "BBBB"
        );
        // The same bytes under another time: unchanged, not written again.
        let newer = std::time::SystemTime::now();
        std::fs::File::options()
            .write(true)
            .open(&src)
            .unwrap()
            .set_modified(newer)
            .unwrap();
        assert!(!out.copy(&src, "logo.png").unwrap());
    }
}
