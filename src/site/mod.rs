//! The resolved site: every page with its language, key, URL, parsed
//! document and resolved links; translations; tocs; navigation.
//!
//! Built in one resolve step after all pages are parsed (in parallel), so
//! every later stage (check, render, serve) reads one consistent model and
//! looks things up through indexes rather than scans.

mod bodies;
mod collisions;
mod history;
pub(crate) mod links;
pub(crate) mod nav;
pub(crate) mod playbook;
pub(crate) mod toc;
pub(crate) mod translations;
mod update;

use crate::config::{Config, LangId, TaskLabels};
use crate::content::{Content, Loaded, PageSource, TranslationKey};
use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::{self, Document, Sources, TaskHeaders};
use bodies::StoredBody;
use links::Target;
use nav::{Nav, NavId};
use rayon::iter::IndexedParallelIterator;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use toc::Toc;

/// A page of the site, published or not. Pages are in path order; the id
/// is only meaningful for the [`Site`] that handed it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(usize);

impl PageId {
    /// Its place in path order.
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

/// A page as the site resolved it: language, key, URL, parsed document,
/// link targets, navigation.
#[derive(Clone, Debug)]
pub struct Page {
    pub(crate) lang: LangId,
    pub(crate) key: TranslationKey,
    /// Site-relative URL directory: `es/initiate-kickoff/`.
    pub url: String,
    /// Front matter `title`, else the first `#` heading, else the file name.
    pub(crate) title: String,
    /// The first `#` heading, else the title: what navigation shows.
    pub(crate) heading: String,
    pub(crate) description: Option<String>,
    pub(crate) doc: Document,
    /// One per `doc.links`.
    pub(crate) targets: Vec<Target>,
    /// Rendered: neither failed to load nor shadowed by a duplicate.
    pub(crate) published: bool,
    pub(crate) nav: Option<NavId>,
    /// Its HTML, when the site was loaded to be rendered.
    body: Option<StoredBody>,
    /// Its terms and snippets for search, when the site was loaded to be rendered.
    pub(crate) search: Option<crate::search::Record>,
}

impl Page {
    /// Site-relative URL directory: `es/initiate-kickoff/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The content files this page's text comes from: the page itself,
    /// then the includes it expands.
    pub fn files(&self) -> &[String] {
        &self.doc.files
    }
}

/// The pages of one translation key: at most one per language.
#[derive(Clone, Debug)]
pub(crate) struct Translations(Vec<Option<PageId>>);

impl Translations {
    /// The key's page in `lang`, published or not.
    pub(crate) fn get(&self, lang: LangId) -> Option<PageId> {
        self.0.get(lang.index()).copied().flatten()
    }

    /// Every page of the key, in language order.
    pub(crate) fn pages(&self) -> impl Iterator<Item = PageId> + '_ {
        self.0.iter().flatten().copied()
    }
}

/// Lookups the resolve step builds once.
#[derive(Clone, Debug, Default)]
struct Index {
    /// Content-relative path → page (every page, published or not).
    by_path: HashMap<String, PageId>,
    /// Lowercased content-relative path → actual path, pages and assets.
    lowercase: HashMap<String, String>,
    /// Key → its page in each language.
    translations: HashMap<TranslationKey, Translations>,
    /// Directory → its pages' file names (for "did you mean" hints).
    by_dir: HashMap<String, NameIndex>,
}

/// The resolved site: what every later stage (check, render, serve) reads.
/// Its parts are reached through methods, so the indexes stay its own.
#[derive(Debug)]
pub struct Site {
    pub(crate) config: Config,
    content: Content,
    /// One per `content.pages()`, in the same (path) order: [`PageId`]
    /// indexes both, and only this module pairs them.
    pages: Vec<Page>,
    index: Index,
    tocs: Vec<Toc>,
    navs: Vec<Nav>,
    /// Phases and tasks, understood once (`playbook::build`).
    playbook: playbook::Playbook,
    /// Assets (content-relative) not published because another file
    /// claims their output path (`path-collision`).
    withheld: HashSet<String>,
    /// What resolving found: duplicates, path collisions.
    resolve_diagnostics: Vec<Diagnostic>,
    /// What reading and resolving the tocs found.
    toc_diagnostics: Vec<Diagnostic>,
    /// Pages' HTML is made while parsing and kept until written (not by `check`).
    keeps_bodies: bool,
    /// What [`Site::update`] keeps between updates; `None` unless serving.
    kept: Option<Kept>,
    /// Each key's translations judged (`translations`).
    translation_status: translations::TranslationStatus,
    /// What judging translations found (the history could not be read).
    translation_diagnostics: Vec<Diagnostic>,
    /// The git history, read once when staleness is judged by it.
    history: translations::HistoryState,
    /// The words and stems of the pages' search records.
    vocabulary: crate::search::Vocabulary,
}

