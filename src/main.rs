//! The `folio` command line: parses arguments, calls the library, maps
//! outcomes to exit codes (0 ok, 1 content errors, 2 usage or configuration).

use clap::{CommandFactory, Parser, Subcommand};
use folio::check::gate::{self, GateOptions};
use folio::check::report::{self, Format};
use folio::check::scope::FileScope;
use folio::status::Format as StatusFormat;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "folio",
    version,
    about = "Build, check and preview localized playbooks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render the site into its output directory.
    Build {
        /// The site root (where folio.yml is).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory (overrides `output_dir`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The URL the site is published at (overrides `base_url`, e.g. for
        /// a preview deployment).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Write every link to a page as `…/index.html` (`links: file`), so
        /// the site works opened from disk or a zip file.
        #[arg(long)]
        portable: bool,
    },
    /// Check links, anchors, task tables, front matter and translations.
    Check {
        /// The site root (where folio.yml is).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// human: excerpts and hints; json: one object for scripts; github:
        /// workflow commands that annotate pull requests; markdown: counts
        /// and a table for job summaries and pull-request comments.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Also check http(s) links (needs network; successes are cached in
        /// .folio-cache/links.json).
        #[arg(long)]
        external: bool,
        /// Report and fail only on problems this baseline file does not
        /// list; also list the listed problems that are fixed.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Write every current problem to the --baseline file (and exit 0).
        #[arg(long, requires = "baseline", conflicts_with_all = ["files", "changed_from"])]
        update_baseline: bool,
        /// Report only diagnostics of these files or folders; links still
        /// resolve against the whole site.
        #[arg(long, value_name = "PATH", num_args = 1.., conflicts_with = "changed_from")]
        files: Vec<PathBuf>,
        /// Report only diagnostics of files changed since the merge base of
        /// REF and HEAD (committed or not, and untracked files), as git
        /// lists them.
        #[arg(long, value_name = "REF")]
        changed_from: Option<String>,
        /// markdown: rows of the problem table.
        #[arg(long, value_name = "N", default_value_t = 50)]
        max_rows: usize,
    },
    /// Write a commented folio.yml for the playbook in DIR (or a starter
    /// playbook when DIR holds no Markdown).
    Init {
        /// The folder to set up (created when missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Replace an existing folio.yml.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write one page per command into DIR.
    Man {
        /// Write folio.1 and folio-<command>.1 here instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Report each page's translation status and each language's coverage.
    Status {
        /// The site root (where folio.yml is).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// human: tables and lists; json: one object for scripts (as
        /// /status.json); markdown: a table for a pull-request comment.
        #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
        format: StatusFormat,
        /// Report one language only (its code).
        #[arg(long)]
        language: Option<String>,
    },
    /// Build, serve on 127.0.0.1 and rebuild on change; open pages reload.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on; anything but loopback makes the preview
        /// reachable from the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            portable,
        } => build(root, out, base_url, portable),
        Command::Check {
            root,
            format,
            deny_warnings,
            external,
            baseline,
            update_baseline,
            files,
            changed_from,
            max_rows,
        } => check(CheckArgs {
            root,
            format,
            deny_warnings,
            external,
            baseline,
            update_baseline,
            files,
            changed_from,
            max_rows,
        }),
        Command::Status {
            root,
            format,
            language,
        } => status(root, format, language),
        Command::Init { dir, force } => init(&dir, force),
        Command::Completions { shell } => {
            // Into memory first: clap_complete panics on a write error,
            // and `folio completions bash | head` closes the pipe early.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "folio", &mut script);
            print_bytes(&script)
        }
        Command::Man { dir } => man(dir.as_deref()),
        Command::Serve {
            root,
            port,
            bind,
            open,
        } => serve(root, port, bind, open),
    }
}

