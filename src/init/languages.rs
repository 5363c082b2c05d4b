//! What a folder name or a filename suffix says about a language:
//! `spanish-playbook`, `es`, `ja-jp`, `zh-hans`,
//! `simplified-chineses-playbook` are folders; `-es`, `-jp`, `-sc`, `.fr`
//! are suffixes. Only a fixed table of languages is known; anything else
//! is not a language.

/// One known language: its code (a language tag, the URL segment), the
/// name readers see in the switcher, and the words that name it.
struct Known {
    code: &'static str,
    name: &'static str,
    words: &'static [&'static str],
}

const KNOWN: &[Known] = &[
    k("en", "English", &["english"]),
    k(
        "es",
        "Español",
        &["spanish", "español", "espanol", "castellano"],
    ),
    k("de", "Deutsch", &["german", "deutsch"]),
    k("fr", "Français", &["french", "français", "francais"]),
    k("it", "Italiano", &["italian", "italiano"]),
    k("pt", "Português", &["portuguese", "português", "portugues"]),
    k(
        "pt-BR",
        "Português (Brasil)",
        &[
            "brazilian portuguese",
            "portuguese brazil",
            "portuguese brazilian",
            "português brasil",
            "portugues brasil",
            "brazilian",
        ],
    ),
    k("ja", "日本語", &["japanese", "日本語", "nihongo"]),
    k("ko", "한국어", &["korean", "한국어"]),
    k("zh", "中文", &["chinese", "中文"]),
    k(
        "zh-Hans",
        "简体中文",
        &[
            "simplified chinese",
            "chinese simplified",
            "simplified",
            "简体中文",
            "简体",
        ],
    ),
    k(
        "zh-Hant",
        "繁體中文",
        &[
            "traditional chinese",
            "chinese traditional",
            "traditional",
            "繁體中文",
            "繁體",
        ],
    ),
    k("ru", "Русский", &["russian", "русский"]),
    k("nl", "Nederlands", &["dutch", "nederlands"]),
    k("sv", "Svenska", &["swedish", "svenska"]),
    k("da", "Dansk", &["danish", "dansk"]),
    k(
        "nb",
        "Norsk bokmål",
        &["norwegian", "norsk", "bokmal", "bokmål"],
    ),
    k("fi", "Suomi", &["finnish", "suomi"]),
    k("pl", "Polski", &["polish", "polski"]),
    k("cs", "Čeština", &["czech", "čeština", "cestina"]),
    k("sk", "Slovenčina", &["slovak", "slovenčina", "slovencina"]),
    k(
        "sl",
        "Slovenščina",
        &["slovenian", "slovene", "slovenščina"],
    ),
    k("hu", "Magyar", &["hungarian", "magyar"]),
    k("ro", "Română", &["romanian", "română", "romana"]),
    k("bg", "Български", &["bulgarian", "български"]),
    k("hr", "Hrvatski", &["croatian", "hrvatski"]),
    k("sr", "Српски", &["serbian", "српски", "srpski"]),
    k("el", "Ελληνικά", &["greek", "ελληνικά"]),
    k("tr", "Türkçe", &["turkish", "türkçe", "turkce"]),
    k("uk", "Українська", &["ukrainian", "українська"]),
    k("et", "Eesti", &["estonian", "eesti"]),
    k("lv", "Latviešu", &["latvian", "latviešu"]),
    k("lt", "Lietuvių", &["lithuanian", "lietuvių"]),
    k("ca", "Català", &["catalan", "català"]),
    k("ar", "العربية", &["arabic", "العربية"]),
    k("he", "עברית", &["hebrew", "עברית"]),
    k("fa", "فارسی", &["persian", "farsi", "فارسی"]),
    k("hi", "हिन्दी", &["hindi", "हिन्दी"]),
    k("th", "ไทย", &["thai", "ไทย"]),
    k("vi", "Tiếng Việt", &["vietnamese", "tiếng việt"]),
    k(
        "id",
        "Bahasa Indonesia",
        &["indonesian", "bahasa indonesia"],
    ),
    k("ms", "Bahasa Melayu", &["malay", "bahasa melayu"]),
];

const fn k(code: &'static str, name: &'static str, words: &'static [&'static str]) -> Known {
    Known { code, name, words }
}

/// Country codes and abbreviations that playbooks use as language
/// suffixes (`-jp` for Japanese, `-sc` for Simplified Chinese).
const ALIASES: &[(&str, &str)] = &[
    ("jp", "ja"),
    ("kr", "ko"),
    ("cn", "zh-Hans"),
    ("sc", "zh-Hans"),
    ("chs", "zh-Hans"),
    ("tc", "zh-Hant"),
    ("cht", "zh-Hant"),
    ("tw", "zh-Hant"),
    ("br", "pt-BR"),
    ("pr", "pt"),
    ("cz", "cs"),
    ("dk", "da"),
    ("gr", "el"),
    ("ua", "uk"),
    ("se", "sv"),
    ("no", "nb"),
];

/// Words in folder names that say nothing about the language.
const NOISE: &[&str] = &[
    "playbook",
    "playbooks",
    "docs",
    "doc",
    "documentation",
    "content",
    "contents",
    "site",
    "guide",
    "guides",
    "pages",
    "lang",
    "language",
    "languages",
    "locale",
    "i18n",
    "l10n",
    "translation",
    "translations",
    "version",
    "files",
];

