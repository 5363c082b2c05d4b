//! Markdown → [`Document`]: what the rest of the pipeline needs to know
//! about a page (heading ids, anchors, links with their source positions,
//! task tables, include problems), and, when asked, its HTML.
//!
//! A page is walked twice in a build: [`parse`] for the site model (no HTML
//! is made, so `check` never pays for it and the model holds no page's
//! HTML), and [`render`] when its output is written, so each page's HTML
//! lives only while it is written. Both run the same walk, so they agree
//! on every link, id and diagnostic. Link targets depend on the whole
//! site, so the HTML comes as a [`Body`]: fragments between link slots,
//! which [`Body::render`] fills.

pub(crate) mod html;
pub(crate) mod include;
pub(crate) mod playbook;
pub(crate) mod raw;
mod sanitize;
pub(crate) mod slug;
pub(crate) mod table;

use crate::config::RawHtml;
use crate::diagnostic::{Code, Diagnostic};
use crate::html::escape;
use crate::i18n;
use crate::search::PageText;
use include::Expansion;
pub use include::{Pos, Sources};
pub use playbook::PlaybookMarks;
use playbook::{Fact, History};
use pulldown_cmark::{
    Alignment, BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
    TextMergeWithOffset,
};
use raw::{Found, RawHtmlPass};
use slug::Slugger;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
pub use table::TaskHeaders;
pub(crate) use table::{TaskRow, TaskTable};

/// Marks a link slot in rendered HTML. Page text never contains NUL: loading
/// replaces it, as CommonMark requires.
const SLOT: char = '\0';

/// What a link is in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LinkKind {
    /// `[text](dest)` or an autolink.
    Link,
    /// `![alt](src)` or a DocFX `:::image`.
    Image,
    /// An `href`/`src` attribute of raw HTML.
    Html,
}

/// One link or image reference of a page, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub(crate) dest: String,
    pub(crate) kind: LinkKind,
    /// Where it is written; `pos.file` says in which file (includes).
    pub(crate) pos: Pos,
}

/// A heading of a page, with the id its anchor has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub(crate) level: u8,
    /// Plain text, for tables of contents.
    pub(crate) text: String,
    /// The id: GitHub's slug, made unique on the page (`#guía-de-red`).
    pub id: String,
    pub(crate) pos: Pos,
}

/// Rendered HTML with a hole (the [`SLOT`] character) where each link's
/// `href`/`src` goes: links are resolved against the whole site, after
/// parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Body {
    html: String,
    /// In order of position.
    slots: Vec<Slot>,
}

/// A hole in a [`Body`]: where, and for which link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    /// Byte offset of the [`SLOT`] character in the HTML.
    at: usize,
    /// Index into `Document::links`: usually one slot per link in order,
    /// but sanitizing may drop or repeat one.
    pub(crate) link: usize,
}

impl Body {
    /// HTML whose `n`th slot character is link `n`'s hole; slot characters
    /// beyond the page's `links` are left out of the output.
    fn numbered(html: String, links: usize) -> Body {
        let slots = memchr::memchr_iter(SLOT as u8, html.as_bytes())
            .enumerate()
            .map(|(link, at)| Slot { at, link })
            .collect::<Vec<_>>();
        let mut body = Body { html, slots };
        body.slots.retain(|s| s.link < links);
        body
    }

    /// HTML fragments with the link of the hole between each two.
    fn from_parts(parts: Vec<String>, links: Vec<usize>) -> Body {
        let mut html =
            String::with_capacity(parts.iter().map(String::len).sum::<usize>() + links.len());
        let mut slots = Vec::with_capacity(links.len());
        for (i, part) in parts.iter().enumerate() {
            if let Some(&link) = i.checked_sub(1).and_then(|hole| links.get(hole)) {
                slots.push(Slot {
                    at: html.len(),
                    link,
                });
                html.push(SLOT);
            }
            html.push_str(part);
        }
        Body { html, slots }
    }

    /// A body kept elsewhere (see `site::bodies`) with its slots.
    pub(crate) fn from_stored(html: String, slots: Vec<Slot>) -> Body {
        Body { html, slots }
    }

    /// The HTML with its holes, and the slots: what storing a body keeps.
    pub(crate) fn into_stored(self) -> (String, Vec<Slot>) {
        (self.html, self.slots)
    }

    /// The HTML, asking `href(i)` for the (already escaped) URL of link `i`.
    pub(crate) fn render(&self, mut href: impl FnMut(usize) -> String) -> String {
        let mut out = String::with_capacity(self.html.len() + 64 * self.slots.len());
        let mut from = 0;
        for slot in &self.slots {
            out.push_str(&self.html[from..slot.at]);
            out.push_str(&href(slot.link));
            from = slot.at + SLOT.len_utf8();
        }
        // Slot characters with no link (see `numbered`) are dropped.
        out.extend(self.html[from..].split(SLOT));
        out
    }
}

/// The ids of a page, frozen once it is parsed: sorted, one allocation
/// each (every page's ids stay in the model, for anchor checks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Anchors(Box<[Box<str>]>);

impl Anchors {
    /// Does the page have this id?
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.0.binary_search_by(|a| (**a).cmp(id)).is_ok()
    }

    /// Every id, sorted.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|a| &**a)
    }
}

impl From<BTreeSet<String>> for Anchors {
    fn from(set: BTreeSet<String>) -> Anchors {
        Anchors(set.into_iter().map(String::into_boxed_str).collect())
    }
}

