//! Static search: one index per language, built from the text the
//! Markdown walk already has (no HTML is parsed again), written as
//! JavaScript files a page loads with `<script>` (so it works from
//! `file://`, where browsers refuse `fetch`), searched by `theme/search.js`.
//!
//! A language's index, under `_folio/search/<lang>/`:
//! - `meta.js`: how many term shards and pages there are;
//! - `t<n>.js`: the terms whose key (first two characters; first one for
//!   CJK) hashes to `n` (FNV-1a, 32 bits, of its UTF-8): `w` maps folded
//!   words and CJK bigrams to postings, `s` maps Snowball stems to
//!   postings (`0`: the same as the word's). A first search loads only
//!   the shards its words need;
//! - `d<n>.js`: pages `n*CHUNK…`: URL, title and each section's anchor,
//!   heading and text (capped), loaded only for results shown.
//!
//! Postings are arrays of pages: each number is the page's difference
//! from the previous one × 2, + 1 when the term is in the page's title or
//! a heading (a task row's ID and name are its heading). They name pages,
//! not sections, which keeps them small: the browser picks the section to
//! link from the snippets it loads for the results it shows (section 0 is
//! the page top; a task row is a section of its own, `#task-<id>`).
//!
//! Each page's [`Record`] is made in the parallel parse: its hits as
//! numbers of the site's [`Vocabulary`] (every distinct word and stem
//! numbered once) and its snippets, so writing an index groups numbers.
//! `folio serve`'s site keeps each language's [`Postings`] and moves only
//! an edited page's entries; it writes, after an edit, only the shards
//! holding terms whose postings changed ([`HitChanges`]).
//!
//! Queries are not stemmed in the browser (no Snowball port that agrees
//! with rust-stemmers byte for byte): the client matches a query word
//! against words it prefixes (typing) and against stems that prefix it
//! (`migraciones` ⊃ stem `migracion`, indexed from `migración`).

mod pack;
mod postings;
mod record;
pub(crate) mod tokenize;
mod vocabulary;

pub(crate) use postings::Postings;
pub(crate) use record::{HitChanges, PageText, Record};
pub(crate) use vocabulary::Vocabulary;

use crate::limits;
use record::Snippet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use vocabulary::Terms;

/// Pages per snippet chunk (`d<n>.js`).
pub(crate) const CHUNK: usize = 4;
/// Roughly how many bytes of postings a term shard aims at.
const SHARD_TARGET: usize = 16 * 1024;
/// Where a language's index goes, site-relative.
pub(crate) fn index_dir(lang: &str) -> String {
    format!("_folio/search/{lang}/")
}

/// One page of a language's index: what the writer needs of the model.
pub(crate) struct IndexedPage<'a> {
    /// Site-relative URL directory.
    pub(crate) url: &'a str,
    pub(crate) title: &'a str,
    pub(crate) record: Option<&'a Record>,
}

/// One file of an index: site-relative path and bytes.
pub(crate) struct IndexFile {
    pub(crate) path: String,
    pub(crate) bytes: Vec<u8>,
}

/// Which snippet chunks to write with the terms.
pub(crate) enum Chunks {
    All,
    /// These chunk numbers only (`folio serve`: the edited pages').
    Only(Vec<usize>),
}

/// Which term shards to write with `meta.js`.
pub(crate) enum Shards<'a> {
    All,
    /// Those holding terms these changes concern (`folio serve`, after
    /// an update that re-parsed pages; every shard if their number
    /// changes with it).
    Changed(&'a HitChanges),
}

