//! The playbook's own files, per language: the task index
//! (`/<lang>/tasks/`), its exports (`/<lang>/tasks.json`,
//! `/<lang>/tasks.csv`) and the phase overview (`/<lang>/phases/`), all
//! read from `Site::playbook`; and the links to them every page carries.

use super::hreflang::{self, Member};
use super::{Alternate, LanguageFrame, Output, OutputFile, Renderer, Switch};
use crate::config::LangId;
use crate::diagnostic::Diagnostic;
use crate::i18n::Strings;
use crate::paths;
use crate::site::PageId;
use crate::site::playbook::Task;
use serde::Serialize;

/// Links to the language's task index and phase overview (`None`: the
/// site has none).
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Tools {
    tasks: Option<String>,
    phases: Option<String>,
    /// Which of the two the page is (`tasks`, `phases`).
    current: Option<&'static str>,
}

/// What both generated playbook pages show around their content: the
/// language's frame, their hreflang set and switcher, the playbook links.
/// Flattened into each page's context, so templates see the same names.
#[derive(Serialize)]
struct GeneratedFrame<'a> {
    #[serde(flatten)]
    language: LanguageFrame<'a>,
    canonical: String,
    alternates: Vec<Alternate>,
    switcher: Vec<Switch>,
    tools: Tools,
}

#[derive(Serialize)]
struct TaskIndexContext<'a> {
    #[serde(flatten)]
    frame: GeneratedFrame<'a>,
    /// Where the table's rows go ([`ROWS_MARKER`]): they are written by
    /// [`push_task_row`] straight into the page. A Tera loop over the
    /// 24,000 tasks a language of the 10,000-page benchmark has held every
    /// row as a Tera value and took most of the index's time.
    rows: &'static str,
    /// How many tasks the rows hold.
    count: usize,
    json_href: &'static str,
    csv_href: &'static str,
}

/// One row of the task index, before escaping.
struct TaskRow<'a> {
    id: &'a str,
    /// The row on its page.
    href: String,
    name: &'a str,
    /// `mandatory` or `optional`.
    req: Option<&'static str>,
    /// As written (`M`, `E`, `b`).
    req_label: &'a str,
    role: &'a str,
    services: &'a str,
    phase: &'a str,
    page: &'a str,
    page_href: String,
}

#[derive(Serialize)]
struct PhasesContext<'a> {
    #[serde(flatten)]
    frame: GeneratedFrame<'a>,
    phases: Vec<PhaseContext<'a>>,
}

#[derive(Serialize)]
struct PhaseContext<'a> {
    name: &'a str,
    mandatory: u32,
    optional: u32,
    processes: Vec<ProcessContext<'a>>,
}

#[derive(Serialize)]
struct ProcessContext<'a> {
    title: &'a str,
    href: String,
    mandatory: u32,
    optional: u32,
}

/// Where the rows go in the rendered `tasks.html`: a comment no escaped
/// value can produce (content's `<` is always escaped).
const ROWS_MARKER: &str = "<!--folio:task-rows-->";

/// `<lang>/tasks/`, where the index is.
fn tasks_dir(code: &str) -> String {
    format!("{code}/tasks/")
}

fn phases_dir(code: &str) -> String {
    format!("{code}/phases/")
}

impl<'a> Renderer<'a> {
    /// The playbook's files of every language in use.
    pub(crate) fn playbook_outputs(&self) -> Vec<Output> {
        let playbook = self.site.playbook();
        let mut outputs = Vec::new();
        for &lang in self.languages() {
            if playbook.has_tasks() {
                outputs.push(Output::TaskIndex(lang));
                outputs.push(Output::TasksJson(lang));
                outputs.push(Output::TasksCsv(lang));
            }
            if playbook.has_phases() {
                outputs.push(Output::Phases(lang));
            }
        }
        outputs
    }

    /// The playbook's pages (site-relative URL) with their hreflang sets,
    /// for the sitemap.
    pub(super) fn playbook_pages(&self) -> Vec<(String, Vec<Member>)> {
        let site = self.site;
        let mut pages = Vec::new();
        for output in self.playbook_outputs() {
            let (lang, dir): (LangId, fn(&str) -> String) = match output {
                Output::TaskIndex(lang) => (lang, tasks_dir),
                Output::Phases(lang) => (lang, phases_dir),
                _ => continue,
            };
            let set = hreflang::of_generated(site, self.languages(), dir);
            pages.push((dir(&site.config.language(lang).code), set));
        }
        pages
    }

