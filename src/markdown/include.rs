//! DocFX includes: `[!INCLUDE [title](path.md)]` inlines another file's
//! Markdown before parsing. Includes of includes are followed; a cycle is
//! reported, never followed. A source map keeps every byte of the expanded
//! text traceable to its file, line and column.
//!
//! Whether a marker is an include is decided by the Markdown structure of
//! the file it is written in: one in a code span, a code block (fenced or
//! indented, at any nesting) or an HTML comment is text. Expansion is a loop
//! over an explicit stack with limits on depth, expanded size and count, so
//! no input can overflow the stack or exhaust memory.

use crate::content::front_matter;
use crate::diagnostic::{Code, Diagnostic};
use crate::paths;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;

use crate::limits::{EXPANDED_PAGE_BYTES, INCLUDE_DEPTH, INCLUDES_PER_PAGE};

/// The page text with includes inlined, and where each byte came from.
pub(crate) struct Expansion<'a> {
    pub(crate) text: String,
    /// Content-relative paths, each once; `files[0]` is the page itself.
    pub(crate) files: Vec<String>,
    texts: Vec<Cow<'a, str>>,
    lines: Vec<OnceCell<LineIndex>>,
    /// The includes written in each file (found once per file).
    found: Vec<Option<Vec<Found>>>,
    by_path: HashMap<String, usize>,
    segments: Vec<Segment>,
    pub(crate) diagnostics: Vec<Diagnostic>,
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
    pub(crate) file: u16,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

/// Where expansion gets file texts and how it names files in diagnostics.
pub trait Sources {
    /// The normalized text of a Markdown file (content-relative), if it
    /// exists: borrowed when the text is in memory, else read for this call.
    fn markdown(&self, path: &str) -> Option<Cow<'_, str>>;
    /// The path diagnostics show for a content-relative path.
    fn display(&self, path: &str) -> String;
}

/// One file being expanded: its includes from `next` on are still to do.
struct Open {
    file: usize,
    next: usize,
    copied: usize,
    end: usize,
    /// For a block include: where the closing padding maps in the includer.
    pad_after: Option<(usize, usize)>,
}

/// Why an include was not expanded.
enum Refusal {
    Missing(String),
    Outside,
    Cycle(String),
    Depth,
    Size,
    Count,
}

