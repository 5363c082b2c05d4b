//! `sitemap.xml`: the language chooser, the language homes and every
//! page, each with `xhtml:link` alternates: exactly the hreflang set its
//! HTML carries ([`super::hreflang`]), `x-default` included. Above the
//! protocol's 50,000 URLs per file it becomes an index of parts.

use super::Renderer;
use super::hreflang::{self, Member};
use crate::html::escape;
use crate::paths;

const MAX_URLS: usize = 50_000;

/// The sitemap files, site-relative path → XML, each made in one string
/// (no list of entries joined at the end: at 50,000 pages that doubled
/// the largest allocation of a build).
pub(crate) fn files(renderer: &Renderer<'_>) -> Vec<(String, String)> {
    let site = renderer.site;
    let languages = renderer.languages();
    let homes = hreflang::of_homes(site, languages);
    let mut sets = Sets::new(&site.config.base_url, MAX_URLS);
    sets.entry("", None, &homes);
    for lang in renderer.generated_homes() {
        let url = format!("{}/", site.config.language(lang).code);
        sets.entry(&url, None, &homes);
    }
    for (url, set) in renderer.playbook_pages() {
        sets.entry(&url, None, &set);
    }
    for (id, page) in site.published() {
        let date = site.updated(id).map(|d| d.iso());
        sets.entry(&page.url, date, &hreflang::of_page(site, languages, id));
    }
    sets.finish()
}

const URLSET_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const URLSET_CLOSE: &str = "</urlset>\n";

/// URL sets of at most `limit` entries ([`MAX_URLS`]), filled in order.
struct Sets<'a> {
    base_url: &'a str,
    /// URLs a file may hold.
    limit: usize,
    done: Vec<String>,
    current: String,
    count: usize,
}

impl<'a> Sets<'a> {
    fn new(base_url: &'a str, limit: usize) -> Sets<'a> {
        Sets {
            base_url,
            limit,
            done: Vec::new(),
            current: String::from(URLSET_OPEN),
            count: 0,
        }
    }

    fn absolute(&self, url: &str) -> String {
        paths::absolute_url(self.base_url, url)
    }

    fn entry(&mut self, url: &str, lastmod: Option<String>, set: &[Member]) {
        if self.count == self.limit {
            let full = std::mem::replace(&mut self.current, String::from(URLSET_OPEN));
            self.done.push(full + URLSET_CLOSE);
            self.count = 0;
        }
        self.count += 1;
        let loc = escape(&self.absolute(url));
        let xml = &mut self.current;
        xml.push_str("<url><loc>");
        xml.push_str(&loc);
        xml.push_str("</loc>");
        if let Some(date) = lastmod {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        for m in set {
            let href = escape(&paths::absolute_url(self.base_url, &m.url));
            self.current.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{href}\"/>",
                escape(&m.hreflang)
            ));
        }
        self.current.push_str("</url>\n");
    }

    /// One `sitemap.xml`, or numbered parts and an index above the limit.
    fn finish(mut self) -> Vec<(String, String)> {
        self.current.push_str(URLSET_CLOSE);
        if self.done.is_empty() {
            return vec![("sitemap.xml".to_string(), self.current)];
        }
        self.done.push(self.current);
        let mut index = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let mut files = Vec::new();
        for (i, part) in self.done.into_iter().enumerate() {
            let name = format!("sitemap-{}.xml", i + 1);
            index.push_str(&format!(
                "<sitemap><loc>{}</loc></sitemap>\n",
                escape(&paths::absolute_url(self.base_url, &name))
            ));
            files.push((name, part));
        }
        index.push_str("</sitemapindex>\n");
        files.push(("sitemap.xml".to_string(), index));
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn above_the_limit_the_sitemap_is_an_index_of_parts() {
        let mut sets = Sets::new("https://x.example/docs/", 2);
        for url in ["", "en/a/", "en/b/", "es/a/", "es/b/"] {
            sets.entry(url, Some("2024-01-02".into()), &[]);
        }
        let files = sets.finish();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        assert_eq!(files[0].1.matches("<url>").count(), 2);
        assert_eq!(files[2].1.matches("<url>").count(), 1);
        assert!(files[2].1.ends_with("</urlset>\n"));
        assert!(
            files[3]
                .1
                .contains("<loc>https://x.example/docs/sitemap-3.xml</loc>")
        );
        let one = Sets::new("https://x.example/", 2).finish();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].1, format!("{URLSET_OPEN}{URLSET_CLOSE}"));
    }
}
