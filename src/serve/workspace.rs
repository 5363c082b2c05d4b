//! The site as `serve` keeps it between rebuilds, and the rebuild itself.
//!
//! A content edit reloads only the changed files and re-parses only the
//! pages that read them (the page itself, pages that include it); the site
//! is then resolved again, which goes through indexes and is cheap. What
//! gets rendered depends on the site's *shape*, everything one page's
//! output reads from other pages: URLs, titles, headings, dates, which
//! pages are published, navigation trees, the asset set.
//! - Shape unchanged (the common edit: body text): exactly the re-parsed
//!   pages whose fingerprint changed are rendered; nothing else can differ.
//! - Shape changed (a title, a toc, a page created, deleted or renamed):
//!   every page's fingerprint ([`Renderer::fingerprint`]) is compared, so
//!   translations' switchers, neighbours' pagers and pages linking to a
//!   removed page are re-rendered, and the site-level files (navigation,
//!   language homes, chooser, 404, sitemap) are produced and written when
//!   their bytes differ.
//! - Templates, theme or `folio.yml` changed: everything is reloaded and
//!   rendered; files whose bytes did not change are not rewritten.
//!
//! Checks run after the outputs are written ([`Workspace::check`]), so open
//! pages reload without waiting for them.
//!
//! The last good version wins: a file whose new text does not load (broken
//! front matter, invalid UTF-8) keeps its previous version in the model,
//! and an invalid `folio.yml` or template leaves the site as it was. Both
//! are reported on every rebuild until they are fixed.

use crate::check::kept::{Found, Kept, Parts};
use crate::config::{CONFIG_FILE, Config, ConfigError};
use crate::content::{self, Content, FileKind, Loaded};
use crate::diagnostic::{self, Code, Diagnostic, Newlines, Severity};
use crate::paths;
use crate::render::output::OutputDir;
use crate::render::{self, Derived, File, Output, OutputFile, RenderedPage, Renderer, Templates};
use crate::site::{self, Changed, PageId, Purpose, Site};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

/// A line of the browser overlay: `path:line: message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Relative to the site root (or the output directory, for write errors).
    pub(crate) file: String,
    /// 1-based; 0 when unknown.
    pub(crate) line: u32,
    pub(crate) message: String,
}

impl Problem {
    fn of(d: &Diagnostic) -> Problem {
        Problem {
            file: d.file.clone(),
            line: d.line,
            message: format!("{} [{}]", d.message, d.code),
        }
    }

    fn of_config(e: &ConfigError) -> Problem {
        match e {
            ConfigError::Invalid { line, message, .. } => Problem {
                file: CONFIG_FILE.into(),
                line: *line,
                message: message.clone(),
            },
            ConfigError::Read { source, .. } => Problem {
                file: CONFIG_FILE.into(),
                line: 0,
                message: format!("cannot read: {source}"),
            },
        }
    }
}

/// As the terminal and the overlay show it: control characters from
/// content (file names, keys of `folio.yml`) escaped, as in every report.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = diagnostic::escape_controls(&self.file, Newlines::Escape);
        let message = diagnostic::escape_controls(&self.message, Newlines::Escape);
        if self.line > 0 {
            write!(f, "{file}:{}: {message}", self.line)
        } else {
            write!(f, "{file}: {message}")
        }
    }
}

/// What one rebuild did and found.
#[derive(Debug)]
pub struct Rebuild {
    /// Pages whose output was written.
    pub pages: usize,
    /// Output files deleted (pages and files the site no longer has).
    pub(crate) removed: usize,
    /// Site-relative paths written or deleted.
    pub changed: Vec<String>,
    /// What the browser overlay lists: what keeps the preview from matching
    /// the files (a file held back at its last good version, `folio.yml`,
    /// templates, write errors), then, once [`Workspace::check`] ran, the
    /// errors this rebuild brought or that are in the files it read.
    pub(crate) problems: Vec<Problem>,
    /// The preview does not match the files on disk (see `problems`).
    pub(crate) stale: bool,
    /// What the terminal shows before the summary line.
    pub(crate) report: Vec<String>,
    /// Loading and rendering; checks are not included.
    pub(crate) elapsed: Duration,
    pub(crate) kind: Kind,
}

/// Which rebuild it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The build `serve` starts with.
    First,
    /// Templates, theme or `folio.yml` changed: everything was reloaded.
    Everything,
    /// Content files changed.
    Content,
}

impl Rebuild {
    /// What the browser overlay lists (see the field).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// `rebuilt 3 pages in 12 ms`, with what is wrong when the preview is stale.
    pub fn summary(&self) -> String {
        let verb = if self.kind == Kind::First {
            "built"
        } else {
            "rebuilt"
        };
        let noun = if self.pages == 1 { "page" } else { "pages" };
        let mut line = format!("{verb} {} {noun}", self.pages);
        if self.removed > 0 {
            line.push_str(&format!(", removed {}", self.removed));
        }
        line.push_str(&format!(" in {} ms", self.elapsed.as_millis()));
        if self.stale {
            line.push_str("; still serving the last good version of what failed");
        }
        line
    }
}

