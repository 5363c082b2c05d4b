//! Issue 7, the trust boundary of the content walk, the output folder,
//! `folio.yml` and the loaders: one test per row of the table
//! (`row_NN_…`), each against the real binary on a minimal site
//! (`content/index.md` = `# Home`), as the issue reproduced them.
//!
//! Runs that could hang or exhaust memory on a regression go through
//! [`folio_bounded`]: a deadline and a cap on the address space turn
//! them into failures instead.

#![cfg(unix)]

mod common;

use common::{Run, TempSite, tree};
use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a secret on the build machine looks like in these tests.
const SECRET: &str = "root:x:0:0:SECRET-ON-THE-BUILD-MACHINE";

fn minimal(name: &str) -> TempSite {
    let site = TempSite::new(name);
    site.write("content/index.md", "# Home\n");
    site
}

/// A file outside the site, next to it, holding [`SECRET`].
fn outside(site: &TempSite) -> std::path::PathBuf {
    let dir = site.root.with_file_name(format!(
        "{}-outside",
        site.root.file_name().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(dir.join("etc")).unwrap();
    std::fs::write(dir.join("etc/passwd"), SECRET).unwrap();
    std::fs::write(dir.join("etc/hosts"), SECRET).unwrap();
    dir
}

/// Runs `folio <command> --root <site> <args…>` with a deadline and at most
/// 4 GiB of address space.
fn folio_bounded(site: &TempSite, command: &str, args: &[&str], deadline: Duration) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_folio"))
        .arg(command)
        .arg("--root")
        .arg(&site.root)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run folio");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("folio {command} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

const DEADLINE: Duration = Duration::from_secs(60);

fn build(site: &TempSite) -> Run {
    folio_bounded(site, "build", &[], DEADLINE)
}

/// Every file of the output, and whether any holds the secret.
fn published(site: &TempSite) -> (BTreeSet<String>, bool) {
    let files = tree(&site.path("public"));
    let leaked = files
        .values()
        .any(|bytes| String::from_utf8_lossy(bytes).contains("SECRET-ON-THE-BUILD-MACHINE"));
    (files.into_keys().collect(), leaked)
}

/// The JSON diagnostics of `folio check`.
fn diagnostics(site: &TempSite) -> Vec<serde_json::Value> {
    let run = folio_bounded(site, "check", &["--format", "json"], DEADLINE);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.all()));
    json["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn with_code<'a>(list: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    list.iter().filter(|d| d["code"] == code).collect()
}

#[test]
fn row_01_symlink_outside_root_is_not_published() {
    let site = minimal("row01");
    let out = outside(&site);
    symlink(out.join("etc/passwd"), site.path("content/passwd.txt")).unwrap();
    symlink(out.join("etc"), site.path("content/etcdir")).unwrap();
    symlink(out.join("etc/passwd"), site.path("content/passwd.md")).unwrap();
    let run = build(&site);
    assert_eq!(run.code, 0, "{}", run.all());
    let (files, leaked) = published(&site);
    assert!(!leaked, "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| !f.contains("passwd") && !f.contains("etcdir")),
        "{files:?}"
    );
    assert!(files.contains("en/index.html"));
    let found = diagnostics(&site);
    let warned = with_code(&found, "symlink-outside");
    let names: BTreeSet<&str> = warned.iter().map(|d| d["file"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["content/etcdir", "content/passwd.md", "content/passwd.txt"].into()
    );
    for d in warned {
        assert_eq!(d["severity"], "warning");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(1), Some(1))
        );
        assert!(
            d["hint"].as_str().unwrap().contains("follow_symlinks"),
            "{d}"
        );
    }
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn row_01_serve_reload_does_not_follow_a_new_symlink() {
    let site = minimal("row01serve");
    let out = outside(&site);
    let (mut workspace, _) =
        folio::serve::Workspace::open(&site.root, "http://127.0.0.1:1/").unwrap();
    symlink(out.join("etc/passwd"), site.path("content/passwd.md")).unwrap();
    symlink(out.join("etc"), site.path("content/etcdir")).unwrap();
    let changed: BTreeSet<String> = ["passwd.md".to_string(), "etcdir".to_string()].into();
    workspace.rebuild_content(&changed);
    let (files, leaked) = published(&site);
    assert!(!leaked, "{files:?}");
    assert!(workspace.site().page_by_path("passwd.md").is_none());
    assert!(workspace.site().files_under("etcdir").is_empty());
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn row_02_symlinked_include_outside_the_root_is_not_read() {
    let site = minimal("row02");
    let out = outside(&site);
    site.write(
        "content/page.md",
        "# Page\n\n[!INCLUDE [x](includes/leak.md)]\n",
    );
    std::fs::create_dir_all(site.path("content/includes")).unwrap();
    symlink(
        out.join("etc/passwd"),
        site.path("content/includes/leak.md"),
    )
    .unwrap();
    let run = build(&site);
    let (files, leaked) = published(&site);
    assert!(!leaked, "{}", run.all());
    assert!(files.contains("en/page/index.html"));
    let found = diagnostics(&site);
    assert_eq!(with_code(&found, "symlink-outside").len(), 1, "{found:?}");
    assert_eq!(with_code(&found, "include-missing").len(), 1, "{found:?}");
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn row_03_symlinks_in_the_output_are_replaced_not_written_through() {
    let site = minimal("row03");
    site.write("content/guide.md", "# Guide\n");
    assert_eq!(build(&site).code, 0);
    let other = site.path("other-folder");
    std::fs::create_dir_all(&other).unwrap();
    site.write("user-file.txt", "the user's own file");
    std::fs::remove_dir_all(site.path("public/en")).unwrap();
    symlink(&other, site.path("public/en")).unwrap();
    std::fs::remove_file(site.path("public/sitemap.xml")).unwrap();
    symlink(site.path("user-file.txt"), site.path("public/sitemap.xml")).unwrap();
    let run = build(&site);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(site.read("user-file.txt"), "the user's own file");
    assert_eq!(
        std::fs::read_dir(&other).unwrap().count(),
        0,
        "pages written into the other folder"
    );
    assert!(
        std::fs::symlink_metadata(site.path("public/en"))
            .unwrap()
            .is_dir()
    );
    assert!(site.output("en/guide/index.html").contains("Guide"));
    assert!(
        std::fs::symlink_metadata(site.path("public/sitemap.xml"))
            .unwrap()
            .is_file()
    );
    assert!(site.output("sitemap.xml").contains("<urlset"));
}

#[test]
fn row_04_symlink_into_the_output_does_not_grow_the_site() {
    let site = minimal("row04pub");
    symlink("../public", site.path("content/pub")).unwrap();
    assert_eq!(build(&site).code, 0);
    let first = published(&site).0;
    let run = build(&site);
    assert_eq!(run.code, 0, "{}", run.all());
    let second = published(&site).0;
    assert_eq!(first, second, "the output grew");
    assert!(second.iter().all(|f| !f.starts_with("pub/")), "{second:?}");
    let found = diagnostics(&site);
    let warned = with_code(&found, "symlink-outside");
    assert_eq!(warned.len(), 1, "{found:?}");
    assert_eq!(warned[0]["file"], "content/pub");
    // In `serve`, a write to the output seen through the link changes
    // nothing, so it cannot start another rebuild.
    let (mut workspace, _) =
        folio::serve::Workspace::open(&site.root, "http://127.0.0.1:1/").unwrap();
    for _ in 0..3 {
        let seen: BTreeSet<String> = ["pub/en/index.html".to_string(), "pub".to_string()].into();
        let rebuild = workspace.rebuild_content(&seen);
        assert!(rebuild.changed.is_empty(), "{:?}", rebuild.changed);
    }
}

#[test]
fn row_04_symlink_to_the_filesystem_root_is_never_walked() {
    let site = minimal("row04root");
    symlink("/", site.path("content/rootlink")).unwrap();
    symlink("..", site.path("content/up")).unwrap();
    site.write("folio.yml", "follow_symlinks: true\n");
    // Even with symlinks followed out of the site, `/` and a folder that
    // contains the link are cycles.
    let run = build(&site);
    assert_eq!(run.code, 0, "{}", run.all());
    let (files, _) = published(&site);
    assert!(
        files
            .iter()
            .all(|f| !f.starts_with("rootlink") && !f.starts_with("up")),
        "{files:?}"
    );
    let found = diagnostics(&site);
    let names: BTreeSet<&str> = with_code(&found, "symlink-outside")
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["content/rootlink", "content/up"].into());
}

#[test]
fn row_05_800_nested_folders_are_a_limit_not_a_crash() {
    let site = minimal("row05");
    let deep: String = (0..800).map(|_| "d/").collect();
    site.write(&format!("content/{deep}page.md"), "# Deep\n");
    site.write("content/shallow/page.md", "# Shallow\n");
    let run = build(&site);
    assert!(run.code == 0 || run.code == 1, "{}", run.all());
    assert!(
        site.output("en/shallow/page/index.html")
            .contains("Shallow")
    );
    assert!(run.stderr.contains("limit-exceeded"), "{}", run.all());
    let found = diagnostics(&site);
    let limits = with_code(&found, "limit-exceeded");
    assert_eq!(limits.len(), 1, "{found:?}");
    assert!(limits[0]["hint"].as_str().is_some());
}

#[test]
fn row_07_a_chain_of_1000_tocs_is_bounded() {
    let site = minimal("row07");
    for i in 0..1000 {
        site.write(&format!("content/c{i}/p.md"), &format!("# Page {i}\n"));
        site.write(
            &format!("content/c{i}/toc.yml"),
            &format!(
                "- name: Page {i}\n  href: p.md\n- name: Next\n  href: ../c{}/toc.yml\n",
                i + 1
            ),
        );
    }
    let run = build(&site);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(site.output("en/c0/p/index.html").contains("Page 0"));
    assert!(run.stderr.contains("limit-exceeded"), "{}", run.all());
    let found = diagnostics(&site);
    let limits = with_code(&found, "limit-exceeded");
    assert!(!limits.is_empty());
    for d in &limits {
        assert!(
            d["message"].as_str().unwrap().contains("nested more than"),
            "{d}"
        );
        assert_eq!(d["line"], 4, "{d}");
    }
}

#[test]
fn row_09_huge_and_deep_front_matter_are_limits() {
    let site = minimal("row09");
    let keys: String = (0..100_000).map(|i| format!("key{i}: value\n")).collect();
    site.write("content/keys.md", &format!("---\n{keys}---\n# Keys\n"));
    site.write(
        "content/deep.md",
        &format!(
            "---\nx: {}{}\n---\n# Deep\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    site.write("content/fine.md", "---\ntitle: Fine\n---\n# Fine\n");
    let run = build(&site);
    assert_eq!(run.code, 1, "two pages cannot be built: {}", run.all());
    assert!(site.output("en/fine/index.html").contains("Fine"));
    let found = diagnostics(&site);
    let limits = with_code(&found, "limit-exceeded");
    let places: BTreeSet<(&str, u64)> = limits
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        places,
        [("content/deep.md", 2), ("content/keys.md", 2)].into()
    );
}

#[test]
fn row_11_content_at_generated_paths_is_a_collision_with_one_outcome() {
    let site = minimal("row11");
    site.write("content/404.html", "<p>content 404</p>")
        .write("content/index.html", "<p>content index</p>")
        .write("content/sitemap.xml", "<p>content sitemap</p>")
        .write("content/theme/folio.js", "/* content script */")
        .write("content/_folio/nav/en/pages.html", "<p>content nav</p>");
    let mut outputs = Vec::new();
    for _ in 0..6 {
        let run = build(&site);
        assert_eq!(run.code, 0, "{}", run.all());
        outputs.push(tree(&site.path("public")));
    }
    assert!(outputs.iter().all(|o| o == &outputs[0]), "builds differ");
    for (path, content) in [
        ("404.html", "content 404"),
        ("index.html", "content index"),
        ("sitemap.xml", "content sitemap"),
        ("theme/folio.js", "content script"),
        ("_folio/nav/en/pages.html", "content nav"),
    ] {
        // `_folio/` is Folio's even where it writes nothing today.
        assert!(
            !site.exists(&format!("public/{path}")) || !site.output(path).contains(content),
            "{path} is the content file"
        );
    }
    assert!(site.output("404.html").contains("noindex"));
    let found = diagnostics(&site);
    let collisions: BTreeSet<&str> = with_code(&found, "path-collision")
        .iter()
        .inspect(|d| assert_eq!(d["severity"], "error"))
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        collisions,
        [
            "content/404.html",
            "content/_folio/nav/en/pages.html",
            "content/index.html",
            "content/sitemap.xml",
            "content/theme/folio.js"
        ]
        .into()
    );
}

#[test]
fn row_13_case_and_normalization_twins_are_collisions() {
    let site = minimal("row13");
    site.write("content/Page.md", "# Upper\n")
        .write("content/page.md", "# Lower\n")
        .write("content/caf\u{e9}.md", "# NFC\n")
        .write("content/cafe\u{301}.md", "# NFD\n")
        .write("content/media/Logo.png", "upper")
        .write("content/media/logo.png", "lower");
    let run = build(&site);
    assert_eq!(run.code, 0, "{}", run.all());
    let (files, _) = published(&site);
    let pages: Vec<&String> = files
        .iter()
        .filter(|f| {
            f.ends_with("/index.html")
                && f.starts_with("en/")
                && f.matches('/').count() == 2
                && *f != "en/print/index.html"
        })
        .collect();
    assert_eq!(
        pages,
        ["en/Page/index.html", "en/cafe\u{301}/index.html"],
        "one output per folded path"
    );
    assert!(
        files.contains("media/Logo.png") && !files.contains("media/logo.png"),
        "{files:?}"
    );
    let found = diagnostics(&site);
    let losers: BTreeSet<&str> = with_code(&found, "path-collision")
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        losers,
        [
            "content/caf\u{e9}.md",
            "content/media/logo.png",
            "content/page.md"
        ]
        .into()
    );
}

#[test]
fn row_12_same_size_older_asset_is_republished() {
    let site = minimal("row12");
    site.write("content/media/a.png", "AAAA");
    assert_eq!(build(&site).code, 0);
    assert_eq!(site.output("media/a.png"), "AAAA");
    site.write("content/media/a.png", "BBBB");
    let older = std::time::SystemTime::now() - Duration::from_secs(7 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(site.path("content/media/a.png"))
        .unwrap()
        .set_modified(older)
        .unwrap();
    assert_eq!(build(&site).code, 0);
    assert_eq!(site.output("media/a.png"), "BBBB");
}

#[test]
fn row_14_user_files_in_the_output_survive_builds() {
    let site = minimal("row14");
    site.write("content/old.md", "# Old\n");
    assert_eq!(build(&site).code, 0);
    site.write("public/CNAME", "docs.example.com\n");
    site.write("public/en/notes.txt", "mine");
    std::fs::remove_file(site.path("content/old.md")).unwrap();
    let run = build(&site);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(site.output("CNAME"), "docs.example.com\n");
    assert_eq!(site.output("en/notes.txt"), "mine");
    assert!(
        !site.exists("public/en/old"),
        "the removed page's output is gone"
    );
    assert!(site.exists("public/en/index.html"));
}

#[test]
fn row_17_language_codes_and_dirs_are_validated() {
    for (config, key) in [
        ("languages:\n  - { code: en }\n  - { code: .. }\n", "code"),
        (
            "languages:\n  - { code: en }\n  - { code: fr, dir: ../outside }\n",
            "dir",
        ),
        (
            "languages:\n  - { code: en }\n  - { code: fr, dir: /tmp/elsewhere }\n",
            "dir",
        ),
    ] {
        let site = minimal("row17");
        site.write("folio.yml", config);
        let run = site.folio("build", &[]);
        assert_eq!(run.code, 2, "{config}: {}", run.all());
        assert!(
            run.stderr.contains("folio.yml:3:"),
            "{config}: {}",
            run.all()
        );
        assert!(
            run.stderr.contains(&format!("`{key}: ")),
            "{config}: {}",
            run.all()
        );
        assert!(
            !run.stderr.contains("unsafe output directory"),
            "{}",
            run.all()
        );
        assert!(!site.exists("public"), "nothing is written");
    }
}

#[test]
fn row_18_config_errors_name_the_real_line() {
    for (config, place) in [
        (
            "languages:\n  - code: en\n  - code: es\n    suffixes: [es]\n  - code: \"zh/Hans\"\n",
            "folio.yml:5:11:",
        ),
        (
            "languages:\n  - { code: en }\n  - { code: es, suffixes: [es] }\n  - { code: pt, suffixes: [pt, es] }\n",
            "folio.yml:4:32:",
        ),
        (
            "checks:\n  external:\n    # timeout: 10 is the default\n    timeout: 0\n",
            "folio.yml:4:14:",
        ),
    ] {
        let site = minimal("row18");
        site.write("folio.yml", config);
        let run = site.folio("check", &[]);
        assert_eq!(run.code, 2, "{config}: {}", run.all());
        assert!(
            run.stderr.contains(place),
            "{config}: want {place} in {}",
            run.all()
        );
    }
}

#[test]
fn row_18_flow_style_toc_entries_are_reported_at_their_line() {
    let site = minimal("row18toc");
    site.write(
        "content/toc.yml",
        "- {name: Home, href: index.md}\n- {name: Gone, href: gone.md}\n",
    );
    site.write(
        "content/more/toc.yml",
        "[\n  {name: Here, href: here.md},\n  {name: Away, href: away.md}\n]\n",
    );
    site.write("content/more/here.md", "# Here\n");
    let found = diagnostics(&site);
    let places: BTreeSet<(&str, u64, u64)> = with_code(&found, "toc-broken")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [("content/more/toc.yml", 3, 22), ("content/toc.yml", 2, 22)].into()
    );
}

/// The limits documented in the README are the ones in `src/limits.rs`.
#[test]
fn readme_lists_the_limits() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("\n### Limits\n").expect("a Limits section");
    let section = &readme[start..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    for figure in [
        folio::limits::FOLDER_DEPTH.to_string(),
        folio::limits::TOC_DEPTH.to_string(),
        group(folio::limits::TOC_ENTRIES),
        group(folio::limits::CONTENT_ENTRIES),
        folio::yaml::bytes(folio::limits::FRONT_MATTER.bytes),
        folio::yaml::bytes(folio::limits::CONFIG.bytes),
        folio::yaml::bytes(folio::limits::TEXT_FILE_BYTES as usize),
        folio::limits::YAML_DEPTH.to_string(),
        folio::limits::INCLUDE_DEPTH.to_string(),
        folio::yaml::bytes(folio::limits::EXPANDED_PAGE_BYTES),
        group(folio::limits::INCLUDES_PER_PAGE),
        folio::limits::HTML_DEPTH.to_string(),
        folio::yaml::bytes(folio::limits::HTTP_LINE_BYTES),
        folio::yaml::bytes(folio::limits::HTTP_HEAD_BYTES),
        folio::limits::HTTP_HEADERS.to_string(),
        folio::yaml::bytes(folio::limits::HTTP_BODY_BYTES as usize),
        seconds(folio::limits::HTTP_HEADER_TIMEOUT),
        seconds(folio::limits::HTTP_IDLE_TIMEOUT),
        seconds(folio::limits::HTTP_WRITE_TIMEOUT),
        folio::limits::HTTP_CONNECTIONS.to_string(),
        folio::limits::LIVE_STREAMS.to_string(),
        folio::yaml::bytes(folio::limits::LIVE_STREAM_BYTES),
    ] {
        assert!(
            section.contains(&format!("| {figure} |")),
            "README's Limits table lacks {figure}"
        );
    }
}

/// `10 s`, as the README writes durations.
fn seconds(d: std::time::Duration) -> String {
    format!("{} s", d.as_secs())
}

/// `100000` → `100,000`, as the README writes numbers.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
