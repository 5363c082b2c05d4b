//! Raw HTML in Markdown under the site's `markdown.raw_html` policy.
//!
//! Every fragment of raw HTML (an HTML block, or one inline tag) goes
//! through [`RawHtmlPass::process`], which reads it with the tokenizer in
//! [`super::html`] and decides token by token:
//!
//! - placeholders (`<Customer name>`) become visible text, in every policy;
//! - `escape` makes every token visible text;
//! - `sanitize` applies GFM's tagfilter (`<script>` → `&lt;script>`), shows
//!   the content of those elements as text up to their end tag, and keeps
//!   the rest for the sanitizer that cleans the whole page afterwards;
//! - `allow` keeps everything as written;
//! - kept `href`/`src`-like attributes become link slots (resolved, encoded
//!   and, when they would run script, neutralized by the site), and ids are
//!   anchors.
//!
//! What it finds (links, anchors, placeholders, unsafe markup) is returned
//! with byte offsets for the caller to turn into positions.

use super::LinkKind;
use super::html::{self, Tag, TokenKind};
use super::slug::Slugger;
use crate::config::RawHtml;
use crate::diagnostic::Code;
use crate::paths::url::{self, UnsafeUrl};

/// GFM's tagfilter, plus `noscript` and `template`, whose content a browser
/// does not show either: under `sanitize` and `escape` these tags are text,
/// and so is their content up to the end tag.
const TAGFILTER: &[&str] = &[
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
    "noscript",
    "template",
];

/// Elements whose content browsers read as text, not markup (so an `href`
/// inside a script's string is no link), under `allow`.
const RAW_TEXT: &[&str] = &[
    "title",
    "textarea",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "script",
    "plaintext",
];

/// Elements that run code or change what every link of the page means.
const UNSAFE_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "portal",
];

/// SVG animations that can set an `href` to a URL held in these attributes.
const SVG_ANIMATIONS: &[&str] = &["animate", "set", "animatemotion", "animatetransform"];

/// Something a fragment holds that the caller records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// A link slot was written for it (in order of the slots).
    Link {
        dest: String,
        kind: LinkKind,
        at: usize,
    },
    Anchor(String),
    Placeholder {
        written: String,
        at: usize,
    },
    /// A script-running element or `on…` handler.
    UnsafeMarkup {
        what: String,
        at: usize,
    },
    /// A URL that would run script and is not a link slot (so the link
    /// checker will not see it).
    UnsafeUrl {
        attr: String,
        value: String,
        url: UnsafeUrl,
        at: usize,
    },
}

/// A finding as a diagnostic's parts, for the caller to place.
pub(crate) struct Report {
    pub(crate) code: Code,
    pub(crate) at: usize,
    pub(crate) message: String,
    pub(crate) hint: String,
    pub(crate) target: Option<String>,
}

/// What a finding tells the author (None for links and anchors).
pub(crate) fn report(found: Found, policy: RawHtml) -> Option<Report> {
    let report = match found {
        Found::Link { .. } | Found::Anchor(_) => return None,
        Found::Placeholder { written, at } => Report {
            code: Code::HtmlPlaceholder,
            at,
            message: format!(
                "`{written}` looks like an HTML tag but names no element; it is shown as text"
            ),
            hint: format!(
                "if it is a placeholder, write `\\{written}` (`&lt;` instead of `<` inside an HTML block) to say so; if it is markup, check the element name"
            ),
            target: None,
        },
        Found::UnsafeMarkup { what, at } => {
            let fate = match policy {
                RawHtml::Allow => {
                    "it is published as written because `markdown.raw_html` is `allow`"
                }
                RawHtml::Sanitize => {
                    "it is removed or shown as text (`markdown.raw_html: sanitize`)"
                }
                RawHtml::Escape => "it is shown as text (`markdown.raw_html: escape`)",
            };
            Report {
                code: Code::HtmlUnsafe,
                at,
                message: format!("{what} runs code in the reader's browser; {fate}"),
                hint: "remove it (to mention a tag in prose, write it as code: `<script>` in backticks); to embed trusted HTML on purpose, set `markdown.raw_html: allow` and lower `html-unsafe` in `checks.severity`".to_string(),
                target: None,
            }
        }
        Found::UnsafeUrl {
            attr,
            value,
            url,
            at,
        } => Report {
            code: Code::LinkUnsafe,
            at,
            message: format!(
                "`{attr}=\"{value}\"` is a `{}` URL, which runs script in the reader's browser; it is not published",
                url.kind
            ),
            hint: "link to a page, a file or an http(s) URL instead".to_string(),
            target: Some(value),
        },
    };
    Some(report)
}