/// The served site and what the next rebuild needs to know about it.
pub struct Workspace {
    root: PathBuf,
    /// Replaces `base_url`: absolute links (404 page, canonical) point here.
    base_url: String,
    site: Site,
    /// The last templates that parsed; `None` only if they never did.
    templates: Option<Templates>,
    output: OutputDir,
    /// Content path → fingerprint of the page output on disk.
    fingerprints: HashMap<String, u64>,
    /// Site-relative path → hash of the bytes on disk, for every file written.
    written: HashMap<String, u64>,
    /// Every output path of the current site; one that drops out is deleted.
    expected: HashSet<String>,
    /// Files whose newest text failed to load, with why; the model keeps
    /// their last good version.
    held_back: BTreeMap<String, Vec<Diagnostic>>,
    config_problem: Option<Problem>,
    template_problem: Option<Diagnostic>,
    /// What the last check found, in parts; `None` before the first.
    checked: Option<Kept>,
    /// What the next check must look at again.
    unchecked: Unchecked,
    /// Languages (by code) whose print page may be out of date. A print
    /// page holds every page of its language: it is written after the
    /// reload, with the checks ([`Workspace::check_unless`]), so a
    /// save on a big site does not wait for it.
    prints_due: BTreeSet<String>,
    /// What rendering works out once for the site (see [`Derived`]);
    /// sidebars are made again only when their tree changed, the rest
    /// when files come or go. Replaced with the site.
    derived: Derived,
}

/// What rebuilds changed since the last check that finished.
#[derive(Debug, Default)]
struct Unchecked {
    /// Files came or went, or everything was reloaded: check everything.
    everything: bool,
    parts: Parts,
    /// Content paths the rebuilds read: their diagnostics are reported
    /// again, new or not.
    touched: BTreeSet<String>,
}

/// Which outputs a rebuild looks at.
enum Scope {
    /// Render and write every output (first build, templates, theme, folio.yml).
    Everything,
    /// Files came or went: compare the fingerprints of these pages (all
    /// when `None`) and produce the site-level files.
    Site(Option<BTreeSet<PageId>>),
    /// Files neither came nor went: only these pages and site-level files
    /// may differ.
    Some {
        pages: Vec<PageId>,
        files: Vec<Output>,
    },
}

/// What a render pass will write, worked out before anything is written.
#[derive(Default)]
struct Plan {
    /// Skipped when identical to what is on disk.
    writes: Vec<FileWrite>,
    /// Files copied in.
    copies: Vec<FileCopy>,
    /// Pages rendered.
    pages: Vec<PageOutput>,
    /// Content paths of pages that failed to render: tried again next time.
    failed_pages: Vec<String>,
    /// Template errors: the page or file keeps its last good output.
    failures: Vec<Diagnostic>,
    /// Set when the pass looked at the whole site.
    whole_site: Option<WholeSite>,
}

/// Bytes for one output file.
struct FileWrite {
    /// Site-relative.
    path: String,
    bytes: Vec<u8>,
}

/// A content or theme file copied into the output.
struct FileCopy {
    from: PathBuf,
    /// Site-relative.
    path: String,
}

/// A page rendered by this pass, and written as soon as it was.
struct PageOutput {
    /// Content path of the page.
    source: String,
    /// Its [`Renderer::fingerprint`].
    fingerprint: u64,
    /// Site-relative output path.
    path: String,
    /// `None`: the bytes on disk were the same.
    written: Option<Written>,
}

/// What the site consists of, when a pass looked at all of it.
struct WholeSite {
    /// Every output path.
    outputs: HashSet<String>,
    /// Every published page's content path.
    published: HashSet<String>,
}

/// The outcome of writing one planned file.
struct Written {
    path: String,
    hash: u64,
    result: Result<(), String>,
}

/// What a render pass did.
#[derive(Default)]
struct Rendered {
    pages: usize,
    removed: usize,
    changed: Vec<String>,
    failures: Vec<Diagnostic>,
    write_errors: Vec<Problem>,
}

impl Workspace {
    /// Loads the site at `root` and builds all of it into its output
    /// directory, with `base_url` replaced by the preview's address. Call
    /// [`Workspace::check`] on the result for the site's diagnostics.
    pub fn open(root: &Path, base_url: &str) -> Result<(Workspace, Rebuild), crate::Error> {
        let started = Instant::now();
        let config = preview_config(root, base_url)?;
        let output = OutputDir::prepare(&config, true)?;
        let (templates, template_problem) = match Templates::load(root) {
            Ok(t) => (Some(t), None),
            Err(d) => (None, Some(*d)),
        };
        let site = Site::load(config, Purpose::Serve);
        let derived = Derived::of(&site);
        let mut workspace = Workspace {
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            site,
            templates,
            output,
            fingerprints: HashMap::new(),
            written: HashMap::new(),
            expected: HashSet::new(),
            held_back: BTreeMap::new(),
            config_problem: None,
            template_problem,
            checked: None,
            unchecked: Unchecked {
                everything: true,
                ..Unchecked::default()
            },
            prints_due: BTreeSet::new(),
            derived,
        };
        let rendered = workspace.render(&Scope::Everything, &BTreeSet::new());
        let rebuild = workspace.finish(started, rendered, Kind::First);
        Ok((workspace, rebuild))
    }

