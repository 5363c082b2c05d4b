//! Loading the content directory: which files are pages, fragments, tocs and
//! assets; reading them as authors wrote them (BOM, CRLF, front matter quirks);
//! placing each page in a language with a translation key.
//!
//! Nothing here fails the whole site: a file that cannot be read becomes a
//! diagnostic and a page marked `failed`.

pub(crate) mod front_matter;
pub(crate) mod language;
mod walk;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use front_matter::{Date, FrontMatter};
pub(crate) use language::{Placement, TranslationKey};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
pub(crate) use walk::scan;

/// What a content file is to the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// Markdown rendered at its own URL.
    Page,
    /// Markdown under an `includes/` folder: only inlined by `[!INCLUDE]`.
    Fragment,
    /// A DocFX `toc.yml`.
    Toc,
    /// Anything else (images, PDFs): copied as is.
    Asset,
}

/// Classifies a content-relative path; `None` for files Folio ignores
/// (hidden files, editor leftovers, `exclude` globs) and for files the
/// content walk does not read (behind a symlink it does not follow, or in
/// a folder too deep): the one rule for a build and for `serve`'s reloads.
pub(crate) fn classify(config: &Config, rel: &str) -> Option<FileKind> {
    let kind = classify_name(config, rel)?;
    walk::admitted(config, rel).then_some(kind)
}

/// [`classify`] by the path alone, for the walk that has already looked
/// at the file system.
fn classify_name(config: &Config, rel: &str) -> Option<FileKind> {
    if crate::paths::is_ignored_file(rel) || config.is_excluded(rel) || config.is_reserved(rel) {
        return None;
    }
    let name = crate::paths::file_name(rel);
    if language::is_markdown(name) {
        let dirs = crate::paths::parent(rel);
        if dirs.split('/').any(|d| d.eq_ignore_ascii_case("includes")) {
            Some(FileKind::Fragment)
        } else {
            Some(FileKind::Page)
        }
    } else if name.eq_ignore_ascii_case("toc.yml") || name.eq_ignore_ascii_case("toc.yaml") {
        Some(FileKind::Toc)
    } else if crate::paths::is_source_only(name) {
        None
    } else {
        Some(FileKind::Asset)
    }
}

/// A Markdown page as loaded from disk.
#[derive(Clone, Debug)]
pub(crate) struct PageSource {
    /// Content-relative path.
    pub(crate) path: String,
    pub(crate) placement: Placement,
    /// The file's text with BOM removed and line ends normalized to `\n`
    /// (empty once released or packed: read it with [`PageSource::markdown`]).
    pub(crate) text: String,
    pub(crate) text_released: bool,
    /// The text, LZ4-compressed, when the content keeps texts (`serve`
    /// parses pages again on every save, and 10,000 pages' Markdown is
    /// 85 MB as it was read).
    packed: Option<Box<[u8]>>,
    pub(crate) front_matter: FrontMatter,
    /// Byte offset in `text` where the Markdown body starts.
    pub(crate) body_start: usize,
    pub(crate) date: Option<Date>,
    /// The file could not be read or its front matter does not parse: it
    /// still exists for links, but it is not rendered.
    pub(crate) failed: bool,
    /// What loading this file found wrong.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl PageSource {
    /// The page's text: in memory, unpacked, or read from disk again if
    /// it was released (`None` if that fails).
    pub(crate) fn markdown(&self, config: &Config) -> Option<Cow<'_, str>> {
        if !self.text_released {
            return Some(Cow::Borrowed(&self.text));
        }
        match &self.packed {
            Some(packed) => lz4_flex::decompress_size_prepended(packed)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map(Cow::Owned),
            None => read_text(config, &self.path).ok().map(Cow::Owned),
        }
    }

    /// Keeps the text compressed instead of as it was read.
    fn pack_text(&mut self) {
        let text = std::mem::take(&mut self.text);
        self.packed = Some(lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice());
        self.text_released = true;
    }
}

