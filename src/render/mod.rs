//! HTML output: every published page at `/<lang>/<key>/`, language homes,
//! the language chooser at `/`, `404.html`, one navigation file per
//! (toc, language), `sitemap.xml`, the theme and the content's assets.
//!
//! Everything a template shows comes from a context built here; the context
//! is also the page's fingerprint, so `serve` re-renders exactly the pages
//! whose inputs changed.

pub(crate) mod chrome;
pub(crate) mod hreflang;
pub(crate) mod output;
mod playbook;
pub(crate) mod print;
pub(crate) mod sidebar;
pub(crate) mod sitemap;
pub(crate) mod templates;
pub(crate) mod translations;

use crate::config::LangId;
use crate::diagnostic::{Code, Diagnostic};
use crate::i18n::{self, Strings};
use crate::paths::{self, LinkForm};
use crate::site::nav::{NavEntry, NavId, NavLink, TrailStep};
use crate::site::{PageId, Site};
use output::{OutputDir, OutputError};
use rayon::prelude::*;
use serde::Serialize;
use sidebar::{Sidebar, SidebarKey};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;
pub(crate) use templates::Templates;

/// What rendering one output wrote, or why it could not.
struct Produced {
    /// Site-relative paths written or confirmed up to date.
    written: Vec<String>,
    /// The template error that kept it from being written.
    failure: Option<Diagnostic>,
}

/// One file of an output, at its site-relative path.
#[derive(Debug)]
pub(crate) struct OutputFile {
    pub(crate) path: String,
    pub(crate) content: File,
}

impl OutputFile {
    fn bytes(path: String, bytes: Vec<u8>) -> OutputFile {
        OutputFile {
            path,
            content: File::Bytes(bytes),
        }
    }

    fn copy(path: String, from: std::path::PathBuf) -> OutputFile {
        OutputFile {
            path,
            content: File::Copy(from),
        }
    }
}

/// One file the site consists of.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Output {
    Page(PageId),
    /// A generated home for a language without an `index.md`.
    Home(LangId),
    Chooser,
    NotFound,
    /// A language's printable page, `/<lang>/print/`.
    Print(LangId),
    Sitemap,
    /// A language's task index, `<lang>/tasks/`.
    TaskIndex(LangId),
    /// A language's `tasks.json`.
    TasksJson(LangId),
    /// A language's `tasks.csv`.
    TasksCsv(LangId),
    /// A language's phase overview, `<lang>/phases/`.
    Phases(LangId),
    /// A missing translation's page, made from its original: (original, language).
    Fallback(PageId, LangId),
    /// The translation dashboard: `status/index.html` and `status.json`.
    Dashboard,
    /// A language's search index (`_folio/search/<lang>/`, many files).
    Search(LangId),
    /// A language's `meta.js`, the term shards holding terms the changes
    /// concern, and the given snippet chunks (what `serve` rewrites when
    /// pages of the language were edited).
    SearchPart(LangId, Vec<usize>, crate::search::HitChanges),
    /// A default theme file, or one from the site's `theme/` (site-relative path).
    Theme(String),
    /// A content file copied as is (content-relative path).
    Asset(String),
}

/// What a render pass did.
#[derive(Debug, Default)]
pub(crate) struct RenderReport {
    /// Site-relative paths written or confirmed up to date.
    pub(crate) written: HashSet<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Renders one site with one set of templates.
pub(crate) struct Renderer<'a> {
    pub(crate) site: &'a Site,
    pub(crate) templates: &'a Templates,
    /// How links to pages are written (`links` in `folio.yml`).
    form: LinkForm,
    derived: DerivedStore<'a>,
    /// The footer's build date (`YYYY-MM-DD`, UTC), fixed for the pass.
    built: String,
}

/// Bytes gathered before each write of a print page.
const PRINT_BUFFER: usize = 256 * 1024;

/// What rendering works out once for a site: the languages in use, which
/// have a print page, and each navigation tree's sidebar (made when a page
/// first needs it). `serve` keeps it from one pass to the next: while no
/// file comes or goes, pages are neither published nor unpublished and
/// keep their URLs, so only the sidebars of trees an update changed are
/// made again ([`Derived::forget_trees`]).
#[derive(Debug, Default)]
pub(crate) struct Derived {
    languages: Vec<LangId>,
    /// Which languages have a print page ([`print::wanted`]).
    prints: OnceLock<Vec<bool>>,
    sidebars: Vec<OnceLock<Sidebar>>,
}

