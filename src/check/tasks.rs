//! Task tables: shape, IDs, requirement values, and agreement between a
//! translation and its default-language page.

use crate::config::TaskLabels;
use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::table::label_matches;
use crate::markdown::{TaskRow, TaskTable};
use crate::site::{PageId, Site};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};

/// A requirement after mapping the language's values (German `E` is `M`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Requirement {
    Mandatory,
    Optional,
}

pub(crate) fn check(site: &Site, out: &mut Vec<Diagnostic>) {
    let found: Vec<Vec<Diagnostic>> = site
        .par_pages()
        .map(|(id, _)| {
            let mut found = Vec::new();
            check_page(site, id, &mut found);
            compare_with_original(site, id, &mut found);
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
}

/// Shape, IDs and requirement values of one page's tables.
pub(super) fn check_page(site: &Site, id: PageId, out: &mut Vec<Diagnostic>) {
    let page = site.page(id);
    // Task IDs are unique across all task tables of the page.
    let mut seen = HashSet::new();
    for table in &page.doc.tasks {
        let labels = site.config.tasks.get(&table.labels);
        for row in &table.rows {
            let diag = |code: Code, message: String| {
                Diagnostic::new(
                    code,
                    site.config
                        .source_path(&page.doc.files[row.pos.file as usize]),
                    message,
                )
                .at(row.pos.line, row.pos.column)
            };
            if row.source_cells != table.header_cells {
                out.push(
                    diag(
                        Code::TaskColumns,
                        format!(
                            "this row has {} cells but the header has {}",
                            row.source_cells, table.header_cells
                        ),
                    )
                    .hint("add or remove `|` separators so every row matches the header"),
                );
            }
            out.extend(check_id(row.id().trim(), &mut seen, &diag));
            if let (Some(value), Some(labels)) = (row.requirement(), labels) {
                if requirement(labels, value).is_none() {
                    out.push(bad_requirement(value, labels, &table.labels, &diag));
                }
            }
        }
    }
}

/// `task-id` for an empty or non-numeric ID, `task-duplicate` for one
/// already `seen` on the page.
fn check_id(
    task_id: &str,
    seen: &mut HashSet<String>,
    diag: &dyn Fn(Code, String) -> Diagnostic,
) -> Option<Diagnostic> {
    if task_id.is_empty() {
        Some(diag(Code::TaskId, "the task ID cell is empty".into()).hint("write the task's number"))
    } else if !task_id.chars().all(|c| c.is_ascii_digit()) {
        Some(diag(Code::TaskId, format!("task ID `{task_id}` is not a number")).target(task_id))
    } else if !seen.insert(task_id.to_string()) {
        Some(
            diag(
                Code::TaskDuplicate,
                format!("task {task_id} is listed twice on this page"),
            )
            .target(task_id),
        )
    } else {
        None
    }
}

/// `task-requirement`: the value is none of the language's labels.
fn bad_requirement(
    value: &str,
    labels: &TaskLabels,
    language: &str,
    diag: &dyn Fn(Code, String) -> Diagnostic,
) -> Diagnostic {
    let allowed: Vec<&str> = labels
        .mandatory
        .iter()
        .chain(&labels.optional)
        .map(String::as_str)
        .collect();
    diag(
        Code::TaskRequirement,
        if value.trim().is_empty() {
            "the requirement cell is empty".to_string()
        } else {
            format!(
                "requirement `{}` is not one of {}",
                value.trim(),
                allowed.join(", ")
            )
        },
    )
    .hint(format!(
        "use {} (the `{language}` labels in folio.yml)",
        allowed.join(" or ")
    ))
}

fn requirement(labels: &TaskLabels, value: &str) -> Option<Requirement> {
    if labels.mandatory.iter().any(|m| label_matches(value, m)) {
        Some(Requirement::Mandatory)
    } else if labels.optional.iter().any(|o| label_matches(value, o)) {
        Some(Requirement::Optional)
    } else {
        None
    }
}

/// Task ID → (row, requirement if known), first occurrence.
fn tasks_of<'a>(
    site: &Site,
    tables: &'a [TaskTable],
) -> BTreeMap<&'a str, (&'a TaskRow, Option<Requirement>)> {
    let mut map = BTreeMap::new();
    for table in tables {
        let labels = site.config.tasks.get(&table.labels);
        for row in &table.rows {
            let id = row.id().trim();
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            let req = match (labels, row.requirement()) {
                (Some(l), Some(v)) => requirement(l, v),
                _ => None,
            };
            map.entry(id).or_insert((row, req));
        }
    }
    map
}

pub(super) fn compare_with_original(site: &Site, id: PageId, out: &mut Vec<Diagnostic>) {
    let page = &site.page(id);
    let default = site.config.default_language;
    if page.lang == default || !page.published {
        return;
    }
    let Some(original) = site.published_translation(&page.key, default) else {
        return;
    };
    let original_tasks = tasks_of(site, &site.page(original).doc.tasks);
    let ours = tasks_of(site, &page.doc.tasks);
    if original_tasks.is_empty() && ours.is_empty() {
        return;
    }
    let original_path = &site.source(original).path;
    let file = |row: &TaskRow| {
        site.config
            .source_path(&page.doc.files[row.pos.file as usize])
    };
    for (task, (row, req)) in &ours {
        match original_tasks.get(task) {
            None => out.push(
                Diagnostic::new(
                    Code::TaskMissing,
                    file(row),
                    format!("task {task} is not in `{original_path}`"),
                )
                .at(row.pos.line, row.pos.column)
                .target(*task),
            ),
            Some((_, theirs)) => {
                if let (Some(a), Some(b)) = (req, theirs) {
                    if a != b {
                        out.push(
                            Diagnostic::new(
                                Code::TaskMismatch,
                                file(row),
                                format!(
                                    "task {task} is {} here but {} in `{original_path}`",
                                    name(*a),
                                    name(*b)
                                ),
                            )
                            .at(row.pos.line, row.pos.column)
                            .target(*task),
                        );
                    }
                }
            }
        }
    }
    let first_table = page
        .doc
        .tasks
        .first()
        .map(|t| (t.pos.line, t.pos.column))
        .unwrap_or((1, 1));
    for (task, (row, _)) in &original_tasks {
        if !ours.contains_key(task) {
            out.push(
                Diagnostic::new(
                    Code::TaskMissing,
                    site.config.source_path(&site.source(id).path),
                    format!("task {task} of `{original_path}` (line {}) is missing from this translation", row.pos.line),
                )
                .at(first_table.0, first_table.1)
                .target(*task),
            );
        }
    }
}

fn name(r: Requirement) -> &'static str {
    match r {
        Requirement::Mandatory => "mandatory",
        Requirement::Optional => "optional",
    }
}
