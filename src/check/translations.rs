//! Translations: missing, stale and orphaned pages.

use crate::diagnostic::{Code, Diagnostic};
use crate::site::Site;

pub(crate) fn check(site: &Site, out: &mut Vec<Diagnostic>) {
    let config = &site.config;
    let default = config.default_language;
    let date_key = &config.front_matter.date_key;
    let mut keys: Vec<_> = site.index.translations.iter().collect();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    for (key, slots) in keys {
        let source_page = slots[default].filter(|&p| site.pages[p].published);
        match source_page {
            Some(original) => {
                let original_source = site.source(original);
                for (lang, slot) in slots.iter().enumerate() {
                    if lang == default {
                        continue;
                    }
                    let language = &config.languages[lang];
                    match slot {
                        None => out.push(
                            Diagnostic::new(
                                Code::TranslationMissing,
                                config.source_path(&original_source.path),
                                format!(
                                    "`{key}` has no {} ({}) translation",
                                    language.name, language.code
                                ),
                            )
                            .at(1, 1)
                            .hint(format!(
                                "create `{}`",
                                expected_path(site, key.as_str(), lang)
                            )),
                        ),
                        Some(t) => {
                            let translation = site.source(*t);
                            if let (Some(theirs), Some(ours)) =
                                (original_source.date, translation.date)
                            {
                                if ours < theirs {
                                    out.push(
                                        Diagnostic::new(
                                            Code::TranslationStale,
                                            config.source_path(&translation.path),
                                            format!(
                                                "this translation ({date_key} {}) is older than `{}` ({date_key} {})",
                                                ours.iso(),
                                                original_source.path,
                                                theirs.iso()
                                            ),
                                        )
                                        .at(translation.front_matter.line_of(date_key), 1)
                                        .hint(format!("update the translation from `{}` and its {date_key}", original_source.path)),
                                    );
                                }
                            }
                        }
                    }
                }
            }
            None => {
                for &t in slots.iter().flatten() {
                    let page = &site.pages[t];
                    if page.lang == default || !page.published {
                        continue;
                    }
                    out.push(
                        Diagnostic::new(
                            Code::TranslationOrphan,
                            config.source_path(&site.source(t).path),
                            format!(
                                "this {} page has no {} original `{}`",
                                config.languages[page.lang].code,
                                config.languages[default].code,
                                expected_path(site, key.as_str(), default)
                            ),
                        )
                        .at(1, 1)
                        .hint("rename it to match its original, or add the original page"),
                    );
                }
            }
        }
    }
}

/// Where the page with this key would live in a language, by the site's conventions.
fn expected_path(site: &Site, key: &str, lang: usize) -> String {
    let language = &site.config.languages[lang];
    let (dir, stem) = match key.rsplit_once('/') {
        Some((d, s)) => (format!("{d}/"), s.to_string()),
        None if key.is_empty() => (String::new(), "index".to_string()),
        None => (String::new(), key.to_string()),
    };
    let suffix = match language.suffixes.first() {
        Some(s) if lang != site.config.default_language && stem != "index" => format!("-{s}"),
        _ => String::new(),
    };
    let base = if language.dir.is_empty() {
        String::new()
    } else {
        format!("{}/", language.dir)
    };
    site.config
        .source_path(&format!("{base}{dir}{stem}{suffix}.md"))
}
