//! Email-in throughput: buyer emails per second stored through Dragoman's own SMTP receiver
//! and through the IMAP poller (reading a throw-away dovecot on 127.0.0.1), each run on a fresh
//! database.
//!
//! The SMTP clients here speak as an MTA such as Postfix does: one connection each, MAIL, RCPT
//! and DATA pipelined, the message and its final dot in one write. (lettre, which the tests
//! use, writes the final dot separately without TCP_NODELAY, so each message waits ~40 ms for
//! a delayed ACK: that would measure the client, not the receiver.)
//!
//! SMTP: a message counts when the receiver answered 250, which it sends only after the ingest
//! transaction committed. IMAP: the time from connecting to the last message's cursor being
//! recorded, for one mailbox and for several read at once. The server's enrichment workers run
//! alongside in both, as in `dragoman serve`. Client, servers and database share this machine's
//! cores (loopback only), so the numbers are a floor.

use anyhow::{Context, Result, bail, ensure};
use clap::Parser;
use dragoman_bench::corpus::{self, Pools};
use dragoman_bench::{BackendKind, DEFAULT_PG_URL, TempDb, ms, summarize, thousands};
use dragoman_channels::imap::ImapMailbox;
use dragoman_channels::imap::dovecot::Dovecot;
use dragoman_channels::mail_sink::MailSink;
use dragoman_channels::smtp_in::SmtpInConfig;
use dragoman_nlu::Analyzer;
use dragoman_server::Settings;
use dragoman_server::mail_in::{IngestSink, MailIn};
use dragoman_server::state::AppState;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Parser, Debug)]
#[command(about = "Emails per second through the SMTP receiver and the IMAP poller, per backend")]
struct Args {
    /// Emails sent over SMTP per run.
    #[arg(long, default_value_t = 5_000)]
    smtp_messages: usize,
    /// SMTP clients sending at once (each keeps its connection); a comma-separated list runs each.
    #[arg(long, value_delimiter = ',', default_value = "1,8")]
    smtp_concurrency: Vec<usize>,
    /// Emails read over IMAP per run (put into dovecot first, untimed).
    #[arg(long, default_value_t = 5_000)]
    imap_messages: usize,
    /// Mailboxes the IMAP emails are spread over, read at once; a comma-separated list runs each.
    #[arg(long, value_delimiter = ',', default_value = "1,8")]
    imap_mailboxes: Vec<usize>,
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<BackendKind>,
    /// A run stops after this many seconds even if not all emails went through.
    #[arg(long, default_value_t = 300)]
    max_seconds: u64,
    /// Server for the PostgreSQL runs; each run creates and drops its own database there.
    #[arg(long, env = "DRAGOMAN_BENCH_PG_URL", default_value = DEFAULT_PG_URL)]
    pg_url: String,
    /// Directory for the SQLite files (default: the system temp directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.smtp_messages > 0 && args.imap_messages > 0, "--smtp-messages and --imap-messages must be > 0");
    ensure!(
        args.smtp_concurrency.iter().chain(&args.imap_mailboxes).all(|&n| n > 0),
        "concurrency and mailboxes must be > 0"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run_all(args))
}

async fn run_all(args: Args) -> Result<()> {
    let pools = corpus::pools();
    println!(
        "mail_in: {} emails per SMTP run, {} per IMAP run (~{} bytes each, texts from the bench corpus), \
         server workers = {} (default settings), intent model not loaded\n",
        thousands(args.smtp_messages as u64),
        thousands(args.imap_messages as u64),
        email(&pools, 0, &mut StdRng::seed_from_u64(0)).len(),
        Settings::default().workers,
    );
    println!("| path | backend | clients / mailboxes | emails | emails/s | p50 ms | p99 ms | max ms |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for &backend in &args.backends {
        for &concurrency in &args.smtp_concurrency {
            let db = TempDb::create(backend, &args.pg_url, args.dir.as_deref(), "smtp_in").await?;
            let result = smtp_run(&args, &db, concurrency, &pools).await;
            db.remove().await.context("removing the benchmark database")?;
            let (sent, elapsed, latencies) = result?;
            let s = summarize(latencies);
            println!(
                "| SMTP | {} | {concurrency} | {} | {} | {} | {} | {} |",
                backend.name(),
                thousands(sent as u64),
                rate(sent, elapsed),
                ms(s.median),
                ms(s.p99),
                ms(s.max)
            );
        }
        for &mailboxes in &args.imap_mailboxes {
            let db = TempDb::create(backend, &args.pg_url, args.dir.as_deref(), "imap_in").await?;
            let result = imap_run(&args, &db, mailboxes, &pools).await;
            db.remove().await.context("removing the benchmark database")?;
            let (read, elapsed) = result?;
            println!(
                "| IMAP | {} | {mailboxes} | {} | {} | – | – | – |",
                backend.name(),
                thousands(read as u64),
                rate(read, elapsed)
            );
        }
    }
    Ok(())
}

fn rate(count: usize, elapsed: Duration) -> String {
    thousands((count as f64 / elapsed.as_secs_f64()).round() as u64)
}

/// A buyer email: corpus text in one of the corpus languages, a unique Message-ID.
fn email(pools: &[Pools], i: usize, rng: &mut StdRng) -> Vec<u8> {
    let language = corpus::pick_language(pools, rng);
    let text = corpus::buyer_text(language, rng);
    let buyer = rng.gen_range(0..i.max(1) / 4 + 1);
    format!(
        "From: Buyer {buyer} <buyer-{buyer}@example.com>\r\nTo: support@lumenhaus-store.com\r\n\
         Subject: Order {}\r\nMessage-ID: <bench-{i}@example.com>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         {text}\r\n\r\n-- \r\nSent from my phone\r\n",
        corpus::order_number(rng)
    )
    .into_bytes()
}

