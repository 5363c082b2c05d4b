//! DocFX `toc.yml`: the navigation tree authors maintain by hand. Hrefs are
//! relative to the toc file; an href to another `toc.yml` (or a folder that
//! has one) nests that toc's items.

use super::links::Target;
use super::{PageId, Site};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::{self, Node, Pos};
use crate::{limits, paths};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Toc {
    /// Content-relative path of the `toc.yml`.
    pub(crate) path: String,
    pub(crate) items: Vec<TocItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TocItem {
    pub(crate) name: String,
    pub(crate) href: Option<String>,
    pub(crate) target: TocTarget,
    pub(crate) items: Vec<TocItem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TocTarget {
    /// A heading without a link.
    None,
    Page(PageId),
    /// An external URL, as written but percent-encoded where URLs require.
    Url(String),
    /// A file copied with the site (content-relative path).
    Asset(String),
    /// Points at nothing (reported as `toc-broken`).
    Broken,
}

impl Toc {
    /// The directory whose pages this toc navigates.
    pub(crate) fn dir(&self) -> &str {
        paths::parent(&self.path)
    }
}

/// Toc files' YAML as parsed, by content path. `serve` keeps it between
/// rebuilds and forgets a file's entry when its text changes, so an edit
/// elsewhere parses no toc again.
pub(crate) type Cache = HashMap<String, Parsed>;

/// One toc file's YAML: its list of items (`None` when it does not parse)
/// and what parsing it found.
#[derive(Clone, Debug)]
pub(crate) struct Parsed {
    list: Option<Arc<Vec<Node>>>,
    diagnostics: Vec<Diagnostic>,
}

/// Every toc of the site, resolved.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub(crate) tocs: Vec<Toc>,
    /// Pages a toc entry points at with a `#fragment` (their anchors are checked).
    pub(crate) anchored: HashSet<PageId>,
}

/// Parses (or takes from `cache`) and resolves every toc file of the site.
/// Each file is parsed once; a nested toc is expanded where it is nested,
/// up to [`limits::TOC_DEPTH`] levels and [`limits::TOC_ENTRIES`] entries
/// for all tocs together (`limit-exceeded` says where the rest was skipped).
pub(crate) fn load_all(
    site: &Site,
    cache: &mut Cache,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resolved {
    cache.retain(|path, _| site.content.tocs.contains_key(path));
    let mut loader = Loader {
        site,
        parsed: cache,
        budget: limits::TOC_ENTRIES,
        diagnostics,
        anchored: HashSet::new(),
    };
    let paths: Vec<&String> = site.content.tocs.keys().collect();
    for path in &paths {
        loader.parse(path);
        if let Some(parsed) = loader.parsed.get(path.as_str()) {
            loader
                .diagnostics
                .extend(parsed.diagnostics.iter().cloned());
        }
    }
    let mut tocs = Vec::new();
    for path in paths {
        let Some(list) = loader.list(path) else {
            continue;
        };
        let mut stack = vec![path.clone()];
        let items = loader.items(path, &list, 1, &mut stack);
        tocs.push(Toc {
            path: path.clone(),
            items,
        });
    }
    Resolved {
        tocs,
        anchored: loader.anchored,
    }
}

struct Loader<'a, 'd> {
    site: &'a Site,
    /// Toc path → its parse.
    parsed: &'d mut Cache,
    /// Entries all tocs may still have.
    budget: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
    /// See [`Resolved::anchored`].
    anchored: HashSet<PageId>,
}

impl Loader<'_, '_> {
    fn shown(&self, path: &str) -> String {
        self.site.config.source_path(path)
    }

    /// Parses a toc file into its list of items, unless it is parsed.
    fn parse(&mut self, path: &str) {
        if self.parsed.contains_key(path) {
            return;
        }
        let mut diagnostics = Vec::new();
        let list = read(self.site, path, &mut diagnostics).map(Arc::new);
        self.parsed
            .insert(path.to_string(), Parsed { list, diagnostics });
    }

    /// The items of a parsed toc file.
    fn list(&self, path: &str) -> Option<Arc<Vec<Node>>> {
        self.parsed.get(path).and_then(|p| p.list.clone())
    }

    /// The items of one list of the toc file `path`, `depth` levels down;
    /// `stack` holds the toc files being expanded (a cycle is reported).
    fn items(
        &mut self,
        path: &str,
        list: &[Node],
        depth: usize,
        stack: &mut Vec<String>,
    ) -> Vec<TocItem> {
        let mut out = Vec::new();
        for node in list {
            if node.as_map().is_none() {
                continue;
            }
            if self.budget == 0 {
                self.limit(
                    path,
                    node.pos,
                    format!(
                        "the tocs of this site have more than {} entries in all (a nested toc counts each time it is nested); the rest is skipped",
                        limits::TOC_ENTRIES
                    ),
                );
                break;
            }
            self.budget -= 1;
            out.push(self.item(path, node, depth, stack));
        }
        out
    }

    fn item(&mut self, path: &str, node: &Node, depth: usize, stack: &mut Vec<String>) -> TocItem {
        // A string or a number, trimmed, with where it is written.
        let text = |key: &str| {
            let v = node.get(key)?;
            match v.value {
                yaml::Value::String(_) | yaml::Value::Int(_) | yaml::Value::Float(_) => {
                    Some((v.text()?.trim().to_string(), v.pos))
                }
                _ => None,
            }
        };
        let href = text("href").filter(|(h, _)| !h.is_empty());
        let mut item = TocItem {
            name: text("name")
                .or_else(|| text("displayName"))
                .map(|(n, _)| n)
                .unwrap_or_default(),
            href: href.as_ref().map(|(h, _)| h.clone()),
            target: TocTarget::None,
            items: Vec::new(),
        };
        if let Some((href, at)) = href {
            match nested_toc(self.site, path, &href) {
                Some(nested) if stack.contains(&nested) => {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::TocBroken,
                            self.shown(path),
                            format!("`{href}` includes a toc that includes this one"),
                        )
                        .at(at.line, at.column)
                        .target(href.clone()),
                    );
                }
                Some(nested) => {
                    if let Some(list) = self.deeper(path, at, depth, &nested) {
                        stack.push(nested.clone());
                        item.items = self.items(&nested, &list, depth + 1, stack);
                        stack.pop();
                    }
                }
                None => item.target = self.resolve(path, &href, at),
            }
        }
        if let Some((topic, at)) = text("topicHref").filter(|(t, _)| !t.is_empty()) {
            item.target = self.resolve(path, &topic, at);
        }
        if let Some(children) = node.get("items") {
            if let Some(list) = children.as_seq().filter(|l| !l.is_empty()) {
                if depth >= limits::TOC_DEPTH {
                    self.too_deep(path, children.pos);
                } else {
                    let nested = self.items(path, list, depth + 1, stack);
                    item.items.extend(nested);
                }
            }
        }
        if item.name.is_empty() {
            if let TocTarget::Page(p) = item.target {
                item.name = self.site.page(p).heading.clone();
            }
        }
        item
    }

    /// The items of a nested toc, unless nesting it goes too deep.
    fn deeper(
        &mut self,
        path: &str,
        at: Pos,
        depth: usize,
        nested: &str,
    ) -> Option<Arc<Vec<Node>>> {
        if depth >= limits::TOC_DEPTH {
            self.too_deep(path, at);
            return None;
        }
        self.parse(nested);
        self.list(nested)
    }

    fn too_deep(&mut self, path: &str, at: Pos) {
        self.limit(
            path,
            at,
            format!(
                "the navigation is nested more than {} levels deep here (nested tocs count); the deeper entries are skipped",
                limits::TOC_DEPTH
            ),
        );
    }

    fn limit(&mut self, path: &str, at: Pos, message: String) {
        self.diagnostics.push(
            Diagnostic::new(Code::LimitExceeded, self.shown(path), message)
                .at(at.line, at.column)
                .hint("flatten the toc: fewer levels and nested tocs"),
        );
    }

    fn resolve(&mut self, path: &str, href: &str, at: Pos) -> TocTarget {
        let cx = Context {
            site: self.site,
            shown: &self.shown(path),
        };
        let target = self.site.resolve(path, href);
        if let Target::Page {
            page,
            fragment: Some(fragment),
            ..
        } = &target
        {
            if !fragment.is_empty() {
                self.anchored.insert(*page);
            }
        }
        resolve(&cx, href, target, at, self.diagnostics)
    }
}

