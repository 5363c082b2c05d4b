//! `markdown.raw_html: sanitize`: the rendered HTML of a page that keeps raw
//! markup goes through ammonia (a maintained allowlist sanitizer built on
//! html5ever, the parser browsers' behaviour is specified by).
//!
//! The whole page is cleaned, not each fragment: Markdown interleaves raw
//! tags with its own output (`<span style="color:red">*</span>` is three
//! events), so only the assembled page has the tree a browser builds.
//! Folio's own markup is on the allowlist; what is not (event handlers,
//! `<object>`, `<form>`, unknown attributes, comments) is removed, keeping
//! the text inside.
//!
//! Link slots are not resolved yet when a page is parsed, so each one is
//! carried through the sanitizer as a numbered marker made of a private-use
//! character the page does not contain; the markers that survive become the
//! slots of the cleaned page (the HTML parser may drop, move or duplicate
//! them, so each keeps its link's number).

use ammonia::Builder;
use std::collections::HashSet;
use std::sync::OnceLock;

/// CSS properties a `style` attribute keeps: colours and text formatting
/// (what the corpus and Folio's own table alignment use), nothing that can
/// position, overlay or load.
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "text-align",
    "vertical-align",
    "font-weight",
    "font-style",
    "text-decoration",
    "white-space",
];

/// Static SVG graphics: shapes, text and gradients. Not `<script>`,
/// `<foreignObject>`, `<use>`, `<image>` or animations, which run, embed or
/// load.
const SVG_TAGS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "title",
    "desc",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "symbol",
    "marker",
    "pattern",
];

/// Presentation attributes of those elements (as the parser spells them).
const SVG_ATTRIBUTES: &[&str] = &[
    "viewBox",
    "preserveAspectRatio",
    "xmlns",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "d",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-dasharray",
    "opacity",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "clip-path",
    "clip-rule",
    "mask",
    "font-size",
    "font-family",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "dx",
    "dy",
    "markerWidth",
    "markerHeight",
    "refX",
    "refY",
    "orient",
    "patternUnits",
];

/// MathML Core presentation markup, without `annotation-xml` (which can
/// hold HTML).
const MATHML_TAGS: &[&str] = &[
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "mspace",
    "mrow",
    "mfrac",
    "msqrt",
    "mroot",
    "msub",
    "msup",
    "msubsup",
    "munder",
    "mover",
    "munderover",
    "mmultiscripts",
    "mprescripts",
    "mtable",
    "mtr",
    "mtd",
    "mpadded",
    "mphantom",
    "mstyle",
    "merror",
    "semantics",
    "annotation",
];

const MATHML_ATTRIBUTES: &[&str] = &[
    "display",
    "displaystyle",
    "mathvariant",
    "scriptlevel",
    "fence",
    "separator",
    "stretchy",
    "symmetric",
    "largeop",
    "movablelimits",
    "accent",
    "accentunder",
    "lspace",
    "rspace",
    "linethickness",
    "columnspan",
    "rowspan",
    "encoding",
    "xmlns",
];