impl Derived {
    pub(crate) fn of(site: &Site) -> Derived {
        Derived {
            languages: site.languages_in_use(),
            prints: OnceLock::new(),
            sidebars: unmade_sidebars(site),
        }
    }

    /// Drops the sidebars of trees whose entries changed in `site`; all
    /// of them if the site now has another number of trees.
    pub(crate) fn forget_trees(&mut self, site: &Site, navs: &[NavId]) {
        if self.sidebars.len() != site.navs().count() {
            self.sidebars = unmade_sidebars(site);
            return;
        }
        for nav in navs {
            if let Some(slot) = self.sidebars.get_mut(nav.index()) {
                slot.take();
            }
        }
    }
}

/// A slot for each tree's sidebar, none made yet.
fn unmade_sidebars(site: &Site) -> Vec<OnceLock<Sidebar>> {
    site.navs().map(|_| OnceLock::new()).collect()
}

/// A renderer's own [`Derived`], or the one `serve` keeps.
enum DerivedStore<'a> {
    Own(Derived),
    Kept(&'a Derived),
}

impl std::ops::Deref for DerivedStore<'_> {
    type Target = Derived;

    fn deref(&self) -> &Derived {
        match self {
            DerivedStore::Own(d) => d,
            DerivedStore::Kept(d) => d,
        }
    }
}

impl Output {
    /// The language of a task index, task export or phase overview.
    pub(crate) fn lang(&self) -> Option<LangId> {
        match self {
            Output::TaskIndex(l)
            | Output::TasksJson(l)
            | Output::TasksCsv(l)
            | Output::Phases(l) => Some(*l),
            _ => None,
        }
    }

