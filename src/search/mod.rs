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
//! Queries are not stemmed in the browser (no Snowball port that agrees
//! with rust-stemmers byte for byte): the client matches a query word
//! against words it prefixes (typing) and against stems that prefix it
//! (`migraciones` ⊃ stem `migracion`, indexed from `migración`).

mod pack;
pub(crate) mod tokenize;

use crate::limits;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Pages per snippet chunk (`d<n>.js`).
pub(crate) const CHUNK: usize = 4;
/// Roughly how many bytes of postings a term shard aims at.
const SHARD_TARGET: usize = 16 * 1024;
/// Where a language's index goes, site-relative.
pub(crate) fn index_dir(lang: &str) -> String {
    format!("_folio/search/{lang}/")
}

/// A page's searchable text as the Markdown walk collects it: one section
/// per heading (the page top first), one per task row.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageText {
    sections: Vec<SectionText>,
    tasks: Vec<SectionText>,
}

#[derive(Clone, Debug, Default)]
struct SectionText {
    anchor: String,
    heading: String,
    text: String,
}

impl PageText {
    fn current(&mut self) -> &mut SectionText {
        if self.sections.is_empty() {
            self.sections.push(SectionText::default());
        }
        let last = self.sections.len() - 1;
        &mut self.sections[last]
    }

    /// Prose of the current section (code and markup are never passed in).
    pub(crate) fn push_text(&mut self, text: &str) {
        self.current().text.push_str(text);
    }

    /// The end of a block or a line break: a word boundary.
    pub(crate) fn push_break(&mut self) {
        let section = self.current();
        if !section.text.is_empty() && !section.text.ends_with(' ') {
            section.text.push(' ');
        }
    }

    /// A heading starts a section.
    pub(crate) fn start_section(&mut self, anchor: &str, heading: &str) {
        self.current();
        self.sections.push(SectionText {
            anchor: anchor.to_string(),
            heading: heading.to_string(),
            text: String::new(),
        });
    }

    /// Anchor, heading and text of each section, task rows last (tests).
    #[cfg(test)]
    pub(crate) fn sections(&self) -> Vec<(&str, &str, &str)> {
        self.sections
            .iter()
            .chain(&self.tasks)
            .map(|s| (s.anchor.as_str(), s.heading.as_str(), s.text.trim()))
            .collect()
    }

    /// A task row with its own anchor: a section of its own, headed by
    /// its ID and name (listed after the headings' sections).
    pub(crate) fn add_task(&mut self, anchor: &str, id: &str, name: &str, rest: &str) {
        let heading = if name.is_empty() {
            id.to_string()
        } else {
            format!("{id} {name}")
        };
        self.tasks.push(SectionText {
            anchor: anchor.to_string(),
            heading,
            text: rest.to_string(),
        });
    }
}

/// What the model keeps of a page for search: its terms and snippets,
/// LZ4-compressed (every page's record stays until the index is written).
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// Words and stems.
    terms: Box<[u8]>,
    /// Sections' anchors, headings and snippets.
    snippets: Box<[u8]>,
}

/// A [`Record`] unpacked.
#[derive(Debug, Default, PartialEq)]
struct Unpacked {
    /// Folded word → 1 when in a heading, else 0; sorted.
    words: Vec<(String, u32)>,
    /// Stem → the same.
    stems: Vec<(String, u32)>,
    /// Anchor, heading, text (capped) per section.
    sections: Vec<(String, String, String)>,
}

impl Record {
    /// Tokenizes a page's text (in the parallel parse, not at write time).
    /// Words repeat across pages: each thread folds and stems a distinct
    /// word of a language once (see [`WORDS`]).
    pub(crate) fn new(text: PageText, lang: &str) -> Record {
        let kept = in_order(text);
        let (words, stems) = WORDS.with_borrow_mut(|cache| {
            cache.switch_to(lang);
            let mut hits = PageHits::default();
            for s in kept.iter().take(limits::SEARCH_SECTIONS) {
                for (part, heading) in [(&s.heading, 1), (&s.text, 0)] {
                    for run in tokenize::runs(part) {
                        cache.add_run(run, heading, &mut hits);
                    }
                }
            }
            (cache.named(hits.words), cache.named(hits.stems))
        });
        let mut budget = limits::SEARCH_PAGE_SNIPPET_BYTES;
        let sections = kept
            .into_iter()
            .take(limits::SEARCH_SECTIONS)
            .map(|s| {
                let text = cap(s.text.trim(), budget);
                budget -= text.len();
                (s.anchor, s.heading, text)
            })
            .collect();
        let unpacked = Unpacked {
            words,
            stems,
            sections,
        };
        let (terms, snippets) = pack::encode(&unpacked);
        Record {
            terms: lz4_flex::compress_prepend_size(&terms).into_boxed_slice(),
            snippets: lz4_flex::compress_prepend_size(&snippets).into_boxed_slice(),
        }
    }

