//! Which language a file belongs to and which page it is a version of.
//!
//! A language has a folder (`dir`) and filename suffixes. The translation key
//! is the path inside the language folder with the language suffix and the
//! `.md` extension removed, so `english-playbook/kickoff.md` and
//! `spanish-playbook/kickoff-es.md` are one page in two languages.

use crate::config::{Config, LangId, Language};
use std::fmt;

/// Identifies one page across its translations: `initiate/kickoff`, or ``
/// for a language's home (`index.md`). Also the page's URL path inside its
/// language, so two files with one key would collide on one URL.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct TranslationKey(pub(crate) String);

impl TranslationKey {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The site-relative URL directory of this page in a language: `es/initiate/kickoff/`.
    pub(crate) fn url(&self, lang: &Language) -> String {
        if self.0.is_empty() {
            format!("{}/", lang.code)
        } else {
            format!("{}/{}/", lang.code, self.0)
        }
    }
}

impl fmt::Display for TranslationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("index")
        } else {
            f.write_str(&self.0)
        }
    }
}

/// Where a content file sits in the language model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Placement {
    /// The language the file is in (the folder's, when folder and suffix disagree).
    pub(crate) lang: LangId,
    pub(crate) key: TranslationKey,
    /// The language suffix the filename carried, as written.
    pub(crate) suffix: Option<String>,
    /// Set when the folder and the suffix name different languages.
    pub(crate) conflict: Option<LanguageConflict>,
}

/// A file whose folder says one language and whose suffix another; the
/// folder wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LanguageConflict {
    pub(crate) folder: LangId,
    pub(crate) suffix: LangId,
}

/// A language a file name or path names, and what remains of the name.
struct Named<'a> {
    lang: LangId,
    /// The path inside the language folder, or the stem without the suffix.
    rest: &'a str,
}

/// The language whose folder contains `rel` (longest folder wins) and the
/// path inside it.
pub(crate) fn folder_language<'a>(config: &Config, rel: &'a str) -> Option<(LangId, &'a str)> {
    folder_of(config, rel).map(|n| (n.lang, n.rest))
}

fn folder_of<'a>(config: &Config, rel: &'a str) -> Option<Named<'a>> {
    config
        .languages()
        .filter(|(_, l)| !l.dir.is_empty())
        .filter_map(|(id, l)| {
            rel.strip_prefix(l.dir.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
                .map(|inside| {
                    (
                        l.dir.len(),
                        Named {
                            lang: id,
                            rest: inside,
                        },
                    )
                })
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, named)| named)
}

/// The language a filename stem's suffix names (`kickoff-es` → es), with
/// the stem that remains and the suffix as written. `-` and `.` both
/// separate a suffix.
fn suffix_language<'a>(config: &Config, stem: &'a str) -> Option<(Named<'a>, &'a str)> {
    let mut best: Option<(Named<'a>, &'a str)> = None;
    for (id, lang) in config.languages() {
        for suffix in &lang.suffixes {
            if suffix.is_empty() || stem.len() <= suffix.len() + 1 {
                continue;
            }
            let split = stem.len() - suffix.len();
            if !stem.is_char_boundary(split) || !stem.is_char_boundary(split - 1) {
                continue;
            }
            let (head, tail) = stem.split_at(split);
            if tail.eq_ignore_ascii_case(suffix) && (head.ends_with('-') || head.ends_with('.')) {
                let rest = &head[..head.len() - 1];
                if !rest.is_empty() && best.as_ref().is_none_or(|(_, t)| t.len() < tail.len()) {
                    best = Some((Named { lang: id, rest }, tail));
                }
            }
        }
    }
    best
}

/// Places a Markdown file (content-relative, `/`-separated, ending in `.md`).
pub(crate) fn place(config: &Config, rel: &str) -> Placement {
    let folder = folder_of(config, rel);
    let inside = folder.as_ref().map(|f| f.rest).unwrap_or(rel);
    let dir = crate::paths::parent(inside);
    let name = crate::paths::file_name(inside);
    let stem = strip_markdown_ext(name);

    let by_suffix = suffix_language(config, stem);
    let (stem, suffix) = match &by_suffix {
        Some((named, tail)) => (named.rest, Some(tail.to_string())),
        None => (stem, None),
    };
    let folder = folder.map(|f| f.lang);
    let by_suffix = by_suffix.map(|(named, _)| named.lang);
    let (lang, conflict) = match (folder, by_suffix) {
        (Some(folder), Some(suffix)) if folder != suffix => {
            (folder, Some(LanguageConflict { folder, suffix }))
        }
        (Some(f), _) => (f, None),
        (None, Some(s)) => (s, None),
        (None, None) => (config.default_language, None),
    };

    let key = if stem.eq_ignore_ascii_case("index") {
        dir.to_string()
    } else if dir.is_empty() {
        stem.to_string()
    } else {
        format!("{dir}/{stem}")
    };
    Placement {
        lang,
        key: TranslationKey(key),
        suffix,
        conflict,
    }
}

