//! `folio build` end to end: the real binary on small fixture sites.

mod common;

use common::{TempSite, shared, tree};

const CONFIG: &str = r#"
title: Test Playbook
base_url: https://docs.example.com/playbook/
default_language: en
languages:
  - { code: en, name: English, dir: english }
  - { code: es, name: Español, dir: spanish, suffixes: [es] }
  - { code: ja, name: 日本語, dir: japanese, suffixes: [jp, ja] }
front_matter:
  required: [title]
tasks:
  es: { id: [Id. de tarea], name: [Nombre de tarea], requirement: ["(M)andatorio / (O)pcional"], mandatory: [M], optional: [O] }
"#;

/// A three-language playbook exercising folders, suffixes, a toc, an
/// include, a callout, an image and cross-links.
fn playbook() -> TempSite {
    let site = TempSite::new("playbook");
    site.write("folio.yml", CONFIG)
        .write("content/english/index.md", "---\ntitle: Home\n---\n# Welcome\n\nStart with the [kickoff](kickoff.md).\n")
        .write(
            "content/english/toc.yml",
            "- name: Home\n  href: index.md\n- name: Phases\n  items:\n    - name: Kickoff\n      href: kickoff.md\n    - name: Setup\n      href: guide/setup.md\n",
        )
        .write(
            "content/english/kickoff.md",
            "---\ntitle: Kickoff\nms.date: 5/02/2019\n---\n# Customer kickoff\n\n\
             Read the [network checklist](guide/setup.md#network-readiness), the [Spanish page](../spanish/kickoff-es.md) \
             and [this section](#next-steps).\n\n![Diagram](media/diagram.png)\n\n\
             > [!WARNING]\n> Check the tenant first.\n\n[!INCLUDE [note](includes/note.md)]\n\n## Next steps\n\nDone.\n",
        )
        .write("content/english/includes/note.md", "> [!TIP]\n> Included tip with a [link](../guide/setup.md).\n")
        .write_bytes("content/english/media/diagram.png", b"\x89PNG\r\n\x1a\nfake")
        .write("content/english/guide/setup.md", "---\ntitle: Setup\n---\n# Setup\n\n## Network readiness\n\nText.\n")
        .write("content/spanish/index.md", "---\ntitle: Inicio\n---\n# Bienvenida\n")
        .write("content/spanish/kickoff-es.md", "---\ntitle: Arranque\nms.date: 6/01/2019\n---\n# Arranque del cliente\n\nVer [inglés](../english/kickoff.md).\n")
        .write("content/japanese/kickoff-jp.md", "---\ntitle: キックオフ\n---\n# キックオフ\n\n## 概要\n\n[設定](guide/setup-ja.md#ネットワーク)\n")
        .write("content/japanese/guide/setup-ja.md", "---\ntitle: 設定\n---\n# 設定\n\n## ネットワーク\n");
    site
}

fn build(site: &TempSite) -> common::Run {
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    run
}

#[test]
fn every_page_gets_a_language_url() {
    let site = playbook();
    let run = build(&site);
    for path in [
        "public/en/index.html",
        "public/en/kickoff/index.html",
        "public/en/guide/setup/index.html",
        "public/es/index.html",
        "public/es/kickoff/index.html",
        "public/ja/kickoff/index.html",
        "public/ja/guide/setup/index.html",
        "public/ja/index.html", // generated home: Japanese has no index.md
        "public/index.html",
        "public/404.html",
        "public/sitemap.xml",
        "public/theme/folio.css",
        "public/theme/folio.js",
        "public/en/media/diagram.png",
    ] {
        assert!(site.exists(path), "missing {path}\n{}", run.all());
    }
    assert!(
        !site.exists("public/en/includes"),
        "fragments are not pages"
    );
    assert!(
        run.stderr.contains("7 pages in 3 languages, 0 errors"),
        "{}",
        run.all()
    );
    let page = site.output("ja/kickoff/index.html");
    assert!(page.contains("<html lang=\"ja\" dir=\"ltr\">"), "{page}");
}

