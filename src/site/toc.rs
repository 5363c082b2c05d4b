//! DocFX `toc.yml`: the navigation tree authors maintain by hand. Hrefs are
//! relative to the toc file; an href to another `toc.yml` (or a folder that
//! has one) nests that toc's items.

use super::links::Target;
use super::{PageId, Site};
use crate::diagnostic::{Code, Diagnostic};
use crate::paths;
use serde_norway::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Toc {
    /// Content-relative path of the `toc.yml`.
    pub path: String,
    pub items: Vec<TocItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TocItem {
    pub name: String,
    pub href: Option<String>,
    pub target: TocTarget,
    pub items: Vec<TocItem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TocTarget {
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
    pub fn dir(&self) -> &str {
        paths::parent(&self.path)
    }
}

/// Parses and resolves one toc file; problems go to `diagnostics`.
pub fn load(site: &Site, path: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Toc> {
    let mut stack = vec![path.to_string()];
    let items = load_items(site, path, &mut stack, diagnostics)?;
    Some(Toc {
        path: path.to_string(),
        items,
    })
}

fn load_items(
    site: &Site,
    path: &str,
    stack: &mut Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<TocItem>> {
    let file = site.content.tocs.get(path)?;
    let text = file.text.as_deref()?;
    let shown = site.config.source_path(path);
    let value: Value = match serde_norway::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (line, column, message) = crate::config::yaml_error_parts(&e);
            diagnostics.push(
                Diagnostic::new(
                    Code::TocBroken,
                    shown,
                    format!("toc.yml is not valid YAML: {message}"),
                )
                .at(line, column),
            );
            return None;
        }
    };
    let list = match value {
        Value::Sequence(items) => items,
        Value::Mapping(ref m) => match m.get("items") {
            Some(Value::Sequence(items)) => items.clone(),
            _ => Vec::new(),
        },
        Value::Null => Vec::new(),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    Code::TocBroken,
                    shown,
                    "toc.yml must be a list of `- name: … href: …` items",
                )
                .at(1, 1),
            );
            return None;
        }
    };
    let mut lines = HrefLines::new(text);
    let cx = Context {
        site,
        path,
        shown: &shown,
    };
    Some(items(&cx, &list, &mut lines, stack, diagnostics))
}

struct Context<'a> {
    site: &'a Site,
    path: &'a str,
    shown: &'a str,
}

