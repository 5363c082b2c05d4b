//! Reading a request head: HTTP/1.1 framing ([`httparse`]) with every size
//! bounded before anything is kept. A head is refused with the status a
//! browser or tool understands: 414 for a request line over
//! [`limits::HTTP_LINE_BYTES`], 431 for a header line over it, for more
//! than [`limits::HTTP_HEADERS`] fields or a head over
//! [`limits::HTTP_HEAD_BYTES`], 413 for a body over
//! [`limits::HTTP_BODY_BYTES`], 411 for a body without a length, 400 for
//! anything that is not HTTP/1.x.

use crate::limits;

/// A request's method: the preview answers `GET` and `HEAD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Head,
    Other,
}

/// The parts of a request head the preview uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) method: Method,
    /// As sent (`/es/inicio/?x`), decoded later by `http::resolve`.
    pub(crate) target: String,
    /// The `Host` header, if any (HTTP/1.0 clients may send none).
    pub(crate) host: Option<String>,
    /// The client asked to close the connection after the answer
    /// (`Connection: close`, or HTTP/1.0 without `keep-alive`).
    pub(crate) close: bool,
    /// `Content-Length`: bytes of body after the head, read and dropped.
    pub(crate) body: u64,
}

/// What the bytes received so far hold.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Head {
    /// Not a whole head yet, and nothing over a limit: read more.
    Partial,
    /// A whole head of `len` bytes; what follows is its body, then the
    /// next request.
    Complete { request: Request, len: usize },
}

/// A head that is refused: the answer's status and what it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) reason: &'static str,
}

const fn refuse(status: u16, reason: &'static str) -> Refusal {
    Refusal { status, reason }
}

const LONG_TARGET: Refusal = refuse(414, "the request line is too long");
const LONG_HEADER: Refusal = refuse(431, "a header line is too long");
const LARGE_HEAD: Refusal = refuse(431, "the request head is too large");
const MANY_HEADERS: Refusal = refuse(431, "the request has too many header fields");
const MALFORMED: Refusal = refuse(400, "malformed request");

/// Looks at the bytes received on a connection since its last request.
pub(crate) fn parse(buf: &[u8]) -> Result<Head, Refusal> {
    let end = head_end(buf)?;
    if end.is_none() && !buf.ends_with(b"\n") {
        // Nothing new to parse before a line ends (commonly: nothing yet).
        return Ok(Head::Partial);
    }
    let mut fields = [httparse::EMPTY_HEADER; limits::HTTP_HEADERS];
    let mut parsed = httparse::Request::new(&mut fields);
    let len = match parsed.parse(&buf[..end.unwrap_or(buf.len())]) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if end.is_none() => return Ok(Head::Partial),
        Ok(httparse::Status::Partial) => return Err(MALFORMED),
        Err(httparse::Error::TooManyHeaders) => return Err(MANY_HEADERS),
        Err(_) => return Err(MALFORMED),
    };
    let request = request(&parsed)?;
    Ok(Head::Complete { request, len })
}

/// Where the head ends (after its empty line), `None` if it has not
/// ended yet; refuses a line or a head over the limits, ended or not.
fn head_end(buf: &[u8]) -> Result<Option<usize>, Refusal> {
    // Empty lines before the request line are allowed (RFC 9112, 2.2).
    let start = buf
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(buf.len());
    let mut line_start = start;
    let mut first = true;
    for (i, &b) in buf.iter().enumerate().skip(start) {
        if b != b'\n' {
            continue;
        }
        let line = &buf[line_start..i];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        check_line(line.len(), first)?;
        if line.is_empty() {
            return check_head(i + 1).map(|()| Some(i + 1));
        }
        first = false;
        line_start = i + 1;
    }
    check_line(buf.len() - line_start, first)?;
    check_head(buf.len()).map(|()| None)
}

fn check_line(len: usize, first: bool) -> Result<(), Refusal> {
    match (len > limits::HTTP_LINE_BYTES, first) {
        (false, _) => Ok(()),
        (true, true) => Err(LONG_TARGET),
        (true, false) => Err(LONG_HEADER),
    }
}

fn check_head(len: usize) -> Result<(), Refusal> {
    if len > limits::HTTP_HEAD_BYTES {
        Err(LARGE_HEAD)
    } else {
        Ok(())
    }
}

