//! Issue 7, the trust boundary of `folio serve` (row 15 and the "Preview
//! server" bullet): request heads and bodies are bounded, idle and slow
//! connections are closed, threads do not follow the number of sockets,
//! and closed live-reload streams make room at once. Figures come from
//! `/proc` of the real binary; waits are generous upper bounds, never
//! timing claims.

#![cfg(target_os = "linux")]

mod common;

use common::{Events, PATIENCE, TempSite, start};

#[test]
fn the_serve_log_escapes_control_characters() {
    let site = TempSite::sample("serve-log");
    let (server, log) = start(&site);
    let (mut events, _) = Events::open(server.addr());
    let config = site.read("folio.yml");
    site.write("folio.yml", &format!("{config}\"\x1b[2J\x07evil\": 1\n"));
    events
        .wait_for(PATIENCE, |e| e.name == "errors" && !e.problems().is_empty())
        .expect("errors event");
    let lines = log.lines();
    let line = lines
        .iter()
        .find(|l| l.contains("evil"))
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(!line.contains(['\x1b', '\x07']), "{line:?}");
    assert!(line.contains("\\u{1b}[2J\\u{7}evil"), "{line:?}");
    let build = site.folio("build", &[]);
    assert!(!build.all().contains('\x1b'), "{}", build.all());
    assert!(build.stderr.contains("\\u{1b}[2J"), "{}", build.all());
}
