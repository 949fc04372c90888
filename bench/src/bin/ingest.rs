//! Ingest throughput: buyer messages per second acknowledged by the real HTTP endpoint
//! `POST /api/v1/inbound`, with the server running in this process on 127.0.0.1 and a fresh
//! database per run. A message counts once the server answered 201, which it sends only after
//! the ingest transaction committed, so this is durable throughput, not queueing.
//!
//! Client and server share this machine's cores (loopback only, nothing leaves the host), so
//! the numbers are a floor for a server with the machine to itself.

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use dragoman_bench::corpus::{self, Pools};
use dragoman_bench::{BackendKind, DEFAULT_PG_URL, TempDb, ms, now_millis, summarize, thousands};
use dragoman_core::{Role, Timestamp};
use dragoman_nlu::Analyzer;
use dragoman_server::Settings;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Messages per second through POST /api/v1/inbound, per backend and concurrency")]
struct Args {
    /// Messages sent (and acknowledged) per run.
    #[arg(long, default_value_t = 20_000)]
    messages: usize,
    /// Requests in flight at once; a comma-separated list runs each in turn.
    #[arg(long, value_delimiter = ',', default_value = "64")]
    concurrency: Vec<usize>,
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<BackendKind>,
    /// Messages sent before timing starts (connections opened, caches and statements warm).
    #[arg(long, default_value_t = 500)]
    warmup: usize,
    /// A run stops sending after this many seconds even if not all messages went out.
    #[arg(long, default_value_t = 300)]
    max_seconds: u64,
    /// Buyers write about four messages per thread on average: messages / this = threads.
    #[arg(long, default_value_t = 4)]
    messages_per_thread: usize,
    /// Server for the PostgreSQL runs; each run creates and drops its own database there.
    #[arg(long, env = "DRAGOMAN_BENCH_PG_URL", default_value = DEFAULT_PG_URL)]
    pg_url: String,
    /// Directory for the SQLite files (default: the system temp directory).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Model directory (see `scripts/fetch-models`): the enrichment workers then run the intent
    /// model too, on the same cores as ingest. Without it they run language, escalation and
    /// entity detection only, so the numbers are about ingest, not the models.
    #[arg(long)]
    models: Option<PathBuf>,
}

struct RunResult {
    sent: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    jobs_queued_after: i64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.messages > 0 && args.concurrency.iter().all(|&c| c > 0), "messages and concurrency must be > 0");
    // One runtime for client and server, with a worker thread per core, as `dragoman serve` has.
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run_all(args))
}

async fn run_all(args: Args) -> Result<()> {
    let pools = Arc::new(corpus::pools());
    let analyzer = match args.models.clone() {
        Some(dir) => {
            let shown = dir.display().to_string();
            let loaded = tokio::task::spawn_blocking(move || Analyzer::load(&dir)).await?;
            Arc::new(loaded.with_context(|| format!("loading the models from {shown}"))?)
        }
        None => Arc::new(Analyzer::without_models()),
    };
    println!(
        "ingest: {} messages per run (+{} warm-up), ~{} messages per thread, server workers = {} (default \
         settings), intent model {}\n",
        thousands(args.messages as u64),
        args.warmup,
        args.messages_per_thread,
        Settings::default().workers,
        if args.models.is_some() { "loaded" } else { "not loaded" }
    );
    println!("| backend | concurrency | messages | msgs/s | p50 ms | p99 ms | max ms | enrich jobs still queued |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for &backend in &args.backends {
        for &concurrency in &args.concurrency {
            let db = TempDb::create(backend, &args.pg_url, args.dir.as_deref(), "ingest").await?;
            let result = run_one(&args, &db, concurrency, pools.clone(), analyzer.clone()).await;
            db.remove().await.context("removing the benchmark database")?;
            let r = result?;
            let s = summarize(r.latencies);
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                backend.name(),
                concurrency,
                thousands(r.sent as u64),
                thousands((r.sent as f64 / r.elapsed.as_secs_f64()).round() as u64),
                ms(s.median),
                ms(s.p99),
                ms(s.max),
                thousands(r.jobs_queued_after.max(0) as u64),
            );
        }
    }
    Ok(())
}

async fn run_one(
    args: &Args,
    db: &TempDb,
    concurrency: usize,
    pools: Arc<Vec<Pools>>,
    analyzer: Arc<Analyzer>,
) -> Result<RunResult> {
    let store = dragoman_store::open(&db.url).await?;
    let (token, digest) = dragoman_server::auth::new_api_token();
    store.create_api_token("bench", Role::Agent, &digest, Timestamp(now_millis())).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/v1/inbound", listener.local_addr()?);
    let state = dragoman_server::app_state(store.clone(), Settings::default(), analyzer);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(dragoman_server::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let threads = (args.messages / args.messages_per_thread.max(1)).max(1);
    let sender = Sender { client, url, token, pools, threads };

    // Warm-up on threads of its own, so the timed messages find the same mix of new and
    // existing conversations on every backend.
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    send_many(&sender, "warm", args.warmup, concurrency.min(args.warmup.max(1)), deadline).await?;

    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.max_seconds);
    let latencies = send_many(&sender, "run", args.messages, concurrency, deadline).await?;
    let elapsed = started.elapsed();

    let jobs_queued_after = store
        .job_counts()
        .await?
        .into_iter()
        .find(|(state, _)| *state == dragoman_store::JobState::Queued)
        .map_or(0, |(_, n)| n);
    let _ = stop.send(());
    server.await??;
    if latencies.len() < args.messages {
        eprintln!(
            "note: stopped after {} s with {} of {} messages sent",
            args.max_seconds,
            latencies.len(),
            args.messages
        );
    }
    Ok(RunResult { sent: latencies.len(), elapsed, latencies, jobs_queued_after })
}

struct Sender {
    client: reqwest::Client,
    url: String,
    token: String,
    pools: Arc<Vec<Pools>>,
    threads: usize,
}

/// Sends `count` messages from `concurrency` tasks that each take the next message number
/// until all are sent or `deadline` passes; returns each acknowledged request's latency.
async fn send_many(
    sender: &Sender,
    prefix: &'static str,
    count: usize,
    concurrency: usize,
    deadline: Instant,
) -> Result<Vec<Duration>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..concurrency {
        let next = next.clone();
        let client = sender.client.clone();
        let url = sender.url.clone();
        let token = sender.token.clone();
        let pools = sender.pools.clone();
        let threads = sender.threads;
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(worker as u64);
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count || Instant::now() >= deadline {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let thread = rng.gen_range(0..threads);
                // The thread decides the buyer and language (by the corpus weights), as a real
                // buyer keeps to theirs.
                let pools_of_thread = corpus::pick_language(&pools, &mut StdRng::seed_from_u64(thread as u64));
                let body = serde_json::json!({
                    "channel": "chat",
                    "external_id": format!("{prefix}-{i}"),
                    "sender": format!("visitor-{prefix}-{thread}"),
                    "thread_key": format!("session-{prefix}-{thread}"),
                    "text": corpus::buyer_text(pools_of_thread, &mut rng),
                });
                let sent = Instant::now();
                let response = client.post(&url).bearer_auth(&token).json(&body).send().await?;
                let status = response.status();
                // Read the body: the request is done when the answer is in.
                let answer = response.bytes().await?;
                let latency = sent.elapsed();
                if status.as_u16() != 201 {
                    bail!("message {prefix}-{i}: HTTP {status}: {}", String::from_utf8_lossy(&answer));
                }
                latencies.push(latency);
            }
        });
    }
    let mut all = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        all.extend(done??);
    }
    Ok(all)
}
