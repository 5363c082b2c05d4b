//! From a survey to a plan: where the content is, its languages, what
//! front matter every page has, the task-table labels, what to exclude.
//! Each finding says how sure it is and why.

use super::languages::{self, Naming};
use super::survey::{MdFile, Survey};
use super::tasks::Labels;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

/// How sure `folio init` is of a finding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Sureness {
    #[default]
    Sure,
    Likely,
    Guess,
}

impl fmt::Display for Sureness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sureness::Sure => "sure",
            Sureness::Likely => "likely",
            Sureness::Guess => "a guess",
        })
    }
}

/// One language of the plan.
#[derive(Clone, Debug)]
pub(crate) struct LangPlan {
    pub(crate) code: String,
    pub(crate) name: String,
    /// Content-relative folder; `""`: none (placed by suffix).
    pub(crate) dir: String,
    /// Written only when found; empty: Folio's default (the code).
    pub(crate) suffixes: Vec<String>,
    pub(crate) sure: Sureness,
    pub(crate) why: String,
    /// Pages (translation keys) and how many of them the default language
    /// also has (for the default: how many have a translation).
    pub(crate) pages: usize,
    pub(crate) translated: usize,
}

/// Everything `folio.yml` will say.
#[derive(Clone, Debug, Default)]
pub(crate) struct Plan {
    /// Relative to the folder, `.` for itself.
    pub(crate) content_dir: String,
    pub(crate) content_why: String,
    pub(crate) output_dir: String,
    pub(crate) title: String,
    /// Default language first.
    pub(crate) languages: Vec<LangPlan>,
    pub(crate) default_why: (Sureness, String),
    /// Pages looked at for front matter.
    pub(crate) pages: usize,
    /// Keys on at least 95 % of pages, with their counts.
    pub(crate) required: Vec<(String, usize)>,
    /// The date key, its pages, and how many of them hold a date.
    pub(crate) date_key: Option<(String, usize, usize)>,
    pub(crate) tasks: BTreeMap<String, Labels>,
    /// Archive-like folder names, excluded as `**/name/**`.
    pub(crate) exclude: Vec<String>,
    /// Repository files (`README.md`) at the top of a content folder that
    /// is the whole repository, excluded by name.
    pub(crate) exclude_files: Vec<String>,
    pub(crate) notes: Vec<String>,
}

/// Folder names that hold old pages nobody maintains.
const ARCHIVE_NAMES: &[&str] = &[
    "archive",
    "archives",
    "archived",
    "_archive",
    "old",
    "deprecated",
    "obsolete",
    "retired",
    "backup",
    "backups",
    "unused",
    "trash",
];

fn is_archive(name: &str) -> bool {
    ARCHIVE_NAMES.contains(&name.to_lowercase().as_str())
}

/// A content file: its content-relative path and what the survey read.
pub(crate) struct ContentFile<'a> {
    pub(crate) rel: String,
    pub(crate) file: &'a MdFile,
}

impl ContentFile<'_> {
    /// Under an `includes/` folder: an include, not a page.
    pub(crate) fn is_fragment(&self) -> bool {
        self.rel
            .split('/')
            .rev()
            .skip(1)
            .any(|d| d.eq_ignore_ascii_case("includes"))
    }
}

