//! Output paths claimed twice. Two sources of one output file would make
//! the published file depend on which write came last (and could tear it),
//! and paths that differ only in letter case or Unicode normalization
//! (`Page.md`/`page.md`, `café.md` in NFC and NFD) are one file on
//! case-insensitive or normalizing hosts. Each such claim is a
//! `path-collision` error, resolved by a fixed precedence, so every build
//! writes the same files:
//!
//! 1. Folio's own files: `index.html`, `404.html`, `sitemap.xml` and
//!    `sitemap-N.xml`, the translation dashboard (`status/index.html`,
//!    `status.json`), generated language homes, the playbook's task
//!    indexes, exports and phase overviews, and the folders `theme/`
//!    and `_folio/`;
//! 2. pages;
//! 3. other content files (assets);
//!
//! and within pages or assets, the content path that sorts first (by
//! bytes). The loser is not published.

use super::{PageId, Site};
use crate::diagnostic::{Code, Diagnostic};
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Folders of the output that only Folio writes into.
const FOLIO_FOLDERS: [(&str, &str); 2] = [
    ("theme", "the theme folder `theme/`"),
    ("_folio", "Folio's navigation folder `_folio/`"),
];

#[derive(Clone, Debug)]
enum Who {
    /// One of Folio's own files, described.
    Folio(String),
    Page(PageId),
    /// A content-relative asset path.
    Asset(String),
}

/// A file the site would write.
#[derive(Clone, Debug)]
struct Claim {
    /// Output path, site-relative.
    path: String,
    /// The content file it comes from (`""` for Folio's own).
    source: String,
    who: Who,
}

/// Marks the losers of every collision: pages are unpublished, assets
/// withheld (`Site::withheld`); each gets a `path-collision` error.
pub(crate) fn resolve(site: &mut Site, diagnostics: &mut Vec<Diagnostic>) {
    site.withheld.clear();
    let claims = claims(site);
    // Folded path → the claim that owns it, as a file or as a folder.
    let mut files: HashMap<String, usize> = HashMap::with_capacity(claims.len());
    let mut folders: HashMap<String, usize> = HashMap::new();
    for (i, claim) in claims.iter().enumerate() {
        let folded = fold(&claim.path);
        if let Some(&w) = files.get(&folded).or_else(|| folders.get(&folded)) {
            lose(site, claim, &claims[w], diagnostics);
            continue;
        }
        let first = folded.split('/').next().unwrap_or("");
        let folio_folder = folded
            .contains('/')
            .then(|| FOLIO_FOLDERS.iter().find(|(f, _)| *f == first))
            .flatten();
        if let (Some((_, what)), false) = (folio_folder, matches!(claim.who, Who::Folio(_))) {
            let owner = Claim {
                path: format!("{first}/"),
                source: String::new(),
                who: Who::Folio(what.to_string()),
            };
            lose(site, claim, &owner, diagnostics);
            continue;
        }
        if !folded.contains('/') && is_sitemap_part(&folded) && !matches!(claim.who, Who::Folio(_))
        {
            let owner = Claim {
                path: claim.path.clone(),
                source: String::new(),
                who: Who::Folio("the parts of Folio's sitemap on large sites".into()),
            };
            lose(site, claim, &owner, diagnostics);
            continue;
        }
        if let Some(&w) = ancestors(&folded).find_map(|a| files.get(a)) {
            lose(site, claim, &claims[w], diagnostics);
            continue;
        }
        for a in ancestors(&folded) {
            folders.entry(a.to_string()).or_insert(i);
        }
        files.insert(folded, i);
    }
}

