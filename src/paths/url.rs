//! URLs as content writes them: which ones would run script in a reader's
//! browser, and how any of them is written into an `href`.
//!
//! Markdown links, raw-HTML attributes, `toc.yml` hrefs and `folio check`
//! all ask [`unsafe_url`], so a URL the build neutralizes is exactly a URL
//! `check` reports.

use crate::html::decode_entities;
use url::{Position, Url};

/// What a neutralized URL becomes: a URL that goes nowhere (browsers never
/// load `about:invalid`) and says why to anyone reading the HTML.
pub(crate) const BLOCKED: &str = "about:invalid#folio-unsafe-url";

/// A URL that would run script: its scheme, and for `data:` its media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UnsafeUrl {
    /// `javascript:`, `vbscript:` or `data:text/html` (lowercase), as
    /// messages name it.
    pub(crate) kind: String,
}

/// Raster image types a `data:` URL may carry: decoding them runs nothing.
/// SVG is not among them: an SVG document can carry script.
const DATA_IMAGES: &[&str] = &[
    "image/png",
    "image/apng",
    "image/gif",
    "image/jpeg",
    "image/jpg",
    "image/pjpeg",
    "image/webp",
    "image/avif",
    "image/bmp",
    "image/x-icon",
    "image/vnd.microsoft.icon",
];

/// The one test for URLs that run script: `javascript:`, `vbscript:` and
/// `data:` other than a raster image, read as a browser reads an attribute,
/// after character references are decoded (`&#106;avascript:`), letter case
/// folded (`JaVaScRiPt:`) and whitespace and control characters dropped
/// (`java\tscript:`, which browsers also strip). It errs on the side of
/// reporting: a control character inside a scheme makes it unsafe here even
/// where a browser would read a relative path.
pub(crate) fn unsafe_url(url: &str) -> Option<UnsafeUrl> {
    let decoded = decode_entities(url);
    let mut scheme = String::new();
    let mut rest = None;
    for (i, c) in decoded.char_indices() {
        if is_ignorable(c) {
            continue;
        }
        if c == ':' {
            rest = Some(&decoded[i + 1..]);
            break;
        }
        if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) || scheme.len() > 32 {
            return None;
        }
        scheme.push(c.to_ascii_lowercase());
    }
    let rest = rest?;
    match scheme.as_str() {
        "javascript" | "vbscript" | "livescript" => Some(UnsafeUrl {
            kind: format!("{scheme}:"),
        }),
        "data" => {
            let media: String = rest
                .chars()
                .filter(|&c| !is_ignorable(c))
                .take_while(|&c| c != ';' && c != ',')
                .take(128)
                .collect::<String>()
                .to_ascii_lowercase();
            let media = if media.is_empty() {
                "text/plain".to_string()
            } else {
                media
            };
            (!DATA_IMAGES.contains(&media.as_str())).then(|| UnsafeUrl {
                kind: format!("data:{media}"),
            })
        }
        _ => None,
    }
}

/// Whitespace, control and invisible formatting characters: browsers drop
/// some of them from URLs, and none belongs in a scheme.
fn is_ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// A URL as written, made valid for an `href`: characters URLs may not
/// contain (space, `"`, `<`, `>`, `` ` ``, `{`, `}`, `|`, `^`, `[`/`]`
/// outside an IPv6 host, a second `#`, controls, Unicode whitespace,
/// invisible formatting characters and noncharacters) are percent-encoded as UTF-8, as CommonMark renderers do
/// (`a|b` → `a%7Cb`). Existing `%xx` escapes are kept (no double encoding);
/// a `%` that starts none becomes `%25`. Other Unicode stays readable, as
/// browsers accept it. A `\` becomes `/` where browsers read it so (see
/// [`backslash_is_slash`]), `%5C` elsewhere. Not HTML-escaped: `&` and `'`
/// are left to the caller.
pub(crate) fn encode(url: &str) -> String {
    let host_end = authority_end(url);
    let path_end = url.find(['?', '#']).unwrap_or(url.len());
    let slashes_path = backslash_is_slash(url);
    let bytes = url.as_bytes();
    let is_hex = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_hexdigit);
    let mut out = String::with_capacity(url.len());
    let mut in_fragment = false;
    for (i, c) in url.char_indices() {
        if c == '\\' && slashes_path && i < path_end {
            out.push('/');
            continue;
        }
        let keep = match c {
            '%' => is_hex(i + 1) && is_hex(i + 2),
            '#' => !std::mem::replace(&mut in_fragment, true),
            '[' | ']' => i < host_end,
            c if c.is_ascii() => c.is_ascii_alphanumeric() || "!$&'()*+,-./:;=?@_~".contains(c),
            // Invisible characters stay visible to whoever reads the HTML.
            c => !is_ignorable(c) && !is_noncharacter(c),
        };
        if keep {
            out.push(c);
        } else {
            super::push_percent_encoded(&mut out, c);
        }
    }
    out
}

