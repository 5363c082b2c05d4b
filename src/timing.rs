//! Leaf: wall time of the pipeline's phases, for the benchmark's breakdown.

use std::sync::OnceLock;
use std::time::Instant;

/// Runs one pipeline phase; with `FOLIO_TIMINGS=1` in the environment its
/// wall time goes to stderr (how the benchmark numbers are broken down).
pub(crate) fn phase<T>(name: &str, f: impl FnOnce() -> T) -> T {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    if !*ENABLED.get_or_init(|| std::env::var_os("FOLIO_TIMINGS").is_some_and(|v| v != "0")) {
        return f();
    }
    let started = Instant::now();
    let result = f();
    eprintln!(
        "timing: {name:<10} {:>8.1} ms{}",
        started.elapsed().as_secs_f64() * 1000.0,
        memory()
    );
    result
}

/// The process's resident memory now and at its peak so far, where the
/// system tells (Linux): which phase sets the build's peak.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().strip_suffix(" kB"))
            .and_then(|kb| kb.trim().parse::<u64>().ok())
            .map(|kb| kb / 1024)
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(now), Some(peak)) => format!(", resident {now} MiB (peak so far {peak} MiB)"),
        _ => String::new(),
    }
}