    /// A language-wide output made whole in memory (task index, task
    /// export, phase overview, search index): each is as large as hundreds
    /// of pages.
    fn is_heavy(&self) -> bool {
        matches!(
            self,
            Output::TaskIndex(_)
                | Output::TasksJson(_)
                | Output::TasksCsv(_)
                | Output::Phases(_)
                | Output::Search(_)
        )
    }
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(site: &'a Site, templates: &'a Templates) -> Renderer<'a> {
        Renderer::with(site, templates, DerivedStore::Own(Derived::of(site)))
    }

    /// A renderer that uses and fills `derived`, made for this `site`
    /// (`serve`'s, kept between passes).
    pub(crate) fn with_derived(
        site: &'a Site,
        templates: &'a Templates,
        derived: &'a Derived,
    ) -> Renderer<'a> {
        Renderer::with(site, templates, DerivedStore::Kept(derived))
    }

    fn with(site: &'a Site, templates: &'a Templates, derived: DerivedStore<'a>) -> Renderer<'a> {
        Renderer {
            site,
            templates,
            form: site.config.links,
            derived,
            built: chrome::build_date(),
        }
    }

    /// The sidebar of navigation tree `nav`.
    fn sidebar(&self, nav: NavId) -> &Sidebar {
        self.derived.sidebars[nav.index()].get_or_init(|| {
            Sidebar::new(
                self.site,
                self.site.nav(nav),
                self.form,
                self.site.is_served(),
            )
        })
    }

    /// Every output of the site.
    pub(crate) fn outputs(&self) -> Vec<Output> {
        let site = self.site;
        let mut outputs: Vec<Output> = site.published().map(|(id, _)| Output::Page(id)).collect();
        outputs.extend(self.generated_homes().into_iter().map(Output::Home));
        outputs.extend(self.playbook_outputs());
        outputs.extend([Output::Chooser, Output::NotFound, Output::Sitemap]);
        let status = site.translation_status();
        outputs.extend(
            status
                .fallbacks()
                .iter()
                .map(|&(p, l)| Output::Fallback(p, l)),
        );
        outputs.extend(site.writes_dashboard().then_some(Output::Dashboard));
        outputs.extend(
            self.derived
                .languages
                .iter()
                .filter(|&&l| self.has_print(l))
                .map(|&l| Output::Print(l)),
        );
        outputs.extend(self.derived.languages.iter().copied().map(Output::Search));
        outputs.extend(self.theme_files().into_iter().map(Output::Theme));
        outputs.extend(
            site.content()
                .assets
                .iter()
                .filter(|a| !site.withheld().contains(*a))
                .cloned()
                .map(Output::Asset),
        );
        outputs
    }

    /// Languages in use without a published `index.md`: their homes are generated.
    pub(crate) fn generated_homes(&self) -> Vec<LangId> {
        let site = self.site;
        self.derived
            .languages
            .iter()
            .copied()
            .filter(|&lang| {
                site.published_translation(&Default::default(), lang)
                    .is_none()
            })
            .collect()
    }

    /// The languages in use, in configured order.
    pub(crate) fn languages(&self) -> &[LangId] {
        &self.derived.languages
    }

    /// Renders and writes everything, then removes what earlier builds left.
    pub(crate) fn render_all(&self, out: &OutputDir) -> Result<RenderReport, OutputError> {
        let report = self.render(&self.outputs(), out)?;
        out.remove_stale(&report.written)?;
        Ok(report)
    }

    /// Renders and writes the given outputs in parallel.
    pub(crate) fn render(
        &self,
        outputs: &[Output],
        out: &OutputDir,
    ) -> Result<RenderReport, OutputError> {
        let _pass = out.pass();
        // Language-wide files are made one at a time beside the pages, so
        // they never add up in memory.
        let (heavy, light): (Vec<&Output>, Vec<&Output>) =
            outputs.iter().partition(|o| o.is_heavy());
        let (mut results, heavy): (Vec<_>, Vec<_>) = rayon::join(
            || {
                light
                    .par_iter()
                    .map(|o| self.produce_and_write(o, out))
                    .collect()
            },
            || {
                heavy
                    .iter()
                    .map(|o| self.produce_and_write(o, out))
                    .collect()
            },
        );
        results.extend(heavy);
        let mut report = RenderReport::default();
        for r in results {
            let produced = r?;
            report.written.extend(produced.written);
            report.diagnostics.extend(produced.failure);
        }
        Ok(report)
    }

    /// Produces one output and writes its files.
    fn produce_and_write(&self, o: &Output, out: &OutputDir) -> Result<Produced, OutputError> {
        let mut written = Vec::new();
        if let Output::Print(lang) = o {
            return self.write_print(*lang, out);
        }
        match self.produce(o) {
            Ok(files) => {
                for file in files {
                    match file.content {
                        File::Bytes(bytes) => out.write(&file.path, &bytes)?,
                        File::Copy(from) => {
                            out.copy(&from, &file.path)?;
                        }
                    }
                    written.push(file.path);
                }
                Ok(Produced {
                    written,
                    failure: None,
                })
            }
            Err(d) => Ok(Produced {
                written,
                failure: Some(*d),
            }),
        }
    }

    /// Language `lang`'s print page, streamed to its file (it holds every
    /// page of the language: never all in memory at once).
    fn write_print(&self, lang: LangId, out: &OutputDir) -> Result<Produced, OutputError> {
        let shell = match self.render_template("print.html", &self.print_context(lang)) {
            Ok(shell) => shell,
            Err(d) => {
                return Ok(Produced {
                    written: Vec::new(),
                    failure: Some(*d),
                });
            }
        };
        let path = self.print_path(lang);
        out.write_with(&path, |file| {
            // Most pages are bigger than BufWriter's default 8 KiB, which
            // it passes straight through: that was two or three write
            // calls per page, 25,000 for the 10,000-page benchmark.
            let mut w = std::io::BufWriter::with_capacity(PRINT_BUFFER, file);
            print::write(self.site, lang, &shell, &mut w, &|| false)?;
            std::io::Write::flush(&mut w)
        })?;
        Ok(Produced {
            written: vec![path],
            failure: None,
        })
    }

    /// Language `lang`'s print page in memory, or `None` if `stop` said
    /// between two of its pages that it is no longer wanted.
    pub(crate) fn print_page_unless(
        &self,
        lang: LangId,
        stop: &dyn Fn() -> bool,
    ) -> Result<Option<OutputFile>, Box<Diagnostic>> {
        let shell = self.render_template("print.html", &self.print_context(lang))?;
        let mut bytes = Vec::new();
        // Writing into memory does not fail.
        let written = print::write(self.site, lang, &shell, &mut bytes, stop);
        Ok(matches!(written, Ok(print::Written::Whole))
            .then(|| OutputFile::bytes(self.print_path(lang), bytes)))
    }

    fn print_path(&self, lang: LangId) -> String {
        format!("{}index.html", print::dir(self.site, lang))
    }

    /// The bytes (or source file) of one output, with its site-relative path.
    pub(crate) fn produce(&self, output: &Output) -> Result<Vec<OutputFile>, Box<Diagnostic>> {
        let site = self.site;
        match output {
            Output::Page(id) => self.page_html(*id, &self.page_context(*id)).map(|s| {
                vec![OutputFile::bytes(
                    page_output_path(site, *id),
                    s.into_bytes(),
                )]
            }),
            Output::Home(lang) => self.html(
                "home.html",
                format!("{}/index.html", site.config.language(*lang).code),
                &self.home_context(*lang),
            ),
            Output::Chooser => {
                self.html("chooser.html", "index.html".into(), &self.chooser_context())
            }
            Output::NotFound => self.html("404.html", "404.html".into(), &self.not_found_context()),
            Output::Print(lang) => Ok(self
                .print_page_unless(*lang, &|| false)?
                .into_iter()
                .collect()),
            Output::TaskIndex(_)
            | Output::TasksJson(_)
            | Output::TasksCsv(_)
            | Output::Phases(_) => self.produce_playbook(output),
            Output::Fallback(original, lang) => self.fallback_page(*original, *lang),
            Output::Dashboard => self.dashboard(),
            Output::Sitemap => Ok(sitemap::files(self)
                .into_iter()
                .map(|(p, s)| OutputFile::bytes(p, s.into_bytes()))
                .collect()),
            Output::Search(lang) => Ok(self.search_files(
                *lang,
                &crate::search::Chunks::All,
                &crate::search::Shards::All,
            )),
            Output::SearchPart(lang, chunks, changes) => {
                let chunks = crate::search::Chunks::Only(chunks.clone());
                let shards = crate::search::Shards::Changed(changes);
                Ok(self.search_files(*lang, &chunks, &shards))
            }
            Output::Theme(path) => {
                let own = site.config.root.join(path);
                // A symlinked theme file is not the site's (it could be any
                // file of the machine); `override_files` skips it too.
                if std::fs::symlink_metadata(&own).is_ok_and(|m| m.is_file()) {
                    Ok(vec![OutputFile::copy(path.clone(), own)])
                } else {
                    let bytes = templates::THEME
                        .iter()
                        .find(|(p, _)| p == path)
                        .map(|(_, b)| b.to_vec())
                        .unwrap_or_default();
                    Ok(vec![OutputFile::bytes(path.clone(), bytes)])
                }
            }
            Output::Asset(path) => Ok(vec![OutputFile::copy(
                site.asset_url(path),
                site.config.content_dir.join(path),
            )]),
        }
    }

    fn html<T: Serialize>(
        &self,
        name: &str,
        path: String,
        cx: &T,
    ) -> Result<Vec<OutputFile>, Box<Diagnostic>> {
        self.render_template(name, cx)
            .map(|s| vec![OutputFile::bytes(path, s.into_bytes())])
    }

    fn render_template<T: Serialize>(&self, name: &str, cx: &T) -> Result<String, Box<Diagnostic>> {
        let context = tera::Context::from_serialize(cx).map_err(|e| {
            Box::new(Diagnostic::new(
                Code::TemplateError,
                format!("templates/{name}"),
                templates::error_chain(&e),
            ))
        })?;
        self.templates.render(name, &context).map_err(|e| {
            Box::new(
                Diagnostic::new(
                    Code::TemplateError,
                    format!("templates/{name}"),
                    templates::error_chain(&e),
                )
                .hint("fix the template; the page was not written"),
            )
        })
    }

    /// A language's search index: its published pages, in page order.
    fn search_files(
        &self,
        lang: LangId,
        chunks: &crate::search::Chunks,
        shards: &crate::search::Shards<'_>,
    ) -> Vec<OutputFile> {
        let pages: Vec<crate::search::IndexedPage<'_>> = self
            .site
            .indexed_pages(lang)
            .map(|(_, p)| crate::search::IndexedPage {
                url: &p.url,
                title: &p.title,
                record: p.search.as_ref(),
            })
            .collect();
        let made;
        let postings = match self.site.search_postings(lang) {
            Some(kept) => kept,
            None => {
                made = crate::search::postings_of(&pages, self.site.vocabulary());
                &made
            }
        };
        let code = &self.site.config.language(lang).code;
        crate::search::index_files(
            code,
            &pages,
            postings,
            chunks,
            shards,
            self.site.vocabulary(),
        )
        .into_iter()
        .map(|f| OutputFile::bytes(f.path, f.bytes))
        .collect()
    }

    /// The search snippet chunk that holds a published page.
    pub(crate) fn search_chunk_of(&self, id: PageId) -> Option<usize> {
        let doc = self.site.search_doc(id)?;
        Some(doc as usize / crate::search::CHUNK)
    }

    /// Default theme files plus the site's own `theme/` folder, site-relative.
    fn theme_files(&self) -> Vec<String> {
        let mut files: Vec<String> = templates::THEME
            .iter()
            .map(|(p, _)| p.to_string())
            .collect();
        for rel in templates::override_files(&self.site.config.root.join("theme")) {
            let path = format!("theme/{rel}");
            if !files.contains(&path) {
                files.push(path);
            }
        }
        files
    }

    /// Everything `page.html` shows. Also the page's fingerprint (see [`Self::fingerprint`]).
    pub(crate) fn page_context(&self, id: PageId) -> PageContext<'a> {
        let site = self.site;
        let page = site.page(id);
        let lang = site.config.language(page.lang);
        let from = page.url.as_str();
        let position = page.nav.and_then(|n| site.nav(n).position(id));
        let neighbour = |p: Option<PageId>| {
            p.map(|p| Neighbour {
                title: site.page(p).heading.clone(),
                href: paths::relative_url(from, &site.page(p).url, self.form),
            })
        };
        PageContext {
            site: self.site_info(),
            lang: LangInfo::of(lang),
            ui: i18n::strings(&lang.code),
            root: paths::root_from(from),
            home_href: paths::relative_url(from, &format!("{}/", lang.code), self.form),
            page: self.page_info(id),
            headings: headings_of(page),
            alternates: self.alternates(&hreflang::of_page(site, &self.derived.languages, id)),
            switcher: self.page_switcher(id),
            breadcrumbs: position
                .map(|p| self.breadcrumbs(from, &p.trail))
                .unwrap_or_default(),
            prev: neighbour(position.and_then(|p| p.prev)),
            next: neighbour(position.and_then(|p| p.next)),
            tools: self.tools(page.lang, from),
            translation: self.translation_notice(id),
            sidebar: sidebar::MARKER,
            sidebar_key: page.nav.map(|n| self.sidebar(n).key(id)),
            print_href: self.print_href(from, page.lang),
        }
    }

    /// The page itself: titles, rendered body (links resolved), metadata.
    fn page_info(&self, id: PageId) -> PageInfo<'a> {
        let site = self.site;
        let page = site.page(id);
        let source = site.source(id);
        let content = site.body_html(id);
        let source_path = site.config.source_path(&source.path);
        PageInfo {
            document_title: chrome::document_title(
                // Translators often keep the original's front matter
                // title; the heading readers see is in the page's language.
                if page.lang == site.config.default_language {
                    &page.title
                } else {
                    &page.heading
                },
                &site.config.title,
            ),
            edit_url: site
                .config
                .edit_url
                .as_deref()
                .map(|t| paths::edit_url(t, &source_path)),
            title: page.title.clone(),
            heading: page.heading.clone(),
            description: page.description.clone(),
            has_h1: page.doc.headings.iter().any(|h| h.level == 1),
            content,
            canonical: self.absolute_url(&page.url),
            key: page.key.to_string(),
            source: source_path,
            updated: site.updated(id).map(|d| d.iso()),
            meta: &source.front_matter.fields,
        }
    }

    /// The language switcher of a page: each language in use, linking to
    /// the page's translation there, else to that language's home.
    fn page_switcher(&self, id: PageId) -> Vec<Switch> {
        let site = self.site;
        let page = site.page(id);
        let from = page.url.as_str();
        self.derived
            .languages
            .iter()
            .map(|&l| {
                let language = site.config.language(l);
                let target = site.published_translation(&page.key, l);
                Switch {
                    code: language.code.clone(),
                    name: language.name.clone(),
                    href: match target {
                        Some(p) => paths::relative_url(from, &site.page(p).url, self.form),
                        None => self.untranslated_href(from, &page.key, l),
                    },
                    current: l == page.lang,
                    available: target.is_some(),
                }
            })
            .collect()
    }

    fn breadcrumbs(&self, from: &str, trail: &[TrailStep]) -> Vec<Crumb> {
        trail
            .iter()
            .map(|step| Crumb {
                title: step.title.clone(),
                href: step
                    .page
                    .map(|p| paths::relative_url(from, &self.site.page(p).url, self.form)),
            })
            .collect()
    }

    /// A hash of everything the page's HTML depends on (besides templates).
    pub(crate) fn fingerprint(&self, id: PageId) -> u64 {
        hash_context(&self.page_context(id))
    }

    /// One page's HTML and fingerprint from a single context build (what
    /// `serve` needs for every page it re-renders).
    pub(crate) fn render_page(&self, id: PageId) -> RenderedPage {
        let cx = self.page_context(id);
        RenderedPage {
            path: page_output_path(self.site, id),
            fingerprint: hash_context(&cx),
            html: self.page_html(id, &cx),
        }
    }

    fn page_html(&self, id: PageId, cx: &PageContext<'_>) -> Result<String, Box<Diagnostic>> {
        let site = self.site;
        let html = self.render_template("page.html", cx).map_err(|mut d| {
            d.file = site.config.source_path(&site.source(id).path);
            d
        })?;
        Ok(match site.page(id).nav {
            Some(n) => self.sidebar(n).splice(html, id, &site.page(id).url),
            None => html.replacen(sidebar::MARKER, "", 1),
        })
    }

    /// Whether language `lang` has a print page.
    pub(crate) fn has_print(&self, lang: LangId) -> bool {
        self.derived.prints.get_or_init(|| print::wanted(self.site))[lang.index()]
    }

    /// The link from a page in `from` to its language's print page.
    fn print_href(&self, from: &str, lang: LangId) -> Option<String> {
        self.has_print(lang)
            .then(|| paths::relative_url(from, &print::dir(self.site, lang), self.form))
    }

    fn print_context(&self, lang: LangId) -> PrintContext<'a> {
        PrintContext {
            frame: self.language_frame(lang, &print::dir(self.site, lang)),
            pages: print::MARKER,
        }
    }

    /// What every page a language generates (print page, task index,
    /// phases) shows around its content, seen from the folder `from`.
    fn language_frame(&self, lang: LangId, from: &str) -> LanguageFrame<'a> {
        let language = self.site.config.language(lang);
        LanguageFrame {
            site: self.site_info(),
            lang: LangInfo::of(language),
            ui: i18n::strings(&language.code),
            root: paths::root_from(from),
            home_href: paths::relative_url(from, &format!("{}/", language.code), self.form),
        }
    }

    fn home_context(&self, lang: LangId) -> HomeContext<'a> {
        let site = self.site;
        let language = site.config.language(lang);
        let from = format!("{}/", language.code);
        let entries = site
            .main_nav(lang)
            .map(|n| {
                self.nav_entries(&n.entries, lang, &|url: &str| {
                    paths::relative_url(&from, url, self.form)
                })
            })
            .unwrap_or_default();
        let switcher = self
            .derived
            .languages
            .iter()
            .map(|&l| {
                let other = site.config.language(l);
                Switch {
                    code: other.code.clone(),
                    name: other.name.clone(),
                    href: paths::relative_url(&from, &format!("{}/", other.code), self.form),
                    current: l == lang,
                    available: true,
                }
            })
            .collect();
        HomeContext {
            site: self.site_info(),
            lang: LangInfo::of(language),
            ui: i18n::strings(&language.code),
            root: paths::root_from(&from),
            home_href: "./".into(),
            alternates: self.alternates(&hreflang::of_homes(site, &self.derived.languages)),
            switcher,
            entries,
            tools: self.tools(lang, &from),
        }
    }

    fn chooser_context(&self) -> ChooserContext<'a> {
        let site = self.site;
        ChooserContext {
            index_file: match self.form {
                LinkForm::File => "index.html",
                LinkForm::Directory => "",
            },
            site: self.site_info(),
            alternates: self.alternates(&hreflang::of_homes(site, &self.derived.languages)),
            default_language: LangInfo::of(site.config.default_lang()),
            languages: self
                .derived
                .languages
                .iter()
                .map(|&l| {
                    let language = site.config.language(l);
                    ChooserLanguage {
                        code: language.code.clone(),
                        name: language.name.clone(),
                        href: paths::relative_url("", &format!("{}/", language.code), self.form),
                        absolute: self.absolute_url(&format!("{}/", language.code)),
                        choose: i18n::strings(&language.code).choose_language,
                        not_found_title: i18n::strings(&language.code).not_found_title,
                        path: paths::encode_path(&format!("{}/", language.code), false),
                    }
                })
                .collect(),
        }
    }

    fn not_found_context(&self) -> NotFoundContext<'a> {
        let chooser = self.chooser_context();
        NotFoundContext {
            ui: i18n::strings(&self.site.config.default_lang().code),
            base_path: self.site.config.base_path(),
            site: chooser.site,
            default_language: chooser.default_language,
            languages: chooser.languages,
        }
    }

    /// Navigation entries for templates; pages in another language than
    /// `lang` (untranslated toc entries) carry their language.
    fn nav_entries(
        &self,
        entries: &[NavEntry],
        lang: LangId,
        href: &dyn Fn(&str) -> String,
    ) -> Vec<NavEntryContext> {
        let site = self.site;
        entries
            .iter()
            .map(|e| {
                let (link, foreign_lang) = match &e.link {
                    NavLink::Page(p) => {
                        let page = &site.page(*p);
                        let foreign = (page.lang != lang)
                            .then(|| site.config.language(page.lang).code.clone());
                        (Some(href(&page.url)), foreign)
                    }
                    NavLink::Asset(a) => (Some(href(&site.asset_url(a))), None),
                    NavLink::External(u) => (Some(u.clone()), None),
                    NavLink::None | NavLink::Broken(_) => (None, None),
                };
                NavEntryContext {
                    title: e.title.clone(),
                    href: link,
                    lang: foreign_lang,
                    open: false,
                    children: self.nav_entries(&e.children, lang, href),
                }
            })
            .collect()
    }

    fn site_info(&self) -> SiteInfo<'a> {
        let config = &self.site.config;
        SiteInfo {
            title: &config.title,
            base_url: &config.base_url,
            built: self.built.clone(),
            footer: &config.footer,
            languages: self
                .derived
                .languages
                .iter()
                .map(|&l| LangInfo::of(config.language(l)))
                .collect(),
        }
    }

    /// A set of [`hreflang`] members as `<link rel="alternate">` entries.
    fn alternates(&self, set: &[hreflang::Member]) -> Vec<Alternate> {
        set.iter()
            .map(|m| Alternate {
                hreflang: m.hreflang.clone(),
                href: self.absolute_url(&m.url),
            })
            .collect()
    }

    /// The absolute URL of a site-relative location.
    fn absolute_url(&self, location: &str) -> String {
        paths::absolute_url(&self.site.config.base_url, location)
    }
}