    /// The served site's configuration (`base_url` is the preview's).
    pub fn config(&self) -> &Config {
        &self.site.config
    }

    /// The site as the last rebuild left it.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Where the served files are.
    pub(crate) fn output_dir(&self) -> &Path {
        self.output.path()
    }

    /// Brings the output up to date with a batch of changes.
    pub(crate) fn apply(&mut self, changes: &super::watch::Changes) -> Rebuild {
        if changes.needs_full_rebuild() {
            self.rebuild_everything()
        } else {
            self.rebuild_content(&changes.content)
        }
    }

    /// Reloads `folio.yml`, templates and all content, and renders every
    /// page. Keeps everything as it is when `folio.yml` or a template is invalid.
    pub fn rebuild_everything(&mut self) -> Rebuild {
        let started = Instant::now();
        let kind = Kind::Everything;
        let config = match preview_config(&self.root, &self.base_url) {
            Ok(c) => c,
            Err(e) => {
                self.config_problem = Some(Problem::of_config(&e));
                return self.finish(started, Rendered::default(), kind);
            }
        };
        if config.output_dir != self.site.config.output_dir {
            match OutputDir::prepare(&config, true) {
                Ok(output) => {
                    self.output = output;
                    self.written.clear();
                    self.expected.clear();
                }
                Err(e) => {
                    self.config_problem = Some(Problem {
                        file: CONFIG_FILE.into(),
                        line: 0,
                        message: e.to_string(),
                    });
                    return self.finish(started, Rendered::default(), kind);
                }
            }
        }
        self.config_problem = None;
        match Templates::load(&self.root) {
            Ok(t) => {
                self.templates = Some(t);
                self.template_problem = None;
            }
            Err(d) => {
                self.template_problem = Some(*d);
                return self.finish(started, Rendered::default(), kind);
            }
        }
        let mut content = Content::load(&config);
        self.keep_last_good_versions(&mut content);
        self.site = Site::from_content(config, content, Purpose::Serve);
        self.derived = Derived::of(&self.site);
        let rendered = self.render(&Scope::Everything, &BTreeSet::new());
        self.unchecked.everything = true;
        self.finish(started, rendered, kind)
    }

    /// Applies changed content paths (files or folders, created, modified or
    /// gone) and re-renders what depends on them.
    pub fn rebuild_content(&mut self, paths: &BTreeSet<String>) -> Rebuild {
        let started = Instant::now();
        let edit = read_changes(&self.site.config, self.site.content(), paths);

        self.forget_removed(&edit.removed);
        let mut inserts = Vec::new();
        let mut assets = BTreeSet::new();
        for item in edit.loaded {
            let path = item.path().to_string();
            if let Some(why) = failed_update(self.site.content(), &item) {
                self.held_back.insert(path, why);
                continue;
            }
            self.held_back.remove(&path);
            if let Loaded::Asset(_) = item {
                assets.insert(path);
            }
            inserts.push(item);
        }

        let changed = self.site.update(site::Edit {
            removed: edit.removed,
            loaded: inserts,
        });
        self.schedule_print_pages(&changed);
        if changed.everything {
            self.derived = Derived::of(&self.site);
        } else {
            self.derived.forget_trees(&self.site, &changed.navs);
        }
        let scope = if changed.everything {
            self.unchecked.everything = true;
            Scope::Site(changed.outward)
        } else if changed.playbook_links {
            // A task index or phase overview came or went: every page
            // links to it, and its files are written or removed.
            self.schedule_checks(&changed);
            Scope::Site(None)
        } else {
            self.schedule_checks(&changed);
            self.scope_of(&changed)
        };
        let rendered = self.render(&scope, &assets);
        self.unchecked.touched.extend(paths.iter().cloned());
        self.finish(started, rendered, Kind::Content)
    }

    /// The languages whose print page the update may change: all when files
    /// came or went, else those of the pages parsed again, moved or in a
    /// changed tree.
    fn schedule_print_pages(&mut self, changed: &Changed) {
        let site = &self.site;
        let code = |lang: crate::config::LangId| site.config.language(lang).code.clone();
        if changed.everything {
            return; // `render` marks them all.
        }
        let pages = changed.reparsed.iter().chain(&changed.neighbours);
        let mut due: BTreeSet<String> = pages.map(|&id| code(site.page(id).lang)).collect();
        due.extend(changed.navs.iter().map(|&n| code(site.nav(n).lang)));
        self.prints_due.extend(due);
    }

