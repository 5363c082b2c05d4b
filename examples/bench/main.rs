//! Folio's benchmark: `folio build`, `folio check`, the bare
//! read+parse+write floor, Hugo and Zola when installed, and the serve
//! save-to-reload latency, on generated playbooks of several sizes.
//!
//! ```text
//! cargo run --release --example bench -- [--sizes 2000,10000,50000] [--runs 3] [--only build,check,floor,hugo,zola,serve]
//! ```
//!
//! Sizes are total pages over five languages (en, es, de, ja, pt); the
//! corpora come from `shared/bench/gen_playbook.py` (beside the repository,
//! or `--generator`) and are cached under `target/bench/`. Within each
//! repetition the tools run one after the other, so slow phases of a
//! shared machine hit all of them alike; the table shows the median of each
//! figure over the repetitions. Each run starts from an empty output folder
//! (the removal is not timed, and dirty data is flushed to disk before
//! each timed run). Not a test: nothing in `cargo test` runs it.

mod corpus;
mod measure;
mod serve;

use clap::{Parser, ValueEnum};
use corpus::Corpus;
use measure::Usage;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Folio's benchmark against the floor, Hugo and Zola")]
struct Args {
    /// Total pages of each corpus, over five languages (a multiple of 5).
    #[arg(long, value_delimiter = ',', default_values_t = [2000, 10000, 50000])]
    sizes: Vec<usize>,
    /// Repetitions of each command; the table shows medians.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Edits for the serve latency.
    #[arg(long, default_value_t = 20)]
    edits: usize,
    /// Milliseconds between two edits. A save that comes while the
    /// server still runs the previous edit's checks waits for them.
    #[arg(long, default_value_t = 300)]
    edit_gap: u64,
    /// Share of internal links the generator breaks (Zola always gets 0:
    /// it refuses to build with a broken link).
    #[arg(long, default_value = "0.01")]
    broken: String,
    /// What to measure.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = Tool::all())]
    only: Vec<Tool>,
    /// The folio binary to measure (default: this checkout's, built with cargo).
    #[arg(long)]
    folio: Option<PathBuf>,
    /// The playbook generator.
    #[arg(long)]
    generator: Option<PathBuf>,
    /// Where generated corpora and outputs are kept.
    #[arg(long)]
    cache: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Tool {
    Build,
    Check,
    Floor,
    Hugo,
    Zola,
    Serve,
}

impl Tool {
    fn all() -> Vec<Tool> {
        vec![
            Tool::Build,
            Tool::Check,
            Tool::Floor,
            Tool::Hugo,
            Tool::Zola,
            Tool::Serve,
        ]
    }

    fn label(self) -> &'static str {
        match self {
            Tool::Build => "folio build",
            Tool::Check => "folio check --format json",
            Tool::Floor => "floor: read + pulldown-cmark + write, rayon",
            Tool::Hugo => "hugo",
            Tool::Zola => "zola (corpus with --broken 0)",
            Tool::Serve => "folio serve",
        }
    }
}

/// One tool's figures on one corpus: the median of each over the runs.
struct Measured {
    tool: Tool,
    usage: Usage,
}

/// One run of a tool: the command, the folder it writes (emptied before
/// each run) and the exit codes that mean it worked.
struct Invocation {
    command: Command,
    output: Option<PathBuf>,
    expected: &'static [i32],
}

/// `folio build` at one size, for the growth line.
struct BuildAt {
    pages: usize,
    usage: Usage,
}