/// A URL as written, ready for a quoted `href`/`src`: percent-encoded where
/// URLs require it ([`encode`]), then HTML-escaped.
pub(crate) fn escape_href(url: &str) -> String {
    crate::html::escape(&encode(url))
}

/// In the path of an http(s), ftp, ws(s) or file URL, and of a relative
/// URL (pages are served over those), browsers read `\` as `/`: writing
/// `/` keeps the link going where it went, where `%5C` would not.
fn backslash_is_slash(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return true;
    };
    let scheme = &url[..colon];
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme || url[..colon].contains(['/', '?', '#']) {
        return true;
    }
    ["http", "https", "ftp", "ws", "wss", "file"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
}

/// The end of `scheme://host` or `//host`, where `[` and `]` may enclose an
/// IPv6 address; 0 when the URL has no authority.
fn authority_end(url: &str) -> usize {
    let is_scheme = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    };
    let after_scheme = match url.find("://") {
        Some(i) if is_scheme(&url[..i]) => i + 3,
        _ if url.starts_with("//") => 2,
        _ => return 0,
    };
    url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i)
}

fn is_noncharacter(c: char) -> bool {
    let c = c as u32;
    (0xFDD0..=0xFDEF).contains(&c) || (c & 0xFFFE) == 0xFFFE
}

/// An `http(s)://` or `//` link as `folio check --external` asks a server
/// for it: parsed as browsers parse it (the WHATWG URL standard, through
/// the `url` crate: scheme and host lowercased, internationalized host
/// names IDNA-encoded, default ports dropped, `.`/`..` resolved, what a
/// request may not contain percent-encoded), without the fragment, which
/// servers never see. `//host` links get `default_scheme`. A link that
/// names no host (`https://`) or another scheme gives `None`; one a browser
/// cannot parse either is returned as written (without its fragment), so
/// that asking for it fails as "not a valid URL" and is reported.
pub(crate) fn web_request(dest: &str, default_scheme: &str) -> Option<String> {
    let dest = dest.trim();
    let full = if dest.starts_with("//") {
        format!("{default_scheme}:{dest}")
    } else {
        dest.to_string()
    };
    match Url::parse(&full) {
        Ok(mut url) if is_web(&url) => {
            url.set_fragment(None);
            Some(url.into())
        }
        Ok(_) | Err(url::ParseError::EmptyHost) => None,
        Err(_) if has_web_scheme(&full) => Some(full.split('#').next().unwrap_or("").to_string()),
        Err(_) => None,
    }
}

/// A [`web_request`] URL, parsed; `None` when it is not a valid URL.
pub(crate) fn parse_web(url: &str) -> Option<Url> {
    Url::parse(url).ok().filter(is_web)
}

/// `host:port` of a [`web_request`] URL (the port only when it is not the
/// scheme's default), the unit of `per_host`; the URL itself when it does
/// not parse.
pub(crate) fn host_and_port(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => u[Position::BeforeHost..Position::AfterPort].to_string(),
        Err(_) => url.to_string(),
    }
}

/// Resolves a `Location` header against the URL that answered, as a
/// browser does, dropping any fragment; `None` when the result is not an
/// http(s) URL.
pub(crate) fn resolve_redirect(base: &str, location: &str) -> Option<String> {
    let mut url = Url::parse(base).ok()?.join(location.trim()).ok()?;
    if !is_web(&url) {
        return None;
    }
    url.set_fragment(None);
    Some(url.into())
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.has_host()
}