/// What `serve`'s site keeps so that an update does only what the edit needs.
#[derive(Debug, Default)]
struct Kept {
    /// The tocs' YAML, parsed.
    tocs: toc::Cache,
    /// Pages a toc entry points at with a `#fragment`.
    anchored: HashSet<PageId>,
    /// Page → the pages with a link to one of its sections (`page.md#x`).
    linked_from: HashMap<PageId, BTreeSet<PageId>>,
    /// Markdown file → the pages that include it.
    included_by: HashMap<String, BTreeSet<PageId>>,
    /// Each language's search postings (by [`LangId::index`]), so that a
    /// save moves only the edited page's entries.
    postings: Vec<crate::search::Postings>,
}

impl Kept {
    /// Adds what `page` links into and includes.
    fn add_page(&mut self, id: PageId, page: &Page) {
        for to in section_links(&page.targets) {
            self.linked_from.entry(to).or_default().insert(id);
        }
        for file in page.doc.files.iter().skip(1) {
            self.included_by.entry(file.clone()).or_default().insert(id);
        }
    }
}

/// Files read anew, for [`Site::update`].
#[derive(Debug, Default)]
pub(crate) struct Edit {
    /// Content-relative files or folders that are gone.
    pub(crate) removed: Vec<String>,
    /// Files added or changed.
    pub(crate) loaded: Vec<Loaded>,
}

/// What [`Site::update`] changed, so that `serve` renders and checks only
/// what depends on it.
#[derive(Debug, Default)]
pub(crate) struct Changed {
    /// Files came or went (or a page started or stopped failing to load):
    /// the whole site was resolved again and page ids may differ.
    pub(crate) everything: bool,
    /// Pages parsed again.
    pub(crate) reparsed: Vec<PageId>,
    /// Other pages whose output may differ: their place in a navigation
    /// tree, or a neighbour's heading, changed.
    pub(crate) neighbours: BTreeSet<PageId>,
    /// Navigation trees whose entries changed.
    pub(crate) navs: Vec<NavId>,
    /// A page's date changed (the sitemap shows dates).
    pub(crate) dates: bool,
    /// Languages whose playbook (tasks, phases) changed: their task
    /// index, exports and phase overview may differ.
    pub(crate) playbook: BTreeSet<LangId>,
    /// Whether the site has a task index or a phase overview changed:
    /// every page's links to them may differ.
    pub(crate) playbook_links: bool,
    /// Reparsed pages whose headings or anchors changed.
    pub(crate) anchors: Vec<PageId>,
    /// Without `everything`: how the reparsed pages' search hits changed,
    /// per language.
    pub(crate) search: BTreeMap<LangId, crate::search::HitChanges>,
    /// With `everything`: the pages whose output may differ (parsed
    /// again, or showing other pages differently: links, translations,
    /// navigation); `None` when all may (the languages in use changed).
    pub(crate) outward: Option<BTreeSet<PageId>>,
}

/// What a site is loaded for, which decides what its model keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Diagnostics only: no HTML is made, and page texts are released
    /// after parsing (a report reads back the few it shows).
    Check,
    /// Written once: each page's HTML is made as it is parsed and kept
    /// compressed until written; page texts are released after parsing.
    Build,
    /// Kept and updated (`serve`): HTML as for a build, page texts kept for
    /// re-parsing pages whose includes change.
    Serve,
}

impl Purpose {
    /// Whether pages' HTML is made while parsing, and whether page texts
    /// stay in memory (and the site is updated in place).
    fn keeps(self) -> (bool, bool) {
        match self {
            Purpose::Check => (false, false),
            Purpose::Build => (true, false),
            Purpose::Serve => (true, true),
        }
    }
}

/// One page's parse: its document, and its HTML when the site is rendered.
struct Parsed {
    doc: Document,
    body: Option<StoredBody>,
    /// Its terms and snippets, when the site is rendered.
    search: Option<crate::search::Record>,
}

/// Gives the markdown parser the texts of pages and fragments (and the
/// search records their words).
struct ContentSources<'a> {
    config: &'a Config,
    content: &'a Content,
    vocabulary: &'a crate::search::Vocabulary,
}

impl Sources for ContentSources<'_> {
    fn markdown(&self, path: &str) -> Option<Cow<'_, str>> {
        self.content.markdown_source(self.config, path)
    }
    fn display(&self, path: &str) -> String {
        self.config.source_path(path)
    }
}

