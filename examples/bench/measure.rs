//! Whole-process measurements of one command: wall time, CPU time (user +
//! system) and peak resident memory.
//!
//! The child is reaped with `wait4(2)`, which hands back the kernel's own
//! accounting of that process (`ru_utime`, `ru_stime`, `ru_maxrss`,
//! including any children it waited for). That is what GNU `time` reports
//! too, without depending on `/usr/bin/time` being installed or parsing its
//! output, and without counting the benchmark's own memory, which
//! `getrusage(RUSAGE_CHILDREN)` would mix across runs.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct Usage {
    pub wall: Duration,
    pub cpu: Duration,
    /// Peak resident set, bytes.
    pub peak_rss: u64,
}

/// Runs `command` with stdout discarded and stderr into `log`; fails unless
/// its exit code is one of `expected`.
pub fn run(mut command: Command, expected: &[i32], log: &Path) -> Result<Usage, String> {
    let stderr = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let (status, usage) = wait4(child.id())?;
    let wall = started.elapsed();
    // The child is reaped; dropping `child` neither waits nor kills.
    drop(child);
    let code = exit_code(status);
    if !code.is_some_and(|c| expected.contains(&c)) {
        let tail = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = tail.lines().rev().take(5).collect();
        return Err(format!(
            "{command:?} ended with {} (expected {expected:?}); last lines of {}:\n{}",
            code.map_or("a signal".to_string(), |c| format!("exit code {c}")),
            log.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ok(Usage {
        wall,
        cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
        // Linux reports kibibytes.
        peak_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
    })
}

fn wait4(pid: u32) -> Result<(libc::c_int, libc::rusage), String> {
    let pid = libc::pid_t::try_from(pid).map_err(|e| e.to_string())?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data, valid when zeroed; both pointers are
    // to live locals for the duration of the call.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: see above; `pid` is our own unreaped child.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {error}"));
        }
    }
}

fn exit_code(status: libc::c_int) -> Option<i32> {
    libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status))
}

fn duration(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u32::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

/// Writes dirty file data to disk, so that the previous run's output and
/// the removal of this run's folder are not billed to the next command.
pub fn flush_disks() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() }
}

/// The median of each figure over several runs (each figure on its own).
pub fn median(runs: &[Usage]) -> Usage {
    let pick = |f: &dyn Fn(&Usage) -> u128| {
        let mut values: Vec<u128> = runs.iter().map(f).collect();
        values.sort_unstable();
        values[values.len() / 2]
    };
    Usage {
        wall: Duration::from_nanos(pick(&|u| u.wall.as_nanos()) as u64),
        cpu: Duration::from_nanos(pick(&|u| u.cpu.as_nanos()) as u64),
        peak_rss: pick(&|u| u128::from(u.peak_rss)) as u64,
    }
}

/// Resident memory of a running process from `/proc`: (current, peak), bytes.
pub fn resident(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
