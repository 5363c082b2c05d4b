//! The words of Folio's own interface (navigation labels, callout titles),
//! in the languages playbooks are commonly translated into. A language
//! without an entry falls back to English.

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Strings {
    pub(crate) skip_to_content: &'static str,
    pub(crate) navigation: &'static str,
    pub(crate) breadcrumbs: &'static str,
    pub(crate) on_this_page: &'static str,
    pub(crate) last_updated: &'static str,
    pub(crate) previous: &'static str,
    pub(crate) next: &'static str,
    pub(crate) language: &'static str,
    pub(crate) not_translated: &'static str,
    pub(crate) home: &'static str,
    pub(crate) menu: &'static str,
    /// The sidebar's link to the language's printable page.
    pub(crate) printable: &'static str,
    /// Closes the small-screen menu opened without JavaScript.
    pub(crate) close_menu: &'static str,
    pub(crate) not_found_title: &'static str,
    pub(crate) not_found_text: &'static str,
    pub(crate) choose_language: &'static str,
    pub(crate) note: &'static str,
    pub(crate) tip: &'static str,
    pub(crate) important: &'static str,
    pub(crate) warning: &'static str,
    pub(crate) caution: &'static str,
    pub(crate) mandatory: &'static str,
    pub(crate) optional: &'static str,
    pub(crate) permalink: &'static str,
}

const EN: Strings = Strings {
    skip_to_content: "Skip to content",
    navigation: "Navigation",
    breadcrumbs: "Breadcrumbs",
    on_this_page: "On this page",
    last_updated: "Last updated",
    previous: "Previous",
    next: "Next",
    language: "Language",
    not_translated: "not translated yet",
    home: "Home",
    menu: "Menu",
    printable: "Printable version",
    close_menu: "Close menu",
    not_found_title: "Page not found",
    not_found_text: "The page you asked for does not exist. It may have moved or been renamed.",
    choose_language: "Choose your language",
    note: "Note",
    tip: "Tip",
    important: "Important",
    warning: "Warning",
    caution: "Caution",
    mandatory: "Mandatory",
    optional: "Optional",
    permalink: "Link to this section",
};

const ES: Strings = Strings {
    skip_to_content: "Ir al contenido",
    navigation: "Navegación",
    breadcrumbs: "Ruta de navegación",
    on_this_page: "En esta página",
    last_updated: "Última actualización",
    previous: "Anterior",
    next: "Siguiente",
    language: "Idioma",
    not_translated: "aún sin traducir",
    home: "Inicio",
    menu: "Menú",
    printable: "Versión para imprimir",
    close_menu: "Cerrar menú",
    not_found_title: "Página no encontrada",
    not_found_text: "La página que busca no existe. Puede que se haya movido o cambiado de nombre.",
    choose_language: "Elija su idioma",
    note: "Nota",
    tip: "Sugerencia",
    important: "Importante",
    warning: "Advertencia",
    caution: "Precaución",
    mandatory: "Obligatoria",
    optional: "Opcional",
    permalink: "Enlace a esta sección",
};

const DE: Strings = Strings {
    skip_to_content: "Zum Inhalt springen",
    navigation: "Navigation",
    breadcrumbs: "Brotkrumen",
    on_this_page: "Auf dieser Seite",
    last_updated: "Zuletzt aktualisiert",
    previous: "Zurück",
    next: "Weiter",
    language: "Sprache",
    not_translated: "noch nicht übersetzt",
    home: "Startseite",
    menu: "Menü",
    printable: "Druckversion",
    close_menu: "Menü schließen",
    not_found_title: "Seite nicht gefunden",
    not_found_text: "Die angeforderte Seite existiert nicht. Sie wurde vielleicht verschoben oder umbenannt.",
    choose_language: "Sprache wählen",
    note: "Hinweis",
    tip: "Tipp",
    important: "Wichtig",
    warning: "Warnung",
    caution: "Vorsicht",
    mandatory: "Erforderlich",
    optional: "Optional",
    permalink: "Link zu diesem Abschnitt",
};