    #[cfg(test)]
    fn unpack(&self) -> Unpacked {
        self.unpack_part(true)
    }

    /// The terms, and the snippets when asked.
    fn unpack_part(&self, snippets: bool) -> Unpacked {
        let terms = lz4_flex::decompress_size_prepended(&self.terms).ok();
        let sections = snippets
            .then(|| lz4_flex::decompress_size_prepended(&self.snippets).ok())
            .flatten();
        terms
            .and_then(|t| pack::decode(&t, sections.as_deref()))
            .unwrap_or_default()
    }
}

/// Tokens of words already seen by this thread, for one language, with
/// every word and stem interned: a page's hits are pairs of numbers, not
/// strings hashed again for every occurrence.
#[derive(Default)]
struct WordCache {
    lang: String,
    stemmer: Option<rust_stemmers::Stemmer>,
    /// A run of word characters → its tokens in `tokens`.
    runs: HashMap<String, std::ops::Range<u32>>,
    /// Every run's tokens, one after another: (word id, stem id).
    tokens: Vec<(u32, Option<u32>)>,
    /// Interned words and stems by id, and their ids.
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

/// A page's hits: (term id, 1 when in a heading, else 0), repeated.
#[derive(Default)]
struct PageHits {
    words: Vec<(u32, u32)>,
    stems: Vec<(u32, u32)>,
}

/// Distinct runs a [`WordCache`] holds before it starts over (bounds its
/// memory on sites with huge vocabularies); checked between pages, so a
/// page's ids stay valid while it is indexed.
const CACHED_WORDS: usize = 100_000;

thread_local! {
    static WORDS: std::cell::RefCell<WordCache> = std::cell::RefCell::new(WordCache::default());
}

impl WordCache {
    fn switch_to(&mut self, lang: &str) {
        if self.lang != lang || self.runs.len() >= CACHED_WORDS {
            self.lang = lang.to_string();
            self.stemmer = tokenize::stemmer(lang);
            self.runs.clear();
            self.tokens.clear();
            self.names.clear();
            self.ids.clear();
        }
    }

    /// Adds the tokens of `run` to the page's hits.
    fn add_run(&mut self, run: &str, heading: u32, hits: &mut PageHits) {
        let range = match self.runs.get(run) {
            Some(r) => r.clone(),
            None => self.learn(run),
        };
        for &(word, stem) in &self.tokens[range.start as usize..range.end as usize] {
            hits.words.push((word, heading));
            if let Some(stem) = stem {
                hits.stems.push((stem, heading));
            }
        }
    }

    /// Tokenizes a run not seen before and remembers its tokens.
    fn learn(&mut self, run: &str) -> std::ops::Range<u32> {
        let mut found = Vec::new();
        tokenize::run_tokens(run, self.stemmer.as_ref(), &mut |t| found.push(t));
        let start = self.tokens.len() as u32;
        for t in found {
            let word = self.intern(t.word);
            let stem = t.stem.map(|s| self.intern(s));
            self.tokens.push((word, stem));
        }
        let range = start..self.tokens.len() as u32;
        self.runs.insert(run.to_string(), range.clone());
        range
    }

