//! Translation status: for each translation key and language, whether the
//! translation is current, stale, missing, duplicated, in conflict with
//! its file name, or an orphan; which missing translations get a fallback
//! page. Computed once when the site is resolved; `check` reports from it,
//! `render` writes notices, fallback pages and the dashboard from it, and
//! `folio status` prints it.

use super::history::{self, Commit, History};
use super::links::Target;
use super::nav::NavId;
use super::{PageId, Site};
use crate::config::{Config, LangId, Staleness};
use crate::content::TranslationKey;
use crate::content::front_matter::Date;
use crate::diagnostic::{Code, Diagnostic};
use serde::Serialize;
use std::collections::HashSet;

/// The state of one translation. The names are a public contract
/// (`folio status`, `status.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum State {
    /// Translated, and not older than the original.
    Current,
    /// Translated, but the original changed since.
    Stale,
    /// Meant to be translated, and not yet.
    Missing,
    /// Several files are this translation (`translation-duplicate`).
    Duplicate,
    /// Its file's suffix names another language than its folder
    /// (`language-conflict`): most likely an untranslated copy.
    Conflict,
    /// A translation whose original does not exist (`translation-orphan`).
    Orphan,
}

impl State {
    /// Every state, in report order.
    pub(crate) const ALL: [State; 6] = [
        State::Current,
        State::Stale,
        State::Missing,
        State::Duplicate,
        State::Conflict,
        State::Orphan,
    ];

    /// The name reports use: `current`, `stale`…
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Current => "current",
            State::Stale => "stale",
            State::Missing => "missing",
            State::Duplicate => "duplicate",
            State::Conflict => "conflict",
            State::Orphan => "orphan",
        }
    }
}

/// When a file last changed, as staleness compared it: its date key, or
/// its commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// Days since 1970-01-01 (UTC for commits).
    pub(crate) day: i64,
    /// The commit, when judged by history.
    pub(crate) commit: Option<Commit>,
}

impl Stamp {
    fn of_date(date: Date) -> Stamp {
        Stamp {
            day: days_from_civil(i64::from(date.year), date.month, date.day),
            commit: None,
        }
    }

    fn of_commit(commit: &Commit) -> Stamp {
        Stamp {
            day: commit.time.div_euclid(86_400),
            commit: Some(commit.clone()),
        }
    }

    /// `2024-05-02`.
    pub(crate) fn iso(&self) -> String {
        let (y, m, d) = civil_from_days(self.day);
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// One language's side of a key.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub(crate) state: State,
    /// The translation published (or meant to be: it may have failed).
    pub(crate) page: Option<PageId>,
    /// Meant to be translated (`translations.scope` and `exclude`).
    pub(crate) in_scope: bool,
    /// When the translation last changed.
    pub(crate) updated: Option<Stamp>,
    /// The original changed after the translation. Also set when the
    /// state is `duplicate` or `conflict`, which take precedence.
    pub(crate) older: bool,
    /// Days the translation is behind the original, when older.
    pub(crate) behind_days: Option<i64>,
    /// A fallback page is written for it.
    pub(crate) fallback: bool,
}

/// A translation key in every language.
#[derive(Clone, Debug)]
pub(crate) struct KeyStatus {
    pub(crate) key: TranslationKey,
    /// The published default-language page.
    pub(crate) original: Option<PageId>,
    /// When the original last changed (a significant commit, by history).
    pub(crate) source_updated: Option<Stamp>,
    /// By [`LangId`]; `None` for the default language and for pages out
    /// of scope that are not translated.
    pub(crate) cells: Vec<Option<Cell>>,
}

impl KeyStatus {
    /// The cells with their languages.
    pub(crate) fn cells<'a>(
        &'a self,
        config: &'a Config,
    ) -> impl Iterator<Item = (LangId, &'a Cell)> + 'a {
        config
            .languages()
            .zip(&self.cells)
            .filter_map(|((lang, _), cell)| Some((lang, cell.as_ref()?)))
    }
}

/// The translation status of the whole site.
#[derive(Clone, Debug, Default)]
pub(crate) struct TranslationStatus {
    /// Sorted by key.
    keys: Vec<KeyStatus>,
    /// How staleness was judged: `git` only when the history could be read.
    pub(crate) staleness: Staleness,
    /// Missing translations that get a page: (original, language), in key order.
    fallbacks: Vec<(PageId, LangId)>,
    /// By [`LangId`], the navigation fallback pages of a language show.
    main_navs: Vec<Option<NavId>>,
}

impl TranslationStatus {
    /// Every key, sorted.
    pub(crate) fn keys(&self) -> &[KeyStatus] {
        &self.keys
    }

