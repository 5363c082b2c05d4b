//! One test per diagnostic code, each with a valid twin that must stay
//! silent. Every test builds a tiny site in a temporary directory, loads it
//! exactly as `folio check` does and compares `(file, line, code)` triples.

use crate::config::Config;
use crate::site::Site;
use std::path::Path;

/// The unit tests' temporary directory (the `tempfile` crate), removed on
/// drop; named `folio-<tag>-…`, never hidden (Folio skips hidden folders).
pub(crate) struct TempDir(tempfile::TempDir);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("folio-{tag}-"))
            .tempdir()
            .expect("create temp dir");
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }

    /// Writes a file (root-relative, `/`-separated), creating its folders.
    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
        std::fs::write(path, contents).expect("write file");
    }
}

/// Writes `folio.yml` and content files (content-relative paths) to a temp
/// dir and loads the site as `folio check` does.
pub(crate) fn load_site(folio_yml: &str, files: &[(&str, &str)]) -> (TempDir, Site) {
    let dir = TempDir::new("site");
    dir.write("folio.yml", folio_yml);
    std::fs::create_dir_all(dir.path().join("content")).expect("content dir");
    for (path, text) in files {
        dir.write(&format!("content/{path}"), text);
    }
    let config = Config::load(dir.path()).expect("valid folio.yml");
    let site = Site::load(config, crate::site::Purpose::Check);
    (dir, site)
}

/// English, Spanish and German in folders, with suffixes, and task labels
/// for each (German marks mandatory tasks `E`).
const THREE: &str = r#"
languages:
  - { code: en, name: English, dir: en }
  - { code: es, name: Español, dir: es, suffixes: [es] }
  - { code: de, name: Deutsch, dir: de, suffixes: [de] }
tasks:
  en: { id: [Task ID], name: [Task Name], requirement: ["(M)andatory / (O)ptional"], mandatory: [M], optional: [O] }
  es: { id: [Id. de tarea], name: [Nombre de la tarea], requirement: ["(M)andatorio / (O)pcional"], mandatory: [M], optional: [O] }
  de: { id: [Aufgaben-ID], name: [Name der Aufgabe], requirement: ["(E) Erforderlich (O) Optional"], mandatory: [E], optional: [O] }
checks:
  ignore: ["https://ignored.example/*", "ignored-local/*"]
"#;

/// English only: no translation diagnostics to filter out.
const ONE: &str = "languages:\n  - { code: en, name: English, dir: en }\n";

/// The `(file, line, code)` of every diagnostic `check::run` reports,
/// files content-relative, in report order.
fn found(yml: &str, files: &[(&str, &str)]) -> Vec<(String, u32, &'static str)> {
    let (_dir, site) = load_site(yml, files);
    let mut found = super::run(&site)
        .iter()
        .map(|d| {
            (
                d.file
                    .strip_prefix("content/")
                    .unwrap_or(&d.file)
                    .to_string(),
                d.line,
                d.code.as_str(),
            )
        })
        .collect::<Vec<_>>();
    found.sort();
    found
}

/// The same with the diagnostics' messages, for tests that check wording.
fn messages(yml: &str, files: &[(&str, &str)]) -> Vec<String> {
    let (_dir, site) = load_site(yml, files);
    super::run(&site).iter().map(|d| d.to_string()).collect()
}

fn triples(list: &[(&str, u32, &'static str)]) -> Vec<(String, u32, &'static str)> {
    let mut v: Vec<_> = list
        .iter()
        .map(|(f, l, c)| (f.to_string(), *l, *c))
        .collect();
    v.sort();
    v
}

const EN_TASKS: &str = "| Task ID | Task Name | (M)andatory / (O)ptional |\n|---|---|---|\n";
const ES_TASKS: &str =
    "| Id. de tarea | Nombre de la tarea | (M)andatorio / (O)pcional |\n|---|---|---|\n";
const DE_TASKS: &str =
    "| Aufgaben-ID | Name der Aufgabe | (E) Erforderlich (O) Optional |\n|---|---|---|\n";

// ---------------------------------------------------------------------------
// Front matter and placement

#[test]
fn front_matter_syntax() {
    let bad = "---\ntitle: Appendix A: Definitions\n---\n# A\n";
    let good = "---\ntitle: \"Appendix A: Definitions\"\n---\n# A\n";
    assert_eq!(
        found(ONE, &[("en/bad.md", bad), ("en/good.md", good)]),
        triples(&[("en/bad.md", 2, "front-matter-syntax")])
    );
}

#[test]
fn front_matter_missing() {
    let yml = format!("{ONE}front_matter:\n  required: [title, description]\n");
    let files = [
        ("en/absent.md", "---\ntitle: T\n---\n# A\n"),
        ("en/empty.md", "---\ntitle: T\ndescription:   \n---\n# A\n"),
        ("en/none.md", "# No front matter at all\n"),
        // Valid twin: both keys, one of them written as a list.
        (
            "en/good.md",
            "---\ntitle: T\ndescription: [a, b]\n---\n# A\n",
        ),
    ];
    assert_eq!(
        found(&yml, &files),
        triples(&[
            ("en/absent.md", 1, "front-matter-missing"),
            ("en/empty.md", 3, "front-matter-missing"),
            ("en/none.md", 1, "front-matter-missing"),
            ("en/none.md", 1, "front-matter-missing"),
        ])
    );
}

#[test]
fn front_matter_date() {
    let files = [
        (
            "en/bad.md",
            "---\ntitle: T\nms.date: 13/45/2024\n---\n# A\n",
        ),
        ("en/words.md", "---\nms.date: last week\n---\n# A\n"),
        // Valid twins: US dates with and without padding, ISO dates, a YAML date.
        ("en/us.md", "---\nms.date: 1/09/2024  \n---\n# A\n"),
        ("en/iso.md", "---\nms.date: 2024-04-02\n---\n# A\n"),
        ("en/quoted.md", "---\nms.date: \"04/02/2024\"\n---\n# A\n"),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/bad.md", 3, "front-matter-date"),
            ("en/words.md", 2, "front-matter-date"),
        ])
    );
}

