//! Walking the content folder without leaving the site.
//!
//! A symlink is followed only when its real target is inside the site root
//! or the content folder (anywhere with `follow_symlinks: true`), is not in
//! the output folder (nor contains it), and is not a folder that contains
//! the link (a cycle, `/` included). Anything else is a `symlink-outside`
//! warning and is not read. Folders deeper than [`limits::FOLDER_DEPTH`]
//! are not read either (`limit-exceeded`), nor is an output folder inside
//! the content folder: the configured one, and any folder holding Folio's
//! output marker (a build with another `--out`).
//!
//! The same rule serves the full walk ([`scan`]) and single paths
//! ([`admitted`]: what `serve` reloads when the watcher reports a file), so
//! a build and the preview always see the same files. The walk keeps its
//! own stack; its depth is bounded, and so is the number of entries it
//! looks at, since symlinked folders can make a small tree look huge.

use super::FileKind;
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::{limits, paths};
use std::path::{Path, PathBuf};

/// Where the site's files may really be.
struct Boundary {
    /// The site root and the content folder, resolved.
    trusted: [PathBuf; 2],
    content: PathBuf,
    output: PathBuf,
    follow_outside: bool,
}

/// Why a symlink is not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    Outside,
    Output,
    Cycle,
}

impl Boundary {
    fn of(config: &Config) -> Boundary {
        let content = paths::real_path(&config.content_dir);
        Boundary {
            trusted: [paths::real_path(&config.root), content.clone()],
            content,
            output: paths::real_path(&config.output_dir),
            follow_outside: config.follow_symlinks,
        }
    }

    /// Why a symlink in the (resolved) folder `parent` whose real target
    /// is `target` must not be followed, if it must not.
    fn refuse(&self, target: &Path, parent: &Path, is_dir: bool) -> Option<Refusal> {
        if target.starts_with(&self.output) || (is_dir && self.output.starts_with(target)) {
            return Some(Refusal::Output);
        }
        if is_dir && (parent.starts_with(target) || self.content.starts_with(target)) {
            return Some(Refusal::Cycle);
        }
        if !self.follow_outside && !self.trusted.iter().any(|t| target.starts_with(t)) {
            return Some(Refusal::Outside);
        }
        None
    }
}

/// Folders between the content folder and `rel_dir` (`""` is 0).
pub(crate) fn depth(rel_dir: &str) -> usize {
    if rel_dir.is_empty() {
        0
    } else {
        rel_dir.split('/').count()
    }
}

/// Every file Folio reads under the content-relative `folder` (`""`: the
/// whole content directory), in path order, with its kind; entries that
/// cannot be read, symlinks that are not followed and folders too deep
/// become diagnostics.
pub(crate) fn scan(config: &Config, folder: &str) -> (Vec<(String, FileKind)>, Vec<Diagnostic>) {
    let mut walk = Walk {
        config,
        boundary: Boundary::of(config),
        files: Vec::new(),
        diagnostics: Vec::new(),
        entries: 0,
    };
    let start = if folder.is_empty() {
        Some(walk.boundary.content.clone())
    } else if depth(folder) > limits::FOLDER_DEPTH {
        walk.too_deep(folder);
        None
    } else {
        match resolve(config, &walk.boundary, folder) {
            Ok(real) => Some(real),
            Err(d) => {
                walk.diagnostics.extend(d);
                None
            }
        }
    };
    if let Some(real) = start {
        let mut stack = vec![Dir {
            rel: folder.to_string(),
            path: config.content_dir.join(folder),
            real,
        }];
        while let Some(dir) = stack.pop() {
            if !walk.read_dir(dir, &mut stack) {
                break;
            }
        }
    }
    walk.files.sort_by(|a, b| a.0.cmp(&b.0));
    (walk.files, walk.diagnostics)
}

