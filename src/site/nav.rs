//! Navigation: one tree per (source, language), from the nearest `toc.yml`
//! or else from the file tree (also when the toc leads to none of the
//! language's pages). `render::sidebar` writes a tree into each page that
//! uses it; a page's trail and neighbours come from its position.

use super::toc::{TocItem, TocTarget};
use super::{PageId, Site};
use crate::config::LangId;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A navigation tree of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct NavId(usize);

impl NavId {
    pub(super) fn new(index: usize) -> NavId {
        NavId(index)
    }

    pub(crate) fn index(self) -> usize {
        self.0
    }
}

/// Where a navigation tree comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum NavSource {
    /// Index into `Site::tocs`.
    Toc(usize),
    /// The language's pages, arranged by their keys.
    Tree,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Nav {
    pub(crate) source: NavSource,
    pub(crate) lang: LangId,
    /// Stable name of the tree (`toc-english-playbook`, `pages`).
    pub(crate) file_id: String,
    pub(crate) entries: Vec<NavEntry>,
    positions: HashMap<PageId, Position>,
    /// The language's pages in reading order (each once).
    order: Vec<PageId>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NavEntry {
    pub(crate) title: String,
    pub(crate) link: NavLink,
    pub(crate) children: Vec<NavEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NavLink {
    None,
    Page(PageId),
    /// An external URL, as written.
    External(String),
    /// A file copied with the site (content-relative path).
    Asset(String),
    /// A toc entry that points at nothing (`toc-broken`), with its `href`
    /// as written: `serve` marks it in the sidebar, a build shows a heading.
    Broken(String),
}

/// A page's place in a navigation tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Position {
    /// Ancestors, outermost first.
    pub(crate) trail: Vec<TrailStep>,
    pub(crate) prev: Option<PageId>,
    pub(crate) next: Option<PageId>,
}

/// One ancestor of a page in a navigation tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TrailStep {
    pub(crate) title: String,
    /// The page the entry links to, if it links to one of this language.
    pub(crate) page: Option<PageId>,
}

impl Site {
    /// The navigation most of a language's pages use (on a tie, the first
    /// built): what its generated home shows.
    pub(crate) fn main_nav(&self, lang: LangId) -> Option<&Nav> {
        self.main_nav_id(lang).map(|n| &self.navs[n.0])
    }

    /// The id of [`Site::main_nav`].
    pub(crate) fn main_nav_id(&self, lang: LangId) -> Option<NavId> {
        let mut uses = vec![0usize; self.navs.len()];
        for page in &self.pages {
            if let Some(n) = page.nav {
                uses[n.0] += 1;
            }
        }
        (0..self.navs.len())
            .filter(|&n| self.navs[n].lang == lang)
            .max_by_key(|&n| (uses[n], std::cmp::Reverse(n)))
            .map(NavId)
    }
}

impl Nav {
    /// The language's pages in the tree, in reading order.
    pub(crate) fn order(&self) -> &[PageId] {
        &self.order
    }

    pub(crate) fn position(&self, page: PageId) -> Option<&Position> {
        self.positions.get(&page)
    }

    /// A stable name of this tree across rebuilds (`_folio/nav/<lang>/<id>.html`,
    /// the path its file had when trees were separate files).
    pub(crate) fn output_path(&self, site: &Site) -> String {
        format!(
            "_folio/nav/{}/{}.html",
            site.config.language(self.lang).code,
            self.file_id
        )
    }
}

/// Builds every navigation tree a published page needs and assigns it.
pub(crate) fn build(site: &mut Site) {
    let toc_by_dir: HashMap<String, usize> = site
        .tocs
        .iter()
        .enumerate()
        .map(|(i, t)| (t.dir().to_string(), i))
        .collect();
    let mut wanted: BTreeMap<(NavSource, LangId), Vec<PageId>> = BTreeMap::new();
    for (id, page) in site.published() {
        let source = nearest_toc(&site.source(id).path, &toc_by_dir)
            .map(NavSource::Toc)
            .unwrap_or(NavSource::Tree);
        wanted.entry((source, page.lang)).or_default().push(id);
    }
    let mut navs = Vec::new();
    for ((source, lang), pages) in wanted {
        let entries = match source {
            NavSource::Toc(t) => {
                let entries = toc_entries(site, &site.tocs[t].items, lang);
                // A toc that leads to none of the language's pages (all
                // its entries broken, or in another language only) would
                // leave them without sidebar, trail and neighbours.
                if links_to_language(site, &entries, lang) {
                    entries
                } else {
                    tree_entries(site, lang)
                }
            }
            NavSource::Tree => tree_entries(site, lang),
        };
        let file_id = match source {
            NavSource::Toc(t) => toc_file_id(site.tocs[t].dir()),
            NavSource::Tree => "pages".to_string(),
        };
        let (positions, order) = positions(site, &entries, lang);
        let nav_id = NavId(navs.len());
        for id in pages {
            site.page_mut(id).nav = Some(nav_id);
        }
        navs.push(Nav {
            source,
            lang,
            file_id,
            entries,
            positions,
            order,
        });
    }
    site.navs = navs;
}

fn nearest_toc(path: &str, toc_by_dir: &HashMap<String, usize>) -> Option<usize> {
    let mut dir = crate::paths::parent(path);
    loop {
        if let Some(&t) = toc_by_dir.get(dir) {
            return Some(t);
        }
        if dir.is_empty() {
            return None;
        }
        dir = crate::paths::parent(dir);
    }
}