#[test]
fn front_matter_duplicate() {
    let files = [
        (
            "en/twice.md",
            "---\ntitle: A\nms.date: 1/1/2024\ntitle: B\n---\n# A\n",
        ),
        // Valid twin: dotted keys are distinct keys, not a repeat of `ms`.
        (
            "en/dotted.md",
            "---\nms.author: a\nms.date: 1/1/2024\n---\n# A\n",
        ),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[("en/twice.md", 4, "front-matter-duplicate")])
    );
}

#[test]
fn language_conflict() {
    let files = [
        ("en/a.md", "# A\n"),
        ("en/b.md", "# B\n"),
        ("en/c.md", "# C\n"),
        ("es/a-es.md", "# A\n"),
        ("de/a-de.md", "# A\n"),
        ("es/b-es.md", "# B\n"),
        // German suffix in the Spanish folder: the folder wins, with a warning.
        ("es/b-de.md", "# B\n"),
        ("de/b-de.md", "# B\n"),
        // Valid twins: a word that merely ends like a language code.
        ("es/c-es.md", "# C\n"),
        ("de/c-de.md", "# C\n"),
        ("en/set-up-guide.md", "# S\n"),
    ];
    let got = found(THREE, &files);
    assert!(
        got.contains(&("es/b-de.md".into(), 1, "language-conflict")),
        "{got:?}"
    );
    assert_eq!(
        got.iter()
            .filter(|(_, _, c)| *c == "language-conflict")
            .count(),
        1,
        "{got:?}"
    );
}

// ---------------------------------------------------------------------------
// Translations

/// A page in each language, so translation checks see complete sets.
fn all_three(key: &str, body: &str) -> Vec<(String, String)> {
    vec![
        (format!("en/{key}.md"), body.to_string()),
        (format!("es/{key}-es.md"), body.to_string()),
        (format!("de/{key}-de.md"), body.to_string()),
    ]
}

fn as_refs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect()
}

#[test]
fn translation_duplicate() {
    let mut files = all_three("a", "# A\n");
    // `es/a.md` is the Spanish `a` too (its folder says so): a stale copy.
    files.push(("es/a.md".into(), "# A (old)\n".into()));
    // Valid twin: an unsuffixed Spanish page with a key of its own.
    files.extend(all_three("b", "# B\n"));
    files.push(("en/c.md".into(), "# C\n".into()));
    files.push(("es/c.md".into(), "# C\n".into()));
    files.push(("de/c.md".into(), "# C\n".into()));
    assert_eq!(
        found(THREE, &as_refs(&files)),
        triples(&[("es/a.md", 1, "translation-duplicate")])
    );
}

#[test]
fn translation_duplicate_publishes_the_file_whose_suffix_names_the_folder_language() {
    // Per key, in the Spanish folder: the `-es` file beats an unsuffixed
    // one and an `-en` copy; an unsuffixed file beats an `-en` copy; with
    // only other-language suffixes, the first in path order.
    let files = [
        ("en/a.md", "# A\n"),
        ("en/b.md", "# B\n"),
        ("en/c.md", "# C\n"),
        ("en/d.md", "# D\n"),
        ("es/a-en.md", "# A (English)\n"),
        ("es/a-es.md", "# A (español)\n"),
        ("es/b-en.md", "# B (English)\n"),
        ("es/b.md", "# B (español)\n"),
        ("es/c-en.md", "# C (English)\n"),
        ("es/c-es.md", "# C (español)\n"),
        ("es/c.md", "# C (viejo)\n"),
        ("es/d-de.md", "# D (Deutsch)\n"),
        ("es/d-en.md", "# D (English)\n"),
    ];
    let yml = "languages:\n  - { code: en, dir: en }\n  - { code: es, dir: es, suffixes: [es] }\n  - { code: de, dir: de, suffixes: [de] }\n";
    let (_dir, site) = load_site(yml, &files);
    let published: Vec<&str> = site
        .published()
        .map(|(id, _)| site.source(id).path.as_str())
        .filter(|p| p.starts_with("es/"))
        .collect();
    assert_eq!(
        published,
        ["es/a-es.md", "es/b.md", "es/c-es.md", "es/d-de.md"]
    );
    let duplicates: Vec<String> = super::run(&site)
        .into_iter()
        .filter(|d| d.code == crate::diagnostic::Code::TranslationDuplicate)
        .map(|d| format!("{}: {}", d.file, d.message))
        .collect();
    assert_eq!(
        duplicates,
        [
            "content/es/a-en.md: `es/a-en.md` and `es/a-es.md` are both the es version of `a`; only `es/a-es.md` is published (its suffix names es)",
            "content/es/b-en.md: `es/b-en.md` and `es/b.md` are both the es version of `b`; only `es/b.md` is published (`es/b-en.md`'s suffix names another language)",
            "content/es/c-en.md: `es/c-en.md` and `es/c-es.md` are both the es version of `c`; only `es/c-es.md` is published (its suffix names es)",
            "content/es/c.md: `es/c.md` and `es/c-es.md` are both the es version of `c`; only `es/c-es.md` is published (its suffix names es)",
            "content/es/d-en.md: `es/d-en.md` and `es/d-de.md` are both the es version of `d`; only `es/d-de.md` is published (the first in path order)",
        ]
    );
}

