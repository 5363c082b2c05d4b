//! Reading a built site the way a validator or crawler would, with no
//! code shared with Folio: an HTML start-tag scanner (comments, raw-text
//! elements and quoted attributes handled, entities decoded), and audits
//! of a whole output folder: hreflang sets, the sitemap, duplicate ids,
//! URL syntax, and whether relative links lead to files that exist.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A start tag with its attributes (names lowercased, values decoded).
#[derive(Clone, Debug)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag of a document, in order. Comments, doctypes and the
/// content of `script`, `style`, `textarea` and `title` are skipped as a
/// browser's tokenizer skips them.
pub fn start_tags(html: &str) -> Vec<Tag> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
            continue;
        }
        let Some((tag, after)) = parse_start_tag(&rest[1..]) else {
            rest = &rest[1..];
            continue;
        };
        rest = after;
        if matches!(tag.name.as_str(), "script" | "style" | "textarea" | "title") {
            let close = format!("</{}", tag.name);
            rest = rest
                .to_ascii_lowercase()
                .find(&close)
                .map_or("", |i| &rest[i..]);
        }
        tags.push(tag);
    }
    tags
}

fn parse_start_tag(s: &str) -> Option<(Tag, &str)> {
    let name_len = s
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(s.len());
    let name = &s[..name_len];
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut tag = Tag {
        name: name.to_ascii_lowercase(),
        attrs: Vec::new(),
    };
    let mut rest = &s[name_len..];
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if let Some(after) = rest.strip_prefix('>') {
            return Some((tag, after));
        }
        if rest.is_empty() {
            return Some((tag, rest));
        }
        let n = rest
            .find(|c: char| c.is_whitespace() || c == '/' || c == '>' || c == '=')
            .unwrap_or(rest.len())
            .max(1);
        let attr = rest[..n].to_ascii_lowercase();
        rest = rest[n..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, next) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], &body[(end + 1).min(body.len())..])
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_entities(raw);
            rest = next;
        }
        tag.attrs.push((attr, value));
    }
}

