//! The notices readers get about translations, in the languages of
//! [`super::strings`]: a translation older than its original, and a page
//! shown in its original language because it is not translated yet.

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Notices {
    /// On a translation whose original changed after it.
    pub(crate) stale: &'static str,
    /// On a fallback page: the original's text in this language's interface.
    pub(crate) fallback: &'static str,
    /// The link to the original page.
    pub(crate) original: &'static str,
}

const EN: Notices = Notices {
    stale: "This translation may be out of date: the original has changed since it was translated.",
    fallback: "This page has not been translated yet, so it is shown in its original language.",
    original: "Read the original",
};

const ES: Notices = Notices {
    stale: "Es posible que esta traducción no esté actualizada: el original ha cambiado desde que se tradujo.",
    fallback: "Esta página aún no se ha traducido, por lo que se muestra en su idioma original.",
    original: "Ver el original",
};

const DE: Notices = Notices {
    stale: "Diese Übersetzung ist möglicherweise veraltet: Das Original wurde seit der Übersetzung geändert.",
    fallback: "Diese Seite wurde noch nicht übersetzt und wird daher in ihrer Originalsprache angezeigt.",
    original: "Zum Original",
};

const FR: Notices = Notices {
    stale: "Cette traduction n’est peut-être plus à jour : l’original a été modifié depuis sa traduction.",
    fallback: "Cette page n’a pas encore été traduite ; elle est donc affichée dans sa langue d’origine.",
    original: "Voir l’original",
};

const PT: Notices = Notices {
    stale: "Esta tradução pode estar desatualizada: o original foi alterado desde que foi traduzido.",
    fallback: "Esta página ainda não foi traduzida e, por isso, é exibida no idioma original.",
    original: "Ver o original",
};

const JA: Notices = Notices {
    stale: "この翻訳は最新ではない可能性があります。翻訳後に原文が更新されています。",
    fallback: "このページはまだ翻訳されていないため、原文の言語で表示しています。",
    original: "原文を読む",
};

const ZH_HANS: Notices = Notices {
    stale: "此译文可能已过时：原文在翻译后已有更改。",
    fallback: "此页面尚未翻译，因此以原文语言显示。",
    original: "阅读原文",
};

/// The notices for a language code, as [`super::strings`] picks strings.
pub(crate) fn notices(code: &str) -> &'static Notices {
    match super::primary(code).as_str() {
        "es" => &ES,
        "de" => &DE,
        "fr" => &FR,
        "pt" => &PT,
        "ja" => &JA,
        "zh" => &ZH_HANS,
        _ => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_of_the_interface_has_notices() {
        for code in ["es", "de", "fr", "pt-BR", "ja", "zh-Hans"] {
            assert_ne!(notices(code).stale, EN.stale, "{code}");
        }
        assert_eq!(notices("xx").original, EN.original);
    }
}
