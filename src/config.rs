//! `folio.yml`: the site configuration. Its shape is a public contract.
//!
//! Every key is optional; a missing file means "all defaults". An unknown key
//! or a value of the wrong type is a [`ConfigError`] naming the key and line.

use crate::diagnostic::{Code, Newlines, Severity, escape_controls};
use crate::yaml::{self, Pos, Step};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

mod playbook;
pub(crate) use playbook::PlaybookLabels;
mod translations;
pub(crate) use translations::{Staleness, TranslationRules};

pub(crate) const CONFIG_FILE: &str = "folio.yml";

/// A problem with `folio.yml` (or the command line paths it implies). Exit code 2.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A key or value is wrong; the position is that of the node. Shown
    /// with control characters escaped: keys and values come from the file.
    #[error(
        "{}:{line}:{column}: {}",
        escape_controls(file, Newlines::Escape),
        escape_controls(message, Newlines::Escape)
    )]
    Invalid {
        /// `folio.yml` as the user named it.
        file: String,
        /// 1-based.
        line: u32,
        /// 1-based, in characters.
        column: u32,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The file exists but cannot be read.
    #[error("{}: cannot read: {source}", escape_controls(file, Newlines::Escape))]
    Read {
        /// `folio.yml` as the user named it.
        file: String,
        /// Why reading failed.
        source: std::io::Error,
    },
}

impl ConfigError {
    fn invalid(file: &Path, pos: Pos, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            file: file.display().to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }
}

/// The resolved configuration of one site.
#[derive(Clone, Debug)]
pub struct Config {
    /// The site root: where `folio.yml` lives.
    pub(crate) root: PathBuf,
    pub(crate) title: String,
    /// Absolute URL of the published site, always ending in `/`.
    pub(crate) base_url: String,
    /// Absolute path of the content directory.
    pub(crate) content_dir: PathBuf,
    /// The content directory as diagnostics show it (`content`; empty when
    /// it is the site root): made once, since every reported file and
    /// every exported task row is named through it.
    content_shown: String,
    /// Absolute path of the output directory.
    pub(crate) output_dir: PathBuf,
    /// The language of files in no language folder and without a suffix.
    pub(crate) default_language: LangId,
    /// In `folio.yml` order; [`LangId`] indexes it.
    languages: Vec<Language>,
    pub(crate) front_matter: FrontMatterRules,
    /// Task-table labels per language code.
    pub(crate) tasks: BTreeMap<String, TaskLabels>,
    /// `playbook:`, the phase, role and refresh-summary labels of every
    /// language, normalized once: every page is matched against them.
    pub(crate) playbook_marks: std::sync::Arc<crate::markdown::PlaybookMarks>,
    pub(crate) checks: CheckRules,
    pub(crate) markdown: MarkdownRules,
    /// `translations:`: staleness, scope, fallback pages, the dashboard.
    pub(crate) translations: TranslationRules,
    /// `footer.links`, checked: no URL runs script.
    pub(crate) footer: Footer,
    /// `edit_url`: an `http(s)` URL with `{path}`, where each page's source
    /// path (relative to the site root) goes.
    pub(crate) edit_url: Option<String>,
    /// Follow symlinks whose target is outside the site root
    /// (`follow_symlinks`; off by default, see README).
    pub(crate) follow_symlinks: bool,
    /// `links`: how links to pages are written (`folio build --portable`: `file`).
    pub(crate) links: crate::paths::LinkForm,
    /// `exclude`: globs over content paths that are not read.
    exclude_set: GlobSet,
    /// `checks.ignore`: globs over link targets that are never reported
    /// (`http://example.com*`).
    ignore_set: GlobSet,
    /// Content-relative paths of the site's own files when they lie inside
    /// the content folder (`content_dir: .`): `folio.yml`, `templates/`,
    /// `theme/` and the output folder are Folio's, never content.
    reserved: Vec<String>,
}

/// One of the site's languages: its place in `languages` of `folio.yml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct LangId(usize);

impl LangId {
    /// The position in `folio.yml`'s `languages`, for tables with one
    /// slot per language.
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Language {
    pub(crate) code: String,
    pub(crate) name: String,
    /// The language's folder, relative to the content dir, `/`-separated, no trailing `/`.
    pub(crate) dir: String,
    /// Filename suffixes (`initiate-es.md` has suffix `es`), matched without case.
    pub(crate) suffixes: Vec<String>,
}

impl Language {
    /// Right-to-left scripts get `dir="rtl"`.
    pub(crate) fn is_rtl(&self) -> bool {
        let primary = self.code.split(['-', '_']).next().unwrap_or("");
        matches!(
            primary.to_ascii_lowercase().as_str(),
            "ar" | "he" | "fa" | "ur" | "yi" | "ps" | "dv" | "ckb"
        )
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatterRules {
    #[serde(default)]
    pub(crate) required: Vec<String>,
    #[serde(default = "default_date_key")]
    pub(crate) date_key: String,
}

impl Default for FrontMatterRules {
    fn default() -> Self {
        FrontMatterRules {
            required: Vec::new(),
            date_key: default_date_key(),
        }
    }
}

fn default_date_key() -> String {
    "ms.date".to_string()
}

/// `markdown:` in `folio.yml`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkdownRules {
    #[serde(default)]
    pub(crate) raw_html: RawHtml,
}

/// `markdown.raw_html`: what raw HTML written in content may do in a
/// reader's browser. The README says why `sanitize` is the default.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    /// Written as is, `<script>` included: every author is trusted.
    Allow,
    /// Kept through an allowlist sanitizer; GFM's tagfilter applies.
    #[default]
    Sanitize,
    /// Shown as text.
    Escape,
}

/// The header labels that mark a task table in one language, and the values
/// its requirement column may hold. Matching ignores case and surrounding spaces.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TaskLabels {
    #[serde(default)]
    pub(crate) id: Vec<String>,
    #[serde(default)]
    pub(crate) name: Vec<String>,
    #[serde(default)]
    pub(crate) requirement: Vec<String>,
    #[serde(default)]
    pub(crate) role: Vec<String>,
    #[serde(default)]
    pub(crate) services: Vec<String>,
    #[serde(default)]
    pub(crate) mandatory: Vec<String>,
    #[serde(default)]
    pub(crate) optional: Vec<String>,
}