/// `fasttrack/english-playbook` → `toc-fasttrack-english-playbook`; only
/// characters every file system and URL accept.
fn toc_file_id(dir: &str) -> String {
    let mut id = String::from("toc");
    for c in dir.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            id.push(c);
        } else if c == '/' {
            id.push('-');
        } else {
            id.push_str(&format!("_{:x}", c as u32));
        }
    }
    if !dir.is_empty() {
        id.insert(3, '-');
    }
    id
}

/// Toc items for one language: pages map to their translation in `lang`
/// when the toc lists another language's page (one toc serving all languages).
fn toc_entries(site: &Site, items: &[TocItem], lang: LangId) -> Vec<NavEntry> {
    items
        .iter()
        .map(|item| {
            let (link, title) = match &item.target {
                TocTarget::Page(p) => {
                    let page = &site.page(*p);
                    if page.lang == lang {
                        (NavLink::Page(*p), item.name.clone())
                    } else {
                        match site.published_translation(&page.key, lang) {
                            Some(t) => (NavLink::Page(t), site.page(t).heading.clone()),
                            None => (NavLink::Page(*p), item.name.clone()),
                        }
                    }
                }
                TocTarget::Url(u) => (NavLink::External(u.clone()), item.name.clone()),
                TocTarget::Asset(a) => (NavLink::Asset(a.clone()), item.name.clone()),
                TocTarget::Broken => (
                    NavLink::Broken(item.href.clone().unwrap_or_default()),
                    item.name.clone(),
                ),
                TocTarget::None => (NavLink::None, item.name.clone()),
            };
            NavEntry {
                title,
                link,
                children: toc_entries(site, &item.items, lang),
            }
        })
        .collect()
}

/// Does any entry link to a page in `lang`?
fn links_to_language(site: &Site, entries: &[NavEntry], lang: LangId) -> bool {
    entries.iter().any(|e| {
        matches!(e.link, NavLink::Page(p) if site.page(p).lang == lang)
            || links_to_language(site, &e.children, lang)
    })
}

/// The language's pages as a tree of their keys: `a/b` sits under `a`.
fn tree_entries(site: &Site, lang: LangId) -> Vec<NavEntry> {
    #[derive(Default)]
    struct Node {
        page: Option<PageId>,
        children: BTreeMap<String, Node>,
    }
    let mut root = Node::default();
    let mut home = None;
    for (id, page) in site.published() {
        if page.lang != lang {
            continue;
        }
        if page.key.as_str().is_empty() {
            home = Some(id);
            continue;
        }
        let mut node = &mut root;
        for seg in page.key.as_str().split('/') {
            node = node.children.entry(seg.to_string()).or_default();
        }
        node.page = Some(id);
    }
    fn convert(site: &Site, children: BTreeMap<String, Node>) -> Vec<NavEntry> {
        let mut entries: Vec<NavEntry> = children
            .into_iter()
            .map(|(seg, node)| NavEntry {
                title: node
                    .page
                    .map(|p| site.page(p).heading.clone())
                    .unwrap_or(seg),
                link: node.page.map(NavLink::Page).unwrap_or(NavLink::None),
                children: convert(site, node.children),
            })
            .collect();
        // Folders first would hide order authors chose; by title reads best.
        entries.sort_by_key(|e| e.title.to_lowercase());
        entries
    }
    let mut entries = Vec::new();
    if let Some(h) = home {
        entries.push(NavEntry {
            title: site.page(h).heading.clone(),
            link: NavLink::Page(h),
            children: Vec::new(),
        });
    }
    entries.extend(convert(site, root.children));
    entries
}

/// Trails and reading order (pages of `lang` only, first occurrence wins).
fn positions(
    site: &Site,
    entries: &[NavEntry],
    lang: LangId,
) -> (HashMap<PageId, Position>, Vec<PageId>) {
    let mut order = Vec::new();
    let mut trails = HashMap::new();
    let mut seen = HashSet::new();
    fn walk(
        site: &Site,
        entries: &[NavEntry],
        lang: LangId,
        trail: &mut Vec<TrailStep>,
        order: &mut Vec<PageId>,
        trails: &mut HashMap<PageId, Vec<TrailStep>>,
        seen: &mut HashSet<PageId>,
    ) {
        for e in entries {
            let page = match e.link {
                NavLink::Page(p) if site.page(p).lang == lang => Some(p),
                _ => None,
            };
            if let Some(p) = page {
                if seen.insert(p) {
                    order.push(p);
                    trails.insert(p, trail.clone());
                }
            }
            trail.push(TrailStep {
                title: e.title.clone(),
                page,
            });
            walk(site, &e.children, lang, trail, order, trails, seen);
            trail.pop();
        }
    }
    walk(
        site,
        entries,
        lang,
        &mut Vec::new(),
        &mut order,
        &mut trails,
        &mut seen,
    );
    let mut positions = HashMap::with_capacity(order.len());
    for (i, &p) in order.iter().enumerate() {
        positions.insert(
            p,
            Position {
                trail: trails.remove(&p).unwrap_or_default(),
                prev: i.checked_sub(1).map(|j| order[j]),
                next: order.get(i + 1).copied(),
            },
        );
    }
    (positions, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_ids_are_safe() {
        assert_eq!(toc_file_id(""), "toc");
        assert_eq!(
            toc_file_id("fasttrack/english-playbook"),
            "toc-fasttrack-english-playbook"
        );
        assert_eq!(toc_file_id("a b"), "toc-a_20b");
    }
}
