//! The sidebar: a navigation tree as plain links in every page's HTML, so it
//! works without JavaScript and from `file://`.
//!
//! Each tree is turned into HTML pieces once per render pass ([`Sidebar`]);
//! a page's sidebar is those pieces spliced into its HTML after the page
//! template ran ([`Sidebar::splice`]): its own entry gets
//! `aria-current="page"` and its branch is open. No template runs per page
//! for the tree, and a page's size grows with what it shows:
//! a tree of up to [`limits::SIDEBAR_FULL_ENTRIES`] entries is shown whole
//! (closed groups fold with `<details>`); a bigger one shows its top level,
//! the current page's branch (its ancestors' children) and the page's own
//! children, and a closed group is a link to its page (or its first page);
//! there a list longer than [`limits::SIDEBAR_WINDOW`] shows that many
//! entries around the open one, with `…` where entries are left out (the
//! pages at the window's edges show the next ones).
//!
//! A group is a link beside a separate `<details>` toggle, never a link
//! inside `<summary>` (two controls nested in one, `nested-interactive`).

use crate::html;
use crate::limits;
use crate::paths::{self, LinkForm};
use crate::site::nav::{Nav, NavEntry, NavLink};
use crate::site::{PageId, Site};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// Where a page's template asks for its sidebar; see [`Sidebar::splice`].
/// NUL cannot come from content (Markdown turns it into U+FFFD and
/// attribute values are escaped), so only a template writes it.
pub(crate) const MARKER: &str = "\u{0}folio-sidebar\u{0}";

/// One navigation tree, flattened in document order.
#[derive(Debug)]
pub(crate) struct Sidebar {
    items: Vec<Item>,
    /// The entries of each list: the top level's at 0, entry `i`'s
    /// children at `i + 1`. Found once, so a page's sidebar costs the
    /// entries it shows, not the tree's size.
    lists: Vec<Vec<usize>>,
    /// Each entry's place in its list.
    rank: Vec<usize>,
    /// Each page's first entry.
    entry_of: HashMap<PageId, usize>,
    /// Whether the whole tree is written into every page.
    whole: bool,
    /// The folder internal links are relative to (the language's, `en/`):
    /// a page puts its way there (`../`) before them.
    base: String,
    /// Hash of everything the tree's HTML depends on.
    digest: u64,
}

#[derive(Debug)]
struct Item {
    parent: Option<usize>,
    /// Index just after this entry's descendants.
    end: usize,
    /// Escaped title.
    title: String,
    href: Href,
    /// ` lang="xx" class="foreign"` for an entry in another language.
    lang_attr: String,
    /// Where a closed group leads when its children are not written: its
    /// own link, else its first descendant's.
    fallback: Option<usize>,
    /// A `toc-broken` entry, marked when serving.
    broken: Option<String>,
}

#[derive(Debug, Clone)]
enum Href {
    None,
    /// Relative to [`Sidebar::base`] (encoded, in the link form).
    Internal(String),
    /// Written as is (escaped).
    External(String),
}

/// One page's view of a tree.
struct View<'a> {
    /// The current entry and its ancestors, innermost first (empty: no
    /// entry is the page's).
    path: &'a [usize],
    current: Option<usize>,
    /// The page's way to the links' base folder.
    root: &'a str,
}

impl View<'_> {
    fn is_open(&self, i: usize) -> bool {
        self.path.contains(&i)
    }
}

/// What a page's sidebar depends on besides the tree: part of its fingerprint.
#[derive(Debug, serde::Serialize)]
pub(crate) struct SidebarKey {
    digest: u64,
    entry: Option<usize>,
}