/// A text file that is not a page: an include fragment or a toc.
#[derive(Clone, Debug)]
pub(crate) struct TextFile {
    pub(crate) path: String,
    /// `None` when the file could not be read (a diagnostic says why).
    pub(crate) text: Option<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Everything in the content directory, sorted by path.
#[derive(Clone, Debug, Default)]
pub(crate) struct Content {
    /// Sorted by path.
    pages: Vec<PageSource>,
    pub(crate) fragments: BTreeMap<String, TextFile>,
    pub(crate) tocs: BTreeMap<String, TextFile>,
    pub(crate) assets: BTreeSet<String>,
    /// Problems with the directory itself (missing, unreadable entries).
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Pages found but not read yet, while [`Content::load_with`] reads
    /// them: what an include may name before its page is loaded.
    unread_pages: std::collections::HashSet<String>,
}

impl Content {
    /// Walks the content directory and reads every page, fragment and toc in parallel.
    pub(crate) fn load(config: &Config) -> Content {
        let mut content = Content::default();
        if !config.content_dir.is_dir() {
            content.diagnostics.push(Diagnostic::new(
                Code::FileUnreadable,
                config.display_path(&config.content_dir),
                format!(
                    "the content directory {} does not exist; create it or set `content_dir` in folio.yml",
                    config.content_dir.display()
                ),
            ));
            return content;
        }
        let (files, diagnostics) = scan(config, "");
        content.diagnostics = diagnostics;
        let loaded: Vec<Loaded> = files
            .into_par_iter()
            .map(|(rel, kind)| load_file(config, &rel, kind))
            .collect();
        for item in loaded {
            content.insert(item);
        }
        content
    }

    /// Walks the content directory like [`Content::load`], but hands each
    /// page to `each_page` as soon as it is read (with the content read so
    /// far: fragments, tocs and assets; other pages' texts are read on
    /// demand) and, unless `keep_texts`, releases its text right after: a
    /// build or check never holds every page's text at once.
    pub(crate) fn load_with<T: Send>(
        config: &Config,
        keep_texts: bool,
        each_page: impl Fn(&Content, &PageSource) -> T + Sync,
    ) -> (Content, Vec<T>) {
        let mut content = Content::default();
        if !config.content_dir.is_dir() {
            return (Content::load(config), Vec::new());
        }
        let (files, diagnostics) = scan(config, "");
        content.diagnostics = diagnostics;
        let (pages, others): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|(_, kind)| *kind == FileKind::Page);
        let loaded: Vec<Loaded> = others
            .into_par_iter()
            .map(|(rel, kind)| load_file(config, &rel, kind))
            .collect();
        for item in loaded {
            content.insert(item);
        }
        content.unread_pages = pages.iter().map(|(rel, _)| rel.clone()).collect();
        let mut done: Vec<(PageSource, T)> = pages
            .into_par_iter()
            .map(|(rel, _)| {
                let mut page = load_page(config, &rel, read_text(config, &rel));
                let made = each_page(&content, &page);
                if keep_texts {
                    page.pack_text();
                } else {
                    page.text = String::new();
                    page.text_released = true;
                }
                (page, made)
            })
            .collect();
        content.unread_pages.clear();
        done.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        let (sources, made): (Vec<PageSource>, Vec<T>) = done.into_iter().unzip();
        content.pages = sources;
        (content, made)
    }

    /// Adds or replaces one loaded file.
    pub(crate) fn insert(&mut self, item: Loaded) {
        match item {
            Loaded::Page(page) => match self.pages.binary_search_by(|p| p.path.cmp(&page.path)) {
                Ok(i) => self.pages[i] = *page,
                Err(i) => self.pages.insert(i, *page),
            },
            Loaded::Fragment(f) => {
                self.fragments.insert(f.path.clone(), f);
            }
            Loaded::Toc(t) => {
                self.tocs.insert(t.path.clone(), t);
            }
            Loaded::Asset(a) => {
                self.assets.insert(a);
            }
        }
    }

    /// Forgets a file that was deleted.
    pub(crate) fn remove(&mut self, rel: &str) {
        self.pages.retain(|p| p.path != rel);
        self.fragments.remove(rel);
        self.tocs.remove(rel);
        self.assets.remove(rel);
    }