/// A page's output file, site-relative.
pub(crate) fn page_output_path(site: &Site, id: PageId) -> String {
    format!("{}index.html", site.page(id).url)
}

/// A page rendered by [`Renderer::render_page`].
#[derive(Debug)]
pub(crate) struct RenderedPage {
    /// Site-relative output path.
    pub(crate) path: String,
    pub(crate) fingerprint: u64,
    pub(crate) html: Result<String, Box<Diagnostic>>,
}

fn hash_context(cx: &PageContext<'_>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let _ = serde_json::to_writer(HashWriter(&mut hasher), cx);
    hasher.finish()
}

/// An output file's content: bytes to write, or a file to copy.
#[derive(Debug)]
pub(crate) enum File {
    Bytes(Vec<u8>),
    Copy(std::path::PathBuf),
}

struct HashWriter<'h, H: Hasher>(&'h mut H);

impl<H: Hasher> std::io::Write for HashWriter<'_, H> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        buf.hash(self.0);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Serialize)]
pub(crate) struct SiteInfo<'a> {
    title: &'a str,
    base_url: &'a str,
    /// The build's date, `YYYY-MM-DD` (UTC; `SOURCE_DATE_EPOCH` when set).
    built: String,
    footer: &'a crate::config::Footer,
    languages: Vec<LangInfo<'a>>,
}