impl Site {
    /// Loads, parses and resolves the site described by `config`, keeping
    /// what `purpose` needs.
    pub(crate) fn load(config: Config, purpose: Purpose) -> Site {
        let (bodies, keep_texts) = purpose.keeps();
        let headers = all_task_headers(&config);
        let vocabulary = crate::search::Vocabulary::default();
        let (content, parsed) = crate::timing::phase("load and parse", || {
            Content::load_with(&config, keep_texts, |content, page| {
                let sources = ContentSources {
                    config: &config,
                    content,
                    vocabulary: &vocabulary,
                };
                parse_page(&config, &sources, &headers, page, bodies)
            })
        });
        drop(headers);
        crate::timing::phase("resolve", || {
            Site::assemble(config, content, parsed, vocabulary, bodies, keep_texts)
        })
    }

    /// Parses every page of already loaded content, then resolves.
    pub(crate) fn from_content(config: Config, mut content: Content, purpose: Purpose) -> Site {
        let (bodies, keep_texts) = purpose.keeps();
        let vocabulary = crate::search::Vocabulary::default();
        let parsed = parse_all(&config, &content, &vocabulary, bodies);
        if !keep_texts {
            // Pages that others include are parsed with them if a body
            // must be made again (see `body_html`); every other text goes.
            let included: HashSet<&str> = parsed
                .iter()
                .flat_map(|p| p.doc.files.iter().skip(1).map(String::as_str))
                .collect();
            content.release_page_texts(|path| included.contains(path));
        }
        crate::timing::phase("resolve", || {
            Site::assemble(config, content, parsed, vocabulary, bodies, keep_texts)
        })
    }

    fn assemble(
        config: Config,
        content: Content,
        parsed: Vec<Parsed>,
        vocabulary: crate::search::Vocabulary,
        keeps_bodies: bool,
        incremental: bool,
    ) -> Site {
        let mut site = Site {
            config,
            content,
            pages: Vec::new(),
            index: Index::default(),
            tocs: Vec::new(),
            navs: Vec::new(),
            playbook: playbook::Playbook::default(),
            withheld: HashSet::new(),
            resolve_diagnostics: Vec::new(),
            toc_diagnostics: Vec::new(),
            keeps_bodies,
            kept: incremental.then(Kept::default),
            translation_status: Default::default(),
            translation_diagnostics: Vec::new(),
            history: translations::HistoryState::Unread,
            vocabulary,
        };
        site.pages = site.new_pages(parsed);
        site.resolve_all();
        site
    }