    /// The status of one key.
    pub(crate) fn of_key(&self, key: &TranslationKey) -> Option<&KeyStatus> {
        let i = self.keys.binary_search_by(|k| k.key.cmp(key)).ok()?;
        Some(&self.keys[i])
    }

    /// One key's cell in a language.
    pub(crate) fn cell(&self, key: &TranslationKey, lang: LangId) -> Option<&Cell> {
        self.of_key(key)?.cells.get(lang.index())?.as_ref()
    }

    /// Does `lang` get a fallback page for this key?
    pub(crate) fn has_fallback(&self, key: &TranslationKey, lang: LangId) -> bool {
        self.cell(key, lang).is_some_and(|c| c.fallback)
    }

    /// Fallback pages to write: (original, language).
    pub(crate) fn fallbacks(&self) -> &[(PageId, LangId)] {
        &self.fallbacks
    }

    /// The navigation a language's fallback pages show: the one most of
    /// its pages use.
    pub(crate) fn main_nav(&self, lang: LangId) -> Option<NavId> {
        self.main_navs.get(lang.index()).copied().flatten()
    }
}

/// The dashboard's files, site-relative.
pub(crate) const DASHBOARD_FILES: [&str; 2] = ["status/index.html", "status.json"];

impl Site {
    /// Each key's translations, judged.
    pub(crate) fn translation_status(&self) -> &TranslationStatus {
        &self.translation_status
    }

    /// What judging translations found: why the git history could not be
    /// read (`translation-history`), if so. Severities not applied yet.
    pub(crate) fn translation_diagnostics(&self) -> &[Diagnostic] {
        &self.translation_diagnostics
    }

    /// Does the site get the translation dashboard? Only when it is
    /// translated at all and `translations.dashboard` is on.
    pub(crate) fn writes_dashboard(&self) -> bool {
        self.config.translations.dashboard && self.config.language_count() > 1
    }
}

impl Site {
    /// The body of `original` as its fallback page in `lang` shows it.
    /// Links lead to `lang`'s version of their page where one exists: its
    /// translation (unless the link names a section, whose id the
    /// translation words differently), else its fallback page.
    pub(crate) fn fallback_body_html(&self, original: PageId, lang: LangId) -> String {
        let from = self.page(original).key.url(self.config.language(lang));
        let status = &self.translation_status;
        self.body_html_linked(original, &|dest, target| match target {
            Target::Page { page, fragment, .. } => {
                let to = self.page(*page);
                let translated = self
                    .published_translation(&to.key, lang)
                    .filter(|_| fragment.is_none() || to.lang == lang);
                let url = match translated {
                    Some(t) => self.page(t).url.clone(),
                    None if status.has_fallback(&to.key, lang) => {
                        to.key.url(self.config.language(lang))
                    }
                    None => to.url.clone(),
                };
                self.page_href(&from, dest, &url, fragment.as_deref())
            }
            _ => self.href(&from, dest, target),
        })
    }
}

/// Where the git history stands for a site, read once per loaded site.
#[derive(Clone, Debug)]
pub(crate) enum HistoryState {
    /// Not needed (`staleness: date`), or not read yet.
    Unread,
    Read(History),
    /// Why it could not be read.
    Unavailable(String),
}

/// Computes the site's translation status (reading the history first,
/// once, when staleness is by git) and reports why history is not used.
pub(super) fn refresh(site: &mut Site, diagnostics: &mut Vec<Diagnostic>) {
    let rules = &site.config.translations;
    if rules.staleness == Staleness::Git && matches!(site.history, HistoryState::Unread) {
        let read = {
            let wanted: HashSet<&str> = site.sources().map(|(_, s)| s.path.as_str()).collect();
            let ignored = |message: &str| rules.ignores_commit(message);
            history::read(&site.config.content_dir, &wanted, &ignored)
        };
        site.history = match read {
            Ok(h) => HistoryState::Read(h),
            Err(why) => HistoryState::Unavailable(why),
        };
    }
    if let HistoryState::Unavailable(why) = &site.history {
        diagnostics.push(history_diagnostic(site, why));
    }
    let history = match &site.history {
        HistoryState::Read(h) if rules.staleness == Staleness::Git => Some(h),
        _ => None,
    };
    let status = compute(site, history);
    site.translation_status = status;
}

/// `translation-history`: staleness by git could not read the history.
fn history_diagnostic(site: &Site, why: &str) -> Diagnostic {
    let config = &site.config;
    let file = config.display_path(&config.root.join(crate::config::CONFIG_FILE));
    Diagnostic::new(
        Code::TranslationHistory,
        file,
        format!(
            "`translations.staleness: git`: {why}; translations are judged by their {} instead",
            config.front_matter.date_key
        ),
    )
    .at(1, 1)
    .hint("run Folio inside the repository's work tree with `git` installed, or set `staleness: date`")
}

fn compute(site: &Site, history: Option<&History>) -> TranslationStatus {
    let default = site.config.default_language;
    let duplicated = duplicated(site);
    let mut keys: Vec<KeyStatus> = site
        .all_translations()
        .map(|(key, translations)| {
            let original = translations
                .get(default)
                .filter(|&p| site.page(p).published);
            let judge = Judge {
                site,
                history,
                duplicated: &duplicated,
            };
            match original {
                Some(original) => judge.translated(key, original),
                None => judge.orphans(key),
            }
        })
        .collect();
    keys.sort_by(|a, b| a.key.cmp(&b.key));
    let fallbacks = assign_fallbacks(site, &mut keys);
    let main_navs = if fallbacks.is_empty() {
        Vec::new()
    } else {
        main_navs(site)
    };
    TranslationStatus {
        main_navs,
        keys,
        staleness: if history.is_some() {
            Staleness::Git
        } else {
            Staleness::Date
        },
        fallbacks,
    }
}

/// (key, language) pairs that more than one file claims.
fn duplicated(site: &Site) -> HashSet<(&TranslationKey, LangId)> {
    site.pages()
        .filter(|(id, p)| site.translation(&p.key, p.lang) != Some(*id))
        .map(|(_, p)| (&p.key, p.lang))
        .collect()
}

/// Classifies the cells of one key.
struct Judge<'a> {
    site: &'a Site,
    history: Option<&'a History>,
    duplicated: &'a HashSet<(&'a TranslationKey, LangId)>,
}

