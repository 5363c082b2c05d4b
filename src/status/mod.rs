//! `folio status`: the site's translation status as a report — `human`,
//! `json` (the same document as the site's `/status.json`, a contract) and
//! `markdown` (a compact table for a pull-request comment). It is a
//! report, not a gate: `folio check` is the gate.

mod format;

use crate::config::LangId;
use crate::diagnostic::Diagnostic;
use crate::site::translations::{Cell, KeyStatus, Stamp, State, expected_path};
use crate::site::{PageId, Site};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The formats of `folio status --format` (names are a public contract;
/// `markdown` means what it means for `folio check`: a table for a
/// pull-request comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    // As for `check::report::Format`: `--format`'s help describes them.
    #[allow(missing_docs)]
    Human,
    #[allow(missing_docs)]
    Json,
    #[allow(missing_docs)]
    Markdown,
}

/// The translation status of a site, as `folio status` and `/status.json`
/// give it.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub(crate) default_language: String,
    /// `date`, or `git` when the history was read.
    pub(crate) staleness: &'static str,
    pub(crate) languages: Vec<LanguageSummary>,
    pub(crate) pages: Vec<PageRow>,
    /// Why the history could not be used (`translation-history`), if so.
    #[serde(skip)]
    pub(crate) warnings: Vec<Diagnostic>,
}

/// One language's totals.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LanguageSummary {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) coverage: Coverage,
    /// Translations in each state (out-of-scope translations included).
    pub(crate) counts: BTreeMap<&'static str, usize>,
}

/// Default-language pages meant to be translated, and how many are current.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Coverage {
    /// `current` ÷ `in_scope`, in percent, one decimal (100 when nothing is in scope).
    pub(crate) percent: f64,
    pub(crate) current: usize,
    pub(crate) in_scope: usize,
}

/// One translation key.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PageRow {
    /// `""` for a language's home.
    pub(crate) key: String,
    /// The default-language page (`null` for orphans).
    pub(crate) source: Option<FileInfo>,
    /// By language code.
    pub(crate) translations: BTreeMap<String, TranslationInfo>,
}

/// A file of the report: the original, or a translation.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FileInfo {
    /// Relative to the site root.
    pub(crate) file: String,
    /// Where it is published (`null` when it could not be built).
    pub(crate) url: Option<String>,
    /// When it last changed, as staleness compared it.
    pub(crate) updated: Option<String>,
    /// That change's commit (`staleness: git`).
    pub(crate) commit: Option<CommitInfo>,
    /// A link to the file (`translations.source_url`; dashboard only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) file_href: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct CommitInfo {
    pub(crate) hash: String,
    pub(crate) subject: String,
}

/// One translation of a key.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TranslationInfo {
    pub(crate) status: State,
    /// Meant to be translated (`translations.scope`, `exclude`).
    pub(crate) in_scope: bool,
    /// The translation's file (`null` when missing), relative to the site root.
    pub(crate) file: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) updated: Option<String>,
    pub(crate) commit: Option<CommitInfo>,
    /// Days behind the original, when older than it.
    pub(crate) behind_days: Option<i64>,
    /// Where to create it, when missing.
    pub(crate) expected: Option<String>,
    /// The page readers get meanwhile, made from the original.
    pub(crate) fallback: Option<String>,
    /// A link to the file (`translations.source_url`; dashboard only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) file_href: Option<String>,
}

/// How the report writes page URLs and file links.
pub(crate) struct Links<'a> {
    /// A site-relative URL (`es/kickoff/`) as written in the report.
    pub(crate) url: &'a dyn Fn(&str) -> String,
    /// Link files to `translations.source_url`.
    pub(crate) files: bool,
}

impl Report {
    /// The report of a loaded site; `language` keeps one language only.
    pub(crate) fn of(site: &Site, language: Option<LangId>, links: &Links<'_>) -> Report {
        let config = &site.config;
        let status = site.translation_status();
        let wanted =
            |lang: LangId| lang != config.default_language && language.is_none_or(|l| l == lang);
        let pages: Vec<PageRow> = status
            .keys()
            .iter()
            .filter_map(|key| page_row(site, key, &wanted, links))
            .collect();
        let languages = config
            .languages()
            .filter(|(l, _)| wanted(*l))
            .map(|(lang, language)| summary(site, lang, &language.code, &language.name))
            .collect();
        Report {
            default_language: config.default_lang().code.clone(),
            staleness: status.staleness.as_str(),
            languages,
            pages,
            warnings: site.translation_diagnostics().to_vec(),
        }
    }