    /// What the parser reads pages, fragments and words from.
    fn parser_sources(&self) -> ContentSources<'_> {
        ContentSources {
            config: &self.config,
            content: &self.content,
            vocabulary: &self.vocabulary,
        }
    }

    /// The words and stems of the pages' search records.
    pub(crate) fn vocabulary(&self) -> &crate::search::Vocabulary {
        &self.vocabulary
    }

    fn new_pages(&self, parsed: Vec<Parsed>) -> Vec<Page> {
        self.content
            .pages()
            .iter()
            .zip(parsed)
            .map(|(source, parsed)| new_page(&self.config, source, parsed))
            .collect()
    }

    /// Indexes, collisions, every link, tocs and navigation.
    fn resolve_all(&mut self) {
        let mut diagnostics = Vec::new();
        self.build_index(&mut diagnostics);
        collisions::resolve(self, &mut diagnostics);
        self.resolve_diagnostics = diagnostics;

        let targets: Vec<Vec<Target>> = self
            .pages
            .par_iter()
            .map(|page| self.resolve_links(&page.doc))
            .collect();
        for (page, t) in self.pages.iter_mut().zip(targets) {
            page.targets = t;
        }
        if let Some(kept) = &mut self.kept {
            kept.linked_from.clear();
            kept.included_by.clear();
            for (i, page) in self.pages.iter().enumerate() {
                kept.add_page(PageId(i), page);
            }
        }
        if self.kept.is_some() {
            let postings = self.make_search_postings();
            if let Some(kept) = &mut self.kept {
                kept.postings = postings;
            }
        }
        self.resolve_navigation();
        self.playbook = playbook::build(self);
        self.judge_translations();
    }

    /// Judges every translation again (after navigation: fallback pages
    /// show their language's main navigation).
    fn judge_translations(&mut self) {
        let mut diagnostics = Vec::new();
        translations::refresh(self, &mut diagnostics);
        self.translation_diagnostics = diagnostics;
    }

    /// Pages with a link to a section (`#fragment`) of `id`, as far as
    /// the site keeps track (serving); else none.
    pub(crate) fn linking_to_sections_of(&self, id: PageId) -> impl Iterator<Item = PageId> + '_ {
        self.kept
            .iter()
            .filter_map(move |k| k.linked_from.get(&id))
            .flatten()
            .copied()
    }

    /// Every link of a document, resolved.
    fn resolve_links(&self, doc: &Document) -> Vec<Target> {
        doc.links
            .iter()
            .map(|l| self.resolve_link(&doc.files[l.pos.file as usize], l))
            .collect()
    }

    /// Tocs (from the kept parses when serving) and navigation trees.
    fn resolve_navigation(&mut self) {
        let mut cache = self
            .kept
            .as_mut()
            .map(|k| std::mem::take(&mut k.tocs))
            .unwrap_or_default();
        let mut diagnostics = Vec::new();
        let resolved = toc::load_all(self, &mut cache, &mut diagnostics);
        self.tocs = resolved.tocs;
        self.toc_diagnostics = diagnostics;
        if let Some(kept) = &mut self.kept {
            kept.tocs = cache;
            kept.anchored = resolved.anchored;
        }
        nav::build(self);
    }

    /// What loading and resolving found (front matter, includes,
    /// duplicates, tocs), severities not applied yet.
    pub(crate) fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.site_diagnostics();
        for (id, _) in self.pages() {
            all.extend(self.page_diagnostics(id).cloned());
        }
        all
    }

    /// What loading and resolving found that is not one page's: the
    /// content folder, fragments, tocs, duplicates, path collisions.
    pub(crate) fn site_diagnostics(&self) -> Vec<Diagnostic> {
        let files = self
            .content
            .fragments
            .values()
            .chain(self.content.tocs.values());
        self.content
            .diagnostics
            .iter()
            .chain(files.flat_map(|f| &f.diagnostics))
            .chain(&self.resolve_diagnostics)
            .chain(&self.toc_diagnostics)
            .chain(&self.translation_diagnostics)
            .cloned()
            .collect()
    }

    /// What loading and parsing one page found.
    pub(crate) fn page_diagnostics(&self, id: PageId) -> impl Iterator<Item = &Diagnostic> {
        self.source(id)
            .diagnostics
            .iter()
            .chain(&self.page(id).doc.diagnostics)
    }

    fn build_index(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let n_langs = self.config.language_count();
        let mut index = Index::default();
        for (id, source) in self.sources() {
            index.by_path.insert(source.path.clone(), id);
            index
                .lowercase
                .insert(source.path.to_lowercase(), source.path.clone());
            index
                .by_dir
                .entry(crate::paths::parent(&source.path).to_string())
                .or_default()
                .names
                .push(crate::paths::file_name(&source.path).to_string());
        }
        for asset in &self.content.assets {
            index
                .lowercase
                .entry(asset.to_lowercase())
                .or_insert_with(|| asset.clone());
        }
        for names in index.by_dir.values_mut() {
            names.sort();
        }
        for (id, page) in self.pages() {
            let slots = &mut index
                .translations
                .entry(page.key.clone())
                .or_insert_with(|| Translations(vec![None; n_langs]))
                .0;
            let placement = &self.source(id).placement;
            match slots[page.lang.index()] {
                Some(other)
                    if duplicate_rank(&self.source(other).placement)
                        <= duplicate_rank(placement) => {}
                _ => slots[page.lang.index()] = Some(id),
            }
        }
        for (id, page) in self.pages() {
            let winner = index.translations[&page.key].get(page.lang);
            if let Some(winner) = winner.filter(|&w| w != id) {
                diagnostics.push(self.duplicate_diagnostic(id, winner));
            }
        }
        for page in self.pages.iter_mut() {
            page.published = false;
        }
        for slots in index.translations.values() {
            for id in slots.pages() {
                self.pages[id.0].published = !self.content.pages()[id.0].failed;
            }
        }
        self.index = index;
    }

    /// `translation-duplicate` on `loser`, naming the file published
    /// instead and why.
    fn duplicate_diagnostic(&self, loser: PageId, winner: PageId) -> Diagnostic {
        let (w, l) = (self.source(winner), self.source(loser));
        let lang = &self.config.language(w.placement.lang).code;
        let why = match (duplicate_rank(&w.placement), duplicate_rank(&l.placement)) {
            (a, b) if a == b => "the first in path order".to_string(),
            (0, _) => format!("its suffix names {lang}"),
            _ => format!("`{}`'s suffix names another language", l.path),
        };
        let hint = match l.placement.conflict {
            Some(conflict) => format!(
                "its suffix names {}: move it to that language's folder, or delete it if it is a stale copy",
                self.config.language(conflict.suffix).code
            ),
            None => "delete the stale copy, or rename it so its key differs".to_string(),
        };
        Diagnostic::new(
            Code::TranslationDuplicate,
            self.config.source_path(&l.path),
            format!(
                "`{}` and `{}` are both the {lang} version of `{}`; only `{}` is published ({why})",
                l.path,
                w.path,
                self.page(loser).key,
                w.path
            ),
        )
        .at(1, 1)
        .hint(hint)
    }

    /// A page of this site.
    pub(crate) fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0]
    }

    fn page_mut(&mut self, id: PageId) -> &mut Page {
        &mut self.pages[id.0]
    }

    /// Every page, published or not, in path order.
    pub fn pages(&self) -> impl ExactSizeIterator<Item = (PageId, &Page)> + Clone {
        self.pages.iter().enumerate().map(|(i, p)| (PageId(i), p))
    }

    /// [`Site::pages`] for rayon.
    pub(crate) fn par_pages(&self) -> impl IndexedParallelIterator<Item = (PageId, &Page)> {
        self.pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| (PageId(i), p))
    }

    /// The source of a page.
    pub(crate) fn source(&self, id: PageId) -> &PageSource {
        &self.content.pages()[id.0]
    }

    /// Every page's source, in path order.
    pub(crate) fn sources(&self) -> impl Iterator<Item = (PageId, &PageSource)> {
        self.content
            .pages()
            .iter()
            .enumerate()
            .map(|(i, s)| (PageId(i), s))
    }

    /// The page at this content-relative path, published or not.
    pub fn page_by_path(&self, rel: &str) -> Option<PageId> {
        self.index.by_path.get(rel).copied()
    }

    /// Every file of the content folder at `rel` or under the folder `rel`
    /// that the site read (`""`: all of them).
    pub fn files_under(&self, rel: &str) -> Vec<String> {
        self.content.files_under(rel)
    }

    /// The content as loaded.
    pub(crate) fn content(&self) -> &Content {
        &self.content
    }

    /// A navigation tree.
    pub(crate) fn nav(&self, id: NavId) -> &Nav {
        &self.navs[id.index()]
    }

    /// Whether the site is kept for `folio serve` (which shows authors
    /// more than readers see, such as broken toc entries).
    pub(crate) fn is_served(&self) -> bool {
        self.kept.is_some()
    }

    /// Every navigation tree.
    pub(crate) fn navs(&self) -> impl Iterator<Item = (NavId, &Nav)> {
        self.navs
            .iter()
            .enumerate()
            .map(|(i, n)| (NavId::new(i), n))
    }

    /// Assets not published because another file claims their output path.
    pub(crate) fn withheld(&self) -> &HashSet<String> {
        &self.withheld
    }

    /// The pages of a translation key, one slot per language.
    pub(crate) fn translations_of(&self, key: &TranslationKey) -> Option<&Translations> {
        self.index.translations.get(key)
    }

    /// Every translation key with its pages, in no particular order.
    pub(crate) fn all_translations(
        &self,
    ) -> impl Iterator<Item = (&TranslationKey, &Translations)> {
        self.index.translations.iter()
    }

    /// The page with this key in this language, published or not.
    pub(crate) fn translation(&self, key: &TranslationKey, lang: LangId) -> Option<PageId> {
        self.translations_of(key).and_then(|t| t.get(lang))
    }

    /// The published page with this key in this language.
    pub(crate) fn published_translation(
        &self,
        key: &TranslationKey,
        lang: LangId,
    ) -> Option<PageId> {
        self.translation(key, lang)
            .filter(|&p| self.page(p).published)
    }

    /// The text of a site file named as diagnostics name it (pages,
    /// fragments, tocs), for report excerpts.
    pub fn source_text(&self, shown: &str) -> Option<Cow<'_, str>> {
        let content_dir = self.config.content_shown();
        let rel = if content_dir.is_empty() {
            shown
        } else {
            shown.strip_prefix(content_dir)?.strip_prefix('/')?
        };
        if let Some(text) = self.content.page_text(&self.config, rel) {
            return Some(text);
        }
        self.content
            .markdown_text(rel)
            .or_else(|| self.content.tocs.get(rel).and_then(|t| t.text.as_deref()))
            .map(Cow::Borrowed)
    }

    /// Is this content file (an asset) copied into the output?
    pub(crate) fn publishes_asset(&self, path: &str) -> bool {
        self.content.assets.contains(path) && !self.withheld.contains(path)
    }

    /// Published pages, in path order.
    pub(crate) fn published(&self) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages().filter(|(_, p)| p.published)
    }

    /// A language's published pages in search-index order (the page at
    /// place `n` is document `n` of the index).
    pub(crate) fn indexed_pages(&self, lang: LangId) -> impl Iterator<Item = (PageId, &Page)> {
        self.published().filter(move |(_, p)| p.lang == lang)
    }

    /// A published page's document number in its language's search index.
    pub(crate) fn search_doc(&self, id: PageId) -> Option<u32> {
        let lang = self.page(id).lang;
        let doc = self.indexed_pages(lang).position(|(p, _)| p == id)?;
        Some(doc as u32)
    }

    /// Language `lang`'s search postings, when the site keeps them (serving).
    pub(crate) fn search_postings(&self, lang: LangId) -> Option<&crate::search::Postings> {
        self.kept.as_ref()?.postings.get(lang.index())
    }

    /// Each language's search postings, made from the pages' records.
    fn make_search_postings(&self) -> Vec<crate::search::Postings> {
        let langs: Vec<LangId> = self.config.languages().map(|(l, _)| l).collect();
        langs
            .par_iter()
            .map(|&lang| {
                let docs = self.indexed_pages(lang).enumerate();
                crate::search::Postings::of(
                    docs.filter_map(|(doc, (_, p))| Some((doc as u32, p.search.as_ref()?))),
                    &self.vocabulary.read(),
                )
            })
            .collect()
    }

    /// Languages that have at least one page, in configured order.
    pub(crate) fn languages_in_use(&self) -> Vec<LangId> {
        let mut used = vec![false; self.config.language_count()];
        for (_, p) in self.published() {
            used[p.lang.index()] = true;
        }
        self.config
            .languages()
            .filter(|(id, _)| used[id.index()])
            .map(|(id, _)| id)
            .collect()
    }

    /// The existing page closest to a missing content path: the most
    /// similar file name in the same folder.
    pub(crate) fn nearest_page(&self, missing: &str) -> Option<String> {
        let dir = crate::paths::parent(missing);
        let best = self
            .index
            .by_dir
            .get(dir)?
            .nearest(crate::paths::file_name(missing))?;
        Some(if dir.is_empty() {
            best.to_string()
        } else {
            format!("{dir}/{best}")
        })
    }
}