#[derive(Serialize)]
pub(crate) struct LangInfo<'a> {
    code: &'a str,
    name: &'a str,
    dir: &'static str,
}

impl<'a> LangInfo<'a> {
    fn of(l: &'a crate::config::Language) -> LangInfo<'a> {
        LangInfo {
            code: &l.code,
            name: &l.name,
            dir: if l.is_rtl() { "rtl" } else { "ltr" },
        }
    }
}

#[derive(Serialize)]
pub(crate) struct PageContext<'a> {
    site: SiteInfo<'a>,
    lang: LangInfo<'a>,
    ui: &'static Strings,
    /// Relative path from the page to the site root (`../../`).
    root: String,
    home_href: String,
    page: PageInfo<'a>,
    headings: Vec<HeadingInfo>,
    alternates: Vec<Alternate>,
    switcher: Vec<Switch>,
    breadcrumbs: Vec<Crumb>,
    prev: Option<Neighbour>,
    next: Option<Neighbour>,
    /// Links to the language's task index and phase overview.
    tools: playbook::Tools,
    /// A notice about the page's translation (stale, or a fallback page).
    translation: Option<translations::TranslationNotice>,
    /// Where the sidebar goes: replaced after the template ran ([`Sidebar::splice`]).
    sidebar: &'static str,
    /// What the spliced sidebar depends on (the page's fingerprint).
    sidebar_key: Option<SidebarKey>,
    /// The language's printable page.
    print_href: Option<String>,
}