    /// Writes the print pages that may be out of date, adding to
    /// `changed` the paths whose bytes changed; `false` if `stop` asked to
    /// give way first (a print page holds a whole language: 170 MB on
    /// 50,000 pages), and the languages not written stay due.
    fn write_print_pages_unless(
        &mut self,
        stop: &(dyn Fn() -> bool + Sync),
        changed: &mut Vec<String>,
    ) -> bool {
        let Some(templates) = &self.templates else {
            return true;
        };
        let site = &self.site;
        let renderer = Renderer::with_derived(site, templates, &self.derived);
        let mut writes = Vec::new();
        let mut finished = true;
        for (lang, language) in site.config.languages() {
            if !self.prints_due.contains(&language.code) || !renderer.has_print(lang) {
                continue;
            }
            if stop() {
                finished = false;
                break;
            }
            match renderer.print_page_unless(lang, stop) {
                Ok(Some(file)) => {
                    if let File::Bytes(bytes) = file.content {
                        writes.extend(self.write_file(
                            FileWrite {
                                path: file.path,
                                bytes,
                            },
                            false,
                        ));
                    }
                }
                Ok(None) => {
                    finished = false;
                    break;
                }
                // An error in running `print.html` (its syntax was checked
                // when the templates loaded): the page on disk stays as it
                // was; `folio build` reports the error.
                Err(_) => {}
            }
            self.prints_due.remove(&language.code);
        }
        if finished {
            self.prints_due.clear();
        }
        let mut rendered = Rendered::default();
        self.record_writes(writes, &[], &mut rendered);
        changed.extend(rendered.changed);
        finished
    }

    /// Adds to the next check what an update in which no file came or went
    /// may have changed: the pages parsed again, their translations (task
    /// tables are compared with the original), the pages linking to a
    /// section of a page whose anchors changed, and the pages' keys.
    fn schedule_checks(&mut self, changed: &Changed) {
        let site = &self.site;
        let parts = &mut self.unchecked.parts;
        for &id in &changed.reparsed {
            let key = &site.page(id).key;
            parts.pages.insert(id);
            parts.pages.extend(
                site.translations_of(key)
                    .into_iter()
                    .flat_map(|t| t.pages()),
            );
            parts.keys.insert(key.clone());
        }
        for &id in &changed.anchors {
            parts.pages.extend(site.linking_to_sections_of(id));
        }
    }

    /// What may differ after an update in which no file came or went: the
    /// pages parsed again and their neighbours, the navigation trees that
    /// changed with the homes that show them, the sitemap if a date changed.
    fn scope_of(&self, changed: &Changed) -> Scope {
        let site = &self.site;
        let mut pages = changed.reparsed.clone();
        pages.extend(&changed.neighbours);
        pages.sort();
        pages.dedup();
        // Sidebars show the whole tree: every page of a changed tree may
        // differ (its fingerprint says whether it does).
        if !changed.navs.is_empty() {
            pages.extend(
                site.published()
                    .filter(|(_, p)| p.nav.is_some_and(|n| changed.navs.contains(&n)))
                    .map(|(id, _)| id),
            );
        }
        pages.sort();
        pages.dedup();
        let mut files: Vec<Output> = Vec::new();
        if !changed.navs.is_empty() {
            let homes = self
                .templates
                .as_ref()
                .map(|t| Renderer::with_derived(site, t, &self.derived).generated_homes());
            files.extend(
                homes
                    .into_iter()
                    .flatten()
                    .filter(|&lang| {
                        site.main_nav_id(lang)
                            .is_some_and(|n| changed.navs.contains(&n))
                    })
                    .map(Output::Home),
            );
        }
        if changed.dates {
            files.push(Output::Sitemap);
        }
        if !changed.playbook.is_empty() {
            let outputs = self
                .templates
                .as_ref()
                .map(|t| Renderer::with_derived(site, t, &self.derived).playbook_outputs());
            files.extend(
                outputs
                    .into_iter()
                    .flatten()
                    .filter(|o| o.lang().is_some_and(|l| changed.playbook.contains(&l))),
            );
        }
        translation_outputs(site, changed, &mut pages, &mut files);
        pages.sort();
        pages.dedup();
        files.extend(self.search_parts(changed));
        Scope::Some { pages, files }
    }

    /// The search index of each language a re-parsed page is in: the
    /// term shards its changes concern and the snippet chunks of those pages.
    fn search_parts(&self, changed: &Changed) -> Vec<Output> {
        let Some(templates) = &self.templates else {
            return Vec::new();
        };
        let renderer = Renderer::with_derived(&self.site, templates, &self.derived);
        let mut parts: std::collections::BTreeMap<_, Vec<usize>> = Default::default();
        for &id in &changed.reparsed {
            let chunks = parts.entry(self.site.page(id).lang).or_default();
            chunks.extend(renderer.search_chunk_of(id));
            chunks.sort_unstable();
            chunks.dedup();
        }
        parts
            .into_iter()
            .map(|(lang, chunks)| {
                let changes = changed.search.get(&lang).cloned().unwrap_or_default();
                Output::SearchPart(lang, chunks, changes)
            })
            .collect()
    }

    /// Stops holding back files that are gone.
    fn forget_removed(&mut self, removed: &[String]) {
        for rel in removed {
            self.held_back.retain(|p, _| !paths::is_within(p, rel));
        }
    }

    /// A freshly loaded file that failed replaces nothing that loaded fine.
    fn keep_last_good_versions(&mut self, content: &mut Content) {
        self.held_back.clear();
        let previous = self.site.content();
        for page in content.pages_mut() {
            if let Some(good) = previous
                .page(&page.path)
                .filter(|p| page.failed && !p.failed)
            {
                self.held_back
                    .insert(page.path.clone(), std::mem::take(&mut page.diagnostics));
                *page = good.clone();
            }
        }
        for (files, old) in [
            (&mut content.fragments, &previous.fragments),
            (&mut content.tocs, &previous.tocs),
        ] {
            for (path, file) in files.iter_mut() {
                if let Some(good) = old
                    .get(path)
                    .filter(|f| file.text.is_none() && f.text.is_some())
                {
                    self.held_back
                        .insert(path.clone(), std::mem::take(&mut file.diagnostics));
                    *file = good.clone();
                }
            }
        }
    }

