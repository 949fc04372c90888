//! Throughput of `UseM3` on one core, plus load time and resident memory. Ignored by default
//! (timings are not assertions); run in release, in a process of its own:
//!
//!     cargo test -p dragoman-nlu --release --test encoder_use_m3_speed -- --ignored --nocapture
//!
//! Needs the model (scripts/fetch-models).

use std::path::PathBuf;
use std::time::Instant;

use dragoman_nlu::encoder::{SentenceEncoder, UseM3};

fn model_dir() -> PathBuf {
    match std::env::var_os("DRAGOMAN_MODELS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join(UseM3::DIR_NAME),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../models").join(UseM3::DIR_NAME),
    }
}

/// CPU seconds this thread has used (utime + stime, 10 ms ticks), so a busy machine does
/// not skew the rate as wall time does; `None` without /proc.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

/// Messages per second by wall time and by CPU time, for `count` messages done by `run`.
fn rate(count: usize, run: impl FnOnce()) -> String {
    let (start, cpu) = (Instant::now(), thread_cpu_secs());
    run();
    let wall = count as f64 / start.elapsed().as_secs_f64();
    match (cpu, thread_cpu_secs()) {
        (Some(a), Some(b)) if b > a => format!("{wall:.0} messages/s (by CPU time {:.0})", count as f64 / (b - a)),
        _ => format!("{wall:.0} messages/s"),
    }
}

/// VmRSS and VmHWM (peak) from /proc, in MB; zeros where /proc is not there.
fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().trim_end_matches(" kB").parse().ok())
    };
    (field("VmRSS:").unwrap_or(0.0) / 1024.0, field("VmHWM:").unwrap_or(0.0) / 1024.0)
}

#[test]
#[ignore = "measurement; run with --ignored --nocapture in release"]
fn throughput_single_core() {
    let dir = model_dir();
    if !dir.join("weights.npz").is_file() {
        eprintln!("SKIPPED: run scripts/fetch-models (no USE-m3 model in {})", dir.display());
        return;
    }
    let before = rss_mb().0;
    let start = Instant::now();
    let model = UseM3::load(&dir).unwrap();
    let load = start.elapsed();
    let (after, peak) = rss_mb();
    eprintln!(
        "load: {:.0} ms, resident {after:.0} MB (+{:.0} MB), peak {peak:.0} MB",
        load.as_secs_f64() * 1e3,
        after - before
    );

    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/use_m3_sentences.txt")).unwrap();
    let texts: Vec<&str> = text.lines().collect();
    let tokens: usize = texts.iter().map(|t| model.tokenize(t).len()).sum();
    eprintln!("{} messages, {:.1} tokens each with <s> and </s>", texts.len(), tokens as f64 / texts.len() as f64);

    model.encode(&texts); // warm up
    // Rounds enough for ~2 s each, so the 10 ms CPU-time ticks do not matter.
    let rounds = 20;
    let batched = rate(rounds * texts.len(), || {
        for _ in 0..rounds {
            std::hint::black_box(model.encode(&texts));
        }
    });
    eprintln!("all {} in one call: {batched}", texts.len());
    let single = rate(rounds * texts.len(), || {
        for _ in 0..rounds {
            for t in &texts {
                std::hint::black_box(model.encode(&[t]));
            }
        }
    });
    eprintln!("one message per call: {single}");
    let rounds = 1000;
    let tokenizer = rate(rounds * texts.len(), || {
        for _ in 0..rounds {
            for t in &texts {
                std::hint::black_box(model.tokenize(t));
            }
        }
    });
    eprintln!("tokenizer alone: {tokenizer}");
    let (now, peak) = rss_mb();
    eprintln!("resident after encoding: {now:.0} MB, peak {peak:.0} MB");
}
