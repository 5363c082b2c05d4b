//! `serve`'s incremental step: the site brought up to date with a batch of
//! changed files, doing only what they need.
//!
//! When no file came or went (the usual save: one page's text), the pages
//! that read a changed file are parsed again and only their links are
//! resolved: the indexes, the other pages' links, the collisions and the
//! duplicates are exactly as before. Tocs keep their parsed YAML
//! ([`toc::Cache`]) and are resolved again, with the navigation trees,
//! only when a toc changed or a page's heading did (navigation shows it),
//! or the anchors of a page a toc entry points into. Otherwise (a file
//! created, deleted or renamed, a page that starts or stops failing to
//! load) page ids may move, and the whole site is resolved again from the
//! kept documents.

use super::{
    Changed, Edit, Page, PageId, Site, all_task_headers, new_page, parse_page, playbook,
    section_links,
};
use crate::config::LangId;
use crate::content::Loaded;
use crate::content::front_matter::Date;
use crate::diagnostic::Code;
use crate::markdown::Document;
use crate::site::Parsed;
use crate::site::links::Target;
use crate::site::nav::{NavEntry, NavLink};
use rayon::prelude::*;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

impl Site {
    /// Applies `edit` to the content, re-parses the pages that read a
    /// changed Markdown file (the page itself, pages that include it),
    /// reuses every other page's document, and resolves what depends on
    /// them (see the module's documentation).
    pub(crate) fn update(&mut self, edit: Edit) -> Changed {
        if self.kept.is_none() || self.changes_files(&edit) {
            return self.update_all(edit);
        }
        let markdown: Vec<String> = edit
            .loaded
            .iter()
            .filter(|item| matches!(item, Loaded::Page(_) | Loaded::Fragment(_)))
            .map(|item| item.path().to_string())
            .collect();
        let mut ids: Vec<PageId> = markdown
            .iter()
            .flat_map(|path| {
                self.page_by_path(path)
                    .into_iter()
                    .chain(self.includers(path))
            })
            .collect();
        ids.sort();
        ids.dedup();
        let digests: Vec<u64> = ids
            .iter()
            .map(|&id| playbook::page_digest(self, id))
            .collect();
        let (tocs_changed, old_dates) = self.apply(edit.loaded);
        let (mut changed, retitled) = self.reparse(&ids, &old_dates);
        let anchored = self
            .kept
            .as_ref()
            .is_some_and(|k| changed.anchors.iter().any(|p| k.anchored.contains(p)));
        if tocs_changed || anchored || !retitled.is_empty() {
            self.renavigate(&mut changed, &retitled);
        }
        // A language's task index and phases show only its own pages.
        let mut langs: BTreeSet<LangId> = changed.navs.iter().map(|&n| self.nav(n).lang).collect();
        for (&id, before) in ids.iter().zip(digests) {
            if playbook::page_digest(self, id) != before {
                langs.insert(self.page(id).lang);
            }
        }
        if !langs.is_empty() {
            self.replaybook(&mut changed, langs);
        }
        // Staleness compares dates; fallback pages show a main navigation.
        if changed.dates || !changed.navs.is_empty() {
            self.judge_translations();
        }
        changed
    }

    /// Builds the playbook again (task indexes, exports, phase overviews)
    /// and records whether every page's links to them may differ.
    fn replaybook(&mut self, changed: &mut Changed, langs: BTreeSet<LangId>) {
        let links = |p: &playbook::Playbook| (p.has_tasks(), p.has_phases());
        let before = links(&self.playbook);
        self.playbook = playbook::build(self);
        changed.playbook = langs;
        changed.playbook_links = links(&self.playbook) != before;
    }

    /// Does the edit add or remove a file, or make a page start or stop
    /// failing to load? Then pages' ids, the indexes and links' targets
    /// may all change.
    fn changes_files(&self, edit: &Edit) -> bool {
        let content = &self.content;
        edit.removed
            .iter()
            .any(|rel| !content.files_under(rel).is_empty())
            || edit.loaded.iter().any(|item| match item {
                Loaded::Page(p) => content
                    .page(&p.path)
                    .is_none_or(|old| old.failed != p.failed),
                Loaded::Fragment(f) => !content.fragments.contains_key(&f.path),
                Loaded::Toc(t) => !content.tocs.contains_key(&t.path),
                Loaded::Asset(a) => !content.assets.contains(a),
            })
    }

