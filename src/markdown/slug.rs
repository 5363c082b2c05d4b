//! The one slug function: GitHub's heading ids.
//!
//! GitHub (and its reference implementation, the `github-slugger` package)
//! lowercases the heading's text content, removes every character of the
//! General Categories Other_Number, punctuation except `_`-like connectors
//! and `-`, Symbol, Control, Format, Private_Use, Unassigned and Separator
//! except the plain space — unless the character is Alphabetic — and turns
//! each space into `-`. Nothing is trimmed: `## &#x20;a` is `-a`. Repeats on
//! a page get `-1`, `-2`, … So `Guía de red` becomes `guía-de-red`, CJK text
//! is kept as is, and links written against GitHub's rendering of a playbook
//! keep working on Folio's.
//!
//! The categories come from `unicode-properties` and Alphabetic from the
//! standard library, both kept current with Unicode; no ranges are typed here.

use std::collections::HashMap;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Ids the page templates use (`templates/`): a heading never takes them.
pub(crate) const TEMPLATE_IDS: &[&str] = &[
    "folio-main",
    "folio-nav",
    "folio-otp",
    "folio-search-input",
    "folio-search-results",
];

/// The id GitHub gives a heading with this text content (before de-duplication).
pub(crate) fn slug(text: &str) -> String {
    let keep = |c: char| match c {
        ' ' => Some('-'),
        c if kept(c) => Some(c),
        _ => None,
    };
    if text.is_ascii() {
        // One pass: ASCII lowercasing needs no context (final sigma).
        return text
            .chars()
            .filter_map(|c| keep(c.to_ascii_lowercase()))
            .collect();
    }
    text.to_lowercase().chars().filter_map(keep).collect()
}

/// github-slugger's rule: a character survives unless its category is in the
/// removed set, and Alphabetic characters (circled letters are Symbols) always do.
fn kept(c: char) -> bool {
    if c.is_ascii() {
        // The same rule, without a table lookup: letters, digits and the
        // connector `_` are kept; other punctuation, symbols and controls are not.
        return c.is_ascii_alphanumeric() || c == '-' || c == '_';
    }
    kept_by_category(c)
}

/// [`kept`] by the Unicode tables.
fn kept_by_category(c: char) -> bool {
    use GeneralCategory::*;
    if c == '-' || c.is_alphabetic() {
        return true;
    }
    !matches!(
        c.general_category(),
        OtherNumber
            | ClosePunctuation
            | FinalPunctuation
            | InitialPunctuation
            | OpenPunctuation
            | OtherPunctuation
            | DashPunctuation
            | MathSymbol
            | CurrencySymbol
            | ModifierSymbol
            | OtherSymbol
            | Control
            | PrivateUse
            | Format
            | Surrogate
            | Unassigned
            | SpaceSeparator
            | LineSeparator
            | ParagraphSeparator
    )
}

