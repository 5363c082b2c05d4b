//! Parity with independent validators (issue 8): the built output read
//! back as a crawler, a sitemap reader, the Nu HTML Checker and a link
//! checker read it (`common::html`, no code shared with Folio), and
//! `check` against `build`. Tests are named after the items.

mod common;

use common::html::{Built, parse_sitemap};
use common::{Run, TempSite};
use std::collections::{BTreeMap, BTreeSet};

const BASE: &str = "https://docs.example.com/guide/";

/// en, es, de; en is the default.
const THREE: &str = "title: T\nbase_url: https://docs.example.com/guide/\ndefault_language: en\nlanguages:\n  - { code: en, name: English, dir: en }\n  - { code: es, name: Español, dir: es, suffixes: [es] }\n  - { code: de, name: Deutsch, dir: de, suffixes: [de] }\n";

fn build(site: &TempSite) -> (Run, Built) {
    let run = site.folio("build", &[]);
    assert!(matches!(run.code, 0 | 1), "{}", run.all());
    (run, Built::read(&site.path("public"), BASE))
}

fn set(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(h, u)| (h.to_string(), format!("{BASE}{u}")))
        .collect()
}

/// Clusters of every shape: complete; without a default-language page;
/// one language only; homes written (`index.md`) and generated.
fn clusters() -> TempSite {
    let site = TempSite::new("hreflang");
    site.write("folio.yml", THREE)
        .write("content/en/index.md", "# Home\n")
        .write("content/de/index.md", "# Start\n")
        .write("content/en/all.md", "# All\n")
        .write("content/es/all-es.md", "# Todo\n")
        .write("content/de/all-de.md", "# Alles\n")
        .write("content/es/no-default-es.md", "# Sin inglés\n")
        .write("content/de/no-default-de.md", "# Ohne Englisch\n")
        .write("content/de/only-de.md", "# Nur Deutsch\n");
    site
}

#[test]
fn item_4_hreflang_sets_are_reciprocal_with_one_x_default() {
    let site = clusters();
    let (_, built) = build(&site);
    let problems = built.hreflang_problems();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let sets = built.hreflang_sets();
    // The chooser at `/` and every language home, generated (es) or
    // written (en, de), are one set whose x-default is the chooser.
    let homes = set(&[
        ("en", "en/"),
        ("es", "es/"),
        ("de", "de/"),
        ("x-default", ""),
    ]);
    for file in [
        "index.html",
        "en/index.html",
        "es/index.html",
        "de/index.html",
    ] {
        assert_eq!(sets[file], homes, "{file}");
    }
    assert_eq!(
        sets["en/all/index.html"],
        set(&[
            ("en", "en/all/"),
            ("es", "es/all/"),
            ("de", "de/all/"),
            ("x-default", "en/all/")
        ])
    );
    // No default-language page: x-default is the first language in
    // configured order that has the page, on both pages.
    let no_default = set(&[
        ("es", "es/no-default/"),
        ("de", "de/no-default/"),
        ("x-default", "es/no-default/"),
    ]);
    assert_eq!(sets["es/no-default/index.html"], no_default);
    assert_eq!(sets["de/no-default/index.html"], no_default);
    // One language: the page itself, and as x-default.
    assert_eq!(
        sets["de/only/index.html"],
        set(&[("de", "de/only/"), ("x-default", "de/only/")])
    );
}

#[test]
fn item_4_sitemap_alternates_equal_the_pages_sets() {
    let site = clusters();
    let (_, built) = build(&site);
    let sitemap = site.output("sitemap.xml");
    let problems = built.sitemap_problems(&sitemap);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let listed = parse_sitemap(&sitemap);
    // The chooser and the generated Spanish home are listed with the homes' set.
    for loc in [BASE.to_string(), format!("{BASE}es/")] {
        assert!(
            listed[&loc].contains(&("x-default".to_string(), BASE.to_string())),
            "{loc}: {sitemap}"
        );
    }
    assert_eq!(
        listed[&format!("{BASE}de/only/")],
        set(&[("de", "de/only/"), ("x-default", "de/only/")])
    );
}

/// A site with every kind of link a build can get wrong.
fn links_site() -> TempSite {
    let site = TempSite::new("check-build");
    site.write("folio.yml", THREE)
        .write(
            "content/en/index.md",
            "# Home\n\n[ok](guide.md#setup) [folder](sub/) [html](guide.html) [img](media/a.png)\n\n\
             [mail](someone@example.com) [gone](gone.md) ![gone](media/gone.png)\n\n\
             [bad](bad.md) [bad section](bad.md#x) [anchor](guide.md#nope) [es](../es/guide-es.md)\n",
        )
        .write("content/en/guide.md", "# Guide\n\n## Setup\n\n[home](index.md) [up](../en/)\n")
        .write("content/en/sub/index.md", "# Sub\n\n[back](../guide.md)\n")
        .write("content/en/media/a.png", "png")
        .write("content/en/bad.md", "---\ntitle: A: B\n---\n# Bad\n")
        .write("content/en/toc.yml", "- name: Guide\n  href: guide.md\n- name: Bad\n  href: bad.md\n- name: Sub\n  href: sub/index.md\n")
        .write("content/es/guide-es.md", "# Guía\n\n[bad](../en/bad.md)\n");
    site
}

