//! Printing diagnostics: `human` (with the source line and a caret),
//! `json` (one object, a contract for CI scripts), `github` (workflow
//! commands that annotate pull requests) and `markdown` (job summaries
//! and pull-request comments).

pub(crate) mod markdown;

use super::gate::BaselineReport;
use crate::diagnostic::{Code, Counts, Diagnostic, Newlines, Severity, escape_controls};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// The output formats of `folio check --format` (the command line parses
/// them through clap; the names are a public contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    // clap would turn doc comments on the variants into a list that
    // changes `folio check --help`; `--format`'s help describes them.
    #[allow(missing_docs)]
    Human,
    #[allow(missing_docs)]
    Json,
    #[allow(missing_docs)]
    Github,
    #[allow(missing_docs)]
    Markdown,
}

/// What a report says besides the diagnostics (`folio check`'s options).
#[derive(Clone, Debug)]
pub struct Extras<'a> {
    /// What `--baseline` did.
    pub baseline: Option<&'a BaselineReport>,
    /// With `--files` or `--changed-from`: how many files and folders were named.
    pub scope: Option<usize>,
    /// `markdown`: rows of the problem table (`--max-rows`).
    pub max_rows: usize,
    /// `markdown`: what makes a file path a link to the file
    /// (`https://github.com/o/r/blob/<sha>/`); relative links without it.
    pub link_prefix: Option<String>,
}

impl Default for Extras<'_> {
    fn default() -> Self {
        Extras {
            baseline: None,
            scope: None,
            max_rows: 50,
            link_prefix: None,
        }
    }
}

/// Where files of this GitHub Actions run are shown (`$GITHUB_SERVER_URL/
/// $GITHUB_REPOSITORY/blob/$GITHUB_SHA/`), outside Actions `None`.
pub fn github_blob_prefix() -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}/",
        var("GITHUB_SERVER_URL")?.trim_end_matches('/'),
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

/// Totals printed after the diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Diagnostics of severity error.
    pub errors: usize,
    /// Diagnostics of severity warning.
    pub warnings: usize,
    pub(crate) pages: usize,
    pub(crate) languages: usize,
}

impl Summary {
    pub(crate) fn new(diagnostics: &[Diagnostic], pages: usize, languages: usize) -> Summary {
        let Counts { errors, warnings } = Counts::of(diagnostics);
        Summary {
            errors,
            warnings,
            pages,
            languages,
        }
    }
}

/// A site file's whole text, given its name as diagnostics show it; what
/// the human format takes its excerpts from.
pub(crate) type SourceText<'a> = dyn Fn(&str) -> Option<Cow<'a, str>> + 'a;

/// Writes a report as it goes (a report can be far larger than is worth
/// holding in memory: thousands of diagnostics on one long line).
pub fn write<'a>(
    format: Format,
    diagnostics: &[Diagnostic],
    summary: Summary,
    source: &SourceText<'a>,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_with(
        format,
        diagnostics,
        summary,
        source,
        &Extras::default(),
        out,
    )
}

/// [`write`], with what `--baseline` and `--files` add.
pub fn write_with<'a>(
    format: Format,
    diagnostics: &[Diagnostic],
    summary: Summary,
    source: &SourceText<'a>,
    extras: &Extras<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human(diagnostics, summary, source, extras, out),
        Format::Json => json(diagnostics, summary, extras, out),
        Format::Github => github(diagnostics, summary, extras, out),
        Format::Markdown => markdown::write(diagnostics, summary, extras, out),
    }
}

/// Plain lines about the baseline and the files looked at, printed
/// before the summary line by `human` and `github`.
fn extra_lines(extras: &Extras<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(n) = extras.scope {
        lines.push(format!(
            "only diagnostics of the {n} {} named are shown",
            plural(n, "file or folder", "files and folders")
        ));
    }
    match extras.baseline {
        Some(BaselineReport::Compared { file, known, fixed }) => {
            lines.push(format!(
                "baseline {file}: {known} known {} not shown",
                plural(*known, "problem", "problems")
            ));
            if !fixed.is_empty() {
                let n: usize = fixed.iter().map(|e| e.count).sum();
                lines.push(format!(
                    "baseline {file}: {n} {} fixed; remove {} with `folio check --baseline {file} --update-baseline`:",
                    plural(n, "problem is", "problems are"),
                    plural(n, "it", "them")
                ));
                for e in fixed {
                    lines.push(format!("  fixed: {}", entry_text(e)));
                }
            }
        }
        Some(BaselineReport::Updated {
            file,
            problems,
            files,
            before,
        }) => lines.push(format!(
            "wrote baseline {file}: {problems} {} in {files} {}{}",
            plural(*problems, "problem", "problems"),
            plural(*files, "file", "files"),
            before.map_or(String::new(), |b| format!(" (it had {b})"))
        )),
        None => {}
    }
    lines
}

