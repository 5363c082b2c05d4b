//! Entry points for the fuzz targets in `fuzz/` (`cargo fuzz`), and for
//! nothing else: not part of Folio's API, hidden from its documentation.
//!
//! Each runs the real code paths on input held in memory instead of a
//! content folder: [`crate::content`] decodes and classifies the files
//! (`load_bytes`, the same loader a build uses after reading), then
//! [`Site::from_content`] parses and resolves, [`crate::check`] reports and
//! the [`Renderer`] produces every output's bytes, which are returned
//! instead of written. Nothing is read from or written to the disk: the
//! site claims a root that does not exist, and assets are only named.

use crate::check;
use crate::config::{Config, ConfigError};
use crate::content::{self, Content, Loaded};
use crate::diagnostic::Diagnostic;
use crate::render::{File, Renderer, Templates};
use crate::site::{Purpose, Site};
use std::path::Path;
use std::sync::OnceLock;

/// The root an in-memory site claims; nothing is read there.
const ROOT: &str = "/nonexistent/folio-fuzzing";

/// Where [`page`] puts the page it is given.
pub const PAGE: &str = "en/page.md";

/// What building a site from memory gave.
#[derive(Debug, Default)]
pub struct Built {
    /// Every output, in the order the renderer lists them: its
    /// site-relative path and bytes (empty for an asset, which a build
    /// copies from the content folder).
    pub files: Vec<(String, Vec<u8>)>,
    /// Every diagnostic, with the site's severities, sorted as
    /// `folio check` reports them.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads `bytes` as the page [`PAGE`] of a site with the default
/// configuration: decoding (BOM, line ends, invalid UTF-8), the front
/// matter split and parsed, the date read. What loading found wrong.
pub fn front_matter(bytes: &[u8]) -> Vec<Diagnostic> {
    match content::load_bytes(default_config(), PAGE, bytes.to_vec()) {
        Some(Loaded::Page(page)) => page.diagnostics,
        _ => Vec::new(),
    }
}

/// Builds a site with the default configuration whose page [`PAGE`] is
/// `page`, beside `files` (content-relative paths, such as
/// `en/includes/a.md` for `[!INCLUDE]` or `en/other.md` to link to;
/// paths a content walk would never yield are left out).
pub fn page(page: &[u8], files: &[(&str, &[u8])]) -> Built {
    let mut all = Vec::with_capacity(files.len() + 1);
    all.push((PAGE, page));
    all.extend_from_slice(files);
    build(default_config().clone(), &all)
}

/// Builds a site of `files` with the default configuration whose
/// `toc.yml` (at the content root) is `toc`.
pub fn toc(toc: &[u8], files: &[(&str, &[u8])]) -> Built {
    let mut all = Vec::with_capacity(files.len() + 1);
    all.push(("toc.yml", toc));
    all.extend_from_slice(files);
    build(default_config().clone(), &all)
}

/// Parses `folio_yml` as `folio.yml`, then builds a site of `files` with
/// that configuration.
pub fn site(folio_yml: &str, files: &[(&str, &[u8])]) -> Result<Built, ConfigError> {
    let root = Path::new(ROOT);
    let config = Config::parse(root, &root.join("folio.yml"), folio_yml)?;
    Ok(build(config, files))
}

/// The configuration of a site without `folio.yml`, parsed once.
fn default_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let root = Path::new(ROOT);
        Config::parse(root, &root.join("folio.yml"), "")
            .unwrap_or_else(|e| panic!("the default configuration is valid: {e}"))
    })
}

/// The built-in templates, compiled once.
fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        Templates::defaults()
            .unwrap_or_else(|d| panic!("the built-in templates compile: {}", d.message))
    })
}

/// Loads, parses, resolves, checks and renders a site held in memory.
fn build(config: Config, files: &[(&str, &[u8])]) -> Built {
    let mut content = Content::default();
    for (rel, bytes) in files {
        if let Some(loaded) = content::load_bytes(&config, rel, bytes.to_vec()) {
            content.insert(loaded);
        }
    }
    // As `folio build` loads a site, with pages' HTML kept in memory.
    let site = Site::from_content(config, content, Purpose::Build);
    let mut found = check::run(&site);
    let renderer = Renderer::new(&site, templates());
    let mut written = Vec::new();
    for output in renderer.outputs() {
        match renderer.produce(&output) {
            Ok(files) => written.extend(files.into_iter().map(|f| match f.content {
                File::Bytes(bytes) => (f.path, bytes),
                File::Copy(_) => (f.path, Vec::new()),
            })),
            Err(d) => found.push(*d),
        }
    }
    Built {
        files: written,
        diagnostics: check::finish(&site, found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn a_page_builds_in_memory_with_its_include() {
        let built = page(
            b"---\ntitle: T\n---\n# T\n\n[!INCLUDE [a](includes/a.md)]\n\n[x](missing.md)\n",
            &[("en/includes/a.md", b"Included [y](../page.md#t).\n")],
        );
        let (_, html) = built
            .files
            .iter()
            .find(|(p, _)| p == "en/page/index.html")
            .expect("the page is rendered");
        let html = String::from_utf8_lossy(html);
        assert!(html.contains("Included"), "{html}");
        assert!(
            built.diagnostics.iter().any(|d| d.code == Code::LinkBroken),
            "{:?}",
            built.diagnostics
        );
    }

    #[test]
    fn front_matter_reports_and_paths_outside_are_ignored() {
        let found = front_matter(b"---\ntitle: [\n---\n");
        assert!(found.iter().any(|d| d.code == Code::FrontMatterSyntax));
        let built = page(b"# P\n", &[("../x.md", b"# X\n"), ("/abs.md", b"# A\n")]);
        assert!(
            built
                .files
                .iter()
                .all(|(p, _)| !p.contains("x/") && !p.contains("abs"))
        );
    }

    /// The first `page` fuzz finding (a check of the harness, not a bug):
    /// a file name with `\` is one name on the systems Folio writes to, so
    /// its copy stays inside the output folder, beside its language's pages.
    #[test]
    fn a_backslash_in_a_file_name_stays_one_name() {
        let built = page(b"# P\n", &[("en/a\\..\\x.png", b"")]);
        assert!(
            built.files.iter().any(|(p, _)| p == "en/a\\..\\x.png"),
            "{:?}",
            built.files.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_bad_folio_yml_is_an_error() {
        assert!(site("languages: 3\n", &[]).is_err());
        assert!(site("title: T\n", &[("en/a.md", b"# A\n")]).is_ok());
    }
}
