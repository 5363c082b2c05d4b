//! DocFX includes: `[!INCLUDE [title](path.md)]` inlines another file's
//! Markdown before parsing. Includes of includes are followed; a cycle is
//! reported, never followed. A source map keeps every byte of the expanded
//! text traceable to its file, line and column.

use crate::content::front_matter;
use crate::diagnostic::{Code, Diagnostic};
use crate::paths;
use std::cell::{Cell, OnceCell};

/// The page text with includes inlined, and where each byte came from.
pub struct Expansion<'a> {
    pub text: String,
    /// Content-relative paths; `files[0]` is the page itself.
    pub files: Vec<String>,
    texts: Vec<&'a str>,
    line_starts: Vec<OnceCell<Vec<usize>>>,
    /// The last column computed: (file, byte offset, column). Positions
    /// are asked for in text order, so counting on from it keeps many
    /// links on one long line linear rather than quadratic.
    last_column: Cell<(usize, usize, usize)>,
    segments: Vec<Segment>,
    pub diagnostics: Vec<Diagnostic>,
}

/// From `out` on, expanded bytes are `files[file]`'s bytes from `src` on.
#[derive(Clone, Copy, Debug)]
struct Segment {
    out: usize,
    file: usize,
    src: usize,
}

/// A position in one of the expansion's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    /// Index into `Expansion::files` (0: the page).
    pub file: u16,
    pub line: u32,
    pub column: u32,
}

/// Where expansion gets file texts and how it names files in diagnostics.
pub trait Sources {
    /// The normalized text of a Markdown file (content-relative), if it exists.
    fn markdown(&self, path: &str) -> Option<&str>;
    /// The path diagnostics show for a content-relative path.
    fn display(&self, path: &str) -> String;
}

impl<'a> Expansion<'a> {
    /// Expands the body of `path` (its `text` from `body_start`).
    pub fn new(
        path: &str,
        text: &'a str,
        body_start: usize,
        sources: &'a dyn Sources,
    ) -> Expansion<'a> {
        let mut exp = Expansion {
            text: String::with_capacity(text.len() - body_start),
            files: vec![path.to_string()],
            texts: vec![text],
            line_starts: vec![OnceCell::new()],
            last_column: Cell::new((usize::MAX, 0, 0)),
            segments: Vec::new(),
            diagnostics: Vec::new(),
        };
        let mut stack = vec![path.to_string()];
        exp.expand(0, body_start, text.len(), sources, &mut stack);
        exp
    }

    fn push(&mut self, file: usize, src_start: usize, src_end: usize) {
        if src_start >= src_end {
            return;
        }
        self.segments.push(Segment {
            out: self.text.len(),
            file,
            src: src_start,
        });
        let text = self.texts[file];
        self.text.push_str(&text[src_start..src_end]);
    }

    /// Synthetic text (padding around block includes), mapped to `src` of `file`.
    fn push_synthetic(&mut self, file: usize, src: usize, s: &str) {
        self.segments.push(Segment {
            out: self.text.len(),
            file,
            src,
        });
        self.text.push_str(s);
        // Resume mapping: the next real push adds its own segment.
    }

    fn expand(
        &mut self,
        file: usize,
        start: usize,
        end: usize,
        sources: &'a dyn Sources,
        stack: &mut Vec<String>,
    ) {
        let text = self.texts[file];
        let mut copied = start;
        for found in find_includes(&text[start..end]) {
            let (inc_start, inc_end) = (start + found.start, start + found.end);
            self.push(file, copied, inc_start);
            copied = inc_end;
            let pos = self.pos_in(file, inc_start);
            let own_path = self.files[file].clone();
            let target = found.target.clone();
            let resolved = paths::join(paths::parent(&own_path), &paths::percent_decode(&target));
            let diag = |message: String| {
                Diagnostic::new(Code::IncludeMissing, sources.display(&own_path), message)
                    .at(pos.line, pos.column)
                    .target(target.clone())
            };
            let Some(resolved) = resolved else {
                self.diagnostics.push(diag(format!(
                    "include `{target}` points outside the content directory"
                )));
                continue;
            };
            if let Some(i) = stack.iter().position(|p| p == &resolved) {
                let mut cycle: Vec<&str> = stack[i..].iter().map(String::as_str).collect();
                cycle.push(&resolved);
                self.diagnostics.push(
                    diag(format!("include cycle: {}", cycle.join(" → ")))
                        .hint("remove one of the includes so no file includes itself"),
                );
                continue;
            }
            let Some(included) = sources.markdown(&resolved) else {
                self.diagnostics.push(
                    diag(format!("included file `{resolved}` does not exist")).hint(
                        "check the path; it is relative to the file that contains the include",
                    ),
                );
                continue;
            };
            let body_start = match front_matter::split(included) {
                Ok(Some(block)) => block.body_start,
                _ => 0,
            };
            let body_end = included.trim_end().len().max(body_start);
            let child = self.files.len();
            self.files.push(resolved.clone());
            self.texts.push(included);
            self.line_starts.push(OnceCell::new());
            if found.block {
                self.push_synthetic(file, inc_start, "\n");
            }
            stack.push(resolved);
            self.expand(child, body_start, body_end, sources, stack);
            stack.pop();
            if found.block {
                self.push_synthetic(file, inc_end.saturating_sub(1), "\n");
            }
        }
        self.push(file, copied, end);
    }

    /// Maps an offset of the expanded text to its file and position there.
    pub fn locate(&self, offset: usize) -> Pos {
        let i = match self.segments.binary_search_by(|s| s.out.cmp(&offset)) {
            Ok(i) => i,
            Err(0) => return self.pos_in(0, 0),
            Err(i) => i - 1,
        };
        let seg = self.segments[i];
        self.pos_in(seg.file, seg.src + (offset - seg.out))
    }

    fn pos_in(&self, file: usize, offset: usize) -> Pos {
        let text = self.texts[file];
        let starts = self.line_starts[file].get_or_init(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let offset = offset.min(text.len());
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let line_start = starts[line - 1];
        let mut col_end = offset;
        while !text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        let column = match self.last_column.get() {
            (f, at, column) if f == file && (line_start..=col_end).contains(&at) => {
                column + text[at..col_end].chars().count()
            }
            _ => text[line_start..col_end].chars().count() + 1,
        };
        self.last_column.set((file, col_end, column));
        Pos {
            file: file as u16,
            line: line as u32,
            column: column as u32,
        }
    }

    /// Included files, without the page itself.
    pub fn included(&self) -> &[String] {
        &self.files[1..]
    }
}