/// The state of a `dragoman serve` over `db`, its workers running until the returned sender
/// is dropped or used.
async fn server(db: &TempDb) -> Result<(AppState, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>)> {
    let store = dragoman_store::open(&db.url).await?;
    let state = dragoman_server::app_state(store, Settings::default(), Arc::new(Analyzer::without_models()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = state.clone();
    let handle = tokio::spawn(async move {
        let _ = dragoman_server::serve(listener, serving, async {
            let _ = stopped.await;
        })
        .await;
    });
    Ok((state, stop, handle))
}

async fn smtp_run(
    args: &Args,
    db: &TempDb,
    concurrency: usize,
    pools: &[Pools],
) -> Result<(usize, Duration, Vec<Duration>)> {
    let (state, stop, serving) = server(db).await?;
    let config = SmtpInConfig { listen: Some("127.0.0.1:0".parse()?), ..SmtpInConfig::default() };
    let mail_in = MailIn::start(&state, &config, &[]).await?;
    let port = mail_in.smtp_addr().context("the receiver listens")?.port();
    let mut rng = StdRng::seed_from_u64(1);
    let emails: Arc<Vec<Vec<u8>>> = Arc::new((0..args.smtp_messages).map(|i| email(pools, i, &mut rng)).collect());

    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.max_seconds);
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (next, emails) = (next.clone(), emails.clone());
        clients.spawn(async move {
            let mut client = SmtpClient::connect(port).await?;
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= emails.len() || Instant::now() >= deadline {
                    client.quit().await?;
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let sent = Instant::now();
                client.send(&emails[i]).await.with_context(|| format!("email {i}"))?;
                latencies.push(sent.elapsed());
            }
        });
    }
    let mut latencies = Vec::with_capacity(args.smtp_messages);
    while let Some(done) = clients.join_next().await {
        latencies.extend(done??);
    }
    let elapsed = started.elapsed();
    drop(mail_in);
    let _ = stop.send(());
    serving.await?;
    Ok((latencies.len(), elapsed, latencies))
}

async fn imap_run(args: &Args, db: &TempDb, mailboxes: usize, pools: &[Pools]) -> Result<(usize, Duration)> {
    let dovecot = Dovecot::start().await.context("starting dovecot (apt-get install dovecot-imapd; needs root)")?;
    let mut rng = StdRng::seed_from_u64(2);
    let per_mailbox = args.imap_messages.div_ceil(mailboxes);
    let mut folders = Vec::new();
    for m in 0..mailboxes {
        let folder = format!("Support{m}");
        let first = m * per_mailbox;
        let last = ((m + 1) * per_mailbox).min(args.imap_messages);
        let emails: Vec<Vec<u8>> = (first..last).map(|i| email(pools, i, &mut rng)).collect();
        dovecot.append(&folder, &emails).await.with_context(|| format!("filling {folder}"))?;
        folders.push(folder);
    }

    let (state, stop, serving) = server(db).await?;
    let sink: Arc<dyn MailSink> = Arc::new(IngestSink::new(state.clone()));
    let started = Instant::now();
    let mut readers = tokio::task::JoinSet::new();
    for folder in &folders {
        let mailbox = ImapMailbox::new(dovecot.mailbox(folder))?;
        let (store, sink) = (state.store.clone(), sink.clone());
        readers.spawn(async move { mailbox.sync_once(store.as_ref(), sink.as_ref()).await });
    }
    let deadline = tokio::time::sleep(Duration::from_secs(args.max_seconds));
    tokio::pin!(deadline);
    let mut read = 0;
    loop {
        tokio::select! {
            done = readers.join_next() => match done {
                Some(report) => {
                    let report = report??;
                    ensure!(report.failed == 0, "IMAP messages recorded as failures: {report:?}");
                    read += report.stored;
                }
                None => break,
            },
            () = &mut deadline => bail!("IMAP run did not finish within {} s", args.max_seconds),
        }
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    serving.await?;
    Ok((read, elapsed))
}

/// An SMTP client as an MTA with PIPELINING is one.
struct SmtpClient {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
}

impl SmtpClient {
    async fn connect(port: u16) -> Result<Self> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream.set_nodelay(true)?;
        let (read, writer) = stream.into_split();
        let mut client = Self { reader: BufReader::new(read), writer };
        client.expect(220).await?;
        client.writer.write_all(b"EHLO bench.example\r\n").await?;
        client.expect(250).await?;
        Ok(client)
    }

    /// One email: the envelope and DATA in one write, the message in the next.
    async fn send(&mut self, email: &[u8]) -> Result<()> {
        self.writer
            .write_all(b"MAIL FROM:<buyer@example.com>\r\nRCPT TO:<support@lumenhaus-store.com>\r\nDATA\r\n")
            .await?;
        self.expect(250).await?;
        self.expect(250).await?;
        self.expect(354).await?;
        let mut data = Vec::with_capacity(email.len() + 8);
        for line in email.split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b".") {
                data.push(b'.');
            }
            data.extend_from_slice(line);
        }
        data.extend_from_slice(b".\r\n");
        self.writer.write_all(&data).await?;
        self.expect(250).await
    }

    async fn quit(&mut self) -> Result<()> {
        self.writer.write_all(b"QUIT\r\n").await?;
        self.expect(221).await
    }

    /// Reads one (possibly multi-line) reply and checks its code.
    async fn expect(&mut self, code: u16) -> Result<()> {
        let mut line = String::new();
        loop {
            line.clear();
            ensure!(self.reader.read_line(&mut line).await? > 0, "the receiver closed the connection");
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
        }
        ensure!(line.starts_with(&code.to_string()), "expected {code}, got {}", line.trim_end());
        Ok(())
    }
}