/// Parses a toc file into its list of items.
fn read(site: &Site, path: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Vec<Node>> {
    let text = site.content.tocs.get(path)?.text.as_deref()?;
    let shown = site.config.source_path(path);
    let doc = match yaml::parse(text, &limits::TOC_FILE) {
        Ok(doc) => doc,
        Err(e) => {
            let (code, message) = match &e {
                yaml::Error::Limit { message, .. } => (
                    Code::LimitExceeded,
                    format!("toc.yml exceeds a safety limit: {message}; it is not read"),
                ),
                yaml::Error::Syntax { message, .. } => (
                    Code::TocBroken,
                    format!("toc.yml is not valid YAML: {message}"),
                ),
            };
            let pos = e.pos();
            diagnostics.push(Diagnostic::new(code, shown, message).at(pos.line, pos.column));
            return None;
        }
    };
    for d in &doc.duplicates {
        diagnostics.push(
            Diagnostic::new(
                Code::TocBroken,
                &shown,
                format!(
                    "`{}` is set twice in one entry (first on line {}); the later value is used",
                    d.key, d.earlier.line
                ),
            )
            .at(d.later.line, d.later.column)
            .hint(format!("delete one of the two `{}:` lines", d.key)),
        );
    }
    match doc.root.value {
        yaml::Value::Seq(items) => Some(items),
        yaml::Value::Map(_) => Some(
            doc.root
                .get("items")
                .and_then(Node::as_seq)
                .map(<[Node]>::to_vec)
                .unwrap_or_default(),
        ),
        yaml::Value::Null => Some(Vec::new()),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    Code::TocBroken,
                    shown,
                    "toc.yml must be a list of `- name: … href: …` items",
                )
                .at(doc.root.pos.line, doc.root.pos.column),
            );
            None
        }
    }
}