    /// Puts changed files into the content: whether a toc changed, and
    /// the previous date of each page loaded.
    fn apply(&mut self, loaded: Vec<Loaded>) -> (bool, HashMap<String, Option<Date>>) {
        let mut tocs_changed = false;
        let mut dates = HashMap::new();
        for item in loaded {
            match &item {
                Loaded::Toc(t) => {
                    if let Some(kept) = &mut self.kept {
                        kept.tocs.remove(&t.path);
                    }
                    tocs_changed = true;
                }
                Loaded::Page(p) => {
                    let before = self.content.page(&p.path).and_then(|s| s.date);
                    dates.insert(p.path.clone(), before);
                }
                Loaded::Fragment(_) | Loaded::Asset(_) => {}
            }
            self.content.insert(item);
        }
        (tocs_changed, dates)
    }

    /// Parses the pages `ids` again and resolves their links; returns what
    /// changed and the pages whose heading did.
    fn reparse(
        &mut self,
        ids: &[PageId],
        old_dates: &HashMap<String, Option<Date>>,
    ) -> (Changed, Vec<PageId>) {
        let fresh: Vec<Page> = {
            let sources = self.parser_sources();
            let headers = all_task_headers(&self.config);
            let bodies = self.keeps_bodies;
            ids.par_iter()
                .map(|&id| {
                    let source = self.source(id);
                    let parsed = parse_page(&self.config, &sources, &headers, source, bodies);
                    let mut page = new_page(&self.config, source, parsed);
                    page.targets = self.resolve_links(&page.doc);
                    page
                })
                .collect()
        };
        let mut changed = Changed {
            reparsed: ids.to_vec(),
            ..Changed::default()
        };
        let mut retitled = Vec::new();
        for (&id, mut page) in ids.iter().zip(fresh) {
            page.published = self.pages[id.0].published;
            page.nav = self.pages[id.0].nav;
            let old = std::mem::replace(&mut self.pages[id.0], page);
            let new = &self.pages[id.0];
            if new.heading != old.heading {
                retitled.push(id);
            }
            if new.doc.anchors != old.doc.anchors {
                changed.anchors.push(id);
            }
            if new.published {
                let changes = changed.search.entry(new.lang).or_default();
                changes.add(old.search.as_ref(), new.search.as_ref());
                self.move_search_entries(id, old.search.as_ref());
            }
            // "Last updated" falls back to the refresh summary's newest date.
            let source = self.source(id);
            let newest = |page: &Page| page.doc.history.and_then(|h| h.newest);
            changed.dates |= old_dates
                .get(&source.path)
                .is_some_and(|&before| before.or(newest(&old)) != self.updated(id));
            self.relink(id, &old);
        }
        (changed, retitled)
    }

    /// Page `id`'s entries in its language's kept search postings: those
    /// of its `old` record out, its new record's in.
    fn move_search_entries(&mut self, id: PageId, old: Option<&crate::search::Record>) {
        let lang = self.pages[id.0].lang;
        let Some(doc) = self.search_doc(id) else {
            return;
        };
        let terms = self.vocabulary.read();
        if let Some(postings) = self
            .kept
            .as_mut()
            .and_then(|k| k.postings.get_mut(lang.index()))
        {
            postings.replace(doc, old, self.pages[id.0].search.as_ref(), &terms);
        }
    }

    /// Pages that include the Markdown file `path`.
    fn includers(&self, path: &str) -> Vec<PageId> {
        self.kept
            .iter()
            .filter_map(|k| k.included_by.get(path))
            .flatten()
            .copied()
            .collect()
    }

    /// Keeps [`super::Kept::linked_from`] and [`super::Kept::included_by`]
    /// true after page `id` replaced `old`.
    fn relink(&mut self, id: PageId, old: &Page) {
        let Some(kept) = &mut self.kept else {
            return;
        };
        let new = &self.pages[id.0];
        for to in section_links(&old.targets) {
            if let Some(from) = kept.linked_from.get_mut(&to) {
                from.remove(&id);
            }
        }
        for file in old.doc.files.iter().skip(1) {
            if let Some(by) = kept.included_by.get_mut(file) {
                by.remove(&id);
            }
        }
        kept.add_page(id, new);
    }

