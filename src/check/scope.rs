//! `folio check --files PATH…` and `--changed-from REF`: report only the
//! diagnostics of some files. The whole site is still loaded and every
//! link resolved against it; only the report is narrowed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use thiserror::Error;

/// The files cannot be listed (exit code 2).
#[derive(Debug, Error)]
pub enum ScopeError {
    /// `git` could not be run, or it refused.
    #[error("--changed-from {reference}: {message}")]
    Git {
        /// The reference as given.
        reference: String,
        /// What went wrong, and what to do.
        message: String,
    },
}

/// The files (and folders) whose diagnostics are reported, as absolute
/// paths with symlinks resolved.
#[derive(Clone, Debug, Default)]
pub struct FileScope {
    paths: BTreeSet<PathBuf>,
}

impl FileScope {
    /// Paths as given on the command line (relative to the working
    /// directory); a folder stands for everything in it.
    pub fn of_paths(paths: &[PathBuf]) -> FileScope {
        FileScope {
            paths: paths.iter().map(|p| crate::paths::real_path(p)).collect(),
        }
    }

    /// The files changed since the merge base of `reference` and `HEAD`,
    /// committed or not, plus untracked files, in the git work tree that
    /// holds `root` (as `git diff --name-only` lists them).
    pub fn changed_from(root: &Path, reference: &str) -> Result<FileScope, ScopeError> {
        let git = |args: &[&str]| run_git(root, reference, args);
        let base = git(&["merge-base", reference, "HEAD"])?;
        let base = base.trim();
        let mut listed = git(&["diff", "--name-only", "-z", "--relative", base, "--"])?;
        listed.push_str(&git(&["ls-files", "--others", "--exclude-standard", "-z"])?);
        let paths = listed
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(|p| crate::paths::real_path(&root.join(p)))
            .collect();
        Ok(FileScope { paths })
    }

    /// How many files or folders were named.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Nothing was named (or nothing changed).
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Is the file a diagnostic names (relative to the site `root`) one of
    /// the scope's, or inside one of its folders?
    pub fn contains(&self, root: &Path, file: &str) -> bool {
        let path = crate::paths::real_path(&root.join(file));
        self.paths.iter().any(|p| path.starts_with(p))
    }
}

/// Runs `git -C root ARGS` and returns its standard output.
fn run_git(root: &Path, reference: &str, args: &[&str]) -> Result<String, ScopeError> {
    let fail = |message: String| ScopeError::Git {
        reference: reference.to_string(),
        message,
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(fail(format!(
            "`git {}` failed: {}; in CI, fetch the whole history (actions/checkout with fetch-depth: 0)",
            args.join(" "),
            said.trim()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| fail("git printed a path that is not UTF-8".into()))
}
