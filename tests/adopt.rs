//! Adopting Folio on an existing playbook (issue 14): `folio init` on the
//! real corpus, a Hugo-style tree and an empty folder; the output folder
//! inside the content root across builds and a serve rebuild; the
//! baseline gate's round trip; `--format markdown`, `--files`,
//! `--changed-from`, `--base-url`, completions and the man page.

mod common;

use common::{Events, PATIENCE, Run, TempSite, eventually, get, start};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// Runs the binary with exactly these arguments.
fn folio(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_folio"));
    command.args(args).current_dir(cwd);
    for var in [
        "GITHUB_WORKSPACE",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SHA",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    Run::from(command.output().expect("run folio"))
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// The task-table markers of every page of the six languages: which
/// tables are task tables, their rows' ids and requirement classes.
fn task_markers(out: &Path) -> BTreeMap<String, Vec<String>> {
    let markers = [
        "class=\"task-table\"",
        "<tr id=\"task-",
        "class=\"task-requirement",
    ];
    let mut pages = BTreeMap::new();
    for (rel, bytes) in common::tree(out) {
        let lang = rel.split('/').next().unwrap_or("");
        if !rel.ends_with("index.html")
            || !["en", "es", "de", "ja", "pt", "zh-Hans"].contains(&lang)
        {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        let mut found = Vec::new();
        for (at, _) in html
            .match_indices("class=\"task-")
            .chain(html.match_indices("<tr id=\"task-"))
        {
            let end = html[at..].find('>').map_or(html.len(), |e| at + e);
            if markers.iter().any(|m| html[at..].starts_with(m)) {
                found.push((at, html[at..end].to_string()));
            }
        }
        found.sort();
        pages.insert(rel, found.into_iter().map(|(_, m)| m).collect());
    }
    pages
}

/// Placement and task diagnostics of the playbook's files, keyed by the
/// path inside `fasttrack-playbook/` (code, file, line, target).
fn placement_diagnostics(check: &Run, prefix: &str) -> BTreeSet<(String, String, u64, String)> {
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("json report");
    let codes = [
        "language-conflict",
        "translation-duplicate",
        "translation-missing",
        "translation-orphan",
    ];
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| {
            let code = d["code"].as_str()?;
            let file = d["file"].as_str()?.strip_prefix(prefix)?;
            (codes.contains(&code) || code.starts_with("task-")).then(|| {
                (
                    code.to_string(),
                    file.to_string(),
                    d["line"].as_u64().unwrap_or(0),
                    d["target"].as_str().unwrap_or("").to_string(),
                )
            })
        })
        .collect()
}

#[test]
fn init_on_the_corpus_copy_places_and_parses_like_the_hand_written_config() {
    let test = "init_on_the_corpus_copy";
    let Some(playbook) = common::shared(test, "corpus/partner-site/fasttrack-playbook") else {
        return;
    };
    let site = TempSite::new("init-corpus");
    common::copy_dir(&playbook, &site.root);
    let init = folio(&["init", path_str(&site.root)], &site.root, &[]);
    assert_eq!(init.code, 0, "{}", init.all());
    for expected in [
        "english-playbook/",
        "suffixes jp ja",
        "suffixes pr pt",
        "zh-Hans",
        "tasks.de: ",
        "mandatory E / optional O",
        "mandatory b / optional O",
    ] {
        assert!(
            init.stdout.contains(expected),
            "{expected}: {}",
            init.stdout
        );
    }
    let mine = site.path("public");
    let build = folio(&["build", "--root", path_str(&site.root)], &site.root, &[]);
    assert_eq!(build.code, 0, "every page is built: {}", build.stderr);
    let hand_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/partner-site");
    let hand = TempSite::new("init-corpus-hand");
    let theirs = hand.path("out");
    folio(
        &[
            "build",
            "--root",
            path_str(&hand_root),
            "--out",
            path_str(&theirs),
        ],
        &hand.root,
        &[],
    );

    let (mine_pages, their_pages) = (task_markers(&mine), task_markers(&theirs));
    assert!(mine_pages.len() > 350, "{} pages", mine_pages.len());
    let tables: usize = mine_pages
        .values()
        .map(|m| m.iter().filter(|x| x.contains("task-table")).count())
        .sum();
    assert!(tables > 250, "{tables} task tables");
    for (page, markers) in &mine_pages {
        let theirs = their_pages
            .get(page)
            .unwrap_or_else(|| panic!("{page}: not built by the hand-written config"));
        assert_eq!(markers, theirs, "{page}: task tables parsed differently");
    }
    let json = |root: &Path| {
        folio(
            &["check", "--root", path_str(root), "--format", "json"],
            root,
            &[],
        )
    };
    let ours = placement_diagnostics(&json(&site.root), "");
    let hand_prefix = "../../../../shared/corpus/partner-site/fasttrack-playbook/";
    let hand_found = placement_diagnostics(&json(&hand_root), hand_prefix);
    assert!(
        ours.iter().any(|d| d.0 == "translation-duplicate"),
        "the corpus has duplicates"
    );
    assert_eq!(ours, hand_found, "pages placed or tables read differently");
    assert!(!mine.join("folio.yml").exists(), "folio.yml is not content");
    assert!(!mine.join("public").exists() && !mine.join("en/public").exists());
}

#[test]
fn init_on_a_hugo_style_tree_finds_suffix_languages() {
    let site = TempSite::new("init-hugo");
    let page =
        |title: &str| format!("---\ntitle: {title}\ndate: 2024-05-01\n---\n\n# {title}\n\nText.\n");
    for (rel, title) in [
        ("content/_index.md", "Home"),
        ("content/_index.es.md", "Inicio"),
        ("content/page.md", "Page"),
        ("content/page.es.md", "Página"),
        ("content/docs/setup.md", "Setup"),
        ("content/docs/setup.es.md", "Instalación"),
        ("content/docs/setup.fr.md", "Installation"),
        ("content/docs/usage.md", "Usage"),
        ("content/docs/usage.fr.md", "Utilisation"),
    ] {
        site.write(rel, &page(title));
    }
    site.write("README.md", "# Repository\n");
    let init = folio(&["init", path_str(&site.root)], &site.root, &[]);
    assert_eq!(init.code, 0, "{}", init.all());
    let yml = site.read("folio.yml");
    assert!(yml.contains("content_dir: content "), "{yml}");
    assert!(
        yml.contains("{ code: en, name: English, dir: \"\" }"),
        "{yml}"
    );
    assert!(
        yml.contains("{ code: es, name: Español, dir: \"\", suffixes: [es] }"),
        "{yml}"
    );
    assert!(
        yml.contains("{ code: fr, name: Français, dir: \"\", suffixes: [fr] }"),
        "{yml}"
    );
    assert!(yml.contains("date_key: date "), "{yml}");
    let build = folio(&["build", "--root", path_str(&site.root)], &site.root, &[]);
    assert_eq!(build.code, 0, "{}", build.all());
    for out in [
        "es/page/index.html",
        "fr/docs/usage/index.html",
        "en/docs/setup/index.html",
    ] {
        assert!(
            site.exists(&format!("public/{out}")),
            "{out}\n{}",
            build.all()
        );
    }
    assert!(!site.exists("public/en/page.es/index.html"));
}

#[test]
fn init_on_an_empty_folder_writes_a_starter_that_checks_clean() {
    let site = TempSite::new("init-empty");
    let dir = site.path("new-playbook");
    site.write("new-playbook/README.md", "# Our playbook\n");
    let init = folio(&["init", path_str(&dir)], &site.root, &[]);
    assert_eq!(init.code, 0, "{}", init.all());
    assert!(init.stdout.contains("starter playbook"), "{}", init.stdout);
    let check = folio(
        &["check", "--root", path_str(&dir), "--deny-warnings"],
        &site.root,
        &[],
    );
    assert_eq!(check.code, 0, "{}", check.all());
    assert!(
        check
            .stdout
            .ends_with("4 pages in 2 languages, 0 errors, 0 warnings\n"),
        "{}",
        check.all()
    );
    let build = folio(&["build", "--root", path_str(&dir)], &site.root, &[]);
    assert_eq!(build.code, 0, "{}", build.all());
    assert_eq!(
        build.stderr.lines().count(),
        1,
        "only the summary: {}",
        build.stderr
    );
    let page = std::fs::read_to_string(dir.join("public/es/onboarding/index.html")).expect("page");
    assert!(
        page.contains("task-mandatory") && page.contains("id=\"task-103\""),
        "{page}"
    );

    // Never replaced without --force.
    std::fs::write(dir.join("folio.yml"), "title: Mine\n").expect("write");
    let again = folio(&["init", path_str(&dir)], &site.root, &[]);
    assert_eq!(again.code, 2, "{}", again.all());
    assert!(
        again.stderr.contains("already exists") && again.stderr.contains("--force"),
        "{}",
        again.all()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("folio.yml")).expect("read"),
        "title: Mine\n"
    );
    let forced = folio(&["init", path_str(&dir), "--force"], &site.root, &[]);
    assert_eq!(forced.code, 0, "{}", forced.all());
    assert!(
        std::fs::read_to_string(dir.join("folio.yml"))
            .expect("read")
            .contains("content_dir:")
    );
}

/// A site whose content folder is its root, with the output inside it.
fn in_root_site(name: &str) -> TempSite {
    let site = TempSite::new(name);
    site.write("folio.yml", "title: In root\ncontent_dir: .\noutput_dir: public\nlanguages:\n  - { code: en, name: English, dir: en }\n");
    site.write(
        "en/index.md",
        "---\ntitle: Home\n---\n# Home\n\nSee [the guide](guide.md).\n",
    );
    site.write(
        "en/guide.md",
        "---\ntitle: Guide\n---\n# Guide\n\nBack [home](index.md).\n",
    );
    site.write("en/media/logo.png", "png");
    site.write("templates/404.html", "<p>{{ ui.not_found_title }}</p>");
    site
}

#[test]
fn output_inside_the_content_root_is_never_read_as_content() {
    let site = in_root_site("in-root");
    let root = path_str(&site.root);
    let first = folio(&["build", "--root", root], &site.root, &[]);
    assert_eq!(first.code, 0, "{}", first.all());
    let before = common::tree(&site.path("public"));
    // A second build, and one into another folder inside the root: still
    // two pages, nothing built from the output.
    assert_eq!(
        folio(
            &[
                "build",
                "--root",
                root,
                "--out",
                path_str(&site.path("_site"))
            ],
            &site.root,
            &[]
        )
        .code,
        0
    );
    let second = folio(&["build", "--root", root], &site.root, &[]);
    assert_eq!(second.code, 0, "{}", second.all());
    assert!(
        second
            .stderr
            .contains("2 pages in 1 language, 0 errors, 0 warnings"),
        "{}",
        second.all()
    );
    let after = common::tree(&site.path("public"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for rel in after.keys() {
        assert!(
            !rel.starts_with("public/") && !rel.starts_with("_site/") && !rel.contains("/public/"),
            "{rel}"
        );
        assert!(
            !rel.starts_with("templates/") && rel != "folio.yml",
            "{rel}: a site file published"
        );
    }
    let check = folio(&["check", "--root", root], &site.root, &[]);
    assert!(
        check
            .stdout
            .ends_with("2 pages in 1 language, 0 errors, 0 warnings\n"),
        "{}",
        check.all()
    );
    // A folder of the user's is still refused.
    site.write("notes/todo.txt", "mine");
    let refused = folio(
        &[
            "build",
            "--root",
            root,
            "--out",
            path_str(&site.path("notes")),
        ],
        &site.root,
        &[],
    );
    assert_eq!(refused.code, 2, "{}", refused.all());
    assert_eq!(site.read("notes/todo.txt"), "mine");
}

#[test]
fn serve_rebuilds_in_root_without_reading_its_own_writes() {
    let site = in_root_site("in-root-serve");
    let (server, log) = start(&site);
    let addr = server.addr();
    let (mut events, _) = Events::open(addr);
    site.edit("en/guide.md", |t| t.replace("Back", "Go back"));
    assert!(
        events.reload_of("en/guide/index.html", PATIENCE).is_some(),
        "{:?}",
        log.lines()
    );
    assert!(get(addr, "/en/guide/").text().contains("Go back"));
    let rebuilds = || {
        log.lines()
            .iter()
            .filter(|l| l.starts_with("rebuilt"))
            .count()
    };
    assert!(
        eventually(PATIENCE, || rebuilds() == 1),
        "{:?}",
        log.lines()
    );
    // Its own writes into public/ start no further rebuild.
    std::thread::sleep(std::time::Duration::from_millis(700));
    assert_eq!(rebuilds(), 1, "{:?}", log.lines());
    assert_eq!(get(addr, "/public/en/guide/").status, 404);
    assert!(!site.exists("public/public"));
}

/// A site with one known broken link, for the baseline round trip.
fn gated_site() -> TempSite {
    let site = TempSite::new("baseline");
    site.write(
        "folio.yml",
        "languages:\n  - { code: en, name: English, dir: en }\n",
    );
    site.write(
        "content/en/index.md",
        "# Home\n\nIntro.\n\nSee [old](old.md).\n\nAnd [the guide](guide.md).\n",
    );
    site.write("content/en/guide.md", "# Guide\n\nBack [home](index.md).\n");
    site
}

#[test]
fn baseline_round_trip() {
    let site = gated_site();
    let root = path_str(&site.root);
    let gate = |extra: &[&str]| {
        let mut args = vec!["check", "--root", root, "--baseline", "baseline.json"];
        args.extend_from_slice(extra);
        folio(&args, &site.root, &[])
    };
    assert_eq!(gate(&[]).code, 2, "no baseline yet");
    let update = gate(&["--update-baseline"]);
    assert_eq!(update.code, 0, "{}", update.all());
    assert!(
        update
            .stdout
            .contains("wrote baseline baseline.json: 1 problem in 1 file"),
        "{}",
        update.all()
    );
    let file = site.read("baseline.json");
    assert!(
        file.contains("\"code\": \"link-broken\"") && !file.contains("\"line\""),
        "{file}"
    );

    // Lines added above the known problem: still known.
    site.edit("content/en/index.md", |t| {
        t.replace("Intro.", "Intro.\n\nA new paragraph.\n\nAnother.")
    });
    let known = gate(&[]);
    assert_eq!(known.code, 0, "{}", known.all());
    assert!(
        known
            .stdout
            .contains("baseline baseline.json: 1 known problem not shown"),
        "{}",
        known.all()
    );

    // A new broken link: fails, and only it is reported.
    site.edit("content/en/guide.md", |t| t + "\nSee [new](missing.md).\n");
    let new = gate(&[]);
    assert_eq!(new.code, 1, "{}", new.all());
    assert!(
        new.stdout.contains("missing.md") && !new.stdout.contains("old.md"),
        "{}",
        new.all()
    );
    assert!(
        new.stdout
            .contains("baseline baseline.json: 1 known problem not shown")
            && new
                .stdout
                .ends_with("2 pages in 1 language, 1 error, 0 warnings\n"),
        "{}",
        new.all()
    );

    // The known one fixed: listed so the baseline can shrink.
    site.edit("content/en/index.md", |t| t.replace("[old](old.md)", "old"));
    site.edit("content/en/guide.md", |t| {
        t.replace("[new](missing.md)", "new")
    });
    let fixed = gate(&["--format", "json"]);
    assert_eq!(fixed.code, 0, "{}", fixed.all());
    let report: serde_json::Value = serde_json::from_str(&fixed.stdout).expect("json");
    assert_eq!(report["baseline"]["action"], "compared");
    assert_eq!(report["baseline"]["fixed"][0]["target"], "old.md");
    assert_eq!(report["diagnostics"].as_array().map(Vec::len), Some(0));
    let human = gate(&[]);
    assert!(
        human.stdout.contains("1 problem is fixed")
            && human
                .stdout
                .contains("fixed: content/en/index.md: link-broken `old.md`"),
        "{}",
        human.all()
    );
    assert_eq!(gate(&["--update-baseline"]).code, 0);
    assert!(!site.read("baseline.json").contains("old.md"));
}

#[test]
fn markdown_format_counts_and_links() {
    let site = gated_site();
    site.edit("content/en/guide.md", |t| {
        t + "\n[a](a.md) [b](b.md) <Customer name>\n"
    });
    let env = [
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "octo/docs"),
        ("GITHUB_SHA", "abc123"),
    ];
    let run = folio(
        &[
            "check",
            "--root",
            ".",
            "--format",
            "markdown",
            "--max-rows",
            "2",
        ],
        &site.root,
        &env,
    );
    assert_eq!(run.code, 1, "{}", run.all());
    let md = &run.stdout;
    assert!(md.starts_with("### Folio check\n"), "{md}");
    assert!(md.contains("| `link-broken` | error | 3 |"), "{md}");
    assert!(md.contains("| `html-placeholder` | warning | 1 |"), "{md}");
    assert!(md.contains("[content/en/guide.md:5](<https://github.com/octo/docs/blob/abc123/content/en/guide.md#L5>)"), "{md}");
    assert!(md.contains("…and 2 more"), "{md}");
    assert!(!md.contains("<Customer"), "content is escaped: {md}");
}

#[test]
fn files_and_changed_from_narrow_the_report() {
    let site = gated_site();
    site.edit("content/en/guide.md", |t| t + "\n[gone](gone.md)\n");
    let only = folio(
        &["check", "--root", ".", "--files", "content/en/guide.md"],
        &site.root,
        &[],
    );
    assert_eq!(only.code, 1, "{}", only.all());
    assert!(
        only.stdout.contains("gone.md") && !only.stdout.contains("old.md"),
        "{}",
        only.all()
    );
    let clean = folio(
        &["check", "--root", ".", "--files", "content/en/nothing.md"],
        &site.root,
        &[],
    );
    assert_eq!(clean.code, 0, "{}", clean.all());
    if !common::program("files_and_changed_from", "git") {
        return;
    }
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(&site.root)
            .output()
            .expect("git")
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    git(&["checkout", "-q", "-b", "change"]);
    site.write("content/en/new.md", "# New\n\n[nope](nope.md)\n");
    let changed = folio(
        &["check", "--root", ".", "--changed-from", "main"],
        &site.root,
        &[],
    );
    assert_eq!(changed.code, 1, "{}", changed.all());
    assert!(
        changed.stdout.contains("nope.md") && !changed.stdout.contains("gone.md"),
        "{}",
        changed.all()
    );
    let bad = folio(
        &["check", "--root", ".", "--changed-from", "no-such-ref"],
        &site.root,
        &[],
    );
    assert_eq!(bad.code, 2, "{}", bad.all());
}

#[test]
fn base_url_overrides_the_configured_one() {
    let site = gated_site();
    site.edit("folio.yml", |t| t + "base_url: https://docs.example.com/\n");
    let run = folio(
        &[
            "build",
            "--root",
            ".",
            "--base-url",
            "https://preview.example.com/pr-7",
        ],
        &site.root,
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let sitemap = site.output("sitemap.xml");
    assert!(
        sitemap.contains("https://preview.example.com/pr-7/en/guide/"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("docs.example.com"), "{sitemap}");
    assert!(
        site.output("en/guide/index.html")
            .contains("href=\"https://preview.example.com/pr-7/en/guide/\"")
    );
    let bad = folio(
        &["build", "--root", ".", "--base-url", "not a url"],
        &site.root,
        &[],
    );
    assert_eq!(bad.code, 2, "{}", bad.all());
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    let dir = TempSite::new("man");
    let bash = folio(&["completions", "bash"], &dir.root, &[]);
    assert_eq!(bash.code, 0);
    assert!(
        bash.stdout.contains("--update-baseline") && bash.stdout.contains("complete"),
        "{}",
        bash.stdout
    );
    for shell in ["zsh", "fish", "powershell"] {
        let run = folio(&["completions", shell], &dir.root, &[]);
        assert!(
            run.code == 0 && run.stdout.contains("baseline"),
            "{shell}: {}",
            run.all()
        );
    }
    let man = folio(&["man"], &dir.root, &[]);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH folio"),
        "{}",
        man.stdout
    );
    let pages = dir.path("man1");
    assert_eq!(
        folio(&["man", "--dir", path_str(&pages)], &dir.root, &[]).code,
        0
    );
    let check = std::fs::read_to_string(pages.join("folio-check.1")).expect("folio-check.1");
    assert!(check.contains("baseline"), "{check}");
}
