//! Translations: missing, stale and orphaned pages.

use crate::config::LangId;
use crate::content::TranslationKey;
use crate::diagnostic::{Code, Diagnostic};
use crate::site::{PageId, Site, Translations};

pub(crate) fn check(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut keys: Vec<_> = site.all_translations().collect();
    keys.sort_by(|a, b| a.0.cmp(b.0));
    for (key, translations) in keys {
        check_key(site, key, translations, out);
    }
}

/// The translations of one key.
pub(super) fn check_key(
    site: &Site,
    key: &TranslationKey,
    translations: &Translations,
    out: &mut Vec<Diagnostic>,
) {
    let default = site.config.default_language;
    match translations
        .get(default)
        .filter(|&p| site.page(p).published)
    {
        Some(original) => check_translations(site, key, translations, original, out),
        None => report_orphans(site, key, translations, out),
    }
}

/// `translation-missing` for each language without a version of
/// `original`, `translation-stale` for each version older than it.
fn check_translations(
    site: &Site,
    key: &TranslationKey,
    translations: &Translations,
    original: PageId,
    out: &mut Vec<Diagnostic>,
) {
    let config = &site.config;
    for (lang, language) in config.languages() {
        if lang == config.default_language {
            continue;
        }
        match translations.get(lang) {
            None => out.push(
                Diagnostic::new(
                    Code::TranslationMissing,
                    config.source_path(&site.source(original).path),
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
            Some(translation) => out.extend(stale(site, original, translation)),
        }
    }
}

/// `translation-stale` when the translation's date is older than the original's.
fn stale(site: &Site, original: PageId, translation: PageId) -> Option<Diagnostic> {
    let date_key = &site.config.front_matter.date_key;
    let (original, translation) = (site.source(original), site.source(translation));
    let (theirs, ours) = (original.date?, translation.date?);
    (ours < theirs).then(|| {
        Diagnostic::new(
            Code::TranslationStale,
            site.config.source_path(&translation.path),
            format!(
                "this translation ({date_key} {}) is older than `{}` ({date_key} {})",
                ours.iso(),
                original.path,
                theirs.iso()
            ),
        )
        .at(translation.front_matter.line_of(date_key), 1)
        .hint(format!(
            "update the translation from `{}` and its {date_key}",
            original.path
        ))
    })
}

/// `translation-orphan` for each published translation of a key that has
/// no published page in the default language.
fn report_orphans(
    site: &Site,
    key: &TranslationKey,
    translations: &Translations,
    out: &mut Vec<Diagnostic>,
) {
    let config = &site.config;
    let default = config.default_language;
    for t in translations.pages() {
        let page = site.page(t);
        if page.lang == default || !page.published {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::TranslationOrphan,
                config.source_path(&site.source(t).path),
                format!(
                    "this {} page has no {} original `{}`",
                    config.language(page.lang).code,
                    config.language(default).code,
                    expected_path(site, key.as_str(), default)
                ),
            )
            .at(1, 1)
            .hint("rename it to match its original, or add the original page"),
        );
    }
}

/// Where the page with this key would live in a language, by the site's conventions.
fn expected_path(site: &Site, key: &str, lang: LangId) -> String {
    let language = site.config.language(lang);
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