/// Everything one parse of a page yields.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// Content-relative paths: `files[0]` is the page, then what it includes.
    pub files: Vec<String>,
    /// The text of the first `#` heading.
    pub(crate) title: Option<String>,
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Every id a `#fragment` may name: headings, `{#id}`, `<a name>`, `id=`, tasks.
    pub(crate) anchors: Anchors,
    pub(crate) links: Vec<Link>,
    pub(crate) tasks: Vec<TaskTable>,
    /// Recognized `Phase: **…**`, `Primary Role: **…**` … lines, in order.
    pub(crate) facts: Vec<Fact>,
    /// The refresh-summary table, if the page has one.
    pub(crate) history: Option<History>,
    /// Include problems found while expanding.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Document {
    /// Frees the spare capacity of its lists: every page's document stays
    /// in the model, and growth by doubling leaves up to half unused.
    fn shrink_to_fit(&mut self) {
        self.files.shrink_to_fit();
        self.headings.shrink_to_fit();
        for heading in &mut self.headings {
            heading.id.shrink_to_fit();
        }
        self.links.shrink_to_fit();
        self.tasks.shrink_to_fit();
        self.facts.shrink_to_fit();
        for table in &mut self.tasks {
            table.rows.shrink_to_fit();
        }
        self.diagnostics.shrink_to_fit();
    }
}

/// What parsing one page needs to know.
pub struct ParseContext<'a> {
    /// Content-relative path of the page.
    pub path: &'a str,
    /// The page's normalized text, front matter included.
    pub text: &'a str,
    /// Byte offset in `text` where the Markdown body starts (after front matter).
    pub body_start: usize,
    /// The texts of the files `[!INCLUDE]` names.
    pub sources: &'a dyn Sources,
    /// The page's language code, for callout titles.
    pub lang: &'a str,
    /// Task-table labels to try, the page's language first.
    pub task_headers: &'a TaskHeaders,
    /// Phase, role and refresh-summary labels.
    pub playbook: &'a PlaybookMarks,
    /// `markdown.raw_html`.
    pub raw_html: RawHtml,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

/// Parses one page for the site model: everything but its HTML.
pub fn parse(cx: &ParseContext<'_>) -> Document {
    walk(cx, Made::Analysis).0
}

/// Parses one page and makes its HTML (the same [`Document`] as [`parse`]).
pub(crate) fn render(cx: &ParseContext<'_>) -> (Document, Body) {
    let (doc, body, _) = walk(cx, Made::Html);
    (doc, body)
}

/// [`render`], and the page's text for search (prose by section; no code,
/// no markup), collected in the same walk.
pub(crate) fn render_with_text(cx: &ParseContext<'_>) -> (Document, Body, PageText) {
    walk(cx, Made::Html)
}

/// What a walk makes besides the [`Document`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Made {
    Analysis,
    Html,
}

fn walk(cx: &ParseContext<'_>, made: Made) -> (Document, Body, PageText) {
    let exp = Expansion::new(cx.path, cx.text, cx.body_start, cx.sources);
    // The merged iterator gives no size hint, so a collect would grow the
    // list a dozen times per page; playbook pages make about one event per
    // 17 bytes of Markdown (measured on the benchmark corpus).
    let mut events: Vec<(Option<Event<'_>>, Range<usize>)> =
        Vec::with_capacity(exp.text.len() / 12 + 16);
    events.extend(
        TextMergeWithOffset::new(Parser::new_ext(&exp.text, options()).into_offset_iter())
            .map(|(e, r)| (Some(e), r)),
    );
    let mut r = Renderer {
        cx,
        exp: &exp,
        strings: i18n::strings(cx.lang),
        html: made == Made::Html,
        out: Vec::with_capacity(if made == Made::Html { events.len() } else { 0 }),
        frames: Vec::new(),
        quotes: Vec::new(),
        slugger: Slugger::default(),
        footnotes: HashMap::new(),
        defined_footnotes: HashSet::new(),
        raw: RawHtmlPass::new(cx.raw_html),
        html_block_as_prose: false,
        first_markup: None,
        in_code_block: false,
        after_refresh_heading: false,
        anchors: BTreeSet::new(),
        doc: Document::default(),
        search: (made == Made::Html).then(PageText::default),
    };
    r.run(events);
    let (mut doc, out, first_markup) = (r.doc, r.out, r.first_markup);
    let text = r.search.unwrap_or_default();
    doc.anchors = Anchors::from(r.anchors);
    let sanitized = first_markup.filter(|_| cx.raw_html == RawHtml::Sanitize);
    if made == Made::Analysis && sanitized.is_some() {
        // Whether the page can be sanitized depends on its HTML (nesting
        // depth), and the answer changes its links: make the HTML.
        return walk(cx, Made::Html);
    }
    let body = match made {
        Made::Analysis => Body::default(),
        Made::Html => {
            let mut html = String::with_capacity(exp.text.len() * 2);
            pulldown_cmark::html::push_html(&mut html, out.into_iter());
            if let Some(at) = sanitized {
                let depth = html::nesting_depth(&html);
                if depth > crate::limits::HTML_DEPTH {
                    return too_deep_to_sanitize(cx, &exp, at, depth, made);
                }
                let cleaned = sanitize::clean(&html, SLOT);
                Body::from_parts(cleaned.parts, cleaned.slots)
            } else {
                Body::numbered(html, doc.links.len())
            }
        }
    };
    doc.files = exp.files.clone();
    let mut diagnostics = exp.diagnostics;
    diagnostics.append(&mut doc.diagnostics);
    doc.diagnostics = diagnostics;
    doc.shrink_to_fit();
    (doc, body, text)
}

/// A page nesting elements deeper than browsers build: the HTML parser
/// under the sanitizer would take quadratic time, so its raw HTML is shown
/// as text instead (`escape`), which is always safe.
fn too_deep_to_sanitize(
    cx: &ParseContext<'_>,
    exp: &Expansion<'_>,
    at: usize,
    depth: usize,
    made: Made,
) -> (Document, Body, PageText) {
    let (mut doc, body, text) = walk(
        &ParseContext {
            raw_html: RawHtml::Escape,
            ..*cx
        },
        made,
    );
    let pos = exp.locate(at);
    let file = exp
        .files
        .get(pos.file as usize)
        .map_or(cx.path, String::as_str);
    doc.diagnostics.push(
        Diagnostic::new(
            Code::HtmlUnsafe,
            cx.sources.display(file),
            format!(
                "the page nests elements {depth} deep, more than the {} browsers build; its raw HTML cannot be sanitized in reasonable time and is shown as text",
                crate::limits::HTML_DEPTH
            ),
        )
        .at(pos.line, pos.column)
        .hint("close the tags this page opens, or split the page"),
    );
    (doc, body, text)
}

/// The end of a paragraph or block, where an unclosed `<style>` or
/// `<script>` of raw HTML ends too.
fn ends_raw_html_scope(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::End(
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::HtmlBlock
                | TagEnd::FootnoteDefinition,
        )
    )
}