#[test]
fn translation_missing_once_per_page_and_language() {
    let mut files = all_three("complete", "# Complete\n");
    files.push(("en/alone.md".into(), "# Alone\n".into()));
    files.push(("en/half.md".into(), "# Half\n".into()));
    files.push(("es/half-es.md".into(), "# Medio\n".into()));
    // Linked from many places: still one warning per language.
    files.push((
        "en/links.md".into(),
        "# L\n\n[a](alone.md) [a](alone.md) [h](half.md)\n".into(),
    ));
    files.push(("es/links-es.md".into(), "# L\n".into()));
    files.push(("de/links-de.md".into(), "# L\n".into()));
    assert_eq!(
        found(THREE, &as_refs(&files)),
        triples(&[
            ("en/alone.md", 1, "translation-missing"),
            ("en/alone.md", 1, "translation-missing"),
            ("en/half.md", 1, "translation-missing"),
        ])
    );
    let text = messages(THREE, &as_refs(&files)).join("\n");
    assert!(
        text.contains("`alone` has no Deutsch (de) translation"),
        "{text}"
    );
    assert!(
        text.contains("`alone` has no Español (es) translation"),
        "{text}"
    );
    assert!(
        text.contains("`half` has no Deutsch (de) translation"),
        "{text}"
    );
}

#[test]
fn translation_stale() {
    let page = |date: &str| format!("---\ntitle: T\nms.date: {date}\n---\n# T\n");
    let files = [
        ("en/a.md", page("2024-04-02")),
        ("es/a-es.md", page("1/09/2024")),
        // Valid twins: the same day written the US way, and a newer translation.
        ("de/a-de.md", page("4/2/2024")),
        ("en/b.md", page("2024-01-09")),
        ("es/b-es.md", page("2024-02-01")),
        ("de/b-de.md", page("01/09/2024")),
    ];
    let files: Vec<(String, String)> = files.into_iter().map(|(a, b)| (a.to_string(), b)).collect();
    assert_eq!(
        found(THREE, &as_refs(&files)),
        triples(&[("es/a-es.md", 3, "translation-stale")])
    );
}

#[test]
fn translation_orphan() {
    let mut files = all_three("a", "# A\n");
    files.push(("es/solo-es.md".into(), "# Solo\n".into()));
    files.push(("de/solo-de.md".into(), "# Allein\n".into()));
    // Valid twin: home pages are one key across languages.
    files.push(("en/index.md".into(), "# Home\n".into()));
    files.push(("es/index.md".into(), "# Inicio\n".into()));
    files.push(("de/index.md".into(), "# Start\n".into()));
    assert_eq!(
        found(THREE, &as_refs(&files)),
        triples(&[
            ("de/solo-de.md", 1, "translation-orphan"),
            ("es/solo-es.md", 1, "translation-orphan"),
        ])
    );
}

#[test]
fn translation_missing_only_inside_the_scope() {
    let yml = format!(
        "{THREE}translations:\n  scope: [\"guide/**\"]\n  exclude: {{ de: [\"guide/legal\"] }}\n"
    );
    let files = [
        ("en/guide/setup.md", "# Setup\n"),
        ("en/guide/legal.md", "# Legal\n"),
        ("en/ops/run.md", "# Run\n"),
        ("es/guide/setup-es.md", "# Configuración\n"),
        ("de/guide/setup-de.md", "# Einrichtung\n"),
    ];
    assert_eq!(
        found(&yml, &files),
        triples(&[("en/guide/legal.md", 1, "translation-missing")])
    );
}

#[test]
fn translation_history() {
    // Staleness by git, outside any repository: said once, at folio.yml,
    // and judged by dates instead.
    let yml = format!("{THREE}translations:\n  staleness: git\n");
    let (_dir, site) = load_site(
        &yml,
        &[
            ("en/a.md", "---\nms.date: 2024-04-02\n---\n# A\n"),
            ("es/a-es.md", "---\nms.date: 2024-01-09\n---\n# A\n"),
            ("de/a-de.md", "---\nms.date: 2024-04-02\n---\n# A\n"),
        ],
    );
    let got: Vec<(String, u32, &str)> = super::run(&site)
        .into_iter()
        .map(|d| (d.file, d.line, d.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("content/es/a-es.md".to_string(), 2, "translation-stale"),
            ("folio.yml".to_string(), 1, "translation-history"),
        ]
    );
}

// ---------------------------------------------------------------------------
// Links

#[test]
fn link_broken() {
    let page = "# Links\n\
\n\
[missing](nope.md) and [typo](targte.md)\n\
\n\
[ok](target.md) [ok](target.html) [folder](guide/) [query](target.md?tabs=x)\n\
[up](../en/target.md) [self](#links) [root](/en/target.md) [spaced](<my page.md>)\n\
[encoded](my%20page.md) [mail](mailto:someone@example.com) [tel](tel:+15551234)\n\
[ignored](https://ignored.example/x) [ignored](ignored-local/x.md)\n\
\n\
`[span](nope-in-span.md)`\n\
\n\
```\n\
[block](nope-in-block.md)\n\
```\n\
\n    [indented](nope-indented.md)\n\
\n\
<!-- [comment](nope-in-comment.md) -->\n";
    let files = [
        ("en/page.md", page),
        ("en/target.md", "# T\n"),
        ("en/my page.md", "# M\n"),
        ("en/guide/index.md", "# G\n"),
    ];
    let yml =
        format!("{ONE}checks:\n  ignore: [\"https://ignored.example/*\", \"ignored-local/*\"]\n");
    assert_eq!(
        found(&yml, &files),
        triples(&[
            ("en/page.md", 3, "link-broken"),
            ("en/page.md", 3, "link-broken"),
        ])
    );
    let text = messages(&yml, &files).join("\n");
    assert!(text.contains("en/page.md:3:1:"), "{text}");
    assert!(text.contains("en/page.md:3:24:"), "{text}");
}