impl TaskLabels {
    /// The labels of the English FastTrack playbook, used when `folio.yml` gives none for `en`.
    pub(crate) fn english() -> TaskLabels {
        let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        TaskLabels {
            id: v(&["Task ID"]),
            name: v(&["Task Name", "Task Description"]),
            requirement: v(&["(M)andatory / (O)ptional"]),
            role: v(&["FastTrack Role"]),
            services: v(&["Services"]),
            mandatory: v(&["M"]),
            optional: v(&["O"]),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct CheckRules {
    pub(crate) severity: BTreeMap<Code, Severity>,
    /// How `folio check --external` treats servers (`checks.external`).
    pub(crate) external: ExternalRules,
}

/// `checks.external`: limits for checking http(s) links.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ExternalRules {
    /// Per request, connecting included (`timeout`, seconds).
    pub(crate) timeout: Duration,
    /// Requests in flight at once over all hosts.
    pub(crate) concurrency: usize,
    /// Requests in flight at once to one host (`host:port`).
    pub(crate) per_host: usize,
    /// How long a success in `.folio-cache/links.json` is trusted (`max_age_hours`).
    pub(crate) max_age: Duration,
}

impl Default for ExternalRules {
    fn default() -> Self {
        ExternalRules {
            timeout: Duration::from_secs(10),
            concurrency: 8,
            per_host: 2,
            max_age: Duration::from_secs(24 * 3600),
        }
    }
}

/// Upper bounds that catch typos (`timeout: 1000`) rather than real needs.
const MAX_TIMEOUT_SECS: f64 = 300.0;
const MAX_CONCURRENCY: usize = 64;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    content_dir: Option<PathBuf>,
    output_dir: Option<PathBuf>,
    #[serde(default)]
    exclude: Vec<String>,
    default_language: Option<String>,
    #[serde(default)]
    languages: Vec<RawLanguage>,
    #[serde(default)]
    front_matter: FrontMatterRules,
    #[serde(default)]
    tasks: BTreeMap<String, TaskLabels>,
    #[serde(default)]
    playbook: BTreeMap<String, playbook::RawPlaybookLabels>,
    #[serde(default)]
    checks: RawChecks,
    #[serde(default)]
    markdown: MarkdownRules,
    #[serde(default)]
    translations: translations::RawTranslations,
    #[serde(default)]
    follow_symlinks: bool,
    #[serde(default)]
    links: crate::paths::LinkForm,
    #[serde(default)]
    footer: Footer,
    edit_url: Option<String>,
}

/// `footer`: links shown in every page's footer, after the site title and
/// the build date.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Footer {
    #[serde(default)]
    pub(crate) links: Vec<FooterLink>,
}