impl Judge<'_> {
    /// A key with a published original.
    fn translated(&self, key: &TranslationKey, original: PageId) -> KeyStatus {
        let site = self.site;
        let config = &site.config;
        let source_updated = self.stamps(original, None).0;
        let cells = config
            .languages()
            .map(|(lang, _)| {
                if lang == config.default_language {
                    return None;
                }
                let in_scope = config.translations.in_scope(key.as_str(), lang);
                let Some(page) = site.translation(key, lang) else {
                    return in_scope.then_some(Cell {
                        state: State::Missing,
                        page: None,
                        in_scope,
                        updated: None,
                        older: false,
                        behind_days: None,
                        fallback: false,
                    });
                };
                Some(self.cell(key, lang, original, page, in_scope))
            })
            .collect();
        KeyStatus {
            key: key.clone(),
            original: Some(original),
            source_updated,
            cells,
        }
    }

    fn cell(
        &self,
        key: &TranslationKey,
        lang: LangId,
        original: PageId,
        page: PageId,
        in_scope: bool,
    ) -> Cell {
        let (theirs, ours) = self.stamps(original, Some(page));
        let stale = match (&theirs, &ours) {
            (Some(t), Some(o)) => match (&t.commit, &o.commit) {
                (Some(tc), Some(oc)) => tc.is_after(oc),
                _ => o.day < t.day,
            },
            _ => false,
        };
        let state = if self.duplicated.contains(&(key, lang)) {
            State::Duplicate
        } else if self.site.source(page).placement.conflict.is_some() {
            State::Conflict
        } else if stale {
            State::Stale
        } else {
            State::Current
        };
        let behind_days = match (&theirs, &ours) {
            (Some(t), Some(o)) if stale => Some((t.day - o.day).max(0)),
            _ => None,
        };
        Cell {
            state,
            page: Some(page),
            in_scope,
            updated: ours,
            older: stale,
            behind_days,
            fallback: false,
        }
    }

    /// The stamps of an original and (optionally) its translation: their
    /// commits when both have history, else their date keys.
    fn stamps(
        &self,
        original: PageId,
        translation: Option<PageId>,
    ) -> (Option<Stamp>, Option<Stamp>) {
        let site = self.site;
        let of = |p: PageId| self.history.and_then(|h| h.of(&site.source(p).path));
        let source = of(original).and_then(|h| h.last_significant.as_ref().or(h.last.as_ref()));
        let by_date = |p: PageId| site.source(p).date.map(Stamp::of_date);
        match translation {
            None => (
                source.map(Stamp::of_commit).or_else(|| by_date(original)),
                None,
            ),
            Some(t) => match (source, of(t).and_then(|h| h.last.as_ref())) {
                (Some(s), Some(o)) => (Some(Stamp::of_commit(s)), Some(Stamp::of_commit(o))),
                _ => (by_date(original), by_date(t)),
            },
        }
    }

    /// A key without a published original: its published translations are orphans.
    fn orphans(&self, key: &TranslationKey) -> KeyStatus {
        let site = self.site;
        let config = &site.config;
        let cells = config
            .languages()
            .map(|(lang, _)| {
                let page = site.published_translation(key, lang)?;
                (lang != config.default_language).then(|| Cell {
                    state: State::Orphan,
                    page: Some(page),
                    in_scope: config.translations.in_scope(key.as_str(), lang),
                    updated: site.source(page).date.map(Stamp::of_date),
                    older: false,
                    behind_days: None,
                    fallback: false,
                })
            })
            .collect();
        KeyStatus {
            key: key.clone(),
            original: None,
            source_updated: None,
            cells,
        }
    }
}

