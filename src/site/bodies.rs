//! Pages' HTML between parsing and writing, compressed.
//!
//! `build` and `serve` make a page's HTML in the same walk that parses it
//! (a second walk at render time would cost as much again), but a page is
//! written only once the whole site is resolved. Holding every page's HTML
//! until then would be a large part of a build's memory and grow with the
//! site, so each body is kept LZ4-compressed (generated HTML shrinks about
//! fivefold, and compressing costs a small fraction of making it) and
//! unpacked when its page is written. A scratch file on disk was tried
//! first: on the benchmark machine its writes cost more system time than
//! parsing every page twice.

use crate::markdown::{Body, Slot};

/// One page's body, compressed, with its link slots.
#[derive(Clone, Debug)]
pub(crate) struct StoredBody {
    /// The HTML, LZ4 block format with its length in front.
    html: Box<[u8]>,
    slots: Box<[Slot]>,
}

impl StoredBody {
    /// Keeps a body.
    pub(crate) fn new(body: Body) -> StoredBody {
        let (html, slots) = body.into_stored();
        StoredBody {
            html: lz4_flex::compress_prepend_size(html.as_bytes()).into_boxed_slice(),
            slots: slots.into_boxed_slice(),
        }
    }

    /// The body as it was kept (`None` only if the bytes were damaged).
    pub(crate) fn body(&self) -> Option<Body> {
        let bytes = lz4_flex::decompress_size_prepended(&self.html).ok()?;
        let html = String::from_utf8(bytes).ok()?;
        Some(Body::from_stored(html, self.slots.to_vec()))
    }

    /// Bytes this body takes in memory (its HTML compressed).
    #[cfg(test)]
    fn kept_bytes(&self) -> usize {
        self.html.len() + std::mem::size_of_val(&*self.slots)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> Body {
        Body::from_stored(html.to_string(), Vec::new())
    }

    #[test]
    fn bodies_come_back_as_they_went_in() {
        for html in [
            "<p>a</p>",
            "",
            "<p>é日本</p>",
            &"<tr><td>x</td></tr>\n".repeat(500),
        ] {
            let kept = StoredBody::new(body(html));
            let back = kept.body().expect("unpacks");
            assert_eq!(back.render(|_| String::new()), html);
        }
    }

    #[test]
    fn generated_html_is_kept_in_a_fraction_of_its_size() {
        let html = "<tr><td class=\"task\">3616</td><td>Run the kickoff</td></tr>\n".repeat(200);
        assert!(StoredBody::new(body(&html)).kept_bytes() * 4 < html.len());
    }
}