/// One `footer.links` entry.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FooterLink {
    pub(crate) text: String,
    pub(crate) url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    code: String,
    name: Option<String>,
    dir: Option<String>,
    suffixes: Option<Vec<String>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecks {
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    external: RawExternal,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExternal {
    timeout: Option<f64>,
    concurrency: Option<usize>,
    per_host: Option<usize>,
    max_age_hours: Option<f64>,
}

impl Config {
    /// Loads `root/folio.yml`, or the defaults when the file does not exist.
    pub(crate) fn load(root: &Path) -> Result<Config, ConfigError> {
        let file = root.join(CONFIG_FILE);
        let limit = crate::limits::CONFIG.bytes;
        match std::fs::metadata(&file) {
            Ok(meta) if meta.len() > limit as u64 => {
                return Err(ConfigError::invalid(
                    &file,
                    Pos::START,
                    format!(
                        "folio.yml is {} bytes, more than the limit of {}; it is not read",
                        meta.len(),
                        yaml::bytes(limit)
                    ),
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Config::parse(root, &file, "");
            }
            _ => {}
        }
        match std::fs::read(&file) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    let pos = crate::text::position(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                    );
                    ConfigError::invalid(&file, pos, "folio.yml is not valid UTF-8")
                })?;
                Config::parse(root, &file, &text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::parse(root, &file, ""),
            Err(source) => Err(ConfigError::Read {
                file: file.display().to_string(),
                source,
            }),
        }
    }

    /// Parses configuration text; `file` is only used in error messages.
    pub(crate) fn parse(root: &Path, file: &Path, text: &str) -> Result<Config, ConfigError> {
        let top = read_yaml(file, text)?;
        let raw: RawConfig = yaml::from_node(&top).map_err(|e| {
            // serde's message already names the key ("unknown field `x`, expected one of ...").
            ConfigError::invalid(file, e.pos.unwrap_or(Pos::START), e.to_string())
        })?;
        let invalid = |path: &[Step<'_>], message: String| {
            ConfigError::invalid(file, top.locate(path), message)
        };
        let root = root.to_path_buf();

        let languages = resolve_languages(&raw.languages, &invalid)?;
        let default_language =
            resolve_default_language(raw.default_language.as_deref(), &languages, &invalid)?;

        let mut tasks = raw.tasks;
        tasks
            .entry("en".to_string())
            .or_insert_with(TaskLabels::english);
        let playbook = playbook::resolve(raw.playbook, &languages, &invalid)?;

        let severity = resolve_severities(&raw.checks.severity, &invalid)?;
        let exclude_set = globs(&raw.exclude, &[Step::Key("exclude")], "exclude", &invalid)?;
        let ignore_set = globs(
            &raw.checks.ignore,
            &[Step::Key("checks"), Step::Key("ignore")],
            "checks.ignore",
            &invalid,
        )?;

        let external = resolve_external(&raw.checks.external, &invalid)?;
        let translations =
            translations::resolve(raw.translations, &languages, default_language, &invalid)?;

        let base_url = with_trailing_slash(raw.base_url.unwrap_or_else(|| "/".to_string()));
        check_footer(&raw.footer, &invalid)?;
        let mut footer = raw.footer;
        for link in &mut footer.links {
            link.url = crate::paths::url::encode(link.url.trim());
        }
        check_edit_url(raw.edit_url.as_deref(), &invalid)?;

        let content_dir = root.join(raw.content_dir.unwrap_or_else(|| "content".into()));
        let output_dir = root.join(raw.output_dir.unwrap_or_else(|| "public".into()));
        let reserved = reserved_paths(&root, &content_dir, &output_dir);
        let mut config = Config {
            title: raw.title.unwrap_or_else(|| "Playbook".to_string()),
            base_url,
            content_dir,
            output_dir,
            default_language,
            languages,
            front_matter: raw.front_matter,
            tasks,
            playbook_marks: std::sync::Arc::new(crate::markdown::PlaybookMarks::from_labels(
                playbook.values(),
            )),
            checks: CheckRules { severity, external },
            markdown: raw.markdown,
            translations,
            follow_symlinks: raw.follow_symlinks,
            links: raw.links,
            footer,
            edit_url: raw.edit_url,
            exclude_set,
            ignore_set,
            reserved,
            root,
            content_shown: String::new(),
        };
        let shown = config.display_path(&config.content_dir);
        if shown != "." {
            config.content_shown = shown;
        }
        Ok(config)
    }

    /// Replaces `base_url` (`folio build --base-url`, for preview
    /// deployments), normalized as in `folio.yml`.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), ConfigError> {
        let url = url.trim();
        if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::Invalid {
                file: "--base-url".into(),
                line: 1,
                column: 1,
                message: format!(
                    "`{url}` is not a URL; give the address the site is published at, such as https://example.com/docs/ (or a path such as /docs/)"
                ),
            });
        }
        self.base_url = with_trailing_slash(url.to_string());
        Ok(())
    }

    /// Writes every link to a page as `…/index.html` (`folio build --portable`).
    pub fn set_portable(&mut self) {
        self.links = crate::paths::LinkForm::File;
    }

    /// Replaces `output_dir` (`--out`).
    pub(crate) fn set_output_dir(&mut self, dir: PathBuf) {
        self.output_dir = dir;
        self.reserved = reserved_paths(&self.root, &self.content_dir, &self.output_dir);
    }

    /// A site needs its content folder; say which setting points where.
    pub(crate) fn require_content_dir(&self) -> Result<(), ConfigError> {
        if self.content_dir.is_dir() {
            return Ok(());
        }
        let file = self.root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let pos = yaml::parse(&text, &crate::limits::CONFIG)
            .map(|doc| doc.root.locate(&[Step::KeyName("content_dir")]))
            .unwrap_or(Pos::START);
        Err(ConfigError::invalid(
            &file,
            pos,
            format!(
                "the content directory `{}` does not exist; create it, or set `content_dir` in folio.yml (or pass --root)",
                self.display_path(&self.content_dir)
            ),
        ))
    }

    pub(crate) fn default_lang(&self) -> &Language {
        self.language(self.default_language)
    }

    /// One of the site's languages.
    pub(crate) fn language(&self, id: LangId) -> &Language {
        &self.languages[id.0]
    }

    /// The site's languages in `folio.yml` order.
    pub(crate) fn languages(&self) -> impl ExactSizeIterator<Item = (LangId, &Language)> + Clone {
        self.languages
            .iter()
            .enumerate()
            .map(|(i, l)| (LangId(i), l))
    }

    /// How many languages the site has.
    pub(crate) fn language_count(&self) -> usize {
        self.languages.len()
    }

    /// Is this content-relative path (`/`-separated) excluded by `exclude`?
    pub(crate) fn is_excluded(&self, rel: &str) -> bool {
        self.exclude_set.is_match(rel)
    }

    /// Is this content-relative path one of the site's own files or
    /// folders (`folio.yml`, `templates/`, `theme/`, the output folder) or
    /// inside one? Only when the content folder holds the site root.
    pub(crate) fn is_reserved(&self, rel: &str) -> bool {
        self.reserved
            .iter()
            .any(|r| crate::paths::is_within(rel, r))
    }

    /// Is this link target silenced by `checks.ignore`?
    pub(crate) fn is_ignored_target(&self, target: &str) -> bool {
        self.ignore_set.is_match(target)
    }

    /// The severity a code has on this site.
    pub(crate) fn severity_of(&self, code: Code) -> Severity {
        self.checks
            .severity
            .get(&code)
            .copied()
            .unwrap_or_else(|| code.default_severity())
    }

    /// The path part of `base_url` (`/playbook/`), used where links must be absolute.
    pub(crate) fn base_path(&self) -> String {
        let after_scheme = match self.base_url.find("://") {
            Some(i) => &self.base_url[i + 3..],
            None => return self.base_url.clone(),
        };
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        }
    }

    /// Where a path of this site's tree should be shown in messages:
    /// relative to the root, with `..` for content kept outside it.
    pub(crate) fn display_path(&self, path: &Path) -> String {
        if let Ok(rel) = path.strip_prefix(&self.root) {
            return crate::paths::to_slash(rel);
        }
        crate::paths::to_slash(&crate::paths::relative_path(
            &crate::paths::absolute(&self.root),
            &crate::paths::absolute(path),
        ))
    }

    /// The root-relative path of a content-relative path, as diagnostics show it.
    pub(crate) fn source_path(&self, content_rel: &str) -> String {
        let dir = &self.content_shown;
        if dir.is_empty() {
            return content_rel.to_string();
        }
        let mut path = String::with_capacity(dir.len() + 1 + content_rel.len());
        path.push_str(dir);
        path.push('/');
        path.push_str(content_rel);
        path
    }

    /// Absolute path of the content directory.
    pub fn content_dir(&self) -> &Path {
        &self.content_dir
    }

    /// The content directory as diagnostics show it (empty for the site root).
    pub(crate) fn content_shown(&self) -> &str {
        &self.content_shown
    }
}

