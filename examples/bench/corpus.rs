//! The generated playbooks the benchmark runs on, cached between runs.
//!
//! `shared/bench/gen_playbook.py` writes the same pages in three layouts
//! (Folio, Hugo, Zola). Generating 50,000 pages takes a while, so each
//! corpus is kept under the cache folder with a stamp naming what made it
//! (the generator's bytes, its arguments, our `folio.yml`); a rerun with
//! the same stamp reuses it. The stamp is removed while the serve
//! measurement edits a page and written back once the page is restored,
//! so an interrupted run regenerates instead of measuring an edited corpus.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The benchmark's languages, the first is the default; the generator's
/// task-table header and requirement letters in each.
pub const LANGUAGES: [Language; 5] = [
    Language {
        code: "en",
        name: "English",
        header: [
            "Task ID",
            "Task Name",
            "(M)andatory / (O)ptional",
            "FastTrack Role",
            "Services",
        ],
        mandatory: "M",
        playbook: ["Phase", "Primary Role", "Applies To", "Refresh Summary"],
    },
    Language {
        code: "es",
        name: "Español",
        header: [
            "Id. de tarea",
            "Nombre de tarea",
            "(M)andatorio / (O)pcional",
            "Rol de FastTrack",
            "Servicios",
        ],
        mandatory: "M",
        playbook: [
            "Fase",
            "Rol principal",
            "Aplica a",
            "Resumen de actualización",
        ],
    },
    Language {
        code: "de",
        name: "Deutsch",
        header: [
            "Aufgaben-ID",
            "Name der Aufgabe",
            "(E) Erforderlich (O) Optional",
            "FastTrack-Rolle",
            "Dienste",
        ],
        mandatory: "E",
        playbook: [
            "Phase",
            "Primäre Rolle",
            "Gilt für",
            "Zusammenfassung der Aktualisierung",
        ],
    },
    Language {
        code: "ja",
        name: "日本語",
        header: [
            "タスク ID",
            "タスク名",
            "(M) 必須 (O) オプション",
            "FastTrack の役割",
            "サービス",
        ],
        mandatory: "M",
        playbook: ["フェーズ", "主な役割", "適用対象", "更新の概要"],
    },
    Language {
        code: "pt",
        name: "Português",
        header: [
            "ID da Tarefa",
            "Nome da tarefa",
            "(M) Obrigatório / (O) Opcional",
            "Função do FastTrack",
            "Serviços",
        ],
        mandatory: "M",
        playbook: [
            "Fase",
            "Função principal",
            "Aplica-se a",
            "Resumo da atualização",
        ],
    },
];

