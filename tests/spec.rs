//! Spec conformance through the real page pipeline: every example of the
//! CommonMark Spec 0.31.2 and the extension examples of the GFM Spec
//! (`tests/fixtures/spec/`) is a page of one site, built by the binary with a
//! `page.html` that prints only the page body. The body is compared with the
//! spec's HTML after removing Folio's documented additions (heading ids and
//! anchors, the table wrapper and header scope, lazy images) and normalizing
//! both sides the way the spec's own `normalize.py` does.

mod common;

use common::TempSite;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Example {
    markdown: String,
    html: String,
    example: u32,
    section: String,
    #[serde(default)]
    extensions: Vec<String>,
}

/// Deliberate deviations (example, reason), also listed in the README. The
/// suite runs with `markdown.raw_html: allow`, since sanitizing (the
/// default) rewrites raw HTML the spec expects verbatim.
const COMMONMARK_DEVIATIONS: &[(u32, &str)] = &[
    (21, BACKSLASH),
    (31, ATTRIBUTE_ENTITIES),
    (32, READABLE_UNICODE),
    (33, READABLE_UNICODE),
    (96, FRONT_MATTER),
    (98, FRONT_MATTER),
    (156, OPEN_TAG),
    (157, OPEN_TAG),
    (158, OPEN_TAG),
    (163, PLACEHOLDER),
    (202, BACKSLASH),
    (206, READABLE_UNICODE),
    (344, RAW_HREF),
    (491, PLACEHOLDER),
    (502, BACKSLASH),
    (503, READABLE_UNICODE),
    (603, BACKSLASH),
    (630, ATTRIBUTE_ENTITIES),
    (631, BACKSLASH),
    (642, RAW_HREF),
    (643, BACKSLASH),
];

const FRONT_MATTER: &str = "a page that starts with `---` starts with YAML front matter";
const BACKSLASH: &str = "a `\\` in a link destination is a path separator, as DocFX authors \
     write it and as browsers read it in http URLs";
const READABLE_UNICODE: &str = "non-ASCII stays readable in an href (a valid URL; browsers send \
     the same percent-encoded bytes)";
const ATTRIBUTE_ENTITIES: &str = "a character reference in a raw-HTML attribute is written decoded \
     (`&ouml;` as `ö`): the value a browser reads, encoded once";
const PLACEHOLDER: &str = "a capitalized or spaced unknown tag (`<Warning>`, `<foo bar>`) is an \
     author's placeholder and stays visible text";
const OPEN_TAG: &str = "a tag that an HTML block ends inside is written as text (`&lt;div …`): \
     the page goes on after the block, and a browser would read the open tag on into the next \
     element (found by fuzzing)";
const RAW_HREF: &str = "a raw-HTML `href` is written as a valid URL (percent-encoded)";

const GFM_DEVIATIONS: &[(u32, &str)] = &[
    (621, AUTOLINKS),
    (622, AUTOLINKS),
    (623, AUTOLINKS),
    (624, AUTOLINKS),
    (625, AUTOLINKS),
    (626, AUTOLINKS),
    (627, AUTOLINKS),
    (628, AUTOLINKS),
    (629, AUTOLINKS),
    (630, AUTOLINKS),
    (631, AUTOLINKS),
];

const AUTOLINKS: &str = "extended autolinks are not supported: a bare `www.`/`https://` URL or \
     e-mail address stays text, as in CommonMark (write `<https://…>`)";

const GFM_RAW_HTML: &[(u32, &str)] = &[(
    653,
    "with `raw_html: allow` (this suite's policy) the tag filter is off; the default \\
     `sanitize` applies it (tests/trust_html.rs)",
)];

