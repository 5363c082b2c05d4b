//! Markdown input that used to crash, exhaust memory, take quadratic time
//! or lose information, run through the real binary on small sites.

mod common;

use common::TempSite;

const CONFIG: &str =
    "title: T\ndefault_language: en\nlanguages:\n  - { code: en, name: English, dir: en }\n";

fn site(name: &str) -> TempSite {
    let site = TempSite::new(name);
    site.write("folio.yml", CONFIG)
        .write("content/en/index.md", "# Home\n");
    site
}

#[test]
fn rewritten_page_links_keep_their_query() {
    let site = site("query");
    site.write(
        "content/en/guide/a.md",
        "# A\n\n[tabbed](../target.md?tabs=azure#frag), [plain](../target.md?tabs=cli) \
         and ![img](../media/x.png?raw=true)\n",
    )
    .write("content/en/target.md", "# Target\n\n## Frag\n")
    .write_bytes("content/en/media/x.png", b"\x89PNG");
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = site.output("en/guide/a/index.html");
    assert!(
        html.contains("href=\"../../target/?tabs=azure#frag\""),
        "{html}"
    );
    assert!(html.contains("href=\"../../target/?tabs=cli\""), "{html}");
    assert!(
        html.contains("src=\"../../media/x.png?raw=true\""),
        "{html}"
    );
}

#[test]
fn an_include_chain_of_3000_files_is_cut_at_the_depth_limit() {
    let site = site("chain");
    for i in 0..3000 {
        site.write(
            &format!("content/en/includes/c{i}.md"),
            &format!("Level {i} [!INCLUDE [next](c{}.md)]\n", i + 1),
        );
    }
    site.write(
        "content/en/deep.md",
        "# Deep\n\n[!INCLUDE [start](includes/c0.md)]\n",
    );
    let run = site.folio("check", &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stdout
            .contains("content/en/includes/c63.md:1:10: error[limit-exceeded]"),
        "{}",
        run.all()
    );
    assert_eq!(run.stdout.matches("error[limit-exceeded]:").count(), 1);
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = site.output("en/deep/index.html");
    assert!(html.contains("Level 63") && !html.contains("Level 64"));
}

#[test]
fn fragments_including_each_other_ten_times_do_not_exhaust_memory() {
    let site = site("fanout");
    for i in 0..10 {
        let line = if i < 9 {
            format!("[!INCLUDE [n](f{}.md)]\n", i + 1)
        } else {
            "Leaf line.\n".to_string()
        };
        site.write(&format!("content/en/includes/f{i}.md"), &line.repeat(10));
    }
    site.write(
        "content/en/bomb.md",
        "# Bomb\n\n[!INCLUDE [f](includes/f0.md)]\n\nAfter.\n",
    );
    let run = site.folio("check", &[]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(
        run.stdout.matches("error[limit-exceeded]:").count(),
        1,
        "{}",
        run.all()
    );
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = site.output("en/bomb/index.html");
    assert!(html.contains("Leaf line.") && html.contains("After."));
    assert!(html.len() < 16 << 20, "{} bytes", html.len());
}

#[test]
fn three_hundred_thousand_links_on_one_line_are_located() {
    let site = site("links");
    let line = "[a](#many-links) ".repeat(300_000);
    site.write(
        "content/en/many.md",
        &format!("# Many links\n\n{line}[z](#nope)\n"),
    );
    let run = site.folio("check", &["--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("json report");
    let found = &report["diagnostics"][0];
    assert_eq!(found["code"], "link-anchor");
    assert_eq!(found["line"], 3);
    assert_eq!(found["column"], line.len() + 1);
    assert_eq!(report["diagnostics"].as_array().map(Vec::len), Some(1));
}

#[test]
fn no_id_appears_twice_on_a_built_page() {
    let site = site("ids");
    site.write(
        "content/en/ids.md",
        "# Ids\n\n## Folio main\n\n## Folio nav\n\n## On this page {#folio-otp}\n\n\
         ## Note\n\nSee[^note].\n\n[^note]: A note.\n\n<div id=\"box\">x</div>\n\n## Box\n\n\
         ## Twice {#twice}\n\n## Again {#twice}\n\n## Ids\n",
    );
    let run = site.folio("build", &[]);
    assert_eq!(run.code, 0, "{}", run.all());
    let html = site.output("en/ids/index.html");
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "duplicate ids in {html}");
    for id in [
        "folio-main",
        "folio-main-1",
        "folio-nav-1",
        "folio-otp-1",
        "fn:1",
        "box-1",
        "twice-1",
        "ids-1",
    ] {
        assert!(ids.contains(&id), "{id} missing: {ids:?}");
    }
}
