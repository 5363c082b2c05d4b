//! The one diagnostic type shared by `build`, `check` and `serve`.
//!
//! Codes are a public contract: CI scripts match on them and `folio.yml`
//! (`checks.severity`) configures them by name. Add codes, never rename them.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// How bad a diagnostic is. `Off` only exists so `checks.severity` can silence a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails `folio check`.
    Error,
    /// Reported; fails `folio check` only with `--deny-warnings`.
    Warning,
    /// Not reported.
    Off,
}

impl Severity {
    pub(crate) fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "off" | "ignore" | "none" => Some(Severity::Off),
            _ => None,
        }
    }

    /// The name `checks.severity` and the reports use: `error`, `warning`, `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Off => "off",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal, $severity:ident, $doc:literal;)*) => {
        /// A diagnostic code. The string form (`link-broken`) is the contract.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $doc] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the README's table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code's name: `link-broken`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity unless `checks.severity` says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            pub(crate) fn parse(s: &str) -> Option<Code> {
                match s { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    FrontMatterSyntax = "front-matter-syntax", Error, "the YAML front matter does not parse";
    FrontMatterMissing = "front-matter-missing", Error, "a key in front_matter.required is absent or empty";
    FrontMatterDate = "front-matter-date", Warning, "the date key does not parse as a date";
    FrontMatterDuplicate = "front-matter-duplicate", Warning, "a front matter key is written twice; the later value is used";
    LanguageConflict = "language-conflict", Warning, "the folder says one language, the filename suffix another";
    TranslationDuplicate = "translation-duplicate", Error, "two files are the same page in the same language";
    TranslationMissing = "translation-missing", Warning, "a default-language page has no translation in a language";
    TranslationStale = "translation-stale", Warning, "the translation is older than the default-language page";
    TranslationOrphan = "translation-orphan", Warning, "a translated page has no default-language page";
    TranslationHistory = "translation-history", Warning, "`translations.staleness: git` cannot read the history; dates are compared instead";
    LinkBroken = "link-broken", Error, "a relative link points at a file or page that does not exist";
    LinkAnchor = "link-anchor", Error, "the #fragment matches no heading id or anchor of the target";
    LinkCase = "link-case", Error, "the target exists only with other letter case";
    LinkLanguage = "link-language", Warning, "a link goes to another language although this language has the page";
    LinkEmail = "link-email", Warning, "a relative link is an e-mail address without mailto: (the build writes mailto:)";
    AssetMissing = "asset-missing", Error, "an image or other referenced file is missing";
    IncludeMissing = "include-missing", Error, "an [!INCLUDE] target is missing or includes itself";
    TocBroken = "toc-broken", Error, "a toc.yml entry points at nothing or does not parse";
    LinkExternal = "link-external", Error, "an http(s) link failed (only with --external)";
    TaskColumns = "task-columns", Error, "a task-table row has a different number of cells than its header";
    TaskId = "task-id", Error, "a task ID cell is empty or not a number";
    TaskDuplicate = "task-duplicate", Error, "the same task ID appears twice on one page";
    TaskRequirement = "task-requirement", Error, "the requirement cell is not a mandatory/optional value of the language";
    TaskMismatch = "task-mismatch", Warning, "a translation gives a task another requirement than the default-language page";
    TaskMissing = "task-missing", Warning, "the translation lacks a task of the default-language page, or has an extra one";
    FileUnreadable = "file-unreadable", Error, "a file could not be read or is not valid UTF-8";
    LimitExceeded = "limit-exceeded", Error, "the input exceeds a safety limit (include depth, expanded size, toc nesting, folder depth, file size); the rest is skipped";
    TemplateError = "template-error", Error, "a template failed to render a page";
    LinkUnsafe = "link-unsafe", Error, "a link or URL would run script (javascript:, vbscript:, data: other than an image); it is neutralized";
    HtmlUnsafe = "html-unsafe", Error, "raw HTML holds <script>, <iframe>, an on… handler or other markup that runs code";
    HtmlPlaceholder = "html-placeholder", Warning, "text that looks like an HTML tag but names no element (<Customer name>) is shown as text";
    SymlinkOutside = "symlink-outside", Warning, "a symlink points outside the site, into the output folder or at a folder that contains it; it is not followed";
    PathCollision = "path-collision", Error, "two files would be written to one output path (also when they differ only in letter case or Unicode normalization); one is not published";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding about the site, anchored to a place in a file.
///
/// `file` is relative to the site root and uses `/` separators; `line` and
/// `column` are 1-based (column counts characters) and 0 when unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub(crate) file: String,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) severity: Severity,
    pub(crate) code: Code,
    pub(crate) message: String,
    /// The link, include or toc target the diagnostic is about, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) target: Option<String>,
    /// How to fix it, when Folio knows (e.g. the nearest existing page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) hint: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(
        code: Code,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            severity: code.default_severity(),
            code,
            message: message.into(),
            target: None,
            hint: None,
        }
    }

    pub(crate) fn at(mut self, line: u32, column: u32) -> Diagnostic {
        self.line = line;
        self.column = column;
        self
    }

    pub(crate) fn target(mut self, target: impl Into<String>) -> Diagnostic {
        self.target = Some(target.into());
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// The order every report uses: file, then position, then code.
    pub(crate) fn sort_key(&self) -> (&str, u32, u32, Code, &str) {
        (&self.file, self.line, self.column, self.code, &self.message)
    }
}

