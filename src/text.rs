//! Leaf: text files as authors' editors save them. Bytes become Folio's
//! one text form (UTF-8, no BOM, `\n` line ends, no NUL), and a byte
//! offset becomes the line and column a diagnostic names.

use crate::yaml::Pos;

/// Bytes that are not UTF-8: where the first bad byte is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InvalidUtf8 {
    /// Line and column of the first bad byte.
    pub(crate) pos: Pos,
    /// Its byte offset (after a BOM, if any, is removed).
    pub(crate) offset: usize,
}

/// Decodes file bytes: a UTF-8 BOM removed, `\r\n` and `\r` turned into
/// `\n`, NUL into U+FFFD (CommonMark asks for it). A file that is already
/// clean UTF-8 with `\n` ends is not copied.
pub(crate) fn decode(mut bytes: Vec<u8>) -> Result<String, InvalidUtf8> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(normalize_line_ends(text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = std::str::from_utf8(&bytes[..offset]).unwrap_or("");
            Err(InvalidUtf8 {
                pos: position(prefix, offset),
                offset,
            })
        }
    }
}

/// Line ends to `\n`, NUL to U+FFFD.
fn normalize_line_ends(text: String) -> String {
    if memchr::memchr2(b'\r', 0, text.as_bytes()).is_none() {
        return text;
    }
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "\u{FFFD}")
}

/// The 1-based line and character column of a byte offset in `text` (an
/// offset inside a character counts as that character).
pub(crate) fn position(text: &str, offset: usize) -> Pos {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() as u32 + 1;
    Pos { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_crlf() {
        assert_eq!(
            decode(b"\xEF\xBB\xBF---\r\na: b\r\n---\r\n".to_vec()).unwrap(),
            "---\na: b\n---\n"
        );
        assert_eq!(decode(b"a\rb\0".to_vec()).unwrap(), "a\nb\u{FFFD}");
    }

    #[test]
    fn decode_reports_first_bad_byte() {
        assert_eq!(
            decode(b"ok\nab\xFFc".to_vec()),
            Err(InvalidUtf8 {
                pos: Pos { line: 2, column: 3 },
                offset: 5
            })
        );
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(position("ab\ncdé f", 9), Pos { line: 2, column: 6 });
        assert_eq!(position("x", 0), Pos::START);
    }
}