/// The programs measured.
struct Programs {
    folio: PathBuf,
    floor: PathBuf,
    hugo: Option<PathBuf>,
    zola: Option<PathBuf>,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    if let Some(bad) = args.sizes.iter().find(|&&s| s == 0 || s % 5 != 0) {
        return Err(format!("--sizes {bad}: give a positive multiple of 5"));
    }
    if args.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    // Also names the cache folder, so only a plain number is accepted.
    if !args
        .broken
        .parse::<f64>()
        .is_ok_and(|b| (0.0..=1.0).contains(&b))
    {
        return Err(format!(
            "--broken {}: give a share between 0 and 1",
            args.broken
        ));
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = args
        .cache
        .clone()
        .unwrap_or_else(|| manifest.join("target/bench"));
    let generator = args
        .generator
        .clone()
        .unwrap_or_else(|| manifest.join("../shared/bench/gen_playbook.py"));
    let programs = programs(args)?;
    print_header(&programs);
    let mut builds = Vec::new();
    for &size in &args.sizes {
        let corpus = corpus::ensure(&generator, &cache, size, &args.broken)?;
        let zola_corpus = match (&programs.zola, args.only.contains(&Tool::Zola)) {
            (Some(_), true) => Some(corpus::ensure(&generator, &cache, size, "0")?),
            _ => None,
        };
        println!(
            "\n## {size} pages\n\nload average before: {}",
            load_average()
        );
        let medians = run_tools(args, &programs, &corpus, zola_corpus.as_ref(), &cache)?;
        print_table(&medians, args, &programs);
        if let Some(usage) = find(&medians, Tool::Build) {
            builds.push(BuildAt { pages: size, usage });
        }
        if args.only.contains(&Tool::Serve) {
            let latency = serve_latency(&programs.folio, &corpus, args)?;
            print_latency(&latency, args.edit_gap);
        }
        println!("\nload average after: {}", load_average());
        // The corpora stay for the next run; the outputs (about 2 GB at
        // 50,000 pages for all tools) do not.
        remove_outputs(&programs, &corpus, zola_corpus.as_ref())?;
    }
    print_growth(&builds);
    Ok(())
}

/// Runs every selected tool `runs` times, alternating; returns medians.
fn run_tools(
    args: &Args,
    programs: &Programs,
    corpus: &Corpus,
    zola_corpus: Option<&Corpus>,
    cache: &Path,
) -> Result<Vec<Measured>, String> {
    let logs = cache.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    // Runs of each tool, in the order of `--only`.
    let mut samples: Vec<Vec<Usage>> = vec![Vec::new(); args.only.len()];
    let any = args.only.iter().any(|&t| t != Tool::Serve);
    for rep in (1..=args.runs).filter(|_| any) {
        eprintln!("{} pages: repetition {rep} of {}", corpus.pages, args.runs);
        for (&tool, runs) in args.only.iter().zip(&mut samples) {
            let Some(run) = invocation(tool, programs, corpus, zola_corpus) else {
                continue;
            };
            if let Some(out) = run.output.as_ref().filter(|o| o.exists()) {
                std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
            }
            measure::flush_disks();
            let log = logs.join(format!("{tool:?}-{}.stderr", corpus.pages).to_lowercase());
            runs.push(measure::run(run.command, run.expected, &log)?);
        }
    }
    Ok(args
        .only
        .iter()
        .zip(samples)
        .filter(|(_, runs)| !runs.is_empty())
        .map(|(&tool, runs)| Measured {
            tool,
            usage: measure::median(&runs),
        })
        .collect())
}

/// How to run `tool` on the corpus; `None` for a tool that is not
/// installed, and for serve, which is measured on its own.
fn invocation(
    tool: Tool,
    programs: &Programs,
    corpus: &Corpus,
    zola_corpus: Option<&Corpus>,
) -> Option<Invocation> {
    let site = corpus.folio();
    let (command, output, expected): (Command, Option<PathBuf>, &'static [i32]) = match tool {
        Tool::Build => {
            let mut c = Command::new(&programs.folio);
            c.arg("build").arg("--root").arg(&site);
            (c, Some(site.join("public")), &[0])
        }
        Tool::Check => {
            let mut c = Command::new(&programs.folio);
            c.args(["check", "--format", "json", "--root"]).arg(&site);
            // The corpus has broken links on purpose: exit 1.
            (c, None, &[0, 1])
        }
        Tool::Floor => {
            let out = corpus.dir.join("floor-out");
            let mut c = Command::new(&programs.floor);
            c.arg(site.join("content")).arg(&out);
            (c, Some(out), &[0])
        }
        Tool::Hugo => {
            let out = corpus.hugo().join("public");
            let mut c = Command::new(programs.hugo.as_ref()?);
            c.arg("--quiet").arg("--source").arg(corpus.hugo());
            c.arg("--destination").arg(&out);
            (c, Some(out), &[0])
        }
        Tool::Zola => {
            let corpus = zola_corpus?;
            let out = corpus.zola().join("public");
            let mut c = Command::new(programs.zola.as_ref()?);
            c.arg("--root").arg(corpus.zola()).arg("build");
            c.arg("--force").arg("--output-dir").arg(&out);
            (c, Some(out), &[0])
        }
        Tool::Serve => return None,
    };
    Some(Invocation {
        command,
        output,
        expected,
    })
}

fn remove_outputs(
    programs: &Programs,
    corpus: &Corpus,
    zola_corpus: Option<&Corpus>,
) -> Result<(), String> {
    for tool in Tool::all() {
        let output = invocation(tool, programs, corpus, zola_corpus).and_then(|i| i.output);
        if let Some(out) = output.filter(|o| o.exists()) {
            std::fs::remove_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    Ok(())
}

fn serve_latency(folio: &Path, corpus: &Corpus, args: &Args) -> Result<serve::Latency, String> {
    eprintln!(
        "{} pages: serve latency over {} edits",
        corpus.pages, args.edits
    );
    corpus.begin_edits().map_err(|e| e.to_string())?;
    let gap = Duration::from_millis(args.edit_gap);
    let latency = serve::measure(folio, &corpus.folio(), args.edits, gap);
    corpus.end_edits().map_err(|e| e.to_string())?;
    latency
}

/// Builds this checkout's `folio` and the floor with cargo, in the
/// profile this benchmark was built with, and finds Hugo and Zola.
fn programs(args: &Args) -> Result<Programs, String> {
    // target/<profile>/examples/bench → target/<profile>
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot tell the target folder from the benchmark's path")?;
    let release = !cfg!(debug_assertions);
    if !release {
        eprintln!("bench: warning: a debug build measures nothing useful; use --release");
    }
    // Two invocations: built together with an example, `folio` would get
    // the dependency features of the dev-dependencies, which is not the
    // binary `cargo build --release` gives users.
    if args.folio.is_none() {
        cargo_build(&["--bin", "folio"], release)?;
    }
    cargo_build(&["--example", "floor"], release)?;
    Ok(Programs {
        folio: args
            .folio
            .clone()
            .unwrap_or_else(|| profile_dir.join("folio")),
        floor: profile_dir.join("examples/floor"),
        hugo: on_path("hugo"),
        zola: on_path("zola"),
    })
}

fn cargo_build(target: &[&str], release: bool) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build.current_dir(env!("CARGO_MANIFEST_DIR"));
    build.args(["build", "--quiet"]).args(target);
    if release {
        build.arg("--release");
    }
    let status = build.status().map_err(|e| format!("cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo build {} failed", target.join(" ")))
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn print_header(programs: &Programs) {
    println!("# Folio benchmark\n");
    println!("- commit: {}", commit());
    println!("- folio: {}", programs.folio.display());
    for (name, path) in [("hugo", &programs.hugo), ("zola", &programs.zola)] {
        match path {
            Some(p) => println!("- {name}: {}", version(p)),
            None => println!("- {name}: not on PATH, left out"),
        }
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("- machine: {cores} cores");
    println!("- wall and CPU (user + system) and peak RSS from wait4(2); medians");
}

fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let head = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    match git(&["status", "--porcelain", "--untracked-files=no"]) {
        Some(changes) if !changes.is_empty() => format!("{head} with uncommitted changes"),
        _ => head,
    }
}

fn version(program: &Path) -> String {
    Command::new(program)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| program.display().to_string())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn find(medians: &[Measured], tool: Tool) -> Option<Usage> {
    medians.iter().find(|m| m.tool == tool).map(|m| m.usage)
}

fn print_table(medians: &[Measured], args: &Args, programs: &Programs) {
    if medians.is_empty() {
        return;
    }
    println!("\nmedians of {} runs\n", args.runs);
    println!("| command | wall | CPU | peak RSS | wall ÷ folio build |");
    println!("|---|---:|---:|---:|---:|");
    let build = find(medians, Tool::Build);
    for Measured { tool, usage } in medians {
        let ratio = build.map_or("".into(), |b| {
            format!("{:.2}×", secs(usage.wall) / secs(b.wall))
        });
        println!(
            "| {} | {:.2} s | {:.2} s | {} MiB | {ratio} |",
            tool.label(),
            secs(usage.wall),
            secs(usage.cpu),
            usage.peak_rss >> 20,
        );
    }
    for (tool, missing) in [
        (Tool::Hugo, programs.hugo.is_none()),
        (Tool::Zola, programs.zola.is_none()),
    ] {
        if missing && args.only.contains(&tool) {
            println!("| {} | not on PATH | | | |", tool.label());
        }
    }
    let Some(build) = build else { return };
    println!();
    if let Some(floor) = find(medians, Tool::Floor) {
        let ratio = secs(build.wall) / secs(floor.wall);
        println!("- folio build ÷ floor: {ratio:.2}× wall (issue 10 target: at most 1.7×)");
    }
    for tool in [Tool::Hugo, Tool::Zola] {
        if let Some(other) = find(medians, tool) {
            let ratio = secs(other.wall) / secs(build.wall);
            println!(
                "- {tool:?} ÷ folio build: {ratio:.2}× wall (issue 10 target for Hugo: at least 6×)"
            );
        }
    }
}

fn print_latency(latency: &serve::Latency, gap_ms: u64) {
    let ms = |d: Duration| format!("{:.1} ms", secs(d) * 1000.0);
    let percentile = |sorted: &[Duration], p: usize| {
        // Nearest rank.
        let rank = (p * sorted.len()).div_ceil(100).max(1);
        sorted.get(rank - 1).copied().unwrap_or_default()
    };
    let s = &latency.samples;
    println!(
        "\n- folio serve, one appended line → `reload` event, {} edits {gap_ms} ms apart: median {}, p90 {}, min {}, max {} (issue 10 target at 10,000 pages: median under 60 ms)",
        s.len(),
        ms(percentile(s, 50)),
        ms(percentile(s, 90)),
        ms(s.first().copied().unwrap_or_default()),
        ms(s.last().copied().unwrap_or_default()),
    );
    let r = &latency.rebuilds;
    println!(
        "- server's own rebuild time (`rebuilt … in N ms`, {} lines): median {}, p90 {}",
        r.len(),
        ms(percentile(r, 50)),
        ms(percentile(r, 90)),
    );
    match latency.rss {
        Some((now, peak)) => println!(
            "- server resident memory after the edits: {} MiB (peak {} MiB); start with first build: {:.2} s",
            now >> 20,
            peak >> 20,
            secs(latency.startup)
        ),
        None => println!("- server resident memory: unknown (no /proc)"),
    }
}

fn print_growth(builds: &[BuildAt]) {
    for pair in builds.windows(2) {
        let [small, large] = pair else {
            continue;
        };
        let (a, b) = (&small.usage, &large.usage);
        println!(
            "\n- folio build, {} ÷ {} pages ({:.1}× the pages): {:.2}× wall, {:.2}× CPU, {:.2}× peak RSS (issue 10 target: at most 5.5× wall for 5×)",
            large.pages,
            small.pages,
            large.pages as f64 / small.pages as f64,
            secs(b.wall) / secs(a.wall),
            secs(b.cpu) / secs(a.cpu),
            b.peak_rss as f64 / a.peak_rss as f64,
        );
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}