    /// Renders what `scope` says may have changed (and the changed
    /// `assets`), writes what differs from the disk, deletes outputs the
    /// site no longer has.
    fn render(&mut self, scope: &Scope, assets: &BTreeSet<String>) -> Rendered {
        let Some(templates) = &self.templates else {
            return Rendered::default();
        };
        let site = &self.site;
        let renderer = Renderer::with_derived(site, templates, &self.derived);
        let everything = matches!(scope, Scope::Everything);
        if !matches!(scope, Scope::Some { .. }) {
            let codes = site.config.languages().map(|(_, l)| l.code.clone());
            self.prints_due.extend(codes);
        }
        let mut plan = Plan::default();
        match scope {
            Scope::Some { pages, files } => {
                let pages: Vec<PageId> = pages
                    .iter()
                    .copied()
                    .filter(|&id| site.page(id).published)
                    .collect();
                self.plan_pages(&renderer, &pages, false, &mut plan);
                for file in files {
                    plan_file(&renderer, file, false, &mut plan);
                }
                for asset in assets.iter().filter(|a| site.publishes_asset(a)) {
                    plan_file(&renderer, &Output::Asset(asset.clone()), true, &mut plan);
                }
            }
            Scope::Site(_) | Scope::Everything => {
                let outputs = renderer.outputs();
                let pages: Vec<PageId> = outputs
                    .iter()
                    .filter_map(|o| match o {
                        Output::Page(id) => Some(*id),
                        _ => None,
                    })
                    .filter(|id| match scope {
                        Scope::Site(Some(pages)) => pages.contains(id),
                        _ => true,
                    })
                    .collect();
                self.plan_pages(&renderer, &pages, everything, &mut plan);
                let files = SiteFiles { everything, assets };
                plan_site_files(&renderer, &outputs, &files, &mut plan);
            }
        }
        self.carry_out(plan, everything)
    }

    /// Renders the given pages (unless `everything`, only those whose
    /// fingerprint differs from the output on disk) and writes each as
    /// soon as it is rendered, so that no more than a few pages' HTML is
    /// held at once, whatever the size of the site.
    fn plan_pages(&self, renderer: &Renderer, pages: &[PageId], everything: bool, plan: &mut Plan) {
        let site = renderer.site;
        let fresh: Vec<(String, Result<PageOutput, Box<Diagnostic>>)> = pages
            .par_iter()
            .filter_map(|&id| {
                let source = &site.source(id).path;
                let unchanged =
                    !everything && self.fingerprints.get(source) == Some(&renderer.fingerprint(id));
                (!unchanged).then(|| (source.clone(), self.write_page(renderer, id, everything)))
            })
            .collect();
        for (source, page) in fresh {
            match page {
                Ok(page) => plan.pages.push(page),
                Err(d) => {
                    plan.failed_pages.push(source);
                    plan.failures.push(*d);
                }
            }
        }
    }

    /// Renders one page and writes it unless the same bytes are on disk.
    fn write_page(
        &self,
        renderer: &Renderer,
        id: PageId,
        everything: bool,
    ) -> Result<PageOutput, Box<Diagnostic>> {
        let RenderedPage {
            path,
            fingerprint,
            html,
        } = renderer.render_page(id);
        let write = FileWrite {
            path: path.clone(),
            bytes: html?.into_bytes(),
        };
        Ok(PageOutput {
            source: renderer.site.source(id).path.clone(),
            fingerprint,
            path,
            written: self.write_file(write, everything),
        })
    }

    /// Writes and copies what the plan says, deletes what the site no
    /// longer has, and remembers what is on disk now.
    fn carry_out(&mut self, mut plan: Plan, everything: bool) -> Rendered {
        let mut rendered = Rendered {
            failures: plan.failures,
            ..Rendered::default()
        };
        self.copy_files(plan.copies, &mut rendered);
        let mut results = self.write_files(plan.writes, everything);
        results.extend(plan.pages.iter_mut().filter_map(|p| p.written.take()));
        let failed_writes = self.record_writes(results, &plan.pages, &mut rendered);
        for page in plan.pages {
            if failed_writes.contains(&page.path) {
                self.fingerprints.remove(&page.source);
            } else {
                self.fingerprints.insert(page.source, page.fingerprint);
            }
        }
        for source in &plan.failed_pages {
            self.fingerprints.remove(source);
        }
        if let Some(whole) = plan.whole_site {
            self.remove_gone(whole, everything, &mut rendered);
        }
        rendered.changed.sort();
        rendered
    }

    fn copy_files(&self, copies: Vec<FileCopy>, rendered: &mut Rendered) {
        for copy in copies {
            match self.output.copy(&copy.from, &copy.path) {
                Ok(true) => rendered.changed.push(copy.path),
                Ok(false) => {}
                Err(e) => rendered.write_errors.push(write_problem(&copy.path, &e)),
            }
        }
    }