/// A construct whose HTML is only known at its end.
enum Frame<'a> {
    Heading {
        level: HeadingLevel,
        start: usize,
        events: Vec<Event<'a>>,
        /// Plain text for tables of contents (breaks as spaces).
        text: String,
        /// The text content a browser sees, which GitHub slugs.
        content: String,
        /// The last event when it is text: its index and source range
        /// (a trailing `{#id .class}` block is written there).
        last_text: Option<(usize, Range<usize>)>,
    },
    Image {
        title: String,
        alt: String,
        /// Images inside the alt text, still open.
        nested: usize,
    },
    Table(TableBuilder<'a>),
}

#[derive(Default)]
struct Cell<'a> {
    events: Vec<Event<'a>>,
    text: String,
}

struct Row<'a> {
    start: usize,
    cells: Vec<Cell<'a>>,
}

struct TableBuilder<'a> {
    aligns: Vec<Alignment>,
    start: usize,
    head: Vec<Cell<'a>>,
    rows: Vec<Row<'a>>,
    in_head: bool,
    cell: Option<Cell<'a>>,
}

struct Renderer<'a, 'cx> {
    cx: &'cx ParseContext<'cx>,
    exp: &'cx Expansion<'cx>,
    strings: &'static i18n::Strings,
    /// HTML is made (else only the [`Document`]).
    html: bool,
    out: Vec<Event<'a>>,
    frames: Vec<Frame<'a>>,
    /// For each open block quote: is it a callout?
    quotes: Vec<bool>,
    slugger: Slugger,
    /// Footnote label (case-folded) → its number.
    footnotes: HashMap<String, usize>,
    /// Footnote numbers whose definition has been written (and has the id).
    defined_footnotes: HashSet<usize>,
    raw: RawHtmlPass,
    /// The open HTML block is shown as a paragraph of text.
    html_block_as_prose: bool,
    /// Where the first raw markup kept as markup is (then the page must be
    /// sanitized).
    first_markup: Option<usize>,
    in_code_block: bool,
    /// The last heading names the refresh-summary table.
    after_refresh_heading: bool,
    /// The page's ids so far (frozen into `doc.anchors` at the end).
    anchors: BTreeSet<String>,
    doc: Document,
    /// The page's prose for search, when HTML is made.
    search: Option<PageText>,
}