impl<'a> Expansion<'a> {
    /// Expands the body of `path` (its `text` from `body_start`).
    pub(crate) fn new(
        path: &str,
        text: &'a str,
        body_start: usize,
        sources: &'a dyn Sources,
    ) -> Expansion<'a> {
        let body_start = body_start.min(text.len());
        let mut exp = Expansion {
            text: String::with_capacity(text.len() - body_start),
            files: Vec::new(),
            texts: Vec::new(),
            lines: Vec::new(),
            found: Vec::new(),
            by_path: HashMap::new(),
            segments: Vec::new(),
            diagnostics: Vec::new(),
        };
        exp.add_file(path.to_string(), Cow::Borrowed(text));
        exp.expand(body_start, sources);
        exp
    }

    fn add_file(&mut self, path: String, text: Cow<'a, str>) -> usize {
        let index = self.files.len();
        self.by_path.insert(path.clone(), index);
        self.files.push(path);
        self.texts.push(text);
        self.lines.push(OnceCell::new());
        self.found.push(None);
        index
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
        self.text.push_str(&self.texts[file][src_start..src_end]);
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

    /// The includes of `file` between `start` and `end`, found once.
    fn includes_of(&mut self, file: usize, start: usize, end: usize) -> usize {
        if self.found[file].is_none() {
            self.found[file] = Some(find_includes(&self.texts[file], start, end));
        }
        self.found[file].as_ref().map_or(0, Vec::len)
    }

    /// Depth-first expansion without recursion: `stack` holds the files
    /// being expanded, innermost last.
    fn expand(&mut self, body_start: usize, sources: &'a dyn Sources) {
        let page_end = self.texts[0].len();
        self.includes_of(0, body_start, page_end);
        let mut stack = vec![Open {
            file: 0,
            next: 0,
            copied: body_start,
            end: page_end,
            pad_after: None,
        }];
        let mut expanded = 0;
        let mut reported_size = false;
        while let Some(top) = stack.last_mut() {
            let file = top.file;
            let Some(found) = self.found[file].as_ref().and_then(|f| f.get(top.next)) else {
                let done = stack.pop().expect("the loop holds an open file");
                self.push(done.file, done.copied, done.end);
                if let Some((includer, src)) = done.pad_after {
                    self.push_synthetic(includer, src, "\n");
                }
                continue;
            };
            let found = found.clone();
            top.next += 1;
            let copied = std::mem::replace(&mut top.copied, found.end);
            self.push(file, copied, found.start);
            let refusal = if stack.len() > INCLUDE_DEPTH {
                Some(Refusal::Depth)
            } else if self.text.len() > EXPANDED_PAGE_BYTES {
                Some(Refusal::Size)
            } else if expanded >= INCLUDES_PER_PAGE {
                Some(Refusal::Count)
            } else {
                None
            };
            let target = match refusal {
                Some(r) => Err(r),
                None => self.resolve(file, &found.target, &stack, sources),
            };
            match target {
                Ok((child, body)) => {
                    expanded += 1;
                    if found.block {
                        self.push_synthetic(file, found.start, "\n");
                    }
                    self.includes_of(child, body.start, body.end);
                    stack.push(Open {
                        file: child,
                        next: 0,
                        copied: body.start,
                        end: body.end,
                        pad_after: found.block.then(|| (file, found.end.saturating_sub(1))),
                    });
                }
                Err(Refusal::Size | Refusal::Count) if reported_size => {}
                Err(refusal) => {
                    reported_size |= matches!(refusal, Refusal::Size | Refusal::Count);
                    let chain: Vec<&str> =
                        stack.iter().map(|o| self.files[o.file].as_str()).collect();
                    let d = self.refused(file, &found, refusal, &chain, sources);
                    self.diagnostics.push(d);
                }
            }
        }
    }

    /// The file an include names, with its body range, or why it is not expanded.
    fn resolve(
        &mut self,
        file: usize,
        target: &str,
        stack: &[Open],
        sources: &'a dyn Sources,
    ) -> Result<(usize, Range<usize>), Refusal> {
        let resolved = paths::join(
            paths::parent(&self.files[file]),
            &paths::percent_decode(target),
        )
        .ok_or(Refusal::Outside)?;
        if let Some(&known) = self.by_path.get(&resolved) {
            if let Some(i) = stack.iter().position(|o| o.file == known) {
                let mut cycle: Vec<&str> = stack[i..]
                    .iter()
                    .map(|o| self.files[o.file].as_str())
                    .collect();
                cycle.push(&resolved);
                return Err(Refusal::Cycle(cycle.join(" → ")));
            }
        }
        let included = sources
            .markdown(&resolved)
            .ok_or_else(|| Refusal::Missing(resolved.clone()))?;
        let body_start = match front_matter::split(&included) {
            Ok(Some(block)) => block.body_start,
            _ => 0,
        };
        let body_end = included.trim_end().len().max(body_start);
        let child = match self.by_path.get(&resolved) {
            Some(&known) => known,
            None => self.add_file(resolved, included),
        };
        Ok((child, body_start..body_end))
    }

    fn refused(
        &self,
        file: usize,
        found: &Found,
        refusal: Refusal,
        chain: &[&str],
        sources: &dyn Sources,
    ) -> Diagnostic {
        let pos = self.pos_in(file, found.start);
        let shown = sources.display(&self.files[file]);
        let target = found.target.as_str();
        let (code, message, hint) = match refusal {
            Refusal::Outside => (
                Code::IncludeMissing,
                format!("include `{target}` points outside the content directory"),
                None,
            ),
            Refusal::Missing(resolved) => (
                Code::IncludeMissing,
                format!("included file `{resolved}` does not exist"),
                Some("check the path; it is relative to the file that contains the include"),
            ),
            Refusal::Cycle(cycle) => (
                Code::IncludeMissing,
                format!("include cycle: {cycle}"),
                Some("remove one of the includes so no file includes itself"),
            ),
            Refusal::Depth => (
                Code::LimitExceeded,
                format!(
                    "include `{target}` is nested deeper than {INCLUDE_DEPTH} includes ({} → …); \
                     it is not expanded",
                    chain.first().copied().unwrap_or_default()
                ),
                Some("include the deepest fragments directly instead of through a chain"),
            ),
            Refusal::Size => (
                Code::LimitExceeded,
                format!(
                    "the page is over {} MiB with its includes; `{target}` and the includes \
                     after it are not expanded",
                    EXPANDED_PAGE_BYTES >> 20
                ),
                Some("check for fragments that include each other many times over"),
            ),
            Refusal::Count => (
                Code::LimitExceeded,
                format!(
                    "the page expands more than {INCLUDES_PER_PAGE} includes; `{target}` and the \
                     includes after it are not expanded"
                ),
                Some("check for fragments that include each other many times over"),
            ),
        };
        let d = Diagnostic::new(code, shown, message)
            .at(pos.line, pos.column)
            .target(target);
        match hint {
            Some(h) => d.hint(h),
            None => d,
        }
    }

    /// Maps an offset of the expanded text to its file and position there.
    pub(crate) fn locate(&self, offset: usize) -> Pos {
        let i = match self.segments.binary_search_by(|s| s.out.cmp(&offset)) {
            Ok(i) => i,
            Err(0) => return self.pos_in(0, 0),
            Err(i) => i - 1,
        };
        let seg = self.segments[i];
        self.pos_in(seg.file, seg.src + (offset - seg.out))
    }

    fn pos_in(&self, file: usize, offset: usize) -> Pos {
        let text = &self.texts[file];
        let lines = self.lines[file].get_or_init(|| LineIndex::new(text));
        let (line, column) = lines.position(text, offset);
        Pos {
            file: file as u16,
            line,
            column,
        }
    }
}