    /// The files of one of [`Self::playbook_outputs`].
    pub(super) fn produce_playbook(
        &self,
        output: &Output,
    ) -> Result<Vec<OutputFile>, Box<Diagnostic>> {
        let site = self.site;
        match output {
            Output::TaskIndex(lang) => {
                let code = &site.config.language(*lang).code;
                let path = format!("{}index.html", tasks_dir(code));
                Ok(vec![OutputFile::bytes(path, self.task_index(*lang)?)])
            }
            Output::TasksJson(lang) => {
                let code = &site.config.language(*lang).code;
                let path = format!("{code}/tasks.json");
                Ok(vec![OutputFile::bytes(path, self.tasks_json(*lang))])
            }
            Output::TasksCsv(lang) => {
                let code = &site.config.language(*lang).code;
                let path = format!("{code}/tasks.csv");
                Ok(vec![OutputFile::bytes(path, self.tasks_csv(*lang))])
            }
            Output::Phases(lang) => {
                let code = &site.config.language(*lang).code;
                let cx = self.phases_context(*lang);
                self.html(
                    "phases.html",
                    format!("{}index.html", phases_dir(code)),
                    &cx,
                )
            }
            _ => Ok(Vec::new()),
        }
    }

    /// The links to the playbook's files, from a page of `lang` at `from`.
    pub(super) fn tools(&self, lang: LangId, from: &str) -> Tools {
        let playbook = self.site.playbook();
        let code = &self.site.config.language(lang).code;
        Tools {
            tasks: playbook
                .has_tasks()
                .then(|| paths::relative_url(from, &tasks_dir(code), self.form)),
            phases: playbook
                .has_phases()
                .then(|| paths::relative_url(from, &phases_dir(code), self.form)),
            current: None,
        }
    }

    /// The language switcher of a generated page at `<code>/<dir>/`: to
    /// the same page of every language in use.
    fn generated_switcher(&self, lang: LangId, dir: fn(&str) -> String) -> Vec<Switch> {
        let site = self.site;
        let from = dir(&site.config.language(lang).code);
        self.languages()
            .iter()
            .map(|&l| {
                let other = site.config.language(l);
                Switch {
                    code: other.code.clone(),
                    name: other.name.clone(),
                    href: paths::relative_url(&from, &dir(&other.code), self.form),
                    current: l == lang,
                    available: true,
                }
            })
            .collect()
    }

    /// The task index's HTML: `tasks.html` rendered around a marker, the
    /// rows put in its place, so the largest page of a site is held once
    /// rather than copied into a Tera value and an output buffer.
    fn task_index(&self, lang: LangId) -> Result<Vec<u8>, Box<Diagnostic>> {
        let site = self.site;
        let cx = self.task_index_context(lang);
        let frame = self.render_template("tasks.html", &cx)?;
        let Some((head, tail)) = frame.split_once(ROWS_MARKER) else {
            // A site's own template that does not show the rows.
            return Ok(frame.into_bytes());
        };
        let tasks = &site.playbook().lang(lang).tasks;
        // More than a row of the benchmark's tables takes (about 360
        // bytes): one allocation, and pages never written cost no memory.
        let mut html = String::with_capacity(head.len() + tasks.len() * 480 + tail.len());
        html.push_str(head);
        let from = tasks_dir(&site.config.language(lang).code);
        for task in tasks.iter().filter_map(|&t| site.task(t)) {
            push_task_row(&mut html, &self.task_row(&from, task), cx.frame.language.ui);
        }
        html.push_str(tail);
        Ok(html.into_bytes())
    }