/// `name.md` → `name` (also `.markdown`, any case).
pub(crate) fn strip_markdown_ext(name: &str) -> &str {
    for ext in [".md", ".markdown"] {
        if name.len() > ext.len() && name.is_char_boundary(name.len() - ext.len()) {
            let (stem, tail) = name.split_at(name.len() - ext.len());
            if tail.eq_ignore_ascii_case(ext) {
                return stem;
            }
        }
    }
    name
}

pub(crate) fn is_markdown(name: &str) -> bool {
    strip_markdown_ext(name).len() != name.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn config() -> Config {
        Config::parse(
            Path::new("/s"),
            Path::new("folio.yml"),
            r#"
default_language: en
languages:
  - { code: en, name: English, dir: fasttrack/english-playbook }
  - { code: es, name: Español, dir: fasttrack/spanish-playbook, suffixes: [es] }
  - { code: ja, name: 日本語, dir: fasttrack/japanese-playbook, suffixes: [jp, ja] }
  - { code: zh-Hans, name: 简体中文, dir: fasttrack/simplified-chineses-playbook, suffixes: [sc] }
  - { code: de }
"#,
        )
        .unwrap()
    }

    fn placed(rel: &str) -> (String, String, Option<String>, bool) {
        let c = config();
        let p = place(&c, rel);
        (
            c.language(p.lang).code.clone(),
            p.key.0,
            p.suffix,
            p.conflict.is_some(),
        )
    }

    #[test]
    fn folder_and_suffix() {
        assert_eq!(
            placed("fasttrack/spanish-playbook/initiate-x-partner-es.md"),
            (
                "es".into(),
                "initiate-x-partner".into(),
                Some("es".into()),
                false
            )
        );
        assert_eq!(
            placed("fasttrack/english-playbook/initiate-x-partner.md"),
            ("en".into(), "initiate-x-partner".into(), None, false)
        );
    }

    #[test]
    fn suffix_aliases() {
        assert_eq!(placed("fasttrack/japanese-playbook/a-jp.md").1, "a");
        assert_eq!(placed("fasttrack/japanese-playbook/a-ja.md").1, "a");
        assert_eq!(
            placed("fasttrack/simplified-chineses-playbook/sub/a-sc.md").1,
            "sub/a"
        );
    }

    #[test]
    fn unsuffixed_file_in_language_folder_takes_the_folder() {
        assert_eq!(placed("fasttrack/spanish-playbook/l1l2l3.md").0, "es");
    }

    #[test]
    fn folder_and_suffix_disagree() {
        let (lang, key, suffix, conflict) =
            placed("fasttrack/spanish-playbook/success-partner-en.md");
        assert_eq!(
            (lang.as_str(), key.as_str(), suffix.as_deref(), conflict),
            ("es", "success-partner", Some("en"), true)
        );
    }

    #[test]
    fn no_folder_uses_suffix_then_default() {
        assert_eq!(
            placed("welcome/index.md"),
            ("en".into(), "welcome".into(), None, false)
        );
        assert_eq!(placed("welcome/onboarding-es.md").0, "es");
        assert_eq!(
            placed("notes.de.md"),
            ("de".into(), "notes".into(), Some("de".into()), false)
        );
        // Default dir is the code itself.
        assert_eq!(
            placed("de/a/b.md"),
            ("de".into(), "a/b".into(), None, false)
        );
    }

    #[test]
    fn index_is_the_folder_key() {
        assert_eq!(placed("fasttrack/english-playbook/index.md").1, "");
        assert_eq!(
            placed("fasttrack/spanish-playbook/phase/index-es.md").1,
            "phase"
        );
    }

    #[test]
    fn suffix_needs_separator_and_a_rest() {
        // `cases` ends in `es` but has no separator; `-es` alone is no page name.
        assert_eq!(placed("fasttrack/english-playbook/cases.md").1, "cases");
        assert_eq!(placed("fasttrack/english-playbook/-es.md").1, "-es");
    }

    #[test]
    fn key_url() {
        let c = config();
        let language = |i: usize| c.languages().nth(i).unwrap().1;
        assert_eq!(TranslationKey("a/b".into()).url(language(1)), "es/a/b/");
        assert_eq!(TranslationKey(String::new()).url(language(3)), "zh-Hans/");
    }

    #[test]
    fn markdown_ext() {
        assert_eq!(strip_markdown_ext("a.MD"), "a");
        assert_eq!(strip_markdown_ext("a.markdown"), "a");
        assert!(!is_markdown("toc.yml"));
        assert!(!is_markdown(".md"));
    }
}
