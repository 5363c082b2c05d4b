//! Pages' HTML between parsing and writing, kept out of memory.
//!
//! `build` and `serve` make a page's HTML in the same walk that parses it
//! (a second walk at render time would cost as much again), but a page is
//! written only once the whole site is resolved. Holding every page's HTML
//! until then would be most of a build's memory and grow with the site, so
//! each body goes to a scratch file as soon as it is made and is read back
//! when its page is written. The file is unnamed (it has no path and
//! disappears with the process), in the output folder, which is the only
//! place Folio writes; the system's page cache keeps it fast.
//!
//! If the scratch file cannot be written (a full disk), a body stays in
//! memory: slower to hold, never lost.

use crate::markdown::{Body, Slot};
use std::fs::File;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where pages' bodies are kept until their pages are written.
#[derive(Debug)]
pub(crate) struct BodyStore {
    /// `None`: every body is held in memory.
    file: Option<File>,
    /// Bytes handed out so far: each body gets its own range, so parallel
    /// parses write without taking turns.
    end: AtomicU64,
}

/// One page's body, as the store keeps it.
#[derive(Clone, Debug)]
pub(crate) struct StoredBody {
    html: Place,
    slots: Vec<Slot>,
}

#[derive(Clone, Debug)]
enum Place {
    File { offset: u64, len: usize },
    Memory(String),
}

impl BodyStore {
    /// A store writing into `scratch` (an unnamed file), or, given none,
    /// one that holds bodies in memory.
    pub(crate) fn new(scratch: Option<File>) -> BodyStore {
        BodyStore {
            file: scratch,
            end: AtomicU64::new(0),
        }
    }

    /// Keeps a body; the returned handle reads it back.
    pub(crate) fn put(&self, body: Body) -> StoredBody {
        let (html, slots) = body.into_stored();
        let Some(file) = &self.file else {
            return StoredBody {
                html: Place::Memory(html),
                slots,
            };
        };
        let len = html.len();
        let offset = self.end.fetch_add(len as u64, Ordering::Relaxed);
        let html = match write_at(file, html.as_bytes(), offset) {
            Ok(()) => Place::File { offset, len },
            Err(_) => Place::Memory(html),
        };
        StoredBody { html, slots }
    }

    /// The body a [`BodyStore::put`] kept.
    pub(crate) fn get(&self, stored: &StoredBody) -> std::io::Result<Body> {
        let html = match (&stored.html, &self.file) {
            (Place::Memory(html), _) => html.clone(),
            (Place::File { offset, len }, Some(file)) => {
                let mut bytes = vec![0; *len];
                read_at(file, &mut bytes, *offset)?;
                String::from_utf8(bytes)
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?
            }
            (Place::File { .. }, None) => {
                return Err(std::io::Error::other("the body is in another store"));
            }
        };
        Ok(Body::from_stored(html, stored.slots.clone()))
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_read(bytes, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn write_at(_: &File, _: &[u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(not(any(unix, windows)))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Body;

    fn body(html: &str) -> Body {
        Body::from_stored(html.to_string(), Vec::new())
    }

    #[test]
    fn bodies_come_back_as_they_went_in() {
        let scratch = tempfile::tempfile().expect("scratch file");
        for store in [BodyStore::new(Some(scratch)), BodyStore::new(None)] {
            let kept: Vec<StoredBody> = ["<p>a</p>", "", "<p>é日本</p>"]
                .iter()
                .map(|h| store.put(body(h)))
                .collect();
            let back: Vec<String> = kept
                .iter()
                .map(|k| store.get(k).expect("read back").render(|_| String::new()))
                .collect();
            assert_eq!(back, ["<p>a</p>", "", "<p>é日本</p>"]);
        }
    }

    #[test]
    fn a_failed_write_keeps_the_body_in_memory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("read-only");
        std::fs::write(&path, "").expect("create");
        let read_only = File::open(&path).expect("open read-only");
        let store = BodyStore::new(Some(read_only));
        let kept = store.put(body("<p>kept</p>"));
        assert!(matches!(kept.html, Place::Memory(_)));
        let back = store.get(&kept).expect("read back");
        assert_eq!(back.render(|_| String::new()), "<p>kept</p>");
    }
}