/// Exit 0 whatever the status: a report, not a gate.
fn status(root: PathBuf, format: StatusFormat, language: Option<String>) -> ExitCode {
    let report = match folio::load_config(&root, None)
        .map_err(folio::Error::from)
        .and_then(|config| folio::status(config, language.as_deref()))
    {
        Ok(r) => r,
        Err(e) => return usage_error(&e),
    };
    for w in report.warnings() {
        eprintln!("{w}");
    }
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = report
        .write(format, &mut stdout)
        .and_then(|()| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn build(
    root: PathBuf,
    out: Option<PathBuf>,
    base_url: Option<String>,
    portable: bool,
) -> ExitCode {
    let mut config = match folio::load_config(&root, out.as_deref()) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    if portable {
        config.set_portable();
    }
    if let Some(url) = base_url {
        if let Err(e) = config.set_base_url(&url) {
            return usage_error(&e);
        }
    }
    match folio::build(config) {
        Ok(outcome) => {
            // One locked, buffered writer: large sites print thousands of lines.
            let mut err = std::io::BufWriter::new(std::io::stderr().lock());
            for d in &outcome.diagnostics {
                let _ = writeln!(err, "{d}");
            }
            let _ = writeln!(
                err,
                "{}, {} ms",
                report::summary_line(&outcome.summary),
                outcome.elapsed.as_millis()
            );
            drop(err);
            if outcome.failed > 0 {
                eprintln!(
                    "{} {} could not be built",
                    outcome.failed,
                    if outcome.failed == 1 { "page" } else { "pages" }
                );
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => usage_error(&e),
    }
}

/// `folio check`'s arguments.
struct CheckArgs {
    root: PathBuf,
    format: Format,
    deny_warnings: bool,
    external: bool,
    baseline: Option<PathBuf>,
    update_baseline: bool,
    files: Vec<PathBuf>,
    changed_from: Option<String>,
    max_rows: usize,
}

fn check(args: CheckArgs) -> ExitCode {
    let config = match folio::load_config(&args.root, None) {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    let scope = if let Some(reference) = &args.changed_from {
        match FileScope::changed_from(&args.root, reference) {
            Ok(s) => Some(s),
            Err(e) => return usage_error(&e),
        }
    } else {
        (!args.files.is_empty()).then(|| FileScope::of_paths(&args.files))
    };
    let external = args
        .external
        .then(|| folio::check::external::Options::for_site(&config));
    let outcome = folio::check_with(config, external.as_ref());
    if let Some(stats) = &outcome.external {
        // stderr, so `--format json` stays one JSON document on stdout.
        eprintln!("{stats}");
        if let Some(e) = &stats.cache_error {
            eprintln!("warning: {e}");
        }
    }
    let options = GateOptions {
        baseline: args.baseline.clone(),
        update_baseline: args.update_baseline,
        scope,
    };
    let gate = match gate::apply(&outcome, &args.root, &options) {
        Ok(g) => g,
        Err(e) => return usage_error(&e),
    };
    if let Err(code) = print_report(&args, &outcome, &gate) {
        return code;
    }
    let failing = gate.summary.errors > 0 || (args.deny_warnings && gate.summary.warnings > 0);
    // The process ends here: freeing the whole site model first would only
    // cost time (about a tenth of a 10,000-page check).
    std::mem::forget(outcome);
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes the report to stdout; `Err` holds the exit code when it cannot.
fn print_report(
    args: &CheckArgs,
    outcome: &folio::CheckOutcome,
    gate: &gate::Gate,
) -> Result<(), ExitCode> {
    let rebased;
    let diagnostics = if matches!(args.format, Format::Github | Format::Markdown) {
        // Annotations and links need paths relative to the checkout, not to the site.
        let base = std::env::var_os("GITHUB_WORKSPACE")
            .map(PathBuf::from)
            .or_else(|| std::env::current_dir().ok());
        match (
            base.and_then(|b| b.canonicalize().ok()),
            args.root.canonicalize(),
        ) {
            (Some(base), Ok(root)) => {
                rebased = report::rebase(&gate.diagnostics, &base, &root);
                &rebased
            }
            _ => &gate.diagnostics,
        }
    } else {
        &gate.diagnostics
    };
    let extras = report::Extras {
        baseline: gate.baseline.as_ref(),
        scope: gate.scope,
        max_rows: args.max_rows,
        link_prefix: report::github_blob_prefix(),
    };
    // Streamed through one buffered writer: a report can be large.
    // `folio check | head` closes the pipe early: that is not an error.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = report::write_with(
        args.format,
        diagnostics,
        gate.summary,
        &|file| outcome.source_text(file),
        &extras,
        &mut stdout,
    )
    .and_then(|()| stdout.flush())
    {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return Err(ExitCode::from(2));
        }
    }
    Ok(())
}

fn init(dir: &Path, force: bool) -> ExitCode {
    match folio::init::run(dir, force) {
        Ok(report) => print_bytes(report.to_string().as_bytes()),
        Err(e) => usage_error(&e),
    }
}

/// Writes to stdout; a reader that stops early (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => usage_error(&e),
        _ => ExitCode::SUCCESS,
    }
}

/// `folio man`: the page on stdout, or every command's page into `dir`.
fn man(dir: Option<&Path>) -> ExitCode {
    let cli = Cli::command();
    let Some(dir) = dir else {
        let mut page = Vec::new();
        return match clap_mangen::Man::new(cli).render(&mut page) {
            Ok(()) => print_bytes(&page),
            Err(e) => usage_error(&e),
        };
    };
    // One page per command: folio.1, folio-build.1, …
    let written = std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cli, dir));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage_error(&format!("{}: {e}", dir.display())),
    }
}

fn serve(root: PathBuf, port: u16, bind: String, open: bool) -> ExitCode {
    let bind = match parse_bind(&bind) {
        Some(ip) => ip,
        None => {
            return usage_error(&format!(
                "--bind {bind}: not an IP address; use 127.0.0.1 (the default), ::1, or 0.0.0.0 to allow other machines"
            ));
        }
    };
    let mut options = folio::serve::ServeOptions::new(root);
    options.port = port;
    options.bind = bind;
    if let Some(timeout) = test_timeout() {
        options.idle_timeout = timeout;
        options.request_timeout = timeout;
    }
    let server = match folio::serve::start(options) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    if open {
        if let Err(e) = folio::serve::open_in_browser(server.url()) {
            eprintln!(
                "warning: cannot open a browser: {e}; open {} yourself",
                server.url()
            );
        }
    }
    // Runs until Ctrl-C ends the process (see `folio::serve`).
    server.wait();
    ExitCode::SUCCESS
}

/// `FOLIO_SERVE_IDLE_TIMEOUT_MS`: shorter idle and request timeouts, so
/// that tests of the preview server need not wait for the real ones.
fn test_timeout() -> Option<std::time::Duration> {
    let ms = std::env::var("FOLIO_SERVE_IDLE_TIMEOUT_MS").ok()?;
    ms.trim().parse().ok().map(std::time::Duration::from_millis)
}

fn parse_bind(bind: &str) -> Option<std::net::IpAddr> {
    if bind.eq_ignore_ascii_case("localhost") {
        return Some(std::net::Ipv4Addr::LOCALHOST.into());
    }
    bind.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

fn usage_error(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(2)
}

/// See Cargo.toml: the binary allocates many small strings from several threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