/// `base_url` always ends in `/`.
fn with_trailing_slash(mut url: String) -> String {
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// The site's own paths that lie inside the content folder, content-relative
/// (see [`Config::is_reserved`]); compared with symlinks resolved.
fn reserved_paths(root: &Path, content: &Path, output: &Path) -> Vec<String> {
    let real = crate::paths::real_path;
    let content = real(content);
    let own = [
        root.join(CONFIG_FILE),
        root.join("templates"),
        root.join("theme"),
        output.to_path_buf(),
    ];
    own.iter()
        .filter_map(|p| {
            let rel = real(p).strip_prefix(&content).ok()?.to_path_buf();
            let rel = crate::paths::to_slash(&rel);
            (!rel.is_empty()).then_some(rel)
        })
        .collect()
}

/// Parses `folio.yml`'s text (BOM removed) into its top node; an empty
/// file is an empty map. A key written twice is an error here.
fn read_yaml(file: &Path, text: &str) -> Result<yaml::Node, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = yaml::parse(text, &crate::limits::CONFIG).map_err(|e| {
        let message = match &e {
            yaml::Error::Limit { message, .. } => {
                format!("folio.yml exceeds a safety limit: {message}")
            }
            yaml::Error::Syntax { message, .. } => message.clone(),
        };
        ConfigError::invalid(file, e.pos(), message)
    })?;
    if let Some(d) = doc.duplicates.first() {
        return Err(ConfigError::invalid(
            file,
            d.later,
            format!(
                "`{}` is set twice (first on line {}); keep one of them",
                d.key, d.earlier.line
            ),
        ));
    }
    Ok(match doc.root.value {
        yaml::Value::Null => yaml::Node {
            value: yaml::Value::Map(Vec::new()),
            ..doc.root
        },
        _ => doc.root,
    })
}

