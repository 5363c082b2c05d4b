//! Every distinct word and stem of a site's pages, stored once and known
//! by number. The threads that parse pages share it, so a page's search
//! record is a list of numbers, and writing a language's index groups
//! numbers instead of hashing every page's strings again.

use crate::limits;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

/// A word or stem of a [`Vocabulary`], by number (below
/// [`limits::SEARCH_TERMS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TermId(u32);

impl TermId {
    pub(super) fn from_index(index: u32) -> TermId {
        TermId(index)
    }

    pub(super) fn index(self) -> usize {
        self.0 as usize
    }
}

/// One site's words and stems (every language's; the same string is one
/// term whether it is a word, a stem or both).
pub(crate) struct Vocabulary {
    /// Tells thread-local caches of this vocabulary's numbers from those
    /// of another site loaded in the same process.
    serial: u64,
    terms: RwLock<Terms>,
}

/// The terms, readable by number.
#[derive(Default)]
pub(crate) struct Terms {
    names: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, TermId>,
}

impl Terms {
    /// How many terms there are: every [`TermId`] is below it.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn name(&self, id: TermId) -> &str {
        &self.names[id.index()]
    }
}

impl Default for Vocabulary {
    fn default() -> Self {
        static SERIAL: AtomicU64 = AtomicU64::new(0);
        Vocabulary {
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
            terms: RwLock::default(),
        }
    }
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Vocabulary({} terms)", self.read().len())
    }
}

impl Vocabulary {
    pub(super) fn serial(&self) -> u64 {
        self.serial
    }

    /// The number of `name`, given one when it is new; `None` once the
    /// vocabulary holds [`limits::SEARCH_TERMS`].
    pub(super) fn intern(&self, name: &str) -> Option<TermId> {
        if let Some(&id) = self.read().ids.get(name) {
            return Some(id);
        }
        let mut terms = self.terms.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = terms.ids.get(name) {
            return Some(id);
        }
        if terms.names.len() >= limits::SEARCH_TERMS {
            return None;
        }
        let id = TermId(terms.names.len() as u32);
        let name: Arc<str> = name.into();
        terms.names.push(Arc::clone(&name));
        terms.ids.insert(name, id);
        Some(id)
    }

    /// The terms, for writing an index (parsing may go on meanwhile).
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Terms> {
        self.terms.read().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_has_one_number() {
        let vocabulary = Vocabulary::default();
        let a = vocabulary.intern("migracion");
        let b = vocabulary.intern("evaluacion");
        assert_ne!(a, b);
        assert_eq!(vocabulary.intern("migracion"), a);
        let terms = vocabulary.read();
        assert_eq!(terms.len(), 2);
        assert_eq!(terms.name(b.unwrap()), "evaluacion");
    }

    #[test]
    fn two_vocabularies_are_told_apart() {
        assert_ne!(
            Vocabulary::default().serial(),
            Vocabulary::default().serial()
        );
    }
}