struct Context<'a> {
    site: &'a Site,
    shown: &'a str,
}

/// The toc file an href nests, if it names one (directly or as a folder).
fn nested_toc(site: &Site, from: &str, href: &str) -> Option<String> {
    let path = paths::join(paths::parent(from), &paths::percent_decode(href))?;
    let path = path.trim_end_matches('/');
    let name = paths::file_name(path);
    if name.eq_ignore_ascii_case("toc.yml") || name.eq_ignore_ascii_case("toc.yaml") {
        return site
            .content
            .tocs
            .contains_key(path)
            .then(|| path.to_string());
    }
    let in_folder = if path.is_empty() {
        "toc.yml".to_string()
    } else {
        format!("{path}/toc.yml")
    };
    let is_folder_link = href.ends_with('/') || !name.contains('.');
    (is_folder_link && site.content.tocs.contains_key(&in_folder)).then_some(in_folder)
}

fn resolve(
    cx: &Context<'_>,
    href: &str,
    target: Target,
    at: Pos,
    diagnostics: &mut Vec<Diagnostic>,
) -> TocTarget {
    match target {
        Target::Page {
            page,
            fragment: Some(fragment),
            ..
        } if !fragment.is_empty()
            && fragment != "top"
            && !cx.site.source(page).failed
            && !cx.site.page(page).doc.anchors.contains(&fragment)
            && !cx.site.config.is_ignored_target(href) =>
        {
            // The page is there (navigation still goes to it), the section is not.
            diagnostics.push(missing_section(cx, href, page, &fragment, at));
            TocTarget::Page(page)
        }
        Target::Page { page, .. } => TocTarget::Page(page),
        Target::External | Target::OtherScheme => TocTarget::Url(paths::url::encode(href)),
        Target::Unsafe(url) => {
            // Navigation is on every page: the entry stays, as a heading.
            diagnostics.push(
                Diagnostic::new(
                    Code::LinkUnsafe,
                    cx.shown,
                    format!(
                        "toc entry `{href}` is a `{}` URL, which runs script in the reader's browser; it is shown without a link",
                        url.kind
                    ),
                )
                .at(at.line, at.column)
                .target(href.to_string())
                .hint("link to a page, a file or an http(s) URL instead"),
            );
            TocTarget::Broken
        }
        Target::Asset { path, .. } => TocTarget::Asset(path),
        Target::Anchor(_) => TocTarget::None,
        Target::Unbuilt { page } => {
            if !cx.site.config.is_ignored_target(href) {
                diagnostics.push(unbuilt(cx, href, page, at));
            }
            TocTarget::Broken
        }
        // Navigation leads to pages: an e-mail address is not one.
        Target::Email => missing(
            cx,
            href,
            format!("toc entry `{href}` is an e-mail address, not a page"),
            None,
            at,
            diagnostics,
        ),
        Target::Missing { resolved, .. } => {
            let message = match &resolved {
                Some(r) => format!("toc entry `{href}` points at `{r}`, which does not exist"),
                None => format!("toc entry `{href}` points outside the content directory"),
            };
            missing(cx, href, message, resolved, at, diagnostics)
        }
    }
}

