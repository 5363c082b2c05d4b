//! Tera templates: defaults compiled into the binary; a site's own
//! `templates/` overrides them file by file. Parsed once per build.

use crate::diagnostic::{Code, Diagnostic};
use std::path::Path;
use tera::Tera;

/// The default templates, by name.
pub(crate) const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    (
        "switcher.html",
        include_str!("../../templates/switcher.html"),
    ),
    ("page.html", include_str!("../../templates/page.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("sidebar.html", include_str!("../../templates/sidebar.html")),
    ("print.html", include_str!("../../templates/print.html")),
    ("chooser.html", include_str!("../../templates/chooser.html")),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "playbook-links.html",
        include_str!("../../templates/playbook-links.html"),
    ),
    ("tasks.html", include_str!("../../templates/tasks.html")),
    ("phases.html", include_str!("../../templates/phases.html")),
    ("status.html", include_str!("../../templates/status.html")),
    (
        "status_rows.html",
        include_str!("../../templates/status_rows.html"),
    ),
    ("head.html", include_str!("../../templates/head.html")),
    ("footer.html", include_str!("../../templates/footer.html")),
    (
        "theme-toggle.html",
        include_str!("../../templates/theme-toggle.html"),
    ),
    (
        "toc-inline.html",
        include_str!("../../templates/toc-inline.html"),
    ),
    ("search.html", include_str!("../../templates/search.html")),
];

/// The default theme files, by site-relative output path.
pub(crate) const THEME: &[(&str, &[u8])] = &[
    ("theme/folio.css", include_bytes!("../../theme/folio.css")),
    ("theme/folio.js", include_bytes!("../../theme/folio.js")),
    (
        "theme/favicon.svg",
        include_bytes!("../../theme/favicon.svg"),
    ),
    ("theme/search.js", include_bytes!("../../theme/search.js")),
    ("theme/search.css", include_bytes!("../../theme/search.css")),
];

/// The files of a site's override folder (`templates/`, `theme/`), relative
/// to it and sorted; hidden files and editor leftovers are not the site's.
pub(crate) fn override_files(dir: &Path) -> Vec<String> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(dir).ok().map(crate::paths::to_slash))
        .filter(|rel| !crate::paths::is_ignored_file(rel))
        .collect()
}

pub(crate) struct Templates {
    pub(crate) tera: Tera,
}

impl Templates {
    /// The defaults overridden by `site_root/templates/*`. A template that
    /// does not parse is a diagnostic naming the file.
    pub(crate) fn load(site_root: &Path) -> Result<Templates, Box<Diagnostic>> {
        let mut sources = default_sources();
        let dir = site_root.join("templates");
        for name in override_files(&dir) {
            let shown = format!("templates/{name}");
            let bytes = std::fs::read(dir.join(&name)).map_err(|e| {
                Box::new(
                    Diagnostic::new(
                        Code::TemplateError,
                        &shown,
                        format!("cannot read the template: {e}"),
                    )
                    .at(1, 1),
                )
            })?;
            let text = crate::text::decode(bytes).map_err(|bad| {
                Box::new(
                    Diagnostic::new(
                        Code::TemplateError,
                        &shown,
                        "the template is not valid UTF-8",
                    )
                    .at(bad.pos.line, bad.pos.column),
                )
            })?;
            match sources.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = text,
                None => sources.push((name, text)),
            }
        }
        Templates::compile(&sources)
    }

    /// The built-in templates alone, as a site without `templates/` has.
    pub(crate) fn defaults() -> Result<Templates, Box<Diagnostic>> {
        Templates::compile(&default_sources())
    }

    /// Compiles named template texts.
    fn compile(sources: &[(String, String)]) -> Result<Templates, Box<Diagnostic>> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which makes every URL unreadable.
        tera.set_escape_fn(crate::html::escape);
        super::chrome::register_filters(&mut tera);
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| Box::new(template_error(&e, sources)))?;
        Ok(Templates { tera })
    }

    pub(crate) fn render(
        &self,
        name: &str,
        context: &tera::Context,
    ) -> Result<String, tera::Error> {
        self.tera.render(name, context)
    }
}

/// The built-in templates' names and texts.
fn default_sources() -> Vec<(String, String)> {
    DEFAULTS
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect()
}

/// Tera errors nest the useful part; flatten the chain into one message
/// and point at the template file.
pub(crate) fn template_error(e: &tera::Error, sources: &[(String, String)]) -> Diagnostic {
    let message = error_chain(e);
    let file = sources
        .iter()
        .map(|(n, _)| n)
        .find(|n| message.contains(&format!("'{n}'")))
        .map(|n| format!("templates/{n}"))
        .unwrap_or_else(|| "templates".to_string());
    let (line, column) = parse_position(&message).unwrap_or((1, 1));
    Diagnostic::new(Code::TemplateError, file, message).at(line, column)
}

pub(crate) fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message.replace('\n', " ")
}

/// Tera reports parse errors as `--> 3:7`.
fn parse_position(message: &str) -> Option<(u32, u32)> {
    let at = message.find("--> ")? + 4;
    let rest = &message[at..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse() {
        let tmp = crate::check::tests::TempDir::new("no-templates");
        assert!(Templates::load(tmp.path()).is_ok());
    }

    #[test]
    fn override_replaces_one_file_and_errors_name_it() {
        let tmp = crate::check::tests::TempDir::new("tpl");
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::write(
            dir.join("templates/404.html"),
            "custom {{ ui.not_found_title }}",
        )
        .unwrap();
        let t = Templates::load(dir).unwrap();
        let mut cx = tera::Context::new();
        cx.insert("ui", crate::i18n::strings("en"));
        assert_eq!(t.render("404.html", &cx).unwrap(), "custom Page not found");
        std::fs::write(dir.join("templates/404.html"), "{% if %}").unwrap();
        let e = Templates::load(dir).err().unwrap();
        assert_eq!(e.file, "templates/404.html");
        assert_eq!(e.code, Code::TemplateError);
    }
}