    fn intern(&mut self, name: String) -> u32 {
        if let Some(&id) = self.ids.get(&name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    /// A page's hits as its terms: each distinct term once, heading flags
    /// joined, sorted by the term.
    fn named(&self, mut hits: Vec<(u32, u32)>) -> Vec<(String, u32)> {
        hits.sort_unstable();
        let mut terms: Vec<(String, u32)> = Vec::new();
        let mut last = None;
        for (id, heading) in hits {
            if last == Some(id) {
                if let Some(t) = terms.last_mut() {
                    t.1 |= heading;
                }
                continue;
            }
            last = Some(id);
            terms.push((self.names[id as usize].clone(), heading));
        }
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        terms
    }
}

/// The sections in index order: the page top (section 0, whose heading
/// is the title, even when it has no text), the headings', task rows'.
fn in_order(text: PageText) -> Vec<SectionText> {
    let PageText {
        mut sections,
        tasks,
    } = text;
    if sections.first().is_none_or(|s| !s.anchor.is_empty()) {
        sections.insert(0, SectionText::default());
    }
    sections.extend(tasks);
    sections
}

/// A section's text as snippets show it: at most
/// [`limits::SEARCH_SNIPPET_BYTES`] and what is left of the page's
/// `budget`, cut at a character boundary.
fn cap(text: &str, budget: usize) -> String {
    let most = limits::SEARCH_SNIPPET_BYTES.min(budget);
    let mut out = String::with_capacity(most.min(text.len()));
    for word in text.split_whitespace() {
        let space = usize::from(!out.is_empty());
        if out.len() + space + word.len() > most {
            let room = most.saturating_sub(out.len() + space);
            let mut end = room.min(word.len());
            while !word.is_char_boundary(end) {
                end -= 1;
            }
            if end > 0 {
                out.push_str(&" "[..space]);
                out.push_str(&word[..end]);
            }
            break;
        }
        out.push_str(&" "[..space]);
        out.push_str(word);
    }
    out
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

/// Postings of one language, term → `doc × 2 + in-heading` (absolute docs).
#[derive(Default)]
struct Postings {
    words: HashMap<String, Vec<u32>>,
    stems: HashMap<String, Vec<u32>>,
}

/// Every file of one language's index.
/// Which snippet chunks to write with the terms.
pub(crate) enum Chunks {
    All,
    /// These chunk numbers only (`folio serve`: the edited pages').
    Only(Vec<usize>),
}

/// Every file of one language's index (the term shards, `meta.js` and the
/// snippet chunks asked for).
pub(crate) fn index_files(
    lang: &str,
    pages: &[IndexedPage<'_>],
    chunks: &Chunks,
) -> Vec<IndexFile> {
    let stemmer = tokenize::stemmer(lang);
    let dir = index_dir(lang);
    let mut postings = Postings::default();
    let mut files = Vec::new();
    let mut chunk: Vec<DocEntry> = Vec::with_capacity(CHUNK);
    for (doc, page) in pages.iter().enumerate() {
        let doc = doc as u32;
        let n = doc as usize / CHUNK;
        let wanted = match chunks {
            Chunks::All => true,
            Chunks::Only(list) => list.contains(&n),
        };
        let unpacked = page
            .record
            .map(|r| r.unpack_part(wanted))
            .unwrap_or_default();
        add_title(&mut postings, doc, page.title, stemmer.as_ref());
        for (word, flag) in unpacked.words {
            push_doc(postings.words.entry(word).or_default(), doc, flag);
        }
        for (stem, flag) in unpacked.stems {
            push_doc(postings.stems.entry(stem).or_default(), doc, flag);
        }
        if !wanted {
            continue;
        }
        chunk.push(DocEntry(
            page.url.to_string(),
            page.title.to_string(),
            unpacked.sections,
        ));
        // Written as soon as it is full: a language's snippets are never
        // all unpacked at once.
        if chunk.len() == CHUNK || doc as usize + 1 == pages.len() {
            files.push(script(&dir, &format!("d{n}.js"), "d", lang, n, &chunk));
            chunk.clear();
        }
    }
    let shards = shard_count(&postings);
    files.extend(term_shards(lang, &dir, shards, postings));
    let meta = Meta {
        shards,
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
struct DocEntry(String, String, Vec<(String, String, String)>);

/// The title is section 0's heading (the page top).
fn add_title(
    postings: &mut Postings,
    doc: u32,
    title: &str,
    stemmer: Option<&rust_stemmers::Stemmer>,
) {
    tokenize::tokens(title, stemmer, |t| {
        if let Some(stem) = t.stem {
            push_doc(postings.stems.entry(stem).or_default(), doc, 1);
        }
        push_doc(postings.words.entry(t.word).or_default(), doc, 1);
    });
}

/// Adds a page to a term's postings; the title comes first and its flag
/// is kept when the body has the word too.
fn push_doc(list: &mut Vec<u32>, doc: u32, flag: u32) {
    match list.last_mut() {
        Some(last) if *last >> 1 == doc => *last |= flag,
        _ => list.push(doc << 1 | flag),
    }
}

fn shard_count(postings: &Postings) -> usize {
    let bytes: usize = postings
        .words
        .iter()
        .chain(&postings.stems)
        .map(|(k, v)| k.len() + 6 + v.len() * 2)
        .sum();
    (bytes / SHARD_TARGET + 1)
        .next_power_of_two()
        .min(limits::SEARCH_SHARDS)
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

/// FNV-1a (32 bits) of the key's UTF-8, modulo the shard count.
pub(crate) fn shard_of(term: &str, shards: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for b in shard_key(term).bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % shards.max(1)
}

#[derive(Default, Serialize)]
struct Shard {
    w: BTreeMap<String, List>,
    s: BTreeMap<String, List>,
}

/// Postings as written: delta-coded pairs, or `0` for a stem whose
/// postings are its word's.
#[derive(Serialize)]
#[serde(untagged)]
enum List {
    Same(u8),
    Hits(Vec<u32>),
}

fn term_shards(lang: &str, dir: &str, shards: usize, postings: Postings) -> Vec<IndexFile> {
    let mut out: Vec<Shard> = (0..shards).map(|_| Shard::default()).collect();
    for (stem, list) in &postings.stems {
        let same = postings.words.get(stem).is_some_and(|w| w == list);
        let value = if same { List::Same(0) } else { delta(list) };
        out[shard_of(stem, shards)].s.insert(stem.clone(), value);
    }
    for (word, list) in postings.words {
        let n = shard_of(&word, shards);
        out[n].w.insert(word, delta(&list));
    }
    out.iter()
        .enumerate()
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
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
