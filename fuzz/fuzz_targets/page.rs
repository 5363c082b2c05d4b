//! The page pipeline: Markdown (front matter, includes, raw HTML, links,
//! task tables) in, rendered HTML and diagnostics out. The input is the
//! page, then NUL-separated other files (`en/includes/a.md\n…`).

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (page, files) = common::split(data);
    common::check(&folio::fuzzing::page(page, &files));
});
