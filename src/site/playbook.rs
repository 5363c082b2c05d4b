//! The playbook the pages describe, understood once in the resolve step:
//! each page's phase, each language's phases in toc order with their
//! processes and task counts, and each language's tasks with the role and
//! services they fall back to from their section. Render (task index,
//! exports, phase overview, "last updated") reads it from here.

use super::nav::NavLink;
use super::{PageId, Site};
use crate::config::LangId;
use crate::content::front_matter::Date;
use crate::markdown::playbook::{Fact, FactKind};
use crate::markdown::table::{Requirement, TaskField, TaskRow, TaskTable};
use crate::markdown::{Document, Heading};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

/// Where a page's phase comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum PhaseSource {
    /// `phase:` in the front matter.
    FrontMatter,
    /// A `Phase: **…**` line.
    Body,
    /// The `toc.yml` entry the page is listed under.
    Toc,
}

/// The site's playbook, one part per language.
#[derive(Clone, Debug, Default)]
pub(crate) struct Playbook {
    /// By page: its phase (an index into its language's `phases`) and
    /// where it comes from.
    page_phases: Vec<Option<(u32, PhaseSource)>>,
    /// By [`LangId`].
    langs: Vec<LangPlaybook>,
    /// Some page has a task table: every language gets a task index.
    has_tasks: bool,
    /// Some page names its phase: every language gets a phase overview.
    has_phases: bool,
}

/// One language's phases and tasks.
#[derive(Clone, Debug, Default)]
pub(crate) struct LangPlaybook {
    /// In toc order: the order their first pages appear in.
    pub(crate) phases: Vec<Phase>,
    /// Every task of the language's published pages, pages in toc order
    /// (then pages no toc lists, in path order), rows in page order.
    pub(crate) tasks: Vec<TaskRef>,
}

/// A phase and its processes (the pages in it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Phase {
    pub(crate) name: String,
    pub(crate) pages: Vec<PageId>,
}

/// One task: a row of a task table of a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TaskRef {
    pub(crate) page: PageId,
    table: u32,
    row: u32,
}

/// A task as the index and the exports show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Task<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: Option<&'a str>,
    pub(crate) requirement: Option<Requirement>,
    /// The requirement cell as written (German `E`, Portuguese `b`).
    pub(crate) requirement_label: Option<&'a str>,
    /// The role cell, else the section's primary role.
    pub(crate) role: Option<&'a str>,
    /// The services cell, else what the section applies to.
    pub(crate) services: Option<&'a str>,
    pub(crate) phase: Option<&'a str>,
    pub(crate) page: PageId,
    /// The row's id (`task-3979`), when it has one (a unique number).
    pub(crate) anchor: Option<String>,
    /// Content-relative path of the file the row is written in.
    pub(crate) file: &'a str,
    pub(crate) line: u32,
}

/// Mandatory and optional tasks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) mandatory: u32,
    pub(crate) optional: u32,
}

impl Playbook {
    /// Every language gets a task index and exports.
    pub(crate) fn has_tasks(&self) -> bool {
        self.has_tasks
    }

    /// Every language gets a phase overview.
    pub(crate) fn has_phases(&self) -> bool {
        self.has_phases
    }

    /// One language's phases and tasks.
    pub(crate) fn lang(&self, lang: LangId) -> &LangPlaybook {
        static EMPTY: LangPlaybook = LangPlaybook {
            phases: Vec::new(),
            tasks: Vec::new(),
        };
        self.langs.get(lang.index()).unwrap_or(&EMPTY)
    }
}

impl Site {
    /// The playbook the pages describe.
    pub(crate) fn playbook(&self) -> &Playbook {
        &self.playbook
    }

    /// A page's phase and where it comes from.
    pub(crate) fn phase(&self, id: PageId) -> Option<(&str, PhaseSource)> {
        let (index, source) = (*self.playbook.page_phases.get(id.0)?)?;
        let phases = &self.playbook.lang(self.page(id).lang).phases;
        Some((phases.get(index as usize)?.name.as_str(), source))
    }

    /// When the page was last updated: the front matter's date, else the
    /// newest date of its refresh-summary table.
    pub(crate) fn updated(&self, id: PageId) -> Option<Date> {
        self.source(id)
            .date
            .or_else(|| self.page(id).doc.history.and_then(|h| h.newest))
    }

