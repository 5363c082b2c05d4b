//! A page's part of the search index, made in the parallel parse: its
//! hits (which terms it has, and whether in its title or a heading) and
//! the snippets results show.

use super::pack;
use super::tokenize;
use super::vocabulary::{TermId, Vocabulary};
use crate::limits;
use std::collections::HashMap;
use std::ops::Range;

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

/// A section as a result shows it: anchor, heading, text (capped).
pub(super) type Snippet = (String, String, String);

/// That a page has a term: which term, as a word or a stem, and whether
/// in its title or a heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Hit(u32);

impl Hit {
    fn new(term: TermId, stem: bool, heading: bool) -> Hit {
        Hit((term.index() as u32) << 2 | u32::from(stem) << 1 | u32::from(heading))
    }

    pub(super) fn term(self) -> TermId {
        TermId::from_index(self.0 >> 2)
    }

    pub(super) fn is_stem(self) -> bool {
        self.0 & 2 != 0
    }

    pub(super) fn in_heading(self) -> bool {
        self.0 & 1 != 0
    }

    pub(super) fn from_bits(bits: u32) -> Hit {
        Hit(bits)
    }

    pub(super) fn bits(self) -> u32 {
        self.0
    }

    /// The term and whether as a stem, without the heading flag: what
    /// decides which postings list the page is in.
    fn list(self) -> u32 {
        self.0 >> 1
    }

    fn without_heading(self) -> Hit {
        Hit(self.0 & !1)
    }
}

/// How the hits of a language's pages changed in one `serve` update: the
/// postings lists pages joined or left, and the terms whose heading flag
/// alone changed. Only the term shards holding these terms differ.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct HitChanges {
    /// Lists a page joined, one entry per page (heading flag cleared).
    joined: Vec<Hit>,
    /// Lists a page left, likewise.
    left: Vec<Hit>,
    reflagged: Vec<TermId>,
}

impl HitChanges {
    /// Adds the difference between a page's old and new record.
    pub(crate) fn add(&mut self, old: Option<&Record>, new: Option<&Record>) {
        let old: Vec<Hit> = old.map(|r| r.hits().collect()).unwrap_or_default();
        let new: Vec<Hit> = new.map(|r| r.hits().collect()).unwrap_or_default();
        let (mut i, mut j) = (0, 0);
        loop {
            match (old.get(i), new.get(j)) {
                (Some(a), Some(b)) if a.list() == b.list() => {
                    if a != b {
                        self.reflagged.push(a.term());
                    }
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if a.list() < b.list() => {
                    self.left.push(a.without_heading());
                    i += 1;
                }
                (Some(a), None) => {
                    self.left.push(a.without_heading());
                    i += 1;
                }
                (_, Some(b)) => {
                    self.joined.push(b.without_heading());
                    j += 1;
                }
                (None, None) => break,
            }
        }
    }

    /// Every term concerned.
    pub(super) fn terms(&self) -> impl Iterator<Item = TermId> + '_ {
        self.joined
            .iter()
            .chain(&self.left)
            .map(|h| h.term())
            .chain(self.reflagged.iter().copied())
    }

    /// Per postings list concerned (heading flag cleared): how many pages
    /// joined it and how many left it.
    pub(super) fn moves(&self) -> std::collections::BTreeMap<Hit, Moves> {
        let mut moves = std::collections::BTreeMap::<Hit, Moves>::new();
        for h in &self.joined {
            moves.entry(*h).or_default().joined += 1;
        }
        for h in &self.left {
            moves.entry(*h).or_default().left += 1;
        }
        moves
    }
}

/// Pages that joined and left one postings list.
#[derive(Debug, Default)]
pub(super) struct Moves {
    pub(super) joined: usize,
    pub(super) left: usize,
}

/// What the model keeps of a page for search, until the index is written.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// Its hits, each term once (sorted, as LEB128 differences).
    hits: Box<[u8]>,
    /// Sections' anchors, headings and snippets, LZ4-compressed.
    snippets: Box<[u8]>,
}

