//! What `folio check` reports and fails on, once the site is checked:
//! all diagnostics, or only those of some files (`--files`,
//! `--changed-from`), or only those a baseline does not know
//! (`--baseline`), or none while the baseline is rewritten
//! (`--update-baseline`).

use super::baseline::{Baseline, BaselineError, Comparison, Entry};
use super::report::Summary;
use super::scope::{FileScope, ScopeError};
use crate::CheckOutcome;
use crate::diagnostic::Diagnostic;
use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The gate cannot be applied (exit code 2).
#[derive(Debug, Error)]
pub enum GateError {
    /// The baseline cannot be read or written.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// `--changed-from` could not list the changed files.
    #[error(transparent)]
    Scope(#[from] ScopeError),
}

/// How to narrow the report.
#[derive(Clone, Debug, Default)]
pub struct GateOptions {
    /// `--baseline FILE`.
    pub baseline: Option<PathBuf>,
    /// `--update-baseline`: write the baseline instead of comparing.
    pub update_baseline: bool,
    /// `--files` or `--changed-from`.
    pub scope: Option<FileScope>,
}

/// What a baseline did (in `--format json` as `baseline`, with `action`).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum BaselineReport {
    /// The diagnostics were compared with the file.
    Compared {
        /// The baseline file as given.
        file: String,
        /// Current diagnostics the baseline knows (not reported).
        known: usize,
        /// Entries no diagnostic matches any more.
        fixed: Vec<Entry>,
    },
    /// The file was (re)written with every current diagnostic.
    Updated {
        /// The baseline file as given.
        file: String,
        /// Problems written, duplicates counted.
        problems: usize,
        /// Files they are in.
        files: usize,
        /// Problems the old file had, if there was one.
        before: Option<usize>,
    },
}

/// The diagnostics to report and fail on.
#[derive(Debug)]
pub struct Gate {
    /// In report order.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts of `diagnostics`, with the site's pages and languages.
    pub summary: Summary,
    /// With `--baseline`.
    pub baseline: Option<BaselineReport>,
    /// With `--files` or `--changed-from`: files and folders named.
    pub scope: Option<usize>,
}

/// Narrows `outcome`'s diagnostics as `options` say; `root` is the site
/// root, the folder diagnostics' file names are relative to.
pub fn apply(
    outcome: &CheckOutcome,
    root: &Path,
    options: &GateOptions,
) -> Result<Gate, GateError> {
    let source = |file: &str| outcome.source_text(file);
    let in_scope = |file: &str| {
        options
            .scope
            .as_ref()
            .is_none_or(|s| s.contains(root, file))
    };
    let mut diagnostics: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| in_scope(&d.file))
        .cloned()
        .collect();
    let mut report = None;
    if let Some(path) = &options.baseline {
        let file = path.display().to_string();
        if options.update_baseline {
            let before = match Baseline::load(path) {
                Ok(old) => Some(old.len()),
                Err(BaselineError::Missing(_)) => None,
                // A damaged file is replaced: that is what updating is for.
                Err(BaselineError::Invalid { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            let baseline = Baseline::of(&outcome.diagnostics, &source);
            baseline.save(path)?;
            let files: std::collections::BTreeSet<&str> = outcome
                .diagnostics
                .iter()
                .map(|d| d.file.as_str())
                .collect();
            report = Some(BaselineReport::Updated {
                file,
                problems: baseline.len(),
                files: files.len(),
                before,
            });
            diagnostics.clear();
        } else {
            let Comparison { new, known, fixed } =
                Baseline::load(path)?.compare(&diagnostics, &source, &in_scope);
            diagnostics = new;
            report = Some(BaselineReport::Compared { file, known, fixed });
        }
    }
    let summary = Summary::new(
        &diagnostics,
        outcome.summary.pages,
        outcome.summary.languages,
    );
    Ok(Gate {
        diagnostics,
        summary,
        baseline: report,
        scope: options.scope.as_ref().map(FileScope::len),
    })
}
