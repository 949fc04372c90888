//! Dragoman's language identification on labelled messages: accuracy and messages per second
//! on one thread, in the same format as `bench/peers/langid.py` prints its peers.
//!
//!     cargo run --release -p dragoman-bench --bin langid -- ../shared/data/messages.dev.jsonl

use anyhow::{Context, Result};
use std::time::Instant;

fn main() -> Result<()> {
    let path = std::env::args().nth(1).context("usage: langid FILE.jsonl")?;
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    let rows: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)?;
            Ok((v["lang"].as_str().unwrap_or_default().to_owned(), v["text"].as_str().unwrap_or_default().to_owned()))
        })
        .collect::<Result<_>>()?;
    let loading = Instant::now();
    dragoman_lang::warm_up();
    let loaded = loading.elapsed();
    const ROUNDS: u32 = 3;
    let mut right = 0;
    let started = Instant::now();
    for _ in 0..ROUNDS {
        right = rows.iter().filter(|(lang, text)| dragoman_lang::detect(text).language.as_str() == lang).count();
    }
    let per_round = started.elapsed() / ROUNDS;
    println!(
        "{:<34} accuracy {:.3} ({right}/{})  {:>8.0} msgs/s  (models loaded in {:.2} s)",
        "dragoman (lingua, Rust)",
        right as f64 / rows.len() as f64,
        rows.len(),
        rows.len() as f64 / per_round.as_secs_f64(),
        loaded.as_secs_f64()
    );
    Ok(())
}
