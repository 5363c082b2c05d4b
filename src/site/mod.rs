//! The resolved site: every page with its language, key, URL, parsed
//! document and resolved links; translations; tocs; navigation.
//!
//! Built in one resolve step after all pages are parsed (in parallel), so
//! every later stage (check, render, serve) reads one consistent model and
//! looks things up through indexes rather than scans.

mod collisions;
pub(crate) mod links;
pub(crate) mod nav;
pub(crate) mod toc;

use crate::config::{Config, TaskLabels};
use crate::content::{Content, PageSource, TranslationKey};
use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::{self, Document, Sources};
use links::Target;
use nav::{Nav, NavId};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use toc::Toc;

/// Index into `Site::pages` (and `Site::content.pages`, which it mirrors).
pub(crate) type PageId = usize;

#[derive(Clone, Debug)]
pub struct Page {
    pub(crate) lang: usize,
    pub(crate) key: TranslationKey,
    /// Site-relative URL directory: `es/initiate-kickoff/`.
    pub url: String,
    /// Front matter `title`, else the first `#` heading, else the file name.
    pub(crate) title: String,
    /// The first `#` heading, else the title: what navigation shows.
    pub(crate) heading: String,
    pub(crate) description: Option<String>,
    pub doc: Document,
    /// One per `doc.links`.
    pub(crate) targets: Vec<Target>,
    /// Rendered: neither failed to load nor shadowed by a duplicate.
    pub(crate) published: bool,
    pub(crate) nav: Option<NavId>,
}

/// Lookups the resolve step builds once.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    /// Content-relative path → page (every page, published or not).
    pub(crate) by_path: HashMap<String, PageId>,
    /// Lowercased content-relative path → actual path, pages and assets.
    pub(crate) lowercase: HashMap<String, String>,
    /// Key → the page of each language (by language index).
    pub(crate) translations: HashMap<TranslationKey, Vec<Option<PageId>>>,
    /// Directory → its pages' file names (for "did you mean" hints).
    by_dir: HashMap<String, NameIndex>,
}

#[derive(Clone, Debug)]
pub struct Site {
    pub(crate) config: Config,
    pub content: Content,
    pub pages: Vec<Page>,
    pub(crate) index: Index,
    pub(crate) tocs: Vec<Toc>,
    pub(crate) navs: Vec<Nav>,
    /// Assets (content-relative) not published because another file
    /// claims their output path (`path-collision`).
    pub(crate) withheld: HashSet<String>,
    /// What loading and resolving found (front matter, includes, duplicates, tocs).
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Gives the markdown parser the texts of pages and fragments.
struct ContentSources<'a> {
    config: &'a Config,
    content: &'a Content,
}

impl Sources for ContentSources<'_> {
    fn markdown(&self, path: &str) -> Option<&str> {
        self.content.markdown_text(path)
    }
    fn display(&self, path: &str) -> String {
        self.config.source_path(path)
    }
}

impl Site {
    /// Loads, parses and resolves the site described by `config`.
    pub(crate) fn load(config: Config) -> Site {
        let content = crate::timing::phase("load", || Content::load(&config));
        Site::from_content(config, content)
    }

    /// Parses every page of already loaded content, then resolves.
    pub(crate) fn from_content(config: Config, content: Content) -> Site {
        let docs: Vec<Document> = crate::timing::phase("parse", || {
            let sources = ContentSources {
                config: &config,
                content: &content,
            };
            let labels = task_labels(&config);
            content
                .pages
                .par_iter()
                .map(|p| parse_page(&config, &sources, &labels, p))
                .collect()
        });
        crate::timing::phase("resolve", || Site::assemble(config, content, docs))
    }

    /// Applies `edit` to the content, then re-parses the pages `reparse`
    /// picks (given a page's path and its previous document) plus pages that
    /// are new, reuses every other page's document, and resolves the whole
    /// site again. This is `serve`'s incremental step: parsing is the
    /// expensive part, resolving goes through indexes.
    pub(crate) fn update(
        &mut self,
        edit: impl FnOnce(&mut Content),
        reparse: &(dyn Fn(&str, &Document) -> bool + Sync),
    ) {
        let mut previous: HashMap<String, Document> = self
            .content
            .pages
            .iter()
            .map(|s| s.path.clone())
            .zip(std::mem::take(&mut self.pages).into_iter().map(|p| p.doc))
            .collect();
        edit(&mut self.content);
        let old: Vec<Option<Document>> = self
            .content
            .pages
            .iter()
            .map(|p| previous.remove(&p.path))
            .collect();
        let docs: Vec<Document> = {
            let sources = ContentSources {
                config: &self.config,
                content: &self.content,
            };
            let labels = task_labels(&self.config);
            self.content
                .pages
                .par_iter()
                .zip(old)
                .map(|(p, doc)| match doc {
                    Some(doc) if !reparse(&p.path, &doc) => doc,
                    _ => parse_page(&self.config, &sources, &labels, p),
                })
                .collect()
        };
        self.pages = self.new_pages(docs);
        self.resolve_all();
    }

