//! `translations:` in `folio.yml`: how translation status is judged
//! (staleness by the date key or by git history), which pages are meant
//! to be translated (scope), and what readers get for a missing
//! translation (fallback pages). Its shape is a public contract.

use super::{Invalid, LangId, Language};
use crate::yaml::Step;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How a translation is judged out of date.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Staleness {
    /// Its date key is older than the original's.
    #[default]
    Date,
    /// Its file's last commit is older than a commit to the original's
    /// file whose message names none of the ignore keywords.
    Git,
}

impl Staleness {
    /// The name `folio.yml` and the status report use.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Staleness::Date => "date",
            Staleness::Git => "git",
        }
    }
}

/// `translations:` resolved.
#[derive(Clone, Debug)]
pub(crate) struct TranslationRules {
    pub(crate) staleness: Staleness,
    /// Commits whose message contains one of these (ignoring case) do not
    /// make translations stale (`ignore_keywords`).
    pub(crate) ignore_keywords: Vec<String>,
    /// Keys meant to be translated into every language (`scope`); a
    /// pattern written with `!` takes keys out.
    scope: Scope,
    /// Per language: keys it does not translate (`exclude`), by [`LangId`].
    exclude: Vec<GlobSet>,
    /// Missing translations get a page made from the original (`fallback`).
    pub(crate) fallback: bool,
    /// Write `/status/index.html` and `/status.json` (`dashboard`).
    pub(crate) dashboard: bool,
    /// Prefix of links from the dashboard to source files (`source_url`).
    pub(crate) source_url: Option<String>,
}

impl Default for TranslationRules {
    fn default() -> Self {
        TranslationRules {
            staleness: Staleness::Date,
            ignore_keywords: default_keywords(),
            scope: Scope::default(),
            exclude: Vec::new(),
            fallback: true,
            dashboard: true,
            source_url: None,
        }
    }
}

impl TranslationRules {
    /// Is the page with this key meant to be translated into `lang`?
    pub(crate) fn in_scope(&self, key: &str, lang: LangId) -> bool {
        let folder = format!("{key}/");
        let excluded = self
            .exclude
            .get(lang.index())
            .is_some_and(|set| set.is_match(key) || set.is_match(&folder));
        !excluded && self.scope.includes(key, &folder)
    }

    /// Does this commit message name an ignore keyword?
    pub(crate) fn ignores_commit(&self, message: &str) -> bool {
        let message = message.to_lowercase();
        self.ignore_keywords
            .iter()
            .any(|k| message.contains(&k.to_lowercase()))
    }
}

/// `scope`: globs over keys, in order; the last one that matches decides
/// (`!pattern` takes keys out). Keys no pattern matches are in scope when
/// there are no patterns or the first takes keys out (`["!ops/**"]`: all
/// but `ops/`), else not.
#[derive(Clone, Debug, Default)]
struct Scope {
    globs: GlobSet,
    /// By pattern: written with `!`.
    negated: Vec<bool>,
}

impl Scope {
    /// `folder` is `key/`: `guides/**` also matches the section's page `guides`.
    fn includes(&self, key: &str, folder: &str) -> bool {
        let last = |k: &str| self.globs.matches(k).into_iter().max();
        let decided = match (last(key), last(folder)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        match decided {
            Some(i) => !self.negated[i],
            None => self.negated.first().copied().unwrap_or(true),
        }
    }
}

fn default_keywords() -> Vec<String> {
    vec!["[skip-translation]".to_string(), "typo".to_string()]
}

fn default_true() -> bool {
    true
}

/// `translations:` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTranslations {
    #[serde(default)]
    staleness: Staleness,
    ignore_keywords: Option<Vec<String>>,
    #[serde(default)]
    scope: Vec<String>,
    #[serde(default)]
    exclude: BTreeMap<String, Vec<String>>,
    #[serde(default = "default_true")]
    fallback: bool,
    #[serde(default = "default_true")]
    dashboard: bool,
    source_url: Option<String>,
}

