//! The `human` and `markdown` forms of a status report.

use super::{LanguageSummary, PageRow, Report, TranslationInfo};
use crate::site::translations::State;
use std::io::{self, Write};

/// Rows a pull-request comment lists before it says how many more there
/// are (GitHub cuts comments at 65,536 characters).
const MARKDOWN_ROWS: usize = 150;

/// What needs work, one line per translation, in key order.
fn needing_work(report: &Report) -> impl Iterator<Item = (&PageRow, &str, &TranslationInfo)> {
    report.pages.iter().flat_map(|page| {
        page.translations
            .iter()
            .filter(|(_, t)| t.status != State::Current)
            .map(move |(code, t)| (page, code.as_str(), t))
    })
}

/// A key as people read it: the home is `index`.
fn shown_key(key: &str) -> &str {
    if key.is_empty() { "index" } else { key }
}

fn counts_line(l: &LanguageSummary) -> String {
    State::ALL
        .iter()
        .map(|s| format!("{:>10}", l.counts.get(s.as_str()).copied().unwrap_or(0)))
        .collect()
}

pub(super) fn human(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "translation status of {} pages in {} (staleness by {})",
        report.pages.iter().filter(|p| p.source.is_some()).count(),
        report.default_language,
        report.staleness
    )?;
    writeln!(out)?;
    let header: String = State::ALL
        .iter()
        .map(|s| format!("{:>10}", s.as_str()))
        .collect();
    // Names last: their width on a terminal is not their length (日本語).
    writeln!(out, "{:<10}{:>9}{header}  name", "language", "coverage")?;
    for l in &report.languages {
        let coverage = format!("{:.1}%", l.coverage.percent);
        writeln!(
            out,
            "{:<10}{coverage:>9}{}  {}",
            l.code,
            counts_line(l),
            l.name
        )?;
    }
    for state in &State::ALL[1..] {
        let rows: Vec<_> = needing_work(report)
            .filter(|(_, _, t)| t.status == *state)
            .collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(out, "\n{} ({})", state.as_str(), rows.len())?;
        for (page, code, t) in rows {
            writeln!(
                out,
                "  {code:<8}{:<40} {}",
                shown_key(&page.key),
                detail(page, t)
            )?;
        }
    }
    Ok(())
}

/// What to do about one translation, in a line.
fn detail(page: &PageRow, t: &TranslationInfo) -> String {
    let file = t.file.as_deref().unwrap_or("");
    let source = page.source.as_ref();
    match t.status {
        State::Stale => format!(
            "{file} ({}) is {} days behind {} ({})",
            t.updated.as_deref().unwrap_or("?"),
            t.behind_days.unwrap_or(0),
            source.map(|s| s.file.as_str()).unwrap_or(""),
            source.and_then(|s| s.updated.as_deref()).unwrap_or("?"),
        ),
        State::Missing => {
            let meanwhile = if t.fallback.is_some() {
                "; readers get the original meanwhile"
            } else {
                ""
            };
            format!("create {}{meanwhile}", t.expected.as_deref().unwrap_or(""))
        }
        State::Duplicate => format!("{file} is published; other files have the same key"),
        State::Conflict => format!("{file}: its suffix names another language than its folder"),
        State::Orphan => format!("{file} has no original"),
        State::Current => file.to_string(),
    }
}

pub(super) fn markdown(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### Translation status\n")?;
    let states: String = State::ALL
        .iter()
        .map(|s| format!(" {} |", capitalize(s.as_str())))
        .collect();
    writeln!(out, "| Language | Coverage |{states}")?;
    writeln!(out, "|:--|--:|{}", "--:|".repeat(State::ALL.len()))?;
    for l in &report.languages {
        let counts: String = State::ALL
            .iter()
            .map(|s| format!(" {} |", l.counts.get(s.as_str()).copied().unwrap_or(0)))
            .collect();
        writeln!(
            out,
            "| {} (<code>{}</code>) | {:.1}% |{counts}",
            cell(&l.name),
            cell(&l.code),
            l.coverage.percent
        )?;
    }
    let rows: Vec<_> = needing_work(report).collect();
    if rows.is_empty() {
        return writeln!(out, "\nEvery translation is current.");
    }
    writeln!(
        out,
        "\n<details><summary>{} {} need work</summary>\n",
        rows.len(),
        if rows.len() == 1 {
            "translation"
        } else {
            "translations"
        }
    )?;
    writeln!(
        out,
        "| Page | Language | Status | Detail |\n|:--|:--|:--|:--|"
    )?;
    for (page, code, t) in rows.iter().take(MARKDOWN_ROWS) {
        writeln!(
            out,
            "| <code>{}</code> | {} | {} | {} |",
            cell(shown_key(&page.key)),
            cell(code),
            t.status.as_str(),
            short_detail(t)
        )?;
    }
    if rows.len() > MARKDOWN_ROWS {
        writeln!(
            out,
            "\n… and {} more: run `folio status` for all of them.",
            rows.len() - MARKDOWN_ROWS
        )?;
    }
    writeln!(out, "\n</details>")
}

/// The detail cell, ready for Markdown.
fn short_detail(t: &TranslationInfo) -> String {
    let path = match t.status {
        State::Stale => return format!("{} days behind", t.behind_days.unwrap_or(0)),
        State::Missing => t.expected.as_deref(),
        _ => t.file.as_deref(),
    };
    format!("<code>{}</code>", cell(path.unwrap_or("")))
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Text safe in a Markdown table cell: as `folio check --format
/// markdown` writes content (punctuation escaped, no HTML, no mentions).
fn cell(s: &str) -> String {
    crate::check::report::markdown::text(s)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_mention_format_or_break_the_table() {
        assert_eq!(cell("@team|x_y"), "&#64;team\\|x\\_y");
        assert_eq!(cell("<b>a</b>\nb"), "&lt;b&gt;a&lt;/b&gt;\\\\nb");
    }
}