/// A baseline entry on one line: `file: code `target` (message)`.
fn entry_text(e: &super::baseline::Entry) -> String {
    let target = e
        .target
        .as_deref()
        .map_or(String::new(), |t| format!(" `{t}`"));
    let times = if e.count > 1 {
        format!(" ×{}", e.count)
    } else {
        String::new()
    };
    escape_controls(
        &format!("{}: {}{target}{times} ({})", e.file, e.code, e.message),
        Newlines::Escape,
    )
    .into_owned()
}

fn human<'a>(
    diagnostics: &[Diagnostic],
    summary: Summary,
    source: &SourceText<'a>,
    extras: &Extras<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut excerpts = Excerpts::new(source);
    for d in diagnostics {
        writeln!(out, "{d}")?;
        if let Some(excerpt) = excerpts.at(&d.file, d.line, d.column) {
            let number = d.line.to_string();
            let pad = " ".repeat(number.len());
            let caret = " ".repeat(excerpt.caret);
            writeln!(
                out,
                "{pad} |\n{number} | {}\n{pad} | {caret}^",
                excerpt.text
            )?;
        }
        if let Some(hint) = &d.hint {
            writeln!(out, "  = help: {}", escape_controls(hint, Newlines::Escape))?;
        }
        writeln!(out)?;
    }
    let mut by_code: BTreeMap<(Severity, Code), usize> = BTreeMap::new();
    for d in diagnostics {
        *by_code.entry((d.severity, d.code)).or_default() += 1;
    }
    for ((severity, code), n) in &by_code {
        writeln!(out, "{n:>6} {}[{code}]", severity.as_str())?;
    }
    for line in extra_lines(extras) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", summary_line(&summary))
}

/// The part of a source line shown under a diagnostic: at most
/// [`Excerpts::WIDTH`] characters around the column, control characters
/// escaped, and where the caret goes.
#[derive(Debug, PartialEq, Eq)]
struct Excerpt {
    text: String,
    /// Characters of `text` before the caret.
    caret: usize,
}

/// Excerpts for diagnostics in report order (sorted by file, line,
/// column). The current file's line starts are computed once, and a cursor
/// remembers the last column found, so many diagnostics on one long line
/// cost one walk along it rather than one walk each.
struct Excerpts<'s, 'a> {
    source: &'s SourceText<'a>,
    file: Option<SourceFile<'a>>,
}

struct SourceFile<'a> {
    name: String,
    text: Option<Cow<'a, str>>,
    line_starts: Vec<usize>,
    /// (line, column, byte offset) of the last column found.
    cursor: (u32, u32, usize),
}

impl<'s, 'a> Excerpts<'s, 'a> {
    /// Characters shown of a long line; shorter lines are shown whole.
    const WIDTH: usize = 100;

    fn new(source: &'s SourceText<'a>) -> Self {
        Excerpts { source, file: None }
    }

    fn at(&mut self, file: &str, line: u32, column: u32) -> Option<Excerpt> {
        if line == 0 {
            return None;
        }
        if self.file.as_ref().is_none_or(|f| f.name != file) {
            let text = (self.source)(file);
            let line_starts = text
                .as_deref()
                .map(|t| {
                    std::iter::once(0)
                        .chain(t.match_indices('\n').map(|(i, _)| i + 1))
                        .collect()
                })
                .unwrap_or_default();
            self.file = Some(SourceFile {
                name: file.to_string(),
                text,
                line_starts,
                cursor: (0, 0, 0),
            });
        }
        let f = self.file.as_mut()?;
        let text: &str = f.text.as_deref()?;
        let start = *f.line_starts.get(line as usize - 1)?;
        let end = f
            .line_starts
            .get(line as usize)
            .map_or(text.len(), |&next| next - 1);
        let line_text = text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&text[start..end]);
        // The byte offset of the column, walking on from the cursor when it
        // is on this line and not past the column.
        let wanted = column.max(1);
        let (mut col, mut at) = match f.cursor {
            (l, c, b) if l == line && c <= wanted && c > 0 => (c, b),
            _ => (1, 0),
        };
        let mut chars = line_text[at..].chars();
        while col < wanted {
            match chars.next() {
                Some(c) => {
                    at += c.len_utf8();
                    col += 1;
                }
                None => break,
            }
        }
        f.cursor = (line, col, at);
        Some(window(line_text, at))
    }
}