/// Would the walk read the content file `rel`? False when a symlink on its
/// way is not followed, or its folder is too deep. (A file that does not
/// exist is admitted: reading it reports why it cannot be read.)
pub(crate) fn admitted(config: &Config, rel: &str) -> bool {
    depth(paths::parent(rel)) <= limits::FOLDER_DEPTH
        && resolve(config, &Boundary::of(config), rel).is_ok()
}

/// The real path of a content path, following only the symlinks the walk
/// follows; the diagnostic says why a symlink on the way is refused.
fn resolve(config: &Config, boundary: &Boundary, rel: &str) -> Result<PathBuf, Option<Diagnostic>> {
    let mut path = config.content_dir.clone();
    let mut real = boundary.content.clone();
    let mut shown = String::new();
    for part in rel.split('/') {
        if matches!(part, "" | "." | "..") {
            return Err(None);
        }
        path.push(part);
        shown = paths::child(&shown, part);
        if is_output_folder(&path) {
            return Err(None);
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            real.push(part);
            continue;
        };
        if meta.file_type().is_symlink() {
            let target = std::fs::canonicalize(&path).map_err(|_| None)?;
            if let Some(refusal) = boundary.refuse(&target, &real, target.is_dir()) {
                return Err(Some(refused(config, &shown, &path, refusal)));
            }
            real = target;
        } else {
            real.push(part);
        }
        if real.starts_with(&boundary.output) {
            return Err(None);
        }
    }
    Ok(real)
}

/// Does the folder (on the way to a content path) hold Folio's output
/// marker? The walk does not read such a folder.
fn is_output_folder(path: &Path) -> bool {
    std::fs::symlink_metadata(path.join(paths::OUTPUT_MARKER)).is_ok_and(|m| m.is_file())
}

/// What an entry of a folder is to the walk.
enum Found {
    /// A folder; its real path when a symlink led there.
    Dir(Option<PathBuf>),
    File,
    Nothing,
}

/// A folder waiting to be read.
struct Dir {
    /// Content-relative.
    rel: String,
    /// As reached from the content folder.
    path: PathBuf,
    /// With symlinks resolved.
    real: PathBuf,
}

struct Walk<'a> {
    config: &'a Config,
    boundary: Boundary,
    files: Vec<(String, FileKind)>,
    diagnostics: Vec<Diagnostic>,
    entries: usize,
}