impl Sidebar {
    /// The tree `nav`, with links in `form`; broken entries are marked when `serving`.
    pub(crate) fn new(site: &Site, nav: &Nav, form: LinkForm, serving: bool) -> Sidebar {
        let base = format!("{}/", site.config.language(nav.lang).code);
        let mut items = Vec::new();
        let tree = Tree {
            site,
            nav,
            form,
            base: &base,
        };
        tree.flatten(&nav.entries, None, &mut items);
        if !serving {
            for item in &mut items {
                item.broken = None;
            }
        }
        for i in (0..items.len()).rev() {
            if !matches!(items[i].href, Href::None) {
                items[i].fallback = Some(i);
            } else if items[i].end > i + 1 {
                items[i].fallback = items[i + 1..items[i].end].iter().find_map(|c| c.fallback);
            }
        }
        let mut lists = vec![Vec::new(); items.len() + 1];
        let mut rank = vec![0; items.len()];
        for (i, item) in items.iter().enumerate() {
            let list = &mut lists[item.parent.map_or(0, |p| p + 1)];
            rank[i] = list.len();
            list.push(i);
        }
        let mut entry_of = HashMap::new();
        flat_pages(&nav.entries, &mut 0, &mut entry_of);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for item in &items {
            (
                item.parent,
                item.end,
                &item.title,
                &item.lang_attr,
                &item.broken,
            )
                .hash(&mut hasher);
            format!("{:?}", item.href).hash(&mut hasher);
        }
        Sidebar {
            whole: items.len() <= limits::SIDEBAR_FULL_ENTRIES,
            items,
            lists,
            rank,
            entry_of,
            digest: hasher.finish(),
            base,
        }
    }

    /// What page `page`'s sidebar depends on (with its root, in its context).
    pub(crate) fn key(&self, page: PageId) -> SidebarKey {
        SidebarKey {
            digest: self.digest,
            entry: self.entry_of.get(&page).copied(),
        }
    }

    /// `html` (a rendered page) with its first [`MARKER`] replaced by the
    /// tree as seen from `page`, in the site-relative folder `from`.
    pub(crate) fn splice(&self, html: String, page: PageId, from: &str) -> String {
        let Some(at) = html.find(MARKER) else {
            return html;
        };
        let shown = if self.whole {
            self.items.len()
        } else {
            limits::SIDEBAR_WINDOW * 4
        };
        let mut out = String::with_capacity(html.len() + shown * 96);
        out.push_str(&html[..at]);
        let root = paths::relative_url(from, &self.base, LinkForm::Directory);
        self.write(&mut out, self.entry_of.get(&page).copied(), &root);
        out.push_str(&html[at + MARKER.len()..]);
        out
    }

    /// The tree as seen from the entry `current`.
    fn write(&self, out: &mut String, current: Option<usize>, root: &str) {
        let mut path = Vec::new();
        let mut at = current;
        while let Some(i) = at {
            path.push(i);
            at = self.items[i].parent;
        }
        let view = View {
            path: &path,
            current,
            root,
        };
        out.push_str("<ul class=\"nav-tree\">");
        self.write_list(out, None, &view);
        out.push_str("</ul>");
    }

    /// The entries of one level, under `parent` (each with its
    /// descendants). In a big tree a long list shows a window around the
    /// open entry, with a mark where entries are left out.
    fn write_list(&self, out: &mut String, parent: Option<usize>, view: &View<'_>) {
        let children = &self.lists[parent.map_or(0, |p| p + 1)];
        let (lo, hi) = if self.whole || children.len() <= limits::SIDEBAR_WINDOW {
            (0, children.len())
        } else {
            let open = view.path.iter().find(|&&i| self.items[i].parent == parent);
            let at = open.map_or(0, |&i| self.rank[i]);
            let lo = at.saturating_sub(limits::SIDEBAR_WINDOW / 2);
            let hi = (lo + limits::SIDEBAR_WINDOW).min(children.len());
            (hi.saturating_sub(limits::SIDEBAR_WINDOW), hi)
        };
        if lo > 0 {
            out.push_str("<li class=\"nav-more\" aria-hidden=\"true\">\u{2026}</li>");
        }
        for &i in &children[lo..hi] {
            self.write_entry(out, i, view);
        }
        if hi < children.len() {
            out.push_str("<li class=\"nav-more\" aria-hidden=\"true\">\u{2026}</li>");
        }
    }

    /// Entry `i` with what it shows of its descendants.
    fn write_entry(&self, out: &mut String, i: usize, view: &View<'_>) {
        let item = &self.items[i];
        let has_children = item.end > i + 1;
        let current = view.current == Some(i);
        if has_children && (self.whole || view.is_open(i)) {
            self.write_group(out, i, view.is_open(i), current, view.root);
            self.write_list(out, Some(i), view);
            out.push_str("</ul></details></li>");
        } else {
            // A leaf, or a group whose children are not written here.
            let link = if has_children { item.fallback } else { Some(i) };
            out.push_str(if has_children {
                "<li class=\"nav-closed\">"
            } else {
                "<li>"
            });
            self.write_link(out, i, link, current, view.root);
            out.push_str("</li>");
        }
    }

