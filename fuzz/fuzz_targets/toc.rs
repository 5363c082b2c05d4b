//! `toc.yml` at the content root, over a small fixed site (pages, a
//! nested toc, an asset); after a NUL byte, other files
//! (`en/toc.yml\n…`) may follow.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

const SITE: &[(&str, &[u8])] = &[
    ("en/index.md", b"# Home\n\n## Start\n"),
    (
        "en/a.md",
        b"---\ntitle: A\n---\n# A\n\n## Setup\n\n## Setup\n",
    ),
    ("en/sub/b.md", b"# B\n"),
    ("en/sub/toc.yml", b"- name: B\n  href: b.md\n"),
    ("en/media/x.png", b""),
    ("es/a-es.md", b"# A es\n"),
];

fuzz_target!(|data: &[u8]| {
    let (toc, mut files) = common::split(data);
    files.extend_from_slice(SITE);
    let built = folio::fuzzing::toc(toc, &files);
    common::check(&built);
    common::same(&built, &folio::fuzzing::toc(toc, &files));
});