/// `default_language`: one of the languages' codes; the first language
/// when not set.
fn resolve_default_language(
    code: Option<&str>,
    languages: &[Language],
    invalid: &Invalid<'_>,
) -> Result<LangId, ConfigError> {
    let Some(code) = code else {
        return Ok(LangId(0));
    };
    languages.iter().position(|l| l.code == code).map(LangId).ok_or_else(|| {
        invalid(
            &[Step::Key("default_language")],
            format!(
                "default_language `{code}` is not one of the languages ({}); add it under `languages` or pick one of those",
                languages.iter().map(|l| l.code.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// A list of globs (`key` as messages name it, `path` to it in the file).
fn globs(
    patterns: &[String],
    path: &[Step<'_>],
    key: &str,
    invalid: &Invalid<'_>,
) -> Result<GlobSet, ConfigError> {
    build_globs(patterns).map_err(|(i, e)| {
        let mut at = path.to_vec();
        at.push(Step::Index(i));
        invalid(
            &at,
            format!("{key}: `{}` is not a valid glob: {e}", patterns[i]),
        )
    })
}

/// Builds a `ConfigError` at the node a path into `folio.yml` leads to.
type Invalid<'a> = dyn Fn(&[Step<'_>], String) -> ConfigError + 'a;

fn resolve_languages(
    raw: &[RawLanguage],
    invalid: &Invalid<'_>,
) -> Result<Vec<Language>, ConfigError> {
    if raw.is_empty() {
        return Ok(vec![Language {
            code: "en".into(),
            name: "English".into(),
            dir: "en".into(),
            suffixes: vec!["en".into()],
        }]);
    }
    let mut languages: Vec<Language> = Vec::new();
    for (i, l) in raw.iter().enumerate() {
        let language = resolve_language(i, l, invalid)?;
        for other in &languages {
            check_clash(i, l, &language, other, invalid)?;
        }
        languages.push(language);
    }
    Ok(languages)
}

/// The path to `languages[i].key` in `folio.yml`.
fn language_key(i: usize, key: &'static str) -> [Step<'static>; 3] {
    [Step::Key("languages"), Step::Index(i), Step::Key(key)]
}

/// The path to `languages[i].suffixes[s]` in `folio.yml`.
fn suffix_key(i: usize, s: usize) -> Vec<Step<'static>> {
    vec![
        Step::Key("languages"),
        Step::Index(i),
        Step::Key("suffixes"),
        Step::Index(s),
    ]
}

/// One entry of `languages`, checked on its own.
fn resolve_language(
    i: usize,
    l: &RawLanguage,
    invalid: &Invalid<'_>,
) -> Result<Language, ConfigError> {
    let at = |key: &'static str| language_key(i, key);
    let code = l.code.trim().to_string();
    if let Err(why) = check_code(&code) {
        return Err(invalid(
            &at("code"),
            format!(
                "languages: `code: {}` is not a usable language code: {why}; use a language tag such as en, es or zh-Hans",
                l.code
            ),
        ));
    }
    let dir = match &l.dir {
        Some(dir) => check_dir(dir).map_err(|why| {
            invalid(
                &at("dir"),
                format!("languages: `dir: {dir}` of `{code}` {why}; give a folder inside the content folder, such as `{code}` or `docs/{code}`"),
            )
        })?,
        None => code.clone(),
    };
    let suffixes = l.suffixes.clone().unwrap_or_else(|| vec![code.clone()]);
    for (s, suffix) in suffixes.iter().enumerate() {
        if suffix.is_empty()
            || suffix.contains(['/', '\\', '.', ' '])
            || suffix.chars().any(char::is_control)
        {
            return Err(invalid(
                &suffix_key(i, s),
                format!(
                    "languages: `suffixes` of `{code}`: `{suffix}` is not a usable filename suffix; use letters, digits and `-` (as in `page-es.md`)"
                ),
            ));
        }
    }
    Ok(Language {
        name: l.name.clone().unwrap_or_else(|| code.clone()),
        code,
        dir,
        suffixes,
    })
}

/// Two languages may not share a code (in any case), a folder or a suffix.
fn check_clash(
    i: usize,
    l: &RawLanguage,
    language: &Language,
    other: &Language,
    invalid: &Invalid<'_>,
) -> Result<(), ConfigError> {
    let (code, dir, suffixes) = (&language.code, &language.dir, &language.suffixes);
    if other.code.eq_ignore_ascii_case(code) {
        return Err(invalid(
            &language_key(i, "code"),
            format!(
                "languages: `{code}` is listed twice (as `{}` before); letter case does not make two languages",
                other.code
            ),
        ));
    }
    if !dir.is_empty() && other.dir == *dir {
        let path = language_key(i, if l.dir.is_some() { "dir" } else { "code" });
        return Err(invalid(
            &path,
            format!(
                "languages: `{}` and `{code}` both use the folder `{dir}`; give each language its own `dir`",
                other.code
            ),
        ));
    }
    if let Some(s) = suffixes
        .iter()
        .position(|s| other.suffixes.iter().any(|o| o.eq_ignore_ascii_case(s)))
    {
        let path: Vec<Step<'_>> = if l.suffixes.is_some() {
            suffix_key(i, s)
        } else {
            language_key(i, "code").to_vec()
        };
        return Err(invalid(
            &path,
            format!(
                "languages: `{}` and `{code}` both claim the suffix `{}`; give `{code}` its own `suffixes`",
                other.code, suffixes[s]
            ),
        ));
    }
    Ok(())
}

/// A language code becomes the first folder of its pages' URLs, so it
/// must be one safe path segment: a language tag such as `en` or `zh-Hans`.
fn check_code(code: &str) -> Result<(), &'static str> {
    if code.is_empty() {
        return Err("it is empty");
    }
    if code.len() > 35 {
        return Err("it is longer than 35 characters");
    }
    if !code.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("it must start with a letter");
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("only letters, digits, `-` and `_` are allowed (no `/`, `.` or spaces)");
    }
    if code.eq_ignore_ascii_case("theme") {
        return Err("`theme/` is where Folio writes its theme");
    }
    Ok(())
}

/// A language folder: relative to the content folder, `/`-separated, never
/// leaving it. Returns it without `./` and trailing `/`.
fn check_dir(dir: &str) -> Result<String, &'static str> {
    let trimmed = dir.trim();
    if trimmed.starts_with(['/', '\\']) || trimmed.get(1..2) == Some(":") {
        return Err("is an absolute path");
    }
    if trimmed.contains('\\') {
        return Err("contains `\\`; separate folders with `/`");
    }
    if trimmed.chars().any(char::is_control) {
        return Err("contains a control character");
    }
    let trimmed = trimmed.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    for segment in trimmed.split('/') {
        match segment {
            "" => return Err("has an empty folder name (`//`)"),
            "." | ".." => {
                return Err("contains `.` or `..`, which would leave or repeat the content folder");
            }
            s if s.starts_with('.') => {
                return Err("names a hidden folder, which Folio never reads");
            }
            _ => {}
        }
    }
    Ok(trimmed.to_string())
}