    /// Forgets a deleted file, or every file under a deleted (or renamed)
    /// folder; `""` is the whole content directory.
    pub(crate) fn remove_tree(&mut self, rel: &str) {
        for path in self.files_under(rel) {
            self.remove(&path);
        }
    }

    /// Every known file at `rel` or under the folder `rel` (`""`: all files).
    pub(crate) fn files_under(&self, rel: &str) -> Vec<String> {
        self.pages
            .iter()
            .map(|p| p.path.as_str())
            .chain(self.fragments.keys().map(String::as_str))
            .chain(self.tocs.keys().map(String::as_str))
            .chain(self.assets.iter().map(String::as_str))
            .filter(|p| crate::paths::is_within(p, rel))
            .map(str::to_string)
            .collect()
    }

    /// The text of any Markdown file (page or fragment), for includes;
    /// `None` for a page whose text was released.
    pub(crate) fn markdown_text(&self, rel: &str) -> Option<&str> {
        if let Some(f) = self.fragments.get(rel) {
            return f.text.as_deref();
        }
        self.page(rel)
            .filter(|p| !p.text_released)
            .map(|p| p.text.as_str())
    }

    /// Frees the texts of pages `keep` does not name. Once every page is
    /// parsed, a build or check needs a page's text again only for a
    /// report excerpt, and [`Content::page_text`] reads it back then.
    pub(crate) fn release_page_texts(&mut self, keep: impl Fn(&str) -> bool) {
        for page in self.pages.iter_mut().filter(|p| !keep(&p.path)) {
            page.text = String::new();
            page.text_released = true;
        }
    }

    /// A page's text: as loaded, or read from disk if it was released or
    /// is not read yet.
    pub(crate) fn page_text(&self, config: &Config, rel: &str) -> Option<Cow<'_, str>> {
        match self.page(rel) {
            Some(page) => page.markdown(config),
            None if self.unread_pages.contains(rel) => read_text(config, rel).ok().map(Cow::Owned),
            None => None,
        }
    }

    /// The text of any Markdown file (fragment or page), reading a page's
    /// text from disk when it is not in memory: what includes see.
    pub(crate) fn markdown_source(&self, config: &Config, rel: &str) -> Option<Cow<'_, str>> {
        match self.fragments.get(rel) {
            Some(f) => f.text.as_deref().map(Cow::Borrowed),
            None => self.page_text(config, rel),
        }
    }

    /// Every page, sorted by path.
    pub(crate) fn pages(&self) -> &[PageSource] {
        &self.pages
    }

    /// Every page, sorted by path, to replace some (their paths stay).
    pub(crate) fn pages_mut(&mut self) -> &mut [PageSource] {
        &mut self.pages
    }

    /// The page at this content-relative path.
    pub(crate) fn page(&self, rel: &str) -> Option<&PageSource> {
        self.pages
            .binary_search_by(|p| p.path.as_str().cmp(rel))
            .ok()
            .map(|i| &self.pages[i])
    }

    /// Is there a Markdown file (page or fragment) at this path?
    pub(crate) fn has_markdown(&self, rel: &str) -> bool {
        self.fragments.contains_key(rel)
            || self
                .pages
                .binary_search_by(|p| p.path.as_str().cmp(rel))
                .is_ok()
    }
}

/// One file read from disk.
#[derive(Clone, Debug)]
pub(crate) enum Loaded {
    Page(Box<PageSource>),
    Fragment(TextFile),
    Toc(TextFile),
    Asset(String),
}

impl Loaded {
    /// The file's content-relative path.
    pub(crate) fn path(&self) -> &str {
        match self {
            Loaded::Page(p) => &p.path,
            Loaded::Fragment(f) | Loaded::Toc(f) => &f.path,
            Loaded::Asset(a) => a,
        }
    }
}