#[test]
fn link_email() {
    // An address written as a relative link: a warning, and the build
    // writes it as `mailto:` (the same resolver decides both). A real file
    // of that name, `mailto:` itself, an image and a path are not addresses.
    let page = "# Mail\n\n[write](someone@example.com) [subject](team@example.org?subject=Hi)\n\n\
[file](saved@example.com) [ok](mailto:a@example.com) ![img](logo@example.com)\n\n\
[path](sub/someone@example.com)\n";
    let files = [("en/page.md", page), ("en/saved@example.com", "x")];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/page.md", 3, "link-email"),
            ("en/page.md", 3, "link-email"),
            ("en/page.md", 5, "asset-missing"),
            ("en/page.md", 7, "link-broken"),
        ])
    );
    let (_dir, site) = load_site(ONE, &files);
    let d = super::run(&site);
    let email = d
        .iter()
        .find(|d| d.code == crate::diagnostic::Code::LinkEmail)
        .unwrap();
    assert_eq!(email.severity, crate::diagnostic::Severity::Warning);
    assert_eq!(
        email.hint.as_deref(),
        Some("write `mailto:someone@example.com`")
    );
    let id = site.page_by_path("en/page.md").unwrap();
    let page = &site.page(id);
    let hrefs: Vec<String> = page
        .doc
        .links
        .iter()
        .zip(&page.targets)
        .map(|(l, t)| site.href(&page.url, &l.dest, t))
        .collect();
    assert_eq!(
        hrefs,
        [
            "mailto:someone@example.com",
            "mailto:team@example.org?subject=Hi",
            "../saved@example.com",
            "mailto:a@example.com",
            "logo@example.com",
            "sub/someone@example.com",
        ]
    );
}

#[test]
fn links_to_pages_that_could_not_be_built_are_broken() {
    // `bad.md` is a page (its URL is known) but its front matter does not
    // parse, so nothing is written for it: links and toc entries to it are
    // reported, not written as working links.
    let files = [
        (
            "en/page.md",
            "# P\n\n[bad](bad.md) [anchor](bad.md#x) [good](good.md)\n",
        ),
        ("en/bad.md", "---\ntitle: A: B\n---\n# Bad\n"),
        ("en/good.md", "# Good\n"),
        (
            "en/toc.yml",
            "- name: Bad\n  href: bad.md\n- name: Good\n  href: good.md\n",
        ),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/bad.md", 2, "front-matter-syntax"),
            ("en/page.md", 3, "link-broken"),
            ("en/page.md", 3, "link-broken"),
            ("en/toc.yml", 2, "toc-broken"),
        ])
    );
    let text = messages(ONE, &files).join("\n");
    assert!(
        text.contains("`bad.md` points at `en/bad.md`, which could not be built"),
        "{text}"
    );
}

#[test]
fn link_broken_across_folders_resolves_like_a_browser() {
    let files = [
        (
            "en/sub/page.md",
            "# P\n\n[ok](../other.md#intro) [bad](../../es/other-es.md) [bad](other.md)\n",
        ),
        ("en/other.md", "# O\n\n## Intro\n"),
        ("es/other-es.md", "# O\n"),
        ("de/other-de.md", "# O\n"),
        ("es/sub/page-es.md", "# P\n\n[ok](../../de/other-de.md)\n"),
        ("de/sub/page-de.md", "# P\n\n[ok](../other-de.md)\n"),
    ];
    // `../../es/other-es.md` from `en/sub/` is `es/other-es.md`: it exists,
    // but `en/other.md` exists as well (link-language), and `other.md` is
    // looked up next to the page (`en/sub/other.md`): broken.
    assert_eq!(
        found(THREE, &files),
        triples(&[
            ("en/sub/page.md", 3, "link-broken"),
            ("en/sub/page.md", 3, "link-language"),
            ("es/sub/page-es.md", 3, "link-language"),
        ])
    );
}

#[test]
fn link_anchor() {
    let target = "# Guía\n\n## Guía de red\n\n## 概要\n\n## Übersicht & Ziele\n\n## Custom {#my-id}\n\n<a name=\"legacy\"></a>\n\n## Repeat\n\n## Repeat\n";
    let page = "# Page\n\n## Local\n\
\n\
[bad](target.md#guia-de-red) [bad](#nowhere)\n\
\n\
[accented](target.md#guía-de-red) [encoded](target.md#gu%C3%ADa-de-red)\n\
[cjk](target.md#概要) [umlaut](target.md#übersicht--ziele) [explicit](target.md#my-id)\n\
[named](target.md#legacy) [second](target.md#repeat-1) [local](#local) [top](#top)\n\
[empty](target.md#) [task](target.md#task-3268)\n";
    let files = [
        ("en/page.md", page),
        (
            "en/target.md",
            &*format!("{target}\n{EN_TASKS}| 3268 | Plan | M |\n"),
        ),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/page.md", 5, "link-anchor"),
            ("en/page.md", 5, "link-anchor"),
        ])
    );
    let text = messages(ONE, &files).join("\n");
    assert!(text.contains("`#guia-de-red` matches no heading"), "{text}");
}

#[test]
fn link_case() {
    let files = [
        (
            "en/page.md",
            "# P\n\n[case](Target.md) ![img](media/Pic.PNG)\n\n[folder](Guide/) [folder](GUIDE) [html](TARGET.html#x)\n\n[ok](target.md) ![ok](media/pic.png) [ok](guide/) [ok](target.html)\n",
        ),
        ("en/target.md", "# T\n\n## X\n"),
        ("en/guide/index.md", "# G\n"),
        ("en/media/pic.png", "png"),
    ];
    // A folder or `.html` link in other case is a case problem too, not a
    // missing page: the hint can name the right spelling.
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/page.md", 3, "link-case"),
            ("en/page.md", 3, "link-case"),
            ("en/page.md", 5, "link-case"),
            ("en/page.md", 5, "link-case"),
            ("en/page.md", 5, "link-case"),
        ])
    );
}

