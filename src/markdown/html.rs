//! Reading the raw HTML authors put in Markdown as a browser reads it: a
//! tokenizer that follows the HTML standard's tag and attribute states (so
//! `<a/href="…">` has an `href`, as it does for the browser), and the
//! element names a browser knows.

use std::collections::HashSet;
use std::sync::OnceLock;

/// One token of raw HTML; `start..end` is its byte range in the scanned string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: TokenKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Text,
    Tag(Tag),
    /// `<!-- … -->`, and what browsers read as a comment: `<? … >`, `</ …>`.
    Comment,
    /// `<![CDATA[ … ]]>`.
    Cdata,
    /// `<!DOCTYPE …>` and other `<!…>`.
    Declaration,
}

/// A start or end tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tag {
    /// Byte range of the whole tag in the scanned string.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Lowercased element name.
    pub(crate) name: String,
    /// The name as written (`linearGradient`, `Customer`).
    pub(crate) written_name: String,
    pub(crate) closing: bool,
    pub(crate) self_closing: bool,
    pub(crate) attrs: Vec<Attr>,
}

/// An attribute; `value` has its character references decoded, and
/// `value_start..value_end` is the value as written (without quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attr {
    /// Lowercased.
    pub(crate) name: String,
    pub(crate) name_start: usize,
    pub(crate) value: String,
    pub(crate) value_start: usize,
    pub(crate) value_end: usize,
    /// Written with `=` (`<x a="">`), not bare (`<x a>`).
    pub(crate) has_value: bool,
    pub(crate) quoted: bool,
}

impl Tag {
    /// The first attribute of that name, as browsers use it.
    pub(crate) fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// The token starting at `at` (None at the end). Text runs to the next
/// `<` that starts a tag, comment or declaration; a `<` that starts none
/// (`a < b`) is text, and so is a tag the string ends inside.
pub(crate) fn next_token(html: &str, at: usize) -> Option<Token> {
    if at >= html.len() {
        return None;
    }
    let mut search = at;
    while let Some(rel) = html[search..].find('<') {
        let lt = search + rel;
        match markup_at(html, lt) {
            Scan::Markup(end, kind) if lt == at => {
                return Some(Token {
                    start: lt,
                    end,
                    kind,
                });
            }
            Scan::Markup(..) => {
                return Some(Token {
                    start: at,
                    end: lt,
                    kind: TokenKind::Text,
                });
            }
            Scan::Text => search = lt + 1,
            // The string ends inside this tag: a browser reads no markup in
            // the rest, and scanning on from each later `<` would be quadratic.
            Scan::Unterminated => break,
        }
    }
    Some(Token {
        start: at,
        end: html.len(),
        kind: TokenKind::Text,
    })
}

/// Every tag of a raw HTML string (comments and declarations skipped).
pub(crate) fn scan_tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(token) = next_token(html, at) {
        at = token.end;
        if let TokenKind::Tag(tag) = token.kind {
            tags.push(tag);
        }
    }
    tags
}

/// Where the raw text of a `<script>`, `<style>`… that starts at `from`
/// ends: at its `</name` end tag, else at the end of the string.
pub(crate) fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(rel) = html[at..].find("</") {
        let lt = at + rel;
        let name_end = lt + 2 + name.len();
        let matches = bytes
            .get(lt + 2..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        let ends_name = matches!(
            bytes.get(name_end),
            None | Some(b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>')
        );
        if matches && ends_name {
            return lt;
        }
        at = lt + 2;
    }
    html.len()
}

/// What a `<` starts.
enum Scan {
    Markup(usize, TokenKind),
    /// `a < b`: no markup.
    Text,
    /// A tag the string ends inside.
    Unterminated,
}

fn markup_at(html: &str, lt: usize) -> Scan {
    let rest = &html[lt..];
    let bytes = rest.as_bytes();
    let until_gt = |from: usize| {
        rest[from..]
            .find('>')
            .map_or(html.len(), |i| lt + from + i + 1)
    };
    let tag = || match tag_at(html, lt) {
        Some(t) => Scan::Markup(t.end, TokenKind::Tag(t)),
        None => Scan::Unterminated,
    };
    match (bytes.get(1), bytes.get(2)) {
        (Some(b'!'), _) if rest.starts_with("<!--") => {
            Scan::Markup(comment_end(html, lt), TokenKind::Comment)
        }
        (Some(b'!'), _) if rest.starts_with("<![CDATA[") => Scan::Markup(
            rest.find("]]>").map_or(html.len(), |i| lt + i + 3),
            TokenKind::Cdata,
        ),
        (Some(b'!'), _) => Scan::Markup(until_gt(2), TokenKind::Declaration),
        (Some(b'?'), _) => Scan::Markup(until_gt(2), TokenKind::Comment),
        (Some(b'/'), Some(b'>')) => Scan::Markup(lt + 3, TokenKind::Comment),
        (Some(b'/'), Some(c)) if c.is_ascii_alphabetic() => tag(),
        (Some(b'/'), Some(_)) => Scan::Markup(until_gt(2), TokenKind::Comment),
        (Some(c), _) if c.is_ascii_alphabetic() => tag(),
        _ => Scan::Text,
    }
}

/// `<!-->` and `<!--->` are whole comments; otherwise `-->` or `--!>` ends one.
fn comment_end(html: &str, lt: usize) -> usize {
    let body = lt + 4;
    for short in [">", "->"] {
        if html[body..].starts_with(short) {
            return body + short.len();
        }
    }
    let dashes = html[body..].find("-->").map(|i| body + i + 3);
    let bang = html[body..].find("--!>").map(|i| body + i + 4);
    match (dashes, bang) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => html.len(),
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// A tag at `lt`, read with the HTML standard's tokenizer states.
fn tag_at(html: &str, lt: usize) -> Option<Tag> {
    let bytes = html.as_bytes();
    let closing = bytes.get(lt + 1) == Some(&b'/');
    let name_start = lt + 1 + usize::from(closing);
    let mut i = name_start;
    while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>') {
        i += 1;
    }
    let written_name = html[name_start..i].to_string();
    let mut tag = Tag {
        start: lt,
        end: 0,
        name: written_name.to_ascii_lowercase(),
        written_name,
        closing,
        self_closing: false,
        attrs: Vec::new(),
    };
    loop {
        // Before attribute name.
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'>') {
                tag.self_closing = true;
                tag.end = i + 2;
                return Some(tag);
            }
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                tag.end = i + 1;
                return Some(tag);
            }
            _ => i = attribute(html, i, &mut tag.attrs)?,
        }
    }
}

