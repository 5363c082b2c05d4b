//! The one tokenizer of search: what a word is, how it is folded, how CJK
//! text is cut. `theme/search.js` is a line-by-line port of
//! [`fold`], [`is_word_char`], [`is_cjk`] and [`tokens`] (queries are never
//! stemmed, see `search` for why), so index and query always agree.
//!
//! - A word is a maximal run of letters (Unicode `Alphabetic`), numbers
//!   (`N*`) and marks (`M*`); everything else separates. No dictionary and
//!   no UAX #29 rules: the browser's `Intl.Segmenter` cuts Japanese with an
//!   ICU dictionary, which Rust cannot reproduce, and then the same string
//!   gives different tokens on each side.
//! - Folding: NFKD, drop the combining diacritics U+0300–U+036F, NFC,
//!   lowercase, `ß` → `ss`, final `ς` → `σ`. So `Übersicht` ≡ `ubersicht`,
//!   `evaluación` ≡ `evaluacion`, and full-width `ＡＢＣ` ≡ `abc`; kana voicing
//!   marks (U+3099) are kept, so `ガ` stays `ガ`.
//! - Han, kana and their marks are cut into overlapping bigrams (a single
//!   character alone is a unigram), as Lucene's CJK analyzer does: any word
//!   inside a longer run is found, since its bigrams are among the run's.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// One token of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    /// The folded word, or a CJK bigram/unigram.
    pub(crate) word: String,
    /// Its Snowball stem, folded, when the language has a stemmer (the
    /// index writes `0` for a stem whose postings are its word's).
    pub(crate) stem: Option<String>,
}

/// Is `c` part of a word?
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        // The same answer without the Unicode tables (most characters).
        return c.is_ascii_alphanumeric();
    }
    match bmp_word_chars().get(c as usize / 64) {
        Some(bits) => bits >> (c as usize % 64) & 1 == 1,
        None => is_word_char_by_tables(c),
    }
}

/// The rule itself, through std's and `unicode-properties`' tables.
fn is_word_char_by_tables(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c.general_category_group() == GeneralCategoryGroup::Mark
}

/// [`is_word_char_by_tables`] of every character of the Basic
/// Multilingual Plane, one bit each (8 KB, made once): accented Latin,
/// Cyrillic, Greek and CJK text would otherwise search the tables for
/// every character of every page.
fn bmp_word_chars() -> &'static [u64] {
    static BITS: std::sync::OnceLock<Box<[u64]>> = std::sync::OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for (i, c) in (0..0x10000u32).filter_map(|n| Some((n, char::from_u32(n)?))) {
            if is_word_char_by_tables(c) {
                bits[i as usize / 64] |= 1 << (i % 64);
            }
        }
        bits.into_boxed_slice()
    })
}

/// Is `c` cut into bigrams (Han, Hiragana, Katakana and their iteration
/// and prolonged-sound marks)?
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007
        | 0x3040..=0x30FF
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F
        | 0x20000..=0x2FA1F)
}

/// The folded form words are indexed and searched in.
pub(crate) fn fold(s: &str) -> String {
    if s.is_ascii() {
        // NFKD leaves ASCII alone and it has no combining marks.
        return s.to_ascii_lowercase();
    }
    let stripped: String = s
        .nfkd()
        .filter(|c| !('\u{300}'..='\u{36F}').contains(c))
        .nfc()
        .collect();
    let mut out = String::with_capacity(stripped.len());
    for c in stripped.chars().flat_map(char::to_lowercase) {
        match c {
            'ß' => out.push_str("ss"),
            'ς' => out.push('σ'),
            c => out.push(c),
        }
    }
    out
}

/// The Snowball stemmer for a language code (`pt-BR` → Portuguese), if any.
pub(crate) fn stemmer(lang: &str) -> Option<Stemmer> {
    let primary = lang.split(['-', '_']).next().unwrap_or("");
    let algorithm = match primary.to_ascii_lowercase().as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

/// Calls `each` with every token of `text`, in order (what the index
/// does through its run cache; `search.js` ports this).
#[cfg(test)]
pub(crate) fn tokens(text: &str, stemmer: Option<&Stemmer>, mut each: impl FnMut(Token)) {
    for run in runs(text) {
        run_tokens(run, stemmer, &mut each);
    }
}

/// The words of a text as written (each gives one or more tokens):
/// maximal runs of [`is_word_char`].
pub(crate) fn runs(text: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = skip(text, at, false);
        if start == text.len() {
            return None;
        }
        at = skip(text, start, true);
        Some(&text[start..at])
    })
}