impl Walk<'_> {
    /// Reads one folder, queueing its subfolders; false once the entry
    /// budget is spent (the walk stops).
    fn read_dir(&mut self, dir: Dir, stack: &mut Vec<Dir>) -> bool {
        // The entry's type comes with the folder listing on most systems:
        // no extra look at each file.
        let mut names: Vec<(std::ffi::OsString, Option<std::fs::FileType>)> =
            match std::fs::read_dir(&dir.path) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok())
                    .map(|e| (e.file_name(), e.file_type().ok()))
                    .collect(),
                Err(e) => {
                    self.unreadable(&dir.rel, &format!("cannot read the folder: {e}"));
                    return true;
                }
            };
        if !dir.rel.is_empty() && names.iter().any(|(n, _)| n == paths::OUTPUT_MARKER) {
            // A folder Folio built into: its pages are output, not content.
            return true;
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, file_type) in names {
            let Some(name) = name.to_str() else {
                let shown = paths::child(&dir.rel, &name.to_string_lossy());
                self.unreadable(&shown, "the file name is not valid UTF-8; rename it");
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            self.entries += 1;
            if self.entries > limits::CONTENT_ENTRIES {
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::LimitExceeded,
                        self.config.display_path(&self.config.content_dir),
                        format!(
                            "the content folder has more than {} files and folders (symlinked folders counted each time they are reached); the rest is not read",
                            limits::CONTENT_ENTRIES
                        ),
                    )
                    .at(1, 1)
                    .hint("remove symlinks that make folders appear many times, or split the site"),
                );
                return false;
            }
            let rel = paths::child(&dir.rel, name);
            let path = dir.path.join(name);
            match self.look_at(&rel, &path, file_type, &dir.real) {
                Found::Dir(real) => {
                    let real = real.unwrap_or_else(|| dir.real.join(name));
                    if depth(&rel) > limits::FOLDER_DEPTH {
                        self.too_deep(&rel);
                    } else if !real.starts_with(&self.boundary.output) {
                        stack.push(Dir { rel, path, real });
                    }
                }
                Found::File => {
                    if let Some(kind) = super::classify_name(self.config, &rel) {
                        self.files.push((rel, kind));
                    }
                }
                Found::Nothing => {}
            }
        }
        true
    }

    /// Whether an entry is a folder (with its real path when a symlink led
    /// there) or a regular file; `Nothing` for what the walk does not read
    /// (other file types, symlinks it does not follow, entries it cannot
    /// look at).
    fn look_at(
        &mut self,
        rel: &str,
        path: &Path,
        file_type: Option<std::fs::FileType>,
        parent: &Path,
    ) -> Found {
        let file_type = match file_type {
            Some(t) => t,
            None => match std::fs::symlink_metadata(path) {
                Ok(m) => m.file_type(),
                Err(e) => {
                    self.unreadable(rel, &format!("cannot read: {e}"));
                    return Found::Nothing;
                }
            },
        };
        if file_type.is_dir() {
            return Found::Dir(None);
        }
        if file_type.is_file() {
            return Found::File;
        }
        if !file_type.is_symlink() {
            return Found::Nothing;
        }
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            Err(e) => {
                self.unreadable(
                    rel,
                    &format!("cannot read: {e} (a symlink may point nowhere)"),
                );
                return Found::Nothing;
            }
        };
        let is_dir = target.is_dir();
        if !is_dir && !target.is_file() {
            return Found::Nothing;
        }
        if let Some(refusal) = self.boundary.refuse(&target, parent, is_dir) {
            if is_dir || super::classify_name(self.config, rel).is_some() {
                self.diagnostics
                    .push(refused(self.config, rel, path, refusal));
            }
            return Found::Nothing;
        }
        if is_dir {
            Found::Dir(Some(target))
        } else {
            Found::File
        }
    }

    fn too_deep(&mut self, rel: &str) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::LimitExceeded,
                self.config.source_path(rel),
                format!(
                    "this folder is more than {} folders deep in the content folder; nothing in it is read",
                    limits::FOLDER_DEPTH
                ),
            )
            .at(1, 1)
            .hint("move its files to a shallower folder"),
        );
    }

    fn unreadable(&mut self, rel: &str, reason: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::FileUnreadable, self.config.source_path(rel), reason)
                .at(1, 1)
                .hint("check that the file exists (a symlink may point nowhere) and is readable"),
        );
    }
}