    /// Writes in parallel. Bytes identical to what is on disk are not
    /// written again, so a change that does not show leaves open pages
    /// alone. A rebuild of everything also looks at the disk: the folder
    /// may have been emptied behind the server's back.
    fn write_files(&self, writes: Vec<FileWrite>, everything: bool) -> Vec<Written> {
        writes
            .into_par_iter()
            .filter_map(|write| self.write_file(write, everything))
            .collect()
    }

    /// Writes one file unless the same bytes are on disk.
    fn write_file(
        &self,
        FileWrite { path, bytes }: FileWrite,
        everything: bool,
    ) -> Option<Written> {
        let out = &self.output;
        let on_disk = || !everything || out.file(&path).is_ok_and(|f| f.is_file());
        let hash = hash_bytes(&bytes);
        if self.written.get(&path) == Some(&hash) && on_disk() {
            return None;
        }
        let result = out.write(&path, &bytes).map_err(|e| e.to_string());
        Some(Written { path, hash, result })
    }

    /// Remembers what was written and counts pages; returns the paths
    /// whose write failed.
    fn record_writes(
        &mut self,
        results: Vec<Written>,
        pages: &[PageOutput],
        rendered: &mut Rendered,
    ) -> HashSet<String> {
        let page_outputs: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let mut failed_writes = HashSet::new();
        for Written { path, hash, result } in results {
            match result {
                Ok(()) => {
                    rendered.pages += usize::from(page_outputs.contains(path.as_str()));
                    self.written.insert(path.clone(), hash);
                    rendered.changed.push(path);
                }
                Err(message) => {
                    self.written.remove(&path);
                    rendered.write_errors.push(Problem {
                        file: path.clone(),
                        line: 0,
                        message,
                    });
                    failed_writes.insert(path);
                }
            }
        }
        failed_writes
    }

    /// Deletes the outputs the site no longer has (with `everything`, also
    /// leftovers of earlier builds and interrupted writes).
    fn remove_gone(&mut self, whole: WholeSite, everything: bool, rendered: &mut Rendered) {
        let out = &self.output;
        for gone in self.expected.difference(&whole.outputs) {
            match out.remove(gone) {
                Ok(()) => {
                    rendered.removed += 1;
                    rendered.changed.push(gone.clone());
                }
                Err(e) => rendered.write_errors.push(write_problem(gone, &e)),
            }
            self.written.remove(gone);
        }
        if everything {
            if let Err(e) = out.remove_stale(&whole.outputs) {
                rendered.write_errors.push(write_problem("", &e));
            }
        }
        self.fingerprints
            .retain(|source, _| whole.published.contains(source));
        self.expected = whole.outputs;
    }

    /// The rebuild's report before checks: what keeps the preview from
    /// matching the files on disk.
    fn finish(&self, started: Instant, rendered: Rendered, kind: Kind) -> Rebuild {
        let config = &self.site.config;
        let mut blocking: Vec<Diagnostic> = self
            .held_back
            .values()
            .flatten()
            .chain(&self.template_problem)
            .chain(&rendered.failures)
            .cloned()
            .collect();
        for d in &mut blocking {
            d.severity = config.severity_of(d.code);
        }
        blocking.retain(|d| d.severity != Severity::Off);
        diagnostic::normalize(&mut blocking);
        let other: Vec<Problem> = self
            .config_problem
            .iter()
            .chain(&rendered.write_errors)
            .cloned()
            .collect();
        let mut report: Vec<String> = other.iter().map(|p| format!("error: {p}")).collect();
        report.extend(blocking.iter().map(Diagnostic::to_string));
        let mut problems = other;
        problems.extend(blocking.iter().map(Problem::of));
        Rebuild {
            pages: rendered.pages,
            removed: rendered.removed,
            changed: rendered.changed,
            stale: !problems.is_empty(),
            problems,
            report,
            elapsed: started.elapsed(),
            kind,
        }
    }

    /// Checks what the rebuilds since the last check may have changed and
    /// adds to the rebuild's report what that brought: diagnostics that are
    /// new (compared without their line, which an edit above them moves)
    /// or in a file the rebuilds read. The first build reports all of them
    /// in the terminal, as `folio build` does, but none in the overlay,
    /// which is for what the author just did.
    pub fn check(&mut self, rebuild: &mut Rebuild) {
        self.check_unless(rebuild, &|| false);
    }

    /// [`Workspace::check`], unless `stop` (asked between pages) says a
    /// newer batch of changes is waiting: then it returns `false`, and the
    /// next check also looks at what this one would have.
    pub fn check_unless(
        &mut self,
        rebuild: &mut Rebuild,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> bool {
        if !self.write_print_pages_unless(stop, &mut rebuild.changed) {
            return false;
        }
        let found = match (&mut self.checked, self.unchecked.everything) {
            (Some(kept), false) => match kept.recheck(&self.site, &self.unchecked.parts, stop) {
                Some(found) => found,
                None => return false,
            },
            (before, _) => {
                let Some(kept) = Kept::all(&self.site, stop) else {
                    return false;
                };
                let known = before.as_ref().map(Kept::diagnostics).unwrap_or_default();
                let known: HashSet<(&str, Code, &str)> = known
                    .iter()
                    .map(|d| (d.file.as_str(), d.code, d.message.as_str()))
                    .collect();
                let found = kept
                    .diagnostics()
                    .into_iter()
                    .map(|d| Found {
                        new: !known.contains(&(d.file.as_str(), d.code, d.message.as_str())),
                        diagnostic: d,
                    })
                    .collect();
                self.checked = Some(kept);
                found
            }
        };
        let unchecked = std::mem::take(&mut self.unchecked);
        self.report_checks(rebuild, found, &unchecked.touched);
        true
    }

    /// Every diagnostic the last check that ran to the end found, sorted.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.checked
            .as_ref()
            .map(Kept::diagnostics)
            .unwrap_or_default()
    }

