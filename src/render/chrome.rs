//! What the page frame shows around the body: the `<title>` text, the
//! body's leading title block (so "On this page" can sit under it on small
//! screens) and the footer's build date.

use std::time::{SystemTime, UNIX_EPOCH};

/// Separators sites put between a page's name and the site's in titles
/// ("Playbook - Kickoff", "Kickoff | Playbook").
const SEPARATORS: &[&str] = &[" - ", " – ", " — ", " | ", ": ", " · "];

/// The page part of `<title>`: the page's name (its caller picks the
/// title or the heading) without the site title when the name already
/// carries it, so the template's "page – site" names the site once.
pub(crate) fn document_title(heading: &str, site_title: &str) -> String {
    let heading = heading.trim();
    let site = site_title.trim();
    if site.is_empty() || heading.eq_ignore_ascii_case(site) {
        return heading.to_string();
    }
    for sep in SEPARATORS {
        if let Some(rest) = strip_prefix_ci(heading, site).and_then(|r| r.strip_prefix(sep)) {
            if !rest.trim().is_empty() {
                return rest.trim().to_string();
            }
        }
        if let Some(rest) = strip_suffix_ci(heading, site).and_then(|r| r.strip_suffix(sep)) {
            if !rest.trim().is_empty() {
                return rest.trim().to_string();
            }
        }
    }
    heading.to_string()
}

fn strip_prefix_ci<'h>(text: &'h str, prefix: &str) -> Option<&'h str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn strip_suffix_ci<'h>(text: &'h str, suffix: &str) -> Option<&'h str> {
    let at = text.len().checked_sub(suffix.len())?;
    let tail = text.get(at..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..at])
}

/// The opening and closing of the block `markdown` writes for a `#`
/// heading: the `<h1>`, then its permalink, in one `<div>`.
const LEAD_OPEN: &str = "<div class=\"heading heading-1\">";
const LEAD_ANCHOR: &str = "</h1><a class=\"heading-anchor\"";
const LEAD_CLOSE: &str = "</a></div>\n";

/// Where the block of a body's leading `#` heading ends (0 when the body
/// does not start with one), so templates can put things under the title.
pub(crate) fn lead_end(content: &str) -> usize {
    let start = content.len() - content.trim_start().len();
    if !content[start..].starts_with(LEAD_OPEN) {
        return 0;
    }
    content[start..]
        .find(LEAD_ANCHOR)
        .and_then(|a| {
            let after = start + a + LEAD_ANCHOR.len();
            content[after..]
                .find(LEAD_CLOSE)
                .map(|c| after + c + LEAD_CLOSE.len())
        })
        .unwrap_or(0)
}

type Args = std::collections::HashMap<String, tera::Value>;

/// The Tera filters `lead` and `after_lead`: `{{ page.content | lead }}`
/// is the body's leading `#` heading block (or nothing), `after_lead` the
/// rest, so `page.content` stays the whole body for every template.
pub(crate) fn register_filters(tera: &mut tera::Tera) {
    fn part(value: &tera::Value, lead: bool) -> tera::Result<tera::Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("`lead` and `after_lead` take a string"))?;
        let end = lead_end(text);
        let part = if lead { &text[..end] } else { &text[end..] };
        Ok(tera::Value::String(part.to_string()))
    }
    tera.register_filter("lead", |v: &tera::Value, _: &Args| part(v, true));
    tera.register_filter("after_lead", |v: &tera::Value, _: &Args| part(v, false));
}

/// Today's date (UTC) as `YYYY-MM-DD`, or the date of `SOURCE_DATE_EPOCH`
/// (seconds since 1970, the reproducible-builds convention) when it is set.
pub(crate) fn build_date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
                .unwrap_or(0)
        });
    iso_date(seconds.div_euclid(86_400))
}

/// The civil date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`), proleptic Gregorian.
fn iso_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_title_is_named_once() {
        let site = "Northwind Partner Playbook";
        for heading in [
            "Northwind Partner Playbook - Run the Kickoff",
            "northwind partner playbook | Run the Kickoff",
            "Run the Kickoff – Northwind Partner Playbook",
            "Run the Kickoff",
        ] {
            assert_eq!(
                document_title(heading, site),
                "Run the Kickoff",
                "{heading}"
            );
        }
        assert_eq!(document_title(site, site), site);
        assert_eq!(document_title("Playbooks - 2", "Playbook"), "Playbooks - 2");
        assert_eq!(document_title("Ejecutar – Ñ", "Ñ"), "Ejecutar");
    }

    #[test]
    fn the_lead_heading_block_is_split_off() {
        let body = "<div class=\"heading heading-1\"><h1 id=\"a\">A <code>&lt;/div&gt;</code></h1><a class=\"heading-anchor\" href=\"#a\" aria-label=\"Link: A\"><span aria-hidden=\"true\">#</span></a></div>\n<p>x</p>\n";
        let end = lead_end(body);
        assert!(body[..end].starts_with("<div class=\"heading heading-1\">"));
        assert!(body[..end].ends_with("</a></div>\n"));
        assert_eq!(&body[end..], "<p>x</p>\n");
        let body = "<p>intro</p>\n<div class=\"heading heading-1\"><h1 id=\"a\">A</h1></div>\n";
        assert_eq!(lead_end(body), 0);
    }

    #[test]
    fn dates_from_day_counts() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(19_723), "2024-01-01");
        assert_eq!(iso_date(19_782), "2024-02-29");
        assert_eq!(iso_date(-1), "1969-12-31");
    }
}