/// At most [`Excerpts::WIDTH`] characters of `line` around byte offset
/// `at`, with `…` where it is cut.
fn window(line: &str, at: usize) -> Excerpt {
    let width = Excerpts::WIDTH;
    let before: Vec<usize> = line[..at]
        .char_indices()
        .rev()
        .take(width + 1)
        .map(|(i, _)| i)
        .collect();
    let after: Vec<usize> = line[at..]
        .char_indices()
        .take(width + 1)
        .map(|(i, _)| at + i)
        .collect();
    // Everything when it fits; else about a third before the column.
    let (take_before, take_after) = if before.len() + after.len() <= width {
        (before.len(), after.len())
    } else {
        let n_after = after.len().min(width);
        let b = before.len().min((width / 3).max(width - n_after));
        (b, n_after.min(width - b))
    };
    let from = if take_before == 0 {
        at
    } else {
        before[take_before - 1]
    };
    let to = after.get(take_after).copied().unwrap_or(line.len());
    let cut_start = from > 0;
    let cut_end = to < line.len();
    let mut text = String::new();
    let mut caret = 0;
    if cut_start {
        text.push('…');
        caret += 1;
    }
    for (i, c) in line[from..to].char_indices() {
        let shown: Cow<'_, str> = if c == '\t' {
            Cow::Borrowed(" ")
        } else {
            let mut buf = [0u8; 4];
            Cow::Owned(escape_controls(c.encode_utf8(&mut buf), Newlines::Escape).into_owned())
        };
        if from + i < at {
            caret += shown.chars().count();
        }
        text.push_str(&shown);
    }
    if cut_end {
        text.push('…');
    }
    Excerpt { text, caret }
}

/// `N pages in M languages, E errors, W warnings`.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "{} {} in {} {}, {} {}, {} {}",
        s.pages,
        plural(s.pages, "page", "pages"),
        s.languages,
        plural(s.languages, "language", "languages"),
        s.errors,
        plural(s.errors, "error", "errors"),
        s.warnings,
        plural(s.warnings, "warning", "warnings")
    )
}

pub(crate) fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
    /// Only with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineReport>,
    /// Only with `--files` or `--changed-from`: files and folders named.
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<usize>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    severity: &'static str,
    code: &'static str,
    message: &'a str,
    target: Option<&'a str>,
    hint: Option<&'a str>,
}

fn json(
    diagnostics: &[Diagnostic],
    summary: Summary,
    extras: &Extras<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let report = JsonReport {
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                file: &d.file,
                line: d.line,
                column: d.column,
                severity: d.severity.as_str(),
                code: d.code.as_str(),
                message: &d.message,
                target: d.target.as_deref(),
                hint: d.hint.as_deref(),
            })
            .collect(),
        summary,
        baseline: extras.baseline,
        scope: extras.scope,
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}

/// GitHub workflow commands. GitHub's own escaping keeps each command on
/// one line (`%0A`); other control characters are escaped as the human
/// format does, so nothing from content reaches the log raw.
fn github(
    diagnostics: &[Diagnostic],
    summary: Summary,
    extras: &Extras<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for d in diagnostics {
        let kind = if d.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str(&format!(" (help: {hint})"));
        }
        writeln!(
            out,
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&d.file),
            d.line.max(1),
            d.column.max(1),
            escape_property(d.code.as_str()),
            escape_data(&message)
        )?;
    }
    for line in extra_lines(extras) {
        // Plain log lines: each starts with Folio's words, never `::`.
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", summary_line(&summary))
}

