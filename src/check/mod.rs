//! `folio check`: diagnostics over the resolved site. It reads the same
//! model the build renders (same parsing, heading ids, link resolution), so
//! what checks clean renders right, and it writes nothing.

pub mod baseline;
pub mod external;
pub mod gate;
pub(crate) mod kept;
mod links;
pub mod report;
pub mod scope;
mod tasks;
mod translations;

use crate::diagnostic::{self, Code, Diagnostic, Severity};
use crate::site::{PageId, Site};

/// Every diagnostic of the site: what loading found plus every check, with
/// the site's severities applied, `off` codes dropped, sorted and de-duplicated.
pub(crate) fn run(site: &Site) -> Vec<Diagnostic> {
    let mut found = site.diagnostics();
    front_matter(site, &mut found);
    links::check(site, &mut found);
    translations::check(site, &mut found);
    tasks::check(site, &mut found);
    finish(site, found)
}

/// Applies `checks.severity`, drops `off`, sorts.
pub(crate) fn finish(site: &Site, mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for d in &mut found {
        d.severity = site.config.severity_of(d.code);
    }
    found.retain(|d| d.severity != Severity::Off);
    diagnostic::normalize(&mut found);
    found
}

/// `front-matter-missing`: required keys absent or empty.
fn front_matter(site: &Site, out: &mut Vec<Diagnostic>) {
    if site.config.front_matter.required.is_empty() {
        return;
    }
    for (id, _) in site.sources() {
        front_matter_of(site, id, out);
    }
}

/// [`front_matter`] of one page.
fn front_matter_of(site: &Site, id: PageId, out: &mut Vec<Diagnostic>) {
    let source = site.source(id);
    if source.failed {
        return;
    }
    let fm = &source.front_matter;
    for key in &site.config.front_matter.required {
        if fm.is_empty(key) {
            let present = fm.fields.contains_key(key);
            out.push(
                Diagnostic::new(
                    Code::FrontMatterMissing,
                    site.config.source_path(&source.path),
                    if present {
                        format!("front matter key `{key}` is empty")
                    } else {
                        format!("front matter has no `{key}`, which folio.yml requires")
                    },
                )
                .at(if present { fm.line_of(key) } else { 1 }, 1)
                .hint(if source.body_start == 0 {
                    format!("add a front matter block at the top: ---\\n{key}: …\\n---")
                } else {
                    format!("add `{key}: …` between the `---` lines")
                }),
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