#[test]
fn relative_links_are_rewritten_to_page_urls() {
    let site = playbook();
    build(&site);
    let page = site.output("en/kickoff/index.html");
    assert!(
        page.contains("<a href=\"../guide/setup/#network-readiness\">network checklist</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"../../es/kickoff/\">Spanish page</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"#next-steps\">this section</a>"),
        "{page}"
    );
    assert!(
        page.contains("<img src=\"../media/diagram.png\" alt=\"Diagram\""),
        "{page}"
    );
    // A link inside an include resolves against the include file.
    assert!(
        page.contains("<a href=\"../guide/setup/\">link</a>"),
        "{page}"
    );
    let ja = site.output("ja/kickoff/index.html");
    assert!(
        ja.contains("<a href=\"../guide/setup/#ネットワーク\">設定</a>"),
        "{ja}"
    );
}

#[test]
fn includes_and_callouts_render() {
    let site = playbook();
    build(&site);
    let page = site.output("en/kickoff/index.html");
    assert!(
        page.contains("<div class=\"callout callout-warning\" role=\"note\">"),
        "{page}"
    );
    assert!(
        page.contains("<p class=\"callout-title\">Warning</p>"),
        "{page}"
    );
    assert!(
        page.contains("<div class=\"callout callout-tip\" role=\"note\">"),
        "{page}"
    );
    assert!(page.contains("Included tip with a"), "{page}");
    assert!(!page.contains("[!INCLUDE"), "{page}");
}

#[test]
fn hreflang_and_language_switcher() {
    let site = playbook();
    build(&site);
    let page = site.output("en/kickoff/index.html");
    for (lang, url) in [
        ("en", "en/kickoff/"),
        ("es", "es/kickoff/"),
        ("ja", "ja/kickoff/"),
        ("x-default", "en/kickoff/"),
    ] {
        let tag = format!(
            "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"https://docs.example.com/playbook/{url}\">"
        );
        assert!(page.contains(&tag), "missing {tag}\n{page}");
    }
    assert!(
        page.contains("<a href=\"../../es/kickoff/\" hreflang=\"es\" lang=\"es\""),
        "{page}"
    );
    // No Spanish setup page: the switcher goes to its Spanish fallback
    // page (the English text in the Spanish interface), marked.
    let setup = site.output("en/guide/setup/index.html");
    assert!(
        setup.contains("<a class=\"missing\" href=\"../../../es/guide/setup/\" hreflang=\"es\""),
        "{setup}"
    );
    let fallback = site.output("es/guide/setup/index.html");
    assert!(
        fallback.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{fallback}"
    );
    assert!(
        !setup.contains("hreflang=\"es\" href="),
        "no alternate for a missing translation\n{setup}"
    );
}

/// The `<nav id="folio-nav">` of a page.
fn sidebar(page: &str) -> &str {
    let start = page.find("<nav id=\"folio-nav\"").expect("sidebar");
    let end = page[start..].find("</nav>").expect("sidebar end") + start;
    &page[start..end]
}

#[test]
fn toc_gives_sidebar_breadcrumbs_and_neighbours() {
    let site = playbook();
    build(&site);
    let page = site.output("en/kickoff/index.html");
    let nav = sidebar(&page);
    let home = nav.find(">Home<").expect("home entry");
    let kickoff = nav.find(">Kickoff<").expect("kickoff entry");
    let setup = nav.find(">Setup<").expect("setup entry");
    assert!(home < kickoff && kickoff < setup, "{nav}");
    // In the page itself, relative to it, the current entry marked and its
    // group open; the group's toggle holds no link.
    assert!(
        nav.contains("<a href=\"../kickoff/\" aria-current=\"page\">Kickoff</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("<a href=\"../guide/setup/\">Setup</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("<details open><summary><span class=\"nav-heading\">Phases</span></summary>"),
        "{nav}"
    );
    assert!(!nav.contains("data-nav"), "nothing is fetched\n{nav}");
    assert!(!site.exists("public/_folio/nav"), "no navigation files");
    let setup_page = site.output("en/guide/setup/index.html");
    assert!(
        sidebar(&setup_page).contains("<a href=\"../../kickoff/\">Kickoff</a>"),
        "{setup_page}"
    );
    assert!(
        page.contains("<li><span>Phases</span></li>"),
        "breadcrumb trail\n{page}"
    );
    assert!(page.contains("rel=\"prev\" href=\"../\""), "{page}");
    assert!(
        page.contains("rel=\"next\" href=\"../guide/setup/\""),
        "{page}"
    );
}

#[test]
fn without_toc_navigation_comes_from_the_file_tree() {
    let site = playbook();
    build(&site);
    let page = site.output("ja/kickoff/index.html");
    let nav = sidebar(&page);
    assert!(
        nav.contains("<a href=\"../kickoff/\" aria-current=\"page\">キックオフ</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("<a href=\"../guide/setup/\">設定</a>"),
        "{nav}"
    );
    let home = site.output("ja/index.html");
    assert!(
        home.contains("<a href=\"kickoff/\">キックオフ</a>"),
        "{home}"
    );
}

#[test]
fn last_updated_sitemap_and_404() {
    let site = playbook();
    build(&site);
    let page = site.output("en/kickoff/index.html");
    assert!(
        page.contains("<time datetime=\"2019-05-02\" data-folio-date>2019-05-02</time>"),
        "{page}"
    );
    let sitemap = site.output("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://docs.example.com/playbook/en/kickoff/</loc><lastmod>2019-05-02</lastmod>"
        ),
        "{sitemap}"
    );
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"ja\" href=\"https://docs.example.com/playbook/ja/kickoff/\"/>"), "{sitemap}");
    let not_found = site.output("404.html");
    assert!(
        not_found.contains("href=\"/playbook/theme/folio.css\""),
        "{not_found}"
    );
    assert!(
        not_found.contains("<a href=\"/playbook/es/\""),
        "{not_found}"
    );
    let chooser = site.output("index.html");
    assert!(chooser.contains("navigator.languages"), "{chooser}");
    assert!(
        chooser.contains("<a href=\"ja/\" hreflang=\"ja\""),
        "{chooser}"
    );
}