    fn report_checks(&self, rebuild: &mut Rebuild, found: Vec<Found>, touched: &BTreeSet<String>) {
        let config = &self.site.config;
        let sources: Vec<String> = touched
            .iter()
            .map(|t| config.source_path(t).trim_end_matches('/').to_string())
            .collect();
        let first = rebuild.kind == Kind::First;
        let mut reported: Vec<Diagnostic> = found
            .into_iter()
            .filter(|f| {
                first
                    || f.new
                    || sources
                        .iter()
                        .any(|s| paths::is_within(&f.diagnostic.file, s))
            })
            .map(|f| f.diagnostic)
            .collect();
        diagnostic::normalize(&mut reported);
        for d in &reported {
            rebuild.report.push(d.to_string());
            if !first && d.severity == Severity::Error {
                rebuild.problems.push(Problem::of(d));
            }
        }
    }
}

/// How [`plan_site_files`] plans.
struct SiteFiles<'a> {
    /// Everything is rendered and written.
    everything: bool,
    /// Assets that changed.
    assets: &'a BTreeSet<String>,
}

/// What translations add to an update in which no file came or went:
/// the fallback pages made from a page parsed again (all of them when a
/// navigation tree changed: they show their language's main one); when a
/// date changed, the translations of the pages parsed again (a stale
/// notice comes or goes) and the dashboard.
fn translation_outputs(
    site: &Site,
    changed: &Changed,
    pages: &mut Vec<PageId>,
    files: &mut Vec<Output>,
) {
    let status = site.translation_status();
    if changed.navs.is_empty() {
        for &id in &changed.reparsed {
            let key = &site.page(id).key;
            let Some(of_key) = status.of_key(key).filter(|k| k.original == Some(id)) else {
                continue;
            };
            for (lang, cell) in of_key.cells(&site.config) {
                if cell.fallback {
                    files.push(Output::Fallback(id, lang));
                }
            }
        }
    } else {
        files.extend(
            status
                .fallbacks()
                .iter()
                .map(|&(p, l)| Output::Fallback(p, l)),
        );
    }
    if changed.dates {
        for &id in &changed.reparsed {
            let translations = site.translations_of(&site.page(id).key);
            pages.extend(translations.into_iter().flat_map(|t| t.pages()));
        }
        if site.writes_dashboard() {
            files.push(Output::Dashboard);
        }
    }
}

/// Produces the site-level files, the theme (with `everything`) and the
/// given assets, and lists every output path of the site, fallback pages
/// included.
fn plan_site_files(renderer: &Renderer, outputs: &[Output], files: &SiteFiles, plan: &mut Plan) {
    let SiteFiles { everything, assets } = *files;
    let site = renderer.site;
    let mut expected: HashSet<String> = HashSet::with_capacity(outputs.len());
    let mut published = HashSet::new();
    let generated: Vec<&Output> = outputs
        .iter()
        .filter(|o| match o {
            Output::Page(_) | Output::Theme(_) | Output::Asset(_) | Output::Print(_) => false,
            // A fallback page shows its original and its language's main
            // sidebar, which a file come or gone may change: made again
            // whenever files come or go (the bytes decide what is written).
            Output::Fallback(..) => true,
            _ => true,
        })
        .collect();
    let produced: Vec<_> = generated
        .par_iter()
        .map(|o| (single_output_path(site, o), renderer.produce(o)))
        .collect();
    for (path, result) in produced {
        match result {
            Ok(files) => {
                for file in files {
                    expected.insert(file.path.clone());
                    if let File::Bytes(bytes) = file.content {
                        plan.writes.push(FileWrite {
                            path: file.path,
                            bytes,
                        });
                    }
                }
            }
            Err(d) => {
                // Its last good file stays.
                expected.extend(path);
                plan.failures.push(*d);
            }
        }
    }
    for output in outputs {
        let (copy, changed) = match output {
            Output::Page(id) => {
                published.insert(site.source(*id).path.clone());
                (false, false)
            }
            Output::Theme(_) => (everything, false),
            // Written after the reload, with the checks (`write_print_pages_unless`).
            Output::Print(_) => (false, false),
            Output::Asset(a) => (everything || assets.contains(a), assets.contains(a)),
            // Produced above when it may differ; its file stays either way.
            Output::Fallback(..) => (false, false),
            _ => continue,
        };
        expected.extend(single_output_path(site, output));
        if copy {
            plan_file(renderer, output, changed, plan);
        }
    }
    plan.whole_site = Some(WholeSite {
        outputs: expected,
        published,
    });
}