fn resolve_severities(
    raw: &BTreeMap<String, String>,
    invalid: &Invalid<'_>,
) -> Result<BTreeMap<Code, Severity>, ConfigError> {
    let mut severity = BTreeMap::new();
    for (name, value) in raw {
        let code = Code::parse(name).ok_or_else(|| {
            invalid(
                &[Step::Key("checks"), Step::Key("severity"), Step::KeyName(name)],
                format!("checks.severity: unknown diagnostic code `{name}`; see the README for the list of codes"),
            )
        })?;
        let level = Severity::parse(value).ok_or_else(|| {
            invalid(
                &[Step::Key("checks"), Step::Key("severity"), Step::Key(name)],
                format!(
                    "checks.severity.{name}: `{value}` is not a severity; use error, warning or off"
                ),
            )
        })?;
        severity.insert(code, level);
    }
    Ok(severity)
}

/// Footer links are shown on every page: none may run script or be empty.
fn check_footer(footer: &Footer, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
    for (i, link) in footer.links.iter().enumerate() {
        let at = |key: &'static str| {
            [
                Step::Key("footer"),
                Step::Key("links"),
                Step::Index(i),
                Step::Key(key),
            ]
        };
        if link.text.trim().is_empty() {
            return Err(invalid(
                &at("text"),
                format!("footer.links[{i}].text is empty; give the words the link shows"),
            ));
        }
        if link.url.trim().is_empty() {
            return Err(invalid(
                &at("url"),
                format!(
                    "footer.links[{i}].url is empty; give an address such as https://example.com/"
                ),
            ));
        }
        if let Some(bad) = crate::paths::url::unsafe_url(&link.url) {
            return Err(invalid(
                &at("url"),
                format!(
                    "footer.links[{i}].url is a {} URL, which would run script in readers' browsers; give an http(s) address or a path",
                    bad.kind
                ),
            ));
        }
    }
    Ok(())
}

/// `edit_url` must be a web address with a `{path}` slot.
fn check_edit_url(url: Option<&str>, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
    let Some(url) = url else { return Ok(()) };
    let at = [Step::Key("edit_url")];
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(invalid(
            &at,
            format!(
                "edit_url `{url}` is not an http(s) address; write e.g. https://github.com/org/repo/edit/main/{{path}}"
            ),
        ));
    }
    if !url.contains("{path}") {
        return Err(invalid(
            &at,
            format!(
                "edit_url `{url}` has no `{{path}}`; add it where the page's source path goes, e.g. https://github.com/org/repo/edit/main/{{path}}"
            ),
        ));
    }
    Ok(())
}

fn resolve_external(
    raw: &RawExternal,
    invalid: &Invalid<'_>,
) -> Result<ExternalRules, ConfigError> {
    let at = |key: &'static str| [Step::Key("checks"), Step::Key("external"), Step::Key(key)];
    let mut rules = ExternalRules::default();
    if let Some(t) = raw.timeout {
        if !(t > 0.0 && t <= MAX_TIMEOUT_SECS) {
            return Err(invalid(
                &at("timeout"),
                format!(
                    "checks.external.timeout: `{t}` must be a number of seconds above 0 and at most {MAX_TIMEOUT_SECS}"
                ),
            ));
        }
        rules.timeout = Duration::from_secs_f64(t);
    }
    for (key, value, slot) in [
        ("concurrency", raw.concurrency, &mut rules.concurrency),
        ("per_host", raw.per_host, &mut rules.per_host),
    ] {
        if let Some(n) = value {
            if n == 0 || n > MAX_CONCURRENCY {
                return Err(invalid(
                    &at(key),
                    format!("checks.external.{key}: `{n}` must be between 1 and {MAX_CONCURRENCY}"),
                ));
            }
            *slot = n;
        }
    }
    if raw.per_host.is_none() {
        rules.per_host = rules.per_host.min(rules.concurrency);
    } else if rules.per_host > rules.concurrency {
        return Err(invalid(
            &at("per_host"),
            format!(
                "checks.external.per_host ({}) is larger than concurrency ({}); lower per_host or raise concurrency",
                rules.per_host, rules.concurrency
            ),
        ));
    }
    if let Some(h) = raw.max_age_hours {
        if !(h >= 0.0 && h.is_finite() && h <= 24.0 * 366.0) {
            return Err(invalid(
                &at("max_age_hours"),
                format!(
                    "checks.external.max_age_hours: `{h}` must be between 0 (always re-check) and 8784 (a year)"
                ),
            ));
        }
        rules.max_age = Duration::from_secs_f64(h * 3600.0);
    }
    Ok(rules)
}

