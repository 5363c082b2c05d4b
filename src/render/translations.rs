//! Translations in the output, from the site's translation status:
//! notices on stale translations, fallback pages for missing ones (the
//! original's body inside the language's interface, `noindex`, in no
//! hreflang set and not in the sitemap), and the authors' dashboard
//! (`/status/index.html`, `/status.json`: also `noindex`, not in the sitemap).

use super::{File, LangInfo, OutputFile, PageContext, PageInfo, Renderer, Switch};
use crate::config::LangId;
use crate::diagnostic::Diagnostic;
use crate::i18n;
use crate::paths;
use crate::site::PageId;
use crate::site::translations::DASHBOARD_FILES;
use crate::status::{LanguageSummary, Links, Report, TranslationInfo};
use serde::Serialize;

/// What a page tells readers about its translation.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct TranslationNotice {
    /// `stale` (a translation older than its original) or `fallback` (the
    /// original shown because there is no translation yet).
    kind: &'static str,
    message: &'static str,
    /// The link to the original, its text and its language.
    link: &'static str,
    href: String,
    hreflang: String,
    language: String,
    /// When the original last changed.
    original_updated: Option<String>,
    /// Search engines should not index the page (fallback pages).
    noindex: bool,
    /// The language the content is written in, when it is not the page's.
    content_lang: Option<String>,
    content_dir: Option<&'static str>,
}

