//! Trust boundary, report side (issue 7): what `folio check` and `folio
//! build` print can be neither blown up nor turned into something else by
//! content. Tests are named after the rows; plus the "honest tests"
//! rules (prerequisites, README ↔ code list).

mod common;

use common::{TempSite, require};
use std::io::Read;
use std::process::{Command, Stdio};

/// What a run printed on stdout, measured as it streams (a broken report
/// can be gigabytes; nothing here holds it in memory).
struct Streamed {
    code: Option<i32>,
    bytes: usize,
    longest_line: usize,
    /// The first 64 KiB, for assertion messages.
    head: String,
}

fn stream(site: &TempSite, args: &[&str]) -> Streamed {
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(args)
        .arg("--root")
        .arg(&site.root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run folio");
    let mut stdout = child.stdout.take().expect("stdout");
    let (mut bytes, mut line, mut longest_line) = (0, 0, 0);
    let mut head = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = stdout.read(&mut buf).expect("read stdout");
        if n == 0 {
            break;
        }
        if head.len() < buf.len() {
            head.extend_from_slice(&buf[..n.min(buf.len() - head.len())]);
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                longest_line = longest_line.max(line);
                line = 0;
            } else {
                line += 1;
            }
        }
        bytes += n;
    }
    let status = child.wait().expect("folio ends");
    Streamed {
        code: status.code(),
        bytes,
        longest_line: longest_line.max(line),
        head: String::from_utf8_lossy(&head).into_owned(),
    }
}

/// A one-page site whose page has `n` broken links on one line.
fn broken_links_on_one_line(name: &str, n: usize) -> TempSite {
    let site = TempSite::new(name);
    let line: Vec<String> = (0..n).map(|i| format!("[x](missing{i}.md)")).collect();
    site.write("folio.yml", "title: T\n").write(
        "content/index.md",
        &format!("# Home\n\n{}\n", line.join(" ")),
    );
    site
}

/// Row 8: 5,000 broken links on one line printed 879 MB (each diagnostic
/// repeated the whole line); excerpts are now a window around the column.
#[test]
fn row_8_human_report_of_5000_broken_links_on_one_line_stays_small() {
    let site = broken_links_on_one_line("row8", 5_000);
    let out = stream(&site, &["check"]);
    assert_eq!(out.code, Some(1), "{}", out.head);
    assert!(
        out.head
            .contains("content/index.md:3:1: error[link-broken]: `missing0.md` points at"),
        "{}",
        out.head
    );
    assert!(
        out.longest_line < 400,
        "longest line {} bytes",
        out.longest_line
    );
    // About 280 bytes a diagnostic; old main printed ~150,000 per diagnostic.
    assert!(out.bytes < 5_000 * 500, "{} bytes", out.bytes);
    assert!(out.head.contains("…"), "long lines are cut: {}", out.head);
}

/// Row 8 at ten times the size: 50,000 links tried to allocate 10 GB.
/// Output grows linearly, and no format builds it in memory first.
#[test]
fn row_8_every_format_of_50000_broken_links_on_one_line_is_linear() {
    let site = broken_links_on_one_line("row8-50k", 50_000);
    for (format, per_diagnostic) in [("human", 500), ("json", 500), ("github", 300)] {
        let out = stream(&site, &["check", "--format", format]);
        assert_eq!(out.code, Some(1), "{format}: {}", out.head);
        assert!(
            out.bytes > 50_000 * 50 && out.bytes < 50_000 * per_diagnostic,
            "{format}: {} bytes",
            out.bytes
        );
        assert!(out.longest_line < 400, "{format}: {}", out.longest_line);
    }
}