/// One line, whatever the file name or message holds: a newline followed
/// by `::warning::` in a file name would otherwise be a GitHub Actions
/// command when CI prints it (see [`escape_controls`]).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            escape_controls(&self.file, Newlines::Escape),
            self.line,
            self.column,
            self.severity.as_str(),
            self.code,
            escape_controls(&self.message, Newlines::Escape)
        )
    }
}

/// What [`escape_controls`] does with `\n` and `\r`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Newlines {
    /// Written as `\n` and `\r`: the text stays on one line.
    Escape,
    /// Left for the caller, whose format has its own escaping for them
    /// (GitHub workflow commands: `%0A`).
    Keep,
}

/// Text from content (file names, link targets, source lines) made safe to
/// print on a terminal or in a CI log: control characters, Unicode line
/// and paragraph separators and bidirectional overrides are written as
/// escapes (`\n`, `\u{1b}`), so content can neither start a new log line
/// (a forged `::error::` workflow command), nor move the cursor or colour
/// the terminal, nor reorder what is shown. Tabs are kept.
pub(crate) fn escape_controls(s: &str, newlines: Newlines) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c != '\t'
            && (c.is_control() || is_invisible_layout(c))
            && !(newlines == Newlines::Keep && matches!(c, '\n' | '\r'))
    };
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if !unsafe_char(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Line and paragraph separators and the bidirectional formatting
/// characters (the "Trojan Source" set).
fn is_invisible_layout(c: char) -> bool {
    matches!(
        c,
        '\u{2028}' | '\u{2029}' | '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Sorts diagnostics into report order and drops exact repeats (an include
/// shared by many pages reports its own defects once).
pub(crate) fn normalize(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Counts by severity, ignoring `Off`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Counts {
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
}

impl Counts {
    pub(crate) fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Off => {}
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
        }
    }

    #[test]
    fn display_is_path_line_col() {
        let d = Diagnostic::new(Code::LinkBroken, "content/a.md", "no such page").at(3, 7);
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error[link-broken]: no such page"
        );
    }

    #[test]
    fn display_escapes_control_characters() {
        let d = Diagnostic::new(
            Code::LinkBroken,
            "content/a\n::warning::b.md",
            "`x\r\n::error::y` \u{1b}[2K\u{202E}z\tw",
        )
        .at(1, 2);
        assert_eq!(
            d.to_string(),
            "content/a\\n::warning::b.md:1:2: error[link-broken]: `x\\r\\n::error::y` \\u{1b}[2K\\u{202e}z\tw"
        );
        assert_eq!(escape_controls("a\nb\u{7}", Newlines::Keep), "a\nb\\u{7}");
        assert!(matches!(
            escape_controls("plain ü", Newlines::Escape),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn normalize_sorts_and_dedups() {
        let a = Diagnostic::new(Code::LinkBroken, "b.md", "x").at(2, 1);
        let b = Diagnostic::new(Code::LinkBroken, "a.md", "x").at(9, 1);
        let mut v = vec![a.clone(), b.clone(), a.clone()];
        normalize(&mut v);
        assert_eq!(v, vec![b, a]);
    }
}
