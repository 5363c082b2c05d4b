//! The one link resolver. Build (hrefs), check (diagnostics) and tocs use it,
//! so a link that checks clean is exactly a link that renders right.
//!
//! A relative link resolves against the directory of the file it is written
//! in (an include's links against the include), the way a browser resolves
//! the same link on the source tree.

use super::{PageId, Site};
use crate::markdown::{Link, LinkKind};
use crate::paths;

/// What a link destination refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
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
    /// A relative link that names no file but is an e-mail address
    /// (`someone@example.com`). The build writes it as `mailto:`, since
    /// that is unmistakably what it means; check warns (`link-email`),
    /// since GitHub and other Markdown renderers look for a file.
    Email,
    /// A page that exists but could not be built (front matter that does
    /// not parse, an unreadable file): no output is written for it, so the
    /// link is written as it is and reported, like a missing page.
    Unbuilt { page: PageId },
    /// A URL that would run script (`javascript:`…): written as
    /// [`paths::url::BLOCKED`] and reported as `link-unsafe`.
    Unsafe(paths::url::UnsafeUrl),
    /// A relative link to nothing. `resolved` is the content-relative path
    /// it was looked up as (`None` when it climbs above the content dir).
    Missing {
        resolved: Option<String>,
        /// The path is an include fragment: it exists but is not published.
        is_fragment: bool,
    },
}

/// Splits `path?query#fragment`.
pub(crate) fn split_dest(dest: &str) -> (&str, Option<&str>) {
    let (before_fragment, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], Some(&dest[i + 1..])),
        None => (dest, None),
    };
    let path = before_fragment.split('?').next().unwrap_or("");
    (path, fragment)
}

/// The query of `path?query#fragment`, without `?` (`None` when empty).
pub(crate) fn query(dest: &str) -> Option<&str> {
    let before_fragment = dest.split('#').next().unwrap_or("");
    before_fragment
        .split_once('?')
        .map(|(_, q)| q)
        .filter(|q| !q.is_empty())
}

/// `http:`, `mailto:`, `C:`… (a scheme per RFC 3986).
pub(crate) fn scheme(dest: &str) -> Option<&str> {
    let colon = dest.find(':')?;
    let scheme = &dest[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// `someone@example.com`: a local part and a dotted domain name whose
/// last label is letters (a top-level domain), and nothing a path would
/// have (`/`, `\\`, a second `@`).
pub(crate) fn is_email_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic));
    local_ok
        && tld_ok
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

impl Site {
    /// Resolves a link of a page, written in `from_file`: [`Site::resolve`],
    /// except that an image is never an e-mail address.
    pub(crate) fn resolve_link(&self, from_file: &str, link: &Link) -> Target {
        match self.resolve(from_file, &link.dest) {
            Target::Email if link.kind == LinkKind::Image => {
                let (path, _) = split_dest(link.dest.trim());
                Target::Missing {
                    resolved: paths::join(paths::parent(from_file), path),
                    is_fragment: false,
                }
            }
            target => target,
        }
    }

    /// Resolves a link destination written in `from_file` (content-relative).
    pub(crate) fn resolve(&self, from_file: &str, dest: &str) -> Target {
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
        let Some(resolved) = paths::join(paths::parent(from_file), &paths::percent_decode(path))
        else {
            return Target::Missing {
                resolved: None,
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
        if is_email_address(path) {
            return Target::Email;
        }
        Target::Missing {
            is_fragment: self.content.fragments.contains_key(&resolved),
            resolved: Some(resolved),
        }
    }

    fn lookup(&self, path: &str, fragment: Option<String>, case_mismatch: bool) -> Option<Target> {
        let page = |page: PageId| {
            if self.source(page).failed {
                Target::Unbuilt { page }
            } else {
                Target::Page {
                    page,
                    fragment: fragment.clone(),
                    case_mismatch,
                }
            }
        };
        if let Some(id) = self.page_by_path(path) {
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
    /// A query is kept as written (DocFX sites select tabs with `?tabs=`).
    pub(crate) fn href(&self, from_url: &str, dest: &str, target: &Target) -> String {
        use crate::paths::url::escape_href;
        let with_query = |mut href: String| {
            if let Some(q) = query(dest.trim()) {
                href.push('?');
                href.push_str(q);
            }
            href
        };
        match target {
            Target::Page { page, fragment, .. } => {
                self.page_href(from_url, dest, &self.page(*page).url, fragment.as_deref())
            }
            Target::Asset { path, .. } => escape_href(&with_query(paths::relative_url(
                from_url,
                &self.asset_url(path),
                self.config.links,
            ))),
            Target::Email => escape_href(&format!("mailto:{}", dest.trim())),
            Target::Unsafe(_) => paths::url::BLOCKED.to_string(),
            // Written as they are: the link leads nowhere, and check and
            // build report it.
            Target::Missing { .. } | Target::Unbuilt { .. } => escape_href(dest.trim()),
            Target::Anchor(_) | Target::External | Target::OtherScheme => escape_href(dest.trim()),
        }
    }

    /// The `href` of a link to a page at `to_url` (HTML-escaped), the
    /// query written in `dest` kept.
    pub(crate) fn page_href(
        &self,
        from_url: &str,
        dest: &str,
        to_url: &str,
        fragment: Option<&str>,
    ) -> String {
        let mut href = paths::relative_url(from_url, to_url, self.config.links);
        if let Some(q) = query(dest.trim()) {
            href.push('?');
            href.push_str(q);
        }
        if let Some(f) = fragment {
            href.push('#');
            href.push_str(&paths::encode_path(f, false));
        }
        crate::paths::url::escape_href(&href)
    }

    /// Where an asset is published: inside a language folder it moves with
    /// the language's pages (`spanish-playbook/media/a.png` → `es/media/a.png`).
    pub(crate) fn asset_url(&self, path: &str) -> String {
        match crate::content::language::folder_language(&self.config, path) {
            Some((lang, inside)) => format!("{}/{}", self.config.language(lang).code, inside),
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
    fn email_addresses() {
        for yes in [
            "someone@example.com",
            "first.last+tag@sub.example.co",
            "ñ@bücher.de",
        ] {
            assert!(is_email_address(yes), "{yes}");
        }
        for no in [
            "someone@localhost",
            "@example.com",
            "a@b@example.com",
            "docs/a@example.com",
            "a@example..com",
            "a@-x.com",
            "a@example.c0m",
            "a@192.168.0.1",
            "media/logo@2x.png",
            "logo@2x.png.",
            "page.md",
        ] {
            assert!(!is_email_address(no), "{no}");
        }
    }

    #[test]
    fn queries() {
        assert_eq!(query("a.md?tabs=azure#x"), Some("tabs=azure"));
        assert_eq!(query("a.md?v=1"), Some("v=1"));
        assert_eq!(query("a.md#x?y"), None);
        assert_eq!(query("a.md?#x"), None);
        assert_eq!(query("a.md"), None);
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
