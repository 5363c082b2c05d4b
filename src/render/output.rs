//! The output directory: the only place Folio writes or deletes files.
//!
//! It refuses a directory that is (or contains) the site root, the content,
//! templates or theme, or that holds files Folio did not write: nothing the
//! user wrote is ever deleted or overwritten.

use crate::config::Config;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use thiserror::Error;

/// Written into every output directory Folio owns.
pub const MARKER: &str = ".folio-output";

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("refusing to use `{dir}` as the output directory: {reason}")]
    Unsafe { dir: String, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io(path: &Path, source: std::io::Error) -> OutputError {
    OutputError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub struct OutputDir {
    root: PathBuf,
    /// Write through a temporary file and rename, so a server reading the
    /// directory never sees half a file.
    atomic: bool,
}

impl OutputDir {
    /// Checks the configured output directory and takes ownership of it.
    pub fn prepare(config: &Config, atomic: bool) -> Result<OutputDir, OutputError> {
        let out = absolute(&config.output_dir);
        let shown = config.output_dir.display().to_string();
        let unsafe_dir = |reason: String| OutputError::Unsafe {
            dir: shown.clone(),
            reason,
        };
        let protected = [
            (absolute(&config.root), "the site root"),
            (absolute(&config.content_dir), "the content directory"),
            (
                absolute(&config.root.join("templates")),
                "the templates directory",
            ),
            (absolute(&config.root.join("theme")), "the theme directory"),
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
        if out.starts_with(absolute(&config.content_dir)) {
            return Err(unsafe_dir("it is inside the content directory, whose files are read as pages; choose a folder outside it".into()));
        }
        if out.exists() {
            if !out.is_dir() {
                return Err(unsafe_dir("it exists and is not a directory".into()));
            }
            let mut entries = std::fs::read_dir(&out).map_err(|e| io(&out, e))?;
            let owned = out.join(MARKER).is_file();
            if !owned && entries.next().is_some() {
                return Err(unsafe_dir(format!(
                    "it is not empty and was not created by Folio (no {MARKER} file); empty it or choose another folder"
                )));
            }
        } else {
            std::fs::create_dir_all(&out).map_err(|e| io(&out, e))?;
        }
        std::fs::write(
            out.join(MARKER),
            "This folder is written by Folio; files in it are replaced on every build.\n",
        )
        .map_err(|e| io(&out, e))?;
        Ok(OutputDir { root: out, atomic })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The file system path of a site-relative output path. Refuses anything
    /// that would leave the output directory.
    pub fn file(&self, rel: &str) -> Result<PathBuf, OutputError> {
        let rel_path = Path::new(rel);
        if rel.is_empty()
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
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let path = self.file(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        if self.atomic {
            let tmp = temp_path(&path);
            std::fs::write(&tmp, bytes).map_err(|e| io(&tmp, e))?;
            std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
        } else {
            std::fs::write(&path, bytes).map_err(|e| io(&path, e))
        }
    }

    /// Deletes one output file (site-relative path) and the folders it
    /// leaves empty; a file that is already gone is fine.
    pub fn remove(&self, rel: &str) -> Result<(), OutputError> {
        let path = self.file(rel)?;
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(&path, e)),
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.root) {
            // Only empty folders go; an error means it still has files.
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }

    /// Copies a file in unless an identical-looking copy (same size, not
    /// older) is already there; says whether it copied.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<bool, OutputError> {
        let to = self.file(rel)?;
        if let (Ok(src), Ok(dst)) = (std::fs::metadata(from), std::fs::metadata(&to)) {
            if src.len() == dst.len()
                && matches!((src.modified(), dst.modified()), (Ok(s), Ok(d)) if d >= s)
            {
                return Ok(false);
            }
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        if self.atomic {
            let tmp = temp_path(&to);
            std::fs::copy(from, &tmp).map_err(|e| io(from, e))?;
            std::fs::rename(&tmp, &to).map_err(|e| io(&to, e))?;
        } else {
            std::fs::copy(from, &to).map_err(|e| io(from, e))?;
        }
        Ok(true)
    }

    /// Deletes files of earlier builds that this build did not write
    /// (site-relative paths in `keep`), then empty folders. Symlinks are
    /// removed, never followed.
    pub fn remove_stale(&self, keep: &HashSet<String>) -> Result<usize, OutputError> {
        let mut removed = 0;
        let mut dirs = Vec::new();
        for entry in walkdir::WalkDir::new(&self.root)
            .follow_links(false)
            .min_depth(1)
        {
            let entry = entry.map_err(|e| io(&self.root, std::io::Error::other(e.to_string())))?;
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let rel = crate::paths::to_slash(rel);
            if entry.file_type().is_dir() {
                dirs.push(entry.path().to_path_buf());
                continue;
            }
            if rel == MARKER || keep.contains(&rel) {
                continue;
            }
            std::fs::remove_file(entry.path()).map_err(|e| io(entry.path(), e))?;
            removed += 1;
        }
        for dir in dirs.iter().rev() {
            // Only empty folders go; an error means it still has files.
            let _ = std::fs::remove_dir(dir);
        }
        Ok(removed)
    }
}

/// Where an atomic write puts the bytes before renaming them into place:
/// a hidden name beside the target, so the rename stays on one file system.
fn temp_path(path: &Path) -> PathBuf {
    path.with_file_name(format!(
        ".{}.folio-tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ))
}

/// An absolute, symlink-resolved path, also for paths that do not exist yet.
fn absolute(path: &Path) -> PathBuf {
    let path = crate::paths::absolute(path);
    let mut existing = path.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canon) = existing.canonicalize() {
            let mut out = canon;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return normalize(&out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return normalize(&path),
        }
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(dir: &Path, yml: &str) -> Config {
        std::fs::create_dir_all(dir.join("content")).unwrap();
        Config::parse(dir, &dir.join("folio.yml"), yml).unwrap()
    }

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("folio-out-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn refuses_root_content_and_their_parents() {
        let d = temp("refuse");
        for out in [".", "content", "..", "templates", "content/public", "/"] {
            let c = site(&d, &format!("output_dir: \"{out}\""));
            let err = OutputDir::prepare(&c, false)
                .err()
                .unwrap_or_else(|| panic!("{out} accepted"));
            assert!(matches!(err, OutputError::Unsafe { .. }), "{out}: {err}");
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn refuses_foreign_non_empty_dir_but_reuses_its_own() {
        let d = temp("foreign");
        std::fs::create_dir_all(d.join("public")).unwrap();
        std::fs::write(d.join("public/notes.txt"), "mine").unwrap();
        let c = site(&d, "");
        assert!(OutputDir::prepare(&c, false).is_err());
        assert_eq!(
            std::fs::read_to_string(d.join("public/notes.txt")).unwrap(),
            "mine"
        );
        std::fs::remove_file(d.join("public/notes.txt")).unwrap();
        let out = OutputDir::prepare(&c, false).unwrap();
        out.write("en/a/index.html", b"x").unwrap();
        assert!(OutputDir::prepare(&c, false).is_ok());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn stale_files_go_and_paths_cannot_escape() {
        let d = temp("stale");
        let c = site(&d, "");
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
        assert!(!d.join("escape.html").exists());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
