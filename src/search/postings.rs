//! A language's postings: for each term its pages, as the index writes
//! them. `folio build` makes them from the records when it writes the
//! index; `folio serve` keeps them and moves only an edited page's
//! entries, so a save costs the page, not the language.

use super::record::{Hit, Record};
use super::vocabulary::{TermId, Terms};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Postings of one language, by term number. A language uses a fraction
/// of the site's vocabulary, so lists are kept by term, not in a vector
/// as long as it.
#[derive(Debug, Default)]
pub(crate) struct Postings {
    words: TermLists,
    stems: TermLists,
}

type TermLists = HashMap<TermId, TermList, BuildHasherDefault<TermHasher>>;

/// One term's pages: `doc × 2 + in-heading` (absolute docs, ascending),
/// with what writing needs of its name, so that sizing an index and
/// finding a shard's terms never read the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TermList {
    /// [`super::shard_hash`] of the name.
    pub(super) shard_hash: u32,
    /// The name's length in bytes.
    pub(super) name_len: u32,
    pub(super) pages: Vec<u32>,
}

impl Postings {
    /// The postings of `records` (`(doc, record)`, docs ascending), made
    /// with the vocabulary `terms`.
    pub(crate) fn of<'a>(
        records: impl Iterator<Item = (u32, &'a Record)>,
        terms: &Terms,
    ) -> Postings {
        let mut postings = Postings::default();
        for (doc, record) in records {
            for hit in record.hits() {
                let list = postings.list_mut(hit, terms);
                let entry = doc << 1 | u32::from(hit.in_heading());
                match list.last_mut() {
                    Some(last) if *last >> 1 == doc => *last |= entry,
                    _ => list.push(entry),
                }
            }
        }
        postings
    }

    /// Page `doc` (its place in the language's published pages) now has
    /// record `new` instead of `old`: its entries move, every other
    /// page's stay.
    pub(crate) fn replace(
        &mut self,
        doc: u32,
        old: Option<&Record>,
        new: Option<&Record>,
        terms: &Terms,
    ) {
        for hit in old.into_iter().flat_map(Record::hits) {
            let lists = self.lists_mut(hit);
            if let Some(list) = lists.get_mut(&hit.term()) {
                if let Ok(at) = list.pages.binary_search_by_key(&doc, |e| e >> 1) {
                    list.pages.remove(at);
                }
                if list.pages.is_empty() {
                    lists.remove(&hit.term());
                }
            }
        }
        for hit in new.into_iter().flat_map(Record::hits) {
            let list = self.list_mut(hit, terms);
            let entry = doc << 1 | u32::from(hit.in_heading());
            match list.binary_search_by_key(&doc, |e| e >> 1) {
                Ok(at) => list[at] |= entry,
                Err(at) => list.insert(at, entry),
            }
        }
    }

    /// The pages of `hit`'s term, made empty when it has none yet.
    fn list_mut(&mut self, hit: Hit, terms: &Terms) -> &mut Vec<u32> {
        let list = self.lists_mut(hit).entry(hit.term()).or_insert_with(|| {
            let name = terms.name(hit.term());
            TermList {
                shard_hash: super::shard_hash(name),
                name_len: name.len() as u32,
                pages: Vec::new(),
            }
        });
        &mut list.pages
    }

    fn lists_mut(&mut self, hit: Hit) -> &mut TermLists {
        if hit.is_stem() {
            &mut self.stems
        } else {
            &mut self.words
        }
    }

    /// How many pages list `hit`'s term (as a word or a stem).
    pub(super) fn pages_of(&self, hit: Hit) -> usize {
        let lists = if hit.is_stem() {
            &self.stems
        } else {
            &self.words
        };
        lists.get(&hit.term()).map_or(0, |l| l.pages.len())
    }

    /// The words' lists, in no particular order.
    pub(super) fn words(&self) -> impl Iterator<Item = (TermId, &TermList)> {
        self.words.iter().map(|(&t, l)| (t, l))
    }

    /// The stems' lists, in no particular order.
    pub(super) fn stems(&self) -> impl Iterator<Item = (TermId, &TermList)> {
        self.stems.iter().map(|(&t, l)| (t, l))
    }

    /// The pages of `term` as a word (none when no page has it).
    pub(super) fn word(&self, term: TermId) -> &[u32] {
        self.words.get(&term).map_or(&[], |l| l.pages.as_slice())
    }
}

/// Hashes a [`TermId`] by one multiplication (as rustc's Fx hash): term
/// numbers are the site's own, handed out in order, not chosen by
/// content, so no input can make them collide on purpose.
#[derive(Default)]
struct TermHasher(u64);

impl Hasher for TermHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(n)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{PageText, Vocabulary};

    fn record(text: &str, vocabulary: &Vocabulary) -> Record {
        let mut page = PageText::default();
        page.push_text(text);
        Record::new(page, "", "en", vocabulary)
    }

    fn sorted(postings: &Postings) -> Vec<(bool, TermId, TermList)> {
        let mut all: Vec<_> = postings
            .words()
            .map(|(t, l)| (false, t, l.clone()))
            .chain(postings.stems().map(|(t, l)| (true, t, l.clone())))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn replacing_a_record_gives_the_postings_made_from_scratch() {
        let vocabulary = Vocabulary::default();
        let texts = ["alpha beta gamma", "beta delta", "gamma epsilon alpha"];
        let mut records: Vec<Record> = texts.iter().map(|t| record(t, &vocabulary)).collect();
        let docs = |records: &[Record]| -> Vec<(u32, Record)> {
            records
                .iter()
                .enumerate()
                .map(|(d, r)| (d as u32, r.clone()))
                .collect()
        };
        let of = |records: &[Record]| {
            let docs = docs(records);
            Postings::of(docs.iter().map(|(d, r)| (*d, r)), &vocabulary.read())
        };
        let mut kept = of(&records);
        let edits = [
            (1, "zeta alpha migrations"),
            (0, "beta"),
            (2, ""),
            (1, "beta delta"),
        ];
        for (doc, text) in edits {
            let new = record(text, &vocabulary);
            kept.replace(
                doc as u32,
                Some(&records[doc]),
                Some(&new),
                &vocabulary.read(),
            );
            records[doc] = new;
            assert_eq!(
                sorted(&kept),
                sorted(&of(&records)),
                "after editing page {doc}"
            );
        }
    }
}