/// Reads one content file (content-relative path) of a known kind.
pub(crate) fn load_file(config: &Config, rel: &str, kind: FileKind) -> Loaded {
    if kind == FileKind::Asset {
        return Loaded::Asset(rel.to_string());
    }
    load_text(config, rel, kind, read_text(config, rel))
}

/// Classifies a content-relative path by its name alone and loads the
/// file from bytes already in memory: what [`load_file`] does after
/// reading, for `fuzzing`. `None` for a path the walk would never yield
/// (absolute, `..`, empty or hidden segments, too deep) or would ignore.
pub(crate) fn load_bytes(config: &Config, rel: &str, bytes: Vec<u8>) -> Option<Loaded> {
    let normal = !rel.is_empty()
        && rel
            .split('/')
            .all(|part| !matches!(part, "" | "." | "..") && !part.starts_with('.'));
    if !normal || walk::depth(crate::paths::parent(rel)) > crate::limits::FOLDER_DEPTH {
        return None;
    }
    let kind = classify_name(config, rel)?;
    if kind == FileKind::Asset {
        return Some(Loaded::Asset(rel.to_string()));
    }
    if bytes.len() as u64 > crate::limits::TEXT_FILE_BYTES {
        let too_large = too_large(&config.source_path(rel), bytes.len() as u64);
        return Some(load_text(config, rel, kind, Err(too_large)));
    }
    Some(load_text(
        config,
        rel,
        kind,
        decode_text(config, rel, bytes),
    ))
}

/// A page, fragment or toc from its text, or from why it could not be read.
fn load_text(
    config: &Config,
    rel: &str,
    kind: FileKind,
    text: Result<String, Box<Diagnostic>>,
) -> Loaded {
    if kind == FileKind::Page {
        return Loaded::Page(Box::new(load_page(config, rel, text)));
    }
    let mut diagnostics = Vec::new();
    let text = match text {
        Ok(t) => Some(t),
        Err(d) => {
            diagnostics.push(*d);
            None
        }
    };
    let file = TextFile {
        path: rel.to_string(),
        text,
        diagnostics,
    };
    if kind == FileKind::Toc {
        Loaded::Toc(file)
    } else {
        Loaded::Fragment(file)
    }
}

fn load_page(config: &Config, rel: &str, text: Result<String, Box<Diagnostic>>) -> PageSource {
    let placement = language::place(config, rel);
    let source = config.source_path(rel);
    let mut page = PageSource {
        path: rel.to_string(),
        placement,
        text: String::new(),
        text_released: false,
        packed: None,
        front_matter: FrontMatter::default(),
        body_start: 0,
        date: None,
        failed: false,
        diagnostics: Vec::new(),
    };
    if let Some(conflict) = page.placement.conflict {
        let d = language_conflict(config, &source, conflict, page.placement.suffix.as_deref());
        page.diagnostics.push(d);
    }
    match text {
        Ok(text) => page.text = text,
        Err(d) => {
            page.diagnostics.push(*d);
            page.failed = true;
            return page;
        }
    }
    read_front_matter(&mut page, &source);
    read_date(config, &mut page, &source);
    page
}

/// `language-conflict`: the folder says one language, the suffix another.
fn language_conflict(
    config: &Config,
    source: &str,
    conflict: language::LanguageConflict,
    suffix: Option<&str>,
) -> Diagnostic {
    let (f, s) = (
        config.language(conflict.folder),
        config.language(conflict.suffix),
    );
    Diagnostic::new(
        Code::LanguageConflict,
        source,
        format!(
            "the folder `{}` says {} but the filename suffix `-{}` says {}; the file is treated as {}",
            f.dir,
            f.code,
            suffix.unwrap_or(""),
            s.code,
            f.code
        ),
    )
    .at(1, 1)
    .hint(format!(
        "move the file to `{}/` or rename it with a `-{}` suffix",
        if s.dir.is_empty() { "." } else { &s.dir },
        f.suffixes.first().map(String::as_str).unwrap_or(&f.code)
    ))
}