#[test]
fn front_matter_and_content_are_escaped() {
    let site = TempSite::new("escape");
    site.write("folio.yml", "")
        .write(
            "content/en/a.md",
            "---\ntitle: \"<script>alert(1)</script> & co\"\ndescription: 'say \"hi\"'\n---\nText with <Depends on customer> and a < b.\n",
        );
    build(&site);
    let page = site.output("en/a/index.html");
    assert!(
        page.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co – Playbook</title>"),
        "{page}"
    );
    assert!(
        page.contains("<meta name=\"description\" content=\"say &quot;hi&quot;\">"),
        "{page}"
    );
    assert!(page.contains("<h1>&lt;script&gt;"), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("&lt;Depends on customer&gt;"), "{page}");
}

#[test]
fn authoring_quirks_load() {
    let site = TempSite::new("quirks");
    site.write("folio.yml", "front_matter: { required: [title, ms.date] }\n")
        // BOM, CRLF, delimiters with trailing spaces, comment, dotted keys, US date.
        .write_bytes(
            "content/en/seedlike.md",
            b"\xEF\xBB\xBF---  \r\n# required metadata\r\ntitle: Kick-off\r\nms.date: 5/02/2019  \r\nft.audience: partner  \r\n---  \r\n\r\n# Heading\r\n",
        )
        // No front matter at all: still a page, titled by its first heading.
        .write("content/en/bare.md", "Intro line.\n\n# Bare page title\n\nBody.\n");
    let run = site.folio("build", &[]);
    let page = site.output("en/seedlike/index.html");
    assert!(
        page.contains("<title>Kick-off – Playbook</title>"),
        "{page}"
    );
    assert!(page.contains("datetime=\"2019-05-02\""), "{page}");
    let bare = site.output("en/bare/index.html");
    assert!(
        bare.contains("<title>Bare page title – Playbook</title>"),
        "{bare}"
    );
    // bare.md lacks the required keys: reported, but it is built.
    assert!(
        run.stderr
            .contains("content/en/bare.md:1:1: error[front-matter-missing]"),
        "{}",
        run.all()
    );
    assert_eq!(
        run.code,
        0,
        "a missing key does not stop the page from building\n{}",
        run.all()
    );
}