/// One `[!INCLUDE [title](target)]` occurrence.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    target: String,
    /// Alone on its line: included as blocks.
    block: bool,
}

/// Finds includes outside fenced code blocks and code spans.
fn find_includes(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    // Most pages include nothing: skip the line-by-line scan for them.
    if !contains_include_marker(text) {
        return found;
    }
    let mut fence: Option<(u8, usize)> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let ticks = trimmed
            .bytes()
            .take_while(|&b| b == b'`' || b == b'~')
            .count();
        let fence_char = trimmed.as_bytes().first().copied();
        if indent < 4
            && ticks >= 3
            && trimmed.as_bytes()[..ticks]
                .iter()
                .all(|&b| Some(b) == fence_char)
        {
            match fence {
                None => fence = Some((fence_char.unwrap_or(b'`'), ticks)),
                Some((c, n))
                    if Some(c) == fence_char
                        && ticks >= n
                        && trimmed[ticks..].trim().is_empty() =>
                {
                    fence = None
                }
                _ => {}
            }
        } else if fence.is_none() {
            scan_line(line, line_start, &mut found);
        }
        line_start += line.len();
    }
    found
}

const MARKER: &[u8] = b"[!include";

fn contains_include_marker(text: &str) -> bool {
    find_marker(text.as_bytes(), 0).is_some()
}

