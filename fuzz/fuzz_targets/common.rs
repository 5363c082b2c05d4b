//! What every fuzz target shares: reading several files out of one input,
//! and the invariants every build must keep.

#![allow(dead_code)]

use folio::fuzzing::Built;
use std::collections::HashSet;

/// Splits an input into its first file and named others: files are
/// separated by a NUL byte (which page text never contains: loading
/// replaces it), and each after the first starts with its
/// content-relative path on a line of its own.
pub fn split(data: &[u8]) -> (&[u8], Vec<(&str, &[u8])>) {
    let mut parts = data.split(|&b| b == 0);
    let first = parts.next().unwrap_or_default();
    let others = parts
        .filter_map(|part| {
            let end = part.iter().position(|&b| b == b'\n').unwrap_or(part.len());
            let name = std::str::from_utf8(&part[..end]).ok()?;
            Some((name, part.get(end + 1..).unwrap_or_default()))
        })
        .collect();
    (first, others)
}

/// Every output stays inside the output folder (each `/`-separated
/// segment a plain name; a `\` is a character of a name on the systems
/// Folio writes to, as in the content file it came from), and no two
/// outputs share a path (one would silently replace the other).
pub fn check(built: &Built) {
    let mut seen = HashSet::new();
    for (path, _) in &built.files {
        assert!(
            !path.is_empty()
                && !path.contains('\0')
                && path
                    .split('/')
                    .all(|s| !s.is_empty() && s != "." && s != ".."),
            "unsafe output path {path:?}"
        );
        assert!(seen.insert(path.as_str()), "two outputs at {path:?}");
    }
}