fn has_web_scheme(url: &str) -> bool {
    let lower = url.get(..6).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(url: &str) -> Option<String> {
        unsafe_url(url).map(|u| u.kind)
    }

    #[test]
    fn script_urls_are_unsafe_however_written() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "  javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "&#106;avascript:alert(1)",
            "&#x6A;avascript:alert(1)",
            "&#106avascript:alert(1)",
            "javascript&colon;alert(1)",
            "java&Tab;script:alert(1)",
            "java\u{200B}script:alert(1)",
        ] {
            assert_eq!(kind(url).as_deref(), Some("javascript:"), "{url:?}");
        }
        assert_eq!(kind("VBScript:msgbox").as_deref(), Some("vbscript:"));
        assert_eq!(
            kind("data:text/html,<script>alert(1)</script>").as_deref(),
            Some("data:text/html")
        );
        assert_eq!(kind("DATA:,hello").as_deref(), Some("data:text/plain"));
        assert_eq!(
            kind("data:image/svg+xml;base64,PHN2Zz4=").as_deref(),
            Some("data:image/svg+xml")
        );
    }

    #[test]
    fn ordinary_urls_are_safe() {
        for url in [
            "https://example.com/javascript:x",
            "page.md",
            "javascript.md",
            "./javascript:x",
            "docs/javascript:x",
            "#javascript:x",
            "?q=javascript:x",
            "mailto:a@example.com",
            "tel:+1",
            "data:image/png;base64,iVBORw0KGgo=",
            "DATA:IMAGE/JPEG;base64,/9j/",
            "",
        ] {
            assert_eq!(kind(url), None, "{url:?}");
        }
    }

    #[test]
    fn web_requests_are_what_a_browser_asks_for() {
        let request = |dest: &str| web_request(dest, "https");
        assert_eq!(
            request("HTTPS://Example.COM/Path#frag").as_deref(),
            Some("https://example.com/Path")
        );
        assert_eq!(
            web_request("//example.com/x", "http").as_deref(),
            Some("http://example.com/x")
        );
        assert_eq!(request("mailto:a@b"), None);
        assert_eq!(request("https://"), None);
        assert_eq!(
            request("https://example.com/guía de red?q=a b").as_deref(),
            Some("https://example.com/gu%C3%ADa%20de%20red?q=a%20b")
        );
        assert_eq!(
            request("https://example.com/media\\x.png").as_deref(),
            Some("https://example.com/media/x.png")
        );
        assert_eq!(
            request("https://example.com/a\u{200B}").as_deref(),
            Some("https://example.com/a%E2%80%8B")
        );
        // Internationalized host names are asked for by their IDNA name.
        assert_eq!(
            request("https://Bücher.example/").as_deref(),
            Some("https://xn--bcher-kva.example/")
        );
        assert_eq!(
            request("https://example.com:443").as_deref(),
            Some("https://example.com/")
        );
        // Not a URL a browser could open: kept, so the check reports it.
        assert_eq!(
            request("https://exa mple.com/x#f").as_deref(),
            Some("https://exa mple.com/x")
        );
        assert_eq!(parse_web("https://exa mple.com/x"), None);
        assert_eq!(
            host_and_port("https://User@Example.com:8443/x"),
            "example.com:8443"
        );
        assert_eq!(host_and_port("https://example.com:443/x"), "example.com");
    }

    #[test]
    fn location_headers_resolve_like_a_browser() {
        let base = "https://h.example/a/b/c?q=1";
        for (location, expected) in [
            ("https://other.example/x", "https://other.example/x"),
            ("HTTP://Other.Example/X#f", "http://other.example/X"),
            ("//cdn.example/y", "https://cdn.example/y"),
            ("/root", "https://h.example/root"),
            ("d", "https://h.example/a/b/d"),
            ("./d?x=2", "https://h.example/a/b/d?x=2"),
            ("../d", "https://h.example/a/d"),
            ("../../../../d", "https://h.example/d"),
            ("..", "https://h.example/a/"),
            ("?z=3", "https://h.example/a/b/c?z=3"),
        ] {
            assert_eq!(
                resolve_redirect(base, location).as_deref(),
                Some(expected),
                "{location}"
            );
        }
        assert_eq!(
            resolve_redirect("http://h.example", "x").as_deref(),
            Some("http://h.example/x")
        );
        assert_eq!(resolve_redirect(base, "ftp://h.example/x"), None);
    }

    #[test]
    fn hrefs_are_encoded_then_escaped() {
        assert_eq!(escape_href("a b?x=1&y=\"2\""), "a%20b?x=1&amp;y=%222%22");
        assert_eq!(escape_href("a|b"), "a%7Cb");
    }

    #[test]
    fn encodes_what_urls_may_not_contain() {
        assert_eq!(encode("a|b"), "a%7Cb");
        assert_eq!(encode("a b\"<>`{}^"), "a%20b%22%3C%3E%60%7B%7D%5E");
        // Browsers read `\` as `/` in a web URL's path: keep the destination.
        assert_eq!(encode("https://e.com/a\\b?c\\d"), "https://e.com/a/b?c%5Cd");
        assert_eq!(encode("docs\\page.md"), "docs/page.md");
        assert_eq!(encode("mailto:a\\b@e.com"), "mailto:a%5Cb@e.com");
        assert_eq!(
            encode("https://e.com/q?x=a|b#f#g"),
            "https://e.com/q?x=a%7Cb#f%23g"
        );
        // No double encoding; a stray `%` is encoded.
        assert_eq!(encode("a%20b%7c"), "a%20b%7c");
        assert_eq!(encode("100%"), "100%25");
        assert_eq!(encode("%zz"), "%25zz");
        // Unicode stays readable, except whitespace and noncharacters.
        assert_eq!(encode("ガイド/café"), "ガイド/café");
        assert_eq!(encode("a\u{A0}b\u{FFFF}"), "a%C2%A0b%EF%BF%BF");
        assert_eq!(encode("a\u{202E}b\u{200B}"), "a%E2%80%AEb%E2%80%8B");
        // Brackets only in an IPv6 host.
        assert_eq!(
            encode("http://[::1]:8080/a[1]"),
            "http://[::1]:8080/a%5B1%5D"
        );
        assert_eq!(encode("a[1].md"), "a%5B1%5D.md");
        // Reserved characters keep their meaning.
        assert_eq!(
            encode("mailto:a@b.c?subject=x&body=y"),
            "mailto:a@b.c?subject=x&body=y"
        );
    }
}