#[derive(Serialize)]
struct PageInfo<'a> {
    /// The `<title>` text before the site title: the page's heading in its
    /// own language, without a site title it may already repeat.
    document_title: String,
    /// "Edit this page": `edit_url` with the page's source path.
    edit_url: Option<String>,
    title: String,
    heading: String,
    description: Option<String>,
    has_h1: bool,
    content: String,
    canonical: String,
    key: String,
    source: String,
    updated: Option<String>,
    meta: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
struct HeadingInfo {
    level: u8,
    text: String,
    id: String,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

#[derive(Serialize)]
struct Switch {
    code: String,
    name: String,
    href: String,
    current: bool,
    available: bool,
}

/// The headings "On this page" lists: levels 2 and 3.
fn headings_of(page: &crate::site::Page) -> Vec<HeadingInfo> {
    page.doc
        .headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| HeadingInfo {
            level: h.level,
            text: h.text.clone(),
            id: h.id.clone(),
        })
        .collect()
}

#[derive(Serialize)]
struct Crumb {
    title: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct Neighbour {
    title: String,
    href: String,
}

/// The frame of a page a language generates: site, language, interface
/// strings, the way to the site root and to the language's home.
/// Flattened into each context, so templates see the same names.
#[derive(Serialize)]
struct LanguageFrame<'a> {
    site: SiteInfo<'a>,
    lang: LangInfo<'a>,
    ui: &'static Strings,
    root: String,
    home_href: String,
}