/// Makes the plan for a folder that holds Markdown.
pub(crate) fn plan(dir: &Path, survey: &Survey) -> Plan {
    let mut plan = Plan::default();
    let (content, why) = content_dir(survey);
    plan.content_dir = if content.is_empty() {
        ".".into()
    } else {
        content.clone()
    };
    plan.content_why = why;
    let prefix = format!("{content}/");
    let dirs: Vec<String> = survey
        .dirs
        .iter()
        .filter_map(|d| {
            if content.is_empty() {
                Some(d.clone())
            } else {
                d.strip_prefix(&prefix).map(str::to_string)
            }
        })
        .collect();
    plan.exclude = dirs
        .iter()
        .filter_map(|d| d.rsplit('/').next())
        .filter(|n| is_archive(n))
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if content.is_empty() {
        plan.exclude_files = survey
            .files
            .iter()
            .filter(|f| super::survey::is_repository_file(&f.rel))
            .map(|f| f.rel.clone())
            .collect();
    }
    let excluded = |rel: &str| {
        rel.split('/')
            .any(|seg| plan.exclude.iter().any(|e| e == seg))
    };
    let files: Vec<ContentFile<'_>> = survey
        .files
        .iter()
        .filter_map(|f| {
            let rel = if content.is_empty() {
                Some(f.rel.as_str())
            } else {
                f.rel.strip_prefix(&prefix)
            };
            rel.map(|rel| ContentFile {
                rel: rel.to_string(),
                file: f,
            })
        })
        .filter(|f| !excluded(&f.rel) && !plan.exclude_files.contains(&f.rel))
        .collect();
    let outside = survey.files.len() - files.len();
    if outside > 0 {
        plan.notes.push(format!(
            "{outside} Markdown {} outside the content folder or in excluded folders {} not read",
            if outside == 1 { "file" } else { "files" },
            if outside == 1 { "is" } else { "are" }
        ));
    }
    plan.languages = find_languages(&dirs, &files, &plan.exclude);
    super::place::settle(&mut plan, &files, dir);
    front_matter(&mut plan, &files);
    plan.output_dir = output_dir(dir, &content);
    if survey.unreadable > 0 {
        plan.notes.push(format!(
            "{} Markdown files could not be read (not UTF-8, or over 8 MiB)",
            survey.unreadable
        ));
    }
    plan
}

/// The folder holding the Markdown: the deepest folder with at least
/// 95 % of it, stopping at language folders and archives.
fn content_dir(survey: &Survey) -> (String, String) {
    let total = survey
        .files
        .iter()
        .filter(|f| !super::survey::is_repository_file(&f.rel))
        .count();
    let mut current = String::new();
    loop {
        let prefix = if current.is_empty() {
            String::new()
        } else {
            format!("{current}/")
        };
        let mut by_child: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &survey.files {
            if let Some(rest) = f.rel.strip_prefix(&prefix) {
                if let Some((child, _)) = rest.split_once('/') {
                    *by_child.entry(child).or_default() += 1;
                }
            }
        }
        let Some((child, n)) = by_child.into_iter().max_by_key(|(_, n)| *n) else {
            break;
        };
        if n * 100 < total * 95 || languages::from_folder(child).is_some() || is_archive(child) {
            break;
        }
        current = format!("{prefix}{child}");
    }
    let why = if current.is_empty() {
        format!("{total} Markdown files, no one folder holds them all")
    } else {
        let inside = survey
            .files
            .iter()
            .filter(|f| f.rel.starts_with(&format!("{current}/")))
            .count();
        format!("{inside} of the {total} Markdown files are in it")
    };
    (current, why)
}

