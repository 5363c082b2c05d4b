//! Properties of every build, over random small sites (proptest): pages
//! in language folders and with language suffixes, nested folders,
//! headings with duplicates, Unicode, punctuation and ids the templates
//! use, links between pages with `../`, anchors and missing targets,
//! includes and images. The real build (`folio::build`) writes each site
//! twice, and:
//!
//! 1. the two builds are byte-identical (and report the same);
//! 2. no id is written twice on one page, template ids included;
//! 3. every relative `href`/`src` (and its `#fragment`) leads to a file
//!    the build wrote (and an id in it), or a diagnostic names the line
//!    of a source file that writes it;
//! 4. everything written is a plain file or folder inside the output
//!    folder, and nothing is written anywhere else in the site.
//!
//! 32 cases (`PROPTEST_CASES` raises them), so the file runs
//! in seconds.

mod common;

use common::TempSite;
use common::html::{Built, percent_decode, relative_target, start_tags};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const CONFIG: &str = "title: Properties\nlanguages:\n  - { code: en, name: English, dir: en }\n  - { code: es, name: Español, dir: es, suffixes: [es] }\n";

/// Headings: repeats, Unicode, punctuation only, ids the templates use,
/// `{#id}` attributes (also clashing ones), a footnote-like text.
const HEADINGS: &[&str] = &[
    "Intro",
    "Intro",
    "Guía de red",
    "概要",
    "C++ & C#?",
    "Folio main",
    "folio-nav",
    "½ half",
    "!!!",
    "fn 1",
    "Setup {#setup}",
    "Other {#intro}",
    "Task-1",
    "a_b -- c",
    "Ünïcödé ÀÉ",
];

/// Link destinations, relative to whatever page or include writes them:
/// pages that may or may not exist, `../` that may leave the content
/// folder, anchors, folders, assets, suffixed translations.
const DESTS: &[&str] = &[
    "intro.md",
    "../intro.md",
    "a/intro.md",
    "a/b/x.md",
    "../../index.md",
    "guía.md#guía-de-red",
    "intro.md#intro-1",
    "#setup",
    "#folio-main",
    "#intro",
    "#top",
    "missing.md",
    "../missing/x.md#y",
    "a/",
    "../",
    "./",
    "set up.md",
    "media/pic.png",
    "../media/pic.png",
    "intro-es.md",
    "../es/intro.md",
    "../../../../outside.md",
    "x.md?tab=1#intro",
    "index.md#nowhere",
];

const NAMES: &[&str] = &["index", "intro", "guía", "set up", "x"];
const FOLDERS: &[&str] = &["en/", "es/", ""];
const NESTING: &[&str] = &["", "a/", "a/b/"];
const SUFFIXES: &[&str] = &["", "-es", ".es"];
/// Include files, and how a page (at any depth) may name them.
const FRAGMENTS: &[&str] = &["en/includes/inc.md", "includes/common.md"];
const INCLUDES: &[&str] = &[
    "includes/inc.md",
    "../includes/inc.md",
    "includes/common.md",
    "../includes/common.md",
    "../../includes/common.md",
];

/// One block of Markdown.
#[derive(Clone, Debug)]
enum Block {
    Heading(usize, &'static str),
    Link(&'static str),
    Image(&'static str),
    Include(&'static str),
    /// Raw HTML with an id the page may have already.
    RawId(&'static str),
    /// A footnote reference and its definition (labels repeat).
    Footnote(&'static str),
    /// A task table with one row (ids repeat).
    Task(&'static str),
    Text,
}

const RAW_IDS: &[&str] = &[
    "setup",
    "intro",
    "folio-main",
    "folio-otp",
    "fn:1",
    "x",
    "task-1",
];
const FOOTNOTES: &[&str] = &["1", "a", "A"];
const TASKS: &[&str] = &["1", "2", "x"];

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        3 => (1..=3usize, proptest::sample::select(HEADINGS)).prop_map(|(l, t)| Block::Heading(l, t)),
        4 => proptest::sample::select(DESTS).prop_map(Block::Link),
        1 => proptest::sample::select(&["media/pic.png", "../media/pic.png", "nope.png"][..]).prop_map(Block::Image),
        1 => proptest::sample::select(INCLUDES).prop_map(Block::Include),
        1 => proptest::sample::select(RAW_IDS).prop_map(Block::RawId),
        1 => proptest::sample::select(FOOTNOTES).prop_map(Block::Footnote),
        1 => proptest::sample::select(TASKS).prop_map(Block::Task),
        1 => Just(Block::Text),
    ]
}

fn markdown(blocks: &[Block]) -> String {
    let mut text = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, t) => text.push_str(&format!("{} {t}\n", "#".repeat(*level))),
            Block::Link(d) => text.push_str(&format!("See [the link](<{d}>).\n")),
            Block::Image(d) => text.push_str(&format!("![a picture](<{d}>)\n")),
            Block::Include(d) => text.push_str(&format!("[!INCLUDE [shared]({d})]\n")),
            Block::RawId(id) => text.push_str(&format!("<div id=\"{id}\">raw</div>\n")),
            Block::Footnote(l) => text.push_str(&format!("Noted[^{l}].\n\n[^{l}]: The note.\n")),
            Block::Task(id) => text.push_str(&format!(
                "| Task ID | Task Name | (M)andatory / (O)ptional |\n|---|---|---|\n| {id} | Do | M |\n"
            )),
            Block::Text => text.push_str("Plain *text*.\n"),
        }
        text.push('\n');
    }
    text
}

fn page_path() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(FOLDERS),
        proptest::sample::select(NESTING),
        proptest::sample::select(NAMES),
        proptest::sample::select(SUFFIXES),
    )
        .prop_map(|(f, n, name, s)| format!("{f}{n}{name}{s}.md"))
}

