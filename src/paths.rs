//! The one place that joins, normalizes and encodes paths and URLs.
//!
//! Inside Folio every content path is *content-relative* and `/`-separated
//! (`spanish-playbook/media/x.png`), and every output location is
//! *site-relative* without a leading slash (`es/initiate/`, `es/media/x.png`).

pub(crate) mod url;

use percent_encoding::AsciiSet;
use std::path::{Component, Path};

/// `a\b` or `a/b` as `a/b` (`/a/b` stays absolute).
pub(crate) fn to_slash(path: &Path) -> String {
    let mut out = String::new();
    for c in path.components() {
        match c {
            Component::RootDir => out.push('/'),
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

/// `path` made absolute against the working directory (not resolved further).
pub(crate) fn absolute(path: &Path) -> std::path::PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

/// `path` made absolute with every symlink resolved, also for a path that
/// does not exist yet: its longest existing ancestor is resolved and the
/// rest appended (`..` in the rest is applied lexically).
pub(crate) fn real_path(path: &Path) -> std::path::PathBuf {
    let path = absolute(path);
    let mut existing = path.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canon) = existing.canonicalize() {
            let mut out = canon;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return normalize(&out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return normalize(&path),
        }
    }
}

/// `.` dropped and `..` applied, without looking at the file system
/// (`..` at the root stays at the root).
fn normalize(path: &Path) -> std::path::PathBuf {
    remove_dot_segments(path.components(), Climb::Stay)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// What a `..` with nothing left before it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Climb {
    /// The path leaves its start: there is no result (URLs in a site).
    Refuse,
    /// It is kept, `../x` (a relative path shown to a reader).
    Keep,
    /// It is dropped: `/..` is `/` (file system paths).
    Stay,
}

/// What a segment is to dot-segment resolution.
enum Dot {
    /// `.` or an empty segment (`a//b`): removed.
    Current,
    /// `..`: removes the segment before it.
    Parent,
    /// The root or a drive (`/`, `C:`): never removed.
    Anchor,
    /// A name.
    Name,
}

trait Segment: Copy {
    fn dot(&self) -> Dot;
}

impl Segment for &str {
    fn dot(&self) -> Dot {
        match *self {
            "" | "." => Dot::Current,
            ".." => Dot::Parent,
            _ => Dot::Name,
        }
    }
}

impl Segment for Component<'_> {
    fn dot(&self) -> Dot {
        match self {
            Component::CurDir => Dot::Current,
            Component::ParentDir => Dot::Parent,
            Component::RootDir | Component::Prefix(_) => Dot::Anchor,
            Component::Normal(_) => Dot::Name,
        }
    }
}

/// The one dot-segment resolver (RFC 3986 §5.2.4, on segments): `.` and
/// empty segments go, `..` takes the segment before it away; `climb` says
/// what a `..` with nothing before it does.
fn remove_dot_segments<S: Segment>(
    segments: impl IntoIterator<Item = S>,
    climb: Climb,
) -> Option<Vec<S>> {
    let mut out: Vec<S> = Vec::new();
    for segment in segments {
        match segment.dot() {
            Dot::Current => {}
            Dot::Parent => match out.last().map(Segment::dot) {
                Some(Dot::Name) => {
                    out.pop();
                }
                Some(Dot::Anchor) => {}
                _ => match climb {
                    Climb::Refuse => return None,
                    Climb::Keep => out.push(segment),
                    Climb::Stay => {}
                },
            },
            Dot::Anchor | Dot::Name => out.push(segment),
        }
    }
    Some(out)
}

/// Resolves `.` and `..` in a `/`-separated relative path without looking
/// at the disk; a `..` that climbs above the start is kept (`a/../../b` →
/// `../b`).
pub(crate) fn normalize_relative(path: &str) -> String {
    remove_dot_segments(path.split('/'), Climb::Keep)
        .unwrap_or_default()
        .join("/")
}

/// A file Folio never reads: a hidden file or one in a hidden folder
/// (`.git/…`, `.a.md.swp`), or a backup, swap or lock file an editor left
/// beside the file it edits (`a.md~`, `.#a.md`, `#a.md#`, `4913`).
pub(crate) fn is_ignored_file(rel: &str) -> bool {
    rel.split('/').any(|seg| seg.starts_with('.')) || is_editor_leftover(file_name(rel))
}

/// Backup, swap and lock files editors leave next to the files they edit.
fn is_editor_leftover(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with(".#")
        || name.starts_with('#') && name.ends_with('#')
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".bak",
            ".orig",
            ".crdownload",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name == ".DS_Store"
        || name == "Thumbs.db"
}

/// A file for authors, never for readers, so never published as an asset:
/// another toc (`toc--internal.yml`, `toc-partner.yaml`: only `toc.yml`
/// navigates) and merge or editor leftovers (`a.md~Updated upstream`,
/// `*.orig`, `*.rej`).
pub(crate) fn is_source_only(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.starts_with("toc") && (lower.ends_with(".yml") || lower.ends_with(".yaml")))
        || name.contains('~')
        || lower.ends_with(".orig")
        || lower.ends_with(".rej")
}

