//! Save-to-reload latency of `folio serve` on a generated 1,000-page site.
//!
//! ```text
//! cargo run --release --example serve_latency [-- --pages 200 --edits 20 --out DIR]
//! ```
//!
//! Generates the site with `shared/bench/gen_playbook.py` (beside the
//! repository, or `$FOLIO_GEN`): `--pages` per language in en, es, de, ja
//! and pt, so 200 gives 1,000 pages. Starts the server in this process on a
//! loopback port, opens the live-reload event stream the way a browser
//! does (raw HTTP over a socket), then edits one page `--edits` times. Each
//! sample is the time from just before the file write until the `reload`
//! event naming that page arrives on the stream: watcher delivery,
//! debounce, rebuild and the event write included. Edits are 300 ms apart
//! so each is its own burst. Prints every sample, the median and the p90,
//! and the server's own rebuild times.

use folio::serve::{self, ServeOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const LANGUAGES: [&str; 5] = ["en", "es", "de", "ja", "pt"];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let pages: usize = option("--pages")
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let edits: usize = option("--edits").and_then(|v| v.parse().ok()).unwrap_or(20);
    let out = option("--out")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/serve-latency"));

    let root = generate(&out, pages);
    let page = first_page(&root.join("content/en"));
    let page_output = format!(
        "en/{}/index.html",
        page.file_stem().and_then(|s| s.to_str()).unwrap_or("")
    );

    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    let mut options = ServeOptions::new(&root);
    options.port = 0;
    options.log = Arc::new(move |line: &str| {
        if line.starts_with("built") || line.starts_with("rebuilt") {
            sink.lock().expect("log").push(line.to_string());
        }
    });
    let started = Instant::now();
    let server = serve::start(options).unwrap_or_else(|e| fail(&format!("serve: {e}")));
    println!(
        "site: {} ({} pages), first build and start: {} ms",
        root.display(),
        pages * LANGUAGES.len(),
        started.elapsed().as_millis()
    );
    println!("editing {} ({} times)", page.display(), edits);
    let mut events = EventStream::open(server.addr());

    let original = std::fs::read_to_string(&page).unwrap_or_else(|e| fail(&e.to_string()));
    let mut samples = Vec::with_capacity(edits);
    for n in 1..=edits {
        std::thread::sleep(Duration::from_millis(300));
        events.drain();
        let text = format!("{original}\nLatency edit number {n}.\n");
        let before = Instant::now();
        std::fs::write(&page, text).unwrap_or_else(|e| fail(&e.to_string()));
        if !events.wait_for_reload(&page_output, Duration::from_secs(10)) {
            fail(&format!("no reload event for edit {n}"));
        }
        let latency = before.elapsed();
        samples.push(latency);
        println!("edit {n:>2}: {:>6.1} ms", ms(latency));
    }
    std::fs::write(&page, original).unwrap_or_else(|e| fail(&e.to_string()));

    samples.sort();
    println!(
        "save-to-reload over {} edits: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(percentile(&samples, 50)),
        ms(percentile(&samples, 90)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    );
    let rebuilds = log.lock().expect("log").clone();
    println!("server rebuild lines (watch + debounce excluded):");
    for line in rebuilds.iter().take(edits + 1) {
        println!("  {line}");
    }
    server.shutdown();
}

/// Runs the generator and writes `folio.yml`; returns the site root.
fn generate(out: &Path, pages: usize) -> PathBuf {
    let generator = std::env::var_os("FOLIO_GEN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_playbook.py")
        });
    let _ = std::fs::remove_dir_all(out);
    let status = Command::new("python3")
        .arg(&generator)
        .arg(out)
        .args([
            "--pages",
            &pages.to_string(),
            "--langs",
            &LANGUAGES.join(","),
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| fail(&format!("python3 {}: {e}", generator.display())));
    if !status.success() {
        fail(&format!("{} failed", generator.display()));
    }
    let root = out.join("folio");
    let mut yml = String::from("title: Latency bench\ndefault_language: en\nlanguages:\n");
    for code in LANGUAGES {
        yml.push_str(&format!(
            "  - {{ code: {code}, dir: {code}, suffixes: [{code}] }}\n"
        ));
    }
    std::fs::write(root.join("folio.yml"), yml).unwrap_or_else(|e| fail(&e.to_string()));
    root
}

fn first_page(dir: &Path) -> PathBuf {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())))
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != "index.md")
        })
        .collect();
    pages.sort();
    pages.into_iter().next().unwrap_or_else(|| fail("no page"))
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    // Nearest rank.
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn fail(message: &str) -> ! {
    eprintln!("serve_latency: {message}");
    std::process::exit(1)
}

/// The live-reload stream, read as a browser's `EventSource` reads it.
struct EventStream {
    reader: BufReader<TcpStream>,
}

impl EventStream {
    fn open(addr: SocketAddr) -> EventStream {
        let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| fail(&e.to_string()));
        write!(
            stream,
            "GET /__folio/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAccept: text/event-stream\r\n\r\n",
            addr.port()
        )
        .unwrap_or_else(|e| fail(&e.to_string()));
        EventStream {
            reader: BufReader::new(stream),
        }
    }

    /// Reads until a `reload` event lists `path`.
    fn wait_for_reload(&mut self, path: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let mut event = String::new();
        let quoted = format!("\"{path}\"");
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            let _ = self.reader.get_ref().set_read_timeout(Some(left));
            let mut line = String::new();
            match self.reader.read_line(&mut line) {
                Ok(0) | Err(_) => return false,
                Ok(_) => {}
            }
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_string();
            } else if line.starts_with("data:") && event == "reload" && line.contains(&quoted) {
                return true;
            }
        }
    }

    /// Skips whatever arrived since the last sample.
    fn drain(&mut self) {
        let _ = self
            .reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(5)));
        let mut line = String::new();
        while matches!(self.reader.read_line(&mut line), Ok(n) if n > 0) {
            line.clear();
        }
    }
}