/// The display name of a code (the code itself for unknown ones).
pub(crate) fn name_of(code: &str) -> String {
    let primary = code.split('-').next().unwrap_or(code);
    KNOWN
        .iter()
        .find(|k| k.code.eq_ignore_ascii_case(code))
        .or_else(|| KNOWN.iter().find(|k| k.code.eq_ignore_ascii_case(primary)))
        .map_or_else(|| code.to_string(), |k| k.name.to_string())
}

/// How a folder name names a language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Naming {
    /// A language's name (`spanish-playbook`): sure.
    Name,
    /// A language tag (`es`, `ja-jp`): sure only beside other languages.
    Code,
}

/// The language a folder name names: `spanish-playbook` → es,
/// `simplified-chineses-playbook` → zh-Hans, `ja-jp` → ja-JP.
pub(crate) fn from_folder(name: &str) -> Option<(String, Naming)> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(['-', '_', ' ', '.'])
        .filter(|w| !w.is_empty() && !NOISE.contains(w))
        .collect();
    if words.is_empty() {
        return None;
    }
    if let Some(code) = tag(&words) {
        return Some((code, Naming::Code));
    }
    let phrase = words.join(" ");
    let singular: Vec<&str> = words
        .iter()
        .map(|w| w.strip_suffix('s').filter(|s| s.len() > 3).unwrap_or(w))
        .collect();
    let singular = singular.join(" ");
    KNOWN
        .iter()
        .find(|k| k.words.iter().any(|w| *w == phrase || *w == singular))
        .map(|k| (k.code.to_string(), Naming::Name))
}

/// Words that form a language tag: a known primary code, then a script
/// (`hans`) or region (`jp`, `419`). Written in the usual case: `zh-Hans`,
/// `ja-JP`.
fn tag(words: &[&str]) -> Option<String> {
    let primary = KNOWN
        .iter()
        .find(|k| !k.code.contains('-') && k.code == words[0])?
        .code;
    let mut code = primary.to_string();
    for w in &words[1..] {
        let part = if w.len() == 4 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            let mut s = w[..1].to_ascii_uppercase();
            s.push_str(&w[1..]);
            s
        } else if (w.len() == 2 && w.chars().all(|c| c.is_ascii_alphabetic()))
            || (w.len() == 3 && w.chars().all(|c| c.is_ascii_digit()))
        {
            w.to_ascii_uppercase()
        } else {
            return None;
        };
        code.push('-');
        code.push_str(&part);
    }
    Some(code)
}

/// The language a filename suffix names (`es`, `jp` → ja, `zh-hans` →
/// zh-Hans), if any.
pub(crate) fn from_suffix(suffix: &str) -> Option<String> {
    let lower = suffix.to_ascii_lowercase();
    if let Some((_, code)) = ALIASES.iter().find(|(a, _)| *a == lower) {
        return Some(code.to_string());
    }
    let words: Vec<&str> = lower.split('-').collect();
    tag(&words)
}

/// Do two codes name the same language (`ja` and `ja-JP`, not `zh-Hans`
/// and `zh-Hant`)?
pub(crate) fn same_language(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let primary = |c: &str| c.split('-').next().unwrap_or(c).to_ascii_lowercase();
    let (pa, pb) = (primary(a), primary(b));
    pa == pb && (!a.contains('-') || !b.contains('-')) && pa != "zh"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        let code = |n: &str| from_folder(n).map(|(c, _)| c);
        assert_eq!(code("english-playbook").as_deref(), Some("en"));
        assert_eq!(code("spanish").as_deref(), Some("es"));
        assert_eq!(code("es").as_deref(), Some("es"));
        assert_eq!(code("ja-jp").as_deref(), Some("ja-JP"));
        assert_eq!(code("zh-hans").as_deref(), Some("zh-Hans"));
        assert_eq!(
            code("simplified-chineses-playbook").as_deref(),
            Some("zh-Hans")
        );
        assert_eq!(code("Portuguese_Playbook").as_deref(), Some("pt"));
        assert_eq!(code("brazilian-portuguese").as_deref(), Some("pt-BR"));
        assert_eq!(code("media"), None);
        assert_eq!(code("includes"), None);
        assert_eq!(code("docs"), None);
        assert_eq!(code("operations-guide"), None);
        assert_eq!(from_folder("spanish").unwrap().1, Naming::Name);
        assert_eq!(from_folder("es").unwrap().1, Naming::Code);
    }

    #[test]
    fn suffixes() {
        assert_eq!(from_suffix("jp").as_deref(), Some("ja"));
        assert_eq!(from_suffix("sc").as_deref(), Some("zh-Hans"));
        assert_eq!(from_suffix("FR").as_deref(), Some("fr"));
        assert_eq!(from_suffix("zh-hant").as_deref(), Some("zh-Hant"));
        assert_eq!(from_suffix("partner"), None);
        assert_eq!(from_suffix("v2"), None);
        assert!(same_language("ja", "ja-JP"));
        assert!(!same_language("zh-Hans", "zh-Hant"));
        assert!(!same_language("zh", "zh-Hant"));
        assert_eq!(name_of("ja-JP"), "日本語");
    }
}