/// The manifest file that marks a folder as Folio's output
/// (`render::output`); a folder holding one is never read as content.
pub(crate) const OUTPUT_MARKER: &str = ".folio-output";

/// Is `path` the file or folder `rel`, or inside it (`""`: everything)?
pub(crate) fn is_within(path: &str, rel: &str) -> bool {
    rel.is_empty()
        || path == rel
        || path
            .strip_prefix(rel)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `path` relative to `base` (both absolute or both relative to one
/// place), climbing with `..` where needed: `/s/root`, `/s/docs/a.md` →
/// `../docs/a.md`.
pub(crate) fn relative_path(base: &Path, path: &Path) -> std::path::PathBuf {
    let base: Vec<Component> = base
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let path_parts: Vec<Component> = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let common = base
        .iter()
        .zip(&path_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = std::path::PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part.as_os_str());
    }
    out
}

/// The directory part of a `/`-separated path (`a/b/c.md` → `a/b`, `c.md` → ``).
pub(crate) fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// `dir/name`, or `name` when `dir` is empty.
pub(crate) fn child(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The last segment of a `/`-separated path.
pub(crate) fn file_name(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// Joins a relative reference onto a directory and resolves `.` and `..`,
/// exactly as a browser resolves a relative URL. `None` when the result
/// would climb above the root. A leading `/` starts again from the root.
pub(crate) fn join(dir: &str, reference: &str) -> Option<String> {
    let reference = reference.replace('\\', "/");
    let (start, reference) = match reference.strip_prefix('/') {
        Some(rest) => ("", rest),
        None => (dir, reference.as_str()),
    };
    let parts = remove_dot_segments(start.split('/').chain(reference.split('/')), Climb::Refuse)?;
    let mut joined = parts.join("/");
    if reference.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// Decodes `%xx` escapes; invalid escapes stay as written, and bytes that
/// are not UTF-8 become U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Encodes a site-relative path for use in an `href`. With `ascii` every
/// non-ASCII byte is escaped too (sitemaps need that); otherwise Unicode is
/// kept readable and only characters that would break a URL are escaped.
pub(crate) fn encode_path(path: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let keep = c.is_ascii_alphanumeric()
            || matches!(
                c,
                '/' | '-'
                    | '_'
                    | '.'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | ':'
                    | '@'
            )
            || (!ascii && !c.is_ascii() && !c.is_whitespace() && !c.is_control());
        if keep {
            out.push(c);
        } else {
            push_percent_encoded(&mut out, c);
        }
    }
    out
}

/// Appends `c` as `%XX` escapes of its UTF-8 bytes (uppercase hex): the
/// one percent-encoder. Callers decide which characters need it.
pub(crate) fn push_percent_encoded(out: &mut String, c: char) {
    /// Every ASCII byte (non-ASCII bytes are always encoded).
    const EVERY_BYTE: &AsciiSet = &AsciiSet::EMPTY.complement();
    let mut buf = [0u8; 4];
    out.extend(percent_encoding::percent_encode(
        c.encode_utf8(&mut buf).as_bytes(),
        EVERY_BYTE,
    ));
}

/// A page's "Edit this page" address: `edit_url` (from `folio.yml`) with
/// each `{path}` replaced by the page's source path relative to the site
/// root, percent-encoded segment by segment (`/` kept).
pub(crate) fn edit_url(template: &str, source_path: &str) -> String {
    template.replace("{path}", &encode_path(source_path, true))
}

/// The absolute URL of a site-relative location under the site's
/// `base_url` (which ends in `/`), ASCII-only as sitemaps and `<link>`
/// alternates need it.
pub(crate) fn absolute_url(base_url: &str, location: &str) -> String {
    format!("{base_url}{}", encode_path(location, true))
}

/// How links to a page (a folder URL) are written: `links` in `folio.yml`,
/// `folio build --portable`. [`relative_url`] is the one place that applies it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum LinkForm {
    /// `../kickoff/`: what a web server resolves to `index.html`.
    #[default]
    Directory,
    /// `../kickoff/index.html`: works opened from disk (`file://`, a zip).
    File,
}

/// The relative URL from a page directory (`es/a/b/`) to a site-relative
/// location (`es/c/` or `es/media/x.png`): what a page writes in its `href`s
/// so the site works under any base path and, with [`LinkForm::File`],
/// from `file://`.
pub(crate) fn relative_url(from_dir: &str, to: &str, form: LinkForm) -> String {
    let mut url = relative_dir_url(from_dir, to);
    if form == LinkForm::File && url.ends_with('/') {
        url.push_str("index.html");
    }
    url
}

/// [`relative_url`] in [`LinkForm::Directory`].
fn relative_dir_url(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let to_is_dir = to.is_empty() || to.ends_with('/');
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    // A file target's last segment is not a directory we could share.
    let common = if !to_is_dir && common == to_parts.len() {
        common.saturating_sub(1)
    } else {
        common
    };
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    if to_is_dir && common < to_parts.len() {
        out.push('/');
    }
    if out.is_empty() {
        out.push_str("./");
    }
    encode_path(&out, false)
}

/// `../` repeated to reach the site root from a page directory.
pub(crate) fn root_from(dir: &str) -> String {
    let depth = dir.split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_url_encodes_the_source_path() {
        assert_eq!(
            edit_url(
                "https://github.com/o/r/edit/main/{path}",
                "content/español/Plan de acción #1.md"
            ),
            "https://github.com/o/r/edit/main/content/espa%C3%B1ol/Plan%20de%20acci%C3%B3n%20%231.md"
        );
    }

    #[test]
    fn slashes_and_relative_paths() {
        assert_eq!(to_slash(Path::new("/work/a/b.md")), "/work/a/b.md");
        assert_eq!(to_slash(Path::new("a/b.md")), "a/b.md");
        assert_eq!(
            relative_path(Path::new("/s/root"), Path::new("/s/docs/a.md")),
            Path::new("../docs/a.md")
        );
        assert_eq!(
            relative_path(Path::new("/s/root"), Path::new("/s/root/content")),
            Path::new("content")
        );
    }

    #[test]
    fn join_resolves_like_a_browser() {
        assert_eq!(join("es/a", "b.md").as_deref(), Some("es/a/b.md"));
        assert_eq!(join("es/a", "../b.md").as_deref(), Some("es/b.md"));
        assert_eq!(join("es/a", "./x/../b.md").as_deref(), Some("es/a/b.md"));
        assert_eq!(join("es", "../../b.md"), None);
        assert_eq!(join("es/a", "/en/b.md").as_deref(), Some("en/b.md"));
        assert_eq!(join("", "media\\x.png").as_deref(), Some("media/x.png"));
        assert_eq!(join("a", "b/").as_deref(), Some("a/b/"));
    }

    #[test]
    fn dot_segments() {
        assert_eq!(normalize_relative("docs/../../a/./b"), "../a/b");
        assert_eq!(normalize_relative("a/b/../c"), "a/c");
        assert_eq!(normalize_relative("../../x"), "../../x");
        assert_eq!(normalize(Path::new("/a/../../b/./c")), Path::new("/b/c"));
        assert_eq!(normalize(Path::new("../a")), Path::new("a"));
        assert!(is_within("en/a.md", "en"));
        assert!(is_within("en", "en"));
        assert!(is_within("x", ""));
        assert!(!is_within("english/a.md", "en"));
    }

    #[test]
    fn editor_leftovers_and_hidden_files_are_ignored() {
        for name in [
            "a.md~",
            ".#a.md",
            "#a.md#",
            "4913",
            "a.md.swp",
            "dir/.a.md.swx",
            "dir/x.bak",
            ".git/config",
            "en/.hidden/a.md",
        ] {
            assert!(is_ignored_file(name), "{name}");
        }
        assert!(!is_ignored_file("a.md"));
        assert!(!is_ignored_file("en/media/4913.png"));
    }

    #[test]
    fn percent_encoding_is_uppercase_utf8() {
        let mut out = String::new();
        for c in ['%', '\n', 'é', '|', 'ガ'] {
            push_percent_encoded(&mut out, c);
        }
        assert_eq!(out, "%25%0A%C3%A9%7C%E3%82%AC");
        assert_eq!(percent_decode("%E3%82%AC%2"), "ガ%2");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn relative_urls_in_file_form() {
        let file = LinkForm::File;
        assert_eq!(relative_url("es/a/b/", "es/c/", file), "../../c/index.html");
        assert_eq!(relative_url("es/a/", "es/a/", file), "./index.html");
        assert_eq!(relative_url("es/a/", "", file), "../../index.html");
        assert_eq!(
            relative_url("es/a/", "es/media/x.png", file),
            "../media/x.png"
        );
    }

    #[test]
    fn relative_urls() {
        let relative_url = |from: &str, to: &str| relative_url(from, to, LinkForm::Directory);
        assert_eq!(relative_url("es/a/b/", "es/c/"), "../../c/");
        assert_eq!(relative_url("es/a/", "es/a/"), "./");
        assert_eq!(relative_url("es/", "es/a/"), "a/");
        assert_eq!(relative_url("es/a/", "es/media/x.png"), "../media/x.png");
        assert_eq!(relative_url("", "es/"), "es/");
        assert_eq!(relative_url("es/a/", ""), "../../");
        assert_eq!(relative_url("es/x.png/", "es/x.png"), "../x.png");
        assert_eq!(relative_url("ja/", "ja/ガイド/"), "ガイド/");
        assert_eq!(relative_url("en/", "en/a b/"), "a%20b/");
    }

    #[test]
    fn percent_round_trip() {
        assert_eq!(percent_decode("a%20b%C3%A9"), "a bé");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(
            encode_path("ja/ガイド/", true),
            "ja/%E3%82%AC%E3%82%A4%E3%83%89/"
        );
        assert_eq!(encode_path("a b#c", false), "a%20b%23c");
    }

    #[test]
    fn root_depth() {
        assert_eq!(root_from("es/a/"), "../../");
        assert_eq!(root_from(""), "./");
    }
}