/// The `symlink-outside` warning for a symlink that is not followed.
fn refused(config: &Config, rel: &str, link: &Path, refusal: Refusal) -> Diagnostic {
    let written = std::fs::read_link(link)
        .map(|t| {
            t.to_string_lossy()
                .chars()
                .flat_map(char::escape_debug)
                .collect::<String>()
        })
        .unwrap_or_default();
    let (why, hint) = match refusal {
        Refusal::Outside => (
            "its target is outside the site",
            "copy what it points at into the site; or, if you trust everything the link can reach, set `follow_symlinks: true` in folio.yml",
        ),
        Refusal::Output => (
            "its target is in (or contains) the output folder, so the site would publish itself",
            "remove the link",
        ),
        Refusal::Cycle => (
            "its target is a folder that contains the link, so reading it would never end",
            "remove the link, or point it at a folder beside it",
        ),
    };
    Diagnostic::new(
        Code::SymlinkOutside,
        config.source_path(rel),
        format!("`{rel}` is a symlink to `{written}`; {why}, so it is not followed"),
    )
    .at(1, 1)
    .hint(hint)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    use crate::check::tests::TempDir;

    fn config(dir: &Path, yml: &str) -> Config {
        Config::parse(dir, &dir.join("folio.yml"), yml).unwrap()
    }

    fn files(config: &Config) -> Vec<String> {
        scan(config, "").0.into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn links_inside_the_site_are_followed_and_others_are_not() {
        let site = TempDir::new("walk-links");
        let outside = TempDir::new("walk-outside");
        outside.write("secret.md", "# Secret");
        outside.write("dir/leak.png", "x");
        site.write("content/en/index.md", "# Home");
        site.write("shared/logo.png", "x");
        site.write("public/old.html", "x");
        let c = |p: &str| site.path().join("content").join(p);
        symlink(outside.path().join("secret.md"), c("en/secret.md")).unwrap();
        symlink(outside.path().join("dir"), c("en/dir")).unwrap();
        symlink(site.path().join("shared"), c("en/shared")).unwrap();
        symlink(site.path().join("public"), c("pub")).unwrap();
        symlink(c("en"), c("en/loop")).unwrap();
        symlink("/", c("rootlink")).unwrap();
        let cfg = config(site.path(), "");
        assert_eq!(files(&cfg), ["en/index.md", "en/shared/logo.png"]);
        let (_, found) = scan(&cfg, "");
        let mut warned: Vec<&str> = found
            .iter()
            .inspect(|d| assert_eq!(d.code, Code::SymlinkOutside, "{d}"))
            .map(|d| d.file.as_str())
            .collect();
        warned.sort();
        assert_eq!(
            warned,
            [
                "content/en/dir",
                "content/en/loop",
                "content/en/secret.md",
                "content/pub",
                "content/rootlink"
            ]
        );
        // The single-path check the watcher uses agrees.
        assert!(admitted(&cfg, "en/index.md"));
        assert!(admitted(&cfg, "en/shared/logo.png"));
        for refused in [
            "en/secret.md",
            "en/dir/leak.png",
            "pub/old.html",
            "en/loop/index.md",
            "rootlink/etc/passwd",
        ] {
            assert!(!admitted(&cfg, refused), "{refused}");
            assert_eq!(crate::content::classify(&cfg, refused), None, "{refused}");
        }
        // Opting in follows links out of the site, never into the output or around a cycle.
        let cfg = config(site.path(), "follow_symlinks: true");
        assert_eq!(
            files(&cfg),
            [
                "en/dir/leak.png",
                "en/index.md",
                "en/secret.md",
                "en/shared/logo.png"
            ]
        );
        assert!(!admitted(&cfg, "pub/old.html"));
        assert!(!admitted(&cfg, "rootlink/etc/passwd"));
    }

    #[test]
    fn output_folders_inside_the_content_are_not_content() {
        let site = TempDir::new("walk-output");
        site.write("en/index.md", "# Home");
        site.write("public/en/index.html", "<p>built</p>");
        site.write("_site/.folio-output", "");
        site.write("_site/en/index.html", "<p>built elsewhere</p>");
        site.write("folio.yml", "content_dir: .\noutput_dir: public");
        site.write("theme/folio.css", "body {}");
        let cfg = config(site.path(), "content_dir: .\noutput_dir: public");
        assert_eq!(files(&cfg), ["en/index.md"]);
        for rel in [
            "_site/en/index.html",
            "public/en/index.html",
            "folio.yml",
            "theme/folio.css",
        ] {
            assert_eq!(crate::content::classify(&cfg, rel), None, "{rel}");
        }
    }

    #[test]
    fn deep_folders_are_a_limit_not_a_crash() {
        let site = TempDir::new("walk-deep");
        let deep: String = (0..limits::FOLDER_DEPTH + 3)
            .map(|i| format!("d{i}/"))
            .collect();
        let at_limit: String = (0..limits::FOLDER_DEPTH)
            .map(|i| format!("d{i}/"))
            .collect();
        site.write(&format!("content/{deep}a.md"), "# Deep");
        site.write(&format!("content/{at_limit}b.md"), "# At the limit");
        let cfg = config(site.path(), "");
        let (found, diagnostics) = scan(&cfg, "");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, format!("{at_limit}b.md"));
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].code, Code::LimitExceeded);
        assert!(!admitted(&cfg, &format!("{deep}a.md")));
    }
}