/// Plans writing or copying a theme file or an asset. A file known to have
/// `changed` is written from its bytes: a copy skips files of equal size
/// that look older, which an edit can produce (`cp -p`, `rsync -t`).
fn plan_file(renderer: &Renderer, output: &Output, changed: bool, plan: &mut Plan) {
    match renderer.produce(output) {
        Ok(files) => {
            for OutputFile { path, content } in files {
                match content {
                    File::Bytes(bytes) => plan.writes.push(FileWrite { path, bytes }),
                    File::Copy(from) if changed => match std::fs::read(&from) {
                        Ok(bytes) => plan.writes.push(FileWrite { path, bytes }),
                        // Copying reports why it cannot be read.
                        Err(_) => plan.copies.push(FileCopy { from, path }),
                    },
                    File::Copy(from) => plan.copies.push(FileCopy { from, path }),
                }
            }
        }
        Err(d) => plan.failures.push(*d),
    }
}

/// The site's configuration, pointed at the preview's address.
fn preview_config(root: &Path, base_url: &str) -> Result<Config, ConfigError> {
    let mut config = crate::load_config(root, None)?;
    config.base_url = base_url.to_string();
    Ok(config)
}

/// Files read from disk for a batch of changed paths.
struct Edit {
    loaded: Vec<Loaded>,
    /// Content-relative paths of files or folders that are gone.
    removed: Vec<String>,
}

/// Looks at each changed path on disk: a file is read, a folder is read
/// whole (it was created or renamed in; files the model has under it but
/// the disk does not are gone), a path that does not exist is removed.
fn read_changes(config: &Config, known: &Content, paths: &BTreeSet<String>) -> Edit {
    let mut to_load: Vec<(String, FileKind)> = Vec::new();
    let mut removed = Vec::new();
    for rel in paths {
        let path = if rel.is_empty() {
            config.content_dir.clone()
        } else {
            config.content_dir.join(rel)
        };
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let (found, _) = content::scan(config, rel);
                let on_disk: HashSet<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
                removed.extend(
                    known
                        .files_under(rel)
                        .into_iter()
                        .filter(|p| !on_disk.contains(p.as_str())),
                );
                to_load.extend(found);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => removed.push(rel.clone()),
            // A file, or something that cannot be looked at: loading says why.
            _ => to_load.extend(content::classify(config, rel).map(|kind| (rel.clone(), kind))),
        }
    }
    // A file and its folder may both be in the batch.
    to_load.sort_by(|a, b| a.0.cmp(&b.0));
    to_load.dedup_by(|a, b| a.0 == b.0);
    let loaded = to_load
        .into_par_iter()
        .map(|(rel, kind)| content::load_file(config, &rel, kind))
        .collect();
    Edit { loaded, removed }
}

/// Why `item` must not replace the version the model has: it failed to
/// load, and the version in `current` did not.
fn failed_update(current: &Content, item: &Loaded) -> Option<Vec<Diagnostic>> {
    let (failed, diagnostics, had_good) = match item {
        Loaded::Page(p) => (
            p.failed,
            &p.diagnostics,
            current.page(&p.path).is_some_and(|old| !old.failed),
        ),
        Loaded::Fragment(f) => (
            f.text.is_none(),
            &f.diagnostics,
            current
                .fragments
                .get(&f.path)
                .is_some_and(|old| old.text.is_some()),
        ),
        Loaded::Toc(t) => (
            t.text.is_none(),
            &t.diagnostics,
            current
                .tocs
                .get(&t.path)
                .is_some_and(|old| old.text.is_some()),
        ),
        Loaded::Asset(_) => return None,
    };
    (failed && had_good).then(|| diagnostics.clone())
}

/// The output path of an output that is always one file.
fn single_output_path(site: &Site, output: &Output) -> Option<String> {
    match output {
        Output::Page(id) => Some(render::page_output_path(site, *id)),
        Output::Home(lang) => Some(format!("{}/index.html", site.config.language(*lang).code)),
        Output::Chooser => Some("index.html".into()),
        Output::NotFound => Some("404.html".into()),
        Output::Print(lang) => Some(format!("{}index.html", render::print::dir(site, *lang))),
        Output::Theme(path) => Some(path.clone()),
        Output::Asset(a) => Some(site.asset_url(a)),
        Output::TaskIndex(lang) => Some(format!(
            "{}/tasks/index.html",
            site.config.language(*lang).code
        )),
        Output::Phases(lang) => Some(format!(
            "{}/phases/index.html",
            site.config.language(*lang).code
        )),
        Output::TasksJson(lang) => Some(format!("{}/tasks.json", site.config.language(*lang).code)),
        Output::TasksCsv(lang) => Some(format!("{}/tasks.csv", site.config.language(*lang).code)),
        Output::Fallback(original, lang) => Some(format!(
            "{}index.html",
            site.page(*original).key.url(site.config.language(*lang))
        )),
        Output::Sitemap | Output::Dashboard | Output::Search(_) | Output::SearchPart(..) => None,
    }
}

fn write_problem(path: &str, e: &crate::render::output::OutputError) -> Problem {
    Problem {
        file: path.to_string(),
        line: 0,
        message: e.to_string(),
    }
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}
