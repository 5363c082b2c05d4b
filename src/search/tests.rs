use super::*;

fn page(sections: &[(&str, &str, &str)]) -> PageText {
    let mut text = PageText::default();
    for (anchor, heading, body) in sections {
        if !anchor.is_empty() {
            text.start_section(anchor, heading);
        }
        text.push_text(body);
        text.push_break();
    }
    text
}

/// The index of `pages` as `folio build` writes it: postings made anew.
fn write_index(
    lang: &str,
    pages: &[IndexedPage<'_>],
    chunks: &Chunks,
    shards: &Shards<'_>,
    vocabulary: &Vocabulary,
) -> Vec<IndexFile> {
    let postings = postings_of(pages, vocabulary);
    index_files(lang, pages, &postings, chunks, shards, vocabulary)
}

#[test]
fn shard_keys_are_two_characters_or_one_cjk() {
    assert_eq!(shard_key("evaluacion"), "ev");
    assert_eq!(shard_key("e"), "e");
    assert_eq!(shard_key("迁移"), "迁");
    assert_eq!(shard_key("über"), "üb");
    // Prefixes share their key, so a prefix search needs one shard.
    assert_eq!(shard_of("evalua", 64), shard_of("evaluacion", 64));
}

/// The shard that holds `term`, parsed back from the written script.
fn shard_for(files: &[IndexFile], term: &str) -> serde_json::Value {
    let meta = json_of(files, "meta.js");
    let n = shard_of(term, meta["shards"].as_u64().unwrap_or(1) as usize);
    json_of(files, &format!("t{n}.js"))
}

fn json_of(files: &[IndexFile], name: &str) -> serde_json::Value {
    let file = files
        .iter()
        .find(|f| f.path.ends_with(&format!("/{name}")))
        .unwrap_or_else(|| panic!("{name} written"));
    let text = String::from_utf8(file.bytes.clone()).expect("utf-8");
    let json = text
        .splitn(4, ',')
        .nth(3)
        .and_then(|rest| rest.trim_end().strip_suffix(");"))
        .expect("folioSearch.add(kind,lang,n,data);");
    serde_json::from_str(json).expect("json")
}

#[test]
fn words_stems_sections_and_tasks_are_indexed() {
    let mut text = page(&[
        ("", "", "Intro <b>text</b>"),
        ("evaluacion", "Evaluación", "Las migraciones de datos."),
    ]);
    text.add_task("task-3979", "3979", "Planificar la reunión", "Socio");
    let vocabulary = Vocabulary::default();
    let title = "Guía de migración";
    let record = Record::new(text, title, "es", &vocabulary);
    let pages = [IndexedPage {
        url: "es/guia/",
        title,
        record: Some(&record),
    }];
    let files = write_index("es", &pages, &Chunks::All, &Shards::All, &vocabulary);
    // Postings name pages: page 0, + 1 when in a heading or the title.
    assert_eq!(
        shard_for(&files, "evaluacion")["w"]["evaluacion"],
        serde_json::json!([1])
    );
    assert_eq!(
        shard_for(&files, "intro")["w"]["intro"],
        serde_json::json!([0])
    );
    // The task row's ID and name head a section of their own.
    assert_eq!(
        shard_for(&files, "3979")["w"]["3979"],
        serde_json::json!([1])
    );
    assert!(shard_for(&files, "planificar")["w"]["planificar"].is_array());
    // Stems: `migraciones` and the title's `migración` share one.
    let stem = tokenize::stemmer("es").map(|s| s.stem("migraciones").to_string());
    let stem = tokenize::fold(&stem.unwrap_or_default());
    assert!(
        shard_for(&files, &stem)["s"][&stem].is_array()
            || shard_for(&files, &stem)["s"][&stem] == 0
    );
    // Snippets: the section texts, markup characters escaped in the script.
    let chunk = json_of(&files, "d0.js");
    assert_eq!(chunk[0][0], "es/guia/");
    assert_eq!(chunk[0][2][1][0], "evaluacion");
    assert_eq!(chunk[0][2][0][2], "Intro <b>text</b>");
    let raw = String::from_utf8(
        files
            .iter()
            .find(|f| f.path.ends_with("d0.js"))
            .unwrap()
            .bytes
            .clone(),
    )
    .unwrap();
    assert!(!raw.contains('<'), "{raw}");
}

#[test]
fn every_language_has_its_own_folder() {
    let files = write_index(
        "ja",
        &[],
        &Chunks::All,
        &Shards::All,
        &Vocabulary::default(),
    );
    assert!(
        files
            .iter()
            .all(|f| f.path.starts_with("_folio/search/ja/"))
    );
    assert_eq!(json_of(&files, "meta.js")["docs"], 0);
}

#[test]
fn postings_are_page_differences_with_a_heading_flag() {
    let vocabulary = Vocabulary::default();
    let titles = ["One", "Beta title", "Three", "Four"];
    let pages: Vec<Record> = ["alpha beta", "beta", "gamma", "beta"]
        .iter()
        .zip(titles)
        .map(|(t, title)| Record::new(page(&[("", "", t)]), title, "en", &vocabulary))
        .collect();
    let indexed: Vec<IndexedPage<'_>> = pages
        .iter()
        .zip(titles)
        .map(|(r, title)| IndexedPage {
            url: "en/x/",
            title,
            record: Some(r),
        })
        .collect();
    let files = write_index("en", &indexed, &Chunks::All, &Shards::All, &vocabulary);
    // Pages 0, 1 (title: flagged), 3: 0, (1-0)*2+1, (3-1)*2.
    assert_eq!(
        shard_for(&files, "beta")["w"]["beta"],
        serde_json::json!([0, 3, 4])
    );
}

#[test]
fn long_pages_keep_short_snippets() {
    let long = "word ".repeat(2_000);
    let sections: Vec<(String, String, String)> = (0..20)
        .map(|i| (format!("s{i}"), format!("Heading {i}"), long.clone()))
        .collect();
    let borrowed: Vec<(&str, &str, &str)> = sections
        .iter()
        .map(|(a, h, t)| (a.as_str(), h.as_str(), t.as_str()))
        .collect();
    let record = Record::new(page(&borrowed), "Long", "en", &Vocabulary::default());
    let snippets = record.snippets();
    let kept: usize = snippets.iter().map(|s| s.2.len()).sum();
    assert!(kept <= limits::SEARCH_PAGE_SNIPPET_BYTES, "{kept}");
    assert!(
        snippets
            .iter()
            .all(|s| s.2.len() <= limits::SEARCH_SNIPPET_BYTES)
    );
    assert_eq!(
        snippets.len(),
        21,
        "every heading stays, for choosing the section"
    );
}

#[test]
fn two_sites_in_one_process_keep_their_own_numbers() {
    // The same thread makes records for two vocabularies in turn: its
    // cache of runs must not hand one site's numbers to the other.
    let first = Vocabulary::default();
    let second = Vocabulary::default();
    let _ = second.intern("padding");
    let a = Record::new(page(&[("", "", "kickoff")]), "A", "en", &first);
    let b = Record::new(page(&[("", "", "kickoff")]), "B", "en", &second);
    let pages = |r| {
        [IndexedPage {
            url: "en/x/",
            title: "T",
            record: Some(r),
        }]
    };
    for (vocabulary, record) in [(&first, &a), (&second, &b)] {
        let files = write_index("en", &pages(record), &Chunks::All, &Shards::All, vocabulary);
        assert_eq!(
            shard_for(&files, "kickoff")["w"]["kickoff"],
            serde_json::json!([0])
        );
    }
}

#[test]
fn a_record_has_each_term_once_flagged_if_any_use_is_in_a_heading() {
    let vocabulary = Vocabulary::default();
    let text = page(&[("", "", "beta alpha beta"), ("s", "Gamma", "alpha")]);
    let record = Record::new(text, "Alpha", "en", &vocabulary);
    let terms = vocabulary.read();
    let hits: Vec<(&str, bool, bool)> = record
        .hits()
        .map(|h| (terms.name(h.term()), h.is_stem(), h.in_heading()))
        .collect();
    let mut expected = vec![
        ("alpha", false, true),
        ("alpha", true, true),
        ("beta", false, false),
        ("beta", true, false),
        ("gamma", false, true),
        ("gamma", true, true),
    ];
    let mut got = hits.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

#[test]
fn scripts_escape_what_ends_or_breaks_them() {
    assert_eq!(
        escape_for_script("a<b>&c\u{2028}d\u{2029}é迁"),
        "a\\u003cb\\u003e\\u0026c\\u2028d\\u2029é迁"
    );
    assert_eq!(escape_for_script("plain"), "plain");
}

/// The index of `texts` (one page each, titled by number) in full, and
/// the records it was made from.
fn full_index(texts: &[String], vocabulary: &Vocabulary) -> (Vec<IndexFile>, Vec<Record>) {
    let records: Vec<Record> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Record::new(page(&[("", "", t)]), &format!("P{i}"), "en", vocabulary))
        .collect();
    let files = write_index(
        "en",
        &indexed(&records),
        &Chunks::All,
        &Shards::All,
        vocabulary,
    );
    (files, records)
}

fn indexed(records: &[Record]) -> Vec<IndexedPage<'_>> {
    records
        .iter()
        .map(|r| IndexedPage {
            url: "en/x/",
            title: "T",
            record: Some(r),
        })
        .collect()
}

