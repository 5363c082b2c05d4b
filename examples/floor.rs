//! The floor of the benchmark: what producing a site's pages costs when a
//! program does nothing but read the Markdown, parse it with pulldown-cmark
//! and write the HTML, in parallel.
//!
//! ```text
//! cargo run --release --example floor -- CONTENT_DIR OUT_DIR
//! ```
//!
//! Every `*.md` under `CONTENT_DIR` becomes `OUT_DIR/<path without .md>/index.html`,
//! the same one-folder-per-page layout `folio build` writes, with the
//! Markdown extensions Folio enables; YAML front matter is skipped by the
//! parser. No templates, links, navigation or checks: the distance between
//! this and `folio build` is what Folio's own work costs.
//! `cargo run --release --example bench` runs it beside the other tools.

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: floor CONTENT_DIR OUT_DIR");
        std::process::exit(2);
    };
    let files: Vec<PathBuf> = WalkDir::new(content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let failures: Vec<String> = files
        .par_iter()
        .filter_map(|file| convert(content, out, file).err())
        .collect();
    for failure in &failures {
        eprintln!("floor: {failure}");
    }
    println!("{} pages", files.len() - failures.len());
    if !failures.is_empty() {
        std::process::exit(1);
    }
}

fn convert(content: &Path, out: &Path, file: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut page = String::with_capacity(text.len() * 2);
    html::push_html(&mut page, Parser::new_ext(&text, options));
    let relative = file
        .strip_prefix(content)
        .map_err(|e| format!("{}: {e}", file.display()))?
        .with_extension("");
    let dir = out.join(relative);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let target = dir.join("index.html");
    std::fs::write(&target, page).map_err(|e| format!("{}: {e}", target.display()))
}
