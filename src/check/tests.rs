//! One test per diagnostic code, each with a valid twin that must stay
//! silent. Every test builds a tiny site in a temporary directory, loads it
//! exactly as `folio check` does and compares `(file, line, code)` triples.

use crate::config::Config;
use crate::site::Site;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory under the system temp dir, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "folio-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Writes a file (root-relative, `/`-separated), creating its folders.
    pub(crate) fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
        std::fs::write(path, contents).expect("write file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `folio.yml` and content files (content-relative paths) to a temp
/// dir and loads the site as `folio check` does.
pub(crate) fn load_site(folio_yml: &str, files: &[(&str, &str)]) -> (TempDir, Site) {
    let dir = TempDir::new("site");
    dir.write("folio.yml", folio_yml);
    std::fs::create_dir_all(dir.path().join("content")).expect("content dir");
    for (path, text) in files {
        dir.write(&format!("content/{path}"), text);
    }
    let config = Config::load(dir.path()).expect("valid folio.yml");
    let site = Site::load(config);
    (dir, site)
}