#[test]
fn link_language() {
    let mut files = all_three("a", "# A\n");
    files.extend(all_three(
        "b", "# B\n", // replaced below per language
    ));
    files.retain(|(p, _)| !p.contains("/b"));
    files.extend([
        // The Spanish page links to the English `a` although `es/a-es.md` exists.
        ("en/b.md".to_string(), "# B\n\n[a](a.md)\n".to_string()),
        ("es/b-es.md".into(), "# B\n\n[a](../en/a.md)\n".into()),
        // Valid twins: a page only English has, and the page's own language.
        (
            "de/b-de.md".into(),
            "# B\n\n[only](../en/only.md) [a](a-de.md)\n".into(),
        ),
        ("en/only.md".into(), "# Only\n".into()),
    ]);
    let got = found(THREE, &as_refs(&files));
    let got: Vec<_> = got
        .into_iter()
        .filter(|(_, _, c)| *c != "translation-missing")
        .collect();
    assert_eq!(got, triples(&[("es/b-es.md", 3, "link-language")]));
}

#[test]
fn asset_missing() {
    let files = [
        (
            "en/page.md",
            "# P\n\n![gone](media/gone.png) [pdf](files/guide.pdf)\n\n<img src=\"media/also-gone.jpg\">\n\n:::image type=\"content\" source=\"media/docfx-gone.png\" alt-text=\"x\":::\n\n![ok](media/here.png) [ok](files/here.pdf) <img src=\"media/here.png\">\n\n:::image type=\"content\" source=\"media/here.png\" alt-text=\"y\":::\n\n![ok](../shared/logo.svg)\n",
        ),
        ("en/media/here.png", "png"),
        ("en/files/here.pdf", "pdf"),
        ("shared/logo.svg", "<svg/>"),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/page.md", 3, "asset-missing"),
            ("en/page.md", 3, "asset-missing"),
            ("en/page.md", 5, "asset-missing"),
            ("en/page.md", 7, "asset-missing"),
        ])
    );
    // The nearest existing file in the folder is the hint.
    let (_dir, site) = load_site(
        ONE,
        &[
            ("en/page.md", "![typo](media/diagram-v2.pgn)\n"),
            ("en/media/diagram-v2.png", "png"),
            ("en/media/other.png", "png"),
            ("en/media/sub/diagram-v2.pgn", "png"),
        ],
    );
    let hints: Vec<Option<String>> = super::run(&site).into_iter().map(|d| d.hint).collect();
    assert_eq!(
        hints,
        vec![Some("did you mean `media/diagram-v2.png`?".to_string())]
    );
}

#[test]
fn links_in_code_are_not_links() {
    let page = "# P\n\
\n\
`[span](nope.md)` and ``[double `tick`](nope.md)``\n\
\n\
```markdown\n\
[block](nope.md) ![img](nope.png) <a href=\"nope.html\">x</a>\n\
```\n\
\n\
~~~\n\
[tilde](nope.md)\n\
~~~\n\
\n\
> ```\n\
> [quoted block](nope.md)\n\
> ```\n\
\n\
- item\n\
\n\
  ```\n\
  [listed block](nope.md)\n\
  ```\n\
\n\
[real](nope.md)\n";
    assert_eq!(
        found(ONE, &[("en/page.md", page)]),
        triples(&[("en/page.md", 23, "link-broken")])
    );
}

#[test]
fn external_links_are_not_checked_without_external() {
    let files = [(
        "en/page.md",
        "# P\n\n[web](https://example.invalid/nothing) [proto](//example.invalid/x) <http://example.invalid>\n",
    )];
    assert_eq!(found(ONE, &files), vec![]);
}

// ---------------------------------------------------------------------------
// Includes and tocs

#[test]
fn include_missing_and_cycles() {
    let files = [
        (
            "en/page.md",
            "# P\n\n[!INCLUDE [gone](includes/gone.md)]\n\n[!INCLUDE [a](includes/a.md)]\n\n[!INCLUDE [loop](includes/loop-a.md)]\n\n```\n[!INCLUDE [in code](includes/in-code.md)]\n```\n",
        ),
        // Valid twin: an include of an include, relative to its own folder.
        ("en/includes/a.md", "A [!INCLUDE [b](sub/b.md)]\n"),
        ("en/includes/sub/b.md", "B [link](../../page.md)\n"),
        // A cycle is an error, not a hang.
        ("en/includes/loop-a.md", "[!INCLUDE [b](loop-b.md)]\n"),
        ("en/includes/loop-b.md", "[!INCLUDE [a](loop-a.md)]\n"),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/includes/loop-b.md", 1, "include-missing"),
            ("en/page.md", 3, "include-missing"),
        ])
    );
    let text = messages(ONE, &files).join("\n");
    assert!(
        text.contains(
            "include cycle: en/includes/loop-a.md → en/includes/loop-b.md → en/includes/loop-a.md"
        ),
        "{text}"
    );
}

#[test]
fn toc_broken() {
    let toc = "- name: Home\n  href: index.md#home\n- name: Guide\n  href: guide/\n- name: Gone\n  href: gone.md\n- name: Web\n  href: https://example.com/\n- name: Nested\n  href: sub/toc.yml\n- name: Group\n  items:\n    - name: Deep\n      href: deep.md\n";
    let files = [
        ("en/toc.yml", toc),
        ("en/index.md", "# Home\n"),
        ("en/guide/index.md", "# Guide\n"),
        (
            "en/sub/toc.yml",
            "- name: Sub\n  href: page.md\n- name: Section\n  href: page.md#no-such-section\n",
        ),
        ("en/sub/page.md", "# Sub\n"),
        ("en/broken/toc.yml", "- name: [unclosed\n"),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            // The YAML parser notices the unclosed list at the end of the file.
            ("en/broken/toc.yml", 2, "toc-broken"),
            // A section that does not exist on an existing page.
            ("en/sub/toc.yml", 4, "toc-broken"),
            ("en/toc.yml", 6, "toc-broken"),
            ("en/toc.yml", 14, "toc-broken"),
        ])
    );
}

