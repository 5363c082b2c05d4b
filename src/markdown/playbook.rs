//! What a playbook writes around its task tables, recognized during the
//! one walk of a page: the phase line (`Phase: **Initiate**`), a
//! section's lines (`Primary Role: **…**`, `Applies To: **…**`,
//! `Motions: **…**`), shown as badges, and the refresh-summary table,
//! shown collapsed. The labels come from `playbook:` in `folio.yml`.

use super::table::normalize;
use super::{Cell, Event, Pos, Range, Renderer, Row, Tag, TagEnd};
use crate::config::PlaybookLabels;
use crate::content::front_matter::Date;
use crate::html::escape;

/// The labels of every language, normalized once: a line or heading is
/// recognized by any of them. The default (no labels) recognizes nothing.
#[derive(Debug, Default)]
pub struct PlaybookMarks {
    /// Normalized label → what it marks.
    facts: Vec<(String, FactKind)>,
    refresh_summary: Vec<String>,
}

/// What a `Label: **Value**` line says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum FactKind {
    Phase,
    Role,
    AppliesTo,
    Motions,
}

impl FactKind {
    /// The badge's class.
    fn class(self) -> &'static str {
        match self {
            FactKind::Phase => "fact-phase",
            FactKind::Role => "fact-role",
            FactKind::AppliesTo => "fact-applies",
            FactKind::Motions => "fact-motions",
        }
    }
}

/// One recognized line of a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fact {
    pub(crate) kind: FactKind,
    /// The bold value, as plain text.
    pub(crate) value: Box<str>,
    /// Where the line is (`pos.file`: a page or an include).
    pub(crate) pos: Pos,
    /// Index into `Document::headings` of the heading it is under.
    pub(crate) section: Option<u32>,
}

/// A page's refresh-summary table: its rows and the newest date of its
/// first column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct History {
    pub(crate) pos: Pos,
    pub(crate) entries: u32,
    pub(crate) newest: Option<Date>,
}

impl PlaybookMarks {
    /// The labels of every language of `folio.yml`'s `playbook:`.
    pub(crate) fn from_labels<'a>(sets: impl Iterator<Item = &'a PlaybookLabels>) -> PlaybookMarks {
        let [phase, role, applies_to, motions, refresh] = PlaybookLabels::all(sets);
        let mut facts = Vec::new();
        for (labels, kind) in [
            (phase, FactKind::Phase),
            (role, FactKind::Role),
            (applies_to, FactKind::AppliesTo),
            (motions, FactKind::Motions),
        ] {
            for label in labels {
                let label = normalize(label);
                if !label.is_empty() && !facts.iter().any(|(l, _)| *l == label) {
                    facts.push((label, kind));
                }
            }
        }
        PlaybookMarks {
            facts,
            refresh_summary: refresh.into_iter().map(normalize).collect(),
        }
    }

    /// What a line's label (`Primary Role:`, colon included) marks.
    fn fact_kind(&self, label: &str) -> Option<FactKind> {
        let label = label.trim_end();
        let name = label.strip_suffix([':', '：'])?;
        if self.facts.is_empty() || name.len() > 64 {
            return None;
        }
        let name = normalize(name);
        self.facts.iter().find(|(l, _)| *l == name).map(|(_, k)| *k)
    }

    /// Does a heading's text name the refresh-summary table?
    pub(crate) fn is_refresh_heading(&self, text: &str) -> bool {
        !self.refresh_summary.is_empty()
            && text.len() <= 128
            && self.refresh_summary.contains(&normalize(text))
    }
}

/// One `Label: **Value**` line found in a paragraph's events.
struct Line {
    kind: FactKind,
    label: String,
    value: String,
    /// Offset of the label in the expanded text.
    at: usize,
}

type Events<'a> = [(Option<Event<'a>>, Range<usize>)];

