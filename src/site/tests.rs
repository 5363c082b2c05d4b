use super::*;

#[test]
fn nearest_finds_typos_and_rejects_strangers() {
    let names = ["kickoff.md", "governance.md", "network-readiness.md"];
    assert_eq!(
        nearest("kickof.md", names.iter().copied()),
        Some("kickoff.md")
    );
    assert_eq!(
        nearest("Network-Readyness.md", names.iter().copied()),
        Some("network-readiness.md")
    );
    assert_eq!(nearest("glossary.md", names.iter().copied()), None);
    assert_eq!(
        nearest("guía-de-red", ["guia-de-red", "objetivos"].iter().copied()),
        Some("guia-de-red")
    );
}

#[test]
fn nearest_prefers_the_closest_then_the_first_in_order() {
    assert_eq!(
        nearest("abcd", ["abxx", "abcx", "abcy"].iter().copied()),
        Some("abcx")
    );
}

/// Levenshtein distance over characters, every cell (the reference).
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j + 1] + 1)
                .min(cur[j] + 1)
                .min(prev[j] + usize::from(ca != cb));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[test]
fn the_banded_distance_agrees_with_the_full_one_within_its_limit() {
    // Every pair of short strings over a small alphabet (many near
    // misses), every limit up to past their length.
    let words: Vec<Vec<char>> = (0..3u32.pow(5))
        .flat_map(|n| {
            (0..=5).map(move |len| {
                (0..len)
                    .map(|k| ['a', 'b', 'é'][(n / 3u32.pow(k)) as usize % 3])
                    .collect()
            })
        })
        .collect();
    let words: Vec<&Vec<char>> = words.iter().step_by(7).collect();
    for a in &words {
        for b in &words {
            let full = edit_distance(a, b);
            for limit in 0..=7 {
                assert_eq!(
                    edit_distance_within(a, b, limit),
                    (full <= limit).then_some(full),
                    "{a:?} {b:?} within {limit}"
                );
            }
        }
    }
}

#[test]
fn bag_distance_is_a_lower_bound() {
    let pairs = [
        ("kitten", "sitting"),
        ("guía", "guia"),
        ("abc", "cba"),
        ("", "abc"),
        ("ネットワーク", "ネットワ"),
    ];
    for (a, b) in pairs {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        assert!(
            bag_distance(&char_bag(&a), &char_bag(&b)) <= edit_distance(&a, &b),
            "{a:?} {b:?}"
        );
    }
}

#[test]
fn name_index_finds_typos_in_large_folders() {
    let mut index = NameIndex {
        names: (0..5000).map(|i| format!("process-{i:05}.md")).collect(),
        ..NameIndex::default()
    };
    index.names.push("network-readiness.md".into());
    index.sort();
    assert_eq!(
        index.nearest("process-01234-missing.md"),
        Some("process-01234.md")
    );
    assert_eq!(
        index.nearest("netwrok-readiness.md"),
        Some("network-readiness.md")
    );
    assert_eq!(index.nearest("xprocess-04999.md"), Some("process-04999.md"));
    assert_eq!(index.nearest("glossary.md"), None);
}
