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