/// The postings of a language's published pages, in index order.
pub(crate) fn postings_of(pages: &[IndexedPage<'_>], vocabulary: &Vocabulary) -> Postings {
    let docs = pages.iter().enumerate();
    Postings::of(
        docs.filter_map(|(doc, p)| Some((doc as u32, p.record?))),
        &vocabulary.read(),
    )
}

/// Every file of one language's index (`meta.js`, the term shards and
/// snippet chunks asked for): `postings` are its `pages`' (see
/// [`postings_of`]), their records made with `vocabulary`.
pub(crate) fn index_files(
    lang: &str,
    pages: &[IndexedPage<'_>],
    postings: &Postings,
    chunks: &Chunks,
    shards: &Shards<'_>,
    vocabulary: &Vocabulary,
) -> Vec<IndexFile> {
    let terms = vocabulary.read();
    let dir = index_dir(lang);
    let mut files = Vec::new();
    let mut chunk: Vec<DocEntry> = Vec::with_capacity(CHUNK);
    for (doc, page) in pages.iter().enumerate() {
        let n = doc / CHUNK;
        let wanted = match chunks {
            Chunks::All => true,
            Chunks::Only(list) => list.contains(&n),
        };
        if !wanted {
            continue;
        }
        let snippets = page.record.map(Record::snippets).unwrap_or_default();
        chunk.push(DocEntry(
            page.url.to_string(),
            page.title.to_string(),
            snippets,
        ));
        // Written as soon as it is full: a language's snippets are never
        // all unpacked at once.
        if chunk.len() == CHUNK || doc + 1 == pages.len() {
            files.push(script(&dir, &format!("d{n}.js"), "d", lang, n, &chunk));
            chunk.clear();
        }
    }
    let bytes = postings_bytes(postings);
    let count = shard_count(bytes);
    let wanted: Option<BTreeSet<usize>> = match shards {
        Shards::All => None,
        Shards::Changed(changes) => {
            let before = shard_count(bytes_before(bytes, postings, &terms, changes));
            (before == count).then(|| {
                changes
                    .terms()
                    .map(|t| shard_of(terms.name(t), count))
                    .collect()
            })
        }
    };
    let written = ShardSet {
        count,
        wanted: wanted.as_ref(),
    };
    files.extend(term_shards(lang, &dir, &written, postings, &terms));
    let meta = Meta {
        shards: count,
        chunk: CHUNK,
        docs: pages.len(),
    };
    files.push(script(&dir, "meta.js", "m", lang, 0, &meta));
    files
}

#[derive(Serialize)]
struct Meta {
    shards: usize,
    chunk: usize,
    docs: usize,
}

/// A page in a snippet chunk, serialized as `[url, title, sections]`.
#[derive(Serialize)]
struct DocEntry(String, String, Vec<Snippet>);

/// Roughly how many bytes the postings take written: what decides the
/// number of shards.
fn postings_bytes(postings: &Postings) -> usize {
    postings
        .words()
        .chain(postings.stems())
        .map(|(_, list)| list_bytes(list.name_len as usize, list.pages.len()))
        .sum()
}

fn list_bytes(name_len: usize, pages: usize) -> usize {
    if pages == 0 {
        0
    } else {
        name_len + 6 + pages * 2
    }
}

/// [`postings_bytes`] before `changes`: lists grow or shrink by the pages
/// that joined or left them.
fn bytes_before(now: usize, postings: &Postings, terms: &Terms, changes: &HitChanges) -> usize {
    let mut bytes = now;
    for (hit, moves) in changes.moves() {
        let pages = postings.pages_of(hit);
        let name = terms.name(hit.term()).len();
        let before = (pages + moves.left).saturating_sub(moves.joined);
        bytes = (bytes + list_bytes(name, before)).saturating_sub(list_bytes(name, pages));
    }
    bytes
}

fn shard_count(bytes: usize) -> usize {
    (bytes / SHARD_TARGET + 1)
        .next_power_of_two()
        .min(limits::SEARCH_SHARDS)
}

/// The shards of a language's index, and those to write (`None`: all).
struct ShardSet<'a> {
    count: usize,
    wanted: Option<&'a BTreeSet<usize>>,
}

impl ShardSet<'_> {
    fn writes(&self, shard: usize) -> bool {
        self.wanted.is_none_or(|w| w.contains(&shard))
    }
}