/// Reads one attribute starting at `i`; returns where reading goes on.
fn attribute(html: &str, mut i: usize, attrs: &mut Vec<Attr>) -> Option<usize> {
    let bytes = html.as_bytes();
    let name_start = i;
    // A leading `=` belongs to the name.
    i += 1;
    while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
        i += 1;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    if bytes.get(i) != Some(&b'=') {
        attrs.push(Attr {
            name,
            name_start,
            value: String::new(),
            value_start: i,
            value_end: i,
            has_value: false,
            quoted: false,
        });
        return Some(i);
    }
    i += 1;
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    let (value_start, value_end, next, quoted) = match bytes.get(i)? {
        q @ (b'"' | b'\'') => {
            let close = html[i + 1..].find(*q as char)? + i + 1;
            (i + 1, close, close + 1, true)
        }
        // `<x a=>`: an empty value.
        b'>' => (i, i, i, false),
        _ => {
            let start = i;
            while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'>' {
                i += 1;
            }
            (start, i, i, false)
        }
    };
    attrs.push(Attr {
        name,
        name_start,
        value: crate::html::decode_entities(&html[value_start..value_end]).into_owned(),
        value_start,
        value_end,
        has_value: true,
        quoted,
    });
    Some(next)
}

/// How deep elements nest in an HTML text, counting start tags of elements
/// that contain others (not void ones such as `<br>`, nor those a browser
/// closes by itself when the next starts, such as `<p>` and `<li>`) against
/// end tags. An upper bound of what the parser builds, found in one pass.
pub(crate) fn nesting_depth(html: &str) -> usize {
    const NO_NESTING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb", "rt",
        "rp", "rtc", "thead", "tbody", "tfoot", "colgroup", "caption",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut at = 0;
    while let Some(token) = next_token(html, at) {
        at = token.end;
        if let TokenKind::Tag(tag) = token.kind {
            if NO_NESTING.contains(&tag.name.as_str()) || tag.self_closing {
                continue;
            }
            if tag.closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

/// Names of the HTML, SVG and MathML elements (lowercased), from the
/// generated lists in `elements/`.
fn known_elements() -> &'static HashSet<String> {
    static KNOWN: OnceLock<HashSet<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        [
            include_str!("elements/html.txt"),
            include_str!("elements/svg.txt"),
            include_str!("elements/mathml.txt"),
        ]
        .iter()
        .flat_map(|list| list.lines())
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect()
    })
}

/// Is this an element a browser knows (HTML, SVG, MathML, any case)?
pub(crate) fn is_known_element(name: &str) -> bool {
    known_elements().contains(&name.to_ascii_lowercase())
}

/// A valid custom element name as written: lowercase ASCII start, a hyphen,
/// no uppercase ASCII (`<my-widget>`).
pub(crate) fn is_custom_element(written: &str) -> bool {
    written.starts_with(|c: char| c.is_ascii_lowercase())
        && written.contains('-')
        && !written.chars().any(|c| c.is_ascii_uppercase())
        && written
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') || !c.is_ascii())
}

