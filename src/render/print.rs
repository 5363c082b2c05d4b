//! One printable page per language, `/<lang>/print/`: every page of the
//! language in navigation order (as mdBook's print page), so a reader can
//! print or save the playbook as one PDF.
//!
//! Pages' ids would collide once they share a document: page number `n`'s
//! ids become `p<n>-<id>` and its section is `p<n>`; links into pages on
//! the print page lead to those anchors, every other link is relative to
//! the print page.

use crate::config::LangId;
use crate::paths;
use crate::site::links::Target;
use crate::site::{PageId, Site};
use std::collections::{HashMap, HashSet};

/// Stands for `#` in links made here, so that [`prefix_ids`] leaves them.
const OWN_ANCHOR: char = '\u{1}';

/// The print page's folder of language `lang`, site-relative.
pub(crate) fn dir(site: &Site, lang: LangId) -> String {
    format!("{}/print/", site.config.language(lang).code)
}

/// The language's pages in reading order: each navigation tree of the
/// language in turn, each page once.
pub(crate) fn pages(site: &Site, lang: LangId) -> Vec<PageId> {
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for (_, nav) in site.navs().filter(|(_, n)| n.lang == lang) {
        for &p in nav.order() {
            if site.page(p).published && seen.insert(p) {
                order.push(p);
            }
        }
    }
    order
}

/// Which languages (by [`LangId::index`]) get a print page: those with
/// pages, none of them published at its place (an author's page wins).
pub(crate) fn wanted(site: &Site) -> Vec<bool> {
    let dirs: Vec<String> = site.config.languages().map(|(l, _)| dir(site, l)).collect();
    let mut has_pages = vec![false; dirs.len()];
    let mut taken = vec![false; dirs.len()];
    for (_, page) in site.published() {
        let l = page.lang.index();
        has_pages[l] = true;
        taken[l] |= page.url == dirs[l];
    }
    has_pages
        .iter()
        .zip(&taken)
        .map(|(&has, &taken)| has && !taken)
        .collect()
}

/// Where the print template wants the pages; see [`write`].
pub(crate) const MARKER: &str = "\u{0}folio-print-pages\u{0}";

/// How far [`write`] went.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Written {
    Whole,
    /// `stop` asked for it to end between two pages; what was written is
    /// not a print page.
    Stopped,
}

/// Writes `shell` (the rendered print template) with its [`MARKER`]
/// replaced by language `lang`'s pages, one `<article>` each, streamed:
/// a language of thousands of pages is never held whole in memory.
/// `stop` is asked before each page (`serve` gives way to a newer save:
/// on 50,000 pages a print page is 170 MB).
pub(crate) fn write(
    site: &Site,
    lang: LangId,
    shell: &str,
    out: &mut dyn std::io::Write,
    stop: &dyn Fn() -> bool,
) -> std::io::Result<Written> {
    let (before, after) = shell.split_once(MARKER).unwrap_or((shell, ""));
    out.write_all(before.as_bytes())?;
    let order = pages(site, lang);
    let number: HashMap<PageId, usize> =
        order.iter().enumerate().map(|(i, &p)| (p, i + 1)).collect();
    let from = dir(site, lang);
    for (i, &id) in order.iter().enumerate() {
        if stop() {
            return Ok(Written::Stopped);
        }
        let page = site.page(id);
        let href = |dest: &str, target: &Target| match target {
            Target::Page { page, fragment, .. } if number.contains_key(page) => {
                let mut href = format!("{OWN_ANCHOR}p{}", number[page]);
                if let Some(f) = fragment {
                    href.push('-');
                    href.push_str(&paths::encode_path(f, false));
                }
                href
            }
            _ => site.href(&from, dest, target),
        };
        let body = prefix_ids(&site.body_html_linked(id, &href), &format!("p{}-", i + 1));
        let mut section = format!(
            "<article class=\"content print-section\" id=\"p{}\">\n",
            i + 1
        );
        if !page.doc.headings.iter().any(|h| h.level == 1) {
            section.push_str("<h1>");
            section.push_str(&crate::html::escape(&page.heading));
            section.push_str("</h1>\n");
        }
        out.write_all(section.as_bytes())?;
        out.write_all(body.as_bytes())?;
        out.write_all(b"\n</article>\n")?;
    }
    out.write_all(after.as_bytes())?;
    Ok(Written::Whole)
}

/// `html` with every `id="x"` made `id="<prefix>x"` and every `href="#x"`
/// made `href="#<prefix>x"` (Folio writes attributes double-quoted, and
/// text never holds a raw `"`); links made here (see [`OWN_ANCHOR`]) get
/// their `#` back untouched.
fn prefix_ids(html: &str, prefix: &str) -> String {
    /// What happens at a place in `html`.
    enum Edit {
        /// The prefix goes here.
        Prefix,
        /// An [`OWN_ANCHOR`] here becomes `#`.
        Hash,
    }
    let bytes = html.as_bytes();
    let ids = memchr::memmem::find_iter(bytes, " id=\"").map(|i| (i + 5, Edit::Prefix));
    let fragments = memchr::memmem::find_iter(bytes, "href=\"#")
        .map(|i| i + 7)
        // `#` and `#top` lead to the document's top without an id (HTML).
        .filter(|&at| !(html[at..].starts_with('"') || html[at..].starts_with("top\"")))
        .map(|at| (at, Edit::Prefix));
    let own = format!("href=\"{OWN_ANCHOR}");
    let own = memchr::memmem::find_iter(bytes, &own).map(|i| (i + 6, Edit::Hash));
    let mut edits: Vec<(usize, Edit)> = ids.chain(fragments).chain(own).collect();
    edits.sort_unstable_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(html.len() + edits.len() * prefix.len());
    let mut copied = 0;
    for (at, edit) in edits {
        out.push_str(&html[copied..at]);
        match edit {
            Edit::Prefix => {
                out.push_str(prefix);
                copied = at;
            }
            Edit::Hash => {
                out.push('#');
                copied = at + OWN_ANCHOR.len_utf8();
            }
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_own_links_are_prefixed() {
        let html = "<h2 id=\"a\">A<a class=\"heading-anchor\" href=\"#a\">#</a></h2>\
                    <p><a href=\"#fn:1\">1</a> <a href=\"\u{1}p3-b\">x</a> <a href=\"../x/\">y</a></p>\
                    <tr id=\"task-1\"><a href=\"#top\">t</a><a href=\"#\">u</a>";
        assert_eq!(
            prefix_ids(html, "p2-"),
            "<h2 id=\"p2-a\">A<a class=\"heading-anchor\" href=\"#p2-a\">#</a></h2>\
             <p><a href=\"#p2-fn:1\">1</a> <a href=\"#p3-b\">x</a> <a href=\"../x/\">y</a></p>\
             <tr id=\"p2-task-1\"><a href=\"#top\">t</a><a href=\"#\">u</a>"
        );
    }
}
