//! Reading without a server or scripts (issue 13): the sidebar in every
//! page, `links: file` / `--portable`, what is published, the file-tree
//! fallback for a toc that leads nowhere, big trees, and the print page.

mod common;

use common::TempSite;
use std::collections::HashSet;

const CONFIG: &str = "title: Nav\nbase_url: https://docs.example.com/\nlanguages:\n  - { code: en, name: English, dir: english }\n  - { code: zh, name: 中文, dir: chinese }\n";

fn site() -> TempSite {
    let site = TempSite::new("nav");
    site.write("folio.yml", CONFIG)
        .write("content/english/index.md", "---\ntitle: Home\n---\n# Welcome\n\nSee [a](guide/a.md#step-two).\n")
        .write(
            "content/english/toc.yml",
            "- name: Home\n  href: index.md\n- name: Guide\n  href: guide/index.md\n  items:\n    - name: A\n      href: guide/a.md\n    - name: B\n      href: guide/b.md\n- name: Gone\n  href: missing.md\n",
        )
        .write("content/english/guide/index.md", "---\ntitle: Guide\n---\n# Guide\n\n## Step two\n\nSame id as in a.\n")
        .write("content/english/guide/a.md", "---\ntitle: A\n---\n# A\n\n## Step two\n\n[Back](#step-two), [B](b.md), [note][^1]\n\n[^1]: A note.\n")
        .write("content/english/guide/b.md", "---\ntitle: B\n---\n# B\n\n![x](../media/x.png)\n")
        .write_bytes("content/english/media/x.png", b"\x89PNG\r\n\x1a\n")
        // Files for authors only.
        .write("content/english/toc--internal.yml", "- name: Internal\n  href: index.md\n")
        .write("content/english/toc--partner.yml", "- name: Partner\n  href: index.md\n")
        .write("content/english/guide/a.md~Updated upstream", "old text")
        .write("content/english/guide/a.md.orig", "old text")
        .write("content/english/guide/a.md.rej", "old text")
        // A toc whose every entry is broken: the file tree steps in.
        .write("content/chinese/toc.yml", "- name: 不存在\n  href: nowhere.md\n")
        .write("content/chinese/a.md", "---\ntitle: 甲\n---\n# 甲\n")
        .write("content/chinese/b.md", "---\ntitle: 乙\n---\n# 乙\n");
    site
}

fn build(site: &TempSite, args: &[&str]) {
    let run = site.folio("build", args);
    assert!(run.code == 0 || run.code == 1, "{}", run.all());
    assert!(!run.stderr.contains("could not be built"), "{}", run.all());
}

fn sidebar(page: &str) -> &str {
    let start = page.find("<nav id=\"folio-nav\"").expect("sidebar");
    let end = page[start..].find("</nav>").expect("sidebar end") + start;
    &page[start..end]
}

fn assert_no_link_in_summary(html: &str) {
    for summary in html.split("<summary>").skip(1) {
        let inside = &summary[..summary.find("</summary>").expect("closed")];
        assert!(!inside.contains("<a "), "link inside summary: {inside}");
    }
}

fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap_or(0)].to_string())
        .collect()
}

#[test]
fn sidebar_is_plain_links_with_separate_group_toggles() {
    let site = site();
    build(&site, &[]);
    let page = site.output("en/guide/a/index.html");
    let nav = sidebar(&page);
    assert!(
        nav.contains("<a href=\"../../guide/a/\" aria-current=\"page\">A</a>"),
        "{nav}"
    );
    // The group: a link, then a <details> whose <summary> holds no link.
    assert!(
        nav.contains("<a href=\"../../guide/\">Guide</a><details open><summary><span class=\"visually-hidden\">Guide</span></summary><ul>"),
        "{nav}"
    );
    assert_no_link_in_summary(nav);
    // Another page of the same tree: same entries, its own marked, the
    // group open because the page is in it.
    let home = site.output("en/index.html");
    let home_nav = sidebar(&home);
    assert!(
        home_nav.contains("<a href=\"./\" aria-current=\"page\">Home</a>"),
        "{home_nav}"
    );
    assert!(
        home_nav.contains("<details><summary>"),
        "closed group: {home_nav}"
    );
    // A broken entry is a plain heading in a build (serve marks it).
    assert!(
        nav.contains("<span class=\"nav-heading\">Gone</span>"),
        "{nav}"
    );
    assert!(!nav.contains("nav-broken"), "{nav}");
}

#[test]
fn portable_build_links_every_page_as_index_html() {
    let site = site();
    build(&site, &["--portable"]);
    for page in [
        "en/index.html",
        "en/guide/a/index.html",
        "zh/a/index.html",
        "en/print/index.html",
        "index.html",
    ] {
        let html = site.output(page);
        for href in hrefs(&html) {
            let internal = !href.starts_with("https://") && !href.starts_with('#');
            if internal {
                let path = href.split('#').next().unwrap_or("");
                assert!(
                    path.ends_with("index.html")
                        || path.ends_with(".css")
                        || path.ends_with(".png")
                        || path.ends_with(".svg"),
                    "{page}: {href}"
                );
                // And it exists, from the page's folder.
                let dir = std::path::Path::new(page)
                    .parent()
                    .unwrap_or(std::path::Path::new(""));
                let target = site.path("public").join(dir).join(path);
                assert!(target.exists(), "{page}: {href} → {}", target.display());
            }
        }
    }
    assert!(
        site.output("index.html")
            .contains("location.replace(code + \"/index.html\")")
    );
    // The same as `links: file` in folio.yml.
    let by_config = TempSite::new("nav-links-file");
    by_config.write("folio.yml", &format!("{CONFIG}links: file\n"));
    common::copy_dir(&site.path("content"), &by_config.path("content"));
    build(&by_config, &[]);
    assert_eq!(
        site.output("en/guide/a/index.html"),
        by_config.output("en/guide/a/index.html")
    );
    // A wrong value names the file, line and the choices.
    let wrong = TempSite::new("nav-links-wrong");
    wrong.write("folio.yml", &format!("{CONFIG}links: files\n"));
    common::copy_dir(&site.path("content"), &wrong.path("content"));
    let run = wrong.folio("build", &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("folio.yml:6"), "{}", run.all());
    assert!(
        run.stderr.contains("directory") && run.stderr.contains("file"),
        "{}",
        run.all()
    );
}