/// Marks the missing translations that get a fallback page: in scope, not
/// a language's home (its generated home stands in), in a language the
/// site uses, and at an output path no file of the site claims.
fn assign_fallbacks(site: &Site, keys: &mut [KeyStatus]) -> Vec<(PageId, LangId)> {
    let mut fallbacks = Vec::new();
    if !site.config.translations.fallback {
        return fallbacks;
    }
    let in_use = site.languages_in_use();
    let mut claimed: Option<HashSet<String>> = None;
    for status in keys.iter_mut() {
        let Some(original) = status.original.filter(|_| !status.key.as_str().is_empty()) else {
            continue;
        };
        for (i, cell) in status.cells.iter_mut().enumerate() {
            let Some(cell) = cell.as_mut().filter(|c| c.state == State::Missing) else {
                continue;
            };
            let Some(&lang) = in_use.iter().find(|l| l.index() == i) else {
                continue;
            };
            let path = format!("{}index.html", status.key.url(site.config.language(lang)));
            let claimed = claimed.get_or_insert_with(|| claimed_paths(site));
            if !claimed.contains(&super::collisions::fold(&path)) {
                cell.fallback = true;
                fallbacks.push((original, lang));
            }
        }
    }
    fallbacks
}

/// Every output path the site's pages and files claim, folded as
/// collisions are judged.
fn claimed_paths(site: &Site) -> HashSet<String> {
    let pages = site
        .published()
        .map(|(_, p)| format!("{}index.html", p.url));
    let assets = site.content().assets.iter().map(|a| site.asset_url(a));
    pages
        .chain(assets)
        .map(|p| super::collisions::fold(&p))
        .collect()
}

/// Each language's main navigation, by [`LangId`].
fn main_navs(site: &Site) -> Vec<Option<NavId>> {
    site.config
        .languages()
        .map(|(lang, _)| {
            let main = site.main_nav(lang)?;
            site.navs()
                .find(|(_, n)| std::ptr::eq(*n, main))
                .map(|(id, _)| id)
        })
        .collect()
}

/// Where the page with this key would live in a language, by the site's
/// conventions (content-relative).
pub(crate) fn expected_path(site: &Site, key: &str, lang: LangId) -> String {
    let language = site.config.language(lang);
    let (dir, stem) = match key.rsplit_once('/') {
        Some((d, s)) => (format!("{d}/"), s.to_string()),
        None if key.is_empty() => (String::new(), "index".to_string()),
        None => (String::new(), key.to_string()),
    };
    let suffix = match language.suffixes.first() {
        Some(s) if lang != site.config.default_language && stem != "index" => format!("-{s}"),
        _ => String::new(),
    };
    let base = if language.dir.is_empty() {
        String::new()
    } else {
        format!("{}/", language.dir)
    };
    format!("{base}{dir}{stem}{suffix}.md")
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests;