/// `toc-broken`: the entry's `#fragment` names no section of its page.
fn missing_section(
    cx: &Context<'_>,
    href: &str,
    page: PageId,
    fragment: &str,
    at: Pos,
) -> Diagnostic {
    let anchors = &cx.site.page(page).doc.anchors;
    let d = Diagnostic::new(
        Code::TocBroken,
        cx.shown,
        format!(
            "toc entry `{href}`: `#{fragment}` matches no heading or anchor in `{}`",
            cx.site.source(page).path
        ),
    )
    .at(at.line, at.column)
    .target(href.to_string());
    match super::nearest(fragment, anchors.iter()) {
        Some(near) => d.hint(format!("did you mean `#{near}`?")),
        None => d,
    }
}

/// `toc-broken`: the entry's page exists but could not be built.
fn unbuilt(cx: &Context<'_>, href: &str, page: PageId, at: Pos) -> Diagnostic {
    let path = &cx.site.source(page).path;
    Diagnostic::new(
        Code::TocBroken,
        cx.shown,
        format!("toc entry `{href}` points at `{path}`, which could not be built"),
    )
    .at(at.line, at.column)
    .target(href.to_string())
    .hint(format!("fix the error reported for `{path}`"))
}

/// A toc entry that leads nowhere: reported (unless ignored), shown as a
/// heading without a link.
fn missing(
    cx: &Context<'_>,
    href: &str,
    message: String,
    resolved: Option<String>,
    at: Pos,
    diagnostics: &mut Vec<Diagnostic>,
) -> TocTarget {
    if !cx.site.config.is_ignored_target(href) {
        let mut d = Diagnostic::new(Code::TocBroken, cx.shown, message)
            .at(at.line, at.column)
            .target(href.to_string());
        if let Some(near) = resolved.as_deref().and_then(|r| cx.site.nearest_page(r)) {
            d = d.hint(format!(
                "did you mean `{near}`? (hrefs are relative to the toc file)"
            ));
        }
        diagnostics.push(d);
    }
    TocTarget::Broken
}