/// One fragment's output.
#[derive(Debug, Default)]
pub(crate) struct Processed {
    pub(crate) html: String,
    pub(crate) found: Vec<Found>,
    /// Some token was kept as markup (so the page needs sanitizing).
    pub(crate) markup: bool,
}

/// An element whose content is raw text, open across fragments of one
/// paragraph or block.
#[derive(Clone, Debug)]
struct RawTextScope {
    name: String,
    /// Written as is (`allow`), or shown as text.
    verbatim: bool,
}

/// The raw-HTML state of one page.
#[derive(Debug)]
pub(crate) struct RawHtmlPass {
    policy: RawHtml,
    scope: Option<RawTextScope>,
}

impl RawHtmlPass {
    pub(crate) fn new(policy: RawHtml) -> RawHtmlPass {
        RawHtmlPass {
            policy,
            scope: None,
        }
    }

    /// A paragraph or block ended: an unclosed `<style>` stops here rather
    /// than hiding the rest of the page.
    pub(crate) fn end_scope(&mut self) {
        self.scope = None;
    }

    /// Markdown text inside an open `allow`ed raw-text element is part of
    /// the element (a script's source) and is written as is.
    pub(crate) fn in_verbatim_text(&self) -> bool {
        self.scope.as_ref().is_some_and(|s| s.verbatim)
    }

    /// Does an HTML block starting with `raw` read as prose (a paragraph of
    /// text) rather than markup? Under `escape` always; otherwise when it
    /// opens with a placeholder.
    pub(crate) fn block_is_prose(&self, raw: &str) -> bool {
        if self.policy == RawHtml::Escape {
            return true;
        }
        let lead = raw.len() - raw.trim_start().len();
        match html::next_token(raw, lead).map(|t| t.kind) {
            Some(TokenKind::Tag(tag)) => {
                html::is_placeholder(&tag)
                    || (self.policy == RawHtml::Sanitize && TAGFILTER.contains(&tag.name.as_str()))
            }
            _ => false,
        }
    }

    /// Processes one fragment. In `prose`, text between tags is escaped.
    /// A kept tag's `id` is claimed from `ids`, the page's ids; one the
    /// page already has is dropped (a `#fragment` leads to the first).
    pub(crate) fn process(&mut self, raw: &str, prose: bool, ids: &mut Slugger) -> Processed {
        let mut p = Processed {
            html: String::with_capacity(raw.len() + 16),
            ..Processed::default()
        };
        let mut at = 0;
        while at < raw.len() {
            if let Some(scope) = self.scope.clone() {
                let end = html::raw_text_end(raw, at, &scope.name);
                let content = &raw[at..end];
                if scope.verbatim {
                    p.html.push_str(content);
                } else {
                    escape_raw_text(&mut p.html, content, &scope.name);
                }
                at = end;
                if end == raw.len() {
                    break;
                }
                self.scope = None;
                // The end tag is read below like any tag.
            }
            let Some(token) = html::next_token(raw, at) else {
                break;
            };
            let written = &raw[token.start..token.end];
            match token.kind {
                TokenKind::Text if prose => escape_text(&mut p.html, written),
                // A `<` Folio reads as text (`a < b`, a tag the fragment
                // ends inside) must stay text in the page too: the page
                // goes on after the fragment, and a browser would read a
                // tag left open there on into the next element.
                TokenKind::Text => push_lt_escaped(&mut p.html, written),
                TokenKind::Comment | TokenKind::Cdata | TokenKind::Declaration => {
                    if self.policy == RawHtml::Escape {
                        escape_text(&mut p.html, written);
                    } else {
                        p.markup = true;
                        p.html.push_str(written);
                    }
                }
                TokenKind::Tag(tag) => self.tag(raw, &tag, &mut p, ids),
            }
            at = token.end;
        }
        p
    }

    fn tag(&mut self, raw: &str, tag: &Tag, p: &mut Processed, ids: &mut Slugger) {
        let written = &raw[tag.start..tag.end];
        if html::is_placeholder(tag) {
            p.found.push(Found::Placeholder {
                written: written.to_string(),
                at: tag.start,
            });
            escape_text(&mut p.html, written);
            return;
        }
        if !tag.closing {
            report_unsafe_markup(tag, p);
        }
        let filtered = match self.policy {
            RawHtml::Escape => true,
            RawHtml::Sanitize => TAGFILTER.contains(&tag.name.as_str()),
            RawHtml::Allow => false,
        };
        if filtered {
            if !tag.closing {
                report_unsafe_urls(tag, p);
            }
            if self.policy == RawHtml::Escape {
                escape_text(&mut p.html, written);
            } else {
                // As GFM writes it: `&lt;style>`.
                p.html.push_str("&lt;");
                p.html.push_str(&written[1..]);
            }
            if !tag.closing && TAGFILTER.contains(&tag.name.as_str()) {
                self.open_scope(tag, false);
            }
            return;
        }
        p.markup = true;
        if tag.closing {
            p.html.push_str(written);
            return;
        }
        self.keep_tag(raw, tag, p, ids);
        if self.policy == RawHtml::Allow && RAW_TEXT.contains(&tag.name.as_str()) {
            self.open_scope(tag, true);
        }
    }