    /// Writes the report.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, self)?;
                writeln!(out)
            }
            Format::Human => format::human(self, out),
            Format::Markdown => format::markdown(self, out),
        }
    }

    /// Why git history was not used, as diagnostics (stderr material).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

fn summary(site: &Site, lang: LangId, code: &str, name: &str) -> LanguageSummary {
    let mut counts: BTreeMap<&'static str, usize> =
        State::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    let (mut current, mut in_scope) = (0, 0);
    for key in site.translation_status().keys() {
        let Some(cell) = key.cells.get(lang.index()).and_then(Option::as_ref) else {
            continue;
        };
        *counts.entry(cell.state.as_str()).or_default() += 1;
        if key.original.is_some() && cell.in_scope {
            in_scope += 1;
            current += usize::from(cell.state == State::Current);
        }
    }
    let percent = if in_scope == 0 {
        100.0
    } else {
        (current as f64 * 1000.0 / in_scope as f64).round() / 10.0
    };
    LanguageSummary {
        code: code.to_string(),
        name: name.to_string(),
        coverage: Coverage {
            percent,
            current,
            in_scope,
        },
        counts,
    }
}

fn page_row(
    site: &Site,
    key: &KeyStatus,
    wanted: &dyn Fn(LangId) -> bool,
    links: &Links<'_>,
) -> Option<PageRow> {
    let config = &site.config;
    let translations: BTreeMap<String, TranslationInfo> = key
        .cells(config)
        .filter(|(lang, _)| wanted(*lang))
        .map(|(lang, cell)| {
            let code = config.language(lang).code.clone();
            (code, translation_info(site, key, lang, cell, links))
        })
        .collect();
    if translations.is_empty() && key.original.is_none() {
        return None;
    }
    Some(PageRow {
        key: key.key.as_str().to_string(),
        source: key
            .original
            .map(|p| file_info(site, p, key.source_updated.as_ref(), links)),
        translations,
    })
}

fn translation_info(
    site: &Site,
    key: &KeyStatus,
    lang: LangId,
    cell: &Cell,
    links: &Links<'_>,
) -> TranslationInfo {
    let config = &site.config;
    let fallback = cell
        .fallback
        .then(|| (links.url)(&key.key.url(config.language(lang))));
    let file = cell
        .page
        .map(|p| file_info(site, p, cell.updated.as_ref(), links));
    TranslationInfo {
        status: cell.state,
        in_scope: cell.in_scope,
        url: file.as_ref().and_then(|f| f.url.clone()),
        updated: file.as_ref().and_then(|f| f.updated.clone()),
        commit: file.as_ref().and_then(|f| f.commit.clone()),
        behind_days: cell.behind_days,
        expected: cell
            .page
            .is_none()
            .then(|| config.source_path(&expected_path(site, key.key.as_str(), lang))),
        fallback,
        file_href: file.as_ref().and_then(|f| f.file_href.clone()),
        file: file.map(|f| f.file),
    }
}

fn file_info(site: &Site, page: PageId, stamp: Option<&Stamp>, links: &Links<'_>) -> FileInfo {
    let config = &site.config;
    let file = config.source_path(&site.source(page).path);
    let file_href = config
        .translations
        .source_url
        .as_ref()
        .filter(|_| links.files)
        .map(|base| format!("{base}{}", crate::paths::encode_path(&file, true)));
    FileInfo {
        url: Some(&site.page(page))
            .filter(|p| p.published)
            .map(|p| (links.url)(&p.url)),
        updated: stamp.map(Stamp::iso),
        commit: stamp.and_then(|s| s.commit.as_ref()).map(|c| CommitInfo {
            hash: c.hash.clone(),
            subject: c.subject.clone(),
        }),
        file,
        file_href,
    }
}