impl<'a> Renderer<'a, '_> {
    fn run(&mut self, mut events: Vec<(Option<Event<'a>>, Range<usize>)>) {
        for i in 0..events.len() {
            let Some(event) = events[i].0.take() else {
                continue;
            };
            let range = events[i].1.clone();
            self.event(event, range, i, &mut events);
        }
    }

    fn event(
        &mut self,
        event: Event<'a>,
        range: Range<usize>,
        i: usize,
        events: &mut [(Option<Event<'a>>, Range<usize>)],
    ) {
        if self.alt_text(&event) {
            return;
        }
        if ends_raw_html_scope(&event) {
            // An unclosed `<style>` or `<script>` ends with its paragraph or block.
            self.raw.end_scope();
            self.search_break();
        }
        let start = range.start;
        match event {
            Event::Start(Tag::Heading { level, .. }) => self.frames.push(Frame::Heading {
                level,
                start,
                events: Vec::new(),
                text: String::new(),
                content: String::new(),
                last_text: None,
            }),
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) | Event::End(TagEnd::Link) => {
                self.link_event(event, start)
            }
            Event::Text(text) => self.text(text, range),
            Event::Code(code) => {
                self.add_text(&code);
                self.emit(Event::Code(code));
            }
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::Start(Tag::HtmlBlock)
            | Event::End(TagEnd::HtmlBlock) => self.html_event(event, start, i, events),
            Event::Start(Tag::BlockQuote(kind)) => self.start_quote(kind, i, events),
            Event::End(TagEnd::BlockQuote(kind)) => {
                if self.quotes.pop().unwrap_or(false) {
                    self.emit(Event::Html("</div>\n".into()));
                } else {
                    self.emit(Event::End(TagEnd::BlockQuote(kind)));
                }
            }
            Event::Start(Tag::CodeBlock(_)) | Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = matches!(event, Event::Start(_));
                self.emit(event);
            }
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(
                TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell,
            ) => self.table_event(event, start),
            Event::SoftBreak | Event::HardBreak => {
                self.add_break();
                self.search_break();
                self.emit(event);
            }
            Event::Start(Tag::Paragraph) if self.frames.is_empty() => {
                if self.paragraph_facts(start, i, events) {
                    self.emit(event);
                }
            }
            Event::FootnoteReference(_)
            | Event::Start(Tag::FootnoteDefinition(_))
            | Event::End(TagEnd::FootnoteDefinition) => self.footnote_event(event),
            other => self.emit(other),
        }
    }

    /// Inside an image's alt text only the words count; nested links and
    /// images are not rendered, so they must not take a link slot either.
    /// Says whether the event was alt text.
    fn alt_text(&mut self, event: &Event<'a>) -> bool {
        let Some(Frame::Image { alt, nested, .. }) = self.frames.last_mut() else {
            return false;
        };
        match event {
            Event::Text(t) | Event::Code(t) => alt.push_str(t),
            Event::Start(Tag::Image { .. }) => *nested += 1,
            Event::End(TagEnd::Image) if *nested > 0 => *nested -= 1,
            Event::End(TagEnd::Image) => self.end_image(),
            _ => {}
        }
        true
    }

    /// Links get a slot for their resolved href; an image's alt text is
    /// collected until its end.
    fn link_event(&mut self, event: Event<'a>, start: usize) {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let dest = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                self.add_link(dest, LinkKind::Link, start);
                let title = attr_if_any("title", &title);
                self.emit(Event::InlineHtml(
                    format!("<a href=\"{SLOT}\"{title}>").into(),
                ));
            }
            Event::End(TagEnd::Link) => self.emit(Event::InlineHtml("</a>".into())),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                self.add_link(dest_url.to_string(), LinkKind::Image, start);
                self.frames.push(Frame::Image {
                    title: title.to_string(),
                    alt: String::new(),
                    nested: 0,
                });
            }
            other => self.emit(other),
        }
    }

    /// Raw HTML, inline or as a block, through the `raw_html` policy.
    fn html_event(
        &mut self,
        event: Event<'a>,
        start: usize,
        i: usize,
        events: &mut [(Option<Event<'a>>, Range<usize>)],
    ) {
        match event {
            Event::Html(raw) => self.html_fragment(vec![(raw, start)], false),
            Event::InlineHtml(raw) => self.inline_html(&raw, start),
            Event::Start(Tag::HtmlBlock) => {
                let pieces = take_html_block(i, events);
                let joined: String = pieces.iter().map(|(p, _)| p.as_ref()).collect();
                let prose = self.raw.block_is_prose(&joined);
                self.html_block_as_prose = prose;
                self.emit(Event::Start(if prose {
                    Tag::Paragraph
                } else {
                    Tag::HtmlBlock
                }));
                self.html_fragment(pieces, prose);
            }
            Event::End(TagEnd::HtmlBlock) => {
                if std::mem::take(&mut self.html_block_as_prose) {
                    self.emit(Event::End(TagEnd::Paragraph));
                } else {
                    self.emit(Event::End(TagEnd::HtmlBlock));
                }
            }
            other => self.emit(other),
        }
    }

    /// Tables are collected cell by cell and written whole at their end
    /// (task tables need every row first).
    fn table_event(&mut self, event: Event<'a>, start: usize) {
        match event {
            Event::Start(Tag::Table(aligns)) => self.frames.push(Frame::Table(TableBuilder {
                aligns,
                start,
                head: Vec::new(),
                rows: Vec::new(),
                in_head: false,
                cell: None,
            })),
            Event::Start(Tag::TableHead) => self.with_table(|t| t.in_head = true),
            Event::End(TagEnd::TableHead) => self.with_table(|t| t.in_head = false),
            Event::Start(Tag::TableRow) => self.with_table(|t| {
                if !t.in_head {
                    t.rows.push(Row {
                        start,
                        cells: Vec::new(),
                    })
                }
            }),
            Event::Start(Tag::TableCell) => self.with_table(|t| t.cell = Some(Cell::default())),
            Event::End(TagEnd::TableCell) => self.with_table(|t| {
                let cell = t.cell.take().unwrap_or_default();
                if t.in_head {
                    t.head.push(cell);
                } else if let Some(row) = t.rows.last_mut() {
                    row.cells.push(cell);
                }
            }),
            Event::End(TagEnd::TableRow) => {}
            Event::End(TagEnd::Table) => {
                if let Some(Frame::Table(t)) = self.frames.pop() {
                    let html = self.table(t);
                    self.emit(Event::Html(html.into()));
                }
            }
            other => self.emit(other),
        }
    }

    /// Footnotes are numbered in order of first mention; `fn:N` is the id.
    fn footnote_event(&mut self, event: Event<'a>) {
        match event {
            Event::FootnoteReference(label) => {
                let n = self.footnote_number(&label);
                self.emit(Event::InlineHtml(
                    format!("<sup class=\"footnote-reference\"><a href=\"#fn:{n}\">{n}</a></sup>")
                        .into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let n = self.footnote_number(&label);
                // A label defined twice: the id goes to the first.
                let id = if self.defined_footnotes.insert(n) {
                    self.anchors.insert(format!("fn:{n}"));
                    format!(" id=\"fn:{n}\"")
                } else {
                    String::new()
                };
                self.emit(Event::Html(
                    format!(
                        "<div class=\"footnote-definition\"{id}><sup class=\"footnote-definition-label\">{n}</sup>"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::FootnoteDefinition) => self.emit(Event::Html("</div>\n".into())),
            other => self.emit(other),
        }
    }

    fn end_image(&mut self) {
        if let Some(Frame::Image { title, alt, .. }) = self.frames.pop() {
            let title = attr_if_any("title", &title);
            let alt = escape(&alt);
            self.emit(Event::InlineHtml(
                format!("<img src=\"{SLOT}\" alt=\"{alt}\"{title} loading=\"lazy\">").into(),
            ));
        }
    }

    /// Sends an event to the innermost open construct, or to the output.
    fn emit(&mut self, event: Event<'a>) {
        match self.frames.last_mut() {
            // A heading's events are kept either way: its attribute block
            // is found in its last text.
            Some(Frame::Heading { events, .. }) => events.push(event),
            Some(Frame::Image { .. }) => {}
            Some(Frame::Table(t)) if self.html => {
                if let Some(cell) = &mut t.cell {
                    cell.events.push(event);
                }
            }
            None if self.html => self.out.push(event),
            _ => {}
        }
    }

    /// Records plain text for the innermost construct that needs it.
    fn add_text(&mut self, s: &str) {
        match self.frames.last_mut() {
            Some(Frame::Heading { text, content, .. }) => {
                text.push_str(s);
                content.push_str(s);
            }
            Some(Frame::Image { alt, .. }) => alt.push_str(s),
            Some(Frame::Table(t)) => {
                if let Some(cell) = &mut t.cell {
                    cell.text.push_str(s);
                }
            }
            None => {}
        }
    }

    /// A line break: a space in plain text; in a heading's text content the
    /// line ending a browser keeps (which slugging drops, as GitHub does).
    /// Prose for search: not a heading's (its section records it), nor
    /// image alt text, code or markup (never passed here).
    fn search_text(&mut self, text: &str) {
        if matches!(self.frames.last(), Some(Frame::Heading { .. })) {
            return;
        }
        if let Some(search) = &mut self.search {
            search.push_text(text);
        }
    }

    fn search_break(&mut self) {
        if let Some(search) = &mut self.search {
            search.push_break();
        }
    }

    fn add_break(&mut self) {
        if let Some(Frame::Heading { text, content, .. }) = self.frames.last_mut() {
            text.push(' ');
            content.push('\n');
        } else {
            self.add_text(" ");
        }
    }

    /// Footnotes are numbered in order of first mention; their ids (`fn:1`)
    /// are theirs alone: headings and raw HTML never take one
    /// ([`slug::is_footnote_id`]).
    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(label.to_lowercase()).or_insert(next)
    }

    fn with_table(&mut self, f: impl FnOnce(&mut TableBuilder<'a>)) {
        if let Some(Frame::Table(t)) = self.frames.last_mut() {
            f(t);
        }
    }

    fn add_link(&mut self, dest: String, kind: LinkKind, offset: usize) -> usize {
        let pos = self.exp.locate(offset);
        self.doc.links.push(Link { dest, kind, pos });
        self.doc.links.len() - 1
    }

    fn text(&mut self, text: CowStr<'a>, range: Range<usize>) {
        let start = range.start;
        if self.in_code_block {
            self.emit(Event::Text(text));
            return;
        }
        if self.raw.in_verbatim_text() {
            // The source of an allowed inline `<script>`: as written.
            self.emit(Event::InlineHtml(text));
            return;
        }
        let trimmed = text.trim();
        if trimmed.eq_ignore_ascii_case(":::image-end:::") {
            return;
        }
        if let Some(attrs) = trimmed
            .strip_prefix(":::image ")
            .and_then(|rest| rest.strip_suffix(":::"))
        {
            let lead = text.len() - text.trim_start().len() + ":::image ".len();
            self.docfx_image(attrs, start + lead);
            return;
        }
        self.add_text(&text);
        self.search_text(&text);
        self.emit(Event::Text(text));
        if let Some(Frame::Heading {
            events, last_text, ..
        }) = self.frames.last_mut()
        {
            *last_text = Some((events.len() - 1, range));
        }
    }

    /// `:::image type="content" source="media/x.png" alt-text="…":::`
    fn docfx_image(&mut self, attrs: &str, offset: usize) {
        let tag = format!("<x {attrs}>");
        let scanned = html::scan_tags(&tag);
        let Some(tag_attrs) = scanned.first() else {
            return;
        };
        let alt = tag_attrs
            .attr("alt-text")
            .map(|a| a.value.clone())
            .unwrap_or_default();
        if let Some(src) = tag_attrs.attr("source") {
            let at = offset + src.value_start - "<x ".len();
            self.add_link(src.value.clone(), LinkKind::Image, at);
            self.emit(Event::InlineHtml(
                format!(
                    "<img src=\"{SLOT}\" alt=\"{}\" loading=\"lazy\">",
                    escape(&alt)
                )
                .into(),
            ));
        }
    }

    fn end_heading(&mut self) {
        let Some(Frame::Heading {
            level,
            start,
            mut events,
            mut text,
            mut content,
            last_text,
        }) = self.frames.pop()
        else {
            return;
        };
        let mut attrs = HeadingAttrs::default();
        if let Some((index, range)) = last_text.filter(|(i, _)| *i + 1 == events.len()) {
            if let Some(Event::Text(last)) = events.get(index) {
                let last = last.to_string();
                if let Some((kept, found)) = split_heading_attrs(&last, &self.exp.text[range]) {
                    let removed = last.len() - kept.len();
                    text.truncate(text.len() - removed);
                    content.truncate(content.len() - removed);
                    if kept.is_empty() {
                        events.pop();
                    } else {
                        events[index] = Event::Text(kept.to_string().into());
                    }
                    attrs = found;
                }
            }
        }
        let anchors = &self.anchors;
        let id = match attrs.id {
            Some(explicit) => self.slugger.unique(explicit, |c| anchors.contains(c)),
            None => self.slugger.heading_id(&content, |c| anchors.contains(c)),
        };
        let text = text.trim().to_string();
        self.after_refresh_heading = self.cx.playbook.is_refresh_heading(&text);
        let level_num = level as u8;
        if level_num == 1 && self.doc.title.is_none() && !text.is_empty() {
            self.doc.title = Some(text.clone());
        }
        self.anchors.insert(id.clone());
        if let Some(search) = &mut self.search {
            search.start_section(&id, &text);
        }
        let pos = self.exp.locate(start);
        if self.html {
            self.write_heading(level_num, &id, &text, &attrs.classes, events);
        }
        self.doc.headings.push(Heading {
            level: level_num,
            text,
            id,
            pos,
        });
    }

    /// A heading's HTML: its id, classes, content and permalink.
    fn write_heading(
        &mut self,
        level: u8,
        id: &str,
        text: &str,
        classes: &[String],
        events: Vec<Event<'a>>,
    ) {
        let class = if classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape(&classes.join(" ")))
        };
        let id = escape(id);
        // The permalink sits beside the heading, not in it: inside, its
        // label would join the heading's accessible name.
        self.emit(Event::Html(
            format!("<div class=\"heading heading-{level}\"><h{level} id=\"{id}\"{class}>").into(),
        ));
        for e in events {
            self.emit(e);
        }
        self.emit(Event::Html(
            format!(
                "</h{level}><a class=\"heading-anchor\" href=\"#{id}\" aria-label=\"{}\"><span aria-hidden=\"true\">#</span></a></div>\n",
                escape(&format!("{}: {text}", self.strings.permalink))
            )
            .into(),
        ));
    }

    fn start_quote(
        &mut self,
        kind: Option<BlockQuoteKind>,
        i: usize,
        events: &mut [(Option<Event<'a>>, Range<usize>)],
    ) {
        let s = self.strings;
        let known = |k: BlockQuoteKind| match k {
            BlockQuoteKind::Note => ("note", s.note.to_string()),
            BlockQuoteKind::Tip => ("tip", s.tip.to_string()),
            BlockQuoteKind::Important => ("important", s.important.to_string()),
            BlockQuoteKind::Warning => ("warning", s.warning.to_string()),
            BlockQuoteKind::Caution => ("caution", s.caution.to_string()),
        };
        let callout = match kind {
            Some(k) => Some(known(k)),
            None => take_callout_marker(&self.exp.text, i, events).map(|word| {
                match word.to_ascii_lowercase().as_str() {
                    "note" => known(BlockQuoteKind::Note),
                    "tip" => known(BlockQuoteKind::Tip),
                    "important" => known(BlockQuoteKind::Important),
                    "warning" => known(BlockQuoteKind::Warning),
                    "caution" => known(BlockQuoteKind::Caution),
                    // Translators sometimes translate the marker (`[!HINWEIS]`): keep their word.
                    _ => ("note", title_case(&word)),
                }
            }),
        };
        match callout {
            Some((class, title)) => {
                self.quotes.push(true);
                self.emit(Event::Html(
                    format!(
                        "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
                        escape(&title)
                    )
                    .into(),
                ));
            }
            None => {
                self.quotes.push(false);
                self.emit(Event::Start(Tag::BlockQuote(None)));
            }
        }
    }

    /// The lines of an HTML block (with their offsets), processed as one
    /// fragment so a `<script>` or comment spanning lines is one token.
    fn html_fragment(&mut self, pieces: Vec<(CowStr<'a>, usize)>, prose: bool) {
        let joined: String = pieces.iter().map(|(p, _)| p.as_ref()).collect();
        let processed = self.raw.process(&joined, prose, &mut self.slugger);
        let mut piece_starts = Vec::with_capacity(pieces.len());
        let mut out = 0;
        for (piece, src) in &pieces {
            piece_starts.push((out, *src));
            out += piece.len();
        }
        let locate = |offset: usize| {
            let i = piece_starts.partition_point(|(o, _)| *o <= offset).max(1) - 1;
            let (o, src) = piece_starts.get(i).copied().unwrap_or((0, 0));
            src + (offset - o)
        };
        self.record(processed.found, &locate);
        if processed.markup {
            self.first_markup.get_or_insert(locate(0));
        }
        self.emit(Event::Html(processed.html.into()));
    }

    fn inline_html(&mut self, raw: &str, start: usize) {
        let processed = self.raw.process(raw, false, &mut self.slugger);
        self.record(processed.found, &|offset| start + offset);
        if processed.markup {
            self.first_markup.get_or_insert(start);
        }
        let text = processed.html;
        if !processed.markup {
            // Placeholders count as words of the heading or table cell.
            self.add_text(raw);
        }
        self.emit(Event::InlineHtml(text.into()));
    }

    /// Turns what a raw fragment held into links, anchors and diagnostics;
    /// `locate` maps a fragment offset to an offset of the expanded text.
    fn record(&mut self, found: Vec<Found>, locate: &dyn Fn(usize) -> usize) {
        for f in found {
            match f {
                Found::Link { dest, kind, at } => {
                    self.add_link(dest, kind, locate(at));
                }
                Found::Anchor(id) => {
                    self.anchors.insert(id);
                }
                finding => {
                    if let Some(report) = raw::report(finding, self.cx.raw_html) {
                        let mut d = self
                            .diagnostic(report.code, locate(report.at), report.message)
                            .hint(report.hint);
                        if let Some(target) = report.target {
                            d = d.target(target);
                        }
                        self.doc.diagnostics.push(d);
                    }
                }
            }
        }
    }

    /// A diagnostic at an offset of the expanded text, in the file written there.
    fn diagnostic(&self, code: Code, offset: usize, message: String) -> Diagnostic {
        let pos = self.exp.locate(offset);
        let file = self
            .exp
            .files
            .get(pos.file as usize)
            .map(String::as_str)
            .unwrap_or(self.cx.path);
        Diagnostic::new(code, self.cx.sources.display(file), message).at(pos.line, pos.column)
    }

    /// A table's scroll region name: "Tasks" or "Table", with the section
    /// it is in, so two tables of a page are told apart.
    fn table_label(&self, task: bool) -> String {
        let kind = if task {
            self.strings.task_table
        } else {
            self.strings.table
        };
        match self.doc.headings.last() {
            Some(h) if !h.text.is_empty() => format!("{kind}: {}", h.text),
            _ => kind.to_string(),
        }
    }

    fn table(&mut self, t: TableBuilder<'a>) -> String {
        let headers: Vec<String> = t.head.iter().map(|c| c.text.trim().to_string()).collect();
        let task = self.cx.task_headers.match_header(&headers);
        let labels = task.map(|(set, _)| set);
        let history =
            (task.is_none() && self.after_refresh_heading).then(|| self.history_table(&t.rows));
        let mut out = String::new();
        if self.html {
            let label = self.table_label(task.is_some());
            write_table_head(&mut out, t.head, &t.aligns, task.is_some(), &label);
        }
        // GFM writes no empty body for a table without rows.
        let has_rows = !t.rows.is_empty();
        if has_rows {
            out.push_str("<tbody>\n");
        }
        let mut task_table = task.map(|(set, columns)| TaskTable {
            pos: self.exp.locate(t.start),
            labels: set.lang().to_string(),
            header_cells: table::count_source_cells(line_at(&self.exp.text, t.start)),
            columns,
            rows: Vec::new(),
            section: self
                .doc
                .headings
                .len()
                .checked_sub(1)
                .and_then(|h| u32::try_from(h).ok()),
        });
        for row in t.rows {
            let (requirement, anchor) = match (&mut task_table, labels) {
                (Some(tt), Some(labels)) => self.task_row(&mut out, tt, labels, &row),
                _ => {
                    out.push_str("<tr>");
                    (None, None)
                }
            };
            let columns = task_table.as_ref().map(|tt| tt.columns);
            let marked = requirement.zip(columns.and_then(|c| c.requirement));
            let linked = anchor.as_deref().zip(columns.map(|c| c.id));
            if self.html {
                self.row_cells(&mut out, row.cells, &t.aligns, marked, linked);
            }
            out.push_str("</tr>\n");
        }
        if has_rows {
            out.push_str("</tbody>\n");
        }
        out.push_str("</table>\n</div>\n");
        if let Some(tt) = task_table {
            self.doc.tasks.push(tt);
        }
        match history {
            Some((open, close)) => format!("{open}{out}{close}"),
            None => out,
        }
    }

    /// Opens a task table's row (with `id="task-<id>"` when the id is a
    /// number no other anchor has) and records it; returns the class of
    /// its requirement cell, if the value is one of the language's, and
    /// the row's id.
    fn task_row(
        &mut self,
        out: &mut String,
        tt: &mut TaskTable,
        labels: &table::LabelSet,
        row: &Row<'a>,
    ) -> (Option<&'static str>, Option<String>) {
        let cell_text = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map(|c| c.text.trim());
        let columns = tt.columns;
        let id = cell_text(Some(columns.id)).unwrap_or_default();
        let requirement = cell_text(columns.requirement);
        let class = requirement.and_then(|r| labels.requirement(r));
        let anchor = format!("task-{id}");
        let fresh = !id.is_empty()
            && id.chars().all(|c| c.is_ascii_digit())
            && !self.anchors.contains(&anchor)
            && self.slugger.claim(&anchor);
        if fresh {
            if let Some(search) = &mut self.search {
                let rest: Vec<&str> = [columns.role, columns.services]
                    .into_iter()
                    .filter_map(&cell_text)
                    .collect();
                search.add_task(
                    &anchor,
                    id,
                    cell_text(columns.name).unwrap_or(""),
                    &rest.join(" "),
                );
            }
            out.push_str(&format!("<tr id=\"{anchor}\">"));
            self.anchors.insert(anchor.clone());
        } else {
            out.push_str("<tr>");
        }
        tt.rows.push(TaskRow::new(
            self.exp.locate(row.start),
            table::count_source_cells(line_at(&self.exp.text, row.start)),
            [
                Some(id),
                cell_text(columns.name),
                requirement,
                cell_text(columns.role),
                cell_text(columns.services),
            ],
            class,
            fresh,
        ));
        (
            class.map(table::Requirement::class),
            fresh.then_some(anchor),
        )
    }

    /// A body row's cells; `marked` is the requirement cell's class and
    /// column, `linked` the row's id and the ID column.
    fn row_cells(
        &self,
        out: &mut String,
        cells: Vec<Cell<'a>>,
        aligns: &[Alignment],
        marked: Option<(&'static str, usize)>,
        linked: Option<(&str, usize)>,
    ) {
        for (i, cell) in cells.into_iter().enumerate() {
            out.push_str("<td");
            out.push_str(align_attr(aligns.get(i)));
            if let Some((class, _)) = marked.filter(|&(_, column)| column == i) {
                let title = if class == "mandatory" {
                    self.strings.mandatory
                } else {
                    self.strings.optional
                };
                out.push_str(&format!(
                    " class=\"task-requirement task-{class}\" title=\"{}\"",
                    escape(title)
                ));
            }
            out.push('>');
            match linked.filter(|&(_, column)| column == i) {
                Some((anchor, _)) => {
                    playbook::task_id_cell(out, cell.events, anchor, self.strings.task_link)
                }
                None => pulldown_cmark::html::push_html(out, cell.events.into_iter()),
            }
            out.push_str("</td>");
        }
    }
}

/// The table's opening and its head row. The wrapper scrolls sideways on
/// narrow screens, so keyboards must reach it (`tabindex`) and screen
/// readers need its name (`role="region"` + `aria-label`).
fn write_table_head(
    out: &mut String,
    head: Vec<Cell<'_>>,
    aligns: &[Alignment],
    task: bool,
    label: &str,
) {
    out.push_str(&format!(
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">\n<table",
        escape(label)
    ));
    if task {
        out.push_str(" class=\"task-table\"");
    }
    out.push_str(">\n<thead>\n<tr>");
    for (i, cell) in head.into_iter().enumerate() {
        out.push_str("<th scope=\"col\"");
        out.push_str(align_attr(aligns.get(i)));
        out.push('>');
        pulldown_cmark::html::push_html(out, cell.events.into_iter());
        out.push_str("</th>");
    }
    out.push_str("</tr>\n</thead>\n");
}

fn align_attr(a: Option<&Alignment>) -> &'static str {
    match a {
        Some(Alignment::Left) => " style=\"text-align: left\"",
        Some(Alignment::Center) => " style=\"text-align: center\"",
        Some(Alignment::Right) => " style=\"text-align: right\"",
        _ => "",
    }
}

fn attr_if_any(name: &str, value: &str) -> String {
    if value.is_empty() {
        String::new()
    } else {
        format!(" {name}=\"{}\"", escape(value))
    }
}

/// The source line containing `offset`.
fn line_at(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    &text[start..end]
}

/// A heading's `{#id .class}` block.
#[derive(Default)]
struct HeadingAttrs {
    id: Option<String>,
    classes: Vec<String>,
}

/// Splits a heading's last text (`source`: how it is written) into the text
/// and a trailing attribute block. Only a block of `#id` and `.class` words,
/// written literally (not escaped, not from entities), is one: `## Config {x}`
/// keeps its braces.
fn split_heading_attrs<'t>(text: &'t str, source: &str) -> Option<(&'t str, HeadingAttrs)> {
    let body = text.trim_end();
    let open = body.strip_suffix('}')?.rfind('{')?;
    let block = &body[open..];
    let mut attrs = HeadingAttrs::default();
    let mut words = 0;
    for word in block[1..block.len() - 1].split_whitespace() {
        words += 1;
        if let Some(id) = word.strip_prefix('#').filter(|w| !w.is_empty()) {
            attrs.id = Some(id.to_string());
        } else if let Some(class) = word.strip_prefix('.').filter(|w| !w.is_empty()) {
            attrs.classes.push(class.to_string());
        } else {
            return None;
        }
    }
    let written = source.trim_end().strip_suffix(block)?;
    let backslashes = written.len() - written.trim_end_matches('\\').len();
    if words == 0 || backslashes % 2 == 1 {
        return None;
    }
    Some((text[..open].trim_end(), attrs))
}

/// Takes the events of the HTML block starting at `i` (its lines, and the
/// indentation pulldown-cmark reports as text) out of the stream.
fn take_html_block<'a>(
    i: usize,
    events: &mut [(Option<Event<'a>>, Range<usize>)],
) -> Vec<(CowStr<'a>, usize)> {
    let mut pieces = Vec::new();
    for (event, range) in events.iter_mut().skip(i + 1) {
        match event {
            Some(Event::Html(_) | Event::Text(_)) => {
                if let Some(Event::Html(t) | Event::Text(t)) = event.take() {
                    pieces.push((t, range.start));
                }
            }
            _ => break,
        }
    }
    pieces
}

/// For a plain block quote starting with `[!WORD]` (a DocFX callout GFM does
/// not recognize: a translated or same-line marker), removes the marker from
/// the events and returns the word. The marker must be written as such in
/// `source`: `> \[!NOTE]` and `> &#91;!NOTE]` stay text.
fn take_callout_marker<'a>(
    source: &str,
    i: usize,
    events: &mut [(Option<Event<'a>>, Range<usize>)],
) -> Option<String> {
    let Some((Some(Event::Start(Tag::Paragraph)), paragraph)) = events.get(i + 1) else {
        return None;
    };
    if !source[paragraph.start..].starts_with("[!") {
        return None;
    }
    let Some((Some(Event::Text(text)), _)) = events.get(i + 2) else {
        return None;
    };
    let rest = text.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let word = &rest[..close];
    if word.is_empty() || word.chars().count() > 24 || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let word = word.to_string();
    let after = rest[close + 1..].trim_start().to_string();
    if after.is_empty() {
        events[i + 2].0 = None;
        match events.get(i + 3) {
            Some((Some(Event::SoftBreak | Event::HardBreak), _)) => events[i + 3].0 = None,
            Some((Some(Event::End(TagEnd::Paragraph)), _)) => {
                events[i + 1].0 = None;
                events[i + 3].0 = None;
            }
            _ => {}
        }
    } else {
        events[i + 2].0 = Some(Event::Text(after.into()));
    }
    Some(word)
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
