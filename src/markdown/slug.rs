//! The one slug function: GitHub-compatible, Unicode-aware heading ids.
//!
//! GitHub lowercases the heading text, drops everything that is not a
//! letter, mark, number, connector (`_`), space or hyphen, and turns each
//! space into `-`. Repeats on a page get `-1`, `-2`, … So `Guía de red`
//! becomes `guía-de-red` and CJK text is kept as is. Links written against
//! GitHub's rendering of a playbook therefore keep working on Folio's.

use std::collections::HashMap;

/// The id GitHub gives a heading with this text (before de-duplication).
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c == ' ' {
            out.push('-');
        } else if c == '-' || c.is_alphanumeric() || is_mark(c) || is_connector(c) {
            out.push(c);
        }
    }
    out
}

fn is_connector(c: char) -> bool {
    matches!(
        c,
        '_' | '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FE4D}'
            ..='\u{FE4F}' | '\u{FF3F}'
    )
}

/// Combining marks (general category M) that `is_alphanumeric` does not cover.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{3099}'..='\u{309A}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Hands out unique ids within one page, the way GitHub does.
#[derive(Debug, Default)]
pub struct Slugger {
    occurrences: HashMap<String, usize>,
}

impl Slugger {
    /// A unique id for a heading with this text.
    pub fn slug(&mut self, text: &str) -> String {
        let base = match slug(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        self.unique(base)
    }

    /// Reserves an id given explicitly (`{#id}`), so later headings avoid it.
    pub fn reserve(&mut self, id: &str) {
        self.occurrences.entry(id.to_string()).or_insert(0);
    }

    fn unique(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        while self.occurrences.contains_key(&candidate) {
            let n = self.occurrences.entry(base.clone()).or_insert(0);
            *n += 1;
            candidate = format!("{base}-{n}");
        }
        self.occurrences.insert(candidate.clone(), 0);
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_compatible() {
        assert_eq!(slug("Guía de red"), "guía-de-red");
        assert_eq!(slug("Información general"), "información-general");
        assert_eq!(slug("FTOP Tasks"), "ftop-tasks");
        assert_eq!(slug("Next Steps: what's next?"), "next-steps-whats-next");
        assert_eq!(slug("Übersicht & Ziele"), "übersicht--ziele");
        assert_eq!(slug("FTOP タスク"), "ftop-タスク");
        assert_eq!(slug("概要"), "概要");
        assert_eq!(slug("snake_case (v2.0)"), "snake_case-v20");
        assert_eq!(slug("Ça va — bien"), "ça-va--bien");
        assert_eq!(slug("  trimmed  "), "trimmed");
    }

    #[test]
    fn decomposed_accents_are_kept() {
        // "é" written as e + U+0301.
        assert_eq!(slug("Gui\u{0301}a"), "gui\u{0301}a");
    }

    #[test]
    fn repeats_get_numbers() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Tareas"), "tareas");
        assert_eq!(s.slug("Tareas"), "tareas-1");
        assert_eq!(s.slug("Tareas"), "tareas-2");
        assert_eq!(s.slug("Tareas 1"), "tareas-1-1");
    }

    #[test]
    fn reserved_ids_are_avoided() {
        let mut s = Slugger::default();
        s.reserve("overview");
        assert_eq!(s.slug("Overview"), "overview-1");
    }

    #[test]
    fn empty_heading_gets_a_usable_id() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("!!!"), "section");
    }
}