/// Where, from `at`, the first character whose [`is_word_char`] is not
/// `word` is (or the end). Runs over every page's text, so ASCII is judged
/// by a table and other characters are decoded by hand (the text is
/// valid UTF-8; `at` is at a character's start).
fn skip(text: &str, at: usize, word: bool) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while i < bytes.len() {
        let b = bytes[i];
        let (is_word, len) = if b < 0x80 {
            (ASCII_WORD[b as usize], 1)
        } else {
            let (c, len) = decode(bytes, i);
            (c.is_some_and(is_word_char), len)
        };
        if is_word != word {
            return i;
        }
        i += len;
    }
    bytes.len()
}

/// [`is_word_char`] of each ASCII character.
static ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The character of valid UTF-8 starting with a non-ASCII byte at `i`,
/// and its length.
fn decode(bytes: &[u8], i: usize) -> (Option<char>, usize) {
    let b = u32::from(bytes[i]);
    let (len, lead) = match b {
        0xF0.. => (4, b & 0x07),
        0xE0.. => (3, b & 0x0F),
        _ => (2, b & 0x1F),
    };
    let tail = bytes.get(i + 1..i + len).unwrap_or_default();
    let code = tail
        .iter()
        .fold(lead, |code, &t| code << 6 | (u32::from(t) & 0x3F));
    (char::from_u32(code), len)
}

/// The tokens of one run of word characters.
pub(crate) fn run_tokens(run: &str, stemmer: Option<&Stemmer>, each: &mut impl FnMut(Token)) {
    let folded = fold(run);
    if !folded.chars().any(is_cjk) {
        if folded.is_empty() {
            return;
        }
        let stem = stemmer.and_then(|s| stem_of(s, run, &folded));
        each(Token { word: folded, stem });
        return;
    }
    for piece in split_cjk(&folded) {
        match piece {
            Piece::Word(w) => each(Token {
                word: w.to_string(),
                stem: None,
            }),
            Piece::Cjk(chars) => bigrams(&chars, each),
        }
    }
}

/// The folded stem of a word. Snowball works on the word as written
/// (accents are part of its rules); numbers have none.
fn stem_of(stemmer: &Stemmer, run: &str, folded: &str) -> Option<String> {
    if folded.chars().any(|c| c.is_numeric()) {
        return None;
    }
    let lower: String = run.nfc().flat_map(char::to_lowercase).collect();
    let stem = fold(&stemmer.stem(&lower));
    (!stem.is_empty()).then_some(stem)
}

enum Piece<'a> {
    Word(&'a str),
    Cjk(Vec<char>),
}

/// A folded run cut where it changes between CJK and other characters.
fn split_cjk(folded: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut cjk: Option<bool> = None;
    for (i, c) in folded.char_indices() {
        let this = is_cjk(c);
        if cjk.is_some_and(|was| was != this) {
            pieces.push(piece(&folded[start..i], !this));
            start = i;
        }
        cjk = Some(this);
    }
    if let Some(was) = cjk {
        pieces.push(piece(&folded[start..], was));
    }
    pieces
}

fn piece(s: &str, cjk: bool) -> Piece<'_> {
    if cjk {
        Piece::Cjk(s.chars().collect())
    } else {
        Piece::Word(s)
    }
}