/// Which of several files with one key and language is published (lowest
/// first; ties go to the first in path order): a file whose suffix names
/// the language it is placed in, then an unsuffixed file, and a file whose
/// suffix names another language only when nothing else is there (it is
/// most likely an untranslated copy: English text under `lang="es"`).
fn duplicate_rank(placement: &crate::content::Placement) -> u8 {
    match (&placement.suffix, placement.conflict) {
        (Some(_), None) => 0,
        (None, _) => 1,
        (Some(_), Some(_)) => 2,
    }
}

/// The file names of one folder, sorted by prefix and by suffix, so a
/// "did you mean" search in a folder of thousands of pages only compares
/// the names that share a beginning or an end with the wanted one (a typo
/// leaves one of the two intact).
#[derive(Clone, Debug, Default)]
struct NameIndex {
    names: Vec<String>,
    /// Reversed names, sorted, with the index of the name.
    reversed: Vec<(String, usize)>,
}

impl NameIndex {
    const EXHAUSTIVE: usize = 200;
    const WINDOW: usize = 48;

    fn sort(&mut self) {
        self.names.sort();
        self.reversed = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.chars().rev().collect(), i))
            .collect();
        self.reversed.sort();
    }

    fn nearest(&self, wanted: &str) -> Option<&str> {
        if self.names.len() <= Self::EXHAUSTIVE {
            return nearest(wanted, self.names.iter().map(String::as_str));
        }
        let around =
            |i: usize, len: usize| i.saturating_sub(Self::WINDOW)..(i + Self::WINDOW).min(len);
        let by_prefix = self.names.partition_point(|n| n.as_str() < wanted);
        let reversed: String = wanted.chars().rev().collect();
        let by_suffix = self.reversed.partition_point(|(r, _)| r < &reversed);
        let mut candidates: Vec<usize> = around(by_prefix, self.names.len())
            .chain(around(by_suffix, self.reversed.len()).map(|j| self.reversed[j].1))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        nearest(
            wanted,
            candidates.into_iter().map(|i| self.names[i].as_str()),
        )
    }
}