pub struct Language {
    pub code: &'static str,
    pub name: &'static str,
    /// Task ID, name, requirement, role, services.
    pub header: [&'static str; 5],
    pub mandatory: &'static str,
    /// The phase, primary-role and applies-to labels and the refresh
    /// summary's heading (`playbook:`).
    pub playbook: [&'static str; 4],
}

/// One generated playbook.
pub struct Corpus {
    /// The generator's output folder (holds `folio/`, `hugo/`, `zola/`).
    pub dir: PathBuf,
    /// Total pages, all languages.
    pub pages: usize,
    stamp: String,
}

impl Corpus {
    /// The Folio site root.
    pub fn folio(&self) -> PathBuf {
        self.dir.join("folio")
    }

    pub fn hugo(&self) -> PathBuf {
        self.dir.join("hugo")
    }

    pub fn zola(&self) -> PathBuf {
        self.dir.join("zola")
    }

    /// Marks the corpus as being edited (see the module comment).
    pub fn begin_edits(&self) -> std::io::Result<()> {
        std::fs::remove_file(self.dir.join(STAMP))
    }

    pub fn end_edits(&self) -> std::io::Result<()> {
        std::fs::write(self.dir.join(STAMP), &self.stamp)
    }
}

const STAMP: &str = "bench-stamp";

/// The corpus of `pages` pages (a multiple of the language count) with
/// `broken` as the share of broken internal links, generated unless the
/// cache already holds it.
pub fn ensure(
    generator: &Path,
    cache: &Path,
    pages: usize,
    broken: &str,
) -> Result<Corpus, String> {
    let per_language = pages / LANGUAGES.len();
    let args = [
        "--pages".to_string(),
        per_language.to_string(),
        "--langs".to_string(),
        LANGUAGES.map(|l| l.code).join(","),
        "--broken".to_string(),
        broken.to_string(),
    ];
    let source = std::fs::read(generator)
        .map_err(|e| format!("cannot read the generator {}: {e}", generator.display()))?;
    let mut hasher = DefaultHasher::new();
    source.hash(&mut hasher);
    let yml = folio_yml();
    let stamp = format!(
        "generator {:016x}\nargs {}\n{yml}",
        hasher.finish(),
        args.join(" ")
    );
    let corpus = Corpus {
        dir: cache.join(format!("corpus-{pages}-broken-{broken}")),
        pages,
        stamp,
    };
    if std::fs::read_to_string(corpus.dir.join(STAMP)).is_ok_and(|s| s == corpus.stamp) {
        return Ok(corpus);
    }
    eprintln!("generating {} ({pages} pages)", corpus.dir.display());
    let status = Command::new("python3")
        .arg(generator)
        .arg(&corpus.dir)
        .args(&args)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("python3 {}: {e}", generator.display()))?;
    if !status.success() {
        return Err(format!("{} failed ({status})", generator.display()));
    }
    let root = corpus.folio();
    std::fs::write(root.join("folio.yml"), yml).map_err(|e| e.to_string())?;
    verify_task_headers(&root.join("content"))?;
    corpus.end_edits().map_err(|e| e.to_string())?;
    Ok(corpus)
}

/// The five languages, their task-table labels and playbook labels, so
/// every page's task tables, phase and role lines and refresh summary are
/// recognized as on a real playbook.
fn folio_yml() -> String {
    let mut yml = String::from(
        "title: Bench\nbase_url: https://example.org/\ndefault_language: en\nlanguages:\n",
    );
    for (n, l) in LANGUAGES.iter().enumerate() {
        let suffixes = if n == 0 {
            String::new()
        } else {
            format!(", suffixes: [{}]", l.code)
        };
        yml.push_str(&format!(
            "  - {{ code: {}, name: \"{}\"{suffixes} }}\n",
            l.code, l.name
        ));
    }
    yml.push_str("tasks:\n");
    for l in &LANGUAGES {
        let [id, name, requirement, role, services] = l.header.map(|h| format!("[\"{h}\"]"));
        yml.push_str(&format!(
            "  {}: {{ id: {id}, name: {name}, requirement: {requirement}, role: {role}, services: {services}, mandatory: [{}], optional: [O] }}\n",
            l.code, l.mandatory
        ));
    }
    yml.push_str("playbook:\n");
    for l in &LANGUAGES {
        let [phase, role, applies_to, refresh] = l.playbook;
        yml.push_str(&format!(
            "  {}: {{ phase: [\"{phase}\"], role: [\"{role}\"], applies_to: [\"{applies_to}\"], refresh_summary: [\"{refresh}\"] }}\n",
            l.code
        ));
    }
    yml
}

/// Fails when the generator's task tables and playbook lines no longer
/// carry the labels above: Folio would then skip them and the benchmark would measure less
/// work than a real playbook asks for.
fn verify_task_headers(content: &Path) -> Result<(), String> {
    for l in &LANGUAGES {
        let dir = content.join(l.code);
        let page = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "md"))
            .ok_or_else(|| format!("{}: no page", dir.display()))?;
        let text = std::fs::read_to_string(&page).map_err(|e| e.to_string())?;
        let header = format!("| {} |", l.header.join(" | "));
        let [phase, role, applies_to, refresh] = l.playbook;
        let lines = [
            format!("{phase}: **"),
            format!("{role}: **"),
            format!("{applies_to}: **"),
            format!("## {refresh}\n"),
        ];
        if let Some(missing) = lines.iter().find(|line| !text.contains(line.as_str())) {
            return Err(format!(
                "{} has no `{}`: update LANGUAGES in examples/bench/corpus.rs to the generator's labels",
                page.display(),
                missing.trim_end()
            ));
        }
        if !text.contains(&header) {
            return Err(format!(
                "{} has no task table headed `{header}`: update LANGUAGES in examples/bench/corpus.rs to the generator's labels",
                page.display()
            ));
        }
    }
    Ok(())
}