fn load(name: &str) -> Vec<Example> {
    let path = format!("{}/tests/fixtures/spec/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
}

/// Builds every example as `content/en/<set>/<number>.md`; returns each
/// example's page body (`None` when the page was not built).
fn build(sets: &[(&str, &[Example])]) -> BTreeMap<(String, u32), Option<String>> {
    let site = TempSite::new("spec");
    site.write(
        "folio.yml",
        "title: Spec\ndefault_language: en\nlanguages:\n  - { code: en, name: English, dir: en }\nmarkdown: { raw_html: allow }\n",
    )
    .write("templates/page.html", "{{ page.content | safe }}");
    for (set, examples) in sets {
        for e in examples.iter() {
            site.write(
                &format!("content/en/{set}/{:04}.md", e.example),
                &e.markdown,
            );
        }
    }
    // Exit 1: the examples' links point at nothing and one example is not a
    // page (front matter); every other page is still built.
    let run = site.folio("build", &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.all());
    let mut bodies = BTreeMap::new();
    for (set, examples) in sets {
        for e in examples.iter() {
            let rel = format!("public/en/{set}/{:04}/index.html", e.example);
            let body = site
                .exists(&rel)
                .then(|| std::fs::read_to_string(site.path(&rel)).expect("read page"));
            bodies.insert((set.to_string(), e.example), body);
        }
    }
    bodies
}

/// Compares one set; returns the failing example numbers.
fn failures(
    set: &str,
    examples: &[Example],
    bodies: &BTreeMap<(String, u32), Option<String>>,
) -> Vec<u32> {
    let mut failing = Vec::new();
    for e in examples {
        let expected = normalize_html(&e.html);
        let actual = bodies[&(set.to_string(), e.example)]
            .as_deref()
            .map(|b| normalize_html(&remove_folio_additions(b)));
        if actual.as_deref() != Some(expected.as_str()) {
            println!(
                "--- {set} example {} ({}{})\nmarkdown: {:?}\nexpected: {:?}\nactual:   {:?}",
                e.example,
                e.section,
                if e.extensions.is_empty() {
                    String::new()
                } else {
                    format!(", {}", e.extensions.join(" "))
                },
                e.markdown,
                expected,
                actual.unwrap_or_else(|| "(page not built)".into())
            );
            failing.push(e.example);
        }
    }
    failing
}

fn assert_listed(set: &str, failing: &[u32], lists: &[&[(u32, &str)]], total: usize) {
    let listed: Vec<u32> = lists
        .iter()
        .flat_map(|l| l.iter().map(|(n, _)| *n))
        .collect();
    let unlisted: Vec<u32> = failing
        .iter()
        .copied()
        .filter(|n| !listed.contains(n))
        .collect();
    let passing_but_listed: Vec<u32> = listed
        .iter()
        .copied()
        .filter(|n| !failing.contains(n))
        .collect();
    println!(
        "{set}: {} of {total} examples pass; {} listed deviations",
        total - failing.len(),
        listed.len()
    );
    assert!(
        unlisted.is_empty(),
        "{set}: failing examples not in a deviation list: {unlisted:?}"
    );
    assert!(
        passing_but_listed.is_empty(),
        "{set}: listed examples that now pass (remove them): {passing_but_listed:?}"
    );
}

#[test]
fn commonmark_and_gfm_spec_examples_render_as_specified() {
    let commonmark = load("commonmark-0.31.2.json");
    let gfm = load("gfm-0.29-extensions.json");
    assert_eq!(commonmark.len(), 652);
    assert_eq!(gfm.len(), 24);
    let bodies = build(&[("commonmark", &commonmark), ("gfm", &gfm)]);
    let cm_failing = failures("commonmark", &commonmark, &bodies);
    let gfm_failing = failures("gfm", &gfm, &bodies);
    assert_listed(
        "CommonMark 0.31.2",
        &cm_failing,
        &[COMMONMARK_DEVIATIONS],
        commonmark.len(),
    );
    assert_listed(
        "GFM 0.29 extensions",
        &gfm_failing,
        &[GFM_DEVIATIONS, GFM_RAW_HTML],
        gfm.len(),
    );
}

/// Undoes what Folio documents adding to Markdown's HTML: heading ids and
/// `#` anchors, `{.class}` classes, the scrolling table wrapper, `scope` on
/// header cells, alignment as `style` (the spec writes `align`) and lazy images.
fn remove_folio_additions(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let level = rest.as_bytes().get(2).copied().unwrap_or(0);
        if (b'1'..=b'6').contains(&level) && rest[3..].starts_with(" id=\"") {
            let close = rest.find('>').unwrap_or(rest.len() - 1);
            out.push_str(&rest[..3]);
            out.push('>');
            rest = &rest[close + 1..];
        } else {
            out.push_str("<h");
            rest = &rest[2..];
        }
    }
    out.push_str(rest);
    let mut html = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("<a class=\"heading-anchor\"") {
        html.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find("</a>").map_or(rest.len(), |e| e + "</a>".len());
        // The permalink ends the heading's wrapper `<div class="heading …">`.
        rest = rest[end..].strip_prefix("</div>").unwrap_or(&rest[end..]);
    }
    html.push_str(rest);
    for level in 1..=6 {
        html = html.replace(&format!("<div class=\"heading heading-{level}\">"), "");
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<div class=\"table-wrap\"") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(">\n").map_or(rest.len(), |e| e + 2);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("</table>\n</div>", "</table>")
        .replace("<th scope=\"col\"", "<th")
        .replace(" style=\"text-align: left\"", " align=\"left\"")
        .replace(" style=\"text-align: center\"", " align=\"center\"")
        .replace(" style=\"text-align: right\"", " align=\"right\"")
        .replace(" loading=\"lazy\"", "")
}