/// The key a term is sharded by: its first character when CJK, else its
/// first two.
pub(crate) fn shard_key(term: &str) -> &str {
    let mut chars = term.char_indices();
    let Some((_, first)) = chars.next() else {
        return term;
    };
    if tokenize::is_cjk(first) {
        return &term[..first.len_utf8()];
    }
    match chars.nth(1) {
        Some((end, _)) => &term[..end],
        None => term,
    }
}

/// The shard of `term` among `shards`.
pub(crate) fn shard_of(term: &str, shards: usize) -> usize {
    shard_in(shard_hash(term), shards)
}

/// FNV-1a (32 bits) of the term's key's UTF-8.
fn shard_hash(term: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in shard_key(term).bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

fn shard_in(hash: u32, shards: usize) -> usize {
    hash as usize % shards.max(1)
}

#[derive(Default, Serialize)]
struct Shard<'a> {
    w: BTreeMap<&'a str, List>,
    s: BTreeMap<&'a str, List>,
}

/// Postings as written: delta-coded pairs, or `0` for a stem whose
/// postings are its word's.
#[derive(Serialize)]
#[serde(untagged)]
enum List {
    Same(u8),
    Hits(Vec<u32>),
}

fn term_shards(
    lang: &str,
    dir: &str,
    shards: &ShardSet<'_>,
    postings: &Postings,
    terms: &Terms,
) -> Vec<IndexFile> {
    let mut out: Vec<Shard<'_>> = (0..shards.count).map(|_| Shard::default()).collect();
    for (id, list) in postings.stems() {
        let n = shard_in(list.shard_hash, shards.count);
        if !shards.writes(n) {
            continue;
        }
        // A word and a stem spelled alike are one term.
        let same = postings.word(id) == list.pages;
        let value = if same {
            List::Same(0)
        } else {
            delta(&list.pages)
        };
        out[n].s.insert(terms.name(id), value);
    }
    for (id, list) in postings.words() {
        let n = shard_in(list.shard_hash, shards.count);
        if shards.writes(n) {
            out[n].w.insert(terms.name(id), delta(&list.pages));
        }
    }
    out.iter()
        .enumerate()
        .filter(|(n, _)| shards.writes(*n))
        .map(|(n, shard)| script(dir, &format!("t{n}.js"), "t", lang, n, shard))
        .collect()
}

/// Each page as the difference from the previous one (× 2, + flag).
fn delta(list: &[u32]) -> List {
    let mut prev = 0;
    let mut out = Vec::with_capacity(list.len());
    for &entry in list {
        let doc = entry >> 1;
        out.push((doc - prev) << 1 | (entry & 1));
        prev = doc;
    }
    List::Hits(out)
}

/// `folioSearch.add(kind, lang, n, data);` — JSON safe to embed anywhere
/// (`<`, `>`, `&`, U+2028/9 escaped).
fn script<T: Serialize>(
    dir: &str,
    name: &str,
    kind: &str,
    lang: &str,
    n: usize,
    data: &T,
) -> IndexFile {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    let lang_json = serde_json::to_string(lang).unwrap_or_else(|_| "\"\"".into());
    let body = format!("folioSearch.add(\"{kind}\",{lang_json},{n},{json});\n");
    IndexFile {
        path: format!("{dir}{name}"),
        bytes: escape_for_script(&body).into_bytes(),
    }
}

fn escape_for_script(s: &str) -> String {
    let bytes = s.as_bytes();
    let separators = memchr::memmem::find_iter(bytes, "\u{2028}")
        .chain(memchr::memmem::find_iter(bytes, "\u{2029}"));
    if memchr::memchr3(b'<', b'>', b'&', bytes).is_none() && separators.count() == 0 {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + s.len() / 64);
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            0xE2 if s[i..].starts_with('\u{2028}') => "\\u2028",
            0xE2 if s[i..].starts_with('\u{2029}') => "\\u2029",
            _ => continue,
        };
        out.push_str(&s[copied..i]);
        out.push_str(escape);
        copied = i + if b == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&s[copied..]);
    out
}

#[cfg(test)]
mod tests;