// ---------------------------------------------------------------------------
// What content may run in a reader's browser

#[test]
fn link_unsafe() {
    let page = "# P\n\n\
        [a](javascript:alert(1)) [b](JaVaScRiPt:alert(1))\n\n\
        [c](&#106;avascript:alert(1)) <vbscript:msgbox(1)>\n\n\
        ![d](data:text/html,<b>x</b>) <a href=\"java&#x09;script:x()\">e</a>\n\n\
        <form><button formaction=\"javascript:x()\">f</button></form>\n\n\
        <iframe src=\"javascript:x()\"></iframe>\n\n\
        Valid twins: [g](https://example.com/javascript:x) ![h](data:image/png;base64,iVBORw0KGgo=) [i](javascript.md)\n";
    let toc =
        "- name: Home\n  href: index.md\n- name: Evil\n  href: JavaScript:alert(document.cookie)\n";
    let files = [
        ("en/page.md", page),
        ("en/javascript.md", "# J\n"),
        ("en/index.md", "# Home\n"),
        ("en/toc.yml", toc),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/page.md", 3, "link-unsafe"),
            ("en/page.md", 3, "link-unsafe"),
            ("en/page.md", 5, "link-unsafe"),
            ("en/page.md", 5, "link-unsafe"),
            ("en/page.md", 7, "link-unsafe"),
            ("en/page.md", 7, "link-unsafe"),
            ("en/page.md", 9, "link-unsafe"),
            // Shown as text by the tagfilter, so reported by the parser.
            ("en/page.md", 11, "html-unsafe"),
            ("en/page.md", 11, "link-unsafe"),
            ("en/toc.yml", 4, "link-unsafe"),
        ])
    );
    let all = messages(ONE, &files);
    assert!(
        all.iter().any(|m| m.contains(
            "en/page.md:5:1: error[link-unsafe]: `javascript:alert(1)` is a `javascript:` URL"
        )),
        "{all:#?}"
    );
}

#[test]
fn html_unsafe() {
    let page = "# P\n\n\
        <script>alert(1)</script>\n\n\
        Inline <img src=\"media/a.png\" onerror=\"alert(1)\"> and <b onmouseover=x()>b</b>\n\n\
        <iframe src=\"https://example.com/\"></iframe>\n\n\
        <object data=\"media/a.png\"></object>\n\n\
        Valid twins: <b>bold</b> <img src=\"media/a.png\" alt=\"online\"> <span title=\"onclick\">x</span>\n\n\
        ```html\n<script>in code</script>\n```\n";
    let files = [("en/page.md", page), ("en/media/a.png", "png")];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/page.md", 3, "html-unsafe"),
            ("en/page.md", 5, "html-unsafe"),
            ("en/page.md", 5, "html-unsafe"),
            ("en/page.md", 7, "html-unsafe"),
            ("en/page.md", 9, "html-unsafe"),
        ])
    );
    // Reported whatever the policy; `allow` only changes what is published.
    let allow = format!("{ONE}markdown:\n  raw_html: allow\n");
    assert_eq!(found(&allow, &files).len(), 5);
    let all = messages(&allow, &files);
    assert!(
        all.iter().any(|m| m
            .contains("en/page.md:5:31: error[html-unsafe]: `onerror` handler on <img>")
            && m.contains("published as written")),
        "{all:#?}"
    );
}

#[test]
fn html_placeholder() {
    let page = "# P\n\n\
        Role: <Depends on customer>\n\n\
        <Customer name>\n\n\
        <div>\n<existing tenant name>\n</div>\n\n\
        \x20\x20<L3>\n\n\
        Valid twins: \\<Escaped placeholder> <my-widget></my-widget> <bab> <svg><linearGradient id=\"g\"></linearGradient></svg> `<Code name>`\n";
    let files = [("en/page.md", page)];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("en/page.md", 3, "html-placeholder"),
            ("en/page.md", 5, "html-placeholder"),
            ("en/page.md", 8, "html-placeholder"),
            ("en/page.md", 11, "html-placeholder"),
        ])
    );
    let all = messages(ONE, &files);
    assert!(
        all.iter().any(|m| m.contains("en/page.md:3:7: warning[html-placeholder]: `<Depends on customer>` looks like an HTML tag")),
        "{all:#?}"
    );
}

// ---------------------------------------------------------------------------
// Task tables

#[test]
fn task_columns() {
    let page = format!(
        "# T\n\n{EN_TASKS}| 1 | Too many | M | extra |\n| 2 | Too few |\n| 3 | Escaped \\| pipe | O |\n4 | No outer pipes | M\n| [5](https://tasks.example/5) | Linked \\| name | M |\n"
    );
    assert_eq!(
        found(ONE, &[("en/page.md", &page)]),
        triples(&[
            ("en/page.md", 5, "task-columns"),
            ("en/page.md", 6, "task-columns"),
            ("en/page.md", 6, "task-requirement"),
        ])
    );
}

#[test]
fn task_id() {
    let page = format!(
        "# T\n\n{EN_TASKS}|  | Empty | M |\n| 12a | Letters | M |\n| [3268](https://tasks.example/3268) | Linked ID | M |\n| **3269** | Bold ID | O |\n| 3270 | Plain | O |\n"
    );
    assert_eq!(
        found(ONE, &[("en/page.md", &page)]),
        triples(&[("en/page.md", 5, "task-id"), ("en/page.md", 6, "task-id")])
    );
}

