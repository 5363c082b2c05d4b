//! Helpers for integration tests: throwaway sites on disk and the real
//! `folio` binary run against them.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub mod browser;
pub mod html;
pub mod http;
#[allow(unused_imports)]
pub use http::*;

/// Upper bound for anything a test waits for; typical is well under 0.5 s.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// A site in a fresh temporary directory (the `tempfile` crate), deleted
/// on drop; named `folio-it-<name>-…`, never hidden (Folio skips hidden
/// folders).
pub struct TempSite {
    pub root: PathBuf,
    _dir: tempfile::TempDir,
}

impl TempSite {
    pub fn new(name: &str) -> TempSite {
        let dir = tempfile::Builder::new()
            .prefix(&format!("folio-it-{name}-"))
            .tempdir()
            .expect("create temp site");
        TempSite {
            root: dir.path().to_path_buf(),
            _dir: dir,
        }
    }

    /// A copy of the repository's sample site, plus a page with a
    /// non-ASCII name and an asset of every served type.
    pub fn sample(name: &str) -> TempSite {
        let site = TempSite::new(name);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &site.root.join("content"));
        std::fs::copy(repo.join("folio.yml"), site.root.join("folio.yml")).expect("copy folio.yml");
        site.write(
            "content/english-playbook/überblick.md",
            "---\ntitle: Überblick\ndescription: A page with a non-ASCII name.\nms.date: 2024-03-01\n---\n\n# Überblick\n\nUnicode paths work.\n",
        );
        site.write(
            "content/english-playbook/ガイド.md",
            "---\ntitle: ガイド\ndescription: A page with a Japanese name.\nms.date: 2024-03-01\n---\n\n# ガイド\n\nJapanese paths work.\n",
        );
        for ext in [
            "css", "js", "json", "png", "jpg", "gif", "webp", "ico", "pdf", "woff2", "xml", "txt",
        ] {
            site.write(&format!("content/english-playbook/media/sample.{ext}"), "x");
        }
        site
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn edit(&self, rel: &str, change: impl FnOnce(String) -> String) {
        let text = self.read(rel);
        self.write(rel, &change(text));
    }

    /// Writes a file (path relative to the site root), creating folders.
    pub fn write(&self, rel: &str, text: &str) -> &TempSite {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &TempSite {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
        std::fs::write(&path, bytes).expect("write file");
        self
    }

    /// Runs `folio <command> --root <site> <args…>`.
    pub fn folio(&self, command: &str, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_folio"))
            .arg(command)
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .output()
            .expect("run folio");
        Run::from(output)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// A file of the default output directory, as text.
    pub fn output(&self, rel: &str) -> String {
        let path = self.root.join("public").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).exists()
    }
}

/// The outcome of one run of the binary.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Both streams, for assertion messages.
    pub fn all(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Every file under a directory, relative path → bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

/// A test's prerequisite that a machine may lack (`../shared`, Chromium,
/// python3). Present: true. Missing: with `CI` set the test fails, since CI
/// must provide it; otherwise a `SKIP` line is written straight to stderr
/// (past the test harness's output capture, so it shows in a plain
/// `cargo test`) and the test returns false to stop.
pub fn require(test: &str, what: &str, present: bool) -> bool {
    if present {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: needs {what}, which is missing; with CI set this fails rather than skips"
    );
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIP {test}: needs {what}, which is missing (with CI set this fails)"
    );
    false
}

/// A path under the shared folder beside the repository (`../shared`),
/// through [`require`]: `None` means skip.
pub fn shared(test: &str, rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    let present = path.exists();
    require(test, &format!("../shared/{rel}"), present).then_some(path)
}

/// Whether a program runs (`python3 --version`), through [`require`].
pub fn program(test: &str, program: &str) -> bool {
    let runs = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    require(test, program, runs)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