/// The fields the preview needs, with the framing checks of RFC 9112:
/// one `Host`, one body length, no body without a length.
fn request(parsed: &httparse::Request<'_, '_>) -> Result<Request, Refusal> {
    let method = match parsed.method {
        Some("GET") => Method::Get,
        Some("HEAD") => Method::Head,
        _ => Method::Other,
    };
    let target = parsed.path.ok_or(MALFORMED)?.to_string();
    let http10 = parsed.version == Some(0);
    let mut host = None;
    let mut length: Option<u64> = None;
    let mut close = http10;
    for field in parsed.headers.iter() {
        let value = std::str::from_utf8(field.value)
            .map_err(|_| MALFORMED)?
            .trim();
        let name = field.name;
        if name.eq_ignore_ascii_case("host") {
            if host.replace(value.to_string()).is_some() {
                return Err(refuse(400, "more than one Host header"));
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            let n = body_length(value)?;
            if length.is_some_and(|l| l != n) {
                return Err(refuse(400, "conflicting Content-Length headers"));
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(refuse(411, "request bodies need a Content-Length"));
        } else if name.eq_ignore_ascii_case("connection") {
            for option in value.split(',').map(str::trim) {
                if option.eq_ignore_ascii_case("close") {
                    close = true;
                } else if option.eq_ignore_ascii_case("keep-alive") && http10 {
                    close = false;
                }
            }
        }
    }
    let body = length.unwrap_or(0);
    if body > limits::HTTP_BODY_BYTES {
        return Err(refuse(413, "the request body is too large"));
    }
    Ok(Request {
        method,
        target,
        host,
        close,
        body,
    })
}

fn body_length(value: &str) -> Result<u64, Refusal> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse(400, "Content-Length is not a number"));
    }
    // Too many digits for u64 is certainly over the limit.
    Ok(value.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(raw: &str) -> (Request, usize) {
        match parse(raw.as_bytes()) {
            Ok(Head::Complete { request, len }) => (request, len),
            other => panic!("{raw:?}: {other:?}"),
        }
    }

    fn status(raw: &[u8]) -> u16 {
        match parse(raw) {
            Err(refusal) => refusal.status,
            other => panic!(
                "{:?}: {other:?}",
                String::from_utf8_lossy(&raw[..raw.len().min(80)])
            ),
        }
    }

    #[test]
    fn reads_a_head_and_its_fields() {
        let raw = "GET /a/?x HTTP/1.1\r\nHost: localhost:8000\r\nContent-Length: 3\r\n\r\nabcGET";
        let (request, len) = complete(raw);
        assert_eq!(&raw[len..], "abcGET");
        assert_eq!(request.method, Method::Get);
        assert_eq!(request.target, "/a/?x");
        assert_eq!(request.host.as_deref(), Some("localhost:8000"));
        assert_eq!((request.close, request.body), (false, 3));

        let (request, _) = complete("\r\nHEAD / HTTP/1.0\nConnection: keep-alive\n\n");
        assert_eq!((request.method, request.close), (Method::Head, false));
        let (request, _) = complete("GET / HTTP/1.0\r\n\r\n");
        assert!(request.close, "HTTP/1.0 closes unless asked otherwise");
        let (request, _) = complete("POST / HTTP/1.1\r\nConnection: Keep-Alive, Close\r\n\r\n");
        assert_eq!((request.method, request.close), (Method::Other, true));
    }

    #[test]
    fn waits_for_the_rest_of_a_head() {
        for partial in [
            "",
            "\r\n",
            "GET",
            "GET / HTTP/1.1\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n",
        ] {
            assert_eq!(parse(partial.as_bytes()), Ok(Head::Partial), "{partial:?}");
        }
    }

    #[test]
    fn refuses_heads_over_the_limits_before_they_end() {
        let line = limits::HTTP_LINE_BYTES;
        let target = format!("GET /{}", "a".repeat(line));
        assert_eq!(status(target.as_bytes()), 414, "unfinished request line");
        assert_eq!(status(format!("{target} HTTP/1.1\r\n\r\n").as_bytes()), 414);
        let header = format!("GET / HTTP/1.1\r\nX: {}", "b".repeat(line));
        assert_eq!(status(header.as_bytes()), 431, "unfinished header line");
        let many: String = (0..=limits::HTTP_HEADERS)
            .map(|n| format!("X-{n}: 1\r\n"))
            .collect();
        assert_eq!(
            status(format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes()),
            431
        );
        let lines =
            format!("X: {}\r\n", "c".repeat(1000)).repeat(limits::HTTP_HEAD_BYTES / 1000 + 1);
        assert_eq!(status(format!("GET / HTTP/1.1\r\n{lines}").as_bytes()), 431);
        let blank = "\r\n".repeat(limits::HTTP_HEAD_BYTES);
        assert_eq!(status(blank.as_bytes()), 431, "empty lines count");
    }

    #[test]
    fn refuses_bodies_and_framing_it_does_not_read() {
        let big = limits::HTTP_BODY_BYTES + 1;
        for (raw, expected) in [
            (
                format!("GET / HTTP/1.1\r\nContent-Length: {big}\r\n\r\n"),
                413,
            ),
            (
                format!(
                    "GET / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
                    "9".repeat(40)
                ),
                413,
            ),
            (
                "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
                411,
            ),
            ("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n".into(), 400),
            (
                "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n".into(),
                400,
            ),
            ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n".into(), 400),
            ("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n".into(), 400),
            ("GET / HTTP/2.0\r\n\r\n".into(), 400),
            ("GET /\r\n\r\n".into(), 400),
        ] {
            assert_eq!(status(raw.as_bytes()), expected, "{raw:?}");
        }
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nX: \xff\r\n\r\n"),
            400,
            "not UTF-8"
        );
        let (request, _) =
            complete("GET / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n");
        assert_eq!(request.body, 2, "repeated equal lengths are one length");
    }
}