/// A site: content-relative path → Markdown (pages, and the include
/// files, which include nothing themselves).
fn site() -> impl Strategy<Value = BTreeMap<String, String>> {
    let page = (
        page_path(),
        any::<bool>(),
        proptest::collection::vec(block(), 0..8),
    )
        .prop_map(|(path, title, blocks)| {
            let front = if title { "---\ntitle: T\n---\n" } else { "" };
            (path, format!("{front}{}", markdown(&blocks)))
        });
    let fragment = proptest::collection::vec(block(), 0..4).prop_map(|blocks| {
        let blocks: Vec<Block> = blocks
            .into_iter()
            .filter(|b| !matches!(b, Block::Include(_)))
            .collect();
        markdown(&blocks)
    });
    (
        proptest::collection::vec(page, 1..7),
        proptest::collection::vec(fragment, FRAGMENTS.len()),
        proptest::option::of(toc()),
    )
        .prop_map(|(pages, fragments, toc)| {
            let mut files: BTreeMap<String, String> = pages.into_iter().collect();
            for (path, text) in FRAGMENTS.iter().zip(fragments) {
                files.insert(path.to_string(), text);
            }
            if let Some(toc) = toc {
                files.insert("en/toc.yml".into(), toc);
            }
            files
        })
}

/// A `toc.yml` whose entries (some nested) link where pages link.
fn toc() -> impl Strategy<Value = String> {
    let entry = (proptest::sample::select(DESTS), any::<bool>()).prop_map(|(href, nested)| {
        let item = format!("- name: Entry\n  href: {href}\n");
        if nested {
            format!("{item}  items:\n  - name: Inner\n    href: {href}\n")
        } else {
            item
        }
    });
    proptest::collection::vec(entry, 1..5).prop_map(|entries| entries.concat())
}

/// The smallest PNG header, for the images pages link to.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

fn write_site(files: &BTreeMap<String, String>) -> TempSite {
    let site = TempSite::new("properties");
    site.write("folio.yml", CONFIG);
    for (path, text) in files {
        site.write(&format!("content/{path}"), text);
    }
    site.write_bytes("content/en/media/pic.png", PNG);
    site.write_bytes("content/media/pic.png", PNG);
    site
}

/// One build into `root/out`: its diagnostics, as JSON.
fn build(root: &Path, out: &str) -> Vec<serde_json::Value> {
    let config = folio::load_config(root, Some(&root.join(out))).expect("folio.yml is valid");
    let outcome = folio::build(config).expect("the output folder is safe");
    outcome
        .diagnostics
        .iter()
        .map(|d| serde_json::to_value(d).expect("a diagnostic is JSON"))
        .collect()
}

/// Property 1: the same site builds to the same bytes and diagnostics.
fn deterministic(root: &Path, first: &[serde_json::Value]) -> Result<(), String> {
    let again = build(root, "out2");
    if again != first {
        return Err(format!("diagnostics differ:\n{first:#?}\n{again:#?}"));
    }
    let (a, b) = (
        common::tree(&root.join("out1")),
        common::tree(&root.join("out2")),
    );
    if a.keys().ne(b.keys()) {
        return Err(format!("files differ: {:?} vs {:?}", a.keys(), b.keys()));
    }
    match a.iter().find(|(path, bytes)| b.get(*path) != Some(*bytes)) {
        Some((path, _)) => Err(format!("{path} differs between two builds")),
        None => Ok(()),
    }
}

