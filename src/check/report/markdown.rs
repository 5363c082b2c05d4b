//! `--format markdown`: a report for `$GITHUB_STEP_SUMMARY` and
//! pull-request comments. Counts by code, then a table of the first
//! problems with links to their lines, then what the baseline says.
//!
//! Everything taken from content (file names, messages, targets) is
//! escaped: Markdown punctuation with `\`, `<` and `&` as references, and
//! `@` too, so a page cannot mention (notify) people in a comment.

use super::{Extras, Summary, plural, summary_line};
use crate::check::gate::BaselineReport;
use crate::diagnostic::{Code, Diagnostic, Newlines, Severity, escape_controls};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub(super) fn write(
    diagnostics: &[Diagnostic],
    summary: Summary,
    extras: &Extras<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "### Folio check\n")?;
    writeln!(out, "{}\n", text(&summary_line(&summary)))?;
    if let Some(n) = extras.scope {
        writeln!(
            out,
            "Only diagnostics of the {n} {} named are shown.\n",
            plural(n, "file or folder", "files and folders")
        )?;
    }
    if diagnostics.is_empty() {
        writeln!(out, "No problems found.\n")?;
    } else {
        counts(diagnostics, out)?;
        table(diagnostics, extras, out)?;
    }
    baseline(extras, out)
}

fn counts(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let mut by_code: BTreeMap<(Severity, Code), usize> = BTreeMap::new();
    for d in diagnostics {
        *by_code.entry((d.severity, d.code)).or_default() += 1;
    }
    writeln!(out, "| code | severity | count |\n|---|---|---:|")?;
    for ((severity, code), n) in &by_code {
        writeln!(out, "| `{code}` | {} | {n} |", severity.as_str())?;
    }
    writeln!(out)
}

fn table(diagnostics: &[Diagnostic], extras: &Extras<'_>, out: &mut dyn Write) -> io::Result<()> {
    let shown = diagnostics.len().min(extras.max_rows);
    if shown == 0 {
        return Ok(());
    }
    writeln!(
        out,
        "| severity | where | code | problem |\n|---|---|---|---|"
    )?;
    for d in &diagnostics[..shown] {
        let place = format!("{}:{}", d.file, d.line);
        let href = format!(
            "{}{}{}",
            extras.link_prefix.as_deref().unwrap_or(""),
            crate::paths::encode_path(&d.file, true),
            if d.line > 0 {
                format!("#L{}", d.line)
            } else {
                String::new()
            }
        );
        let mut problem = text(&d.message);
        if let Some(hint) = &d.hint {
            problem.push_str(&format!(" (help: {})", text(hint)));
        }
        writeln!(
            out,
            "| {} | [{}](<{}>) | `{}` | {problem} |",
            d.severity.as_str(),
            text(&place),
            href.replace('>', "%3E"),
            d.code
        )?;
    }
    let rest = diagnostics.len() - shown;
    if rest > 0 {
        writeln!(
            out,
            "\n…and {rest} more; run `folio check` for the full list."
        )?;
    }
    writeln!(out)
}

fn baseline(extras: &Extras<'_>, out: &mut dyn Write) -> io::Result<()> {
    match extras.baseline {
        Some(BaselineReport::Compared { file, known, fixed }) => {
            writeln!(
                out,
                "Baseline {}: {known} known {} not shown.\n",
                text(file),
                plural(*known, "problem", "problems")
            )?;
            if fixed.is_empty() {
                return Ok(());
            }
            let n: usize = fixed.iter().map(|e| e.count).sum();
            writeln!(
                out,
                "<details><summary>{n} baseline {} fixed: shrink the baseline with <code>--update-baseline</code></summary>\n",
                plural(n, "problem is", "problems are")
            )?;
            for e in fixed {
                writeln!(out, "- {}", text(&super::entry_text(e)))?;
            }
            writeln!(out, "\n</details>\n")
        }
        Some(BaselineReport::Updated { file, problems, .. }) => writeln!(
            out,
            "Wrote baseline {}: {problems} {}.\n",
            text(file),
            plural(*problems, "problem", "problems")
        ),
        None => Ok(()),
    }
}

/// Text from content made inert in Markdown: one line, punctuation
/// escaped, no HTML, no mentions.
pub(crate) fn text(s: &str) -> String {
    let line = escape_controls(s, Newlines::Escape);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("&#64;"),
            c if c.is_ascii_punctuation() && !matches!(c, '/' | ':' | ',' | '.' | '-' | '=') => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_cannot_format_mention_or_break_the_table() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("<img src=x> @alice"), "&lt;img src=x&gt; &#64;alice");
        assert_eq!(
            text("**x** `y` [z](w)"),
            "\\*\\*x\\*\\* \\`y\\` \\[z\\]\\(w\\)"
        );
        assert_eq!(text("line\nbreak"), "line\\\\nbreak");
        assert_eq!(text("a/b.md:3, c"), "a/b.md:3, c");
    }

    #[test]
    fn counts_table_links_and_the_rest() {
        let d: Vec<Diagnostic> = (1..=3)
            .map(|i| {
                Diagnostic::new(
                    Code::LinkBroken,
                    "docs/a b.md",
                    format!("`x{i}.md` is <gone>"),
                )
                .at(i, 2)
            })
            .collect();
        let extras = Extras {
            max_rows: 2,
            link_prefix: Some("https://github.com/o/r/blob/abc/".into()),
            ..Extras::default()
        };
        let mut out = Vec::new();
        write(&d, Summary::new(&d, 4, 2), &extras, &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert!(md.contains("| `link-broken` | error | 3 |"), "{md}");
        assert!(
            md.contains("| error | [docs/a b.md:1](<https://github.com/o/r/blob/abc/docs/a%20b.md#L1>) | `link-broken` | \\`x1.md\\` is &lt;gone&gt; |"),
            "{md}"
        );
        assert!(!md.contains("x3.md"), "{md}");
        assert!(md.contains("…and 1 more"), "{md}");
        assert!(
            md.contains("4 pages in 2 languages, 3 errors, 0 warnings"),
            "{md}"
        );
    }
}