    fn task_index_context(&self, lang: LangId) -> TaskIndexContext<'a> {
        let site = self.site;
        let count = site
            .playbook()
            .lang(lang)
            .tasks
            .iter()
            .filter(|&&t| site.task(t).is_some())
            .count();
        TaskIndexContext {
            frame: self.generated_frame(lang, tasks_dir, "tasks"),
            rows: ROWS_MARKER,
            count,
            json_href: "../tasks.json",
            csv_href: "../tasks.csv",
        }
    }

    fn task_row(&self, from: &str, task: Task<'a>) -> TaskRow<'a> {
        let page = self.site.page(task.page);
        let page_href = paths::relative_url(from, &page.url, self.form);
        TaskRow {
            id: task.id,
            href: match &task.anchor {
                Some(anchor) => format!("{page_href}#{anchor}"),
                None => page_href.clone(),
            },
            name: task.name.unwrap_or(""),
            req: task.requirement.map(|r| r.class()),
            req_label: task.requirement_label.unwrap_or(""),
            role: task.role.unwrap_or(""),
            services: task.services.unwrap_or(""),
            phase: task.phase.unwrap_or(""),
            page: &page.heading,
            page_href,
        }
    }

    fn phases_context(&self, lang: LangId) -> PhasesContext<'a> {
        let site = self.site;
        let language = site.config.language(lang);
        let from = phases_dir(&language.code);
        let phases = site
            .playbook()
            .lang(lang)
            .phases
            .iter()
            .map(|phase| {
                let counts = site.task_counts(&phase.pages);
                PhaseContext {
                    name: &phase.name,
                    mandatory: counts.mandatory,
                    optional: counts.optional,
                    processes: phase
                        .pages
                        .iter()
                        .map(|&p| self.process(&from, p))
                        .collect(),
                }
            })
            .collect();
        PhasesContext {
            frame: self.generated_frame(lang, phases_dir, "phases"),
            phases,
        }
    }

    /// The frame of language `lang`'s generated page in `dir` (`current`:
    /// which of the playbook links it is).
    fn generated_frame(
        &self,
        lang: LangId,
        dir: fn(&str) -> String,
        current: &'static str,
    ) -> GeneratedFrame<'a> {
        let site = self.site;
        let language = site.config.language(lang);
        let from = dir(&language.code);
        let mut tools = self.tools(lang, &from);
        tools.current = Some(current);
        GeneratedFrame {
            language: self.language_frame(lang, &from),
            canonical: self.absolute_url(&from),
            alternates: self.alternates(&hreflang::of_generated(site, self.languages(), dir)),
            switcher: self.generated_switcher(lang, dir),
            tools,
        }
    }

    fn process(&self, from: &str, id: PageId) -> ProcessContext<'a> {
        let page = self.site.page(id);
        let counts = self.site.task_counts(&[id]);
        ProcessContext {
            title: &page.heading,
            href: paths::relative_url(from, &page.url, self.form),
            mandatory: counts.mandatory,
            optional: counts.optional,
        }
    }

    /// The language's tasks in the export's shape, in index order.
    fn export_rows(&self, lang: LangId) -> impl Iterator<Item = ExportRow<'a>> + '_ {
        let site = self.site;
        site.playbook()
            .lang(lang)
            .tasks
            .iter()
            .filter_map(|&t| site.task(t))
            .map(|t| {
                let page = site.page(t.page);
                let url = self.absolute_url(&page.url);
                ExportRow {
                    id: t.id,
                    name: t.name,
                    requirement: t.requirement.map(|r| r.class()),
                    requirement_label: t.requirement_label,
                    role: t.role,
                    services: t.services,
                    phase: t.phase,
                    page: page.key.as_str(),
                    url: match &t.anchor {
                        Some(anchor) => format!("{url}#{anchor}"),
                        None => url,
                    },
                    anchor: t.anchor,
                    file: site.config.source_path(t.file),
                    line: t.line,
                }
            })
    }

    /// `tasks.json`: `{"language": …, "tasks": [ … ]}`, one task a line.
    fn tasks_json(&self, lang: LangId) -> Vec<u8> {
        let code = &self.site.config.language(lang).code;
        let tasks = self.site.playbook().lang(lang).tasks.len();
        // About what a task takes: one allocation.
        let mut out = Vec::with_capacity(64 + tasks * 480);
        out.extend_from_slice(b"{\"language\":");
        let _ = serde_json::to_writer(&mut out, code);
        out.extend_from_slice(b",\"tasks\":[");
        for (i, row) in self.export_rows(lang).enumerate() {
            out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            let _ = serde_json::to_writer(&mut out, &row);
        }
        out.extend_from_slice(b"\n]}\n");
        out
    }

    /// `tasks.csv`: the JSON's columns, UTF-8 with a byte-order mark,
    /// RFC 4180 (CRLF line ends, fields quoted when they need it).
    fn tasks_csv(&self, lang: LangId) -> Vec<u8> {
        let tasks = self.site.playbook().lang(lang).tasks.len();
        let mut out = String::with_capacity(128 + tasks * 320);
        out.push('\u{feff}');
        out.push_str(&CSV_COLUMNS.join(","));
        out.push_str("\r\n");
        for row in self.export_rows(lang) {
            let line = row.line.to_string();
            let fields = [
                row.id,
                row.name.unwrap_or(""),
                row.requirement.unwrap_or(""),
                row.requirement_label.unwrap_or(""),
                row.role.unwrap_or(""),
                row.services.unwrap_or(""),
                row.phase.unwrap_or(""),
                row.page,
                &row.url,
                row.anchor.as_deref().unwrap_or(""),
                &row.file,
                &line,
            ];
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                csv_field(&mut out, field);
            }
            out.push_str("\r\n");
        }
        out.into_bytes()
    }
}