    /// A task of this site.
    pub(crate) fn task(&self, task: TaskRef) -> Option<Task<'_>> {
        let page = self.page(task.page);
        let table = page.doc.tasks.get(task.table as usize)?;
        let row = table.rows.get(task.row as usize)?;
        let field = |f: TaskField| row.field(f).filter(|s| !s.trim().is_empty());
        let section = |kind: FactKind| section_fact(&page.doc, table, kind);
        Some(Task {
            id: row.id(),
            name: field(TaskField::Name),
            requirement: row.class,
            requirement_label: field(TaskField::Requirement),
            role: field(TaskField::Role).or_else(|| section(FactKind::Role)),
            services: field(TaskField::Services).or_else(|| section(FactKind::AppliesTo)),
            phase: self.phase(task.page).map(|(name, _)| name),
            page: task.page,
            anchor: row.anchored.then(|| format!("task-{}", row.id())),
            file: page.doc.files.get(usize::from(row.pos.file))?,
            line: row.pos.line,
        })
    }

    /// Mandatory and optional tasks of some pages.
    pub(crate) fn task_counts(&self, pages: &[PageId]) -> Counts {
        let mut counts = Counts::default();
        for &id in pages {
            for row in self.page(id).doc.tasks.iter().flat_map(|t| &t.rows) {
                match row.class {
                    Some(Requirement::Mandatory) => counts.mandatory += 1,
                    Some(Requirement::Optional) => counts.optional += 1,
                    None => {}
                }
            }
        }
        counts
    }
}

/// The value of the nearest `kind` line above a table: in its section, or
/// the section that section is part of, and so on up.
fn section_fact<'d>(doc: &'d Document, table: &TaskTable, kind: FactKind) -> Option<&'d str> {
    let facts: Vec<&Fact> = doc.facts.iter().filter(|f| f.kind == kind).collect();
    if facts.is_empty() {
        return None;
    }
    let value = |section: Option<u32>| {
        facts
            .iter()
            .find(|f| f.section == section)
            .map(|f| &*f.value)
            .filter(|v| v.chars().any(char::is_alphanumeric))
    };
    let Some(mut at) = table.section else {
        return value(None);
    };
    let mut level = u8::MAX;
    loop {
        let heading: &Heading = doc.headings.get(at as usize)?;
        if heading.level < level {
            level = heading.level;
            if let Some(v) = value(Some(at)) {
                return Some(v);
            }
        }
        if at == 0 {
            return value(None);
        }
        at -= 1;
    }
}

/// Builds the playbook of a resolved site (navigation built).
pub(crate) fn build(site: &Site) -> Playbook {
    let mut playbook = Playbook {
        page_phases: vec![None; site.pages.len()],
        langs: vec![LangPlaybook::default(); site.config.language_count()],
        has_tasks: false,
        has_phases: false,
    };
    let (has_tasks, has_phases) = wanted(site);
    playbook.has_tasks = has_tasks;
    playbook.has_phases = has_phases;
    for (lang, _) in site.config.languages() {
        let order = page_order(site, lang);
        let part = &mut playbook.langs[lang.index()];
        let mut by_name: HashMap<String, u32> = HashMap::new();
        for &id in &order {
            if let Some((name, source)) = page_phase(site, id) {
                let next = u32::try_from(part.phases.len()).unwrap_or(u32::MAX);
                let index = *by_name.entry(name.to_string()).or_insert(next);
                if index == next {
                    part.phases.push(Phase {
                        name: name.to_string(),
                        pages: Vec::new(),
                    });
                }
                if let Some(phase) = part.phases.get_mut(index as usize) {
                    phase.pages.push(id);
                }
                playbook.page_phases[id.0] = Some((index, source));
            }
            part.tasks.extend(task_refs(id, &site.page(id).doc));
        }
    }
    playbook
}

/// Whether the site has task tables, and pages that name their phase:
/// what decides which of Folio's playbook files it gets (also before
/// navigation is built, for `collisions`).
pub(crate) fn wanted(site: &Site) -> (bool, bool) {
    let has_tasks = site.pages.iter().any(|p| !p.doc.tasks.is_empty());
    let has_phases = site.pages().any(|(id, p)| {
        p.doc.facts.iter().any(|f| f.kind == FactKind::Phase)
            || site.source(id).front_matter.text("phase").is_some()
    });
    (has_tasks, has_phases)
}

