//! HTML text rules every stage shares: escaping what Folio writes, and
//! decoding character references the way a browser does, so Folio reads an
//! author's `href="a&ouml;.png"` as the browser will (`aö.png`).

use std::borrow::Cow;

/// Escapes text for an HTML body or a quoted attribute value.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// [`escape`], appending to `out`.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
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
}

/// Escapes a text node as the Markdown renderer does (`&`, `<`, `>`; quotes
/// need no escaping outside attributes), appending to `out`.
pub(crate) fn push_escaped_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// Decodes the character references of an attribute value as the HTML
/// parser does: every named reference of the standard (`&eacute;`,
/// `&colon;`), numeric ones with or without `;` (`&#106`), the legacy names
/// browsers accept without `;` unless a letter, digit or `=` follows
/// (`?a=1&copy=2` stays as written), and invalid code points as U+FFFD.
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after) {
            Some((len, decoded)) => {
                out.extend(decoded.into_iter().flatten());
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The reference at the start of `s` (just after `&`): bytes consumed and
/// the characters it stands for.
fn reference(s: &str) -> Option<(usize, [Option<char>; 2])> {
    if let Some(num) = s.strip_prefix('#') {
        let (digits, radix, prefix) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (num, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        // Saturate: anything past U+10FFFF is invalid however long it is.
        let value = digits[..len].chars().fold(0u32, |v, d| {
            v.saturating_mul(radix)
                .saturating_add(d.to_digit(radix).unwrap_or(0))
                .min(0x11_0000)
        });
        let semicolon = usize::from(digits[len..].starts_with(';'));
        return Some((prefix + len + semicolon, [Some(numeric_char(value)), None]));
    }
    let (len, (first, second)) = longest_named(s)?;
    if !s[..len].ends_with(';') {
        let next = s[len..].chars().next();
        if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '=') {
            return None;
        }
    }
    Some((len, [char::from_u32(first), char::from_u32(second)]))
}

/// The longest entity name `s` starts with, from the standard's table.
fn longest_named(s: &str) -> Option<(usize, (u32, u32))> {
    let mut best = None;
    for (i, c) in s.char_indices() {
        if !(c.is_ascii_alphanumeric() || c == ';') {
            break;
        }
        let key = &s[..i + 1];
        match web_atoms::NAMED_ENTITIES.get(key) {
            // The table also holds every prefix of a name, as (0, 0).
            None => break,
            Some(&(0, 0)) => {}
            Some(&value) => best = Some((key.len(), value)),
        }
        if c == ';' {
            break;
        }
    }
    best.map(|(len, (a, b))| (len, (a, if b == 0 { u32::MAX } else { b })))
}

/// What a numeric reference means to a browser: C1 controls read as
/// Windows-1252, and NUL, surrogates and values past Unicode as U+FFFD.
fn numeric_char(value: u32) -> char {
    if (0x80..=0x9F).contains(&value) {
        if let Some(c) = web_atoms::C1_REPLACEMENTS[(value - 0x80) as usize] {
            return c;
        }
    }
    match value {
        0 => char::REPLACEMENT_CHARACTER,
        v => char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn decodes_references_as_browsers_do() {
        assert_eq!(decode_entities("a&ouml;.png"), "aö.png");
        assert_eq!(decode_entities("caf&eacute;"), "café");
        assert_eq!(decode_entities("?q=a&amp;r=b"), "?q=a&r=b");
        assert_eq!(
            decode_entities("&#106;ava&#x73;cript&colon;"),
            "javascript:"
        );
        assert_eq!(decode_entities("&#106ava"), "java");
        assert_eq!(
            decode_entities("java&Tab;script&NewLine;"),
            "java\tscript\n"
        );
        // Legacy names without `;` decode, except before a letter, digit or `=`.
        assert_eq!(decode_entities("&copy 2024"), "© 2024");
        assert_eq!(decode_entities("?a=1&copy=2&notit"), "?a=1&copy=2&notit");
        assert_eq!(decode_entities("&notin;"), "∉");
        // Invalid references are text; invalid code points are U+FFFD.
        assert_eq!(decode_entities("& &; &#; &bogus;"), "& &; &#; &bogus;");
        assert_eq!(
            decode_entities("&#0;&#xD800;&#99999999999999;"),
            "\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(decode_entities("&#x80;"), "€");
        // Two-code-point entities.
        assert_eq!(decode_entities("&acE;"), "\u{223E}\u{333}");
    }
}