/// Rewrites site-relative diagnostic paths to be relative to `base` (the
/// repository checkout), so GitHub attaches annotations to the right files
/// when the site lives in a subfolder (`--root docs`). Paths stay as they
/// are when the root is not inside `base`.
pub fn rebase(diagnostics: &[Diagnostic], base: &Path, root: &Path) -> Vec<Diagnostic> {
    let prefix = match root.strip_prefix(base) {
        Ok(rel) => crate::paths::to_slash(rel),
        Err(_) => return diagnostics.to_vec(),
    };
    diagnostics
        .iter()
        .cloned()
        .map(|mut d| {
            if !prefix.is_empty() {
                d.file = crate::paths::normalize_relative(&format!("{prefix}/{}", d.file));
            }
            d
        })
        .collect()
}

/// GitHub's escaping for workflow command data: `%`, CR and LF.
fn escape_data(s: &str) -> String {
    escape_github(s, &['%', '\r', '\n'])
}

/// GitHub's escaping for workflow command properties: data's, and `:`, `,`.
fn escape_property(s: &str) -> String {
    escape_github(s, &['%', '\r', '\n', ':', ','])
}

/// Control characters made visible (line breaks kept), then `special`
/// percent-encoded, as GitHub's workflow commands read them.
fn escape_github(s: &str, special: &[char]) -> String {
    let shown = escape_controls(s, Newlines::Keep);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        if special.contains(&c) {
            crate::paths::push_percent_encoded(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Diagnostic> {
        vec![
            Diagnostic::new(
                Code::LinkBroken,
                "content/a.md",
                "`x.md` points at `x.md`: no such page",
            )
            .at(2, 5)
            .target("x.md")
            .hint("did you mean `y.md`?"),
            Diagnostic {
                severity: Severity::Warning,
                ..Diagnostic::new(
                    Code::TranslationMissing,
                    "content/b,1.md",
                    "100% missing:\nnow",
                )
                .at(1, 1)
            },
        ]
    }

    /// The whole report as text.
    fn render(
        format: Format,
        diagnostics: &[Diagnostic],
        summary: Summary,
        source: &SourceText<'_>,
    ) -> String {
        let mut out = Vec::new();
        write(format, diagnostics, summary, source, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_shows_line_caret_hint_and_summary() {
        let d = sample();
        let text = render(Format::Human, &d, Summary::new(&d, 3, 2), &|file| {
            (file == "content/a.md").then_some(Cow::Borrowed("---\nSee [x](x.md) now\n"))
        });
        assert!(
            text.contains("content/a.md:2:5: error[link-broken]: `x.md` points at"),
            "{text}"
        );
        assert!(text.contains("2 | See [x](x.md) now\n  |     ^"), "{text}");
        assert!(text.contains("= help: did you mean `y.md`?"), "{text}");
        assert!(text.contains("1 error[link-broken]"), "{text}");
        assert!(
            text.ends_with("3 pages in 2 languages, 1 error, 1 warning\n"),
            "{text}"
        );
    }

    #[test]
    fn json_has_the_contract_fields() {
        let d = sample();
        let v: serde_json::Value =
            serde_json::from_str(&render(Format::Json, &d, Summary::new(&d, 3, 2), &|_| None))
                .unwrap();
        let first = &v["diagnostics"][0];
        for key in [
            "file", "line", "column", "severity", "code", "message", "target",
        ] {
            assert!(first.get(key).is_some(), "missing {key}");
        }
        assert_eq!(first["code"], "link-broken");
        assert_eq!(v["diagnostics"][1]["target"], serde_json::Value::Null);
        assert_eq!(
            v["summary"],
            serde_json::json!({"errors": 1, "warnings": 1, "pages": 3, "languages": 2})
        );
    }

    #[test]
    fn github_paths_are_rebased_onto_the_checkout() {
        let d = sample();
        let moved = rebase(&d, Path::new("/repo"), Path::new("/repo/docs/site"));
        assert_eq!(moved[0].file, "docs/site/content/a.md");
        let same = rebase(&d, Path::new("/repo"), Path::new("/repo"));
        assert_eq!(same[0].file, "content/a.md");
        let outside = rebase(&d, Path::new("/repo"), Path::new("/elsewhere"));
        assert_eq!(outside[0].file, "content/a.md");
        let mut up = d.clone();
        up[0].file = "../../shared/corpus/x.md".into();
        let shared = rebase(&up, Path::new("/w"), Path::new("/w/tests/corpus"));
        assert_eq!(shared[0].file, "shared/corpus/x.md");
    }

    #[test]
    fn github_escapes() {
        let d = sample();
        let text = render(Format::Github, &d, Summary::new(&d, 3, 2), &|_| None);
        assert!(
            text.starts_with("::error file=content/a.md,line=2,col=5,title=link-broken::"),
            "{text}"
        );
        assert!(text.contains("::warning file=content/b%2C1.md,line=1,col=1,title=translation-missing::100%25 missing:%0Anow"), "{text}");
    }

    #[test]
    fn human_excerpts_of_a_long_line_are_a_window_around_the_column() {
        // 2,000 links on one line: each excerpt stays short and its caret
        // points at its own link.
        let line: String = (0..2000).map(|i| format!("[l](m{i:04}.md) ")).collect();
        let text = format!("# T\n\n{line}\n");
        let diagnostics: Vec<Diagnostic> = (0..2000u32)
            .map(|i| {
                Diagnostic::new(Code::LinkBroken, "p.md", "no such page")
                    .at(3, i * 14 + 5)
                    .target(format!("m{i:04}.md"))
            })
            .collect();
        let report = render(
            Format::Human,
            &diagnostics,
            Summary::new(&diagnostics, 1, 1),
            &|_| Some(Cow::Borrowed(text.as_str())),
        );
        assert!(report.len() < 2000 * 400, "{} bytes", report.len());
        let lines: Vec<&str> = report.lines().collect();
        let mut checked = 0;
        for (i, pair) in lines.windows(2).enumerate() {
            if let Some(shown) = pair[0].strip_prefix("3 | ") {
                let caret = pair[1].strip_prefix("  | ").unwrap();
                assert!(shown.chars().count() <= Excerpts::WIDTH + 2, "{shown}");
                let at = caret.chars().count() - 1;
                let rest: String = shown.chars().skip(at).collect();
                let n = checked;
                assert!(
                    rest.starts_with(&format!("m{n:04}.md)")),
                    "line {i}: {rest}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 2000);
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("3 | …") && l.ends_with('…'))
        );
        assert!(report.contains("3 | [l](m0000.md) [l](m0001.md)"));
    }

    #[test]
    fn excerpt_windows() {
        assert_eq!(
            window("short line", 6),
            Excerpt {
                text: "short line".into(),
                caret: 6
            }
        );
        let long = "é".repeat(300);
        let w = window(&long, 2 * 150);
        assert_eq!(w.text.chars().count(), Excerpts::WIDTH + 2);
        assert!(w.text.starts_with('…') && w.text.ends_with('…'));
        assert_eq!(w.caret, 1 + Excerpts::WIDTH / 3);
        // At the end of a long line the window ends there.
        let w = window(&long, long.len());
        assert!(w.text.starts_with('…') && !w.text.ends_with('…'));
        assert_eq!(w.caret, Excerpts::WIDTH + 1);
        // Tabs take one column; controls are escaped and the caret follows.
        let w = window("a\tb\u{1b}c", 4);
        assert_eq!(
            w,
            Excerpt {
                text: "a b\\u{1b}c".into(),
                caret: 9
            }
        );
    }

    #[test]
    fn human_and_github_never_print_raw_control_characters() {
        let d = vec![
            Diagnostic::new(
                Code::LinkBroken,
                "content/a\n::warning::forged.md",
                "`x\n::error::forged` points at nothing",
            )
            .at(1, 1)
            .target("x\n::error::forged")
            .hint("retype\r\n::notice::forged"),
        ];
        let source = "[l](<x\u{1b}[2K>)\n";
        for format in [Format::Human, Format::Github] {
            let text = render(format, &d, Summary::new(&d, 1, 1), &|_| {
                Some(Cow::Borrowed(source))
            });
            for line in text.lines() {
                assert!(!line.contains('\u{1b}'), "{line:?}");
                if format == Format::Human {
                    assert!(!line.starts_with("::"), "{line:?}");
                } else {
                    assert!(
                        line.starts_with("::error file=") || line.starts_with("1 page in "),
                        "{line:?}"
                    );
                }
            }
        }
    }
}