impl Record {
    /// Tokenizes a page's title and text (in the parallel parse, not at
    /// write time). Words repeat across pages: each thread folds and
    /// stems a distinct word of a language once (see [`RUNS`]).
    pub(crate) fn new(text: PageText, title: &str, lang: &str, vocabulary: &Vocabulary) -> Record {
        let kept = in_order(text);
        let hits = RUNS.with_borrow_mut(|cache| {
            cache.switch_to(vocabulary, lang);
            let mut add = |text: &str, heading: bool| {
                for run in tokenize::runs(text) {
                    cache.add_run(run, heading, vocabulary);
                }
            };
            add(title, true);
            for s in kept.iter().take(limits::SEARCH_SECTIONS) {
                add(&s.heading, true);
                add(&s.text, false);
            }
            cache.take_hits()
        });
        Record {
            hits: pack::encode_hits(&hits).into_boxed_slice(),
            snippets: lz4_flex::compress_prepend_size(&pack::encode_snippets(&snippets(kept)))
                .into_boxed_slice(),
        }
    }

    /// Its hits, in term order.
    pub(super) fn hits(&self) -> impl Iterator<Item = Hit> + '_ {
        pack::decode_hits(&self.hits)
    }

    /// Its sections' snippets (none if the bytes are not its own).
    pub(super) fn snippets(&self) -> Vec<Snippet> {
        lz4_flex::decompress_size_prepended(&self.snippets)
            .ok()
            .and_then(|bytes| pack::decode_snippets(&bytes))
            .unwrap_or_default()
    }
}

/// The snippets of the sections search keeps, within the page's budget.
fn snippets(kept: Vec<SectionText>) -> Vec<Snippet> {
    let mut budget = limits::SEARCH_PAGE_SNIPPET_BYTES;
    kept.into_iter()
        .take(limits::SEARCH_SECTIONS)
        .map(|s| {
            let text = cap(s.text.trim(), budget);
            budget -= text.len();
            (s.anchor, s.heading, text)
        })
        .collect()
}

/// The terms of runs of word characters a thread has already seen, for
/// one vocabulary and language: most runs of a page were seen on earlier
/// pages, and cost one hash lookup instead of folding and stemming.
#[derive(Default)]
struct RunCache {
    /// [`Vocabulary::serial`] of the numbers below.
    vocabulary: Option<u64>,
    lang: String,
    stemmer: Option<rust_stemmers::Stemmer>,
    /// A run → its tokens in `tokens`.
    runs: HashMap<Box<str>, Range<u32>>,
    /// The runs looked up last, by a cheap hash: a direct-mapped front
    /// to `runs` (see [`RecentRun`]).
    recent: Vec<RecentRun>,
    /// Every run's tokens, one after another.
    tokens: Vec<TokenTerms>,
    /// The page's terms so far, each once, and for each term (by
    /// number) which [`Use`]s the page has made of it: a page repeats
    /// its words, and this keeps one hit per term without sorting them all.
    page_terms: Vec<TermId>,
    uses: Vec<u8>,
}

/// A slot of [`RunCache::recent`]: a short run and its tokens. Frequent
/// words are found here with an FNV hash instead of `runs`' SipHash
/// (a third of the indexing time before); a slot holds one run, so a
/// collision, even on purpose, only sends the lookup on to `runs`.
#[derive(Clone, Copy, Default)]
struct RecentRun {
    /// 0 for an empty slot (no run is empty).
    len: u8,
    bytes: [u8; RECENT_BYTES],
    tokens: (u32, u32),
}

const RECENT_SLOTS: usize = 4096;
/// The longest run a slot holds.
const RECENT_BYTES: usize = 23;

/// FNV-1a (32 bits) of a run, as a slot number.
fn slot_of(run: &[u8]) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in run {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % RECENT_SLOTS
}

/// Bits of [`RunCache::uses`].
struct Use;

impl Use {
    const WORD: u8 = 1;
    const STEM: u8 = 2;
    const WORD_IN_HEADING: u8 = 4;
    const STEM_IN_HEADING: u8 = 8;
}

/// A token's word and stem; `None` past the vocabulary's limit.
#[derive(Clone, Copy)]
struct TokenTerms {
    word: Option<TermId>,
    stem: Option<TermId>,
}