impl Site {
    /// The existing file (asset) closest to a missing content path: the
    /// most similar file name in the same folder.
    pub(crate) fn nearest_asset(&self, missing: &str) -> Option<String> {
        let dir = crate::paths::parent(missing);
        let name = crate::paths::file_name(missing);
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let in_dir = self
            .content
            .assets
            .range(prefix.clone()..)
            .take_while(|a| a.starts_with(&prefix))
            .filter(|a| !a[prefix.len()..].contains('/'))
            .map(|a| &a[prefix.len()..]);
        nearest(name, in_dir).map(|best| format!("{prefix}{best}"))
    }
}

impl Site {
    /// A page's body HTML, each link resolved as seen from the page's URL:
    /// as kept when the page was parsed, else parsed again.
    pub(crate) fn body_html(&self, id: PageId) -> String {
        let from = self.page(id).url.as_str();
        self.body_html_linked(id, &|dest, target| self.href(from, dest, target))
    }

    /// A page's body HTML with each link written by `href`, given the
    /// link as written and its target.
    pub(crate) fn body_html_linked(
        &self,
        id: PageId,
        href: &dyn Fn(&str, &Target) -> String,
    ) -> String {
        let page = self.page(id);
        let kept = page.body.as_ref().and_then(StoredBody::body);
        if let Some(body) = kept {
            return body.render(|i| href(&page.doc.links[i].dest, &page.targets[i]));
        }
        let source = self.source(id);
        let Some(text) = self
            .content
            .page_text(&self.config, &source.path)
            .filter(|_| !source.failed)
        else {
            return String::new();
        };
        let sources = self.parser_sources();
        let headers = task_headers(&self.config, source.placement.lang);
        let cx = parse_context(&self.config, &sources, &headers, source, &text);
        let (doc, body) = markdown::render(&cx);
        body.render(|i| {
            let link = &doc.links[i];
            let file = &doc.files[link.pos.file as usize];
            href(&link.dest, &self.resolve_link(file, link))
        })
    }
}