/// Property 2: no id twice on one page (every HTML file, templates' ids included).
fn unique_ids(built: &Built) -> Result<(), String> {
    let mut problems = Vec::new();
    for (file, text) in &built.html {
        let mut seen = BTreeSet::new();
        for tag in start_tags(text) {
            if let Some(id) = tag.attr("id") {
                if !seen.insert(id.to_string()) {
                    problems.push(format!("{file}: id `{id}` twice"));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// The ids of every HTML file.
fn ids(built: &Built) -> BTreeMap<&str, BTreeSet<String>> {
    built
        .html
        .iter()
        .map(|(file, text)| {
            let ids = start_tags(text)
                .iter()
                .filter_map(|t| t.attr("id").map(str::to_string))
                .collect();
            (file.as_str(), ids)
        })
        .collect()
}

/// Property 3: every relative link leads to a written file (and, with a
/// fragment, to an id in it), or is reported at a line that writes it.
fn links_resolve(root: &Path, built: &Built, found: &[serde_json::Value]) -> Result<(), String> {
    let ids = ids(built);
    let mut problems = Vec::new();
    for (file, text) in &built.html {
        let base = if file.starts_with("_folio/nav/") {
            "index.html"
        } else {
            file
        };
        for tag in start_tags(text) {
            for (name, value) in &tag.attrs {
                if !matches!(name.as_str(), "href" | "src") {
                    continue;
                }
                // The print page (`<lang>/print/`) holds each page's links
                // with its ids prefixed `p<n>-`: reported as written.
                let written = if file.ends_with("/print/index.html") {
                    unprefixed(value)
                } else {
                    value.clone()
                };
                if leads_somewhere(built, &ids, base, value) || reported(root, found, &written) {
                    continue;
                }
                problems.push(format!(
                    "{file}: <{} {name}=\"{value}\"> leads nowhere and is not reported",
                    tag.name
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// `#p3-setup` → `#setup`; other URLs as they are.
fn unprefixed(url: &str) -> String {
    let Some(rest) = url.strip_prefix("#p") else {
        return url.to_string();
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    match rest[digits..].strip_prefix('-') {
        Some(id) if digits > 0 => format!("#{id}"),
        _ => url.to_string(),
    }
}

/// Whether a URL written in `base` leads to a written file and id
/// (always, for absolute URLs and other schemes).
fn leads_somewhere(
    built: &Built,
    ids: &BTreeMap<&str, BTreeSet<String>>,
    base: &str,
    url: &str,
) -> bool {
    let fragment = url.split_once('#').map(|(_, f)| percent_decode(f));
    let target = if url.starts_with('#') {
        base.to_string()
    } else {
        match relative_target(base, url) {
            Some(t) => t,
            None => return true,
        }
    };
    let file = if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else if built.files.contains(&target) {
        target
    } else {
        format!("{target}/index.html")
    };
    if !built.files.contains(&file) {
        return false;
    }
    match fragment {
        None => true,
        Some(f) if f.is_empty() || f == "top" => true,
        Some(f) => ids.get(file.as_str()).is_some_and(|ids| ids.contains(&f)),
    }
}

/// Whether a diagnostic is about a link written on its line that this
/// URL was made from: written as is (a missing target), or rewritten to
/// its page with the `#fragment` the diagnostic says is missing.
fn reported(root: &Path, found: &[serde_json::Value], url: &str) -> bool {
    let url = percent_decode(url);
    let fragment = url.split_once('#').map(|(_, f)| format!("#{f}"));
    found.iter().any(|d| {
        let (Some(file), Some(line), Some(target)) =
            (d["file"].as_str(), d["line"].as_u64(), d["target"].as_str())
        else {
            return false;
        };
        let made_from = target == url
            || fragment
                .as_deref()
                .is_some_and(|f| percent_decode(target).ends_with(f));
        made_from
            && std::fs::read_to_string(root.join(file)).is_ok_and(|text| {
                line >= 1
                    && text.lines().nth(line as usize - 1).is_some_and(|l| {
                        l.contains(&format!("<{target}>"))
                            || l.trim_start().strip_prefix("href: ") == Some(target)
                    })
            })
    })
}

/// Property 4: the output folder holds only plain files and folders, and
/// the site root holds nothing but what the test wrote and the outputs.
fn stays_inside(root: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    let mut entries: Vec<String> = std::fs::read_dir(root)
        .expect("read the site root")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    if entries != ["content", "folio.yml", "out1", "out2"] {
        return Err(format!("the site root holds {entries:?}"));
    }
    let content = common::tree(&root.join("content"));
    if content.len() != files.len() + 2 {
        return Err(format!("the content folder changed: {:?}", content.keys()));
    }
    let mut stack = vec![root.join("out1")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read an output folder") {
            let path = entry.expect("entry").path();
            let kind = std::fs::symlink_metadata(&path)
                .expect("metadata")
                .file_type();
            if kind.is_symlink() {
                return Err(format!("{} is a symlink", path.display()));
            }
            if kind.is_dir() {
                stack.push(path);
            }
        }
    }
    Ok(())
}

fn check(files: &BTreeMap<String, String>) -> Result<(), String> {
    let site = write_site(files);
    let root = site.root.as_path();
    let found = build(root, "out1");
    let built = Built::read(&root.join("out1"), "/");
    deterministic(root, &found).map_err(|e| format!("not deterministic: {e}"))?;
    unique_ids(&built).map_err(|e| format!("ids repeat: {e}"))?;
    links_resolve(root, &built, &found).map_err(|e| format!("links: {e}\n{found:#?}"))?;
    stays_inside(root, files).map_err(|e| format!("outside: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_build_keeps_its_properties(files in site()) {
        if let Err(problem) = check(&files) {
            prop_assert!(false, "{problem}\nsite: {files:#?}");
        }
    }
}