/// Appends one `<tr>` of the task index, every value escaped.
fn push_task_row(out: &mut String, row: &TaskRow<'_>, ui: &Strings) {
    use crate::html::push_escaped;
    out.push_str("\n  <tr");
    if let Some(req) = row.req {
        out.push_str(" data-req=\"");
        out.push_str(req);
        out.push('"');
    }
    out.push_str("><td><a href=\"");
    push_escaped(out, &row.href);
    out.push_str("\">");
    push_escaped(out, row.id);
    out.push_str("</a></td><td>");
    push_escaped(out, row.name);
    out.push_str("</td><td");
    if let Some(req) = row.req {
        let title = if req == "mandatory" {
            ui.mandatory
        } else {
            ui.optional
        };
        out.push_str(" class=\"task-requirement task-");
        out.push_str(req);
        out.push_str("\" title=\"");
        push_escaped(out, title);
        out.push('"');
    }
    out.push('>');
    push_escaped(out, row.req_label);
    for cell in [row.role, row.services, row.phase] {
        out.push_str("</td><td>");
        push_escaped(out, cell);
    }
    out.push_str("</td><td><a href=\"");
    push_escaped(out, &row.page_href);
    out.push_str("\">");
    push_escaped(out, row.page);
    out.push_str("</a></td></tr>");
}

/// The columns of both exports, in order.
const CSV_COLUMNS: [&str; 12] = [
    "id",
    "name",
    "requirement",
    "requirement_label",
    "role",
    "services",
    "phase",
    "page",
    "url",
    "anchor",
    "file",
    "line",
];

/// One task of an export (the README's contract).
#[derive(Serialize)]
struct ExportRow<'a> {
    id: &'a str,
    name: Option<&'a str>,
    requirement: Option<&'static str>,
    requirement_label: Option<&'a str>,
    role: Option<&'a str>,
    services: Option<&'a str>,
    phase: Option<&'a str>,
    page: &'a str,
    url: String,
    anchor: Option<String>,
    file: String,
    line: u32,
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a
/// line break (quotes doubled). A field a spreadsheet would read as a
/// formula (`=`, `+`, `-`, `@` followed by more) gets a leading `'`, as
/// OWASP advises: task tables come from pull requests.
fn csv_field(out: &mut String, field: &str) {
    let formula = field.len() > 1 && field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = formula
        || field
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    let mut pieces = field.split('"');
    out.push_str(pieces.next().unwrap_or_default());
    for piece in pieces {
        out.push_str("\"\"");
        out.push_str(piece);
    }
    if quoted {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::{TaskRow, csv_field, push_task_row};

    #[test]
    fn a_task_row_escapes_every_value() {
        let evil = "<script>alert(\"x\")</script>&'";
        let row = TaskRow {
            id: evil,
            href: format!("../a/#{evil}"),
            name: evil,
            req: Some("optional"),
            req_label: evil,
            role: evil,
            services: evil,
            phase: evil,
            page: evil,
            page_href: evil.to_string(),
        };
        let mut out = String::new();
        push_task_row(&mut out, &row, crate::i18n::strings("de"));
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("\"x\""), "{out}");
        assert_eq!(out.matches("&lt;script&gt;").count(), 9, "{out}");
        assert!(out.starts_with("\n  <tr data-req=\"optional\"><td><a href=\"../a/#&lt;"));
        assert!(out.contains(" class=\"task-requirement task-optional\" title=\"Optional\">"));
        assert!(out.ends_with("</a></td></tr>"));
    }

    fn csv(field: &str) -> String {
        let mut out = String::new();
        csv_field(&mut out, field);
        out
    }

    #[test]
    fn csv_fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(csv("Kickoff"), "Kickoff");
        assert_eq!(csv(""), "");
        assert_eq!(csv("Exchange, Teams"), "\"Exchange, Teams\"");
        assert_eq!(csv("the \"RACI\" matrix"), "\"the \"\"RACI\"\" matrix\"");
        assert_eq!(csv("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv("cr\rlf"), "\"cr\rlf\"");
        assert_eq!(csv("Kundenbesprechung ändern"), "Kundenbesprechung ändern");
        assert_eq!(csv("開始"), "開始");
        assert_eq!(csv(" spaced "), " spaced ");
    }

    #[test]
    fn csv_fields_that_start_a_formula_are_defused() {
        assert_eq!(csv("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv("+1"), "\"'+1\"");
        assert_eq!(csv("@SUM(A1)"), "\"'@SUM(A1)\"");
        // A lone dash (a role left empty) is no formula.
        assert_eq!(csv("-"), "-");
        assert_eq!(csv("-2+3"), "\"'-2+3\"");
    }
}
