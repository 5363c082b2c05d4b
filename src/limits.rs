//! Safety limits on the size and shape of input, all in one place.
//!
//! Content is untrusted: a pull request can hold any file. Each limit is far
//! above what a real playbook needs and far below what would make a build
//! crash, hang or exhaust memory. Going past one is a `limit-exceeded`
//! diagnostic naming the file and place; the part beyond the limit is
//! skipped and the rest of the site still builds. README.md ("Limits")
//! lists them; keep the two in sync.
//!
//! The preview server's limits (`HTTP_*`, `LIVE_*`) bound what a client
//! can make `folio serve` hold: bytes, sockets, threads and time. Going
//! past one is an HTTP status or a closed connection.

use crate::yaml;
use std::time::Duration;

/// Folders below the content folder: deeper folders are not read.
pub const FOLDER_DEPTH: usize = 32;

/// Files and folders one walk of the content folder looks at (symlinked
/// folders inside the site can make a small tree look huge).
pub const CONTENT_ENTRIES: usize = 200_000;

/// A page, include fragment or `toc.yml` larger than this is not read.
pub const TEXT_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Nesting of YAML collections (`a: [[…]]`, `- - …`), in any YAML file.
pub const YAML_DEPTH: usize = 64;

/// A page's front matter block.
pub const FRONT_MATTER: yaml::Limits = yaml::Limits {
    bytes: 64 * 1024,
    depth: YAML_DEPTH,
    nodes: 10_000,
};

/// `folio.yml`.
pub const CONFIG: yaml::Limits = yaml::Limits {
    bytes: 1024 * 1024,
    depth: YAML_DEPTH,
    nodes: 100_000,
};

/// One `toc.yml` file.
pub(crate) const TOC_FILE: yaml::Limits = yaml::Limits {
    bytes: TEXT_FILE_BYTES as usize,
    depth: YAML_DEPTH,
    nodes: 500_000,
};

/// Levels of a navigation tree: `items:` inside `items:`, and a toc nested
/// in a toc, both count.
pub const TOC_DEPTH: usize = 24;

/// Entries of all tocs of a site together, nested tocs counted each time
/// they are nested.
pub const TOC_ENTRIES: usize = 100_000;

/// Includes nested in includes: deeper ones are not expanded.
pub const INCLUDE_DEPTH: usize = 64;

/// A page's text with its includes expanded: once it is this long, further
/// includes are not expanded.
pub const EXPANDED_PAGE_BYTES: usize = 4 << 20;

/// Includes expanded in one page (ten fragments each including the next ten
/// times would otherwise expand ten billion times).
pub const INCLUDES_PER_PAGE: usize = 10_000;

/// Element nesting of a page's HTML that is still sanitized: the HTML
/// parser's scope checks walk the stack of open elements, so cleaning takes
/// time quadratic in the depth. Browsers stop nesting here too (Blink's
/// parser limit). A deeper page shows its raw HTML as text.
pub const HTML_DEPTH: usize = 512;

/// `folio serve`: one line of a request head, the request line (else 414)
/// or a header line (else 431). Browsers send lines of a few hundred bytes.
pub const HTTP_LINE_BYTES: usize = 16 * 1024;

/// `folio serve`: a whole request head (else 431). Only this much of a
/// request is ever held for a connection.
pub const HTTP_HEAD_BYTES: usize = 64 * 1024;

/// `folio serve`: header fields of one request (else 431).
pub const HTTP_HEADERS: usize = 100;

/// `folio serve`: a request body, which the preview reads and drops (else
/// 413; a body without `Content-Length` is a 411).
pub const HTTP_BODY_BYTES: u64 = 64 * 1024;

/// `folio serve`: open connections besides live-reload streams. At the
/// cap, the connection that has waited longest for its client (idle,
/// or sending its head) is closed to make room for the new one.
pub const HTTP_CONNECTIONS: usize = 512;

/// `folio serve`: time to send a whole request head and body, from its
/// first byte (else 408 and close): a client trickling bytes (slowloris)
/// cannot hold a connection.
pub const HTTP_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// `folio serve`: a connection with no request in progress is closed
/// after this long (keep-alive).
pub const HTTP_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// `folio serve`: a response the client stops reading is dropped after
/// this long without progress.
pub const HTTP_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// `folio serve`: open live-reload streams. Past the cap a new stream is
/// answered with `retry:` and closed, so the browser tries again later.
pub const LIVE_STREAMS: usize = 256;

/// `translations.staleness: git`: bytes of one commit as `git log` lists
/// it (its message and file names). Past it the rest of the commit is
/// skipped: its message is cut and files named after the cut do not see it.
pub const GIT_COMMIT_BYTES: usize = 1024 * 1024;

/// `folio serve`: unsent bytes a live-reload stream may hold before it is
/// dropped as a client that stopped reading (it reconnects and catches up).
pub const LIVE_STREAM_BYTES: usize = 1024 * 1024;

/// Navigation trees of up to this many entries are written whole into
/// every page's sidebar; a bigger one shows only the current page's branch
/// (pages stay small on big sites: 2,000 entries would add ~170 KB a page).
pub(crate) const SIDEBAR_FULL_ENTRIES: usize = 300;

/// In a tree bigger than [`SIDEBAR_FULL_ENTRIES`], a list of entries longer
/// than this shows this many around the current page's branch.
pub(crate) const SIDEBAR_WINDOW: usize = 40;

/// Sections (headings and task rows) of one page that search indexes;
/// the rest of a page is not searchable (it still builds).
pub const SEARCH_SECTIONS: usize = 2_000;

/// Text of one section kept for search snippets (the whole section is
/// indexed): what a phone downloads for a result stays small.
pub const SEARCH_SNIPPET_BYTES: usize = 256;

/// Snippet text kept of one page, all sections together; later sections
/// keep their anchor and heading only.
pub const SEARCH_PAGE_SNIPPET_BYTES: usize = 1_536;

/// Term shards of one language's search index.
pub const SEARCH_SHARDS: usize = 4_096;

/// Distinct words and stems search indexes across a site (all languages):
/// bounds the vocabulary's memory; words first seen after it are not
/// searchable (they still build).
pub const SEARCH_TERMS: usize = 1 << 24;