/// Line starts, and how many characters precede every `STRIDE`th byte, so
/// a column costs at most `STRIDE` bytes of counting however long its line
/// (300,000 links on one line are located in linear time).
struct LineIndex {
    starts: Vec<usize>,
    chars_before: Vec<u32>,
}

const STRIDE: usize = 64;

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain(line_starts_after_newlines(bytes))
            .collect();
        let mut chars_before = Vec::with_capacity(bytes.len() / STRIDE + 1);
        let mut count = 0u32;
        for chunk in bytes.chunks(STRIDE) {
            chars_before.push(count);
            count += chars_starting_in(chunk);
        }
        chars_before.push(count);
        LineIndex {
            starts,
            chars_before,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.starts[line - 1];
        let column = self.chars_to(text, offset) - self.chars_to(text, line_start) + 1;
        (line as u32, column)
    }

    /// Characters in `text[..offset]`: a checkpoint plus at most `STRIDE` bytes.
    fn chars_to(&self, text: &str, offset: usize) -> u32 {
        let window = self.window(offset);
        self.chars_before[offset / STRIDE] + chars_starting_in(&text.as_bytes()[window])
    }

    /// The bytes `chars_to(offset)` counts one by one.
    fn window(&self, offset: usize) -> Range<usize> {
        offset / STRIDE * STRIDE..offset
    }
}

fn line_starts_after_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

/// Characters whose first byte is in `bytes` (UTF-8 continuation bytes,
/// `10xxxxxx`, are not), counted eight bytes at a time: every page's text
/// goes through here once.
fn chars_starting_in(bytes: &[u8]) -> u32 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut continuation = 0u32;
    for word in words.by_ref() {
        let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        // Top bit set and the next bit clear: a continuation byte.
        continuation += (w & !(w << 1) & HIGH).count_ones();
    }
    continuation += words
        .remainder()
        .iter()
        .filter(|&&b| (b & 0xC0) == 0x80)
        .count() as u32;
    bytes.len() as u32 - continuation
}

/// One `[!INCLUDE [title](target)]` occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Found {
    start: usize,
    end: usize,
    target: String,
    /// Alone on its line: included as blocks.
    block: bool,
}

