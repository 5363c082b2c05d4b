//! Folio: a static site generator for localized playbooks.
//!
//! The pipeline, one module per stage: `config` → `content` → [`markdown`]
//! → [`site`] → [`check`] and `render` → [`serve`]. `main.rs` only parses
//! arguments and calls the functions below, so tests and benchmarks run
//! exactly what users run. See `ARCHITECTURE.md`.
//!
//! The public API is what `main.rs`, the integration tests and the
//! benchmarks need; everything else is `pub(crate)`, and the compiler
//! holds it there (`unreachable_pub`).

#![warn(unreachable_pub, missing_docs)]

pub mod check;
pub mod config;
mod content;
pub mod diagnostic;
#[doc(hidden)]
pub mod fuzzing;
mod html;
mod i18n;
pub mod init;
pub mod limits;
pub mod markdown;
mod paths;
mod render;
mod search;
pub mod serve;
pub mod site;
pub mod status;
mod text;
mod timing;
pub mod yaml;

pub use render::output::OutputError;

use check::report::Summary;
use config::{Config, ConfigError};
use diagnostic::{Code, Diagnostic};
use render::output::OutputDir;
use render::{Renderer, Templates};
use site::{Purpose, Site};
use std::path::Path;
use std::time::{Duration, Instant};
use thiserror::Error;
use timing::phase;

/// Problems that stop a command before it can look at pages (exit code 2).
#[derive(Debug, Error)]
pub enum Error {
    /// `folio.yml` is invalid or unreadable, or the content folder is missing.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The output folder is unsafe to write into, or cannot be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A command-line value names nothing the site has.
    #[error("{0}")]
    Usage(String),
}

/// Loads `root/folio.yml`; `out` (relative to the working directory)
/// replaces `output_dir`, as `--out` does.
pub fn load_config(root: &Path, out: Option<&Path>) -> Result<Config, ConfigError> {
    let mut config = Config::load(root)?;
    config.require_content_dir()?;
    if let Some(out) = out {
        config.set_output_dir(paths::absolute(out));
    }
    Ok(config)
}

/// What `folio build` did.
#[derive(Debug)]
pub struct BuildOutcome {
    /// Pages, languages, errors and warnings, as the last line prints them.
    pub summary: Summary,
    /// Diagnostics of the site (the same checks as `folio check`) and of rendering.
    pub diagnostics: Vec<Diagnostic>,
    /// Pages that could not be built (unreadable, bad front matter, template errors).
    pub failed: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
}

/// Builds the site into its output directory.
pub fn build(config: Config) -> Result<BuildOutcome, Error> {
    let started = Instant::now();
    let output = OutputDir::prepare(&config, false)?;
    let site = Site::load(config, Purpose::Build);
    let SiteBuild {
        diagnostics,
        failed,
    } = build_site(&site, &output)?;
    Ok(BuildOutcome {
        summary: Summary::new(
            &diagnostics,
            site.published().count(),
            site.languages_in_use().len(),
        ),
        diagnostics,
        failed,
        elapsed: started.elapsed(),
    })
}

/// What checking and rendering a loaded site found.
struct SiteBuild {
    diagnostics: Vec<Diagnostic>,
    /// Pages that could not be built.
    failed: usize,
}

/// Checks and renders a loaded site.
fn build_site(site: &Site, output: &OutputDir) -> Result<SiteBuild, Error> {
    let mut failed = site.sources().filter(|(_, p)| p.failed).count();
    // Rendering first: the build's memory peaks while it renders, and the
    // checks' diagnostics (33,000 on the 10,000-page benchmark) need not
    // be held meanwhile. Neither reads the other's results.
    let rendered = match Templates::load(&site.config.root) {
        Ok(templates) => {
            let report = phase("render", || {
                Renderer::new(site, &templates).render_all(output)
            })?;
            failed += report
                .diagnostics
                .iter()
                .filter(|d| d.code == Code::TemplateError)
                .count();
            report.diagnostics
        }
        Err(d) => {
            failed = site.pages().len();
            vec![*d]
        }
    };
    let mut found = phase("check", || check::run(site));
    found.extend(rendered);
    Ok(SiteBuild {
        diagnostics: check::finish(site, found),
        failed,
    })
}

/// What `folio check` found.
#[derive(Debug)]
pub struct CheckOutcome {
    /// Pages, languages, errors and warnings, as the last line prints them.
    pub summary: Summary,
    /// Every diagnostic, sorted, with the site's severities.
    pub diagnostics: Vec<Diagnostic>,
    site: Site,
    /// What `--external` did, when it ran.
    pub external: Option<check::external::Stats>,
}

impl CheckOutcome {
    /// The text of a site file named as diagnostics name it (pages,
    /// fragments, tocs), for report excerpts.
    pub fn source_text(&self, shown: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.site.source_text(shown)
    }
}

/// Runs every local check and, given options, checks http(s) links too
/// (`--external`; the only part that uses the network or writes a file,
/// its cache).
pub fn check_with(config: Config, external: Option<&check::external::Options>) -> CheckOutcome {
    let site = Site::load(config, Purpose::Check);
    let mut diagnostics = phase("check", || check::run(&site));
    let mut stats = None;
    if let Some(options) = external {
        let (found, s) = check::external::check(&site, options);
        diagnostics.extend(found);
        diagnostics = check::finish(&site, diagnostics);
        stats = Some(s);
    }
    CheckOutcome {
        summary: Summary::new(
            &diagnostics,
            site.published().count(),
            site.languages_in_use().len(),
        ),
        diagnostics,
        site,
        external: stats,
    }
}

/// The site's translation status (`folio status`); `language` (a code)
/// keeps one language only.
pub fn status(config: Config, language: Option<&str>) -> Result<status::Report, Error> {
    let lang = match language {
        None => None,
        Some(code) => Some(
            config
                .languages()
                .find(|(_, l)| l.code == code)
                .map(|(id, _)| id)
                .ok_or_else(|| {
                    let codes: Vec<&str> =
                        config.languages().map(|(_, l)| l.code.as_str()).collect();
                    Error::Usage(format!(
                        "--language {code}: not one of the site's languages ({})",
                        codes.join(", ")
                    ))
                })?,
        ),
    };
    let site = Site::load(config, Purpose::Check);
    let base = site.config.base_url.clone();
    let url = |location: &str| paths::absolute_url(&base, location);
    let links = status::Links {
        url: &url,
        files: false,
    };
    Ok(status::Report::of(&site, lang, &links))
}