/// Task-table labels to try for pages of `lang`: its own first, then the
/// default language's, then every other configured set.
fn task_headers(config: &Config, lang: LangId) -> TaskHeaders {
    let mut order: Vec<&str> = vec![
        config.language(lang).code.as_str(),
        config.default_lang().code.as_str(),
    ];
    order.extend(config.tasks.keys().map(String::as_str));
    let mut seen = Vec::new();
    let sets: Vec<(&str, &TaskLabels)> = order
        .into_iter()
        .filter_map(|code| {
            if seen.contains(&code) {
                return None;
            }
            seen.push(code);
            config
                .tasks
                .get_key_value(code)
                .map(|(k, v)| (k.as_str(), v))
        })
        .collect();
    TaskHeaders::new(&sets)
}

/// [`task_headers`] of every language, indexed by [`LangId`].
fn all_task_headers(config: &Config) -> Vec<TaskHeaders> {
    config
        .languages()
        .map(|(id, _)| task_headers(config, id))
        .collect()
}

/// How a page is parsed: the same for the model and for its HTML. `text`
/// is the page's Markdown ([`PageSource::markdown`]).
fn parse_context<'a>(
    config: &'a Config,
    sources: &'a ContentSources<'a>,
    task_headers: &'a TaskHeaders,
    page: &'a PageSource,
    text: &'a str,
) -> markdown::ParseContext<'a> {
    markdown::ParseContext {
        path: &page.path,
        text,
        body_start: page.body_start,
        sources,
        lang: &config.language(page.placement.lang).code,
        task_headers,
        playbook: &config.playbook_marks,
        raw_html: config.markdown.raw_html,
    }
}

/// Parses every page in parallel, making and storing HTML given a store.
fn parse_all(
    config: &Config,
    content: &Content,
    vocabulary: &crate::search::Vocabulary,
    bodies: bool,
) -> Vec<Parsed> {
    crate::timing::phase("parse", || {
        let sources = ContentSources {
            config,
            content,
            vocabulary,
        };
        let headers = all_task_headers(config);
        content
            .pages()
            .par_iter()
            .map(|p| parse_page(config, &sources, &headers, p, bodies))
            .collect()
    })
}

fn parse_page(
    config: &Config,
    sources: &ContentSources<'_>,
    headers: &[TaskHeaders],
    page: &PageSource,
    bodies: bool,
) -> Parsed {
    // A page of a site that keeps texts is parsed again from its packed
    // text (serve); while loading, the text is still in memory.
    let text = (!page.failed).then(|| page.markdown(config)).flatten();
    let Some(text) = text else {
        let doc = Document {
            files: vec![page.path.clone()],
            ..Document::default()
        };
        return Parsed {
            doc,
            body: None,
            search: None,
        };
    };
    let headers = &headers[page.placement.lang.index()];
    let cx = parse_context(config, sources, headers, page, &text);
    if bodies {
        let (doc, body, text) = markdown::render_with_text(&cx);
        let title = title_of(page, &doc);
        let search = crate::search::Record::new(text, &title, cx.lang, sources.vocabulary);
        return Parsed {
            doc,
            body: Some(StoredBody::new(body)),
            search: Some(search),
        };
    }
    Parsed {
        doc: markdown::parse(&cx),
        body: None,
        search: None,
    }
}

