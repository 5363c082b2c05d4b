//! Printing diagnostics: `human` (with the source line and a caret),
//! `json` (one object, a contract for CI scripts) and `github` (workflow
//! commands that annotate pull requests).

use crate::diagnostic::{Code, Counts, Diagnostic, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// The output formats of `folio check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// Totals printed after the diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub pages: usize,
    pub languages: usize,
}

impl Summary {
    pub fn new(diagnostics: &[Diagnostic], pages: usize, languages: usize) -> Summary {
        let Counts { errors, warnings } = Counts::of(diagnostics);
        Summary {
            errors,
            warnings,
            pages,
            languages,
        }
    }
}

/// Renders a report. `source_line(file, line)` returns a line of a file for
/// the human format's excerpt.
pub fn render(
    format: Format,
    diagnostics: &[Diagnostic],
    summary: Summary,
    source_line: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    match format {
        Format::Human => human(diagnostics, summary, source_line),
        Format::Json => json(diagnostics, summary),
        Format::Github => github(diagnostics, summary),
    }
}

fn human(
    diagnostics: &[Diagnostic],
    summary: Summary,
    source_line: &dyn Fn(&str, u32) -> Option<String>,
) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let _ = writeln!(out, "{d}");
        if d.line > 0 {
            if let Some(line) = source_line(&d.file, d.line) {
                let number = d.line.to_string();
                let pad = " ".repeat(number.len());
                let shown: String = line
                    .chars()
                    .map(|c| if c == '\t' { ' ' } else { c })
                    .collect();
                let caret_at: String = shown
                    .chars()
                    .take(d.column.saturating_sub(1) as usize)
                    .map(|_| ' ')
                    .collect();
                let _ = writeln!(out, "{pad} |\n{number} | {shown}\n{pad} | {caret_at}^");
            }
        }
        if let Some(hint) = &d.hint {
            let _ = writeln!(out, "  = help: {hint}");
        }
        out.push('\n');
    }
    let mut by_code: BTreeMap<(Severity, Code), usize> = BTreeMap::new();
    for d in diagnostics {
        *by_code.entry((d.severity, d.code)).or_default() += 1;
    }
    for ((severity, code), n) in &by_code {
        let _ = writeln!(out, "{n:>6} {}[{code}]", severity.as_str());
    }
    let _ = writeln!(out, "{}", summary_line(&summary));
    out
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

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
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

fn json(diagnostics: &[Diagnostic], summary: Summary) -> String {
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
    };
    let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
    s.push('\n');
    s
}

fn github(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let mut out = String::new();
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
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&d.file),
            d.line.max(1),
            d.column.max(1),
            escape_property(d.code.as_str()),
            escape_data(&message)
        );
    }
    let _ = writeln!(out, "{}", summary_line(&summary));
    out
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
                d.file = lexical_normalize(&format!("{prefix}/{}", d.file));
            }
            d
        })
        .collect()
}

/// Resolves `.` and `..` in a `/`-separated relative path without touching
/// the disk; a `..` that climbs above the start is kept.
fn lexical_normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." if out.last().is_some_and(|s| *s != "..") => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// GitHub's escaping for workflow command data.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping for workflow command properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
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

    #[test]
    fn human_shows_line_caret_hint_and_summary() {
        let d = sample();
        let text = render(Format::Human, &d, Summary::new(&d, 3, 2), &|_, line| {
            (line == 2).then(|| "See [x](x.md) now".to_string())
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
        let v: serde_json::Value = serde_json::from_str(&render(
            Format::Json,
            &d,
            Summary::new(&d, 3, 2),
            &|_, _| None,
        ))
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
        let text = render(Format::Github, &d, Summary::new(&d, 3, 2), &|_, _| None);
        assert!(
            text.starts_with("::error file=content/a.md,line=2,col=5,title=link-broken::"),
            "{text}"
        );
        assert!(text.contains("::warning file=content/b%2C1.md,line=1,col=1,title=translation-missing::100%25 missing:%0Anow"), "{text}");
    }
}
