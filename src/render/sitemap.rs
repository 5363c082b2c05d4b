//! `sitemap.xml`: the language chooser, the language homes and every
//! page, each with `xhtml:link` alternates: exactly the hreflang set its
//! HTML carries ([`super::hreflang`]), `x-default` included. Above the
//! protocol's 50,000 URLs per file it becomes an index of parts.

use super::Renderer;
use super::hreflang::{self, Member};
use crate::html::escape;
use crate::paths;

const MAX_URLS: usize = 50_000;

/// The sitemap files, site-relative path → XML.
pub(crate) fn files(renderer: &Renderer<'_>) -> Vec<(String, String)> {
    let site = renderer.site;
    let languages = renderer.languages();
    let absolute = |url: &str| paths::absolute_url(&site.config.base_url, url);
    let entry = |url: &str, lastmod: Option<String>, set: &[Member]| {
        let mut xml = format!("<url><loc>{}</loc>", escape(&absolute(url)));
        if let Some(date) = lastmod {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        for m in set {
            xml.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape(&m.hreflang),
                escape(&absolute(&m.url))
            ));
        }
        xml.push_str("</url>\n");
        xml
    };
    let homes = hreflang::of_homes(site, languages);
    let mut entries = vec![entry("", None, &homes)];
    for lang in renderer.generated_homes() {
        let url = format!("{}/", site.config.language(lang).code);
        entries.push(entry(&url, None, &homes));
    }
    for (id, page) in site.published() {
        let date = site.source(id).date.map(|d| d.iso());
        entries.push(entry(
            &page.url,
            date,
            &hreflang::of_page(site, languages, id),
        ));
    }
    let urlset = |chunk: &[String]| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n{}</urlset>\n",
            chunk.concat()
        )
    };
    if entries.len() <= MAX_URLS {
        return vec![("sitemap.xml".to_string(), urlset(&entries))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in entries.chunks(MAX_URLS).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            escape(&absolute(&name))
        ));
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".to_string(), index));
    files
}