#[test]
fn language_conflicts_and_duplicates_are_diagnostics_not_overwrites() {
    let site = playbook();
    site.write(
        "content/spanish/kickoff.md",
        "---\ntitle: Copia\n---\n# Untranslated copy\n",
    )
    .write(
        "content/spanish/extra-en.md",
        "---\ntitle: Extra\n---\n# Extra\n",
    )
    .write("content/notes-ja.md", "---\ntitle: ノート\n---\n# ノート\n");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr
            .contains("content/spanish/kickoff.md:1:1: error[translation-duplicate]"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr
            .contains("content/spanish/extra-en.md:1:1: warning[language-conflict]"),
        "{}",
        run.all()
    );
    // The explicitly suffixed file is the translation; the copy does not overwrite it.
    assert!(
        site.output("es/kickoff/index.html")
            .contains("Arranque del cliente")
    );
    // The folder wins over the suffix; a file in no folder takes its suffix.
    assert!(site.exists("public/es/extra/index.html"));
    assert!(site.exists("public/ja/notes/index.html"));
}

#[test]
fn broken_pages_are_reported_and_the_rest_builds() {
    let site = playbook();
    site.write(
        "content/english/broken-yaml.md",
        "---\ntitle: ok\ndescription: [unclosed\n---\n# X\n",
    )
    .write_bytes(
        "content/english/latin1.md",
        b"---\ntitle: ok\n---\nCaf\xE9\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        "/nonexistent/folio-target.md",
        site.path("content/english/dangling.md"),
    )
    .unwrap();
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stderr
            .contains("content/english/broken-yaml.md:4:1: error[front-matter-syntax]"),
        "{}",
        run.all()
    );
    assert!(
        run.stderr
            .contains("content/english/latin1.md:4:4: error[file-unreadable]"),
        "{}",
        run.all()
    );
    #[cfg(unix)]
    assert!(
        run.stderr
            .contains("content/english/dangling.md:1:1: error[file-unreadable]"),
        "{}",
        run.all()
    );
    assert!(
        site.exists("public/en/kickoff/index.html"),
        "the rest of the site builds"
    );
    assert!(!site.exists("public/en/broken-yaml/index.html"));
    let summary = run
        .stderr
        .lines()
        .find(|l| l.contains(" pages in "))
        .expect("summary line");
    assert!(summary.starts_with("7 pages in 3 languages, "), "{summary}");
    assert!(
        summary.contains(" errors, ") && summary.ends_with(" ms"),
        "{summary}"
    );
}

#[test]
fn invalid_config_names_key_and_line_and_exits_2() {
    let site = TempSite::new("config");
    site.write(
        "folio.yml",
        "title: x\nlanguages:\n  - { code: en, folder: en }\n",
    )
    .write("content/en/a.md", "# A\n");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("folio.yml:3:"), "{}", run.all());
    assert!(
        run.stderr.contains("unknown field `folder`"),
        "{}",
        run.all()
    );
    assert!(!site.exists("public"), "nothing is written");
}

#[test]
fn missing_content_dir_is_a_usage_error() {
    let site = TempSite::new("nocontent");
    site.write("folio.yml", "title: x\ncontent_dir: docs\n");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("folio.yml:2:1: the content directory `docs` does not exist"),
        "{}",
        run.all()
    );
    assert_eq!(site.folio("check", &[]).code, 2);
}

