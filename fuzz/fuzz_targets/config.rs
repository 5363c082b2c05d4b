//! `folio.yml`: parsed, validated and, when valid, used to build a small
//! fixed site (language folders and suffixes, includes, a toc, assets).

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

const SITE: &[(&str, &[u8])] = &[
    ("en/index.md", b"# Home\n\n[A](a.md) [es](../es/a-es.md)\n"),
    (
        "en/a.md",
        b"---\ntitle: A\nms.date: 5/02/2019\n---\n# A\n\n[!INCLUDE [i](includes/i.md)]\n",
    ),
    ("en/includes/i.md", b"Included [home](../index.md).\n"),
    ("es/a-es.md", b"# A\n"),
    ("spanish-playbook/b-es.md", b"# B\n"),
    ("german-playbook/b.de.md", b"# B\n"),
    ("notes-jp.md", b"# N\n"),
    ("toc.yml", b"- name: Home\n  href: en/index.md\n"),
    ("en/media/x.png", b""),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(built) = folio::fuzzing::site(text, SITE) {
        common::check(&built);
        if let Ok(again) = folio::fuzzing::site(text, SITE) {
            common::same(&built, &again);
        }
    }
});