/// The id of a footnote definition (`fn:1`): only footnotes take these,
/// wherever on the page the definition is written.
pub(crate) fn is_footnote_id(id: &str) -> bool {
    id.strip_prefix("fn:")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Hands out unique ids within one page, the way GitHub does, never one of
/// the templates' ids.
#[derive(Debug)]
pub(crate) struct Slugger {
    occurrences: HashMap<String, usize>,
}

impl Default for Slugger {
    fn default() -> Slugger {
        let mut slugger = Slugger {
            occurrences: HashMap::new(),
        };
        for id in TEMPLATE_IDS {
            slugger.occurrences.insert(id.to_string(), 0);
        }
        slugger
    }
}

impl Slugger {
    /// A unique id for a heading with this text content.
    #[cfg(test)]
    fn slug(&mut self, text: &str) -> String {
        self.heading_id(text, |_| false)
    }

    /// A unique id for a heading with this text content, avoiding the ids
    /// the page has from elsewhere (`taken`: raw HTML `id=`).
    pub(crate) fn heading_id(&mut self, text: &str, taken: impl Fn(&str) -> bool) -> String {
        // GitHub would write an empty id; HTML does not allow one.
        let base = match slug(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        self.unique(base, taken)
    }

    /// `base`, or `base-1`, `base-2`… for the first that is neither handed
    /// out already nor `taken` (ids the page has from elsewhere).
    pub(crate) fn unique(&mut self, base: String, taken: impl Fn(&str) -> bool) -> String {
        let mut candidate = base.clone();
        while self.occurrences.contains_key(&candidate)
            || taken(&candidate)
            || is_footnote_id(&candidate)
        {
            let n = self.occurrences.entry(base.clone()).or_insert(0);
            *n += 1;
            candidate = format!("{base}-{n}");
        }
        self.occurrences.insert(candidate.clone(), 0);
        candidate
    }

    /// Takes `id` as is if it is still free (task rows: `task-12`, raw
    /// HTML `id=`): not handed out, not empty, not a footnote's.
    pub(crate) fn claim(&mut self, id: &str) -> bool {
        if id.is_empty() || self.occurrences.contains_key(id) || is_footnote_id(id) {
            return false;
        }
        self.occurrences.insert(id.to_string(), 0);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_shortcut_is_the_category_rule() {
        for c in (0u8..128).map(char::from).filter(|&c| c != ' ') {
            assert_eq!(kept(c), kept_by_category(c), "{c:?}");
        }
    }

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
    }

    #[test]
    fn nothing_is_trimmed() {
        assert_eq!(slug(" a "), "-a-");
        assert_eq!(slug(" image"), "-image");
    }

    #[test]
    fn marks_are_kept_other_numbers_dropped() {
        // "é" written as e + U+0301; Thai and Tamil vowel signs and viramas.
        assert_eq!(slug("Gui\u{0301}a"), "gui\u{0301}a");
        assert_eq!(slug("การติดตั้ง"), "การติดตั้ง");
        assert_eq!(slug("தமிழ் தலைப்பு"), "தமிழ்-தலைப்பு");
        assert_eq!(slug("½ half"), "-half");
        assert_eq!(slug("x² ①"), "x-");
        // Circled letters are Symbols but Alphabetic: kept, lowercased.
        assert_eq!(slug("Ⓐ"), "ⓐ");
    }

    #[test]
    fn separators_and_controls() {
        assert_eq!(slug("a\u{00A0}b\tc\nd"), "abcd");
        assert_eq!(slug("a\u{200B}b"), "ab");
        assert_eq!(slug("a\u{2028}b"), "ab");
    }

    #[test]
    fn final_sigma_lowercases_like_javascript() {
        assert_eq!(slug("ΟΔΟΣ"), "οδος");
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
    fn template_ids_are_never_handed_out() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("Folio main"), "folio-main-1");
        assert_eq!(s.slug("Folio OTP"), "folio-otp-1");
        assert_eq!(s.unique("folio-nav".into(), |_| false), "folio-nav-1");
    }

    #[test]
    fn template_ids_are_every_literal_id_of_the_default_templates() {
        let mut found: Vec<String> = Vec::new();
        for (_, text) in crate::render::templates::DEFAULTS {
            for part in text.split(" id=\"").skip(1) {
                let id = part.split('"').next().unwrap_or("");
                if !id.contains("{{") && !found.iter().any(|f| f == id) {
                    found.push(id.to_string());
                }
            }
        }
        found.sort();
        let mut reserved: Vec<&str> = TEMPLATE_IDS.to_vec();
        reserved.sort();
        assert_eq!(found, reserved);
    }

    #[test]
    fn taken_ids_are_avoided() {
        let mut s = Slugger::default();
        assert!(s.claim("task-1"));
        assert!(!s.claim("task-1"));
        assert_eq!(s.slug("Task 1"), "task-1-1");
        assert_eq!(
            s.unique("overview".into(), |id| id == "overview"),
            "overview-1"
        );
    }

    #[test]
    fn empty_heading_gets_a_usable_id() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("!!!"), "section");
    }
}