/// Finds the includes of `text[start..end]` that are not in code or a comment.
fn find_includes(text: &str, start: usize, end: usize) -> Vec<Found> {
    let region = &text[start..end];
    let mut found = Vec::new();
    // Most files include nothing: no Markdown parse for them.
    let Some(first) = find_marker(region.as_bytes(), 0) else {
        return found;
    };
    let literal = literal_ranges(region);
    let mut next_literal = 0;
    let mut at = Some(first);
    while let Some(marker) = at {
        while literal.get(next_literal).is_some_and(|r| r.end <= marker) {
            next_literal += 1;
        }
        let in_literal = literal.get(next_literal).is_some_and(|r| r.start <= marker);
        let line_start = region[..marker].rfind('\n').map_or(0, |i| i + 1);
        let line_end = region[marker..]
            .find('\n')
            .map_or(region.len(), |i| marker + i);
        let parsed = (!in_literal)
            .then(|| parse_include(&region[marker..line_end]))
            .flatten();
        match parsed {
            Some((len, target)) => {
                found.push(Found {
                    start: start + marker,
                    end: start + marker + len,
                    target,
                    block: region[line_start..marker].trim().is_empty()
                        && region[marker + len..line_end].trim().is_empty(),
                });
                at = find_marker(region.as_bytes(), marker + len);
            }
            None => at = find_marker(region.as_bytes(), marker + 1),
        }
    }
    found
}