/// The sanitizer's configuration: ammonia's defaults (formatting, lists,
/// tables, `<details>`, `<img>`, links with safe schemes) plus what Folio
/// writes itself (`id`, `class`, `role`, `aria-*`, task-list checkboxes,
/// `loading`, aligned cells), media elements, static SVG and MathML.
fn builder() -> &'static Builder<'static> {
    static BUILDER: OnceLock<Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = Builder::default();
        b.add_tags(SVG_TAGS).add_tags(MATHML_TAGS);
        for tag in SVG_TAGS {
            b.add_tag_attributes(tag, SVG_ATTRIBUTES);
        }
        for tag in MATHML_TAGS {
            b.add_tag_attributes(tag, MATHML_ATTRIBUTES);
        }
        b.add_tags([
            "input", "video", "audio", "source", "track", "picture", "section",
        ])
        .add_generic_attributes(["id", "class", "dir", "role", "style"])
        .add_generic_attribute_prefixes(["aria-"])
        .add_tag_attributes("a", ["name"])
        .add_tag_attributes("img", ["loading"])
        .add_tag_attributes("details", ["open"])
        // Folio's table scroll regions are focusable; content may only
        // make a block focusable in tab order, never reorder it.
        .add_tag_attributes("div", ["tabindex"])
        .attribute_filter(|_, attr, value| match attr {
            "tabindex" if value != "0" => None,
            _ => Some(value.into()),
        })
        .add_tag_attributes("ol", ["reversed", "type"])
        .add_tag_attributes("li", ["value"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes(
            "video",
            [
                "src",
                "poster",
                "controls",
                "width",
                "height",
                "loop",
                "muted",
                "playsinline",
                "preload",
            ],
        )
        .add_tag_attributes("audio", ["src", "controls", "loop", "muted", "preload"])
        .add_tag_attributes("source", ["src", "type", "media"])
        .add_tag_attributes("track", ["src", "kind", "srclang", "label", "default"])
        // Checkboxes are task-list markers, never a form.
        .set_tag_attribute_value("input", "disabled", "")
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
        // Folio's links stay as written; ammonia would add rel to each.
        .link_rel(None);
        b
    })
}

/// A cleaned page: HTML between slots, and the link each slot is for.
pub(crate) struct Cleaned {
    pub(crate) parts: Vec<String>,
    pub(crate) slots: Vec<usize>,
}

/// Cleans a page's rendered HTML whose link slots are `slot` characters.
pub(crate) fn clean(html: &str, slot: char) -> Cleaned {
    let Some(marker) = unused_private_char(html) else {
        // A page holding every private-use character: keep it safe and
        // give up its links rather than risk confusing markers.
        return Cleaned {
            parts: vec![builder().clean(&html.replace(slot, "")).to_string()],
            slots: Vec::new(),
        };
    };
    let mut marked = String::with_capacity(html.len() + 64);
    for (i, piece) in html.split(slot).enumerate() {
        if i > 0 {
            marked.push(marker);
            marked.push_str(&(i - 1).to_string());
            marked.push(marker);
        }
        marked.push_str(piece);
    }
    split_markers(&builder().clean(&marked).to_string(), marker)
}

/// The first private-use character `html` does not contain.
fn unused_private_char(html: &str) -> Option<char> {
    const FIRST: u32 = 0xE000;
    const LAST: u32 = 0xF8FF;
    let mut seen: HashSet<u32> = HashSet::new();
    for c in html.chars() {
        let c = c as u32;
        if (FIRST..=LAST).contains(&c) {
            seen.insert(c);
        }
    }
    (FIRST..=LAST)
        .find(|c| !seen.contains(c))
        .and_then(char::from_u32)
}