#[test]
fn only_what_readers_need_is_published() {
    let site = site();
    build(&site, &[]);
    let out = common::tree(&site.path("public"));
    for gone in [
        "toc--internal.yml",
        "toc--partner.yml",
        "a.md~Updated upstream",
        "a.md.orig",
        "a.md.rej",
        "toc.yml",
    ] {
        assert!(
            !out.keys().any(|p| p.ends_with(gone)),
            "{gone} published: {:?}",
            out.keys().collect::<Vec<_>>()
        );
    }
    assert!(out.contains_key("en/media/x.png"));
}

#[test]
fn a_toc_that_leads_nowhere_falls_back_to_the_file_tree() {
    let site = site();
    build(&site, &[]);
    let page = site.output("zh/a/index.html");
    let nav = sidebar(&page);
    assert!(
        nav.contains("<a href=\"../a/\" aria-current=\"page\">甲</a>"),
        "{nav}"
    );
    assert!(nav.contains("<a href=\"../b/\">乙</a>"), "{nav}");
    // The generated home lists the same tree, groups without links in <summary>.
    let en_only = TempSite::new("nav-generated-home");
    en_only.write("folio.yml", CONFIG);
    common::copy_dir(&site.path("content"), &en_only.path("content"));
    std::fs::remove_file(en_only.path("content/english/index.md")).expect("remove");
    build(&en_only, &[]);
    let home = en_only.output("en/index.html");
    assert!(home.contains("<a href=\"guide/a/\">A</a>"), "{home}");
    assert!(
        home.contains("<details><summary><span class=\"visually-hidden\">Guide</span>"),
        "{home}"
    );
    assert_no_link_in_summary(&home);
    // Neighbours in the tree's order (by title).
    let b = site.output("zh/b/index.html");
    assert!(
        page.contains("rel=\"prev\" href=\"../b/\"") && b.contains("rel=\"next\" href=\"../a/\""),
        "{page}\n{b}"
    );
}

#[test]
fn print_page_holds_every_page_in_order_with_unique_ids() {
    let site = site();
    build(&site, &[]);
    let print = site.output("en/print/index.html");
    let order: Vec<usize> = [
        "<h1 id=\"p1-welcome\"",
        "<h1 id=\"p2-guide\"",
        "<h1 id=\"p3-a\"",
        "<h1 id=\"p4-b\"",
    ]
    .iter()
    .map(|h| print.find(h).unwrap_or_else(|| panic!("{h} in\n{print}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap_or(0)])
        .collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids: {ids:?}");
    // Links inside the print page lead to its own anchors.
    for href in hrefs(&print).iter().filter(|h| h.starts_with('#')) {
        assert!(unique.contains(&href[1..]), "{href} has no target");
    }
    assert!(print.contains("href=\"#p3-step-two\""), "home → a#step-two");
    assert!(print.contains("href=\"#p4\""), "a → b");
    assert!(
        print.contains("src=\"../media/x.png\""),
        "image relative to the print page"
    );
    // Linked from the language's pages.
    assert!(
        site.output("en/guide/a/index.html")
            .contains("<a href=\"../../print/\">Printable version</a>")
    );
}

#[test]
fn a_big_tree_shows_only_the_current_branch() {
    let site = TempSite::new("nav-big");
    site.write(
        "folio.yml",
        "title: Big\nlanguages:\n  - { code: en, name: English, dir: en }\n",
    );
    let mut toc = String::new();
    for g in 0..8 {
        toc.push_str(&format!("- name: Group {g}\n  items:\n"));
        for p in 0..50 {
            toc.push_str(&format!(
                "    - name: Page {g}-{p}\n      href: p{g}-{p}.md\n"
            ));
            site.write(
                &format!("content/en/p{g}-{p}.md"),
                &format!("# Page {g}-{p}\n"),
            );
        }
    }
    site.write("content/en/toc.yml", &toc);
    build(&site, &[]);
    let page = site.output("en/p3-7/index.html");
    let nav = sidebar(&page);
    assert!(nav.contains("aria-current=\"page\">Page 3-7</a>"), "{nav}");
    assert!(
        nav.contains("<a href=\"../p3-39/\">Page 3-39</a>"),
        "siblings shown"
    );
    // Long lists show a window around the current page, marked where cut.
    assert!(!nav.contains("Page 3-45<"), "{nav}");
    assert!(
        nav.contains("<li class=\"nav-more\" aria-hidden=\"true\">…</li>"),
        "{nav}"
    );
    let last = site.output("en/p3-49/index.html");
    assert!(
        sidebar(&last).contains("Page 3-45<"),
        "the window moves with the page"
    );
    assert!(
        !nav.contains("Page 5-3<"),
        "other groups' pages are not written"
    );
    // A closed group leads to its first page.
    assert!(
        nav.contains("<li class=\"nav-closed\"><a href=\"../p5-0/\">Group 5</a></li>"),
        "{nav}"
    );
    assert!(nav.len() < 12_000, "sidebar of {} bytes", nav.len());
}
