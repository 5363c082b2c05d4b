//! Escaping, and a small scanner for the raw HTML tags authors put in Markdown.

/// Escapes text for an HTML body or a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a URL for an `href`/`src` attribute: spaces and control characters
/// are percent-encoded, HTML-special characters escaped; everything else,
/// including existing `%xx` escapes and Unicode, is kept.
pub fn escape_href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_whitespace() || c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Reverses the few entities authors write inside attribute values.
pub fn unescape_attr(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// One tag found in raw HTML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Byte range of the whole tag in the scanned string.
    pub start: usize,
    pub end: usize,
    /// Lowercased element name.
    pub name: String,
    pub closing: bool,
    pub attrs: Vec<Attr>,
}

/// An attribute with the byte range of its value (without quotes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    pub name: String,
    pub value: String,
    pub value_start: usize,
    pub value_end: usize,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// Finds the tags in a raw HTML string, skipping comments.
pub fn scan_tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        let start = i + rel;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map(|e| start + e + 3)
                .unwrap_or(html.len());
            continue;
        }
        match scan_tag(html, start) {
            Some(tag) => {
                i = tag.end;
                tags.push(tag);
            }
            None => i = start + 1,
        }
        if i >= bytes.len() {
            break;
        }
    }
    tags
}

fn scan_tag(html: &str, start: usize) -> Option<Tag> {
    let bytes = html.as_bytes();
    let mut i = start + 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-' || bytes[i] == b':')
    {
        i += 1;
    }
    if i == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = html[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => {
                return Some(Tag {
                    start,
                    end: i + 1,
                    name,
                    closing,
                    attrs,
                });
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                return Some(Tag {
                    start,
                    end: i + 2,
                    name,
                    closing,
                    attrs,
                });
            }
            _ => {}
        }
        let attr_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/' | b'"' | b'\'')
        {
            i += 1;
        }
        if i == attr_start {
            return None;
        }
        let attr_name = html[attr_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (value_start, value_end);
            match bytes.get(i)? {
                q @ (b'"' | b'\'') => {
                    let q = *q;
                    value_start = i + 1;
                    let close = html[value_start..].find(q as char)? + value_start;
                    value_end = close;
                    i = close + 1;
                }
                _ => {
                    value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value_end = i;
                }
            }
            attrs.push(Attr {
                name: attr_name,
                value: unescape_attr(&html[value_start..value_end]),
                value_start,
                value_end,
            });
        } else {
            attrs.push(Attr {
                name: attr_name,
                value: String::new(),
                value_start: i,
                value_end: i,
            });
        }
    }
}

/// Is this a real HTML element? Playbooks contain placeholders such as
/// `<Depends on customer>` that parse as tags; those must stay visible text.
pub fn is_known_element(name: &str) -> bool {
    name.contains('-') || KNOWN_ELEMENTS.binary_search(&name).is_ok()
}

/// HTML, SVG and MathML element names a Markdown author may write, sorted.
const KNOWN_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "circle",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "defs",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "dt",
    "ellipse",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "g",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "kbd",
    "label",
    "legend",
    "li",
    "line",
    "link",
    "main",
    "map",
    "mark",
    "math",
    "menu",
    "meta",
    "meter",
    "mi",
    "mn",
    "mo",
    "mrow",
    "nav",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "path",
    "picture",
    "polygon",
    "polyline",
    "pre",
    "progress",
    "q",
    "rect",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "script",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "text",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "use",
    "var",
    "video",
    "wbr",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_elements_sorted() {
        let mut sorted = KNOWN_ELEMENTS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KNOWN_ELEMENTS);
    }

    #[test]
    fn placeholders_are_not_elements() {
        assert!(!is_known_element("depends"));
        assert!(is_known_element("br"));
        assert!(is_known_element("my-widget"));
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
    fn skips_comments_and_junk() {
        let tags = scan_tags("<!-- <a href=x> --> a < b <br/>");
        assert_eq!(tags.len(), 1);
        assert_eq!(tags[0].name, "br");
        let tags = scan_tags("<Depends on customer>");
        assert_eq!(tags[0].name, "depends");
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(escape_href("a b?x=1&y=\"2\""), "a%20b?x=1&amp;y=%222%22");
        assert_eq!(unescape_attr("a&amp;b"), "a&b");
    }
}