/// The `Label: **Value**` lines at `j` and after (up to the paragraph's
/// end or the first other line), and the index of the last event they
/// take (the paragraph's end when they are all of it).
fn scan_lines(
    marks: &PlaybookMarks,
    events: &Events<'_>,
    mut j: usize,
) -> (Vec<Line>, usize, bool) {
    let mut lines = Vec::new();
    let mut last = j;
    while let Some((Some(Event::Text(label)), range)) = events.get(j) {
        let Some(kind) = marks.fact_kind(label) else {
            break;
        };
        if !matches!(
            events.get(j + 1),
            Some((Some(Event::Start(Tag::Strong)), _))
        ) {
            break;
        }
        let mut value = String::new();
        let mut k = j + 2;
        while let Some((Some(Event::Text(t) | Event::Code(t)), _)) = events.get(k) {
            value.push_str(t);
            k += 1;
        }
        if !matches!(events.get(k), Some((Some(Event::End(TagEnd::Strong)), _))) {
            break;
        }
        let line = Line {
            kind,
            label: label
                .trim_end()
                .trim_end_matches([':', '：'])
                .trim()
                .to_string(),
            value: value.trim().to_string(),
            at: range.start,
        };
        match events.get(k + 1) {
            Some((Some(Event::SoftBreak | Event::HardBreak), _)) => {
                lines.push(line);
                last = k + 1;
                j = k + 2;
            }
            Some((Some(Event::End(TagEnd::Paragraph)), _)) => {
                lines.push(line);
                return (lines, k + 1, true);
            }
            _ => break,
        }
    }
    (lines, last, false)
}

