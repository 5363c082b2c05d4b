//! `sitemap.xml` with `xhtml:link` alternates for every translation. Above
//! the protocol's 50,000 URLs per file it becomes an index of parts.

use crate::markdown::html::escape;
use crate::paths;
use crate::site::Site;

const MAX_URLS: usize = 50_000;

/// The sitemap files, site-relative path → XML.
pub fn files(site: &Site) -> Vec<(String, String)> {
    let absolute = |url: &str| format!("{}{}", site.config.base_url, paths::encode_path(url, true));
    let mut entries = Vec::new();
    for (id, page) in site.published() {
        let mut xml = format!("<url><loc>{}</loc>", escape(&absolute(&page.url)));
        if let Some(date) = site.source(id).date {
            xml.push_str(&format!("<lastmod>{}</lastmod>", date.iso()));
        }
        if let Some(translations) = site.index.translations.get(&page.key) {
            let published: Vec<_> = translations
                .iter()
                .flatten()
                .filter(|&&p| site.pages[p].published)
                .collect();
            if published.len() > 1 {
                for &&p in &published {
                    let code = &site.config.languages[site.pages[p].lang].code;
                    xml.push_str(&format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        escape(code),
                        escape(&absolute(&site.pages[p].url))
                    ));
                }
            }
        }
        xml.push_str("</url>\n");
        entries.push(xml);
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