// ---------------------------------------------------------------------------
// A port of commonmark-spec's test/normalize.py (itself after karlcow's
// markdown-testsuite): whitespace collapsed outside <pre>, whitespace around
// block tags removed, attributes sorted, self-closing tags opened, numeric
// references and &amp; &lt; &gt; &quot; decoded and re-escaped, and `"` and
// `>` in text written as references (pulldown-cmark leaves `"` bare, cmark
// does not; a browser reads both alike). Other named
// references are kept as written (stricter than the original, which knows
// HTML 4's list), so a double-escaped `&amp;ouml;` never equals `&ouml;`.

#[derive(Clone, Copy, PartialEq)]
enum Last {
    StartTag,
    EndTag,
    Data,
    Other,
}

struct Normalizer {
    out: String,
    last: Last,
    last_tag: String,
    in_pre: bool,
}

const BLOCK_TAGS: &[&str] = &[
    "article",
    "header",
    "aside",
    "hgroup",
    "blockquote",
    "hr",
    "iframe",
    "body",
    "li",
    "map",
    "button",
    "object",
    "canvas",
    "ol",
    "caption",
    "output",
    "col",
    "p",
    "colgroup",
    "pre",
    "dd",
    "progress",
    "div",
    "section",
    "dl",
    "table",
    "td",
    "dt",
    "tbody",
    "embed",
    "textarea",
    "fieldset",
    "tfoot",
    "figcaption",
    "th",
    "figure",
    "thead",
    "footer",
    "tr",
    "form",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "video",
    "script",
    "style",
];

fn is_block(tag: &str) -> bool {
    BLOCK_TAGS.contains(&tag)
}

impl Normalizer {
    fn data(&mut self, data: &str) {
        let after_tag = matches!(self.last, Last::StartTag | Last::EndTag);
        let after_block_tag = after_tag && is_block(&self.last_tag);
        let mut data = data.to_string();
        if after_tag && self.last_tag == "br" {
            data = data.trim_start_matches('\n').to_string();
        }
        if !self.in_pre {
            data = collapse_whitespace(&data);
        }
        if after_block_tag && !self.in_pre {
            if self.last == Last::StartTag {
                data = data.trim_start().to_string();
            } else {
                data = data.trim().to_string();
            }
        }
        // `"` and `>` mean the same in text whether escaped or not: write
        // both escaped (normalize.py only unifies references).
        self.out
            .push_str(&data.replace('"', "&quot;").replace('>', "&gt;"));
        self.last = Last::Data;
    }

