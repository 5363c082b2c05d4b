//! The incremental rebuild of `folio serve`, without the watcher and the
//! debounce around it, so it can be timed and profiled on its own.
//!
//! ```text
//! cargo run --release --example serve_rebuild -- SITE_ROOT [--edits 5] [--page en/x.md] [--create] [--no-check]
//! valgrind --tool=callgrind --toggle-collect='*Workspace::rebuild_content*' \
//!     target/release/examples/serve_rebuild SITE_ROOT --edits 1
//! ```
//!
//! Opens the site through `serve::Workspace`, which the server's rebuild
//! thread owns (first build into the output folder included), then appends
//! one line to one page `--edits` times. After each edit it calls
//! `Workspace::rebuild_content`, the call the server makes for a saved
//! page (the reload event goes out when it returns), then
//! `Workspace::check`, which the server runs after the reload. The page's
//! text is restored at the end. `--page` is content-relative; the default
//! is the first page of `content/en/`. With `--create`, each edit instead
//! creates a new page beside it (a file that came: the whole site is
//! resolved again), and the new pages are deleted at the end. With
//! `--no-check`, only the rebuilds run (for profiles of many saves).

use folio::serve::Workspace;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(root) = args.first().filter(|a| !a.starts_with("--")) else {
        fail("usage: serve_rebuild SITE_ROOT [--edits 5] [--page en/x.md]")
    };
    let root = PathBuf::from(root);
    let edits: usize = option("--edits").and_then(|v| v.parse().ok()).unwrap_or(5);
    let started = Instant::now();
    let (mut workspace, mut first) =
        Workspace::open(&root, "http://127.0.0.1:8000/").unwrap_or_else(|e| fail(&e.to_string()));
    workspace.check(&mut first);
    println!(
        "{} (with checks): {} ms",
        first.summary(),
        started.elapsed().as_millis()
    );

    let content = workspace.config().content_dir().to_path_buf();
    let page = option("--page").unwrap_or_else(|| first_page(&content));
    let file = content.join(&page);
    let original = std::fs::read_to_string(&file).unwrap_or_else(|e| fail(&e.to_string()));
    let create = args.iter().any(|a| a == "--create");
    let no_check = args.iter().any(|a| a == "--no-check");
    let mut created = Vec::new();
    for n in 1..=edits {
        let text = format!("{original}\nRebuild edit number {n}.\n");
        let (edited, changed) = if create {
            let new = page.replace(".md", &format!("-serve-rebuild-{n}.md"));
            created.push(content.join(&new));
            (content.join(&new), BTreeSet::from([new]))
        } else {
            (file.clone(), BTreeSet::from([page.clone()]))
        };
        std::fs::write(&edited, text).unwrap_or_else(|e| fail(&e.to_string()));
        let before = Instant::now();
        let mut rebuild = workspace.rebuild_content(&changed);
        let rebuilt = before.elapsed();
        if !no_check {
            workspace.check(&mut rebuild);
        }
        let checked = before.elapsed() - rebuilt;
        println!(
            "edit {n}: {} (rebuild_content {}), then checks {}",
            rebuild.summary(),
            ms(rebuilt),
            ms(checked)
        );
    }
    std::fs::write(&file, original).unwrap_or_else(|e| fail(&e.to_string()));
    for new in created {
        std::fs::remove_file(&new).unwrap_or_else(|e| fail(&e.to_string()));
    }
}

/// The first Markdown file of `content/en/`, content-relative.
fn first_page(content: &Path) -> String {
    let mut pages: Vec<String> = std::fs::read_dir(content.join("en"))
        .unwrap_or_else(|e| fail(&format!("{}/en: {e}", content.display())))
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".md") && n != "index.md")
        .collect();
    pages.sort();
    match pages.into_iter().next() {
        Some(name) => format!("en/{name}"),
        None => fail("no page in content/en/; name one with --page"),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn fail(message: &str) -> ! {
    eprintln!("serve_rebuild: {message}");
    std::process::exit(1)
}