/// Distinct runs a [`RunCache`] holds before it starts over (bounds its
/// memory on sites with huge vocabularies).
const CACHED_RUNS: usize = 100_000;

thread_local! {
    static RUNS: std::cell::RefCell<RunCache> = std::cell::RefCell::new(RunCache::default());
}

impl RunCache {
    fn switch_to(&mut self, vocabulary: &Vocabulary, lang: &str) {
        let same = self.vocabulary == Some(vocabulary.serial()) && self.lang == lang;
        if !same || self.runs.len() >= CACHED_RUNS {
            self.vocabulary = Some(vocabulary.serial());
            self.lang = lang.to_string();
            self.stemmer = tokenize::stemmer(lang);
            self.runs.clear();
            self.recent.clear();
            self.recent.resize(RECENT_SLOTS, RecentRun::default());
            self.tokens.clear();
            self.page_terms.clear();
            self.uses.clear();
        }
    }

    /// Notes the uses of `run`'s terms on the page being indexed.
    fn add_run(&mut self, run: &str, heading: bool, vocabulary: &Vocabulary) {
        let range = self.tokens_of(run, vocabulary);
        let heading = if heading { Use::WORD_IN_HEADING } else { 0 };
        for n in range.start as usize..range.end as usize {
            let TokenTerms { word, stem } = self.tokens[n];
            if let Some(word) = word {
                self.note(word, Use::WORD | heading);
            }
            if let Some(stem) = stem {
                // The stem's bits are the word's, one place up.
                self.note(stem, (Use::WORD | heading) << 1);
            }
        }
    }

    /// Where `run`'s tokens are in `tokens`, learning them if new.
    fn tokens_of(&mut self, run: &str, vocabulary: &Vocabulary) -> Range<u32> {
        let bytes = run.as_bytes();
        let slot = (bytes.len() <= RECENT_BYTES).then(|| slot_of(bytes));
        if let Some(recent) = slot.and_then(|n| self.recent.get(n)) {
            if usize::from(recent.len) == bytes.len() && &recent.bytes[..bytes.len()] == bytes {
                return recent.tokens.0..recent.tokens.1;
            }
        }
        let range = match self.runs.get(run) {
            Some(r) => r.clone(),
            None => self.learn(run, vocabulary),
        };
        if let Some(recent) = slot.and_then(|n| self.recent.get_mut(n)) {
            recent.len = bytes.len() as u8;
            recent.bytes[..bytes.len()].copy_from_slice(bytes);
            recent.tokens = (range.start, range.end);
        }
        range
    }

    fn note(&mut self, term: TermId, bits: u8) {
        let n = term.index();
        if n >= self.uses.len() {
            self.uses.resize((n + 1).next_power_of_two(), 0);
        }
        if self.uses[n] == 0 {
            self.page_terms.push(term);
        }
        self.uses[n] |= bits;
    }

    /// The page's hits in term order, each (term, word or stem) once, in
    /// a heading when any of its uses is; ready for the next page.
    fn take_hits(&mut self) -> Vec<Hit> {
        self.page_terms.sort_unstable();
        let mut hits = Vec::with_capacity(self.page_terms.len() * 2);
        for &term in &self.page_terms {
            let uses = std::mem::take(&mut self.uses[term.index()]);
            if uses & Use::WORD != 0 {
                hits.push(Hit::new(term, false, uses & Use::WORD_IN_HEADING != 0));
            }
            if uses & Use::STEM != 0 {
                hits.push(Hit::new(term, true, uses & Use::STEM_IN_HEADING != 0));
            }
        }
        self.page_terms.clear();
        hits
    }

    /// Tokenizes a run not seen before and remembers its tokens.
    fn learn(&mut self, run: &str, vocabulary: &Vocabulary) -> Range<u32> {
        let start = self.tokens.len() as u32;
        let tokens = &mut self.tokens;
        tokenize::run_tokens(run, self.stemmer.as_ref(), &mut |t| {
            tokens.push(TokenTerms {
                word: vocabulary.intern(&t.word),
                stem: t.stem.and_then(|s| vocabulary.intern(&s)),
            });
        });
        let range = start..self.tokens.len() as u32;
        self.runs.insert(run.into(), range.clone());
        range
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