/// Splits and parses the front matter of a page whose text is read; a
/// block that is not YAML (or over the limits) fails the page.
fn read_front_matter(page: &mut PageSource, source: &str) {
    let block = match front_matter::split(&page.text) {
        Ok(None) => return,
        Ok(Some(block)) => block,
        Err(e) => {
            page.diagnostics.push(
                Diagnostic::new(Code::FrontMatterSyntax, source, e.message).at(e.line, e.column),
            );
            page.failed = true;
            return;
        }
    };
    page.body_start = block.body_start;
    match front_matter::parse(&block) {
        Ok(fm) => {
            for d in &fm.duplicates {
                page.diagnostics.push(
                    Diagnostic::new(
                        Code::FrontMatterDuplicate,
                        source,
                        format!(
                            "`{}` is already set on line {}; this later value is used",
                            d.key, d.earlier.line
                        ),
                    )
                    .at(d.later.line, d.later.column)
                    .hint(format!("delete one of the two `{}:` lines", d.key)),
                );
            }
            page.front_matter = fm;
        }
        Err(e) if e.limit => {
            page.diagnostics.push(
                Diagnostic::new(Code::LimitExceeded, source, e.message)
                    .at(e.line, e.column)
                    .hint(format!(
                        "keep the front matter under {} and {} levels of nesting; move long data into the page body",
                        crate::yaml::bytes(crate::limits::FRONT_MATTER.bytes),
                        crate::limits::FRONT_MATTER.depth
                    )),
            );
            page.failed = true;
        }
        Err(e) => {
            let hint = quoting_hint(&page.text, e.line).unwrap_or_else(|| {
                "fix the YAML between the `---` lines; quote values that contain `: ` or start with a special character".into()
            });
            page.diagnostics.push(
                Diagnostic::new(Code::FrontMatterSyntax, source, e.message)
                    .at(e.line, e.column)
                    .hint(hint),
            );
            page.failed = true;
        }
    }
}

/// The page's date from the configured key; `front-matter-date` when it
/// is set but is not a date.
fn read_date(config: &Config, page: &mut PageSource, source: &str) {
    let date_key = &config.front_matter.date_key;
    let Some(raw) = page.front_matter.fields.get(date_key) else {
        return;
    };
    let text = match raw {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    };
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return;
    };
    page.date = Date::parse(&text);
    if page.date.is_none() {
        let at = page.front_matter.value_pos(date_key);
        page.diagnostics.push(
            Diagnostic::new(
                Code::FrontMatterDate,
                source,
                format!("`{date_key}: {text}` is not a date"),
            )
            .at(at.line, at.column)
            .hint("write the date as YYYY-MM-DD or M/D/YYYY"),
        );
    }
}

/// `description: Appendix A: Definitions` needs quotes; say exactly how.
fn quoting_hint(text: &str, line: u32) -> Option<String> {
    let l = text.lines().nth(line.checked_sub(1)? as usize)?;
    let (key, value) = l.split_once(": ")?;
    let value = value.trim();
    if key.starts_with([' ', '\t', '-', '#'])
        || !value.contains(": ")
        || value.starts_with(['"', '\''])
    {
        return None;
    }
    Some(format!(
        "the value contains `: `; quote it: {key}: \"{}\"",
        value.replace('"', "\\\"")
    ))
}