    fn open_scope(&mut self, tag: &Tag, verbatim: bool) {
        if !tag.self_closing || tag.name == "plaintext" {
            self.scope = Some(RawTextScope {
                name: tag.name.clone(),
                verbatim,
            });
        }
    }

    /// Writes a kept start tag: URL attributes become link slots (or are
    /// neutralized in place), ids become anchors, or are dropped when the
    /// page has them already (an HTML page has each id once).
    fn keep_tag(&mut self, raw: &str, tag: &Tag, p: &mut Processed, ids: &mut Slugger) {
        let id_kept = tag.attr("id").is_some_and(|id| ids.claim(&id.value));
        if let (true, Some(id)) = (id_kept, tag.attr("id")) {
            p.found.push(Found::Anchor(id.value.clone()));
        }
        if tag.name == "a" {
            if let Some(name) = tag.attr("name") {
                p.found.push(Found::Anchor(name.value.clone()));
            }
        }
        let mut copied = tag.start;
        for (i, attr) in tag.attrs.iter().enumerate() {
            let first = tag.attrs[..i].iter().all(|a| a.name != attr.name);
            if first && attr.name == "id" && !id_kept {
                p.html.push_str(&raw[copied..attr.name_start]);
                copied = attr.value_end + usize::from(attr.quoted);
                continue;
            }
            if !first || !attr.has_value {
                continue;
            }
            let replacement = if let Some(kind) = link_attr(tag, &attr.name) {
                if attr.value.trim().is_empty() {
                    continue;
                }
                p.found.push(Found::Link {
                    dest: attr.value.clone(),
                    kind,
                    at: attr.value_start,
                });
                super::SLOT.to_string()
            } else if is_svg_animation_value(tag, &attr.name) {
                let Some(unsafe_url) = attr.value.split(';').find_map(url::unsafe_url) else {
                    continue;
                };
                p.found.push(Found::UnsafeUrl {
                    attr: attr.name.clone(),
                    value: attr.value.clone(),
                    url: unsafe_url,
                    at: attr.value_start,
                });
                url::BLOCKED.to_string()
            } else {
                continue;
            };
            p.html.push_str(&raw[copied..attr.value_start]);
            if attr.quoted {
                p.html.push_str(&replacement);
            } else {
                p.html.push('"');
                p.html.push_str(&replacement);
                p.html.push('"');
            }
            copied = attr.value_end;
        }
        p.html.push_str(&raw[copied..tag.end]);
    }
}

/// Is this attribute of this element a URL a browser follows or loads,
/// and what kind of link is it?
fn link_attr(tag: &Tag, attr: &str) -> Option<LinkKind> {
    match attr {
        "href" | "xlink:href" if !SVG_ANIMATIONS.contains(&tag.name.as_str()) => {
            Some(LinkKind::Html)
        }
        "action" | "formaction" => Some(LinkKind::Html),
        "src" | "poster" | "background" => Some(LinkKind::Image),
        "data" if tag.name == "object" => Some(LinkKind::Image),
        _ => None,
    }
}

fn is_svg_animation_value(tag: &Tag, attr: &str) -> bool {
    SVG_ANIMATIONS.contains(&tag.name.as_str()) && matches!(attr, "to" | "from" | "values")
}

fn report_unsafe_markup(tag: &Tag, p: &mut Processed) {
    if UNSAFE_ELEMENTS.contains(&tag.name.as_str()) {
        p.found.push(Found::UnsafeMarkup {
            what: format!("<{}>", tag.name),
            at: tag.start,
        });
    }
    for attr in &tag.attrs {
        let handler = attr.name.len() > 2
            && attr.name.starts_with("on")
            && attr.name[2..].bytes().all(|b| b.is_ascii_alphabetic());
        if handler {
            p.found.push(Found::UnsafeMarkup {
                what: format!("`{}` handler on <{}>", attr.name, tag.name),
                at: attr.name_start,
            });
        }
    }
}