fn split_markers(html: &str, marker: char) -> Cleaned {
    let mut parts = Vec::new();
    let mut slots = Vec::new();
    let mut current = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(marker) {
        current.push_str(&rest[..i]);
        let after = &rest[i + marker.len_utf8()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let closed = after[digits..].starts_with(marker);
        match after[..digits].parse::<usize>() {
            Ok(n) if closed => {
                parts.push(std::mem::take(&mut current));
                slots.push(n);
                rest = &after[digits + marker.len_utf8()..];
            }
            // Only Folio writes the marker; keep anything else as text.
            _ => {
                current.push(marker);
                rest = after;
            }
        }
    }
    current.push_str(rest);
    parts.push(current);
    Cleaned { parts, slots }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(html: &str) -> (String, Vec<usize>) {
        let c = clean(html, '\0');
        let mut out = String::new();
        for (i, part) in c.parts.iter().enumerate() {
            if i > 0 {
                out.push_str(&format!("[{}]", c.slots[i - 1]));
            }
            out.push_str(part);
        }
        (out, c.slots)
    }

    #[test]
    fn keeps_what_folio_and_the_corpus_write() {
        let html = "<div class=\"heading heading-2\"><h2 id=\"a\">A</h2><a class=\"heading-anchor\" href=\"#a\" aria-label=\"Permalink\"><span aria-hidden=\"true\">#</span></a></div>\n\
            <div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Tasks\"><table></table></div><div tabindex=\"3\">x</div>\n\
            <div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>\n</div>\n\
            <table class=\"task-table\"><tbody><tr id=\"task-1\"><td style=\"text-align: right\" title=\"Mandatory\">x<br>y</td></tr></tbody></table>\n\
            <ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\">done</li></ul>\n\
            <p><span style=\"color:red\">*</span> <a name=\"old\"></a><img src=\"\0\" alt=\"i\" loading=\"lazy\"></p>\n\
            <details open><summary>More</summary><p>x</p></details>\n\
            <pre><code class=\"language-rust\">fn</code></pre>\n";
        let (out, slots) = cleaned(html);
        for kept in [
            "id=\"a\"",
            "class=\"heading-anchor\" href=\"#a\" aria-label=\"Permalink\"",
            "<span aria-hidden=\"true\">#</span>",
            "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Tasks\">",
            "<div>x</div>",
            "role=\"note\"",
            "<tr id=\"task-1\">",
            "title=\"Mandatory\"",
            "text-align",
            "<br>",
            "type=\"checkbox\"",
            "checked",
            "color",
            "<a name=\"old\">",
            "<img src=\"[0]\" alt=\"i\" loading=\"lazy\">",
            "<details open=\"\"><summary>More</summary>",
            "class=\"language-rust\"",
        ] {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
        assert_eq!(slots, [0]);
    }

    #[test]
    fn keeps_static_svg_and_mathml() {
        let (out, _) = cleaned(
            "<svg viewBox=\"0 0 1 1\"><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"red\"/></linearGradient>\
             <rect width=\"1\" height=\"1\" fill=\"url(#g)\"/><script>x()</script><foreignObject><p>f</p></foreignObject></svg>\
             <math><msup><mi>x</mi><mn>2</mn></msup></math>",
        );
        for kept in [
            "<svg viewBox=\"0 0 1 1\">",
            "<linearGradient id=\"g\">",
            "<stop offset=\"0\" stop-color=\"red\">",
            "<msup><mi>x</mi><mn>2</mn></msup>",
        ] {
            assert!(out.contains(kept), "{kept} missing from {out}");
        }
        for gone in ["script", "x()", "foreignObject"] {
            assert!(!out.contains(gone), "{gone} kept in {out}");
        }
    }

    #[test]
    fn removes_what_runs_script() {
        let (out, _) = cleaned(
            "<p onclick=\"x()\">a<img src=\"\0\" onerror=\"y()\"><object data=\"z\">t</object>\
             <a href=\"javascript:alert(1)\">j</a><form action=\"\0\"><input type=\"text\" value=\"v\"></form>\
             <span style=\"position:fixed;color:red\">s</span><!-- note --></p>",
        );
        for gone in [
            "onclick",
            "onerror",
            "<object",
            "javascript",
            "<form",
            "position",
            "note",
        ] {
            assert!(!out.contains(gone), "{gone} kept in {out}");
        }
        assert!(out.contains("disabled"), "{out}");
    }

    #[test]
    fn slots_survive_moves_and_drops() {
        // Foster parenting moves the image before the table; the form's slot goes.
        let (out, slots) = cleaned(
            "<table><img src=\"\0\"><tr><td><a href=\"\0\">x</a></td></tr></table><form action=\"\0\"></form>",
        );
        assert_eq!(slots, [0, 1], "{out}");
        assert!(out.starts_with("<img src=\"[0]\"><table>"), "{out}");
    }

    #[test]
    fn markers_never_collide_with_content() {
        let html = "<p>\u{E000}0\u{E000} <a href=\"\0\">x</a></p>";
        let (out, slots) = cleaned(html);
        assert_eq!(slots, [0]);
        assert!(out.contains("\u{E000}0\u{E000}"), "{out}");
    }
}
