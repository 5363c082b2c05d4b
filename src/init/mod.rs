//! `folio init [DIR]`: point Folio at a folder.
//!
//! A folder that already holds Markdown is inspected (`survey`) and a
//! commented `folio.yml` is written from what was found (`detect`,
//! `place`, `write`): the content folder, the languages (folder names,
//! filename suffixes) and the default one, the front matter every page
//! has, the task-table labels per language, archive folders to exclude.
//! An empty or new folder gets a small starter playbook (`starter`).
//! An existing `folio.yml` is never replaced without `--force`, and what
//! is written is first parsed as Folio will read it.

mod detect;
mod languages;
mod place;
mod starter;
mod survey;
mod tasks;
mod write;

use crate::config::{CONFIG_FILE, Config};
use detect::Plan;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why `folio init` wrote nothing (exit code 2).
#[derive(Debug, Error)]
pub enum InitError {
    /// `folio.yml` is there already and `--force` was not given.
    #[error("{}: already exists; Folio never replaces it unless you pass --force", .0.display())]
    Exists(PathBuf),
    /// The folder cannot be made or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// What init would write does not parse (a bug in Folio: say so).
    #[error("the folio.yml that init made is not valid ({0}); please report this")]
    Invalid(String),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> InitError + '_ {
    move |source| InitError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What `folio init` did, printed as its output.
#[derive(Debug)]
pub enum Report {
    /// A folio.yml was written for the Markdown found.
    Inspected {
        /// The file written.
        path: PathBuf,
        /// What was found.
        plan: Box<PlanSummary>,
    },
    /// The folder held no Markdown: a starter playbook was written.
    Starter {
        /// The folder.
        dir: PathBuf,
        /// Files written, relative to the folder.
        written: Vec<String>,
        /// Files that were there already and kept.
        kept: Vec<String>,
    },
}

/// What was found, as the report prints it (the plan, kept opaque).
#[derive(Debug)]
pub struct PlanSummary(Plan);

/// Sets up `dir` (created when missing); `force` replaces a `folio.yml`.
pub fn run(dir: &Path, force: bool) -> Result<Report, InitError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let path = dir.join(CONFIG_FILE);
    if path.exists() && !force {
        return Err(InitError::Exists(path));
    }
    let survey = survey::Survey::of(dir);
    if survey.is_new() {
        return starter(dir, force);
    }
    let plan = detect::plan(dir, &survey);
    let default = plan
        .languages
        .first()
        .map_or_else(|| "en".to_string(), |l| l.code.clone());
    let text = write::config(&plan, &default);
    Config::parse(dir, &path, &text).map_err(|e| InitError::Invalid(e.to_string()))?;
    write_file(&path, &text, force)?;
    Ok(Report::Inspected {
        path,
        plan: Box::new(PlanSummary(plan)),
    })
}

/// Writes a file; without `replace`, only if it does not exist yet.
fn write_file(path: &Path, text: &str, replace: bool) -> Result<(), InitError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if replace {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(io(path))?;
    file.write_all(text.as_bytes()).map_err(io(path))
}

/// The starter playbook; files already there are kept (`folio.yml` is
/// replaced only with `force`).
fn starter(dir: &Path, force: bool) -> Result<Report, InitError> {
    let mut written = Vec::new();
    let mut kept = Vec::new();
    for (rel, text) in starter::FILES {
        let path = dir.join(rel);
        let replace = force && *rel == CONFIG_FILE;
        if path.exists() && !replace {
            kept.push(rel.to_string());
            continue;
        }
        write_file(&path, text, replace)?;
        written.push(rel.to_string());
    }
    Ok(Report::Starter {
        dir: dir.to_path_buf(),
        written,
        kept,
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Report::Inspected { path, plan } => inspected(f, path, &plan.0),
            Report::Starter { dir, written, kept } => {
                writeln!(
                    f,
                    "{} holds no Markdown: wrote a starter playbook",
                    dir.display()
                )?;
                for w in written {
                    writeln!(f, "  wrote {w}")?;
                }
                for k in kept {
                    writeln!(f, "  kept  {k} (it was there already)")?;
                }
                writeln!(
                    f,
                    "next: folio serve --root {}   (or folio check, folio build)",
                    dir.display()
                )
            }
        }
    }
}

fn inspected(f: &mut fmt::Formatter<'_>, path: &Path, plan: &Plan) -> fmt::Result {
    writeln!(
        f,
        "content_dir: {} ({})",
        plan.content_dir, plan.content_why
    )?;
    writeln!(
        f,
        "output_dir: {} (inside the content folder is fine: Folio never reads its own output)",
        plan.output_dir
    )?;
    writeln!(
        f,
        "languages, {}: {}",
        plan.default_why.0, plan.default_why.1
    )?;
    languages(f, plan)?;
    let required: Vec<String> = plan
        .required
        .iter()
        .map(|(k, n)| format!("{k} ({n})"))
        .collect();
    writeln!(
        f,
        "front_matter.required: {} (keys on at least 95 % of {} pages)",
        if required.is_empty() {
            "none".into()
        } else {
            required.join(", ")
        },
        plan.pages
    )?;
    match &plan.date_key {
        Some((k, n, d)) => writeln!(
            f,
            "front_matter.date_key: {k} (on {n} pages, {d} of them dates)"
        )?,
        None => writeln!(
            f,
            "front_matter.date_key: none found (Folio's default ms.date stays)"
        )?,
    }
    tasks(f, plan)?;
    let mut excluded: Vec<String> = plan.exclude.iter().map(|e| format!("{e}/")).collect();
    excluded.extend(plan.exclude_files.iter().cloned());
    let exclude = if excluded.is_empty() {
        "nothing".to_string()
    } else {
        excluded.join(", ")
    };
    writeln!(f, "exclude: {exclude}")?;
    for note in &plan.notes {
        writeln!(f, "note: {note}")?;
    }
    writeln!(f, "wrote {}", path.display())?;
    writeln!(
        f,
        "next: folio check --root {}   (add {}/ and .folio-cache/ to .gitignore)",
        path.parent()
            .map_or(".".into(), |p| p.display().to_string()),
        plan.output_dir
    )
}

fn languages(f: &mut fmt::Formatter<'_>, plan: &Plan) -> fmt::Result {
    for l in &plan.languages {
        let folder = if l.dir.is_empty() {
            "(no folder)".to_string()
        } else {
            format!("{}/", l.dir)
        };
        let suffixes = if l.suffixes.is_empty() {
            String::new()
        } else {
            format!(", suffixes {}", l.suffixes.join(" "))
        };
        writeln!(
            f,
            "  {:<8} {:<12} {folder}{suffixes}: {} pages, {} translated ({}: {})",
            l.code, l.name, l.pages, l.translated, l.sure, l.why
        )?;
    }
    Ok(())
}

fn tasks(f: &mut fmt::Formatter<'_>, plan: &Plan) -> fmt::Result {
    for (code, l) in &plan.tasks {
        writeln!(
            f,
            "tasks.{code}: {} tables; id {}; requirement {}; mandatory {} / optional {} ({})",
            l.tables,
            l.id.join(" | "),
            l.requirement.join(" | "),
            l.mandatory.join(" "),
            l.optional.join(" "),
            if l.sure {
                "sure: header letters and values agree"
            } else {
                "a guess: check them"
            }
        )?;
    }
    if plan.tasks.is_empty() {
        writeln!(
            f,
            "tasks: no task tables found (tables whose first column is numeric IDs)"
        )?;
    }
    Ok(())
}