/// URLs of a tag that is shown as text: not links, but still reported.
fn report_unsafe_urls(tag: &Tag, p: &mut Processed) {
    for attr in &tag.attrs {
        let candidate =
            link_attr(tag, &attr.name).is_some() || is_svg_animation_value(tag, &attr.name);
        if !candidate || !attr.has_value {
            continue;
        }
        if let Some(unsafe_url) = attr.value.split(';').find_map(url::unsafe_url) {
            p.found.push(Found::UnsafeUrl {
                attr: attr.name.clone(),
                value: attr.value.clone(),
                url: unsafe_url,
                at: attr.value_start,
            });
        }
    }
}

/// Raw text as written, but every `<` as `&lt;`, so it starts no tag.
fn push_lt_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        out.push_str("&lt;");
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Visible text, escaped as the Markdown renderer escapes text.
fn escape_text(out: &mut String, text: &str) {
    crate::html::push_escaped_text(out, text);
}

/// The content of a filtered `<style>`/`<script>`… shown as the browser
/// would have read it: as text (`&` stays a reference in `<title>` and
/// `<textarea>`, whose content browsers decode).
fn escape_raw_text(out: &mut String, text: &str, element: &str) {
    if matches!(element, "title" | "textarea") {
        for c in text.chars() {
            match c {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c => out.push(c),
            }
        }
    } else {
        escape_text(out, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(policy: RawHtml, raw: &str) -> Processed {
        RawHtmlPass::new(policy).process(raw, false, &mut Slugger::default())
    }

    #[test]
    fn tagfilter_escapes_raw_text_elements_and_their_content() {
        let p = run(
            RawHtml::Sanitize,
            "<style>p { color: red }</style>\n<p>after</p>",
        );
        assert_eq!(
            p.html,
            "&lt;style>p { color: red }&lt;/style>\n<p>after</p>"
        );
        let p = run(
            RawHtml::Sanitize,
            "<script>var a = \"<a href='x.md'>\";</script>",
        );
        assert_eq!(
            p.html,
            "&lt;script>var a = \"&lt;a href='x.md'&gt;\";&lt;/script>"
        );
        assert!(!p.found.iter().any(|f| matches!(f, Found::Link { .. })));
        assert!(
            p.found
                .iter()
                .any(|f| matches!(f, Found::UnsafeMarkup { .. }))
        );
    }

    #[test]
    fn allow_keeps_scripts_and_does_not_link_inside_them() {
        let raw = "<script>var a = \"<a href='x.md'>\";</script><a href=\"y.md\">y</a>";
        let p = run(RawHtml::Allow, raw);
        let links: Vec<&str> = p
            .found
            .iter()
            .filter_map(|f| match f {
                Found::Link { dest, .. } => Some(dest.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(links, ["y.md"]);
        assert!(
            p.html
                .starts_with("<script>var a = \"<a href='x.md'>\";</script>")
        );
    }

    #[test]
    fn cdata_and_comments_hold_no_links() {
        let p = run(
            RawHtml::Sanitize,
            "<![CDATA[ <a href='x.md'> ]]><!-- <img src=y.png> -->",
        );
        assert!(p.found.is_empty(), "{:?}", p.found);
    }

    #[test]
    fn escape_shows_everything() {
        let p = run(RawHtml::Escape, "<b onclick=\"x()\">bold</b>");
        assert_eq!(p.html, "&lt;b onclick=\"x()\"&gt;bold&lt;/b&gt;");
        assert!(!p.markup);
        assert!(matches!(p.found[0], Found::UnsafeMarkup { .. }));
    }

    #[test]
    fn link_attributes_become_slots_and_unquoted_values_are_quoted() {
        let p = run(
            RawHtml::Sanitize,
            "<a href=x.md title=t><img src=\"a&ouml;.png\"></a>",
        );
        assert_eq!(p.html, "<a href=\"\0\" title=t><img src=\"\0\"></a>");
        assert_eq!(
            p.found,
            [
                Found::Link {
                    dest: "x.md".into(),
                    kind: LinkKind::Html,
                    at: 8
                },
                Found::Link {
                    dest: "aö.png".into(),
                    kind: LinkKind::Image,
                    at: 31
                },
            ]
        );
    }

    #[test]
    fn svg_animation_urls_are_neutralized() {
        let p = run(
            RawHtml::Allow,
            "<svg><a><animate attributeName=href values=\"javascript:alert(1)\"/></a></svg>",
        );
        assert!(p.html.contains(url::BLOCKED), "{}", p.html);
        assert!(matches!(p.found[0], Found::UnsafeUrl { .. }));
    }
}
