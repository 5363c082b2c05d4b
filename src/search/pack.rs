//! A page's search record in bytes: LEB128 lengths and numbers, UTF-8
//! strings. Every page's record is unpacked each time its language's index
//! is written (every build, and every save in `serve`), so this is a
//! plain loop rather than a JSON parse.

use super::Unpacked;

/// The terms part (words and stems) and the snippets part, apart: writing
/// the term shards never needs the snippets.
pub(super) fn encode(u: &Unpacked) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::with_capacity(4096);
    for list in [&u.words, &u.stems] {
        put(&mut out, list.len());
        for (term, flag) in list {
            put_str(&mut out, term);
            put(&mut out, *flag as usize);
        }
    }
    let mut snippets = Vec::with_capacity(2048);
    put(&mut snippets, u.sections.len());
    for (anchor, heading, text) in &u.sections {
        put_str(&mut snippets, anchor);
        put_str(&mut snippets, heading);
        put_str(&mut snippets, text);
    }
    (out, snippets)
}

/// `None` only for bytes [`encode`] did not make; `snippets` may be left
/// out (the sections stay empty).
pub(super) fn decode(bytes: &[u8], snippets: Option<&[u8]>) -> Option<Unpacked> {
    let mut r = Reader { bytes, at: 0 };
    let mut u = Unpacked::default();
    for list in [&mut u.words, &mut u.stems] {
        let n = r.num()?;
        list.reserve(n.min(bytes.len()));
        for _ in 0..n {
            let term = r.string()?;
            let flag = u32::try_from(r.num()?).ok()?;
            list.push((term, flag));
        }
    }
    if let Some(bytes) = snippets {
        let mut r = Reader { bytes, at: 0 };
        let n = r.num()?;
        for _ in 0..n {
            u.sections.push((r.string()?, r.string()?, r.string()?));
        }
    }
    Some(u)
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
    fn records_come_back_as_they_went_in() {
        let u = Unpacked {
            words: vec![("évaluation".into(), 300), ("迁移".into(), 1)],
            stems: vec![("evalu".into(), 0)],
            sections: vec![
                ("".into(), "".into(), "x".repeat(200)),
                ("a".into(), "B".into(), "c".into()),
            ],
        };
        let (terms, snippets) = encode(&u);
        assert_eq!(decode(&terms, Some(&snippets)), Some(u));
        assert_eq!(decode(&[0xff], None), None);
        assert_eq!(decode(&[], None), None);
    }
}