impl Default for RawTranslations {
    /// No `translations:` key: every default.
    fn default() -> Self {
        RawTranslations {
            staleness: Staleness::Date,
            ignore_keywords: None,
            scope: Vec::new(),
            exclude: BTreeMap::new(),
            fallback: true,
            dashboard: true,
            source_url: None,
        }
    }
}

/// Checks `translations:` against the languages.
pub(super) fn resolve(
    raw: RawTranslations,
    languages: &[Language],
    default: LangId,
    invalid: &Invalid<'_>,
) -> Result<TranslationRules, super::ConfigError> {
    let ignore_keywords = raw.ignore_keywords.unwrap_or_else(default_keywords);
    if let Some(i) = ignore_keywords.iter().position(|k| k.trim().is_empty()) {
        return Err(invalid(
            &at(&[Step::Key("ignore_keywords"), Step::Index(i)]),
            "translations.ignore_keywords: an empty keyword would ignore every commit; remove it"
                .into(),
        ));
    }
    let negated: Vec<bool> = raw.scope.iter().map(|p| p.starts_with('!')).collect();
    let patterns: Vec<String> = raw
        .scope
        .iter()
        .map(|p| p.strip_prefix('!').unwrap_or(p).to_string())
        .collect();
    let scope = Scope {
        globs: key_globs(&patterns, &at(&[Step::Key("scope")]), "scope", invalid)?,
        negated,
    };
    let mut exclude = vec![GlobSet::empty(); languages.len()];
    for (code, patterns) in &raw.exclude {
        let Some(lang) = languages.iter().position(|l| &l.code == code) else {
            return Err(invalid(
                &at(&[Step::Key("exclude"), Step::KeyName(code)]),
                format!(
                    "translations.exclude: `{code}` is not one of the languages ({})",
                    codes(languages)
                ),
            ));
        };
        if lang == default.index() {
            return Err(invalid(
                &at(&[Step::Key("exclude"), Step::KeyName(code)]),
                format!(
                    "translations.exclude: `{code}` is the default language, which every translation is made from; exclude pages from other languages"
                ),
            ));
        }
        let name = format!("exclude.{code}");
        exclude[lang] = key_globs(
            patterns,
            &at(&[Step::Key("exclude"), Step::Key(code)]),
            &name,
            invalid,
        )?;
    }
    if let Some(url) = &raw.source_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(invalid(
                &at(&[Step::Key("source_url")]),
                format!(
                    "translations.source_url: `{url}` is not an http(s) URL; give the address files are browsed at, such as https://github.com/org/docs/blob/main/"
                ),
            ));
        }
    }
    Ok(TranslationRules {
        staleness: raw.staleness,
        ignore_keywords,
        scope,
        exclude,
        fallback: raw.fallback,
        dashboard: raw.dashboard,
        source_url: raw.source_url,
    })
}

/// The path to `translations.<steps>` in `folio.yml`.
fn at<'a>(steps: &[Step<'a>]) -> Vec<Step<'a>> {
    let mut path = vec![Step::Key("translations")];
    path.extend_from_slice(steps);
    path
}

