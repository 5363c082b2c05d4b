//! What every fuzz target shares: reading several files out of one input,
//! and the invariants every build must keep.

#![allow(dead_code)]

use folio::fuzzing::Built;
use std::collections::HashSet;

/// Splits an input into its first file and named others: files are
/// separated by a NUL byte (which page text never contains: loading
/// replaces it), and each after the first starts with its
/// content-relative path on a line of its own.
pub fn split(data: &[u8]) -> (&[u8], Vec<(&str, &[u8])>) {
    let mut parts = data.split(|&b| b == 0);
    let first = parts.next().unwrap_or_default();
    let others = parts
        .filter_map(|part| {
            let end = part.iter().position(|&b| b == b'\n').unwrap_or(part.len());
            let name = std::str::from_utf8(&part[..end]).ok()?;
            Some((name, part.get(end + 1..).unwrap_or_default()))
        })
        .collect();
    (first, others)
}

/// Every output stays inside the output folder (each `/`-separated
/// segment a plain name; a `\` is a character of a name on the systems
/// Folio writes to, as in the content file it came from), and no two
/// outputs share a path (one would silently replace the other); no HTML
/// file has an id twice.
pub fn check(built: &Built) {
    let mut seen = HashSet::new();
    for (path, bytes) in &built.files {
        assert!(
            !path.is_empty()
                && !path.contains('\0')
                && path
                    .split('/')
                    .all(|s| !s.is_empty() && s != "." && s != ".."),
            "unsafe output path {path:?}"
        );
        assert!(seen.insert(path.as_str()), "two outputs at {path:?}");
        if path.ends_with(".html") {
            unique_ids(path, &String::from_utf8_lossy(bytes));
        }
    }
}

/// Two builds of the same input write the same bytes and report the same.
pub fn same(a: &Built, b: &Built) {
    assert_eq!(a.files, b.files, "two builds wrote different outputs");
    assert_eq!(
        a.diagnostics, b.diagnostics,
        "two builds reported differently"
    );
}

/// No id twice in one HTML file. Folio's HTML is serialized (Tera with
/// escaping, the sanitizer's serializer): outside comments and
/// `script`/`style`, every `<` followed by a letter starts a tag.
fn unique_ids(path: &str, html: &str) {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        let end = tag_end(rest);
        if let Some(id) = attr(&rest[name_len..end], "id") {
            assert!(ids.insert(id.to_string()), "{path}: id {id:?} twice");
        }
        rest = &rest[end..];
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |i| &rest[i..]);
        }
    }
}

/// Where a start tag ends (quoted `>` inside values skipped).
fn tag_end(tag: &str) -> usize {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i,
            _ => {}
        }
    }
    tag.len()
}

/// The value of an attribute written `name="value"` in a tag's text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        let at = rest.find(&format!("{name}=\""))?;
        let before = rest[..at].chars().next_back();
        let value = &rest[at + name.len() + 2..];
        let end = value.find('"')?;
        if before.is_some_and(char::is_whitespace) {
            return Some(&value[..end]);
        }
        rest = &value[end..];
    }
}
