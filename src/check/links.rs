//! Relative links, anchors, assets, letter case and cross-language links.

use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::{Link, LinkKind};
use crate::site::links::{Target, split_dest};
use crate::site::{Page, PageId, Site, nearest};
use rayon::prelude::*;

pub(crate) fn check(site: &Site, out: &mut Vec<Diagnostic>) {
    let found: Vec<Vec<Diagnostic>> = site
        .par_pages()
        .map(|(id, page)| check_page(site, id, page))
        .collect();
    out.extend(found.into_iter().flatten());
}

pub(super) fn check_page(site: &Site, id: PageId, page: &Page) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (link, target) in page.doc.links.iter().zip(&page.targets) {
        if site.config.is_ignored_target(link.dest.trim()) {
            continue;
        }
        let at = LinkAt {
            site,
            from: id,
            page,
            file: &page.doc.files[link.pos.file as usize],
            link,
        };
        if let Some(d) = check_link(&at, target) {
            out.push(d);
        }
    }
    out
}

/// One link being checked, and where it is.
struct LinkAt<'s> {
    site: &'s Site,
    /// The page the link is on.
    from: PageId,
    page: &'s Page,
    /// Where the link is written (the page, or an include of it): links
    /// resolve against it, so hints are relative to it too.
    file: &'s str,
    link: &'s Link,
}

impl LinkAt<'_> {
    /// A diagnostic at the link, naming it as its target.
    fn diag(&self, code: Code, message: String) -> Diagnostic {
        Diagnostic::new(code, self.site.config.source_path(self.file), message)
            .at(self.link.pos.line, self.link.pos.column)
            .target(self.link.dest.clone())
    }

    /// The link as written.
    fn dest(&self) -> &str {
        &self.link.dest
    }
}

fn check_link(at: &LinkAt<'_>, target: &Target) -> Option<Diagnostic> {
    let dest = at.dest();
    match target {
        Target::External | Target::OtherScheme => None,
        Target::Unsafe(url) => Some(
            at.diag(Code::LinkUnsafe, format!("`{dest}` is a `{}` URL, which runs script in the reader's browser; it is written as a link to nowhere", url.kind))
                .hint("link to a page, a file or an http(s) URL instead"),
        ),
        Target::Anchor(fragment) => missing_anchor(at, fragment, at.page, "on this page"),
        Target::Asset { path, case_mismatch } => case_mismatch.then(|| case_differs(at, path)),
        Target::Page {
            page: to,
            fragment,
            case_mismatch,
        } => page_link(at, *to, fragment.as_deref(), *case_mismatch),
        Target::Email => Some(
            at.diag(
                Code::LinkEmail,
                format!("`{dest}` is an e-mail address written as a relative link: the built site links it as `mailto:`, but GitHub and other Markdown renderers look for a file of that name"),
            )
            .hint(format!("write `mailto:{}`", dest.trim())),
        ),
        Target::Unbuilt { page: to } => {
            let target_path = &at.site.source(*to).path;
            Some(
                at.diag(Code::LinkBroken, format!("`{dest}` points at `{target_path}`, which could not be built, so the link leads nowhere"))
                    .hint(format!("fix the error reported for `{target_path}`")),
            )
        }
        Target::Missing {
            resolved,
            is_fragment,
        } => Some(missing(at, resolved.as_deref(), *is_fragment)),
    }
}

/// `link-anchor` when `fragment` names nothing on `target` (`place` says
/// which page, for the message).
fn missing_anchor(
    at: &LinkAt<'_>,
    fragment: &str,
    target: &Page,
    place: &str,
) -> Option<Diagnostic> {
    if fragment.is_empty() || fragment == "top" || target.doc.anchors.contains(fragment) {
        return None;
    }
    let mut d = at.diag(
        Code::LinkAnchor,
        format!("`#{fragment}` matches no heading or anchor {place}"),
    );
    if let Some(near) = nearest(fragment, target.doc.anchors.iter()) {
        d = d.hint(format!("did you mean `#{near}`?"));
    }
    Some(d)
}

/// `link-case`: the file exists only as `actual`.
fn case_differs(at: &LinkAt<'_>, actual: &str) -> Diagnostic {
    at.diag(
        Code::LinkCase,
        format!(
            "`{}` exists only as `{actual}`: letter case differs, which breaks on case-sensitive hosts",
            at.dest()
        ),
    )
    .hint(format!("write it as `{}`", relative_hint(at.file, actual)))
}

