//! Placing the surveyed pages with the languages found, exactly as a
//! build will (`content::language::place`, through a `Config` made from
//! the plan), to choose the default language, count pages and
//! translations, and read each language's task tables.

use super::detect::{ContentFile, LangPlan, Plan, Sureness};
use super::{languages, tasks, write};
use crate::config::Config;
use crate::content::language;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where each page lands under a configuration made from `langs`:
/// (language code, key, whether a folder or suffix named the language).
fn placements(langs: &[LangPlan], files: &[ContentFile<'_>]) -> Vec<(String, String, bool)> {
    let Some(first) = langs.first() else {
        return Vec::new();
    };
    let text = write::languages(langs, &first.code);
    let Ok(config) = Config::parse(Path::new("."), Path::new("folio.yml"), &text) else {
        return Vec::new();
    };
    files
        .iter()
        .map(|f| {
            let p = language::place(&config, &f.rel);
            let named = p.suffix.is_some() || language::folder_language(&config, &f.rel).is_some();
            (
                config.language(p.lang).code.clone(),
                p.key.as_str().to_string(),
                named,
            )
        })
        .collect()
}

/// Chooses the default language, counts pages and translations, orders
/// the languages (default first, then by pages), reads the task labels
/// and the title.
pub(crate) fn settle(plan: &mut Plan, files: &[ContentFile<'_>], dir: &Path) {
    let mut langs = std::mem::take(&mut plan.languages);
    let guessed = default_for_loose(&mut langs);
    let placed = placements(&langs, files);
    let mut keys: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for ((code, key, named), f) in placed.iter().zip(files) {
        if *named && !f.rel.split('/').any(|d| d.eq_ignore_ascii_case("includes")) {
            keys.entry(code).or_default().insert(key);
        }
    }
    let default = match guessed {
        Some(code) => {
            plan.default_why = (
                Sureness::Guess,
                format!(
                    "default language {code}: pages with no language folder or suffix; nothing says which language they are in"
                ),
            );
            code
        }
        None => choose_default(&langs, &keys, plan),
    };
    let loose = placed
        .iter()
        .zip(files)
        .filter(|((_, _, named), f)| !named && !f.is_fragment());
    let loose_keys: BTreeSet<&str> = loose.map(|((_, key, _), _)| key.as_str()).collect();
    keys.entry(&default).or_default().extend(loose_keys);
    let default_keys = keys.get(default.as_str()).cloned().unwrap_or_default();
    for l in &mut langs {
        let mine = keys.get(l.code.as_str()).cloned().unwrap_or_default();
        l.pages = mine.len();
        l.translated = if l.code == default {
            mine.iter()
                .filter(|k| keys.iter().any(|(c, ks)| *c != default && ks.contains(*k)))
                .count()
        } else {
            mine.intersection(&default_keys).count()
        };
    }
    langs.sort_by(|a, b| {
        (a.code != default, std::cmp::Reverse(a.pages), &a.code).cmp(&(
            b.code != default,
            std::cmp::Reverse(b.pages),
            &b.code,
        ))
    });
    let found: Vec<tasks::Found<'_>> = placed
        .iter()
        .zip(files)
        .flat_map(|((code, _, _), f)| {
            f.file.tables.iter().map(move |t| tasks::Found {
                lang: code,
                table: t,
            })
        })
        .collect();
    plan.tasks = tasks::labels(&found, &default);
    let home = placed
        .iter()
        .zip(files)
        .find(|((code, key, _), f)| *code == default && key.is_empty() && !f.is_fragment());
    plan.title = super::detect::title(dir, home.map(|(_, f)| f.file));
    plan.languages = langs;
}

/// When no language folder names the language of pages without a suffix
/// (Hugo's `page.md` beside `page.es.md`, or a one-language site), adds it:
/// English unless a suffix already claims English. Returns its code.
fn default_for_loose(langs: &mut Vec<LangPlan>) -> Option<String> {
    if langs.iter().any(|l| !l.dir.is_empty()) {
        return None;
    }
    let code = ["en", "und"]
        .into_iter()
        .find(|c| !langs.iter().any(|l| languages::same_language(&l.code, c)))
        .unwrap_or("und")
        .to_string();
    langs.insert(
        0,
        LangPlan {
            name: languages::name_of(&code),
            code: code.clone(),
            dir: String::new(),
            suffixes: Vec::new(),
            sure: Sureness::Guess,
            why: "the pages without a language suffix; change the code if they are not in English"
                .into(),
            pages: 0,
            translated: 0,
        },
    );
    Some(code)
}

/// The default among language folders: the only one whose files carry no
/// language suffix while the others' do (the language translated from),
/// else the one with the most pages that the others also have.
fn choose_default(
    langs: &[LangPlan],
    keys: &BTreeMap<&str, BTreeSet<&str>>,
    plan: &mut Plan,
) -> String {
    let bare: Vec<&LangPlan> = langs
        .iter()
        .filter(|l| l.suffixes.is_empty() && !l.dir.is_empty())
        .collect();
    if bare.len() == 1 && langs.len() >= 2 {
        let others_suffixed = langs
            .iter()
            .filter(|l| l.code != bare[0].code)
            .all(|l| !l.suffixes.is_empty());
        plan.default_why = (
            if others_suffixed {
                Sureness::Sure
            } else {
                Sureness::Likely
            },
            format!(
                "default language {}: its files carry no language suffix, {} the others' do: the others translate it",
                bare[0].code,
                if others_suffixed {
                    "while all"
                } else {
                    "while most of"
                }
            ),
        );
        return bare[0].code.clone();
    }
    let shared = |code: &str| -> usize {
        let mine = keys.get(code).cloned().unwrap_or_default();
        keys.iter()
            .filter(|(c, _)| **c != code)
            .map(|(_, ks)| ks.intersection(&mine).count())
            .sum()
    };
    let best = langs
        .iter()
        .max_by_key(|l| {
            (
                keys.get(l.code.as_str()).map_or(0, BTreeSet::len),
                shared(&l.code),
                std::cmp::Reverse(l.code.clone()),
            )
        })
        .map(|l| l.code.clone())
        .unwrap_or_else(|| "en".into());
    plan.default_why = (
        Sureness::Likely,
        format!("default language {best}: it has the most pages, and the others translate them"),
    );
    best
}