/// The next `[!INCLUDE` (any case) at or after `from`.
fn find_marker(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(rel) = bytes.get(i..)?.iter().position(|&b| b == b'[') {
        let at = i + rel;
        if bytes.len() >= at + MARKER.len()
            && bytes[at..at + MARKER.len()].eq_ignore_ascii_case(MARKER)
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

fn scan_line(line: &str, line_start: usize, found: &mut Vec<Found>) {
    let mut from = 0;
    while let Some(at) = find_marker(line.as_bytes(), from) {
        from = at + 1;
        // Inside a code span when an odd number of backticks precede it.
        if line[..at].bytes().filter(|&b| b == b'`').count() % 2 == 1 {
            continue;
        }
        let Some((end, target)) = parse_include(&line[at..]) else {
            continue;
        };
        let before = line[..at].trim();
        let after = line[at + end..].trim();
        found.push(Found {
            start: line_start + at,
            end: line_start + at + end,
            target,
            block: before.is_empty() && after.is_empty(),
        });
        from = at + end;
    }
}

/// Parses `[!INCLUDE [title](target)]` at the start of `s`: (length, target).
fn parse_include(s: &str) -> Option<(usize, String)> {
    let rest = &s["[!include".len()..];
    let open = rest.find('[')?;
    if !rest[..open].trim().is_empty() {
        return None;
    }
    let after_title = open + rest[open..].find(']')? + 1;
    let paren = &rest[after_title..];
    let paren_trim = paren.trim_start();
    if !paren_trim.starts_with('(') {
        return None;
    }
    let p_open = after_title + (paren.len() - paren_trim.len());
    let p_close = p_open + rest[p_open..].find(')')?;
    let inner = rest[p_open + 1..p_close].trim();
    let target = inner
        .strip_prefix('<')
        .and_then(|t| t.split_once('>').map(|(t, _)| t))
        .unwrap_or_else(|| inner.split_whitespace().next().unwrap_or(""))
        .to_string();
    let tail = &rest[p_close + 1..];
    let tail_trim = tail.trim_start();
    if !tail_trim.starts_with(']') || target.is_empty() {
        return None;
    }
    let end = "[!include".len() + p_close + 1 + (tail.len() - tail_trim.len()) + 1;
    Some((end, target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Files(HashMap<&'static str, &'static str>);

    impl Sources for Files {
        fn markdown(&self, path: &str) -> Option<&str> {
            self.0.get(path).copied()
        }
        fn display(&self, path: &str) -> String {
            format!("content/{path}")
        }
    }

    fn files(list: &[(&'static str, &'static str)]) -> Files {
        Files(list.iter().copied().collect())
    }

    #[test]
    fn parses_include_syntax() {
        assert_eq!(
            parse_include("[!INCLUDE [Feedback](./includes/a.md)]"),
            Some((38, "./includes/a.md".into()))
        );
        assert_eq!(
            parse_include("[!include[x](<a b.md>)] tail").map(|x| x.1),
            Some("a b.md".into())
        );
        assert_eq!(
            parse_include("[!INCLUDE [x](a.md \"t\")]").map(|x| x.1),
            Some("a.md".into())
        );
        assert_eq!(parse_include("[!INCLUDE nothing]"), None);
    }

    #[test]
    fn inlines_block_include_and_maps_positions() {
        let src = files(&[(
            "en/includes/f.md",
            "---\ntitle: f\n---\nFragment [link](x.md)\n",
        )]);
        let page = "# Page\n\n[!INCLUDE [f](includes/f.md)]\n\nAfter\n";
        let exp = Expansion::new("en/p.md", page, 0, &src);
        assert!(exp.diagnostics.is_empty());
        assert!(
            exp.text.contains("\nFragment [link](x.md)\n"),
            "{:?}",
            exp.text
        );
        assert!(exp.text.ends_with("\n\nAfter\n"));
        let at = exp.text.find("[link]").unwrap();
        let pos = exp.locate(at);
        assert_eq!(exp.files[pos.file as usize], "en/includes/f.md");
        assert_eq!((pos.line, pos.column), (4, 10));
        let after = exp.locate(exp.text.find("After").unwrap());
        assert_eq!((after.file, after.line, after.column), (0, 5, 1));
    }

    #[test]
    fn nested_includes_resolve_relative_to_their_file() {
        let src = files(&[
            ("en/includes/a.md", "A [!INCLUDE [b](sub/b.md)] A"),
            ("en/includes/sub/b.md", "B"),
        ]);
        let exp = Expansion::new("en/p.md", "x [!INCLUDE [a](includes/a.md)] y", 0, &src);
        assert_eq!(exp.text, "x A B A y");
        assert_eq!(
            exp.included(),
            &[
                "en/includes/a.md".to_string(),
                "en/includes/sub/b.md".to_string()
            ]
        );
    }

    #[test]
    fn missing_include_is_reported_where_written() {
        let src = files(&[]);
        let exp = Expansion::new("en/p.md", "line\n  [!INCLUDE [a](nope.md)]\n", 0, &src);
        let d = &exp.diagnostics[0];
        assert_eq!(d.code, Code::IncludeMissing);
        assert_eq!(
            (d.file.as_str(), d.line, d.column),
            ("content/en/p.md", 2, 3)
        );
        assert_eq!(d.target.as_deref(), Some("nope.md"));
    }

    #[test]
    fn cycles_are_reported_not_followed() {
        let src = files(&[
            ("a.md", "A [!INCLUDE [b](b.md)]"),
            ("b.md", "B [!INCLUDE [a](a.md)]"),
        ]);
        let exp = Expansion::new("p.md", "[!INCLUDE [a](a.md)]", 0, &src);
        assert_eq!(exp.diagnostics.len(), 1);
        assert!(
            exp.diagnostics[0].message.contains("a.md → b.md → a.md"),
            "{}",
            exp.diagnostics[0].message
        );
        let self_include = files(&[]);
        let exp = Expansion::new("p.md", "[!INCLUDE [me](p.md)]", 0, &self_include);
        assert!(exp.diagnostics[0].message.contains("cycle"));
    }

    #[test]
    fn code_is_not_expanded() {
        let src = files(&[("a.md", "A")]);
        let text = "```\n[!INCLUDE [a](a.md)]\n```\n`[!INCLUDE [a](a.md)]`\n";
        let exp = Expansion::new("p.md", text, 0, &src);
        assert_eq!(exp.text, text);
    }
}