#[derive(Serialize)]
struct PrintContext<'a> {
    #[serde(flatten)]
    frame: LanguageFrame<'a>,
    /// Where the pages go ([`print::write`]).
    pages: &'static str,
}

#[derive(Serialize)]
struct NavEntryContext {
    title: String,
    href: Option<String>,
    /// Set for pages, so the template can mark other-language entries.
    lang: Option<String>,
    open: bool,
    children: Vec<NavEntryContext>,
}

#[derive(Serialize)]
struct HomeContext<'a> {
    site: SiteInfo<'a>,
    lang: LangInfo<'a>,
    ui: &'static Strings,
    root: String,
    home_href: String,
    alternates: Vec<Alternate>,
    switcher: Vec<Switch>,
    entries: Vec<NavEntryContext>,
    tools: playbook::Tools,
}

#[derive(Serialize)]
struct ChooserContext<'a> {
    site: SiteInfo<'a>,
    alternates: Vec<Alternate>,
    default_language: LangInfo<'a>,
    languages: Vec<ChooserLanguage>,
    /// `index.html` when links name the file (`links: file`), else empty.
    index_file: &'static str,
}

#[derive(Serialize)]
struct ChooserLanguage {
    code: String,
    name: String,
    href: String,
    absolute: String,
    path: String,
    choose: &'static str,
    not_found_title: &'static str,
}

#[derive(Serialize)]
struct NotFoundContext<'a> {
    site: SiteInfo<'a>,
    ui: &'static Strings,
    base_path: String,
    default_language: LangInfo<'a>,
    languages: Vec<ChooserLanguage>,
}