/// What `serve` writes after page `edited` changed from `old` to `new`.
fn index_after_edit(
    old: &[Record],
    new: &[Record],
    edited: usize,
    vocabulary: &Vocabulary,
) -> Vec<IndexFile> {
    let mut changes = HitChanges::default();
    changes.add(old.get(edited), new.get(edited));
    // The postings `serve` kept from before the edit, brought up to date.
    let mut kept = postings_of(&indexed(old), vocabulary);
    kept.replace(
        edited as u32,
        old.get(edited),
        new.get(edited),
        &vocabulary.read(),
    );
    index_files(
        "en",
        &indexed(new),
        &kept,
        &Chunks::Only(vec![edited / CHUNK]),
        &Shards::Changed(&changes),
        vocabulary,
    )
}

/// Every file of `part` is the same-named file of `full`, byte for byte.
fn assert_written_as_in(part: &[IndexFile], full: &[IndexFile]) {
    for f in part {
        assert_eq!(Some(f.bytes.as_slice()), file(full, &f.path), "{}", f.path);
    }
}

fn file<'a>(files: &'a [IndexFile], path: &str) -> Option<&'a [u8]> {
    files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.bytes.as_slice())
}

#[test]
fn an_edit_rewrites_only_the_shards_it_changes_and_they_match_a_full_index() {
    let vocabulary = Vocabulary::default();
    // Enough distinct words for many shards.
    let texts: Vec<String> = (0..3000)
        .map(|i| {
            let own: String = (0..8).map(|k| format!(" w{i}x{k}")).collect();
            format!("common word{i} shared{} alpha{} beta{own}", i % 7, i % 31)
        })
        .collect();
    let (before, old) = full_index(&texts, &vocabulary);
    let edits = [
        "common brandnewword beta", // joins a new list, leaves others
        "common word5 shared5 alpha5 beta w5x0 w5x1 w5x2 w5x3 w5x4 w5x5 w5x6 w5x7", // the same
        "# common\n\nword5 shared5 alpha5 beta w5x0 w5x1 w5x2 w5x3 w5x4 w5x5 w5x6 w5x7", // a heading flag
    ];
    for edit in edits {
        let mut texts = texts.clone();
        texts[5] = edit.to_string();
        let (after, new) = full_index(&texts, &vocabulary);
        let part = index_after_edit(&old, &new, 5, &vocabulary);
        assert_written_as_in(&part, &after);
        // What the part leaves out is the same in the full index before
        // and after the edit.
        for f in after.iter().filter(|f| f.path.contains("/t")) {
            if file(&part, &f.path).is_none() {
                assert_eq!(
                    file(&before, &f.path),
                    Some(f.bytes.as_slice()),
                    "{}",
                    f.path
                );
            }
        }
        let shards = part.iter().filter(|f| f.path.contains("/t")).count();
        let all = after.iter().filter(|f| f.path.contains("/t")).count();
        assert!(all > 4, "{all} shards");
        assert!(shards < all, "{edit:?}: {shards} of {all} shards rewritten");
    }
}

#[test]
fn an_edit_that_changes_the_shard_count_rewrites_every_shard() {
    let vocabulary = Vocabulary::default();
    let texts: Vec<String> = (0..50).map(|i| format!("word{i}")).collect();
    let (before, old) = full_index(&texts, &vocabulary);
    let mut grown = texts.clone();
    grown[0] = (0..6000).map(|i| format!("many{i} ")).collect();
    let (after, new) = full_index(&grown, &vocabulary);
    let part = index_after_edit(&old, &new, 0, &vocabulary);
    let shards = |files: &[IndexFile]| files.iter().filter(|f| f.path.contains("/t")).count();
    assert_eq!(shards(&before), 1);
    assert!(shards(&after) > 1);
    assert_eq!(shards(&part), shards(&after));
    assert_written_as_in(&part, &after);
}