    fn assemble(config: Config, content: Content, docs: Vec<Document>) -> Site {
        let mut site = Site {
            config,
            content,
            pages: Vec::new(),
            index: Index::default(),
            tocs: Vec::new(),
            navs: Vec::new(),
            withheld: HashSet::new(),
            diagnostics: Vec::new(),
        };
        site.pages = site.new_pages(docs);
        site.resolve_all();
        site
    }

    fn new_pages(&self, docs: Vec<Document>) -> Vec<Page> {
        self.content
            .pages
            .iter()
            .zip(docs)
            .map(|(source, doc)| new_page(&self.config, source, doc))
            .collect()
    }

    fn resolve_all(&mut self) {
        let mut diagnostics: Vec<Diagnostic> = self.content.diagnostics.clone();
        for source in &self.content.pages {
            diagnostics.extend(source.diagnostics.iter().cloned());
        }
        for file in self
            .content
            .fragments
            .values()
            .chain(self.content.tocs.values())
        {
            diagnostics.extend(file.diagnostics.iter().cloned());
        }
        for page in &self.pages {
            diagnostics.extend(page.doc.diagnostics.iter().cloned());
        }

        self.build_index(&mut diagnostics);
        collisions::resolve(self, &mut diagnostics);

        let targets: Vec<Vec<Target>> = self
            .pages
            .par_iter()
            .map(|page| {
                page.doc
                    .links
                    .iter()
                    .map(|l| self.resolve_link(&page.doc.files[l.pos.file as usize], l))
                    .collect()
            })
            .collect();
        for (page, t) in self.pages.iter_mut().zip(targets) {
            page.targets = t;
        }

        self.tocs = toc::load_all(self, &mut diagnostics);
        nav::build(self);

        for d in &mut diagnostics {
            d.severity = self.config.severity_of(d.code);
        }
        self.diagnostics = diagnostics;
    }