/// A link to a page: letter case, the `#fragment`, and whether it leaves
/// the page's language although a translation exists.
fn page_link(
    at: &LinkAt<'_>,
    to: PageId,
    fragment: Option<&str>,
    case_mismatch: bool,
) -> Option<Diagnostic> {
    let site = at.site;
    let (target_page, target_path) = (site.page(to), &site.source(to).path);
    if case_mismatch {
        return Some(case_differs(at, target_path));
    }
    if let Some(fragment) = fragment {
        let place = format!("in `{target_path}`");
        if let Some(d) = missing_anchor(at, fragment, target_page, &place) {
            return Some(d);
        }
    }
    let page = at.page;
    if target_page.lang == page.lang {
        return None;
    }
    let own = site
        .translation(&target_page.key, page.lang)
        .filter(|&p| p != at.from && site.page(p).published)?;
    let own_path = &site.source(own).path;
    Some(
        at.diag(
            Code::LinkLanguage,
            format!(
                "links to the {} page `{target_path}` although the {} version `{own_path}` exists",
                site.config.language(target_page.lang).code,
                site.config.language(page.lang).code
            ),
        )
        .hint(format!(
            "link to `{}` instead",
            relative_hint(at.file, own_path)
        )),
    )
}

/// `link-broken` or `asset-missing` for a link to nothing, with the
/// likeliest fix.
fn missing(at: &LinkAt<'_>, resolved: Option<&str>, is_fragment: bool) -> Diagnostic {
    let dest = at.dest();
    let (path, _) = split_dest(dest.trim());
    let code = if at.link.kind == LinkKind::Image || is_file_reference(path) {
        Code::AssetMissing
    } else {
        Code::LinkBroken
    };
    let what = if code == Code::AssetMissing {
        "file"
    } else {
        "page"
    };
    let d = match resolved {
        Some(_) if is_fragment => at.diag(
            code,
            format!("`{dest}` is an include fragment, which is not published as a page"),
        ),
        Some(r) => at.diag(code, format!("`{dest}` points at `{r}`: no such {what}")),
        None => at.diag(
            code,
            format!("`{dest}` points outside the content directory"),
        ),
    };
    if dest.contains(['\u{200B}', '\u{FEFF}', '\u{00A0}']) {
        d.hint("the link contains an invisible character (zero-width or non-breaking space); retype it")
    } else if dest.contains('\\') {
        d.hint("use `/` instead of `\\` in links")
    } else if let Some(near) = resolved.and_then(|r| {
        if code == Code::AssetMissing {
            at.site.nearest_asset(r)
        } else {
            at.site.nearest_page(r)
        }
    }) {
        d.hint(format!("did you mean `{}`?", relative_hint(at.file, &near)))
    } else {
        d
    }
}

/// A link to `media/x.pdf` is a file; `page.md`, `page.html`, `folder/` and
/// extensionless names are pages.
fn is_file_reference(path: &str) -> bool {
    let name = crate::paths::file_name(path.trim_end_matches('/'));
    if name.contains('@') {
        return false;
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            !matches!(ext.as_str(), "md" | "markdown" | "html" | "htm")
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && ext.len() <= 5
        }
        _ => false,
    }
}

/// A relative link from one content file to another, for hints.
fn relative_hint(from_file: &str, to_file: &str) -> String {
    let from: Vec<&str> = crate::paths::parent(from_file)
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let to: Vec<&str> = to_file.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    out.push_str(&to[common..].join("/"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_references() {
        assert!(is_file_reference("media/a.png"));
        assert!(is_file_reference("docs/guide.PDF"));
        assert!(!is_file_reference("page.md"));
        assert!(!is_file_reference("page.html"));
        assert!(!is_file_reference("folder/"));
        assert!(!is_file_reference("approach-get-modern-ftc"));
        assert!(!is_file_reference("someone@example.com"));
    }

    #[test]
    fn hints_are_relative_to_the_linking_file() {
        assert_eq!(relative_hint("es/a/b.md", "es/c.md"), "../c.md");
        assert_eq!(relative_hint("es/b.md", "es/c.md"), "c.md");
        assert_eq!(relative_hint("b.md", "es/c.md"), "es/c.md");
    }
}