    /// Resolves tocs and navigation again; records which trees changed
    /// and which pages' place in them (or neighbour's heading) did.
    fn renavigate(&mut self, changed: &mut Changed, retitled: &[PageId]) {
        let old = std::mem::take(&mut self.navs);
        self.resolve_navigation();
        changed.navs = self
            .navs()
            .filter(|(id, nav)| old.get(id.index()) != Some(*nav))
            .map(|(id, _)| id)
            .collect();
        let retitled: HashSet<PageId> = retitled.iter().copied().collect();
        for (id, page) in self.published() {
            let Some(n) = page.nav else {
                continue;
            };
            let now = self.nav(n).position(id);
            let before = old.get(n.index()).and_then(|o| o.position(id));
            let shows_retitled = now.is_some_and(|p| {
                p.prev
                    .iter()
                    .chain(&p.next)
                    .any(|near| retitled.contains(near))
            });
            if now != before || shows_retitled {
                changed.neighbours.insert(id);
            }
        }
    }

    /// Applies the edit, re-parses the pages that read a changed, new or
    /// removed Markdown file (a page may include a file that did not exist
    /// before) and new pages, and resolves the whole site again. Page ids
    /// may change; [`Changed::outward`] lists the pages whose output may.
    fn update_all(&mut self, edit: Edit) -> Changed {
        let before: HashMap<String, u64> = self
            .pages()
            .map(|(id, _)| (self.source(id).path.clone(), self.outward(id)))
            .collect();
        let trees_before = self.nav_digests();
        let languages = self.languages_in_use();
        let parsed = self.reparse_all(edit);
        let trees = self.nav_digests();
        let outward = (self.languages_in_use() == languages).then(|| {
            self.pages()
                .map(|(id, _)| id)
                .filter(|&id| {
                    parsed.contains(&id)
                        || before.get(&self.source(id).path) != Some(&self.outward(id))
                        || self.page(id).nav.is_some_and(|n| {
                            let path = self.nav(n).output_path(self);
                            trees_before.get(&path) != trees.get(&path)
                        })
                })
                .collect()
        });
        Changed {
            everything: true,
            outward,
            ..Changed::default()
        }
    }

    /// [`Site::update_all`] without the comparison; returns the pages parsed.
    fn reparse_all(&mut self, edit: Edit) -> HashSet<PageId> {
        let (markdown, markdown_set_changed) = self.changed_markdown(&edit);
        let reparse = |path: &str, doc: &Document| {
            markdown.contains(path)
                || doc.files.iter().skip(1).any(|f| markdown.contains(f))
                || (markdown_set_changed
                    && doc
                        .diagnostics
                        .iter()
                        .any(|d| d.code == Code::IncludeMissing))
        };
        let mut previous: HashMap<String, Parsed> = self
            .content
            .pages()
            .iter()
            .map(|s| s.path.clone())
            .zip(std::mem::take(&mut self.pages).into_iter().map(|p| Parsed {
                doc: p.doc,
                body: p.body,
                search: p.search,
            }))
            .collect();
        for rel in &edit.removed {
            self.content.remove_tree(rel);
        }
        self.apply(edit.loaded);
        let old: Vec<Option<Parsed>> = self
            .content
            .pages()
            .iter()
            .map(|p| previous.remove(&p.path))
            .collect();
        let parsed: Vec<(Parsed, bool)> = {
            let sources = self.parser_sources();
            let headers = all_task_headers(&self.config);
            let bodies = self.keeps_bodies;
            self.content
                .pages()
                .par_iter()
                .zip(old)
                .map(|(p, old)| match old {
                    Some(old) if !reparse(&p.path, &old.doc) => (old, false),
                    _ => (
                        parse_page(&self.config, &sources, &headers, p, bodies),
                        true,
                    ),
                })
                .collect()
        };
        let fresh = (0..parsed.len())
            .filter(|&i| parsed[i].1)
            .map(PageId)
            .collect();
        self.pages = self.new_pages(parsed.into_iter().map(|(p, _)| p).collect());
        self.resolve_all();
        fresh
    }