    fn build_index(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let n_langs = self.config.languages.len();
        let mut index = Index::default();
        for (id, source) in self.content.pages.iter().enumerate() {
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
        for (id, page) in self.pages.iter().enumerate() {
            let slots = index
                .translations
                .entry(page.key.clone())
                .or_insert_with(|| vec![None; n_langs]);
            let placement = &self.content.pages[id].placement;
            match slots[page.lang] {
                Some(other)
                    if duplicate_rank(&self.content.pages[other].placement)
                        <= duplicate_rank(placement) => {}
                _ => slots[page.lang] = Some(id),
            }
        }
        for (id, page) in self.pages.iter().enumerate() {
            let winner = index.translations[&page.key][page.lang];
            if let Some(winner) = winner.filter(|&w| w != id) {
                diagnostics.push(self.duplicate_diagnostic(id, winner));
            }
        }
        for page in self.pages.iter_mut() {
            page.published = false;
        }
        for slots in index.translations.values() {
            for &id in slots.iter().flatten() {
                self.pages[id].published = !self.content.pages[id].failed;
            }
        }
        self.index = index;
    }

    /// `translation-duplicate` on `loser`, naming the file published
    /// instead and why.
    fn duplicate_diagnostic(&self, loser: PageId, winner: PageId) -> Diagnostic {
        let (w, l) = (&self.content.pages[winner], &self.content.pages[loser]);
        let languages = &self.config.languages;
        let lang = &languages[w.placement.lang].code;
        let why = match (duplicate_rank(&w.placement), duplicate_rank(&l.placement)) {
            (a, b) if a == b => "the first in path order".to_string(),
            (0, _) => format!("its suffix names {lang}"),
            _ => format!("`{}`'s suffix names another language", l.path),
        };
        let hint = match l.placement.conflict {
            Some((_, named)) => format!(
                "its suffix names {}: move it to that language's folder, or delete it if it is a stale copy",
                languages[named].code
            ),
            None => "delete the stale copy, or rename it so its key differs".to_string(),
        };
        Diagnostic::new(
            Code::TranslationDuplicate,
            self.config.source_path(&l.path),
            format!(
                "`{}` and `{}` are both the {lang} version of `{}`; only `{}` is published ({why})",
                l.path, w.path, self.pages[loser].key, w.path
            ),
        )
        .at(1, 1)
        .hint(hint)
    }

    /// The source of a page.
    pub(crate) fn source(&self, id: PageId) -> &PageSource {
        &self.content.pages[id]
    }

    /// The page with this key in this language, published or not.
    pub(crate) fn translation(&self, key: &TranslationKey, lang: usize) -> Option<PageId> {
        self.index
            .translations
            .get(key)
            .and_then(|s| s.get(lang).copied().flatten())
    }

    /// The text of a site file named as diagnostics name it (pages,
    /// fragments, tocs), for report excerpts.
    pub fn source_text(&self, shown: &str) -> Option<&str> {
        let content_dir = self.config.display_path(&self.config.content_dir);
        let rel = if content_dir.is_empty() || content_dir == "." {
            shown
        } else {
            shown.strip_prefix(&content_dir)?.strip_prefix('/')?
        };
        self.content
            .markdown_text(rel)
            .or_else(|| self.content.tocs.get(rel).and_then(|t| t.text.as_deref()))
    }

    /// Is this content file (an asset) copied into the output?
    pub(crate) fn publishes_asset(&self, path: &str) -> bool {
        self.content.assets.contains(path) && !self.withheld.contains(path)
    }

    /// Published pages, in path order.
    pub(crate) fn published(&self) -> impl Iterator<Item = (PageId, &Page)> {
        self.pages.iter().enumerate().filter(|(_, p)| p.published)
    }

    /// Languages that have at least one page, in configured order.
    pub(crate) fn languages_in_use(&self) -> Vec<usize> {
        let mut used = vec![false; self.config.languages.len()];
        for (_, p) in self.published() {
            used[p.lang] = true;
        }
        (0..used.len()).filter(|&l| used[l]).collect()
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

fn task_labels(config: &Config) -> Vec<Vec<(&str, &TaskLabels)>> {
    (0..config.languages.len())
        .map(|lang| {
            let mut order: Vec<&str> = vec![
                config.languages[lang].code.as_str(),
                config.default_lang().code.as_str(),
            ];
            order.extend(config.tasks.keys().map(String::as_str));
            let mut seen = Vec::new();
            order
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
                .collect()
        })
        .collect()
}

fn parse_page(
    config: &Config,
    sources: &ContentSources<'_>,
    labels: &[Vec<(&str, &TaskLabels)>],
    page: &PageSource,
) -> Document {
    if page.failed {
        return Document {
            files: vec![page.path.clone()],
            ..Document::default()
        };
    }
    let lang = page.placement.lang;
    markdown::parse(&markdown::ParseContext {
        path: &page.path,
        text: &page.text,
        body_start: page.body_start,
        sources,
        lang: &config.languages[lang].code,
        task_labels: labels[lang].clone(),
        raw_html: config.markdown.raw_html,
    })
}

fn new_page(config: &Config, source: &PageSource, doc: Document) -> Page {
    let lang = source.placement.lang;
    let file_stem =
        crate::content::language::strip_markdown_ext(crate::paths::file_name(&source.path))
            .to_string();
    let title = source
        .front_matter
        .text("title")
        .or_else(|| doc.title.clone())
        .unwrap_or_else(|| file_stem.clone());
    let heading = doc.title.clone().unwrap_or_else(|| title.clone());
    Page {
        lang,
        url: source.placement.key.url(&config.languages[lang]),
        key: source.placement.key.clone(),
        title,
        heading,
        description: source.front_matter.text("description"),
        doc,
        targets: Vec::new(),
        published: false,
        nav: None,
    }
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
        buf.extend(c.chars().flat_map(char::to_lowercase));
        if buf.len().abs_diff(wanted.len()) > limit
            || bag_distance(&wanted_bag, &char_bag(&buf)) > limit
        {
            continue;
        }
        let d = edit_distance(&wanted, &buf);
        if d <= limit && best.is_none_or(|(bd, bc)| (d, c) < (bd, bc)) {
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

/// Levenshtein distance over characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j + 1] + 1)
                .min(cur[j] + 1)
                .min(prev[j] + usize::from(ca != cb));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests;
