//! A page's search record in bytes: LEB128 numbers, UTF-8 strings. Every
//! page's record is read each time its language's index is written
//! (every build, and every save in `serve`), so this is a plain loop
//! rather than a JSON parse.

use super::record::{Hit, Snippet};

/// Sorted hits as the differences between them.
pub(super) fn encode_hits(hits: &[Hit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hits.len() * 2);
    let mut prev = 0;
    for hit in hits {
        put(&mut out, (hit.bits() - prev) as usize);
        prev = hit.bits();
    }
    out
}

/// The hits [`encode_hits`] wrote; stops at bytes it did not make.
pub(super) fn decode_hits(bytes: &[u8]) -> impl Iterator<Item = Hit> + '_ {
    let mut r = Reader { bytes, at: 0 };
    let mut prev: u32 = 0;
    std::iter::from_fn(move || {
        let step = u32::try_from(r.num()?).ok()?;
        prev = prev.checked_add(step)?;
        Some(Hit::from_bits(prev))
    })
}

pub(super) fn encode_snippets(sections: &[Snippet]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    put(&mut out, sections.len());
    for (anchor, heading, text) in sections {
        put_str(&mut out, anchor);
        put_str(&mut out, heading);
        put_str(&mut out, text);
    }
    out
}

/// `None` only for bytes [`encode_snippets`] did not make.
pub(super) fn decode_snippets(bytes: &[u8]) -> Option<Vec<Snippet>> {
    let mut r = Reader { bytes, at: 0 };
    let n = r.num()?;
    let mut sections = Vec::with_capacity(n.min(bytes.len()));
    for _ in 0..n {
        sections.push((r.string()?, r.string()?, r.string()?));
    }
    Some(sections)
}

fn put(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn num(&mut self) -> Option<usize> {
        let mut n: usize = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            n |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn string(&mut self) -> Option<String> {
        let len = self.num()?;
        let end = self.at.checked_add(len)?;
        let s = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_come_back_as_they_went_in() {
        let sections: Vec<Snippet> = vec![
            ("".into(), "".into(), "x".repeat(200)),
            ("a".into(), "Évaluation".into(), "迁移".into()),
        ];
        let bytes = encode_snippets(&sections);
        assert_eq!(decode_snippets(&bytes), Some(sections));
        assert_eq!(decode_snippets(&[0xff]), None);
        assert_eq!(decode_snippets(&[]), None);
    }

    #[test]
    fn hits_come_back_as_they_went_in() {
        let hits: Vec<Hit> = [0, 1, 6, 300, 70_000, u32::MAX]
            .into_iter()
            .map(Hit::from_bits)
            .collect();
        let bytes = encode_hits(&hits);
        assert_eq!(decode_hits(&bytes).collect::<Vec<_>>(), hits);
        assert_eq!(decode_hits(&[0xff]).count(), 0);
    }
}