/// Diagnostics as `Display` prints them (`file:line:col: severity[code]: message`).
fn diagnostic_lines(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning["))
        .filter(|l| !l.starts_with(' '))
        .map(str::to_string)
        .collect()
}

#[test]
fn item_6_check_and_build_agree_on_every_link() {
    let site = links_site();
    let (build_run, built) = build(&site);
    let check = site.folio("check", &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON");
    let diagnostics = report["diagnostics"].as_array().unwrap();

    // One diagnostic list: what check reports, build prints.
    let human = site.folio("check", &[]);
    assert_eq!(
        diagnostic_lines(&human.stdout),
        diagnostic_lines(&build_run.stderr),
        "check (left) and build (right) differ"
    );

    // Every link the build writes as working leads to a file it wrote;
    // every other one is written as written and is a diagnostic.
    let targets: BTreeSet<String> = diagnostics
        .iter()
        .filter_map(|d| d["target"].as_str())
        .map(|t| common::html::percent_decode(t.trim()))
        .collect();
    let unresolved = built.unresolved_links();
    for (file, href) in &unresolved {
        assert!(
            targets.contains(&common::html::percent_decode(href)),
            "{file}: `{href}` leads nowhere and no diagnostic names it\n{}",
            check.stdout
        );
    }
    let unresolved: BTreeSet<&str> = unresolved.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(
        unresolved,
        BTreeSet::from([
            "gone.md",
            "media/gone.png",
            "bad.md",
            "bad.md#x",
            "../en/bad.md"
        ]),
    );

    let codes: BTreeMap<(&str, &str), &str> = diagnostics
        .iter()
        .filter_map(|d| {
            Some((
                (d["file"].as_str()?, d["target"].as_str()?),
                d["code"].as_str()?,
            ))
        })
        .collect();
    let home = "content/en/index.md";
    assert_eq!(codes[&(home, "someone@example.com")], "link-email");
    assert_eq!(codes[&(home, "gone.md")], "link-broken");
    assert_eq!(codes[&(home, "media/gone.png")], "asset-missing");
    assert_eq!(codes[&(home, "bad.md")], "link-broken");
    assert_eq!(codes[&(home, "bad.md#x")], "link-broken");
    assert_eq!(codes[&(home, "guide.md#nope")], "link-anchor");
    assert_eq!(
        codes[&("content/es/guide-es.md", "../en/bad.md")],
        "link-broken"
    );
    assert_eq!(codes[&("content/en/toc.yml", "bad.md")], "toc-broken");

    // The e-mail address is the one rewrite: to `mailto:`, in both.
    let page = site.output("en/index.html");
    assert!(
        page.contains("href=\"mailto:someone@example.com\""),
        "{page}"
    );
    // The unbuilt page is in no navigation.
    for (file, text) in &built.html {
        assert!(!text.contains("en/bad/"), "{file} links the unbuilt page");
    }
    assert!(!built.files.contains("en/bad/index.html"));
}

#[test]
fn item_7_duplicate_translation_publishes_the_file_named_for_the_folder_language() {
    let site = TempSite::new("duplicates");
    site.write("folio.yml", THREE)
        .write("content/en/plan.md", "# Plan\n")
        .write("content/es/plan-en.md", "# Plan (English copy)\n")
        .write("content/es/plan-es.md", "# Plan en español\n")
        .write("content/de/plan.md", "# Plan (alt)\n")
        .write("content/de/plan-en.md", "# Plan (English copy)\n");
    let (run, _) = build(&site);
    assert!(
        site.output("es/plan/index.html")
            .contains("Plan en español"),
        "{}",
        run.all()
    );
    assert!(site.output("de/plan/index.html").contains("Plan (alt)"));
    let check = site.folio("check", &[]);
    for text in [&check.stdout, &run.stderr] {
        assert!(
            text.contains("content/es/plan-en.md:1:1: error[translation-duplicate]: `es/plan-en.md` and `es/plan-es.md` are both the es version of `plan`; only `es/plan-es.md` is published (its suffix names es)"),
            "{text}"
        );
        assert!(
            text.contains("content/de/plan-en.md:1:1: error[translation-duplicate]: `de/plan-en.md` and `de/plan.md` are both the de version of `plan`; only `de/plan.md` is published (`de/plan-en.md`'s suffix names another language)"),
            "{text}"
        );
    }
}

/// The repository's sample site (`content/` with `folio.yml` at the root)
/// as the independent validators saw the corpus.
#[test]
fn sample_site_passes_hreflang_sitemap_id_and_url_validation() {
    let out = TempSite::new("sample-out");
    let root = env!("CARGO_MANIFEST_DIR");
    let target = out.path("public");
    let run = Run::from(
        std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["build", "--root", root, "--out"])
            .arg(&target)
            .output()
            .expect("run folio"),
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let built = Built::read(&target, "https://playbook.example.com/");
    assert!(built.html.len() > 20, "{:?}", built.html.keys());
    let mut problems = built.hreflang_problems();
    let sitemap = std::fs::read_to_string(target.join("sitemap.xml")).expect("sitemap");
    problems.extend(built.sitemap_problems(&sitemap));
    problems.extend(built.duplicate_ids());
    problems.extend(built.invalid_urls());
    problems.extend(
        built
            .unresolved_links()
            .into_iter()
            .map(|(f, h)| format!("{f}: `{h}` leads nowhere")),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The validators above find what they look for (a validator that passes
/// everything proves nothing).
#[test]
fn the_validators_catch_known_defects() {
    use common::html::is_valid_url;
    for bad in [
        "a b", "a|b", "x?q=<", "a#b#c", "%zz", "a\u{1}", "a\\b", "{x}",
    ] {
        assert!(!is_valid_url(bad), "{bad:?}");
    }
    for good in [
        "../es/a/",
        "a%7Cb",
        "mailto:a@b.example",
        "überblick/",
        "?tabs=x#frag",
    ] {
        assert!(is_valid_url(good), "{good:?}");
    }
    let site = TempSite::new("validators");
    let page = |alternates: &str, body: &str| {
        format!("<!doctype html><html><head>{alternates}</head><body>{body}</body></html>")
    };
    let link =
        |h: &str, u: &str| format!("<link rel=\"alternate\" hreflang=\"{h}\" href=\"{BASE}{u}\">");
    site.write(
        "out/en/a/index.html",
        &page(
            &format!("{}{}{}", link("en", "en/a/"), link("es", "es/a/"), link("x-default", "en/a/")),
            "<h2 id=\"x\">X</h2><p id='x'>again</p><a href=\"../../es/b/\">b</a><a href=\"a|b\">c</a><script>if (a <b) {}</script>",
        ),
    )
    .write("out/es/a/index.html", &page(&link("es", "es/a/"), ""));
    let built = Built::read(&site.path("out"), BASE);
    let hreflang = built.hreflang_problems().join("\n");
    assert!(
        hreflang.contains("en/a/index.html and es/a/index.html differ"),
        "{hreflang}"
    );
    assert!(
        hreflang.contains("es/a/index.html: 0 x-default"),
        "{hreflang}"
    );
    assert_eq!(built.duplicate_ids(), ["en/a/index.html: id `x` twice"]);
    assert_eq!(built.invalid_urls(), ["en/a/index.html: <a href=\"a|b\">"]);
    assert_eq!(
        built.unresolved_links(),
        [
            ("en/a/index.html".to_string(), "../../es/b/".to_string()),
            ("en/a/index.html".to_string(), "a|b".to_string())
        ]
    );
    let sitemap = format!(
        "<urlset><url><loc>{BASE}en/a/</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"{BASE}en/a/\"/></url></urlset>"
    );
    let problems = built.sitemap_problems(&sitemap).join("\n");
    assert!(
        problems.contains("sitemap: https://docs.example.com/guide/en/a/:"),
        "{problems}"
    );
    assert!(
        problems.contains("es/a/index.html (https://docs.example.com/guide/es/a/) is not listed"),
        "{problems}"
    );
}

/// check = build on the real six-language corpus: every relative link the
/// build writes leads to a file it wrote, or is a link `check` reports
/// (written as the author wrote it); the hreflang sets and the sitemap
/// agree.
#[test]
fn corpus_every_written_link_resolves_or_is_reported() {
    let test = "corpus_every_written_link_resolves_or_is_reported";
    if common::shared(test, "corpus/partner-site").is_none() {
        return;
    }
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/partner-site");
    let out = TempSite::new("corpus-parity");
    let target = out.path("public");
    let folio = |args: &[&str]| {
        Run::from(
            std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
                .args(args)
                .output()
                .expect("run folio"),
        )
    };
    let build = folio(&["build", "--root", root, "--out", target.to_str().unwrap()]);
    assert_eq!(
        build.code, 1,
        "two pages have front matter that is not YAML"
    );
    let check = folio(&["check", "--root", root, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON");
    let targets: BTreeSet<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["target"].as_str())
        .map(|t| common::html::percent_decode(t.trim()))
        .collect();
    let built = Built::read(&target, "https://partners.example.com/playbook/");
    let unreported: Vec<String> = built
        .unresolved_links()
        .into_iter()
        .filter(|(_, href)| !targets.contains(&common::html::percent_decode(href)))
        .map(|(file, href)| format!("{file}: {href}"))
        .collect();
    assert!(
        unreported.is_empty(),
        "{} links lead nowhere unreported:\n{}",
        unreported.len(),
        unreported.join("\n")
    );
    let mut problems = built.hreflang_problems();
    let sitemap = std::fs::read_to_string(target.join("sitemap.xml")).expect("sitemap");
    problems.extend(built.sitemap_problems(&sitemap));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
