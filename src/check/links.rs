//! Relative links, anchors, assets, letter case and cross-language links.

use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::LinkKind;
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

fn check_page(site: &Site, id: PageId, page: &Page) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (link, target) in page.doc.links.iter().zip(&page.targets) {
        if site.config.is_ignored_target(link.dest.trim()) {
            continue;
        }
        let file = &page.doc.files[link.pos.file as usize];
        let diag = |code: Code, message: String| {
            Diagnostic::new(code, site.config.source_path(file), message)
                .at(link.pos.line, link.pos.column)
                .target(link.dest.clone())
        };
        if let Some(d) = check_link(site, id, page, file, link.kind, &link.dest, target, &diag) {
            out.push(d);
        }
    }
    out
}

/// `file` is where the link is written (the page, or an include of it):
/// links resolve against it, so hints are relative to it too.
#[allow(clippy::too_many_arguments)]
fn check_link(
    site: &Site,
    from: PageId,
    page: &Page,
    file: &str,
    kind: LinkKind,
    dest: &str,
    target: &Target,
    diag: &dyn Fn(Code, String) -> Diagnostic,
) -> Option<Diagnostic> {
    match target {
        Target::External | Target::OtherScheme => None,
        Target::Unsafe(url) => Some(
            diag(Code::LinkUnsafe, format!("`{dest}` is a `{}` URL, which runs script in the reader's browser; it is written as a link to nowhere", url.kind))
                .hint("link to a page, a file or an http(s) URL instead"),
        ),
        Target::Anchor(fragment) => {
            if fragment.is_empty() || fragment == "top" || page.doc.anchors.contains(fragment) {
                return None;
            }
            let mut d = diag(Code::LinkAnchor, format!("`#{fragment}` matches no heading or anchor on this page"));
            if let Some(near) = nearest(fragment, page.doc.anchors.iter().map(String::as_str)) {
                d = d.hint(format!("did you mean `#{near}`?"));
            }
            Some(d)
        }
        Target::Asset { path, case_mismatch } => {
            case_mismatch.then(|| {
                diag(Code::LinkCase, format!("`{dest}` exists only as `{path}`: letter case differs, which breaks on case-sensitive hosts"))
                    .hint(format!("write it as `{}`", relative_hint(file, path)))
            })
        }
        Target::Page { page: to, fragment, case_mismatch } => {
            let target_page = &site.page(*to);
            let target_path = &site.source(*to).path;
            if *case_mismatch {
                return Some(
                    diag(Code::LinkCase, format!("`{dest}` exists only as `{target_path}`: letter case differs, which breaks on case-sensitive hosts"))
                        .hint(format!("write it as `{}`", relative_hint(file, target_path))),
                );
            }
            if let Some(fragment) = fragment {
                if !fragment.is_empty() && fragment != "top" && !target_page.doc.anchors.contains(fragment) {
                    let mut d = diag(Code::LinkAnchor, format!("`#{fragment}` matches no heading or anchor in `{target_path}`"));
                    if let Some(near) = nearest(fragment, target_page.doc.anchors.iter().map(String::as_str)) {
                        d = d.hint(format!("did you mean `#{near}`?"));
                    }
                    return Some(d);
                }
            }
            if target_page.lang != page.lang {
                if let Some(own) = site.translation(&target_page.key, page.lang).filter(|&p| p != from && site.page(p).published) {
                    let own_path = &site.source(own).path;
                    return Some(
                        diag(
                            Code::LinkLanguage,
                            format!(
                                "links to the {} page `{target_path}` although the {} version `{own_path}` exists",
                                site.config.language(target_page.lang).code, site.config.language(page.lang).code
                            ),
                        )
                        .hint(format!("link to `{}` instead", relative_hint(file, own_path))),
                    );
                }
            }
            None
        }
        Target::Email => Some(
            diag(
                Code::LinkEmail,
                format!("`{dest}` is an e-mail address written as a relative link: the built site links it as `mailto:`, but GitHub and other Markdown renderers look for a file of that name"),
            )
            .hint(format!("write `mailto:{}`", dest.trim())),
        ),
        Target::Unbuilt { page: to } => {
            let target_path = &site.source(*to).path;
            Some(
                diag(Code::LinkBroken, format!("`{dest}` points at `{target_path}`, which could not be built, so the link leads nowhere"))
                    .hint(format!("fix the error reported for `{target_path}`")),
            )
        }
        Target::Missing { resolved, is_fragment } => {
            Some(missing(site, file, kind, dest, resolved.as_deref(), *is_fragment, diag))
        }
    }
}

/// `link-broken` or `asset-missing` for a link to nothing, with the
/// likeliest fix.
fn missing(
    site: &Site,
    file: &str,
    kind: LinkKind,
    dest: &str,
    resolved: Option<&str>,
    is_fragment: bool,
    diag: &dyn Fn(Code, String) -> Diagnostic,
) -> Diagnostic {
    let (path, _) = split_dest(dest.trim());
    let code = if kind == LinkKind::Image || is_file_reference(path) {
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
        Some(_) if is_fragment => diag(
            code,
            format!("`{dest}` is an include fragment, which is not published as a page"),
        ),
        Some(r) => diag(code, format!("`{dest}` points at `{r}`: no such {what}")),
        None => diag(
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
            site.nearest_asset(r)
        } else {
            site.nearest_page(r)
        }
    }) {
        d.hint(format!("did you mean `{}`?", relative_hint(file, &near)))
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
