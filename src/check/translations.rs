//! Translations: missing, stale and orphaned pages, as the site's
//! translation status ([`crate::site::translations`]) judged them.
//! Duplicates and language conflicts are reported where files are placed.

use crate::config::{LangId, Staleness};
use crate::content::TranslationKey;
use crate::diagnostic::{Code, Diagnostic};
use crate::site::translations::{Cell, KeyStatus, State, expected_path};
use crate::site::{PageId, Site};

pub(crate) fn check(site: &Site, out: &mut Vec<Diagnostic>) {
    for key in site.translation_status().keys() {
        check_status(site, key, out);
    }
}

/// The translations of one key (none when it has no page left).
pub(super) fn check_key(site: &Site, key: &TranslationKey, out: &mut Vec<Diagnostic>) {
    if let Some(status) = site.translation_status().of_key(key) {
        check_status(site, status, out);
    }
}

fn check_status(site: &Site, key: &KeyStatus, out: &mut Vec<Diagnostic>) {
    let staleness = site.translation_status().staleness;
    for (lang, cell) in key.cells(&site.config) {
        match (cell.state, key.original, cell.page) {
            (State::Missing, Some(original), _) => out.push(missing(site, key, original, lang)),
            (State::Orphan, _, Some(page)) => out.push(orphan(site, key, page)),
            (_, Some(original), Some(page)) if cell.older => {
                out.push(stale(site, key, original, page, cell, staleness));
            }
            _ => {}
        }
    }
}

/// `translation-missing`: the original has no translation in `lang`.
fn missing(site: &Site, key: &KeyStatus, original: PageId, lang: LangId) -> Diagnostic {
    let config = &site.config;
    let language = config.language(lang);
    Diagnostic::new(
        Code::TranslationMissing,
        config.source_path(&site.source(original).path),
        format!(
            "`{}` has no {} ({}) translation",
            key.key, language.name, language.code
        ),
    )
    .at(1, 1)
    .hint(format!(
        "create `{}`",
        config.source_path(&expected_path(site, key.key.as_str(), lang))
    ))
}

/// `translation-stale`: the translation is older than its original, by
/// date key or by history.
fn stale(
    site: &Site,
    key: &KeyStatus,
    original: PageId,
    page: PageId,
    cell: &Cell,
    staleness: Staleness,
) -> Diagnostic {
    let date_key = &site.config.front_matter.date_key;
    let (original, translation) = (site.source(original), site.source(page));
    let theirs = key.source_updated.as_ref();
    let ours = cell.updated.as_ref();
    let by_commit = theirs
        .and_then(|t| t.commit.as_ref())
        .filter(|_| staleness == Staleness::Git);
    let (message, line) = match (by_commit, ours) {
        (Some(change), Some(ours)) => (
            format!(
                "this translation (last commit {}) is older than a change to `{}` ({} {}: {})",
                ours.iso(),
                original.path,
                change.hash,
                theirs.map(|t| t.iso()).unwrap_or_default(),
                change.subject
            ),
            1,
        ),
        _ => (
            format!(
                "this translation ({date_key} {}) is older than `{}` ({date_key} {})",
                ours.map(|s| s.iso()).unwrap_or_default(),
                original.path,
                theirs.map(|s| s.iso()).unwrap_or_default()
            ),
            translation.front_matter.line_of(date_key),
        ),
    };
    Diagnostic::new(
        Code::TranslationStale,
        site.config.source_path(&translation.path),
        message,
    )
    .at(line, 1)
    .hint(format!(
        "update the translation from `{}` and its {date_key}",
        original.path
    ))
}

/// `translation-orphan`: a translation of a key with no published original.
fn orphan(site: &Site, key: &KeyStatus, page: PageId) -> Diagnostic {
    let config = &site.config;
    let default = config.default_language;
    Diagnostic::new(
        Code::TranslationOrphan,
        config.source_path(&site.source(page).path),
        format!(
            "this {} page has no {} original `{}`",
            config.language(site.page(page).lang).code,
            config.language(default).code,
            config.source_path(&expected_path(site, key.key.as_str(), default))
        ),
    )
    .at(1, 1)
    .hint("rename it to match its original, or add the original page")
}