#[test]
fn task_duplicate() {
    let page = format!(
        "# T\n\n{EN_TASKS}| 7 | A | M |\n| 7 | B | M |\n\n## More\n\n{EN_TASKS}| 7 | C | M |\n"
    );
    // Valid twin: the same ID on another page.
    let other = format!("# O\n\n{EN_TASKS}| 7 | A | M |\n");
    assert_eq!(
        found(ONE, &[("en/page.md", &page), ("en/other.md", &other)]),
        triples(&[
            ("en/page.md", 6, "task-duplicate"),
            ("en/page.md", 12, "task-duplicate"),
        ])
    );
}

#[test]
fn task_requirement() {
    let en =
        format!("# T\n\n{EN_TASKS}| 1 | A | X |\n| 2 | B |  |\n| 3 | C | m |\n| 4 | D | O |\n");
    let es =
        format!("# T\n\n{ES_TASKS}| 1 | A | M |\n| 2 | B | O |\n| 3 | C | M |\n| 4 | D | O |\n");
    // Valid twin: German `E` is German for mandatory; `M` is not a German value.
    let de =
        format!("# T\n\n{DE_TASKS}| 1 | A | E |\n| 2 | B | O |\n| 3 | C | M |\n| 4 | D | O |\n");
    let got = found(
        THREE,
        &[("en/t.md", &en), ("es/t-es.md", &es), ("de/t-de.md", &de)],
    );
    let got: Vec<_> = got
        .into_iter()
        .filter(|(_, _, c)| *c == "task-requirement")
        .collect();
    assert_eq!(
        got,
        triples(&[
            ("de/t-de.md", 7, "task-requirement"),
            ("en/t.md", 5, "task-requirement"),
            ("en/t.md", 6, "task-requirement"),
        ])
    );
}

#[test]
fn task_mismatch() {
    let en = format!("# T\n\n{EN_TASKS}| 1 | A | M |\n| 2 | B | O |\n| 3 | C | M |\n");
    let es = format!("# T\n\n{ES_TASKS}| 1 | A | O |\n| 2 | B | O |\n| 3 | C | M |\n");
    // Valid twin: German `E` equals English `M`.
    let de = format!(
        "# T\n\n{DE_TASKS}| 1 | A | E |\n| 2 | B | O |\n| [3](https://tasks.example/3) | C | E |\n"
    );
    assert_eq!(
        found(
            THREE,
            &[("en/t.md", &en), ("es/t-es.md", &es), ("de/t-de.md", &de)]
        ),
        triples(&[("es/t-es.md", 5, "task-mismatch")])
    );
}

#[test]
fn task_missing() {
    let en = format!("# T\n\n{EN_TASKS}| 1 | A | M |\n| 2 | B | O |\n");
    let es = format!("# T\n\nIntro.\n\n{ES_TASKS}| 1 | A | M |\n| 3 | Extra | O |\n");
    // Valid twin: the same tasks, in another order and split over two tables.
    let de = format!("# T\n\n{DE_TASKS}| 2 | B | O |\n\n## Mehr\n\n{DE_TASKS}| 1 | A | E |\n");
    let got = found(
        THREE,
        &[("en/t.md", &en), ("es/t-es.md", &es), ("de/t-de.md", &de)],
    );
    assert_eq!(
        got,
        triples(&[
            ("es/t-es.md", 5, "task-missing"),
            ("es/t-es.md", 8, "task-missing"),
        ])
    );
    let text = messages(
        THREE,
        &[("en/t.md", &en), ("es/t-es.md", &es), ("de/t-de.md", &de)],
    )
    .join("\n");
    assert!(
        text.contains("task 2 of `en/t.md` (line 6) is missing"),
        "{text}"
    );
    assert!(text.contains("task 3 is not in `en/t.md`"), "{text}");
}