fn items(
    cx: &Context<'_>,
    list: &[Value],
    lines: &mut HrefLines,
    stack: &mut Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<TocItem> {
    let mut out = Vec::new();
    for value in list {
        let Value::Mapping(map) = value else {
            continue;
        };
        let text = |key: &str| match map.get(key) {
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let name = text("name")
            .or_else(|| text("displayName"))
            .unwrap_or_default();
        let href = text("href").filter(|h| !h.is_empty());
        let topic = text("topicHref").filter(|h| !h.is_empty());
        let children_value = match map.get("items") {
            Some(Value::Sequence(s)) => s.clone(),
            _ => Vec::new(),
        };
        let mut item = TocItem {
            name,
            href: href.clone(),
            target: TocTarget::None,
            items: Vec::new(),
        };
        if let Some(href) = &href {
            let line = lines.take(href);
            if let Some(nested) = nested_toc(cx.site, cx.path, href) {
                if stack.contains(&nested) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::TocBroken,
                            cx.shown,
                            format!("`{href}` includes a toc that includes this one"),
                        )
                        .at(line, 1)
                        .target(href.clone()),
                    );
                } else {
                    stack.push(nested.clone());
                    item.items =
                        load_items(cx.site, &nested, stack, diagnostics).unwrap_or_default();
                    stack.pop();
                }
            } else {
                item.target = resolve(cx, href, line, diagnostics);
            }
        }
        if let Some(topic) = &topic {
            let line = lines.take(topic);
            item.target = resolve(cx, topic, line, diagnostics);
        }
        item.items
            .extend(items(cx, &children_value, lines, stack, diagnostics));
        if item.name.is_empty() {
            if let TocTarget::Page(p) = item.target {
                item.name = cx.site.pages[p].heading.clone();
            }
        }
        out.push(item);
    }
    out
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
    line: u32,
    diagnostics: &mut Vec<Diagnostic>,
) -> TocTarget {
    match cx.site.resolve(cx.path, href) {
        Target::Page {
            page,
            fragment: Some(fragment),
            ..
        } if !fragment.is_empty()
            && fragment != "top"
            && !cx.site.source(page).failed
            && !cx.site.pages[page].doc.anchors.contains(&fragment)
            && !cx.site.config.is_ignored_target(href) =>
        {
            // The page is there (navigation still goes to it), the section is not.
            let anchors = &cx.site.pages[page].doc.anchors;
            let mut d = Diagnostic::new(
                Code::TocBroken,
                cx.shown,
                format!(
                    "toc entry `{href}`: `#{fragment}` matches no heading or anchor in `{}`",
                    cx.site.source(page).path
                ),
            )
            .at(line, 1)
            .target(href.to_string());
            if let Some(near) = super::nearest(&fragment, anchors.iter().map(String::as_str)) {
                d = d.hint(format!("did you mean `#{near}`?"));
            }
            diagnostics.push(d);
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
                .at(line, 1)
                .target(href.to_string())
                .hint("link to a page, a file or an http(s) URL instead"),
            );
            TocTarget::Broken
        }
        Target::Asset { path, .. } => TocTarget::Asset(path),
        Target::Anchor(_) => TocTarget::None,
        Target::Unbuilt { page } => {
            if !cx.site.config.is_ignored_target(href) {
                let path = &cx.site.source(page).path;
                diagnostics.push(
                    Diagnostic::new(
                        Code::TocBroken,
                        cx.shown,
                        format!("toc entry `{href}` points at `{path}`, which could not be built"),
                    )
                    .at(line, 1)
                    .target(href.to_string())
                    .hint(format!("fix the error reported for `{path}`")),
                );
            }
            TocTarget::Broken
        }
        // Navigation leads to pages: an e-mail address is not one.
        Target::Email => missing(
            cx,
            href,
            format!("toc entry `{href}` is an e-mail address, not a page"),
            None,
            line,
            diagnostics,
        ),
        Target::Missing { resolved, .. } => {
            let message = match &resolved {
                Some(r) => format!("toc entry `{href}` points at `{r}`, which does not exist"),
                None => format!("toc entry `{href}` points outside the content directory"),
            };
            missing(cx, href, message, resolved, line, diagnostics)
        }
    }
}

/// A toc entry that leads nowhere: reported (unless ignored), shown as a
/// heading without a link.
fn missing(
    cx: &Context<'_>,
    href: &str,
    message: String,
    resolved: Option<String>,
    line: u32,
    diagnostics: &mut Vec<Diagnostic>,
) -> TocTarget {
    if !cx.site.config.is_ignored_target(href) {
        let mut d = Diagnostic::new(Code::TocBroken, cx.shown, message)
            .at(line, 1)
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

/// Finds the line of each `href:` in document order, so diagnostics can point at it.
struct HrefLines {
    hrefs: Vec<(u32, String, bool)>,
}

impl HrefLines {
    fn new(text: &str) -> HrefLines {
        let hrefs = text
            .lines()
            .enumerate()
            .filter_map(|(i, line)| {
                let t = line
                    .trim_start()
                    .trim_start_matches('-')
                    .trim_start()
                    .trim_start_matches('{')
                    .trim_start();
                let rest = t
                    .strip_prefix("href:")
                    .or_else(|| t.strip_prefix("topicHref:"))?;
                let value = rest
                    .trim()
                    .trim_end_matches('}')
                    .trim()
                    .trim_matches(['"', '\''])
                    .to_string();
                Some((i as u32 + 1, value, false))
            })
            .collect();
        HrefLines { hrefs }
    }

    fn take(&mut self, href: &str) -> u32 {
        match self
            .hrefs
            .iter_mut()
            .find(|(_, v, used)| !used && v == href)
        {
            Some((line, _, used)) => {
                *used = true;
                *line
            }
            None => 1,
        }
    }
}