    fn start_tag(&mut self, tag: &str, mut attrs: Vec<(String, Option<String>)>, closed: bool) {
        if tag == "pre" {
            self.in_pre = true;
        }
        if is_block(tag) {
            self.out.truncate(self.out.trim_end().len());
        }
        self.out.push('<');
        self.out.push_str(tag);
        attrs.sort();
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(&k);
            if let Some(v) = v {
                self.out.push_str("=\"");
                self.out.push_str(&v);
                self.out.push('"');
            }
        }
        self.out.push('>');
        self.last_tag = tag.to_string();
        self.last = if closed { Last::EndTag } else { Last::StartTag };
    }

    fn end_tag(&mut self, tag: &str) {
        if tag == "pre" {
            self.in_pre = false;
        } else if is_block(tag) {
            self.out.truncate(self.out.trim_end().len());
        }
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self.last_tag = tag.to_string();
        self.last = Last::EndTag;
    }

    fn verbatim(&mut self, s: &str) {
        self.out.push_str(s);
        self.last = Last::Other;
    }

    /// Text with references: each run of plain text is data, each reference
    /// a decoded character (or kept as written).
    fn text(&mut self, text: &str) {
        let mut plain = 0;
        let mut i = 0;
        while let Some(rel) = text[i..].find('&') {
            let at = i + rel;
            match reference(&text[at..]) {
                Some((len, decoded)) => {
                    if plain < at {
                        self.data(&text[plain..at]);
                    }
                    match decoded {
                        Some(c) => self.out.push_str(&escape_char(c)),
                        None => self.out.push_str(&text[at..at + len]),
                    }
                    self.last = Last::Other;
                    i = at + len;
                    plain = i;
                }
                None => i = at + 1,
            }
        }
        if plain < text.len() {
            self.data(&text[plain..]);
        }
    }
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

fn escape_char(c: char) -> String {
    match c {
        '<' => "&lt;".into(),
        '>' => "&gt;".into(),
        '&' => "&amp;".into(),
        '"' => "&quot;".into(),
        c => c.to_string(),
    }
}

/// A character reference at the start of `s`: its length and the character
/// (`None`: a named reference kept as written).
fn reference(s: &str) -> Option<(usize, Option<char>)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let digits_at = if hex { 3 } else { 2 };
        let digits = s[digits_at..]
            .bytes()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let end = digits_at + digits;
        let value = u32::from_str_radix(&s[digits_at..end], if hex { 16 } else { 10 }).ok();
        let len = end + usize::from(b.get(end) == Some(&b';'));
        return Some((len, value.and_then(char::from_u32)));
    }
    let name_len = s[1..]
        .bytes()
        .enumerate()
        .take_while(|(i, c)| {
            if *i == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_alphanumeric() || *c == b'-' || *c == b'.'
            }
        })
        .count();
    if name_len == 0 {
        return None;
    }
    let end = 1 + name_len;
    let len = end + usize::from(b.get(end) == Some(&b';'));
    let decoded = match &s[1..end] {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        _ => None,
    };
    Some((len, decoded))
}

/// An attribute value as HTMLParser reports it, re-escaped like `html.escape`.
fn attr_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let rest = &raw[i..];
        if rest.starts_with('&') {
            if let Some((len, decoded)) = reference(rest) {
                match decoded {
                    Some(c) => out.push_str(&escape_attr_char(c)),
                    None => out.push_str(&rest[..len]),
                }
                i += len;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push_str(&escape_attr_char(c));
        i += c.len_utf8();
    }
    out
}

fn escape_attr_char(c: char) -> String {
    match c {
        '\'' => "&#x27;".into(),
        c => escape_char(c),
    }
}

/// A tag at the start of `s` (`<name attrs>` or `</name>`): its length,
/// lowercase name, attributes, and whether it is an end tag or self-closing.
struct TagToken {
    len: usize,
    name: String,
    attrs: Vec<(String, Option<String>)>,
    end: bool,
    self_closing: bool,
}

