//! The one place that joins, normalizes and encodes paths and URLs.
//!
//! Inside Folio every content path is *content-relative* and `/`-separated
//! (`spanish-playbook/media/x.png`), and every output location is
//! *site-relative* without a leading slash (`es/initiate/`, `es/media/x.png`).

pub mod url;

use std::path::{Component, Path};

/// `a\b` or `a/b` as `a/b` (`/a/b` stays absolute).
pub fn to_slash(path: &Path) -> String {
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
pub fn absolute(path: &Path) -> std::path::PathBuf {
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
pub fn real_path(path: &Path) -> std::path::PathBuf {
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

/// `.` dropped and `..` applied, without looking at the file system.
fn normalize(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base` (both absolute or both relative to one
/// place), climbing with `..` where needed: `/s/root`, `/s/docs/a.md` →
/// `../docs/a.md`.
pub fn relative_path(base: &Path, path: &Path) -> std::path::PathBuf {
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
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// `dir/name`, or `name` when `dir` is empty.
pub fn child(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The last segment of a `/`-separated path.
pub fn file_name(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[i + 1..],
        None => path,
    }
}

/// Joins a relative reference onto a directory and resolves `.` and `..`,
/// exactly as a browser resolves a relative URL. `None` when the result
/// would climb above the root. A leading `/` starts again from the root.
pub fn join(dir: &str, reference: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let reference = reference.replace('\\', "/");
    let (start, reference) = match reference.strip_prefix('/') {
        Some(rest) => ("", rest.to_string()),
        None => (dir, reference),
    };
    for seg in start.split('/').chain(reference.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if reference.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// Decodes `%xx` escapes; invalid escapes stay as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a site-relative path for use in an `href`. With `ascii` every
/// non-ASCII byte is escaped too (sitemaps need that); otherwise Unicode is
/// kept readable and only characters that would break a URL are escaped.
pub fn encode_path(path: &str, ascii: bool) -> String {
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

/// Appends `c` as `%XX` escapes of its UTF-8 bytes: the one percent-encoder.
pub(crate) fn push_percent_encoded(out: &mut String, c: char) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push('%');
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0xF)] as char);
    }
}

/// The relative URL from a page directory (`es/a/b/`) to a site-relative
/// location (`es/c/` or `es/media/x.png`): what a page writes in its `href`s
/// so the site works under any base path and from `file://`.
pub fn relative_url(from_dir: &str, to: &str) -> String {
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
pub fn root_from(dir: &str) -> String {
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
    fn relative_urls() {
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