#[test]
fn file_unreadable() {
    let dir_files = [("en/ok.md", "# Fine\n")];
    let (dir, _) = load_site(ONE, &dir_files);
    dir.write("content/en/latin1.md", b"# Caf\xe9\n");
    let config = Config::load(dir.path()).unwrap();
    let site = Site::load(config, crate::site::Purpose::Check);
    let got: Vec<_> = super::run(&site)
        .into_iter()
        .map(|d| (d.file, d.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![("content/en/latin1.md".to_string(), "file-unreadable")]
    );
}

#[test]
fn path_collision() {
    let files = [
        // Content files at paths Folio writes itself.
        ("404.html", "<p>mine</p>"),
        ("sitemap.xml", "<urlset/>"),
        ("theme/folio.js", "alert(1)"),
        ("_folio/nav/x.html", "x"),
        // Case and Unicode-normalization twins: the first by bytes wins.
        ("en/Page.md", "# Upper\n"),
        ("en/page.md", "# Lower\n"),
        ("en/caf\u{e9}.md", "# NFC\n"),
        ("en/cafe\u{301}.md", "# NFD\n"),
        // A page and an asset on one path: the page wins.
        ("en/guide.md", "# Guide\n"),
        ("en/guide/index.html", "<p>old export</p>"),
        // Valid twins.
        ("en/other.md", "# Other\n"),
        ("en/media/logo.png", "x"),
        ("themes/a.css", "x"),
    ];
    assert_eq!(
        found(ONE, &files),
        triples(&[
            ("404.html", 1, "path-collision"),
            ("_folio/nav/x.html", 1, "path-collision"),
            ("en/caf\u{e9}.md", 1, "path-collision"),
            ("en/guide/index.html", 1, "path-collision"),
            ("en/page.md", 1, "path-collision"),
            ("sitemap.xml", 1, "path-collision"),
            ("theme/folio.js", 1, "path-collision"),
        ])
    );
    let (_dir, site) = load_site(ONE, &files);
    let published: Vec<&str> = site
        .published()
        .map(|(id, _)| site.source(id).path.as_str())
        .collect();
    assert_eq!(
        published,
        [
            "en/Page.md",
            "en/cafe\u{301}.md",
            "en/guide.md",
            "en/other.md"
        ]
    );
    let mut withheld: Vec<&str> = site.withheld().iter().map(String::as_str).collect();
    withheld.sort();
    assert_eq!(
        withheld,
        [
            "404.html",
            "_folio/nav/x.html",
            "en/guide/index.html",
            "sitemap.xml",
            "theme/folio.js"
        ]
    );
}

#[test]
fn limit_exceeded() {
    let keys: String = (0..20_000).map(|i| format!("k{i}: v\n")).collect();
    let deep: String = (0..crate::limits::FOLDER_DEPTH + 1)
        .map(|i| format!("d{i}/"))
        .collect();
    let deep_page = format!("{deep}a.md");
    let files = [
        ("en/keys.md", format!("---\n{keys}---\n# Keys\n")),
        (
            "en/nested.md",
            format!(
                "---\nx: {}{}\n---\n# N\n",
                "[".repeat(5000),
                "]".repeat(5000)
            ),
        ),
        (deep_page.as_str(), "# Too deep\n".to_string()),
        // Valid twin: large but within the limits.
        (
            "en/ok.md",
            format!(
                "---\n{}---\n# Ok\n",
                keys.lines()
                    .take(400)
                    .map(|l| format!("{l}\n"))
                    .collect::<String>()
            ),
        ),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    // The first folder past the limit is named; nothing below it is read.
    let first_deep = deep.trim_end_matches('/');
    assert_eq!(
        found(ONE, &files),
        triples(&[
            (first_deep, 1, "limit-exceeded"),
            ("en/keys.md", 2, "limit-exceeded"),
            ("en/nested.md", 2, "limit-exceeded"),
        ])
    );
}

#[cfg(unix)]
#[test]
fn symlink_outside() {
    let outside = TempDir::new("outside");
    outside.write("secret.txt", "secret");
    let (dir, _) = load_site(ONE, &[("en/index.md", "# Home\n"), ("en/real.png", "x")]);
    let content = dir.path().join("content");
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        content.join("en/secret.txt"),
    )
    .unwrap();
    // Valid twin: a symlink to a file inside the site.
    std::os::unix::fs::symlink(content.join("en/real.png"), content.join("en/alias.png")).unwrap();
    let site = Site::load(
        Config::load(dir.path()).unwrap(),
        crate::site::Purpose::Check,
    );
    let got: Vec<_> = super::run(&site)
        .into_iter()
        .map(|d| (d.file, d.line, d.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [("content/en/secret.txt".to_string(), 1, "symlink-outside")]
    );
    assert!(!site.content().assets.contains("en/secret.txt"));
    assert!(site.content().assets.contains("en/alias.png"));
}

#[test]
fn severities_from_folio_yml_apply_and_off_silences() {
    let yml = format!("{ONE}checks:\n  severity: {{ link-broken: warning, asset-missing: off }}\n");
    let (_dir, site) = load_site(&yml, &[("en/p.md", "# P\n\n[x](nope.md) ![y](nope.png)\n")]);
    let got = super::run(&site);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].code, crate::diagnostic::Code::LinkBroken);
    assert_eq!(got[0].severity, crate::diagnostic::Severity::Warning);
}

#[test]
fn every_code_has_a_test() {
    // Codes a unit test above exercises; template-error belongs to rendering
    // and link-external to `external::tests`.
    let tested = [
        "front-matter-syntax",
        "front-matter-missing",
        "front-matter-date",
        "front-matter-duplicate",
        "language-conflict",
        "translation-duplicate",
        "translation-missing",
        "translation-stale",
        "translation-orphan",
        "translation-history",
        "link-broken",
        "link-anchor",
        "link-case",
        "link-language",
        "link-email",
        "asset-missing",
        "include-missing",
        "toc-broken",
        "link-external",
        "task-columns",
        "task-id",
        "task-duplicate",
        "task-requirement",
        "task-mismatch",
        "task-missing",
        "file-unreadable",
        "limit-exceeded",
        "template-error",
        "link-unsafe",
        "html-unsafe",
        "html-placeholder",
        "symlink-outside",
        "path-collision",
    ];
    for code in crate::diagnostic::Code::ALL {
        assert!(tested.contains(&code.as_str()), "no test for {code}");
    }
}

#[test]
fn hints_are_relative_to_the_file_the_link_is_written_in() {
    let files = [
        (
            "en/page.md",
            "# P\n\n[!INCLUDE [x](includes/x.md)]\n\n[c](Target.md)\n",
        ),
        (
            "en/includes/x.md",
            "[typo](../targte.md) [case](../TARGET.md)\n",
        ),
        ("en/target.md", "# T\n"),
        ("en/guide/index.md", "# G\n"),
        ("en/other.md", "[folder](Guide/)\n"),
    ];
    let (_dir, site) = load_site(ONE, &files);
    let got: Vec<(String, u32, String)> = super::run(&site)
        .into_iter()
        .map(|d| (d.file, d.line, d.hint.unwrap_or_default()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "content/en/includes/x.md".to_string(),
                1,
                "did you mean `../target.md`?".to_string()
            ),
            (
                "content/en/includes/x.md".to_string(),
                1,
                "write it as `../target.md`".to_string()
            ),
            (
                "content/en/other.md".to_string(),
                1,
                "write it as `guide/index.md`".to_string()
            ),
            (
                "content/en/page.md".to_string(),
                5,
                "write it as `target.md`".to_string()
            ),
        ]
    );
}