/// Text that only looks like a tag: `<Customer name>`, `<Depends on
/// customer>`, `<L3>`. A browser would swallow it as an unknown element,
/// but no author means that: a known or custom element is markup, and so is
/// an unknown lowercase name whose attributes all have values (`<bab>`,
/// `<b2 data="x">`, as in CommonMark's examples); an unknown name that is
/// capitalized or followed by bare words is a placeholder.
pub(crate) fn is_placeholder(tag: &Tag) -> bool {
    if is_known_element(&tag.name) || is_custom_element(&tag.written_name) {
        return false;
    }
    tag.written_name.chars().any(|c| c.is_ascii_uppercase())
        || tag.attrs.iter().any(|a| !a.has_value)
        || !tag.written_name.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(html: &str) -> Tag {
        match next_token(html, 0).map(|t| t.kind) {
            Some(TokenKind::Tag(t)) => t,
            other => panic!("{html}: {other:?}"),
        }
    }

    #[test]
    fn scans_attributes_with_positions() {
        let html = r#"<a name="top"></a><img src='media/x.png' alt=plain>"#;
        let tags = scan_tags(html);
        assert_eq!(tags.len(), 3);
        assert_eq!(tags[0].attr("name").unwrap().value, "top");
        assert!(tags[1].closing);
        let src = tags[2].attr("src").unwrap();
        assert_eq!(&html[src.value_start..src.value_end], "media/x.png");
        assert_eq!(tags[2].attr("alt").unwrap().value, "plain");
    }

    #[test]
    fn reads_tags_as_browsers_do() {
        // A slash between attributes separates them.
        let t = tag(r#"<a/href="javascript:x">"#);
        assert_eq!(t.attr("href").unwrap().value, "javascript:x");
        let t = tag("<img src=x onerror=alert(1)//>");
        assert_eq!(t.attr("onerror").unwrap().value, "alert(1)//");
        // The first of two equal attributes counts.
        let t = tag(r#"<a href="one" HREF="two">"#);
        assert_eq!(t.attr("href").unwrap().value, "one");
        // Character references in values are decoded once.
        let t = tag(r#"<img src="a&ouml;.png" alt="caf&eacute;">"#);
        assert_eq!(t.attr("src").unwrap().value, "aö.png");
        assert_eq!(t.attr("alt").unwrap().value, "café");
        let t = tag("<svg:linearGradient x1=0>");
        assert_eq!(t.written_name, "svg:linearGradient");
        let t = tag("<br/>");
        assert!(t.self_closing);
    }

    #[test]
    fn comments_cdata_and_junk() {
        let kinds = |html: &str| -> Vec<String> {
            let mut at = 0;
            let mut out = Vec::new();
            while let Some(t) = next_token(html, at) {
                out.push(format!("{:?}", std::mem::discriminant(&t.kind)));
                out.push(html[t.start..t.end].to_string());
                at = t.end;
            }
            out.into_iter().skip(1).step_by(2).collect()
        };
        assert_eq!(
            kinds("<!-- <a href=x> --> a < b <br/>"),
            ["<!-- <a href=x> -->", " a < b ", "<br/>"]
        );
        assert_eq!(kinds("<!--><a>"), ["<!-->", "<a>"]);
        assert_eq!(kinds("<!-- x --!><a>"), ["<!-- x --!>", "<a>"]);
        assert_eq!(
            kinds("<![CDATA[ <a href='x.md'> ]]>z"),
            ["<![CDATA[ <a href='x.md'> ]]>", "z"]
        );
        assert_eq!(kinds("<?php x ?>"), ["<?php x ?>"]);
        assert_eq!(kinds("<a href='unclosed"), ["<a href='unclosed"]);
        assert_eq!(kinds("x <a title='<b> <i>"), ["x <a title='<b> <i>"]);
        let tags = scan_tags("<Depends on customer>");
        assert_eq!(tags[0].name, "depends");
    }

    #[test]
    fn raw_text_runs_to_its_end_tag() {
        let html = "var a = '</scripty>'; </SCRIPT >";
        assert_eq!(raw_text_end(html, 0, "script"), 22);
        assert_eq!(raw_text_end("no end", 0, "style"), 6);
    }

    #[test]
    fn nesting_depth_counts_open_containers() {
        assert_eq!(nesting_depth("<div><p>a<p>b<br><span>c</span></div>"), 2);
        assert_eq!(nesting_depth(&"<blockquote>".repeat(600)), 600);
        assert_eq!(nesting_depth(&"<li>x".repeat(600)), 0);
        assert_eq!(nesting_depth("</div></div><b>"), 1);
    }

    #[test]
    fn element_lists_are_complete() {
        for name in [
            "a",
            "br",
            "details",
            "linearGradient",
            "stop",
            "msup",
            "mfrac",
            "slot",
        ] {
            assert!(is_known_element(name), "{name}");
        }
        assert!(known_elements().len() > 400);
        assert!(!is_known_element("depends"));
        assert!(is_custom_element("my-widget"));
        assert!(!is_custom_element("My-Widget"));
    }

    #[test]
    fn placeholders_are_told_from_markup() {
        for p in [
            "<Customer name>",
            "<Depends on customer>",
            "<existing tenant name>",
            "<L3>",
            "<Warning>",
            "</Customer>",
        ] {
            assert!(is_placeholder(&tag(p)), "{p}");
        }
        for m in [
            "<bab>",
            "<c2c>",
            r#"<b2 data="foo">"#,
            "<linearGradient id=g>",
            "<DIV CLASS=x>",
            "<my-widget on>",
            "<details open>",
            "</bab>",
        ] {
            assert!(!is_placeholder(&tag(m)), "{m}");
        }
    }
}