/// Reads a content file as normalized text: BOM removed, `\r\n` and `\r`
/// turned into `\n`, NUL replaced (CommonMark asks for it). Only regular
/// files up to [`crate::limits::TEXT_FILE_BYTES`] are read.
pub(crate) fn read_text(config: &Config, rel: &str) -> Result<String, Box<Diagnostic>> {
    let path = config.content_dir.join(rel);
    let source = config.source_path(rel);
    let unreadable = |message: String| {
        Box::new(
            Diagnostic::new(Code::FileUnreadable, &source, message)
                .at(1, 1)
                .hint("check the file's permissions"),
        )
    };
    let limit = crate::limits::TEXT_FILE_BYTES;
    // A FIFO or device would block or never end.
    let meta =
        std::fs::metadata(&path).map_err(|e| unreadable(format!("cannot read the file: {e}")))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    if meta.len() > limit {
        return Err(too_large(&source, meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(&path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| unreadable(format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(&source, bytes.len() as u64));
    }
    decode_text(config, rel, bytes)
}

/// `limit-exceeded`: a text file over [`crate::limits::TEXT_FILE_BYTES`].
fn too_large(source: &str, size: u64) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::new(
            Code::LimitExceeded,
            source,
            format!(
                "the file is {size} bytes, more than the limit of {}; it is not read",
                crate::yaml::bytes(crate::limits::TEXT_FILE_BYTES as usize)
            ),
        )
        .at(1, 1)
        .hint("split it into several files"),
    )
}

/// A content file's bytes as normalized text (see [`read_text`]).
fn decode_text(config: &Config, rel: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    crate::text::decode(bytes).map_err(|bad| {
        Box::new(
            Diagnostic::new(
                Code::FileUnreadable,
                config.source_path(rel),
                format!("the file is not valid UTF-8 (byte {})", bad.offset),
            )
            .at(bad.pos.line, bad.pos.column)
            .hint("re-save the file with UTF-8 encoding"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_hint_shows_the_fixed_line() {
        let text = "---\ntitle: x\ndescription: Appendix A: Terms\n---\n";
        assert_eq!(
            quoting_hint(text, 3).as_deref(),
            Some("the value contains `: `; quote it: description: \"Appendix A: Terms\"")
        );
        assert_eq!(quoting_hint(text, 2), None);
    }

    #[test]
    fn remove_tree_takes_a_folder_but_not_its_namesakes() {
        let mut c = Content::default();
        for a in [
            "en/media/a.png",
            "en/media/b.png",
            "en/media-old/c.png",
            "en/x.png",
        ] {
            c.insert(Loaded::Asset(a.into()));
        }
        c.remove_tree("en/media");
        let left: Vec<&str> = c.assets.iter().map(String::as_str).collect();
        assert_eq!(left, ["en/media-old/c.png", "en/x.png"]);
        assert_eq!(c.files_under("").len(), 2);
        c.remove_tree("en/x.png");
        assert_eq!(c.files_under(""), ["en/media-old/c.png"]);
    }

    /// The configuration `folio_yml` gives a site at `root`.
    fn config(root: &str, folio_yml: &str) -> Config {
        let root = std::path::Path::new(root);
        Config::parse(root, std::path::Path::new("folio.yml"), folio_yml).unwrap()
    }

    #[test]
    fn a_kept_text_is_packed_and_read_back_whole() {
        let c = config("/nowhere", "");
        let text = "---\ntitle: Évaluation\n---\n# Évaluation\n\n迁移 ".repeat(50);
        let mut page = load_page(&c, "en/a.md", Ok(text.clone()));
        assert_eq!(page.markdown(&c).as_deref(), Some(text.as_str()));
        page.pack_text();
        assert!(page.text.is_empty(), "the text itself is gone");
        assert_eq!(page.markdown(&c).as_deref(), Some(text.as_str()));
    }

    #[test]
    fn classify_kinds() {
        let c = config("/s", "exclude: [\"**/archive/**\"]");
        assert_eq!(classify(&c, "en/a.md"), Some(FileKind::Page));
        assert_eq!(classify(&c, "en/includes/a.md"), Some(FileKind::Fragment));
        assert_eq!(classify(&c, "en/toc.yml"), Some(FileKind::Toc));
        for source in [
            "en/toc--internal.yml",
            "en/TOC-partner.yaml",
            "en/a.md~Updated upstream",
            "en/a.md.rej",
            "en/a.md.orig",
        ] {
            assert_eq!(classify(&c, source), None, "{source}");
        }
        assert_eq!(classify(&c, "en/media/toc.png"), Some(FileKind::Asset));
        assert_eq!(classify(&c, "en/media/a.png"), Some(FileKind::Asset));
        assert_eq!(classify(&c, "en/archive/a.md"), None);
        assert_eq!(classify(&c, "en/.git/config"), None);
        assert_eq!(classify(&c, "en/a.md~"), None);
    }
}