/// Row 16: a file name or a raw `href` holding a newline then
/// `::warning::` printed a forged GitHub Actions command.
#[cfg(unix)]
#[test]
fn row_16_newlines_in_file_names_and_hrefs_forge_no_workflow_command() {
    let site = TempSite::new("row16");
    site.write("folio.yml", "title: T\n")
        .write(
            "content/index.md",
            "# Home\n\n<a href=\"gone\n::warning::forged-by-href\">x</a>\n\nSee <a href=\"also\r\n::error::inline\u{1b}[2K\">y</a> here.\n",
        );
    site.write(
        "content/bad\n::warning::forged-by-name.md",
        "# Bad\n\n[x](nope.md)\n",
    );
    for (format, marker) in [
        ("human", ": error[link-broken]: "),
        ("github", "title=link-broken"),
    ] {
        let run = site.folio("check", &["--format", format]);
        assert_eq!(run.code, 1, "{}", run.all());
        assert_eq!(run.stdout.matches(marker).count(), 3, "{}", run.all());
        for line in run.stdout.lines() {
            assert!(!line.contains('\u{1b}') && !line.contains('\r'), "{line:?}");
            if format == "human" {
                assert!(!line.trim_start().starts_with("::"), "forged: {line:?}");
            } else {
                assert!(
                    line.starts_with("::error file=content/") || line.contains(" pages in "),
                    "forged: {line:?}"
                );
            }
        }
    }
    let human = site.folio("check", &[]);
    assert!(
        human
            .stdout
            .contains("`gone\\n::warning::forged-by-href` points at"),
        "{}",
        human.all()
    );
    // `build` prints the same diagnostics on stderr, one line each.
    let build = site.folio("build", &[]);
    assert!(build.stderr.contains("[link-broken]"), "{}", build.all());
    for line in build.stderr.lines() {
        assert!(!line.trim_start().starts_with("::"), "forged: {line:?}");
        assert!(!line.contains('\u{1b}'), "{line:?}");
    }
}

/// Honest tests: the prerequisite helper every test in `tests/` uses. A
/// missing prerequisite fails the test under `CI` and prints a visible
/// `SKIP` line otherwise (`cargo test` shows it without `--nocapture`).
#[test]
fn prerequisites_fail_under_ci_and_skip_visibly_otherwise() {
    let probe = |ci: bool| {
        let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
        cmd.args([
            "--ignored",
            "--exact",
            "probe_a_missing_prerequisite",
            "--test-threads=1",
        ]);
        if ci {
            cmd.env("CI", "true");
        } else {
            cmd.env_remove("CI");
        }
        common::Run::from(cmd.output().expect("run the test binary"))
    };
    let local = probe(false);
    assert_eq!(local.code, 0, "{}", local.all());
    assert!(
        local
            .stderr
            .contains("SKIP probe_a_missing_prerequisite: needs a thing no machine has"),
        "{}",
        local.all()
    );
    let ci = probe(true);
    assert_ne!(ci.code, 0, "{}", ci.all());
    assert!(
        ci.all()
            .contains("with CI set this fails rather than skips"),
        "{}",
        ci.all()
    );
}

#[test]
#[ignore = "run by prerequisites_fail_under_ci_and_skip_visibly_otherwise"]
fn probe_a_missing_prerequisite() {
    if !require(
        "probe_a_missing_prerequisite",
        "a thing no machine has",
        false,
    ) {
        return;
    }
    unreachable!("the prerequisite is never present");
}

/// Honest tests: the README's table of diagnostic codes is the code list,
/// both ways, with each code's default severity.
#[test]
fn readme_code_table_matches_the_code_list() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let section = readme
        .split("#### Diagnostic codes")
        .nth(1)
        .expect("a `#### Diagnostic codes` section");
    let mut table = std::collections::BTreeMap::new();
    for line in section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let code = cells[1].trim_matches('`').to_string();
        assert!(
            table.insert(code.clone(), cells[2].to_string()).is_none(),
            "`{code}` is listed twice"
        );
    }
    let codes: std::collections::BTreeMap<String, String> = folio::diagnostic::Code::ALL
        .iter()
        .map(|c| {
            (
                c.as_str().to_string(),
                c.default_severity().as_str().to_string(),
            )
        })
        .collect();
    assert_eq!(
        table, codes,
        "README.md's code table (left) and Code::ALL (right) differ"
    );
}