/// Where Markdown text is taken literally, sorted: code spans, code blocks
/// (fenced or indented, inside lists and quotes too) and HTML comments.
fn literal_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut block: Option<usize> = None;
    for (event, range) in Parser::new_ext(text, super::options()).into_offset_iter() {
        match event {
            Event::Start(Tag::HtmlBlock)
                if text[range.clone()].trim_start().starts_with("<!--") =>
            {
                ranges.push(range)
            }
            Event::Start(Tag::CodeBlock(_)) => block = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block.take() {
                    ranges.push(start..range.end.max(start));
                }
            }
            Event::Code(_) => ranges.push(range),
            Event::InlineHtml(html) if html.starts_with("<!--") => ranges.push(range),
            _ => {}
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

const MARKER: &[u8] = b"[!include";

/// The next `[!INCLUDE` (any case) at or after `from`.
fn find_marker(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(rel) = memchr::memchr(b'[', bytes.get(i..)?) {
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

    #[test]
    fn characters_are_counted_like_chars() {
        let text = "aé€😀b\n日本語 café ÜBER ".repeat(7);
        for start in 0..12 {
            for end in (start..text.len()).step_by(5) {
                let bytes = &text.as_bytes()[start..end];
                let naive = bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32;
                assert_eq!(chars_starting_in(bytes), naive, "{start}..{end}");
            }
        }
    }
    use std::collections::HashMap;

    struct Files(HashMap<&'static str, &'static str>);

    impl Sources for Files {
        fn markdown(&self, path: &str) -> Option<Cow<'_, str>> {
            self.0.get(path).map(|t| Cow::Borrowed(*t))
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
            &exp.files[1..],
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

    #[test]
    fn includes_in_code_or_comments_are_left_alone() {
        let src = files(&[("a.md", "A")]);
        for text in [
            "    [!INCLUDE [a](a.md)]\n",
            "1. Step\n\n    ```\n    [!INCLUDE [a](missing.md)]\n    ```\n",
            "- item\n\n      [!INCLUDE [a](missing.md)]\n",
            "> ```\n> [!INCLUDE [a](missing.md)]\n> ```\n",
            "> ~~~\n> [!INCLUDE [a](a.md)]\n> ~~~\n",
            "Text `code\n[!INCLUDE [a](missing.md)]` more\n",
            "``a ` [!INCLUDE [a](a.md)] ``\n",
            "<!--\n[!INCLUDE [a](gone.md)]\n-->\n",
            "Before <!-- [!INCLUDE [a](gone.md)] --> after\n",
        ] {
            let exp = Expansion::new("p.md", text, 0, &src);
            assert_eq!(exp.text, text);
            assert!(
                exp.diagnostics.is_empty(),
                "{text:?}: {:?}",
                exp.diagnostics
            );
        }
    }

    #[test]
    fn includes_beside_code_are_expanded() {
        let src = files(&[
            ("a.md", "A"),
            ("f.md", "    [!INCLUDE [a](a.md)]\n\n[!INCLUDE [a](a.md)]"),
        ]);
        let text = "```\n[!INCLUDE [a](a.md)]\n```\n\n[!INCLUDE [f](f.md)]\n\n`x` [!INCLUDE [a](a.md)] `y`\n";
        let exp = Expansion::new("p.md", text, 0, &src);
        assert_eq!(
            exp.text,
            "```\n[!INCLUDE [a](a.md)]\n```\n\n\n    [!INCLUDE [a](a.md)]\n\n\nA\n\n\n\n`x` A `y`\n"
        );
        assert!(exp.diagnostics.is_empty());
        assert_eq!(exp.files, ["p.md", "f.md", "a.md"]);
    }

    /// Files `c0.md` … `c{n-1}.md`, each including the next.
    fn chain(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                (
                    format!("c{i}.md"),
                    format!("{i} [!INCLUDE [n](c{}.md)]\n", i + 1),
                )
            })
            .collect()
    }

    struct Owned(HashMap<String, String>);

    impl Sources for Owned {
        fn markdown(&self, path: &str) -> Option<Cow<'_, str>> {
            self.0.get(path).map(|t| Cow::Borrowed(t.as_str()))
        }
        fn display(&self, path: &str) -> String {
            format!("content/{path}")
        }
    }

    #[test]
    fn a_chain_of_3000_includes_stops_at_the_depth_limit() {
        let src = Owned(chain(3000).into_iter().collect());
        let exp = Expansion::new("p.md", "[!INCLUDE [c](c0.md)]\n", 0, &src);
        assert_eq!(exp.files.len(), INCLUDE_DEPTH + 1);
        assert_eq!(exp.diagnostics.len(), 1, "{:?}", exp.diagnostics);
        let d = &exp.diagnostics[0];
        assert_eq!(d.code, Code::LimitExceeded);
        let last = format!("content/c{}.md", INCLUDE_DEPTH - 1);
        assert_eq!((d.file.as_str(), d.line, d.column), (last.as_str(), 1, 4));
        assert!(d.message.contains("deeper than 64"), "{}", d.message);
        assert!(exp.text.starts_with("\n0 1 2 "), "{:?}", &exp.text[..20]);
        // Positions still map into the files of the chain.
        let at = exp.text.find("63 ").unwrap();
        assert_eq!(exp.files[exp.locate(at).file as usize], "c63.md");
    }

    #[test]
    fn fragments_including_each_other_many_times_are_capped() {
        // Ten 10-line fragments, each including the next ten times: 10^10
        // lines if expanded in full, from about 2 KB of input.
        let mut list = HashMap::new();
        for i in 0..10 {
            let line = if i < 9 {
                format!("[!INCLUDE [n](f{}.md)]\n", i + 1)
            } else {
                "leaf line\n".to_string()
            };
            list.insert(format!("f{i}.md"), line.repeat(10));
        }
        let input: usize = list.values().map(String::len).sum();
        assert!(input < 2200, "{input}");
        let src = Owned(list);
        let exp = Expansion::new("p.md", "# P\n\n[!INCLUDE [f](f0.md)]\n", 0, &src);
        let limits: Vec<_> = exp
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::LimitExceeded)
            .collect();
        assert_eq!(limits.len(), 1, "{:?}", exp.diagnostics);
        assert_eq!(exp.diagnostics.len(), 1);
        assert!(exp.text.len() <= EXPANDED_PAGE_BYTES + 4096);
        assert_eq!(exp.files.len(), 11);
    }

    #[test]
    fn size_limit_is_reported_once_where_it_is_reached() {
        let big = "x".repeat(EXPANDED_PAGE_BYTES / 2 + 1);
        let mut list = HashMap::new();
        list.insert("big.md".to_string(), big);
        let src = Owned(list);
        let page = "[!INCLUDE [b](big.md)]\n[!INCLUDE [b](big.md)]\n[!INCLUDE [b](big.md)]\n[!INCLUDE [b](big.md)]\n";
        let exp = Expansion::new("p.md", page, 0, &src);
        assert_eq!(exp.diagnostics.len(), 1, "{:?}", exp.diagnostics);
        let d = &exp.diagnostics[0];
        assert_eq!((d.code, d.line, d.column), (Code::LimitExceeded, 3, 1));
        assert!(exp.text.len() < EXPANDED_PAGE_BYTES + 16);
    }

    #[test]
    fn columns_count_characters_on_long_lines_in_bounded_windows() {
        let line: String = (0..2000)
            .map(|i| if i % 3 == 0 { "é[a](b) " } else { "[a](b) " })
            .collect();
        let text = format!("first\n{line}\nlast");
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(7) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() as u32 + 1;
            assert_eq!(index.position(&text, offset).1, expected, "at {offset}");
            assert!(index.window(offset).len() < STRIDE);
        }
        assert_eq!(index.position(&text, text.len()), (3, 5));
    }
}