/// Character references in attribute values (the ones HTML writers emit).
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            e => e
                .strip_prefix("#x")
                .or_else(|| e.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16).ok())
                .unwrap_or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `%XX` sequences decoded (invalid ones kept), as UTF-8 where possible.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `url` is a valid URL string as the WHATWG URL standard (and the
/// Nu HTML Checker) define it, for what Folio writes: only URL code points
/// (ASCII alphanumerics, `!$&'()*+,-./:;=?@_~`, and non-ASCII that is not
/// a control, a surrogate or a noncharacter), `%` only before two hex
/// digits, and one `#`. A raw space, `|`, `"`, `<`, `>`, `{`, `}`, `^`,
/// backtick, backslash or a control character makes it invalid.
pub fn is_valid_url(url: &str) -> bool {
    let mut hashes = 0;
    for (i, c) in url.char_indices() {
        let ok = match c {
            c if c.is_ascii_alphanumeric() => true,
            '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | '-' | '.' | '/' | ':' | ';'
            | '=' | '?' | '@' | '_' | '~' => true,
            '#' => {
                hashes += 1;
                hashes == 1
            }
            '%' => {
                url.len() >= i + 3
                    && url.is_char_boundary(i + 3)
                    && url[i + 1..i + 3].chars().all(|h| h.is_ascii_hexdigit())
            }
            c if !c.is_ascii() => {
                let n = c as u32;
                !c.is_control() && !(0xFDD0..=0xFDEF).contains(&n) && (n & 0xFFFE) != 0xFFFE
            }
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// A built site read back from its output folder.
pub struct Built {
    /// Site-relative path → text, for every `.html` file.
    pub html: BTreeMap<String, String>,
    /// Every file, site-relative.
    pub files: BTreeSet<String>,
    pub base_url: String,
}

impl Built {
    pub fn read(out: &Path, base_url: &str) -> Built {
        let files: BTreeSet<String> = super::tree(out).into_keys().collect();
        let html = files
            .iter()
            .filter(|f| f.ends_with(".html"))
            .map(|f| {
                let text = std::fs::read_to_string(out.join(f)).expect("read html");
                (f.clone(), text)
            })
            .collect();
        Built {
            html,
            files,
            base_url: base_url.to_string(),
        }
    }

    /// Full pages: not navigation fragments, not the 404 page (served at
    /// any URL, so its links are absolute and it has no place in hreflang),
    /// not the print pages (`<lang>/print/`: a copy of the language's pages
    /// for printing, `noindex`, in no hreflang set or sitemap).
    pub fn pages(&self) -> impl Iterator<Item = (&String, &String)> {
        self.html.iter().filter(|(p, text)| {
            !p.starts_with("_folio/")
                && p.as_str() != "404.html"
                && !(p.ends_with("/print/index.html") && text.contains("content=\"noindex\""))
        })
    }

    /// The absolute URL a page file is served at (`es/a/index.html` →
    /// `<base>es/a/`), percent-encoded as a crawler would request it.
    pub fn url_of(&self, file: &str) -> String {
        let dir = file.strip_suffix("index.html").unwrap_or(file);
        let encoded: String = dir
            .split('/')
            .map(|seg| {
                seg.bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/");
        format!("{}{encoded}", self.base_url)
    }

    /// The output file an absolute URL of the site names, if any.
    pub fn file_at(&self, url: &str) -> Option<String> {
        let rel = percent_decode(url.strip_prefix(&self.base_url)?);
        let file = if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel
        };
        self.files.contains(&file).then_some(file)
    }

    /// Pages that ask search engines not to index them
    /// (`<meta name="robots" content="noindex">`): they belong in no
    /// hreflang set and not in the sitemap.
    pub fn noindex_pages(&self) -> BTreeSet<String> {
        self.pages()
            .filter(|(_, text)| {
                start_tags(text).iter().any(|t| {
                    t.name == "meta"
                        && t.attr("name")
                            .is_some_and(|n| n.eq_ignore_ascii_case("robots"))
                        && t.attr("content")
                            .is_some_and(|c| c.to_ascii_lowercase().contains("noindex"))
                })
            })
            .map(|(file, _)| file.clone())
            .collect()
    }

    /// Indexable page → its `<link rel="alternate" hreflang>` set, (hreflang, href).
    pub fn hreflang_sets(&self) -> BTreeMap<String, BTreeSet<(String, String)>> {
        let noindex = self.noindex_pages();
        self.pages()
            .filter(|(file, _)| !noindex.contains(*file))
            .map(|(file, text)| {
                let set = start_tags(text)
                    .into_iter()
                    .filter(|t| t.name == "link" && t.attr("rel") == Some("alternate"))
                    .filter_map(|t| {
                        Some((t.attr("hreflang")?.to_string(), t.attr("href")?.to_string()))
                    })
                    .collect();
                (file.clone(), set)
            })
            .collect()
    }

    /// Problems of the hreflang sets: each page's set names the page
    /// itself, has exactly one `x-default`, and every page it names carries
    /// exactly the same set (so the sets are reciprocal); a `noindex` page
    /// has no set and no set names it.
    pub fn hreflang_problems(&self) -> Vec<String> {
        let sets = self.hreflang_sets();
        let mut problems = Vec::new();
        for file in self.noindex_pages() {
            let own = self.url_of(&file);
            if self.html[&file].contains("rel=\"alternate\" hreflang") {
                problems.push(format!("{file}: noindex, yet it has hreflang alternates"));
            }
            for (other, set) in &sets {
                if set.iter().any(|(_, u)| *u == own) {
                    problems.push(format!("{other}: its set names the noindex page {own}"));
                }
            }
        }
        for (file, set) in &sets {
            let own = self.url_of(file);
            let x_defaults = set.iter().filter(|(h, _)| h == "x-default").count();
            if x_defaults != 1 {
                problems.push(format!("{file}: {x_defaults} x-default entries: {set:?}"));
            }
            if !set.iter().any(|(_, u)| *u == own) {
                problems.push(format!("{file}: its set does not name it ({own}): {set:?}"));
            }
            for (lang, url) in set {
                match self.file_at(url) {
                    None => problems.push(format!("{file}: {lang} → {url}: no such page")),
                    Some(other) if sets.get(&other) != Some(set) => problems.push(format!(
                        "{file} and {other} differ:\n  {set:?}\n  {:?}",
                        sets.get(&other)
                    )),
                    Some(_) => {}
                }
            }
        }
        problems
    }

    /// Problems of the sitemap against the pages: every page with an
    /// hreflang set is listed, and every listed URL has the set its page
    /// carries.
    pub fn sitemap_problems(&self, sitemap_xml: &str) -> Vec<String> {
        let listed = parse_sitemap(sitemap_xml);
        let pages = self.hreflang_sets();
        let mut problems = Vec::new();
        let noindex = self.noindex_pages();
        for (loc, set) in &listed {
            match self.file_at(loc) {
                None => problems.push(format!("sitemap: {loc}: no such page")),
                Some(file) if noindex.contains(&file) => {
                    problems.push(format!("sitemap: {loc} is a noindex page"));
                }
                Some(file) => {
                    if pages.get(&file) != Some(set) {
                        problems.push(format!(
                            "sitemap: {loc}: {set:?}\n  the page says {:?}",
                            pages.get(&file)
                        ));
                    }
                }
            }
        }
        for (file, set) in &pages {
            if !set.is_empty() && !listed.contains_key(&self.url_of(file)) {
                problems.push(format!(
                    "sitemap: {file} ({}) is not listed",
                    self.url_of(file)
                ));
            }
        }
        problems
    }

    /// `id`s written twice on one page.
    pub fn duplicate_ids(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (file, text) in self.pages() {
            let mut seen = BTreeSet::new();
            for tag in start_tags(text) {
                if let Some(id) = tag.attr("id") {
                    if !seen.insert(id.to_string()) {
                        problems.push(format!("{file}: id `{id}` twice"));
                    }
                }
            }
        }
        problems
    }

    /// `href`/`src` values (decoded from HTML) that are not valid URLs.
    pub fn invalid_urls(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (file, text) in &self.html {
            for tag in start_tags(text) {
                for (name, value) in &tag.attrs {
                    if matches!(name.as_str(), "href" | "src") && !is_valid_url(value) {
                        problems.push(format!("{file}: <{} {name}=\"{value}\">", tag.name));
                    }
                }
            }
        }
        problems
    }

    /// Relative `href`/`src` values of every HTML file that lead to no
    /// output file: (file, value as written). Navigation fragments
    /// (`_folio/nav/`) hold site-root-relative links, which the theme's
    /// script prefixes with the page's way to the root.
    pub fn unresolved_links(&self) -> Vec<(String, String)> {
        let mut unresolved = Vec::new();
        for (file, text) in &self.html {
            for tag in start_tags(text) {
                for (name, value) in &tag.attrs {
                    if !matches!(name.as_str(), "href" | "src") {
                        continue;
                    }
                    let base = if file.starts_with("_folio/nav/") {
                        "index.html"
                    } else {
                        file
                    };
                    if let Some(target) = relative_target(base, value) {
                        let exists = self.files.contains(&target)
                            || self.files.contains(&format!("{target}/index.html"))
                            || (target.is_empty() && self.files.contains("index.html"));
                        if !exists {
                            unresolved.push((file.clone(), value.clone()));
                        }
                    }
                }
            }
        }
        unresolved
    }
}

/// The site-relative file a relative URL written in `file` leads to;
/// `None` for absolute URLs, other schemes and same-page fragments.
pub fn relative_target(file: &str, url: &str) -> Option<String> {
    let path = url.split(['#', '?']).next().unwrap_or("");
    let has_scheme = path
        .split_once(':')
        .is_some_and(|(s, _)| !s.contains('/') && !s.is_empty());
    if path.is_empty() || has_scheme || path.starts_with("//") || path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<String> = file.split('/').map(str::to_string).collect();
    parts.pop();
    for seg in percent_decode(path).split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s.to_string()),
        }
    }
    Some(parts.join("/"))
}

/// `<loc>` → set of `xhtml:link` (hreflang, href) of a sitemap.
pub fn parse_sitemap(xml: &str) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let mut sets = BTreeMap::new();
    for entry in xml.split("<url>").skip(1) {
        let entry = entry.split("</url>").next().unwrap_or("");
        let loc = entry
            .split("<loc>")
            .nth(1)
            .and_then(|s| s.split("</loc>").next())
            .map(decode_entities)
            .unwrap_or_default();
        let set = start_tags(entry)
            .into_iter()
            .filter(|t| t.name == "xhtml:link" && t.attr("rel") == Some("alternate"))
            .filter_map(|t| Some((t.attr("hreflang")?.to_string(), t.attr("href")?.to_string())))
            .collect();
        sets.insert(loc, set);
    }
    sets
}
