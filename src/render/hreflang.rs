//! hreflang sets: which URLs are one page in several languages.
//!
//! A page's set is its published translations. The language homes and the
//! language chooser at `/` are one set whose `x-default` is the chooser
//! (it sends readers to their language). Every member of a set lists the
//! whole set, itself included, with exactly one `x-default`, the same one
//! everywhere; pages, homes, the chooser and the sitemap all take their
//! sets from here, so search engines see them reciprocal.

use crate::config::LangId;
use crate::site::{PageId, Site};

/// What `x-default` is called in `hreflang`.
pub(crate) const X_DEFAULT: &str = "x-default";

/// One URL of a set: a language code (or [`X_DEFAULT`]) and a site-relative
/// URL (`es/kickoff/`; `""` is the chooser).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Member {
    pub(crate) hreflang: String,
    pub(crate) url: String,
}

/// The set of a published page; a language's home (its `index.md`)
/// belongs to the homes' set. `languages`: the languages in use, in
/// configured order.
pub(crate) fn of_page(site: &Site, languages: &[LangId], id: PageId) -> Vec<Member> {
    let key = &site.page(id).key;
    if key.as_str().is_empty() {
        return of_homes(site, languages);
    }
    let translations: Vec<(LangId, PageId)> = languages
        .iter()
        .filter_map(|&l| site.published_translation(key, l).map(|p| (l, p)))
        .collect();
    // The default language's version, else the first language that has one:
    // every member of the set computes the same.
    let default = translations
        .iter()
        .find(|(l, _)| *l == site.config.default_language)
        .or(translations.first())
        .map(|&(_, p)| p);
    let mut set: Vec<Member> = translations
        .iter()
        .map(|&(l, p)| Member {
            hreflang: site.config.language(l).code.clone(),
            url: site.page(p).url.clone(),
        })
        .collect();
    set.extend(default.map(|p| Member {
        hreflang: X_DEFAULT.into(),
        url: site.page(p).url.clone(),
    }));
    set
}

/// One of Folio's generated pages (`dir(code)`: its URL in a language) in
/// every language in use: the task indexes, the phase overviews. The
/// default language's is the `x-default`, else the first language's.
pub(crate) fn of_generated(
    site: &Site,
    languages: &[LangId],
    dir: fn(&str) -> String,
) -> Vec<Member> {
    let mut set: Vec<Member> = languages
        .iter()
        .map(|&l| {
            let code = &site.config.language(l).code;
            Member {
                hreflang: code.clone(),
                url: dir(code),
            }
        })
        .collect();
    let default = languages
        .iter()
        .find(|&&l| l == site.config.default_language)
        .or(languages.first());
    set.extend(default.map(|&l| Member {
        hreflang: X_DEFAULT.into(),
        url: dir(&site.config.language(l).code),
    }));
    set
}

/// The language homes (`/<code>/`, written or generated) and the chooser
/// at `/` as their `x-default`.
pub(crate) fn of_homes(site: &Site, languages: &[LangId]) -> Vec<Member> {
    let mut set: Vec<Member> = languages
        .iter()
        .map(|&l| {
            let code = &site.config.language(l).code;
            Member {
                hreflang: code.clone(),
                url: format!("{code}/"),
            }
        })
        .collect();
    set.push(Member {
        hreflang: X_DEFAULT.into(),
        url: String::new(),
    });
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::tests::load_site;

    const THREE: &str = "default_language: es\nlanguages:\n  - { code: en, dir: en }\n  - { code: es, dir: es, suffixes: [es] }\n  - { code: de, dir: de, suffixes: [de] }\n";

    fn sets(files: &[(&str, &str)]) -> Vec<(String, Vec<(String, String)>)> {
        let (_dir, site) = load_site(THREE, files);
        let languages = site.languages_in_use();
        site.published()
            .map(|(id, _)| {
                let set = of_page(&site, &languages, id)
                    .into_iter()
                    .map(|m| (m.hreflang, m.url))
                    .collect();
                (site.source(id).path.clone(), set)
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(h, u)| (h.to_string(), u.to_string()))
            .collect()
    }

    #[test]
    fn every_member_lists_the_same_set_with_one_x_default() {
        let found = sets(&[
            ("en/a.md", "# A"),
            ("es/a-es.md", "# A"),
            ("de/a-de.md", "# A"),
            // No page in the default language (es): x-default is the first
            // language in configured order that has one.
            ("en/b.md", "# B"),
            ("de/b-de.md", "# B"),
            // One language only: itself, and itself as x-default.
            ("de/c-de.md", "# C"),
            // Homes: all homes (generated or not) and the chooser.
            ("de/index.md", "# Start"),
        ]);
        let a = pairs(&[
            ("en", "en/a/"),
            ("es", "es/a/"),
            ("de", "de/a/"),
            ("x-default", "es/a/"),
        ]);
        let b = pairs(&[("en", "en/b/"), ("de", "de/b/"), ("x-default", "en/b/")]);
        let c = pairs(&[("de", "de/c/"), ("x-default", "de/c/")]);
        let homes = pairs(&[
            ("en", "en/"),
            ("es", "es/"),
            ("de", "de/"),
            ("x-default", ""),
        ]);
        assert_eq!(
            found,
            vec![
                ("de/a-de.md".to_string(), a.clone()),
                ("de/b-de.md".to_string(), b.clone()),
                ("de/c-de.md".to_string(), c),
                ("de/index.md".to_string(), homes),
                ("en/a.md".to_string(), a.clone()),
                ("en/b.md".to_string(), b),
                ("es/a-es.md".to_string(), a),
            ]
        );
    }
}