fn codes(languages: &[Language]) -> String {
    languages
        .iter()
        .map(|l| l.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Globs over translation keys: `*` stays within one folder, `**` crosses
/// folders.
fn key_globs(
    patterns: &[String],
    path: &[Step<'_>],
    key: &str,
    invalid: &Invalid<'_>,
) -> Result<GlobSet, super::ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for (i, p) in patterns.iter().enumerate() {
        let glob: Result<Glob, _> = GlobBuilder::new(p.trim_start_matches('/'))
            .literal_separator(true)
            .build();
        match glob {
            Ok(g) => {
                builder.add(g);
            }
            Err(e) => {
                let mut at = path.to_vec();
                at.push(Step::Index(i));
                return Err(invalid(
                    &at,
                    format!("translations.{key}: `{p}` is not a valid glob: {e}"),
                ));
            }
        }
    }
    builder
        .build()
        .map_err(|e| invalid(path, format!("translations.{key}: {e}")))
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ConfigError};
    use std::path::Path;

    const LANGS: &str =
        "languages:\n  - { code: en }\n  - { code: es }\n  - { code: ja, suffixes: [jp] }\n";

    fn parse(translations: &str) -> Result<Config, ConfigError> {
        let text = format!("{LANGS}translations:\n{translations}");
        Config::parse(Path::new("/site"), Path::new("folio.yml"), &text)
    }

    fn lang(c: &Config, code: &str) -> crate::config::LangId {
        c.languages()
            .find(|(_, l)| l.code == code)
            .map(|(id, _)| id)
            .expect("language")
    }

    #[test]
    fn defaults_translate_everything_with_fallbacks_by_date() {
        let c = Config::parse(Path::new("/s"), Path::new("folio.yml"), LANGS).unwrap();
        let t = &c.translations;
        assert_eq!(t.staleness, super::Staleness::Date);
        assert!(t.fallback && t.dashboard);
        assert_eq!(t.ignore_keywords, ["[skip-translation]", "typo"]);
        assert!(t.in_scope("a/b/c", lang(&c, "es")));
        assert!(t.in_scope("", lang(&c, "ja")));
        assert!(t.ignores_commit("Fix a TYPO"));
        assert!(!t.ignores_commit("Rewrite the kickoff"));
    }

    #[test]
    fn scope_and_exclude_match_keys_by_folder() {
        let c = parse(
            "  scope: [\"*\", \"guide/**\"]\n  exclude: { ja: [\"guide/legal*\"] }\n  staleness: git\n  ignore_keywords: [nit]\n  fallback: false\n",
        )
        .unwrap();
        let t = &c.translations;
        let (es, ja) = (lang(&c, "es"), lang(&c, "ja"));
        assert!(t.in_scope("kickoff", es));
        // `*` stays in one folder; `guide/**` also takes the section's home.
        assert!(!t.in_scope("operations/run", es));
        assert!(t.in_scope("guide", es));
        assert!(t.in_scope("guide/deep/page", ja));
        assert!(t.in_scope("guide/legal-notes", es));
        assert!(!t.in_scope("guide/legal-notes", ja));
        assert_eq!(t.staleness, super::Staleness::Git);
        assert!(!t.fallback);
        assert!(t.ignores_commit("a NIT"));
        assert!(!t.ignores_commit("typo"));
    }

    #[test]
    fn scope_patterns_with_a_bang_take_keys_out_and_the_last_match_decides() {
        let c = parse("  scope: [\"!ops/**\", \"!news/**\", \"news/keep\"]\n").unwrap();
        let (t, es) = (&c.translations, lang(&c, "es"));
        assert!(
            t.in_scope("kickoff", es),
            "first a `!` pattern: the rest stays in"
        );
        assert!(t.in_scope("", es));
        assert!(!t.in_scope("ops", es), "the section's own page too");
        assert!(!t.in_scope("ops/run/deep", es));
        assert!(!t.in_scope("news/old", es));
        assert!(t.in_scope("news/keep", es));
        let c = parse("  scope: [\"**\", \"!legal*\"]\n").unwrap();
        let t = &c.translations;
        assert!(t.in_scope("", es) && t.in_scope("a/b", es));
        assert!(!t.in_scope("legal-notes", es));
    }

    #[test]
    fn bad_values_name_their_line() {
        for (text, line, needle) in [
            ("  staleness: mtime\n", 6, "mtime"),
            (
                "  exclude: { fr: [\"x\"] }\n",
                6,
                "`fr` is not one of the languages",
            ),
            ("  exclude: { en: [\"x\"] }\n", 6, "default language"),
            ("  scope: [\"[oops\"]\n", 6, "not a valid glob"),
            ("  ignore_keywords: [\"\"]\n", 6, "empty keyword"),
            (
                "  source_url: javascript:alert(1)\n",
                6,
                "not an http(s) URL",
            ),
            ("  fallbacks: true\n", 6, "fallbacks"),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(&format!(":{line}:")), "{text}: {err}");
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