    fn write_group(&self, out: &mut String, i: usize, open: bool, current: bool, root: &str) {
        let item = &self.items[i];
        out.push_str("<li class=\"nav-group\">");
        let linked = !matches!(item.href, Href::None) || item.broken.is_some();
        if linked {
            self.write_link(out, i, Some(i), current, root);
        }
        out.push_str(if open {
            "<details open><summary>"
        } else {
            "<details><summary>"
        });
        if linked {
            // The toggle's name; the link beside it shows the title.
            out.push_str("<span class=\"visually-hidden\">");
            out.push_str(&item.title);
            out.push_str("</span>");
        } else {
            out.push_str("<span class=\"nav-heading\">");
            out.push_str(&item.title);
            out.push_str("</span>");
        }
        out.push_str("</summary><ul>");
    }

    /// Entry `i`'s title, linked to entry `link`'s target.
    fn write_link(
        &self,
        out: &mut String,
        i: usize,
        link: Option<usize>,
        current: bool,
        root: &str,
    ) {
        let item = &self.items[i];
        if let Some(href) = &item.broken {
            out.push_str("<span class=\"nav-broken\" title=\"toc-broken: ");
            out.push_str(href);
            out.push_str("\">");
            out.push_str(&item.title);
            out.push_str("</span>");
            return;
        }
        let target = link.map(|l| &self.items[l]);
        match target.map(|t| &t.href) {
            Some(Href::Internal(h)) => {
                out.push_str("<a href=\"");
                out.push_str(root);
                out.push_str(h);
                out.push('"');
            }
            Some(Href::External(h)) => {
                out.push_str("<a href=\"");
                out.push_str(h);
                out.push('"');
            }
            _ => {
                out.push_str("<span class=\"nav-heading\">");
                out.push_str(&item.title);
                out.push_str("</span>");
                return;
            }
        }
        if let Some(t) = target {
            out.push_str(&t.lang_attr);
        }
        if current {
            out.push_str(" aria-current=\"page\"");
        }
        out.push('>');
        out.push_str(&item.title);
        out.push_str("</a>");
    }
}

/// Each page's first entry, numbered as [`Tree::flatten`] numbers them.
fn flat_pages(entries: &[NavEntry], next: &mut usize, out: &mut HashMap<PageId, usize>) {
    for e in entries {
        if let NavLink::Page(p) = e.link {
            out.entry(p).or_insert(*next);
        }
        *next += 1;
        flat_pages(&e.children, next, out);
    }
}

/// What flattening a tree needs.
struct Tree<'a> {
    site: &'a Site,
    nav: &'a Nav,
    form: LinkForm,
    base: &'a str,
}

impl Tree<'_> {
    fn flatten(&self, entries: &[NavEntry], parent: Option<usize>, items: &mut Vec<Item>) {
        let site = self.site;
        for e in entries {
            let index = items.len();
            let mut lang_attr = String::new();
            let mut broken = None;
            let href = match &e.link {
                NavLink::Page(p) => {
                    let page = site.page(*p);
                    if page.lang != self.nav.lang {
                        let code = html::escape(&site.config.language(page.lang).code);
                        lang_attr = format!(" lang=\"{code}\" class=\"foreign\"");
                    }
                    self.internal(&page.url)
                }
                NavLink::Asset(a) => self.internal(&site.asset_url(a)),
                NavLink::External(u) => Href::External(html::escape(u)),
                NavLink::Broken(h) => {
                    broken = Some(html::escape(h));
                    Href::None
                }
                NavLink::None => Href::None,
            };
            items.push(Item {
                parent,
                end: index + 1,
                title: html::escape(&e.title),
                href,
                lang_attr,
                fallback: None,
                broken,
            });
            self.flatten(&e.children, Some(index), items);
            items[index].end = items.len();
        }
    }

    fn internal(&self, url: &str) -> Href {
        let href = paths::relative_url(self.base, url, self.form);
        // The base itself: the page's way there is the whole link.
        let href = href.strip_prefix("./").unwrap_or(&href);
        Href::Internal(html::escape(href))
    }
}
