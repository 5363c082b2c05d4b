//! `serve`'s checks, kept between rebuilds per page, per translation key
//! and for the rest of the site, so that a rebuild checks again only what
//! it may have changed (see [`Kept::recheck`]). Together the parts are
//! exactly what [`super::run`] finds.

use super::{front_matter_of, links, tasks, translations};
use crate::content::TranslationKey;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::site::{PageId, Site};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Asked between pages: `true` stops a check that a newer batch of
/// changes makes pointless.
pub(crate) type Stop<'a> = &'a (dyn Fn() -> bool + Sync);

/// Every diagnostic of the site, in parts.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    /// Per page ([`PageId`] order): what loading found in it and its
    /// front matter, links and task tables.
    pages: Vec<Vec<Diagnostic>>,
    /// Per translation key: missing, stale and orphaned translations.
    keys: HashMap<TranslationKey, Vec<Diagnostic>>,
    /// What is no page's: the content folder, fragments, tocs,
    /// duplicates, path collisions.
    site: Vec<Diagnostic>,
}

/// A diagnostic of a part checked again, and whether that part lacked it before.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) diagnostic: Diagnostic,
    pub(crate) new: bool,
}

/// What to check again.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub(crate) pages: BTreeSet<PageId>,
    pub(crate) keys: BTreeSet<TranslationKey>,
}

impl Kept {
    /// Checks the whole site; `None` when `stop` said so.
    pub(crate) fn all(site: &Site, stop: Stop<'_>) -> Option<Kept> {
        let pages: Option<Vec<Vec<Diagnostic>>> = site
            .par_pages()
            .map(|(id, _)| (!stop()).then(|| page_part(site, id)))
            .collect();
        let keys = site
            .all_translations()
            .map(|(key, _)| (key.clone(), key_part(site, key)))
            .collect();
        Some(Kept {
            pages: pages?,
            keys,
            site: site_part(site),
        })
    }

    /// Every diagnostic, sorted and without duplicates.
    pub(crate) fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .pages
            .iter()
            .flatten()
            .chain(self.keys.values().flatten())
            .chain(&self.site)
            .cloned()
            .collect();
        diagnostic::normalize(&mut all);
        all
    }

    /// Checks `parts` again, and the rest of the site (what is no page's);
    /// returns what they find now, each marked new when its part did not
    /// have it before. Page ids must be those of the site checked before:
    /// after files came or went, use [`Kept::all`]. `None` (and nothing
    /// changed) when `stop` said so.
    pub(crate) fn recheck(
        &mut self,
        site: &Site,
        parts: &Parts,
        stop: Stop<'_>,
    ) -> Option<Vec<Found>> {
        let pages: Option<Vec<(PageId, Vec<Diagnostic>)>> = parts
            .pages
            .par_iter()
            .filter(|id| id.index() < self.pages.len())
            .map(|&id| (!stop()).then(|| (id, page_part(site, id))))
            .collect();
        let mut found = Vec::new();
        for (id, now) in pages? {
            let before = std::mem::replace(&mut self.pages[id.index()], now);
            found.extend(compare(&before, &self.pages[id.index()]));
        }
        for key in &parts.keys {
            let now = key_part(site, key);
            let before = self.keys.insert(key.clone(), now).unwrap_or_default();
            found.extend(compare(&before, &self.keys[key]));
        }
        let before = std::mem::replace(&mut self.site, site_part(site));
        found.extend(compare(&before, &self.site));
        Some(found)
    }
}

/// `now`, each marked new unless `before` had it (compared without its
/// line, which an edit above it moves).
fn compare(before: &[Diagnostic], now: &[Diagnostic]) -> Vec<Found> {
    let known: HashSet<(&str, _, &str)> = before
        .iter()
        .map(|d| (d.file.as_str(), d.code, d.message.as_str()))
        .collect();
    now.iter()
        .map(|d| Found {
            new: !known.contains(&(d.file.as_str(), d.code, d.message.as_str())),
            diagnostic: d.clone(),
        })
        .collect()
}

/// One page's diagnostics, severities applied.
fn page_part(site: &Site, id: PageId) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = site.page_diagnostics(id).cloned().collect();
    front_matter_of(site, id, &mut out);
    out.extend(links::check_page(site, id, site.page(id)));
    tasks::check_page(site, id, &mut out);
    tasks::compare_with_original(site, id, &mut out);
    with_severities(site, out)
}

/// One translation key's diagnostics (none when it has no page left).
fn key_part(site: &Site, key: &TranslationKey) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    translations::check_key(site, key, &mut out);
    with_severities(site, out)
}

fn site_part(site: &Site) -> Vec<Diagnostic> {
    with_severities(site, site.site_diagnostics())
}

fn with_severities(site: &Site, mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for d in &mut found {
        d.severity = site.config.severity_of(d.code);
    }
    found.retain(|d| d.severity != Severity::Off);
    found
}
