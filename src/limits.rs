//! Safety limits on the size and shape of input, all in one place.
//!
//! Content is untrusted: a pull request can hold any file. Each limit is far
//! above what a real playbook needs and far below what would make a build
//! crash, hang or exhaust memory. Going past one is a `limit-exceeded`
//! diagnostic naming the file and place; the part beyond the limit is
//! skipped and the rest of the site still builds. README.md ("Limits")
//! lists them; keep the two in sync.

use crate::yaml;

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