fn new_page(config: &Config, source: &PageSource, parsed: Parsed) -> Page {
    let Parsed { doc, body, search } = parsed;
    let lang = source.placement.lang;
    let title = title_of(source, &doc);
    let heading = doc.title.clone().unwrap_or_else(|| title.clone());
    Page {
        lang,
        url: source.placement.key.url(config.language(lang)),
        key: source.placement.key.clone(),
        title,
        heading,
        description: source.front_matter.text("description"),
        doc,
        targets: Vec::new(),
        published: false,
        nav: None,
        body,
        search,
    }
}

/// Front matter `title`, else the first `#` heading, else the file name.
fn title_of(source: &PageSource, doc: &Document) -> String {
    source
        .front_matter
        .text("title")
        .or_else(|| doc.title.clone())
        .unwrap_or_else(|| {
            crate::content::language::strip_markdown_ext(crate::paths::file_name(&source.path))
                .to_string()
        })
}

/// The pages a page's links point at with a `#fragment`.
fn section_links(targets: &[Target]) -> impl Iterator<Item = PageId> + '_ {
    targets.iter().filter_map(|t| match t {
        Target::Page {
            page,
            fragment: Some(f),
            ..
        } if !f.is_empty() => Some(*page),
        _ => None,
    })
}

/// The closest candidate by edit distance (ignoring case), if close enough
/// to be a likely typo: the one "did you mean" rule for pages and anchors.
///
/// Folders can hold thousands of pages, so candidates are pruned by two
/// cheap lower bounds of the edit distance (length difference, character
/// bag difference) before the exact computation.
pub(crate) fn nearest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted: Vec<char> = wanted.to_lowercase().chars().collect();
    let wanted_bag = char_bag(&wanted);
    let mut best: Option<(usize, &str)> = None;
    let mut limit = (wanted.len() / 3).max(2);
    let mut buf = Vec::new();
    for c in candidates {
        buf.clear();
        if c.is_ascii() {
            // Most file names: no case table to consult.
            buf.extend(c.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            buf.extend(c.chars().flat_map(char::to_lowercase));
        }
        if buf.len().abs_diff(wanted.len()) > limit
            || bag_distance(&wanted_bag, &char_bag(&buf)) > limit
        {
            continue;
        }
        let Some(d) = edit_distance_within(&wanted, &buf, limit) else {
            continue;
        };
        if best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
            best = Some((d, c));
            limit = d;
        }
    }
    best.map(|(_, c)| c)
}

/// Character counts, folded into 64 buckets (folding keeps it a lower bound).
fn char_bag(chars: &[char]) -> [u16; 64] {
    let mut bag = [0u16; 64];
    for &c in chars {
        bag[c as usize % 64] = bag[c as usize % 64].saturating_add(1);
    }
    bag
}

/// A lower bound of the edit distance: characters one side has and the other lacks.
fn bag_distance(a: &[u16; 64], b: &[u16; 64]) -> usize {
    let (mut extra_a, mut extra_b) = (0usize, 0usize);
    for i in 0..64 {
        if a[i] > b[i] {
            extra_a += usize::from(a[i] - b[i]);
        } else {
            extra_b += usize::from(b[i] - a[i]);
        }
    }
    extra_a.max(extra_b)
}

/// The Levenshtein distance over characters of `a` and `b`, if it is at
/// most `limit`. Only the cells within `limit` of the diagonal can stay
/// within it, so a row costs `2 * limit + 1` cells, not `b.len()`, and the
/// walk stops once a whole row is over: broken links in folders of
/// similar names ask this of hundreds of candidates each.
fn edit_distance_within(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Every value over `limit` is kept as `over`: the minimum of capped
    // values is the capped minimum, so the cells within it stay exact.
    let over = limit + 1;
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| j.min(over)).collect();
    let mut cur = vec![over; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        let row = i + 1;
        let lo = row.saturating_sub(limit).max(1);
        let hi = (row + limit).min(b.len());
        cur[lo - 1] = if lo == 1 { row.min(over) } else { over };
        let mut left = cur[lo - 1];
        let mut row_min = left;
        // Slices over the band, so the loop indexes nothing.
        let above = prev[lo - 1..=hi].windows(2);
        for ((cell, &cb), above) in cur[lo..=hi].iter_mut().zip(&b[lo - 1..hi]).zip(above) {
            let (diagonal, up) = (above[0], above[1]);
            *cell = (up + 1)
                .min(left + 1)
                .min(diagonal + usize::from(*ca != cb))
                .min(over);
            left = *cell;
            row_min = row_min.min(left);
        }
        // The next row's band reaches one further right: that cell is
        // outside this row's band.
        if let Some(next) = cur.get_mut(hi + 1) {
            *next = over;
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests;
