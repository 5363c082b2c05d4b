//! The one link resolver. Build (hrefs), check (diagnostics) and tocs use it,
//! so a link that checks clean is exactly a link that renders right.
//!
//! A relative link resolves against the directory of the file it is written
//! in (an include's links against the include), the way a browser resolves
//! the same link on the source tree.

use super::{PageId, Site};
use crate::paths;

/// What a link destination refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A page of the site. `case_mismatch`: found only with other letter case.
    Page {
        page: PageId,
        fragment: Option<String>,
        case_mismatch: bool,
    },
    /// `#fragment` of the page itself (decoded).
    Anchor(String),
    /// A file copied with the site (content-relative path).
    Asset { path: String, case_mismatch: bool },
    /// An `http(s)://` or `//` URL.
    External,
    /// `mailto:`, `tel:` and other schemes: nothing to resolve.
    OtherScheme,
    /// A URL that would run script (`javascript:`…): written as
    /// [`paths::url::BLOCKED`] and reported as `link-unsafe`.
    Unsafe(paths::url::UnsafeUrl),
    /// A relative link to nothing. `resolved` is the content-relative path
    /// it was looked up as (`None` when it climbs above the content dir).
    Missing {
        resolved: Option<String>,
        looks_like_email: bool,
        /// The path is an include fragment: it exists but is not published.
        is_fragment: bool,
    },
}

/// Splits `path?query#fragment`.
pub fn split_dest(dest: &str) -> (&str, Option<&str>) {
    let (before_fragment, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], Some(&dest[i + 1..])),
        None => (dest, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    (path, fragment)
}

/// `http:`, `mailto:`, `C:`… (a scheme per RFC 3986).
pub fn scheme(dest: &str) -> Option<&str> {
    let colon = dest.find(':')?;
    let scheme = &dest[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

impl Site {
    /// Resolves a link destination written in `from_file` (content-relative).
    pub fn resolve(&self, from_file: &str, dest: &str) -> Target {
        if let Some(unsafe_url) = paths::url::unsafe_url(dest) {
            return Target::Unsafe(unsafe_url);
        }
        let dest = dest.trim();
        if let Some(fragment) = dest.strip_prefix('#') {
            return Target::Anchor(paths::percent_decode(fragment));
        }
        if dest.starts_with("//") {
            return Target::External;
        }
        if let Some(s) = scheme(dest) {
            return if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") {
                Target::External
            } else {
                Target::OtherScheme
            };
        }
        let (path, fragment) = split_dest(dest);
        let fragment = fragment.map(paths::percent_decode);
        if path.is_empty() {
            return Target::Anchor(fragment.unwrap_or_default());
        }
        let looks_like_email = path.contains('@') && !path.contains('/');
        let Some(resolved) = paths::join(paths::parent(from_file), &paths::percent_decode(path))
        else {
            return Target::Missing {
                resolved: None,
                looks_like_email,
                is_fragment: false,
            };
        };
        let resolved = resolved.trim_end_matches('/').to_string();
        if let Some(target) = self.lookup(&resolved, fragment.clone(), false) {
            return target;
        }
        // Found only with other letter case: the file itself, a folder's
        // index page, or the page an `.html` name stands for.
        let lower = resolved.to_lowercase();
        let mut candidates = vec![lower.clone(), format!("{lower}/index.md")];
        if let Some(stem) = lower.strip_suffix(".html") {
            candidates.push(format!("{stem}.md"));
        }
        for candidate in candidates {
            if let Some(actual) = self.index.lowercase.get(candidate.trim_start_matches('/')) {
                if let Some(target) = self.lookup(actual, fragment.clone(), true) {
                    return target;
                }
            }
        }
        Target::Missing {
            is_fragment: self.content.fragments.contains_key(&resolved),
            resolved: Some(resolved),
            looks_like_email,
        }
    }

    fn lookup(&self, path: &str, fragment: Option<String>, case_mismatch: bool) -> Option<Target> {
        let page = |page: PageId| Target::Page {
            page,
            fragment: fragment.clone(),
            case_mismatch,
        };
        if let Some(&id) = self.index.by_path.get(path) {
            return Some(page(id));
        }
        if self.content.assets.contains(path) {
            return Some(Target::Asset {
                path: path.to_string(),
                case_mismatch,
            });
        }
        // A folder link means its index page; `x.html` means the page `x.md`
        // (DocFX's published name).
        let index = if path.is_empty() {
            "index.md".to_string()
        } else {
            format!("{path}/index.md")
        };
        if let Some(&id) = self.index.by_path.get(&index) {
            return Some(page(id));
        }
        if let Some(stem) = path.strip_suffix(".html") {
            if let Some(&id) = self.index.by_path.get(&format!("{stem}.md")) {
                return Some(page(id));
            }
        }
        None
    }

    /// The `href` a page at `from_url` writes for a resolved link (HTML-escaped).
    pub fn href(&self, from_url: &str, dest: &str, target: &Target) -> String {
        use crate::markdown::html::escape_href;
        match target {
            Target::Page { page, fragment, .. } => {
                let mut href = paths::relative_url(from_url, &self.pages[*page].url);
                if let Some(f) = fragment {
                    href.push('#');
                    href.push_str(&paths::encode_path(f, false));
                }
                escape_href(&href)
            }
            Target::Asset { path, .. } => {
                escape_href(&paths::relative_url(from_url, &self.asset_url(path)))
            }
            Target::Missing {
                looks_like_email: true,
                ..
            } => escape_href(&format!("mailto:{}", dest.trim())),
            Target::Unsafe(_) => paths::url::BLOCKED.to_string(),
            _ => escape_href(dest.trim()),
        }
    }

    /// Where an asset is published: inside a language folder it moves with
    /// the language's pages (`spanish-playbook/media/a.png` → `es/media/a.png`).
    pub fn asset_url(&self, path: &str) -> String {
        match crate::content::language::folder_language(&self.config, path) {
            Some((lang, inside)) => format!("{}/{}", self.config.languages[lang].code, inside),
            None => path.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_destinations() {
        assert_eq!(split_dest("a.md#x"), ("a.md", Some("x")));
        assert_eq!(split_dest("a.md?v=1#x"), ("a.md", Some("x")));
        assert_eq!(split_dest("a.md"), ("a.md", None));
        assert_eq!(split_dest("#x"), ("", Some("x")));
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("mailto:a@b"), Some("mailto"));
        assert_eq!(scheme("a.md"), None);
        assert_eq!(scheme("dir/a:b.md"), None);
        assert_eq!(scheme("1x:y"), None);
    }
}