/// Language folders (siblings named after languages), then languages
/// named only by filename suffixes outside them.
fn find_languages(dirs: &[String], files: &[ContentFile<'_>], exclude: &[String]) -> Vec<LangPlan> {
    let mut groups: BTreeMap<&str, Vec<(&str, String, Naming)>> = BTreeMap::new();
    for d in dirs {
        if d.split('/').count() > 3 || d.split('/').any(|s| exclude.iter().any(|e| e == s)) {
            continue;
        }
        let (parent, name) = d.rsplit_once('/').unwrap_or(("", d.as_str()));
        let has_pages = files.iter().any(|f| f.rel.starts_with(&format!("{d}/")));
        if let (Some((code, naming)), true) = (languages::from_folder(name), has_pages) {
            groups
                .entry(parent)
                .or_default()
                .push((d.as_str(), code, naming));
        }
    }
    let best = groups
        .into_values()
        .max_by_key(|g| (g.len(), std::cmp::Reverse(g[0].0.matches('/').count())))
        .unwrap_or_default();
    let alone_by_code = best.len() == 1 && best[0].2 == Naming::Code;
    let mut langs: Vec<LangPlan> = Vec::new();
    for (dir, code, naming) in best {
        if alone_by_code || langs.iter().any(|l| l.code == code) {
            continue;
        }
        let (suffixes, sure, why) = folder_suffixes(dir, &code, files);
        let named = match naming {
            Naming::Name => "the folder is named after it",
            Naming::Code => "the folder is named by its code",
        };
        langs.push(LangPlan {
            name: languages::name_of(&code),
            code,
            dir: dir.to_string(),
            suffixes,
            sure,
            why: format!("{named}; {why}"),
            pages: 0,
            translated: 0,
        });
    }
    suffix_languages(&mut langs, files);
    langs
}

/// Candidate suffixes of a file stem: after the last `-` or `.`, and the
/// last two parts when they form a tag (`zh-hans`).
fn suffix_tokens(stem: &str) -> Vec<String> {
    let lower = stem.to_lowercase();
    let parts: Vec<&str> = lower.split(['-', '.']).collect();
    let mut out = Vec::new();
    if parts.len() >= 2 {
        out.push(parts[parts.len() - 1].to_string());
    }
    if parts.len() >= 3 {
        let two = format!("{}-{}", parts[parts.len() - 2], parts[parts.len() - 1]);
        if languages::from_suffix(&two).is_some() {
            out.push(two);
        }
    }
    out
}

fn stem_of(rel: &str) -> &str {
    crate::content::language::strip_markdown_ext(crate::paths::file_name(rel))
}

/// The suffixes the files of a language folder carry: the one most files
/// end in (when it names the language, or nearly all files carry it), and
/// the language's code as an alias (`jp` → also `ja`).
fn folder_suffixes(
    dir: &str,
    code: &str,
    files: &[ContentFile<'_>],
) -> (Vec<String>, Sureness, String) {
    let inside: Vec<&str> = files
        .iter()
        .filter(|f| f.rel.starts_with(&format!("{dir}/")) && !f.is_fragment())
        .map(|f| stem_of(&f.rel))
        .filter(|s| !s.eq_ignore_ascii_case("index"))
        .collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for stem in &inside {
        for t in suffix_tokens(stem) {
            *counts.entry(t).or_default() += 1;
        }
    }
    let total = inside.len();
    let mut found: Vec<String> = Vec::new();
    let mut sure = Sureness::Sure;
    let mut why = format!("none of its {total} pages (index aside) ends in a language suffix");
    if let Some((top, n)) = counts.iter().max_by_key(|(_, n)| **n) {
        let names_it =
            languages::from_suffix(top).is_some_and(|c| languages::same_language(&c, code));
        let names_other = languages::from_suffix(top).is_some() && !names_it;
        let alphabetic = top.len() <= 4 && top.chars().all(|c| c.is_ascii_alphabetic());
        if (*n * 2 >= total && names_it) || (*n * 5 >= total * 3 && alphabetic && !names_other) {
            found.push(top.clone());
            if !names_it {
                sure = Sureness::Likely;
            }
            why = format!("{n} of its {total} pages (index aside) end in -{top}");
        }
    }
    if !found.is_empty() {
        for t in counts.keys() {
            let alias =
                languages::from_suffix(t).is_some_and(|c| languages::same_language(&c, code));
            if alias && !found.contains(t) {
                found.push(t.clone());
            }
        }
        let code_lower = code.to_ascii_lowercase();
        if !code.contains('-') && !found.contains(&code_lower) {
            found.push(code_lower);
        }
    }
    (found, sure, why)
}

/// Languages that only filename suffixes name (`page.es.md` beside
/// `page.md`, Hugo's way), outside language folders.
fn suffix_languages(langs: &mut Vec<LangPlan>, files: &[ContentFile<'_>]) {
    let in_folder = |rel: &str| {
        langs
            .iter()
            .any(|l| rel.starts_with(&format!("{}/", l.dir)))
    };
    let loose: Vec<&ContentFile<'_>> = files
        .iter()
        .filter(|f| !in_folder(&f.rel) && !f.is_fragment())
        .collect();
    let stems: BTreeSet<String> = loose
        .iter()
        .map(|f| {
            format!(
                "{}/{}",
                crate::paths::parent(&f.rel),
                stem_of(&f.rel).to_lowercase()
            )
        })
        .collect();
    let mut by_code: BTreeMap<String, (BTreeSet<String>, usize, usize)> = BTreeMap::new();
    for f in &loose {
        let stem = stem_of(&f.rel).to_lowercase();
        for t in suffix_tokens(&stem) {
            let Some(code) = languages::from_suffix(&t) else {
                continue;
            };
            let base = &stem[..stem.len() - t.len() - 1];
            let paired = stems.contains(&format!("{}/{base}", crate::paths::parent(&f.rel)));
            let entry = by_code.entry(code).or_default();
            entry.0.insert(t.clone());
            entry.1 += 1;
            entry.2 += usize::from(paired);
        }
    }
    for (code, (suffixes, n, pairs)) in by_code {
        if pairs == 0
            || langs
                .iter()
                .any(|l| languages::same_language(&l.code, &code))
        {
            continue;
        }
        langs.push(LangPlan {
            name: languages::name_of(&code),
            suffixes: suffixes.into_iter().collect(),
            why: format!(
                "{n} files carry its suffix, {pairs} of them beside the same page without it"
            ),
            sure: if pairs >= 2 {
                Sureness::Sure
            } else {
                Sureness::Likely
            },
            code,
            dir: String::new(),
            pages: 0,
            translated: 0,
        });
    }
}

/// Keys on at least 95 % of pages, and the key that holds their dates.
fn front_matter(plan: &mut Plan, files: &[ContentFile<'_>]) {
    let pages: Vec<&ContentFile<'_>> = files.iter().filter(|f| !f.is_fragment()).collect();
    plan.pages = pages.len();
    let mut present: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for p in &pages {
        for (key, is_date) in &p.file.keys {
            let e = present.entry(key).or_default();
            e.0 += 1;
            e.1 += usize::from(*is_date);
        }
    }
    let mut required: Vec<(String, usize)> = present
        .iter()
        .filter(|(_, (n, _))| *n * 100 >= pages.len() * 95 && *n > 0)
        .map(|(k, (n, _))| (k.to_string(), *n))
        .collect();
    required.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    plan.required = required;
    const DATE_KEYS: &[&str] = &[
        "ms.date",
        "date",
        "lastmod",
        "last_modified",
        "updated",
        "modified",
    ];
    plan.date_key = present
        .iter()
        .filter(|(_, (n, dates))| *n * 2 >= pages.len() && *dates * 10 >= *n * 9)
        .max_by_key(|(k, (n, _))| {
            (
                *n,
                std::cmp::Reverse(DATE_KEYS.iter().position(|d| d == *k).unwrap_or(99)),
            )
        })
        .map(|(k, (n, dates))| (k.to_string(), *n, *dates));
}

/// `public` (or `_site`) when free: missing, empty or Folio's own.
fn output_dir(dir: &Path, _content: &str) -> String {
    for name in ["public", "_site", "folio-site"] {
        let path = dir.join(name);
        let free = !path.exists()
            || path.join(crate::paths::OUTPUT_MARKER).is_file()
            || std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if free {
            return name.to_string();
        }
    }
    "folio-site".to_string()
}

/// The title: the default language's home page's, else the folder's name.
pub(crate) fn title(dir: &Path, home: Option<&MdFile>) -> String {
    home.and_then(|f| f.title.clone()).unwrap_or_else(|| {
        crate::paths::real_path(dir)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Playbook".into())
    })
}