#[test]
fn output_dir_safety() {
    let site = playbook();
    for out in [".", "content", "content/english", ".."] {
        let target = site.root.join(out);
        let run = site.folio("build", &["--out", target.to_str().unwrap()]);
        assert_eq!(run.code, 2, "--out {out}\n{}", run.all());
        assert!(run.stderr.contains("refusing to use"), "{}", run.all());
    }
    site.write("mine/notes.txt", "my notes");
    let run = site.folio("build", &["--out", site.path("mine").to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_eq!(
        std::fs::read_to_string(site.path("mine/notes.txt")).unwrap(),
        "my notes"
    );
    assert!(
        site.exists("content/english/kickoff.md") && site.exists("folio.yml"),
        "nothing the user wrote is touched"
    );
    // A directory Folio made is reused, and files of removed pages go away.
    build(&site);
    std::fs::remove_file(site.path("content/english/guide/setup.md")).unwrap();
    site.folio("build", &[]);
    assert!(!site.exists("public/en/guide/setup/index.html"));
}

#[test]
fn output_is_byte_identical_across_builds() {
    let site = playbook();
    let a = site.path("out-a");
    let b = site.path("out-b");
    assert_eq!(site.folio("build", &["--out", a.to_str().unwrap()]).code, 0);
    assert_eq!(site.folio("build", &["--out", b.to_str().unwrap()]).code, 0);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > 15, "{} files", ta.len());
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(bytes == &tb[path], "{path} differs between builds");
    }
}

#[test]
fn site_templates_override_defaults_per_file() {
    let site = playbook();
    site.write(
        "templates/404.html",
        "<p>Custom {{ ui.not_found_title }}</p>",
    );
    build(&site);
    assert_eq!(site.output("404.html"), "<p>Custom Page not found</p>");
    assert!(
        site.output("en/kickoff/index.html")
            .contains("class=\"site-header\""),
        "other templates stay default"
    );
    site.write("templates/page.html", "{% if %}");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stderr.contains("templates/page.html"), "{}", run.all());
}

/// The seed page (a Spanish page of the partner playbook) beside an English
/// counterpart written for this test.
#[test]
fn seed_page_builds_as_spanish_beside_english() {
    let Some(seed) = shared(
        "seed_page_builds_as_spanish_beside_english",
        "seed/000_775e05f504ad432e.txt",
    ) else {
        return;
    };
    let site = TempSite::new("seed");
    site.write(
        "folio.yml",
        r#"
title: Partner Playbook
base_url: https://partners.example.com/playbook/
languages:
  - { code: en, name: English, dir: english-playbook }
  - { code: es, name: Español, dir: spanish-playbook, suffixes: [es] }
tasks:
  es: { id: [Id. de tarea], name: [Nombre de tarea], requirement: ["(M)andatorio / (O)pcional"], role: [Rol de FastTrack], services: [Servicios], mandatory: [M], optional: [O] }
"#,
    )
    .write_bytes("content/spanish-playbook/initiate-conduct-customer-kickoff-partner-es.md", &std::fs::read(seed).unwrap())
    .write("content/spanish-playbook/assess-conduct-customer-success-workshop-partner-es.md", "# Talleres\n")
    .write("content/spanish-playbook/assess-conduct-technical-assessment-partner-es.md", "# Evaluación\n")
    .write(
        "content/english-playbook/initiate-conduct-customer-kickoff-partner.md",
        "---\ntitle: Kickoff\nms.date: 5/02/2019\n---\n# Conduct the kickoff\n\n## FTOP Tasks\n\n\
         | Task ID | Task Name | (M)andatory / (O)ptional | FastTrack Role | Services |\n|---|---|---|---|---|\n\
         | 3979 | Handover | O | FastTrack Manager | All |\n| 3616 | First outreach | M | FastTrack Manager | All |\n",
    );
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let page = site.output("es/initiate-conduct-customer-kickoff-partner/index.html");
    assert!(page.contains("<html lang=\"es\""), "{page}");
    // Heading ids: accents kept, repeats numbered.
    for id in [
        "información-general",
        "preparar-la-junta-de-iniciación",
        "tareas-de-ftop",
        "tareas-de-ftop-1",
        "tareas-de-ftop-2",
        "resumen-de-actualización",
    ] {
        assert!(
            page.contains(&format!(" id=\"{id}\"")),
            "heading id {id}\n{page}"
        );
    }
    // Task tables: recognized with the Spanish labels, rows and requirements marked.
    assert_eq!(
        page.matches("<table class=\"task-table\">").count(),
        3,
        "{page}"
    );
    assert!(
        page.contains(
            "<tr id=\"task-3979\"><td><a class=\"task-link\" href=\"#task-3979\">3979</a></td>"
        ),
        "{page}"
    );
    assert!(
        page.contains("class=\"task-requirement task-mandatory\" title=\"Obligatoria\">M</td>"),
        "{page}"
    );
    assert!(
        page.contains("<th scope=\"col\">Id. de tarea</th>"),
        "{page}"
    );
    // Links to sibling Spanish pages rewritten to their URLs; external kept.
    assert!(
        page.contains("<a href=\"../assess-conduct-customer-success-workshop-partner/\">"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"../assess-conduct-technical-assessment-partner/\">"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"https://aka.ms/AA6s6ey\">"),
        "{page}"
    );
    // Alternates both ways.
    for (lang, url) in [("en", "en"), ("es", "es"), ("x-default", "en")] {
        let tag = format!(
            "<link rel=\"alternate\" hreflang=\"{lang}\" href=\"https://partners.example.com/playbook/{url}/initiate-conduct-customer-kickoff-partner/\">"
        );
        assert!(page.contains(&tag), "missing {tag}\n{page}");
    }
    assert!(page.contains("<time datetime=\"2019-05-02\""), "{page}");
    let en = site.output("en/initiate-conduct-customer-kickoff-partner/index.html");
    assert!(en.contains("hreflang=\"es\" href=\"https://partners.example.com/playbook/es/initiate-conduct-customer-kickoff-partner/\""), "{en}");
}