impl<'a> Renderer<'a, '_> {
    /// At a paragraph (the event at `i`, starting at `start`): its leading
    /// `Label: **Value**` lines, when written at the start of their lines
    /// outside lists and quotes, become facts and badges. Says whether the
    /// paragraph goes on (and must be opened).
    pub(super) fn paragraph_facts(
        &mut self,
        start: usize,
        i: usize,
        events: &mut Events<'a>,
    ) -> bool {
        let text = &self.exp.text;
        let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
        if !text[line_start..start].trim().is_empty() {
            return true;
        }
        let (lines, last, whole) = scan_lines(self.cx.playbook, events, i + 1);
        if lines.is_empty() {
            return true;
        }
        for event in &mut events[i + 1..=last] {
            event.0 = None;
        }
        let section = self
            .doc
            .headings
            .len()
            .checked_sub(1)
            .and_then(|h| u32::try_from(h).ok());
        let mut html = String::from("<dl class=\"facts\">");
        for line in lines {
            html.push_str(&format!(
                "<div class=\"fact {}\"><dt>{}</dt><dd>{}</dd></div>",
                line.kind.class(),
                escape(&line.label),
                escape(&line.value)
            ));
            self.doc.facts.push(Fact {
                kind: line.kind,
                value: line.value.into_boxed_str(),
                pos: self.exp.locate(line.at),
                section,
            });
        }
        html.push_str("</dl>\n");
        if self.html {
            self.emit(Event::Html(html.into()));
        }
        !whole
    }

    /// A table under a refresh-summary heading (not a task table): its
    /// newest date is recorded, the first such table is the page's
    /// history. Returns what the table's HTML is wrapped in.
    pub(super) fn history_table(&mut self, rows: &[Row<'a>]) -> (String, &'static str) {
        self.after_refresh_heading = false;
        let first = |cells: &[Cell<'_>]| cells.first().map(|c| c.text.trim().to_string());
        let newest = rows
            .iter()
            .filter_map(|r| first(&r.cells))
            .filter_map(|d| Date::parse(&d))
            .max();
        let entries = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        if self.doc.history.is_none() {
            self.doc.history = Some(History {
                pos: self.exp.locate(rows.first().map_or(0, |r| r.start)),
                entries,
                newest,
            });
        }
        (
            format!(
                "<details class=\"page-history\">\n<summary>{} <span class=\"history-count\">{entries}</span></summary>\n",
                escape(self.strings.page_history)
            ),
            "</details>\n",
        )
    }
}

/// The ID cell of a task row with an anchor: the ID links to its row (an
/// ID the author linked elsewhere keeps that link, and gets a `#` beside
/// it).
pub(super) fn task_id_cell(out: &mut String, events: Vec<Event<'_>>, anchor: &str, label: &str) {
    let linked = events
        .iter()
        .any(|e| matches!(e, Event::InlineHtml(h) if h.starts_with("<a ")));
    if linked {
        pulldown_cmark::html::push_html(out, events.into_iter());
        out.push_str(&format!(
            " <a class=\"task-link task-anchor\" href=\"#{anchor}\" aria-label=\"{}\">#</a>",
            escape(label)
        ));
    } else {
        out.push_str(&format!("<a class=\"task-link\" href=\"#{anchor}\">"));
        pulldown_cmark::html::push_html(out, events.into_iter());
        out.push_str("</a>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TaskLabels;
    use crate::markdown::{Document, ParseContext, Sources, TaskHeaders, parse, render};
    use std::borrow::Cow;

    struct Files(&'static [(&'static str, &'static str)]);

    impl Sources for Files {
        fn markdown(&self, path: &str) -> Option<Cow<'_, str>> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| Cow::Borrowed(*t))
        }
        fn display(&self, path: &str) -> String {
            path.to_string()
        }
    }

    /// A page of `lang` parsed and rendered with English and German
    /// labels (tasks and playbook lines).
    fn page(text: &str, includes: &'static [(&'static str, &'static str)]) -> (Document, String) {
        let de_tasks = TaskLabels {
            id: vec!["Aufgaben-ID".into()],
            name: vec!["Name der Aufgabe".into()],
            requirement: vec!["(E) Erforderlich (O) Optional".into()],
            mandatory: vec!["E".into()],
            optional: vec!["O".into()],
            ..TaskLabels::default()
        };
        let en_tasks = TaskLabels::english();
        let headers = TaskHeaders::new(&[("en", &en_tasks), ("de", &de_tasks)]);
        let de = PlaybookLabels {
            phase: vec!["Phase".into()],
            role: vec!["Primäre Rolle".into()],
            applies_to: vec!["Gilt für".into()],
            refresh_summary: vec!["Änderungsverlauf".into()],
            ..PlaybookLabels::default()
        };
        let en = PlaybookLabels::english();
        let marks = PlaybookMarks::from_labels([&en, &de].into_iter());
        let files = Files(includes);
        let cx = ParseContext {
            path: "en/page.md",
            text,
            body_start: 0,
            sources: &files,
            lang: "en",
            task_headers: &headers,
            playbook: &marks,
            raw_html: crate::config::RawHtml::default(),
        };
        let (doc, body) = render(&cx);
        assert_eq!(parse(&cx), doc, "parse and render agree");
        let html = body.render(|i| format!("[{}]", doc.links[i].dest));
        (doc, html)
    }

    #[test]
    fn lines_of_labels_become_facts_and_badges() {
        let (doc, html) = page(
            "# Plan the pilot\n\nPhase: **Deploy**  \n\n## Approach\n\n### Pick the users\n\nPrimary Role: **Pilot Lead**  \nApplies To: **Mail, Files**\nMotions: **Pilot / Rollout**\n\nText after.\n",
            &[],
        );
        let facts: Vec<(FactKind, &str, Option<u32>, u32)> = doc
            .facts
            .iter()
            .map(|f| (f.kind, &*f.value, f.section, f.pos.line))
            .collect();
        assert_eq!(
            facts,
            [
                (FactKind::Phase, "Deploy", Some(0), 3),
                (FactKind::Role, "Pilot Lead", Some(2), 9),
                (FactKind::AppliesTo, "Mail, Files", Some(2), 10),
                (FactKind::Motions, "Pilot / Rollout", Some(2), 11),
            ]
        );
        assert!(html.contains("<dl class=\"facts\"><div class=\"fact fact-phase\"><dt>Phase</dt><dd>Deploy</dd></div></dl>"), "{html}");
        assert!(html.contains("<div class=\"fact fact-role\"><dt>Primary Role</dt><dd>Pilot Lead</dd></div><div class=\"fact fact-applies\"><dt>Applies To</dt><dd>Mail, Files</dd></div><div class=\"fact fact-motions\">"), "{html}");
        assert!(!html.contains("Primary Role:"), "{html}");
        assert!(html.contains("<p>Text after.</p>"), "{html}");
    }

    #[test]
    fn a_paragraph_keeps_what_follows_its_fact_lines() {
        let (doc, html) = page(
            "Primäre Rolle: **Projektleitung**\nGilt für: **Alle Dienste**\nDanach ein Satz mit **Fettdruck**.\n",
            &[],
        );
        assert_eq!(doc.facts.len(), 2);
        assert!(
            html.contains("</dl>\n<p>Danach ein Satz mit <strong>Fettdruck</strong>.</p>"),
            "{html}"
        );
    }

    #[test]
    fn lines_in_lists_quotes_and_code_and_unknown_labels_stay_text() {
        for md in [
            "- Primary Role: **Lead**\n",
            "> Primary Role: **Lead**\n",
            "    Primary Role: **Lead**\n",
            "```\nPrimary Role: **Lead**\n```\n",
            "Secondary Role: **Lead**\n",
            "Primary Role: *Lead*\n",
            "Primary Role: **Lead** and more\n",
            "The Primary Role: **Lead**\n",
        ] {
            let (doc, html) = page(md, &[]);
            assert!(doc.facts.is_empty(), "{md:?}: {:?}", doc.facts);
            assert!(!html.contains("class=\"facts\""), "{md:?}: {html}");
        }
    }

    #[test]
    fn the_refresh_summary_is_collapsed_and_dated() {
        let (doc, html) = page(
            "# P\n\n## Änderungsverlauf\n\n| Datum | Wer | Was |\n|---|---|---|\n| 3/05/2024 | A | x |\n| 11/14/2023 | B | y |\n| soon | C | z |\n\n| Other | table |\n|---|---|\n| 12/31/2030 | no |\n",
            &[],
        );
        let history = doc.history.expect("a history");
        assert_eq!(history.entries, 3);
        assert_eq!(
            history.newest.map(|d| d.iso()).as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(history.pos.line, 7);
        assert_eq!(
            html.matches("<details class=\"page-history\">").count(),
            1,
            "{html}"
        );
        assert!(
            html.contains("<summary>Page history <span class=\"history-count\">3</span></summary>"),
            "{html}"
        );
        let (doc, html) = page(
            "## Refresh Summary\n\nNo table here.\n\n## Next\n\n| A |\n|---|\n| 1/1/2020 |\n",
            &[],
        );
        assert_eq!(doc.history, None);
        assert!(!html.contains("page-history"), "{html}");
    }

    #[test]
    fn task_ids_link_to_their_rows() {
        let (doc, html) = page(
            "| Task ID | Task Name | (M)andatory / (O)ptional |\n|---|---|---|\n| 4101 | Plain | M |\n| [4102](https://example.com/t) | Linked | O |\n| 4101 | Again | Q |\n| x1 | Bad | M |\n",
            &[],
        );
        assert!(
            html.contains(
                "<tr id=\"task-4101\"><td><a class=\"task-link\" href=\"#task-4101\">4101</a></td>"
            ),
            "{html}"
        );
        assert!(html.contains("<tr id=\"task-4102\"><td><a href=\"[https://example.com/t]\">4102</a> <a class=\"task-link task-anchor\" href=\"#task-4102\" aria-label=\"Link to this task\">#</a></td>"), "{html}");
        assert!(html.contains("<tr><td>4101</td><td>Again</td>"), "{html}");
        assert!(html.contains("<tr><td>x1</td>"), "{html}");
        let rows = &doc.tasks[0].rows;
        let summary: Vec<(&str, Option<&str>, bool)> = rows
            .iter()
            .map(|r| (r.id(), r.class.map(|c| c.class()), r.anchored))
            .collect();
        assert_eq!(
            summary,
            [
                ("4101", Some("mandatory"), true),
                ("4102", Some("optional"), true),
                ("4101", None, false),
                ("x1", Some("mandatory"), false),
            ]
        );
    }

    #[test]
    fn tasks_in_includes_keep_their_file_and_section() {
        let (doc, _) = page(
            "# P\n\n### Run it\n\nPrimäre Rolle: **Leitung**\n\n[!INCLUDE [t](includes/tasks.md)]\n",
            &[(
                "en/includes/tasks.md",
                "#### Aufgaben\n\n| Aufgaben-ID | Name der Aufgabe | (E) Erforderlich (O) Optional |\n|---|---|---|\n| 7 | Sieben | E |\n",
            )],
        );
        let table = &doc.tasks[0];
        assert_eq!(table.labels, "de");
        assert_eq!(table.section, Some(2));
        let row = &table.rows[0];
        assert_eq!(doc.files[usize::from(row.pos.file)], "en/includes/tasks.md");
        assert_eq!(row.pos.line, 5);
        assert_eq!(
            row.class,
            Some(crate::markdown::table::Requirement::Mandatory)
        );
        assert_eq!(doc.facts[0].section, Some(1));
    }

    #[test]
    fn labels_match_any_language_ignoring_case_and_colon_width() {
        let de = PlaybookLabels {
            role: vec!["Primäre Rolle".into()],
            refresh_summary: vec!["Zusammenfassung der Aktualisierung".into()],
            ..PlaybookLabels::default()
        };
        let en = PlaybookLabels::english();
        let marks = PlaybookMarks::from_labels([&en, &de].into_iter());
        assert_eq!(marks.fact_kind("Primary Role: "), Some(FactKind::Role));
        assert_eq!(marks.fact_kind("primäre  rolle："), Some(FactKind::Role));
        assert_eq!(marks.fact_kind("Phase:"), Some(FactKind::Phase));
        assert_eq!(marks.fact_kind("Phase"), None);
        assert_eq!(marks.fact_kind("Secondary Role:"), None);
        assert!(marks.is_refresh_heading("Zusammenfassung der  Aktualisierung"));
        assert!(marks.is_refresh_heading("refresh summary"));
        assert!(!marks.is_refresh_heading("Summary"));
        let none = PlaybookMarks::default();
        assert_eq!(none.fact_kind("Phase:"), None);
        assert!(!none.is_refresh_heading("Refresh Summary"));
    }
}