/// The glob set, or the index of the first pattern that is not a glob.
fn build_globs(patterns: &[String]) -> Result<GlobSet, (usize, globset::Error)> {
    let mut builder = GlobSetBuilder::new();
    for (i, p) in patterns.iter().enumerate() {
        builder.add(Glob::new(p).map_err(|e| (i, e))?);
    }
    builder.build().map_err(|e| (0, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/site"), Path::new("folio.yml"), text)
    }

    #[test]
    fn base_url_can_be_replaced_for_a_preview() {
        let mut c = parse("base_url: https://docs.example.com/").unwrap();
        c.set_base_url(" https://preview.example.com/pr-7 ")
            .unwrap();
        assert_eq!(c.base_url, "https://preview.example.com/pr-7/");
        assert_eq!(c.base_path(), "/pr-7/");
        for bad in ["", "not a url", "https://x.exa\nmple/"] {
            assert!(c.set_base_url(bad).is_err(), "{bad:?}");
        }
        assert_eq!(c.base_url, "https://preview.example.com/pr-7/");
    }

    #[test]
    fn footer_links_and_edit_url() {
        let c = parse(
            "edit_url: https://github.com/o/r/edit/main/{path}\nfooter:\n  links:\n    - { text: Privacy, url: \"https://example.com/a b\" }\n",
        )
        .unwrap();
        assert_eq!(c.footer.links[0].url, "https://example.com/a%20b");
        assert_eq!(
            c.edit_url.as_deref(),
            Some("https://github.com/o/r/edit/main/{path}")
        );
        let place = |text: &str| match parse(text) {
            Err(ConfigError::Invalid {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            other => panic!("{other:?}"),
        };
        let (line, _, message) = place(
            "footer:\n  links:\n    - { text: x, url: ok }\n    - { text: y, url: \"javascript:alert(1)\" }\n",
        );
        assert_eq!(line, 4);
        assert!(
            message.contains("footer.links[1].url") && message.contains("javascript:"),
            "{message}"
        );
        let (line, _, message) = place("footer:\n  links:\n    - { text: \" \", url: /a }\n");
        assert_eq!(line, 3);
        assert!(message.contains("text is empty"), "{message}");
        assert!(
            place("edit_url: https://example.com/edit/")
                .2
                .contains("{path}")
        );
        assert!(place("edit_url: javascript:x/{path}").2.contains("http(s)"));
        assert!(
            place("footer:\n  links:\n    - { text: a, href: b }\n")
                .2
                .contains("unknown field")
        );
    }

    #[test]
    fn defaults_without_file() {
        let c = parse("").unwrap();
        assert_eq!(c.languages.len(), 1);
        assert_eq!(c.default_lang().code, "en");
        assert_eq!(c.content_dir, Path::new("/site/content"));
        assert_eq!(c.output_dir, Path::new("/site/public"));
        assert_eq!(c.front_matter.date_key, "ms.date");
        assert!(c.tasks.contains_key("en"));
    }

    #[test]
    fn full_contract_shape_parses() {
        let text = r#"
title: FastTrack Partner Playbook
base_url: https://partners.example.com/playbook/
content_dir: content          # default
output_dir: public            # default
exclude: ["**/archive/**"]
default_language: en
languages:
  - { code: en, name: English, dir: english-playbook }
  - { code: es, name: Español, dir: spanish-playbook, suffixes: [es] }
  - { code: ja, name: 日本語, dir: japanese-playbook, suffixes: [jp, ja] }
front_matter:
  required: [title, description, ms.date]
  date_key: ms.date
tasks:
  en: { id: [Task ID], name: [Task Name, Task Description], requirement: ["(M)andatory / (O)ptional"], role: [FastTrack Role], services: [Services], mandatory: [M], optional: [O] }
  de: { id: [Aufgaben-ID], name: [Name der Aufgabe], requirement: ["(E) Erforderlich (O) Optional"], role: [FastTrack-Rolle], services: [Dienste], mandatory: [E], optional: [O] }
checks:
  ignore: ["http://partner-docs.microsoft.com*"]
  severity: { translation-stale: warning }
"#;
        let c = parse(text).unwrap();
        assert_eq!(c.languages[2].suffixes, vec!["jp", "ja"]);
        assert_eq!(c.languages[0].suffixes, vec!["en"]);
        assert_eq!(c.base_path(), "/playbook/");
        assert!(c.is_excluded("english-playbook/archive/old.md"));
        assert!(!c.is_excluded("english-playbook/new.md"));
        assert!(c.is_ignored_target("http://partner-docs.microsoft.com/x/y"));
        assert_eq!(c.tasks["de"].mandatory, vec!["E"]);
        assert_eq!(c.severity_of(Code::TranslationStale), Severity::Warning);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse("title: x\nlanguagez: []\n").unwrap_err().to_string();
        assert!(err.contains("languagez"), "{err}");
        assert!(err.contains(":2:"), "{err}");
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse("title: x\nexclude: 3\n").unwrap_err().to_string();
        assert!(err.contains(":2:"), "{err}");
    }

    #[test]
    fn unknown_default_language_is_an_error() {
        let err = parse("default_language: fr\nlanguages:\n  - { code: en }\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("fr"), "{err}");
        assert!(err.contains(":1:"), "{err}");
    }

    #[test]
    fn unknown_severity_code_is_an_error() {
        let err = parse("checks:\n  severity: { link-brokn: off }\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("link-brokn"), "{err}");
        assert!(err.contains(":2:"), "{err}");
    }

    #[test]
    fn duplicate_suffix_is_an_error() {
        let err = parse("languages:\n  - { code: en }\n  - { code: es, suffixes: [en] }\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("suffix"), "{err}");
    }

    #[test]
    fn external_defaults_and_overrides() {
        let c = parse("").unwrap();
        assert_eq!(c.checks.external, ExternalRules::default());
        assert_eq!(c.checks.external.timeout, Duration::from_secs(10));
        assert_eq!(
            (c.checks.external.concurrency, c.checks.external.per_host),
            (8, 2)
        );
        assert_eq!(c.checks.external.max_age, Duration::from_secs(86_400));
        let c = parse(
            "checks:\n  external: { timeout: 2.5, concurrency: 4, per_host: 1, max_age_hours: 0 }\n",
        )
        .unwrap();
        let e = &c.checks.external;
        assert_eq!(e.timeout, Duration::from_millis(2500));
        assert_eq!((e.concurrency, e.per_host), (4, 1));
        assert_eq!(e.max_age, Duration::ZERO);
        // A lone `concurrency: 1` lowers the default per-host limit with it.
        let c = parse("checks:\n  external:\n    concurrency: 1\n").unwrap();
        assert_eq!(
            (c.checks.external.concurrency, c.checks.external.per_host),
            (1, 1)
        );
    }

    #[test]
    fn external_rejects_bad_values_with_their_line() {
        for (text, needle) in [
            ("checks:\n  external:\n    timeout: 0\n", "timeout"),
            ("checks:\n  external:\n    timeout: 9000\n", "timeout"),
            ("checks:\n  external:\n    concurrency: 0\n", "concurrency"),
            (
                "checks:\n  external:\n    concurrency: 500\n",
                "concurrency",
            ),
            (
                "checks:\n  external:\n    concurrency: 2\n    per_host: 3\n",
                "per_host",
            ),
            (
                "checks:\n  external:\n    max_age_hours: -1\n",
                "max_age_hours",
            ),
            ("checks:\n  external:\n    per_host: -1\n", "per_host"),
            ("checks:\n  external:\n    timout: 3\n", "timout"),
            ("checks:\n  external:\n    timeout: soon\n", "timeout"),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text:?}: {err}");
            assert!(
                err.contains(":3:") || err.contains(":4:"),
                "{text:?}: {err}"
            );
        }
    }

    /// The `file:line:column` prefix of an error.
    fn place(err: &ConfigError) -> (u32, u32) {
        match err {
            ConfigError::Invalid { line, column, .. } => (*line, *column),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn row_17_language_codes_and_dirs_cannot_leave_their_folder() {
        for (language, key) in [
            ("{ code: .. }", "code"),
            ("{ code: \"a/b\" }", "code"),
            ("{ code: \"../x\" }", "code"),
            ("{ code: \"\" }", "code"),
            ("{ code: \"en us\" }", "code"),
            ("{ code: theme }", "code"),
            ("{ code: fr, dir: ../outside }", "dir"),
            ("{ code: fr, dir: /etc }", "dir"),
            ("{ code: fr, dir: \"C:\\\\x\" }", "dir"),
            ("{ code: fr, dir: a/../../b }", "dir"),
            ("{ code: fr, dir: a//b }", "dir"),
            ("{ code: fr, dir: .hidden }", "dir"),
            ("{ code: fr, suffixes: [\"a/b\"] }", "suffixes"),
        ] {
            let text = format!("title: x\nlanguages:\n  - {{ code: en }}\n  - {language}\n");
            let err = parse(&text).unwrap_err();
            assert_eq!(place(&err).0, 4, "{text}: {err}");
            assert!(err.to_string().contains(key), "{text}: {err}");
        }
        let c = parse(
            "languages:\n  - { code: en, dir: ./docs/en/ }\n  - { code: pt-BR, dir: \"\" }\n",
        )
        .unwrap();
        assert_eq!(c.languages[0].dir, "docs/en");
        assert_eq!(c.languages[1].dir, "");
    }

    #[test]
    fn row_18_errors_name_the_real_line_and_column() {
        // An invalid code on the third language, in block style.
        let err =
            parse("languages:\n  - code: en\n  - code: es\n  - name: Bad\n    code: \"a/b\"\n")
                .unwrap_err();
        assert_eq!(place(&err), (5, 11), "{err}");
        // A suffix clash points at the clashing suffix, not the first `en` in the file.
        let err = parse("languages:\n  - { code: en }\n  - { code: es, suffixes: [es, en] }\n")
            .unwrap_err();
        assert_eq!(place(&err), (3, 32), "{err}");
        // A defaulted suffix clashes at the code that implies it.
        let err = parse("languages:\n  - { code: en, suffixes: [en, es] }\n  - { code: es }\n")
            .unwrap_err();
        assert_eq!(place(&err), (3, 13), "{err}");
        // `timeout: 0` after a commented line that mentions it.
        let err = parse("checks:\n  external:\n    # timeout: 10 is the default\n    timeout: 0\n")
            .unwrap_err();
        assert_eq!(place(&err), (4, 14), "{err}");
        // Unknown severity names point at the key, bad levels at the value.
        let err = parse("checks:\n  severity:\n    # link-brokn: off\n    link-brokn: off\n")
            .unwrap_err();
        assert_eq!(place(&err), (4, 5), "{err}");
        let err = parse("checks:\n  severity: { link-broken: loud }\n").unwrap_err();
        assert_eq!(place(&err), (2, 28), "{err}");
        let err = parse("exclude: [\"ok/**\", \"[bad\"]\n").unwrap_err();
        assert_eq!(place(&err), (1, 20), "{err}");
        let err = parse("default_language: fr # not en\nlanguages: [{ code: en }]\n").unwrap_err();
        assert_eq!(place(&err), (1, 19), "{err}");
        let err = parse("title: a\ntitle: b\n").unwrap_err();
        assert_eq!(place(&err), (2, 1), "{err}");
        assert!(err.to_string().contains("twice"), "{err}");
    }

    #[test]
    fn row_09_config_size_and_nesting_are_limited() {
        let deep = format!("title: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse(&deep).unwrap_err();
        assert_eq!(place(&err).0, 1, "{err}");
        let big = format!(
            "title: x\nexclude: [{}]\n",
            vec!["\"a\""; 400_000].join(", ")
        );
        let err = parse(&big).unwrap_err();
        assert!(err.to_string().contains("limit"), "{err}");
    }

    #[test]
    fn follow_symlinks_is_off_unless_set() {
        assert!(!parse("").unwrap().follow_symlinks);
        assert!(parse("follow_symlinks: true").unwrap().follow_symlinks);
    }
}