/// The real six-language corpus renders without a panic.
#[test]
fn corpus_partner_site_builds() {
    if shared("corpus_partner_site_builds", "corpus/partner-site").is_none() {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/partner-site");
    let tmp = tempfile::Builder::new()
        .prefix("folio-corpus-")
        .tempdir()
        .unwrap();
    let out = tmp.path().join("public");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args([
            "build",
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let run = common::Run::from(output);
    // Exit 1: two corpus pages have front matter that is not YAML.
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(!run.stderr.contains("panicked"), "{}", run.all());
    let summary = run
        .stderr
        .lines()
        .find(|l| l.contains(" pages in "))
        .expect("summary");
    let pages: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert!(
        pages > 500 && summary.contains(" in 6 languages"),
        "{summary}"
    );
    for lang in ["en", "es", "de", "ja", "pt", "zh-Hans"] {
        assert!(out.join(lang).join("index.html").exists(), "{lang} home");
    }
}

/// Pages are read, parsed and released one by one: a page may include
/// another page (not a fragment) whatever the order they are read in, and
/// check reports on both.
#[test]
fn pages_include_other_pages_in_any_order() {
    let site = TempSite::new("page-includes");
    site.write("folio.yml", "title: T\nbase_url: https://x.example/\n");
    for i in 0..40 {
        let next = (i + 1) % 40;
        site.write(
            &format!("content/p{i:02}.md"),
            &format!("# Page {i}\n\nOwn text {i}.\n\n[!INCLUDE [n](shared{next:02}.md)]\n"),
        );
        site.write(
            &format!("content/shared{i:02}.md"),
            &format!("---\ntitle: Shared {i}\n---\nShared text {i} with a [broken](missing-{i}.md) link.\n"),
        );
    }
    let run = build(&site);
    assert!(run.stderr.contains("missing-7.md"), "{}", run.stderr);
    for i in 0..40 {
        let next = (i + 1) % 40;
        let page = site.read(&format!("public/en/p{i:02}/index.html"));
        assert!(page.contains(&format!("Own text {i}.")), "{page}");
        assert!(
            page.contains(&format!("Shared text {next} with")),
            "p{i:02}: {page}"
        );
        assert!(
            !page.contains("title: Shared"),
            "front matter leaked: {page}"
        );
    }
    let check = site.folio("check", &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("json report");
    let broken = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "link-broken")
        .count();
    // Each shared page's broken link once: where it is written, whether
    // reached as a page or through an include.
    assert_eq!(broken, 40, "{}", check.stdout);
}