fn tag_token(s: &str) -> Option<TagToken> {
    let b = s.as_bytes();
    let end = b.get(1) == Some(&b'/');
    let name_at = if end { 2 } else { 1 };
    if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = name_at;
    while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = s[name_at..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
            self_closing = b[i] == b'/';
            i += 1;
        }
        match b.get(i) {
            None => return None,
            Some(b'>') => break,
            _ => {}
        }
        self_closing = false;
        let start = i;
        while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        let key = s[start..i].to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            attrs.push((key, None));
            continue;
        }
        j += 1;
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        let value = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let close = s[j + 1..].find(q as char)? + j + 1;
                i = close + 1;
                &s[j + 1..close]
            }
            _ => {
                let mut k = j;
                while k < b.len() && !is_space(b[k]) && b[k] != b'>' {
                    k += 1;
                }
                i = k;
                &s[j..k]
            }
        };
        attrs.push((key, Some(attr_value(value))));
    }
    Some(TagToken {
        len: i + 1,
        name,
        attrs,
        end,
        self_closing,
    })
}

fn normalize_html(html: &str) -> String {
    let mut n = Normalizer {
        out: String::new(),
        last: Last::StartTag,
        last_tag: String::new(),
        in_pre: false,
    };
    let mut text_start = 0;
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        let at = i + rel;
        let rest = &html[at..];
        let special_end = if rest.starts_with("<![CDATA[") {
            rest.find("]]>").map(|e| e + 3)
        } else if let Some(comment) = rest.strip_prefix("<!--") {
            comment.find("-->").map(|e| e + 7)
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest.find('>').map(|e| e + 1)
        } else {
            None
        };
        if let Some(len) = special_end {
            n.text(&html[text_start..at]);
            n.verbatim(&rest[..len]);
            i = at + len;
            text_start = i;
            continue;
        }
        let Some(tag) = tag_token(rest) else {
            i = at + 1;
            continue;
        };
        n.text(&html[text_start..at]);
        i = at + tag.len;
        if tag.end {
            n.end_tag(&tag.name);
        } else {
            n.start_tag(&tag.name, tag.attrs, tag.self_closing);
            if tag.name == "script" || tag.name == "style" {
                // Raw text up to the end tag, as HTMLParser reads it.
                let close = format!("</{}", tag.name);
                let end = html[i..]
                    .to_ascii_lowercase()
                    .find(&close)
                    .map_or(html.len(), |e| i + e);
                n.data(&html[i..end]);
                i = end;
            }
        }
        text_start = i;
    }
    n.text(&html[text_start..]);
    n.out
}

#[test]
fn normalizer_matches_normalize_py_doctests() {
    assert_eq!(normalize_html("<p>a  \t b</p>"), "<p>a b</p>");
    assert_eq!(normalize_html("<p>a  \t\nb</p>"), "<p>a b</p>");
    assert_eq!(normalize_html(" <p>a  b</p>"), "<p>a b</p>");
    assert_eq!(normalize_html("<p>a  b</p> "), "<p>a b</p>");
    assert_eq!(
        normalize_html("\n\t<p>\n\t\ta  b\t\t</p>\n\t"),
        "<p>a b</p>"
    );
    assert_eq!(normalize_html("<i>a  b</i> "), "<i>a b</i> ");
    assert_eq!(normalize_html("<br />"), "<br>");
    assert_eq!(
        normalize_html("<a title=\"bar\" HREF=\"foo\">x</a>"),
        "<a href=\"foo\" title=\"bar\">x</a>"
    );
    assert_eq!(
        normalize_html("&#8704;&amp;&gt;&lt;&quot;"),
        "\u{2200}&amp;&gt;&lt;&quot;"
    );
    // Stricter than the original: a double-escaped reference stays distinct.
    assert_ne!(
        normalize_html("<a href=\"&amp;ouml;\">"),
        normalize_html("<a href=\"&ouml;\">")
    );
    assert_eq!(
        normalize_html("<pre><code>a  b\n</code></pre>"),
        "<pre><code>a  b\n</code></pre>"
    );
}