impl Renderer<'_> {
    /// The notice of a published page: set when it is a translation whose
    /// original changed after it.
    pub(crate) fn translation_notice(&self, id: PageId) -> Option<TranslationNotice> {
        let site = self.site;
        let page = site.page(id);
        let key = site.translation_status().of_key(&page.key)?;
        let cell = key.cells.get(page.lang.index())?.as_ref()?;
        let original = key
            .original
            .filter(|_| cell.older && cell.page == Some(id))?;
        let updated = key.source_updated.as_ref().map(|s| s.iso());
        Some(self.notice("stale", page.lang, &page.url, original, updated))
    }

    fn notice(
        &self,
        kind: &'static str,
        lang: LangId,
        from: &str,
        original: PageId,
        original_updated: Option<String>,
    ) -> TranslationNotice {
        let site = self.site;
        let words = i18n::notices(&site.config.language(lang).code);
        let source = site.page(original);
        let source_lang = site.config.language(source.lang);
        let fallback = kind == "fallback";
        TranslationNotice {
            kind,
            message: if fallback {
                words.fallback
            } else {
                words.stale
            },
            link: words.original,
            href: paths::relative_url(from, &source.url, self.form),
            hreflang: source_lang.code.clone(),
            language: source_lang.name.clone(),
            original_updated,
            noindex: fallback,
            content_lang: fallback.then(|| source_lang.code.clone()),
            content_dir: fallback.then_some(if source_lang.is_rtl() { "rtl" } else { "ltr" }),
        }
    }

    /// Where the switcher of a page sends readers of `lang`, which has no
    /// translation of `key`: its fallback page, else its home.
    pub(crate) fn untranslated_href(
        &self,
        from: &str,
        key: &crate::content::TranslationKey,
        lang: LangId,
    ) -> String {
        let site = self.site;
        let language = site.config.language(lang);
        if site.translation_status().has_fallback(key, lang) {
            paths::relative_url(from, &key.url(language), self.form)
        } else {
            paths::relative_url(from, &format!("{}/", language.code), self.form)
        }
    }

    /// The fallback page of `original` in `lang`.
    pub(crate) fn fallback_page(
        &self,
        original: PageId,
        lang: LangId,
    ) -> Result<Vec<OutputFile>, Box<Diagnostic>> {
        let site = self.site;
        let page = site.page(original);
        let path = format!("{}index.html", page.key.url(site.config.language(lang)));
        let cx = self.fallback_context(original, lang);
        // The language's main navigation, with no entry current: the
        // original belongs to another language's tree.
        let from = page.key.url(site.config.language(lang));
        let nav = site.translation_status().main_nav(lang);
        self.render_template("page.html", &cx)
            .map(|html| match nav {
                Some(n) => self.sidebar(n).splice(html, original, &from),
                None => html.replacen(super::sidebar::MARKER, "", 1),
            })
            .map(|html| vec![OutputFile::bytes(path, html.into_bytes())])
            .map_err(|mut d| {
                d.file = site.config.source_path(&site.source(original).path);
                d
            })
    }

    fn fallback_context(&self, original: PageId, lang: LangId) -> PageContext<'_> {
        let site = self.site;
        let page = site.page(original);
        let source = site.source(original);
        let language = site.config.language(lang);
        let from = page.key.url(language);
        let nav = site.translation_status().main_nav(lang);
        let updated = site
            .translation_status()
            .of_key(&page.key)
            .and_then(|k| k.source_updated.as_ref().map(|s| s.iso()));
        PageContext {
            site: self.site_info(),
            lang: LangInfo::of(language),
            ui: i18n::strings(&language.code),
            root: paths::root_from(&from),
            home_href: paths::relative_url(&from, &format!("{}/", language.code), self.form),
            page: PageInfo {
                document_title: super::chrome::document_title(&page.title, &site.config.title),
                // Only the original can be edited: the fallback shows its text.
                edit_url: site
                    .config
                    .edit_url
                    .as_deref()
                    .map(|t| paths::edit_url(t, &site.config.source_path(&source.path))),
                title: page.title.clone(),
                heading: page.heading.clone(),
                description: page.description.clone(),
                has_h1: page.doc.headings.iter().any(|h| h.level == 1),
                content: site.fallback_body_html(original, lang),
                canonical: self.absolute_url(&page.url),
                key: page.key.to_string(),
                source: site.config.source_path(&source.path),
                updated: source.date.map(|d| d.iso()),
                meta: &source.front_matter.fields,
            },
            headings: super::headings_of(page),
            alternates: Vec::new(),
            switcher: self.fallback_switcher(original, lang, &from),
            breadcrumbs: Vec::new(),
            prev: None,
            next: None,
            sidebar: super::sidebar::MARKER,
            sidebar_key: nav.map(|n| self.sidebar(n).key(original)),
            print_href: self.print_href(&from, lang),
            tools: self.tools(lang, &from),
            translation: Some(self.notice("fallback", lang, &from, original, updated)),
        }
    }

    /// The switcher of a fallback page: real translations where they
    /// exist, else other fallback pages or homes (marked untranslated).
    fn fallback_switcher(&self, original: PageId, lang: LangId, from: &str) -> Vec<Switch> {
        let site = self.site;
        let key = &site.page(original).key;
        self.derived
            .languages
            .iter()
            .map(|&l| {
                let language = site.config.language(l);
                let target = site.published_translation(key, l);
                Switch {
                    code: language.code.clone(),
                    name: language.name.clone(),
                    href: match target {
                        Some(p) => paths::relative_url(from, &site.page(p).url, self.form),
                        None if l == lang => "./".to_string(),
                        None => self.untranslated_href(from, key, l),
                    },
                    current: l == lang,
                    available: target.is_some(),
                }
            })
            .collect()
    }

    /// `/status/index.html` and `/status.json`.
    pub(crate) fn dashboard(&self) -> Result<Vec<OutputFile>, Box<Diagnostic>> {
        let site = self.site;
        let absolute = |url: &str| self.absolute_url(url);
        // One report at a time: on a large site each is tens of megabytes.
        let mut bytes = serde_json::to_vec_pretty(&Report::of(
            site,
            None,
            &Links {
                url: &absolute,
                files: false,
            },
        ))
        .unwrap_or_default();
        bytes.push(b'\n');
        let from = "status/";
        let relative = |url: &str| paths::relative_url(from, url, self.form);
        let report = Report::of(
            site,
            None,
            &Links {
                url: &relative,
                files: true,
            },
        );
        let rows = self.dashboard_rows(&report)?;
        let cx = self.dashboard_context(&report, from);
        let frame = self.render_template("status.html", &cx)?;
        // The rows go in where the frame shows `rows_html`, copied once
        // (through the template, megabytes would be copied three times).
        let mut html = Vec::with_capacity(frame.len() + rows.len());
        match frame.split_once(ROWS_MARK) {
            Some((before, after)) => {
                html.extend_from_slice(before.as_bytes());
                html.extend_from_slice(rows.as_bytes());
                html.extend_from_slice(after.as_bytes());
            }
            None => html.extend_from_slice(frame.as_bytes()),
        }
        Ok(vec![
            OutputFile::bytes(DASHBOARD_FILES[0].to_string(), html),
            OutputFile {
                path: DASHBOARD_FILES[1].to_string(),
                content: File::Bytes(bytes),
            },
        ])
    }

    fn dashboard_context<'r>(&self, report: &'r Report, from: &str) -> DashboardContext<'_, 'r> {
        let site = self.site;
        let language = site.config.default_lang();
        // Its labels are English, whatever the site's languages.
        let english = LangInfo {
            code: "en",
            name: "English",
            dir: "ltr",
        };
        DashboardContext {
            site: self.site_info(),
            lang: english,
            ui: i18n::strings("en"),
            root: paths::root_from(from),
            // The language chooser: the default language may have no home.
            home_href: paths::root_from(from),
            staleness: report.staleness,
            default_language: LangInfo::of(language),
            languages: &report.languages,
            page_count: report.pages.len(),
            rows_html: ROWS_MARK,
        }
    }

    /// The dashboard's rows (`status_rows.html`), a chunk at a time: a
    /// template's context is copied whole into a JSON tree, which for
    /// every row of a large site at once would be tens of megabytes.
    fn dashboard_rows(&self, report: &Report) -> Result<String, Box<Diagnostic>> {
        const CHUNK: usize = 256;
        let mut html = String::new();
        for pages in report.pages.chunks(CHUNK) {
            let rows = pages
                .iter()
                .map(|p| {
                    let cells: Vec<Option<&TranslationInfo>> = report
                        .languages
                        .iter()
                        .map(|l| p.translations.get(&l.code))
                        .collect();
                    DashboardRow {
                        key: if p.key.is_empty() { "index" } else { &p.key },
                        needs_work: cells
                            .iter()
                            .flatten()
                            .any(|t| t.status.as_str() != "current"),
                        source: p.source.as_ref(),
                        cells,
                    }
                })
                .collect();
            let cx = RowsContext {
                languages: &report.languages,
                rows,
            };
            html.push_str(&self.render_template("status_rows.html", &cx)?);
        }
        Ok(html)
    }
}

#[derive(Serialize)]
struct DashboardContext<'a, 'r> {
    site: super::SiteInfo<'a>,
    lang: LangInfo<'a>,
    ui: &'static i18n::Strings,
    root: String,
    home_href: String,
    /// `date` or `git`.
    staleness: &'static str,
    default_language: LangInfo<'a>,
    languages: &'r [LanguageSummary],
    /// Keys in the report.
    page_count: usize,
    /// Where the rows (rendered by `status_rows.html`) go.
    rows_html: &'static str,
}

/// Stands for the rows in the rendered frame: no escaped text contains it.
const ROWS_MARK: &str = "<!--folio:status-rows-->";

#[derive(Serialize)]
struct RowsContext<'r> {
    languages: &'r [LanguageSummary],
    rows: Vec<DashboardRow<'r>>,
}

#[derive(Serialize)]
struct DashboardRow<'r> {
    key: &'r str,
    needs_work: bool,
    source: Option<&'r crate::status::FileInfo>,
    /// One per language of `languages` (`None`: out of scope, not translated).
    cells: Vec<Option<&'r TranslationInfo>>,
}