fn bigrams(chars: &[char], each: &mut impl FnMut(Token)) {
    if chars.len() == 1 {
        each(Token {
            word: chars[0].to_string(),
            stem: None,
        });
        return;
    }
    for pair in chars.windows(2) {
        each(Token {
            word: pair.iter().collect(),
            stem: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, lang: &str) -> Vec<String> {
        let stemmer = stemmer(lang);
        let mut out = Vec::new();
        tokens(text, stemmer.as_ref(), |t| out.push(t.word));
        out
    }

    fn stems(text: &str, lang: &str) -> Vec<String> {
        let stemmer = stemmer(lang);
        let mut out = Vec::new();
        tokens(text, stemmer.as_ref(), |t| {
            out.push(t.stem.unwrap_or(t.word))
        });
        out
    }

    #[test]
    fn the_word_character_table_is_the_rule() {
        for c in (0..0x11000u32).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), is_word_char_by_tables(c), "{c:?}");
        }
    }

    #[test]
    fn decoding_by_hand_agrees_with_std() {
        let text = "aé迁😀\u{2028}ß";
        for (i, c) in text.char_indices().filter(|(_, c)| !c.is_ascii()) {
            assert_eq!(decode(text.as_bytes(), i), (Some(c), c.len_utf8()));
        }
    }

    #[test]
    fn runs_are_maximal_and_never_empty() {
        let runs: Vec<&str> = runs(" Évaluation, migración—迁移 ke\u{301}y 3979!").collect();
        assert_eq!(
            runs,
            ["Évaluation", "migración", "迁移", "ke\u{301}y", "3979"]
        );
        assert_eq!(super::runs("").count(), 0);
        assert_eq!(super::runs("¡¿ ... !?").count(), 0);
    }

    #[test]
    fn accents_are_folded() {
        assert_eq!(words("Evaluación", "es"), ["evaluacion"]);
        assert_eq!(words("migração façade", "pt"), ["migracao", "facade"]);
        assert_eq!(fold("ÉCOLE"), "ecole");
    }

    #[test]
    fn german_umlauts_and_sharp_s() {
        assert_eq!(
            words("Übersicht Straße STRASSE", "de"),
            ["ubersicht", "strasse", "strasse"]
        );
        assert_eq!(fold("ẞ"), "ss");
        assert_eq!(fold("Ü"), fold("Ü"), "precomposed and combining agree");
    }

    #[test]
    fn full_width_and_compatibility_forms_fold() {
        assert_eq!(words("ＡＢＣ １２３", "en"), ["abc", "123"]);
    }

    #[test]
    fn stems_in_english_spanish_german_portuguese() {
        assert_eq!(stems("running", "en"), stems("runs", "en"));
        assert_eq!(stems("migraciones", "es"), stems("migración", "es"));
        assert_eq!(stems("Häuser", "de"), stems("Haus", "de"));
        assert_eq!(stems("tarefas", "pt"), stems("tarefa", "pt"));
        assert_eq!(stems("planejamentos", "pt"), stems("planejamento", "pt"));
        // The stem is a prefix of the folded word: the client's stem-prefix
        // match relies on it for these common inflections.
        let mig = stems("migraciones", "es").remove(0);
        assert!("migraciones".starts_with(&mig), "{mig}");
        assert!(stemmer("ja").is_none());
        assert!(stemmer("pt-BR").is_some());
    }

    #[test]
    fn japanese_text_becomes_bigrams_and_a_word_inside_matches() {
        let run = words("お客様とのキックオフの実施", "ja");
        let query = words("キックオフ", "ja");
        assert_eq!(query, ["キッ", "ック", "クオ", "オフ"]);
        assert!(query.iter().all(|q| run.contains(q)), "{run:?}");
        assert_eq!(words("移", "ja"), ["移"]);
    }

    #[test]
    fn chinese_text_becomes_bigrams() {
        let text = words("数据迁移指南", "zh-Hans");
        assert_eq!(text, ["数据", "据迁", "迁移", "移指", "指南"]);
        assert!(text.contains(&words("迁移", "zh-Hans")[0]));
    }

    #[test]
    fn cjk_and_latin_in_one_run_are_cut_apart() {
        assert_eq!(
            words("タスク3979をFastTrackで", "ja"),
            ["タス", "スク", "3979", "を", "fasttrack", "で"]
        );
    }

    #[test]
    fn segmentation_is_the_same_for_index_and_query() {
        // The client runs this same function's port on the query; a query
        // that is any substring of words of the text yields a subset of
        // the text's tokens.
        let text = "データ移行の計画と実施。Übersicht der Migración";
        let all = words(text, "ja");
        for query in [
            "データ",
            "移行の計画",
            "計画と実施",
            "ubersicht",
            "MIGRACIÓN",
        ] {
            for q in words(query, "ja") {
                assert!(all.contains(&q), "{query}: {q} not in {all:?}");
            }
        }
    }

    #[test]
    fn task_ids_are_words() {
        assert_eq!(
            words("| 3979 | Plan the kickoff |", "en"),
            ["3979", "plan", "the", "kickoff"]
        );
        assert_eq!(stems("3979", "en"), ["3979"]);
    }

    #[test]
    fn punctuation_separates_and_marks_stay_in_words() {
        assert_eq!(words("e-mail, don't", "en"), ["e", "mail", "don", "t"]);
        assert_eq!(words("हिन्दी", "hi"), ["हिन्दी"]);
    }
}