/// Folio's playbook files of a site (output path, what it is), for
/// `collisions`.
pub(crate) fn claims(site: &Site) -> Vec<(String, String)> {
    let (has_tasks, has_phases) = wanted(site);
    let mut claims = Vec::new();
    for lang in site.languages_in_use() {
        let code = &site.config.language(lang).code;
        if has_tasks {
            for file in ["tasks/index.html", "tasks.json", "tasks.csv"] {
                claims.push((
                    format!("{code}/{file}"),
                    format!("Folio's task index of `{code}`"),
                ));
            }
        }
        if has_phases {
            claims.push((
                format!("{code}/phases/index.html"),
                format!("Folio's phase overview of `{code}`"),
            ));
        }
    }
    claims
}

/// Every task row of a page.
fn task_refs(page: PageId, doc: &Document) -> impl Iterator<Item = TaskRef> + '_ {
    doc.tasks.iter().enumerate().flat_map(move |(t, table)| {
        (0..table.rows.len()).map(move |r| TaskRef {
            page,
            table: u32::try_from(t).unwrap_or(u32::MAX),
            row: u32::try_from(r).unwrap_or(u32::MAX),
        })
    })
}

/// A page's phase: front matter `phase:`, else its first `Phase: **…**`
/// line, else the toc entry it is listed under.
fn page_phase(site: &Site, id: PageId) -> Option<(String, PhaseSource)> {
    let page = site.page(id);
    let written = site
        .source(id)
        .front_matter
        .text("phase")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if let Some(phase) = written {
        return Some((phase, PhaseSource::FrontMatter));
    }
    let line = page
        .doc
        .facts
        .iter()
        .find(|f| f.kind == FactKind::Phase && !f.value.trim().is_empty());
    if let Some(fact) = line {
        return Some((fact.value.trim().to_string(), PhaseSource::Body));
    }
    let nav = site.nav(page.nav?);
    let group = nav.position(id)?.trail.last()?;
    Some((group.title.trim().to_string(), PhaseSource::Toc)).filter(|(t, _)| !t.is_empty())
}

/// A language's published pages in toc order: the language's main
/// navigation first, then its other tocs, then pages no toc lists (in
/// path order).
fn page_order(site: &Site, lang: LangId) -> Vec<PageId> {
    let main = site.main_nav(lang);
    let mut navs: Vec<_> = site.navs().filter(|(_, n)| n.lang == lang).collect();
    navs.sort_by_key(|(_, n)| !main.is_some_and(|m| std::ptr::eq(*n, m)));
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for (_, nav) in navs {
        walk_entries(site, &nav.entries, lang, &mut seen, &mut order);
    }
    for (id, page) in site.published() {
        if page.lang == lang && seen.insert(id) {
            order.push(id);
        }
    }
    order
}

fn walk_entries(
    site: &Site,
    entries: &[super::nav::NavEntry],
    lang: LangId,
    seen: &mut HashSet<PageId>,
    order: &mut Vec<PageId>,
) {
    for e in entries {
        if let NavLink::Page(p) = e.link {
            let page = site.page(p);
            if page.lang == lang && page.published && seen.insert(p) {
                order.push(p);
            }
        }
        walk_entries(site, &e.children, lang, seen, order);
    }
}

/// A digest of what page `id` gives the playbook (its heading, phase,
/// section facts, refresh summary and task rows), so the preview knows
/// when an edit changes the task index, the exports or the phase overview.
pub(crate) fn page_digest(site: &Site, id: PageId) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let page = site.page(id);
    (&page.heading, &page.url, page.published).hash(&mut hasher);
    site.source(id).front_matter.text("phase").hash(&mut hasher);
    hash_doc(&page.doc, &mut hasher);
    hasher.finish()
}

fn hash_doc(doc: &Document, hasher: &mut impl Hasher) {
    for fact in &doc.facts {
        (fact.kind, &fact.value, fact.section).hash(hasher);
    }
    doc.history.map(|h| (h.entries, h.newest)).hash(hasher);
    for table in &doc.tasks {
        table.section.hash(hasher);
        for row in &table.rows {
            hash_row(row, hasher);
        }
    }
}

fn hash_row(row: &TaskRow, hasher: &mut impl Hasher) {
    for field in [
        TaskField::Id,
        TaskField::Name,
        TaskField::Requirement,
        TaskField::Role,
        TaskField::Services,
    ] {
        row.field(field).hash(hasher);
    }
    (row.pos.file, row.pos.line, row.class, row.anchored).hash(hasher);
}

#[cfg(test)]
mod tests;