    /// A digest of what page `id`'s output shows of other pages, by
    /// content path (page ids change when files come or go): where its
    /// links lead, its published translations, its place in navigation.
    /// Its own text is not in it: a page parsed again is rendered anyway.
    fn outward(&self, id: PageId) -> u64 {
        let mut h = DefaultHasher::new();
        let page = self.page(id);
        let path = |p: PageId| self.source(p).path.as_str();
        page.published.hash(&mut h);
        for target in &page.targets {
            match target {
                Target::Page {
                    page,
                    fragment,
                    case_mismatch,
                } => (0, path(*page), fragment, case_mismatch).hash(&mut h),
                Target::Unbuilt { page } => (1, path(*page)).hash(&mut h),
                Target::Asset { path, .. } => (2, path, self.publishes_asset(path)).hash(&mut h),
                other => (3, format!("{other:?}")).hash(&mut h),
            }
        }
        self.translations_digest(page, &mut h);
        let Some(nav) = page.nav.map(|n| self.nav(n)) else {
            return h.finish();
        };
        nav.output_path(self).hash(&mut h);
        if let Some(position) = nav.position(id) {
            let near = |p: Option<PageId>| p.map(|p| (path(p), &self.page(p).heading));
            (near(position.prev), near(position.next)).hash(&mut h);
            for step in &position.trail {
                (&step.title, step.page.map(path)).hash(&mut h);
            }
        }
        h.finish()
    }

    /// What [`Site::outward`] adds for translations: the page's published
    /// translations and fallback pages, its own state (a stale notice),
    /// and, when the site has fallback pages, where its links lead in
    /// each language (a fallback page made from it links to translations).
    fn translations_digest(&self, page: &Page, h: &mut DefaultHasher) {
        let path = |p: PageId| self.source(p).path.as_str();
        let status = self.translation_status();
        let of_key = |key: &crate::content::TranslationKey, h: &mut DefaultHasher| {
            for (lang, _) in self.config.languages() {
                self.published_translation(key, lang).map(path).hash(h);
                status.has_fallback(key, lang).hash(h);
            }
        };
        of_key(&page.key, h);
        status
            .cell(&page.key, page.lang)
            .map(|c| (c.state, c.older))
            .hash(h);
        if status.fallbacks().is_empty() {
            return;
        }
        for target in &page.targets {
            if let Target::Page { page, .. } = target {
                of_key(&self.page(*page).key, h);
            }
        }
    }

    /// A digest of each navigation tree as pages show it in their sidebar
    /// (titles, and where entries lead by content path), by its name.
    fn nav_digests(&self) -> HashMap<String, u64> {
        fn digest(site: &Site, entries: &[NavEntry], h: &mut DefaultHasher) {
            for e in entries {
                e.title.hash(h);
                match &e.link {
                    NavLink::Page(p) => (0, site.source(*p).path.as_str()).hash(h),
                    other => (1, format!("{other:?}")).hash(h),
                }
                e.children.len().hash(h);
                digest(site, &e.children, h);
            }
        }
        self.navs()
            .map(|(_, nav)| {
                let mut h = DefaultHasher::new();
                digest(self, &nav.entries, &mut h);
                (nav.output_path(self), h.finish())
            })
            .collect()
    }

    /// The Markdown files (pages, fragments) an edit changes, adds or
    /// removes, and whether it adds or removes one.
    fn changed_markdown(&self, edit: &Edit) -> (HashSet<String>, bool) {
        let content = &self.content;
        let mut markdown: HashSet<String> = edit
            .removed
            .iter()
            .flat_map(|rel| content.files_under(rel))
            .filter(|path| content.has_markdown(path))
            .collect();
        let mut set_changed = !markdown.is_empty();
        for item in &edit.loaded {
            if let Loaded::Page(_) | Loaded::Fragment(_) = item {
                set_changed |= !content.has_markdown(item.path());
                markdown.insert(item.path().to_string());
            }
        }
        (markdown, set_changed)
    }
}