/// Every file the site writes, in precedence order.
fn claims(site: &Site) -> Vec<Claim> {
    let folio = |path: String, what: String| Claim {
        path,
        source: String::new(),
        who: Who::Folio(what),
    };
    let mut claims = vec![
        folio("index.html".into(), "Folio's language chooser".into()),
        folio("404.html".into(), "Folio's not-found page".into()),
        folio("sitemap.xml".into(), "Folio's sitemap".into()),
    ];
    if site.writes_dashboard() {
        for path in super::translations::DASHBOARD_FILES {
            claims.push(folio(path.into(), "Folio's translation dashboard".into()));
        }
    }
    for (folder, what) in FOLIO_FOLDERS {
        // Claimed as a folder: a file at `theme` is in its way.
        claims.push(folio(format!("{folder}/"), what.to_string()));
    }
    for lang in site.languages_in_use() {
        let home = site
            .published_translation(&Default::default(), lang)
            .is_some();
        if !home {
            let code = &site.config.language(lang).code;
            claims.push(folio(
                format!("{code}/index.html"),
                format!("the generated home of `{code}`"),
            ));
        }
    }
    for (path, what) in super::playbook::claims(site) {
        claims.push(folio(path, what));
    }
    let mut pages: Vec<Claim> = site
        .published()
        .map(|(id, page)| Claim {
            path: format!("{}index.html", page.url),
            source: site.source(id).path.clone(),
            who: Who::Page(id),
        })
        .collect();
    pages.sort_by(|a, b| a.source.cmp(&b.source));
    claims.extend(pages);
    claims.extend(site.content.assets.iter().map(|a| Claim {
        path: site.asset_url(a),
        source: a.clone(),
        who: Who::Asset(a.clone()),
    }));
    claims
}

/// One key for paths a case-insensitive or normalizing host treats as one.
pub(super) fn fold(path: &str) -> String {
    if path.is_ascii() {
        return path.trim_end_matches('/').to_ascii_lowercase();
    }
    let lower = path.nfc().collect::<String>().to_lowercase();
    let folded: String = lower.nfc().collect();
    // Claims of folders (`theme/`) are keyed by the folder.
    folded.trim_end_matches('/').to_string()
}

/// `a/b/c` → `a/b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// `sitemap-3.xml` at the top: a part of a large sitemap.
fn is_sitemap_part(folded: &str) -> bool {
    folded
        .strip_prefix("sitemap-")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn lose(site: &mut Site, loser: &Claim, winner: &Claim, diagnostics: &mut Vec<Diagnostic>) {
    let shown = site.config.source_path(&loser.source);
    let (winner_name, hint) = match &winner.who {
        Who::Folio(what) => (
            format!("{what} (`{}`)", winner.path.trim_end_matches('/')),
            "rename or move this file; to change Folio's own pages or theme, use the site's `templates/` or `theme/` folder".to_string(),
        ),
        _ => (
            format!("`{}`", site.config.source_path(&winner.source)),
            "rename one of the two files so that their output paths differ in more than letter case or accents".to_string(),
        ),
    };
    let how = if winner.path == loser.path {
        String::new()
    } else if fold(&winner.path) == fold(&loser.path) {
        format!(
            " as `{}` (the two differ only in letter case or Unicode normalization, which many hosts treat as one name)",
            winner.path
        )
    } else {
        format!(
            " (`{}` needs it as a folder, or the other way round)",
            winner.path
        )
    };
    diagnostics.push(
        Diagnostic::new(
            Code::PathCollision,
            shown,
            format!(
                "this file would be written to `{}`, which {winner_name} also claims{how}; that one is published, this file is not",
                loser.path
            ),
        )
        .at(1, 1)
        .hint(hint),
    );
    match &loser.who {
        Who::Page(id) => site.page_mut(*id).published = false,
        Who::Asset(a) => {
            site.withheld.insert(a.clone());
        }
        Who::Folio(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_joins_case_and_normalization_twins() {
        assert_eq!(fold("en/Page/index.html"), fold("en/page/index.html"));
        assert_eq!(
            fold("en/caf\u{e9}/index.html"),
            fold("en/cafe\u{301}/index.html")
        );
        assert_ne!(fold("en/cafe/index.html"), fold("en/caf\u{e9}/index.html"));
        assert_eq!(fold("theme/"), "theme");
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a", "a/b"]);
        assert!(is_sitemap_part("sitemap-12.xml"));
        assert!(!is_sitemap_part("sitemap-.xml"));
    }
}