const FR: Strings = Strings {
    skip_to_content: "Aller au contenu",
    navigation: "Navigation",
    breadcrumbs: "Fil d’Ariane",
    on_this_page: "Sur cette page",
    last_updated: "Dernière mise à jour",
    previous: "Précédent",
    next: "Suivant",
    language: "Langue",
    not_translated: "pas encore traduit",
    home: "Accueil",
    menu: "Menu",
    printable: "Version imprimable",
    close_menu: "Fermer le menu",
    not_found_title: "Page introuvable",
    not_found_text: "La page demandée n’existe pas. Elle a peut-être été déplacée ou renommée.",
    choose_language: "Choisissez votre langue",
    note: "Remarque",
    tip: "Conseil",
    important: "Important",
    warning: "Avertissement",
    caution: "Attention",
    mandatory: "Obligatoire",
    optional: "Facultative",
    permalink: "Lien vers cette section",
};

const PT: Strings = Strings {
    skip_to_content: "Ir para o conteúdo",
    navigation: "Navegação",
    breadcrumbs: "Trilha de navegação",
    on_this_page: "Nesta página",
    last_updated: "Última atualização",
    previous: "Anterior",
    next: "Próximo",
    language: "Idioma",
    not_translated: "ainda não traduzido",
    home: "Início",
    menu: "Menu",
    printable: "Versão para impressão",
    close_menu: "Fechar menu",
    not_found_title: "Página não encontrada",
    not_found_text: "A página solicitada não existe. Ela pode ter sido movida ou renomeada.",
    choose_language: "Escolha o seu idioma",
    note: "Observação",
    tip: "Dica",
    important: "Importante",
    warning: "Aviso",
    caution: "Cuidado",
    mandatory: "Obrigatória",
    optional: "Opcional",
    permalink: "Link para esta seção",
};

const JA: Strings = Strings {
    skip_to_content: "本文へスキップ",
    navigation: "ナビゲーション",
    breadcrumbs: "パンくずリスト",
    on_this_page: "このページの内容",
    last_updated: "最終更新日",
    previous: "前へ",
    next: "次へ",
    language: "言語",
    not_translated: "未翻訳",
    home: "ホーム",
    menu: "メニュー",
    printable: "印刷用ページ",
    close_menu: "メニューを閉じる",
    not_found_title: "ページが見つかりません",
    not_found_text: "お探しのページは存在しません。移動したか名前が変更された可能性があります。",
    choose_language: "言語を選択してください",
    note: "注",
    tip: "ヒント",
    important: "重要",
    warning: "警告",
    caution: "注意",
    mandatory: "必須",
    optional: "オプション",
    permalink: "このセクションへのリンク",
};

const ZH_HANS: Strings = Strings {
    skip_to_content: "跳到正文",
    navigation: "导航",
    breadcrumbs: "导航路径",
    on_this_page: "本页内容",
    last_updated: "上次更新",
    previous: "上一页",
    next: "下一页",
    language: "语言",
    not_translated: "尚未翻译",
    home: "主页",
    menu: "菜单",
    printable: "打印版",
    close_menu: "关闭菜单",
    not_found_title: "找不到页面",
    not_found_text: "您请求的页面不存在，可能已被移动或重命名。",
    choose_language: "选择语言",
    note: "注意",
    tip: "提示",
    important: "重要",
    warning: "警告",
    caution: "小心",
    mandatory: "必需",
    optional: "可选",
    permalink: "指向此部分的链接",
};

/// The interface strings for a language code (`es`, `pt-BR`, `zh-Hans`).
pub(crate) fn strings(code: &str) -> &'static Strings {
    let lower = code.to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or("");
    match primary {
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
    fn falls_back_to_english_and_matches_primary_subtag() {
        assert_eq!(strings("pt-BR").next, "Próximo");
        assert_eq!(strings("zh-Hans").note, "注意");
        assert_eq!(strings("xx").note, "Note");
    }
}
