//! Inbox and search latency at scale: bulk-generates conversations and messages into a fresh
//! database of each backend (see `dragoman_bench::load`), then times the inbox pages and text
//! searches agents run, through `Store::list_conversations` (the code `GET
//! /api/v1/conversations` runs), warm, many times each. Text searches are compared with the
//! unindexed `LIKE`/`ILIKE` scan a helpdesk without a text index does, measured on the same
//! data in the same run. Slow cases get their query plan printed.

use anyhow::{Context, Result};
use clap::Parser;
use dragoman_bench::load::{self, LoadParams, LoadReport};
use dragoman_bench::{BackendKind, DEFAULT_PG_URL, Summary, TempDb, mib, ms, now_millis, summarize, thousands};
use dragoman_core::{AgentId, Channel, ConversationStatus, LanguageTag};
use dragoman_store::{AssigneeFilter, ConversationQuery, ConversationSort, PageRequest};
use sqlx::{Connection, Executor, Row};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(about = "Inbox list and search latency over a bulk-generated inbox, per backend")]
struct Args {
    #[arg(long, default_value_t = 1_000_000)]
    conversations: u64,
    /// At least one per conversation.
    #[arg(long, default_value_t = 5_000_000)]
    messages: u64,
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<BackendKind>,
    /// Timed runs per query (after the warm-up runs).
    #[arg(long, default_value_t = 20)]
    runs: usize,
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    /// A query stops being repeated after this many seconds (at least 3 timed runs), so the
    /// multi-second unindexed scans stay bounded.
    #[arg(long, default_value_t = 30)]
    budget_seconds: u64,
    /// Share of non-English buyer messages with an English translation.
    #[arg(long, default_value_t = 0.6)]
    translation_share: f64,
    /// Print the plan of every query, not only of the slow ones.
    #[arg(long)]
    explain: bool,
    /// Queries with a median above this many milliseconds get their plan printed.
    #[arg(long, default_value_t = 50.0)]
    slow_ms: f64,
    /// Keep the generated databases and print where they are.
    #[arg(long)]
    keep: bool,
    #[arg(long, env = "DRAGOMAN_BENCH_PG_URL", default_value = DEFAULT_PG_URL)]
    pg_url: String,
    /// Directory for the SQLite file (default: the system temp directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.messages >= args.conversations && args.conversations > 0,
        "need messages >= conversations > 0"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        println!(
            "inbox: {} conversations, {} messages; {} timed runs after {} warm-up runs (at most {} s per query)\n",
            thousands(args.conversations),
            thousands(args.messages),
            args.runs,
            args.warmup,
            args.budget_seconds
        );
        for &backend in &args.backends {
            let mut db = TempDb::create(backend, &args.pg_url, args.dir.as_deref(), "inbox").await?;
            let result = run_backend(&args, &db).await;
            if args.keep {
                println!("kept: {}\n", db.url);
                db.keep();
            }
            db.remove().await.context("removing the benchmark database")?;
            result?;
        }
        Ok(())
    })
}

/// One timed query: a label, what it asks, and how to run it against the store.
struct Case {
    id: &'static str,
    what: String,
    query: ConversationQuery,
    /// For text searches: the term, so the naive scan can look for the same.
    term: Option<String>,
}

fn open_query() -> ConversationQuery {
    ConversationQuery { status: Some(ConversationStatus::Open), ..Default::default() }
}

fn search(text: &str) -> ConversationQuery {
    ConversationQuery { text: Some(text.to_owned()), ..Default::default() }
}

async fn run_backend(args: &Args, db: &TempDb) -> Result<()> {
    let backend = db.kind;
    eprintln!("{}: loading …", backend.name());
    let params = LoadParams {
        conversations: args.conversations,
        messages: args.messages,
        translation_share: args.translation_share,
        now: now_millis(),
    };
    let mut report = LoadReport::default();
    load::prepare(&db.url, &mut report, params.now).await?;
    match backend {
        BackendKind::Sqlite => {
            load::sqlite::load(db.sqlite_file().expect("a SQLite file"), &params, &mut report).await?
        }
        BackendKind::Postgres => load::postgres::load(&db.url, &params, &mut report).await?,
    }
    let size = db.size_bytes().await?;

    let store = dragoman_store::open(&db.url).await?;
    let mut raw = Raw::connect(backend, db).await?;
    let census = raw.census().await?;
    let version = raw.describe().await?;

    // Search terms. The order number belongs to one conversation in the middle of the data.
    let order_number: String = raw
        .scalar_text(&format!("SELECT order_number FROM conversations WHERE id = {}", args.conversations / 2 + 1))
        .await?;
    let agent = AgentId(report.agents[0]);
    let mut cases = vec![
        Case { id: "a", what: "open, by SLA due".into(), query: open_query(), term: None },
        Case {
            id: "b",
            what: "open, channel amazon + language de".into(),
            query: ConversationQuery {
                channel: Some(Channel::Amazon),
                language: Some(LanguageTag::parse("de")?),
                ..open_query()
            },
            term: None,
        },
        Case {
            id: "c",
            what: format!("open, assignee {agent}"),
            query: ConversationQuery { assignee: Some(AssigneeFilter::Agent(agent)), ..open_query() },
            term: None,
        },
        Case {
            id: "d",
            what: "open, tag vip".into(),
            query: ConversationQuery { tag: Some("vip".into()), ..open_query() },
            term: None,
        },
    ];
    // (e) the second page of (a), through the cursor the first page handed out.
    let first = store.list_conversations(&open_query()).await?;
    cases.push(Case {
        id: "e",
        what: "open, by SLA due, page 2 (cursor)".into(),
        query: ConversationQuery { page: PageRequest { cursor: first.next_cursor.clone(), limit: 0 }, ..open_query() },
        term: None,
    });
    cases.push(Case {
        id: "f",
        what: "open, by last activity".into(),
        query: ConversationQuery { sort: ConversationSort::LastActivity, ..open_query() },
        term: None,
    });
    let terms: [(&str, String, &str); 8] = [
        ("g1", order_number.clone(), "order number (one conversation)"),
        ("g2", dragoman_bench::corpus::RARE_WORD.to_owned(), "rare word"),
        ("g3", "Erstattung".into(), "medium-frequency word"),
        ("g4", "order".into(), "very common word"),
        ("h1", "発送".into(), "CJK, 2 characters (ja)"),
        ("h2", "退货".into(), "CJK, 2 characters (zh)"),
        ("h3", "返品ラベル".into(), "CJK, 5 characters (ja)"),
        // The worst case of a short term: nothing matches, so no plan can stop early.
        ("h4", "瑕疵".into(), "CJK, 2 characters, in no message"),
    ];
    for (id, term, what) in &terms {
        cases.push(Case {
            id,
            what: format!("search \"{term}\": {what}"),
            query: search(term),
            term: Some(term.clone()),
        });
    }

    // Time each case through the store; plan the slow ones (or all) right away, while the
    // pages they read are still cached.
    let mut timed: Vec<(usize, Summary)> = Vec::new();
    let mut plans = String::new();
    for case in &cases {
        eprintln!("  {} {}", case.id, case.what);
        let q = case.query.clone();
        let store = store.clone();
        let (rows, summary) = time_runs(args, || {
            let q = q.clone();
            let store = store.clone();
            async move { Ok(store.list_conversations(&q).await?.items.len()) }
        })
        .await?;
        timed.push((rows, summary));
        if args.explain || summary.median.as_secs_f64() * 1000.0 > args.slow_ms {
            let cursor_key = match case.id {
                "e" => first.items.last().map(|c| (c.sla_due_at.map_or(i64::MAX, |t| t.0), c.id.0)),
                _ => None,
            };
            for (part, sql) in store_sql(backend, &case.query, cursor_key) {
                let plan = raw.explain(&sql).await?;
                writeln!(
                    plans,
                    "#### {} ({}) — {}, {part}\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n",
                    case.id,
                    case.what,
                    backend.name()
                )?;
            }
        }
    }

    // The naive scan and the number of matches, per search term.
    let mut naive = Vec::new();
    for (id, term, _) in &terms {
        eprintln!("  naive {id} {term}");
        let pattern = format!("%{term}%");
        let raw_ref = &mut raw;
        let mut samples = Vec::new();
        let mut rows = 0;
        let started = Instant::now();
        for i in 0..(args.runs + 1) {
            let t = Instant::now();
            rows = raw_ref.naive_search(&pattern).await?;
            // The first run reads the table into the cache: not timed, like the warm-up above.
            if i > 0 {
                samples.push(t.elapsed());
            }
            if started.elapsed() > Duration::from_secs(args.budget_seconds) && samples.len() >= 3 {
                break;
            }
        }
        let matches = raw.matching_conversations(term).await?;
        naive.push((rows, summarize(samples), matches));
    }

    // Report.
    println!(
        "### {} — {} conversations, {} messages\n",
        backend.name(),
        thousands(census.conversations),
        thousands(census.messages)
    );
    println!("{version}\n");
    println!(
        "Data: {} translations, {} tag rows; {} open conversations ({:.0} %). Database size after load: {}.\n",
        thousands(census.translations),
        thousands(census.tags),
        thousands(census.open),
        100.0 * census.open as f64 / census.conversations.max(1) as f64,
        mib(size)
    );
    println!("| load step | seconds |\n|---|---:|");
    for (name, took) in &report.steps {
        println!("| {name} | {:.1} |", took.as_secs_f64());
    }
    println!("| **total** | **{:.1}** |\n", report.total().as_secs_f64());
    println!("| case | query (50 per page) | rows | median ms | p95 ms | runs |\n|---|---|---:|---:|---:|---:|");
    for (case, (rows, s)) in cases.iter().zip(&timed) {
        println!("| {} | {} | {} | {} | {} | {} |", case.id, case.what, rows, ms(s.median), ms(s.p95), s.runs);
    }
    println!(
        "\n| case | term | conversations matching | Dragoman median ms | naive scan median ms | naive p95 ms | naive runs |\n\
         |---|---|---:|---:|---:|---:|---:|"
    );
    let searches = cases.iter().zip(&timed).filter(|(c, _)| c.term.is_some());
    for ((case, (_, s)), (_, n, matches)) in searches.zip(&naive) {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            case.id,
            case.term.as_deref().unwrap_or_default(),
            thousands(*matches),
            ms(s.median),
            ms(n.median),
            ms(n.p95),
            n.runs
        );
    }
    println!();
    if !plans.is_empty() {
        println!("{plans}");
    }
    drop(store);
    raw.close().await?;
    Ok(())
}

/// Runs `f` `warmup` times untimed, then up to `runs` times timed (fewer when the time budget
/// is spent, but at least 3); returns the last result and the timings.
async fn time_runs<F, Fut>(args: &Args, f: F) -> Result<(usize, Summary)>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<usize>>,
{
    for _ in 0..args.warmup {
        f().await?;
    }
    let started = Instant::now();
    let mut samples = Vec::with_capacity(args.runs);
    let mut rows = 0;
    for _ in 0..args.runs {
        let t = Instant::now();
        rows = f().await?;
        samples.push(t.elapsed());
        if started.elapsed() > Duration::from_secs(args.budget_seconds) && samples.len() >= 3 {
            break;
        }
    }
    Ok((rows, summarize(samples)))
}

struct Census {
    conversations: u64,
    messages: u64,
    translations: u64,
    tags: u64,
    open: u64,
}

/// A plain connection beside the store, for what the store does not offer: counts, the naive
/// scan, query plans.
enum Raw {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Raw {
    async fn connect(backend: BackendKind, db: &TempDb) -> Result<Self> {
        Ok(match backend {
            BackendKind::Sqlite => {
                use sqlx::ConnectOptions;
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(db.sqlite_file().expect("a SQLite file"))
                    .read_only(true);
                Raw::Sqlite(options.connect().await?)
            }
            BackendKind::Postgres => {
                // The naive scan as a helpdesk without a trigram index runs it: no index can
                // serve `ILIKE '%…%'`, so PostgreSQL reads the table (in parallel where it can).
                let mut raw = Raw::Postgres(sqlx::PgConnection::connect(&db.url).await?);
                raw.set_naive(true).await?;
                raw
            }
        })
    }

    async fn scalar(&mut self, sql: &str) -> Result<i64> {
        Ok(match self {
            Raw::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await?,
            Raw::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await?,
        })
    }

    async fn scalar_text(&mut self, sql: &str) -> Result<String> {
        Ok(match self {
            Raw::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await?,
            Raw::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await?,
        })
    }

    async fn census(&mut self) -> Result<Census> {
        Ok(Census {
            conversations: self.scalar("SELECT count(*) FROM conversations").await? as u64,
            messages: self.scalar("SELECT count(*) FROM messages").await? as u64,
            translations: self.scalar("SELECT count(*) FROM translations").await? as u64,
            tags: self.scalar("SELECT count(*) FROM conversation_tags").await? as u64,
            open: self.scalar("SELECT count(*) FROM conversations WHERE status = 'open'").await? as u64,
        })
    }

    /// The database version, and for PostgreSQL the settings that matter most here.
    async fn describe(&mut self) -> Result<String> {
        Ok(match self {
            Raw::Sqlite(_) => format!("SQLite {}", self.scalar_text("SELECT sqlite_version()").await?),
            Raw::Postgres(_) => {
                let mut out = self.scalar_text("SELECT version()").await?;
                for setting in ["shared_buffers", "work_mem", "effective_cache_size", "random_page_cost"] {
                    let value = self.scalar_text(&format!("SELECT current_setting('{setting}')")).await?;
                    write!(out, "; {setting} = {value}")?;
                }
                out
            }
        })
    }

    /// The search of a helpdesk without a text index: every message body is scanned.
    async fn naive_search(&mut self, pattern: &str) -> Result<usize> {
        Ok(match self {
            Raw::Sqlite(c) => sqlx::query(
                "SELECT DISTINCT conversation_id FROM messages NOT INDEXED WHERE body_text LIKE $1 \
                     ORDER BY conversation_id DESC LIMIT 50",
            )
            .bind(pattern)
            .fetch_all(c)
            .await?
            .len(),
            Raw::Postgres(c) => sqlx::query(
                "SELECT DISTINCT conversation_id FROM messages WHERE body_text ILIKE $1 \
                     ORDER BY conversation_id DESC LIMIT 50",
            )
            .bind(pattern)
            .fetch_all(c)
            .await?
            .len(),
        })
    }

    /// How many conversations have a message (original or translation) that matches `term` the
    /// way the store matches it. Untimed: context for the search timings.
    async fn matching_conversations(&mut self, term: &str) -> Result<u64> {
        let messages = text_match(self.backend(), "m", "message_fts", "m.body_text", term);
        let translations = text_match(self.backend(), "t", "translation_fts", "t.text", term);
        let sql = format!(
            "SELECT count(*) FROM (SELECT m.conversation_id FROM messages m WHERE {messages} \
             UNION SELECT m.conversation_id FROM translations t JOIN messages m ON m.id = t.message_id WHERE {translations}) x"
        );
        // Counting is no part of the comparison: on PostgreSQL let it use the trigram index.
        self.set_naive(false).await?;
        let n = self.scalar(&sql).await;
        self.set_naive(true).await?;
        Ok(n? as u64)
    }

    /// PostgreSQL only: index scans off (the naive scan) or on (counts, plans).
    async fn set_naive(&mut self, naive: bool) -> Result<()> {
        if let Raw::Postgres(c) = self {
            let v = if naive { "off" } else { "on" };
            c.execute(
                format!("SET enable_indexscan = {v}; SET enable_bitmapscan = {v}; SET enable_indexonlyscan = {v}")
                    .as_str(),
            )
            .await?;
        }
        Ok(())
    }

    fn backend(&self) -> BackendKind {
        match self {
            Raw::Sqlite(_) => BackendKind::Sqlite,
            Raw::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// SQLite: `EXPLAIN QUERY PLAN` as an indented tree. PostgreSQL: `EXPLAIN (ANALYZE,
    /// BUFFERS)` with the planner settings the store's connections have.
    async fn explain(&mut self, sql: &str) -> Result<String> {
        match self {
            Raw::Sqlite(c) => {
                let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(&mut *c).await?;
                let mut depth: Vec<(i64, usize)> = Vec::new();
                let mut out = String::from("QUERY PLAN\n");
                for row in rows {
                    let (id, parent, detail): (i64, i64, String) = (row.get(0), row.get(1), row.get(3));
                    let level = depth.iter().find(|(i, _)| *i == parent).map_or(0, |(_, l)| l + 1);
                    depth.push((id, level));
                    writeln!(out, "{}|--{detail}", "   ".repeat(level))?;
                }
                Ok(out)
            }
            Raw::Postgres(_) => {
                self.set_naive(false).await?;
                let Raw::Postgres(c) = self else { unreachable!() };
                c.execute("SET jit = off").await?;
                let rows: Result<Vec<String>, _> =
                    sqlx::query_scalar(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}")).fetch_all(&mut *c).await;
                c.execute("RESET jit").await?;
                self.set_naive(true).await?;
                Ok(rows?.join("\n"))
            }
        }
    }

    async fn close(self) -> Result<()> {
        match self {
            Raw::Sqlite(c) => c.close().await?,
            Raw::Postgres(c) => c.close().await?,
        }
        Ok(())
    }
}

/// The text condition as the store builds it (`push_text_match` in `dragoman-store`): FTS5
/// trigram `MATCH` for three characters or more on SQLite, `LIKE` below; `ILIKE` on PostgreSQL.
fn text_match(backend: BackendKind, alias: &str, fts: &str, column: &str, term: &str) -> String {
    let literal = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let like = literal(&format!("%{}%", term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    match backend {
        BackendKind::Sqlite if term.chars().count() >= 3 => {
            let phrase = format!("\"{}\"", term.replace('"', "\"\""));
            format!("{alias}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH {})", literal(&phrase))
        }
        BackendKind::Sqlite => format!("{column} LIKE {like} ESCAPE '\\'"),
        BackendKind::Postgres => format!("{column} ILIKE {like} ESCAPE '\\'"),
    }
}

/// The statements `Store::list_conversations` sends for `q`, with the values inlined, for
/// EXPLAIN. Mirrors `conversation_rows` in `crates/dragoman-store/src/shared.rs` (one statement,
/// or two for a text search: matches in messages and in translations); keep in step with it.
fn store_sql(backend: BackendKind, q: &ConversationQuery, cursor: Option<(i64, i64)>) -> Vec<(&'static str, String)> {
    const COLUMNS: &str = "c.id, c.channel, c.marketplace, c.subject, c.status, c.customer_id, c.order_id, \
        c.order_number, c.buyer_language, c.assignee_id, c.team_id, c.priority, c.tier, c.intent, c.escalated, \
        c.sla_due_at, c.sla_sort_key, c.last_message_at, c.created_at, c.updated_at, c.message_count, c.preview";
    let (column, after, direction) = match q.sort {
        ConversationSort::SlaDue => ("c.sla_sort_key", ">", "ASC"),
        ConversationSort::LastActivity => ("c.last_message_at", "<", "DESC"),
    };
    let mut filters = String::new();
    if let Some(s) = q.status {
        write!(filters, " AND c.status = '{s}'").unwrap();
    }
    match q.assignee {
        Some(AssigneeFilter::Agent(a)) => write!(filters, " AND c.assignee_id = {}", a.0).unwrap(),
        Some(AssigneeFilter::Unassigned) => filters.push_str(" AND c.assignee_id IS NULL"),
        None => {}
    }
    if let Some(ch) = q.channel {
        write!(filters, " AND c.channel = '{ch}'").unwrap();
    }
    if let Some(l) = &q.language {
        write!(filters, " AND c.buyer_language = '{l}'").unwrap();
    }
    if let Some(t) = &q.tag {
        write!(filters, " AND c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag = '{t}')").unwrap();
    }
    let mut tail = String::new();
    if let Some((key, id)) = cursor {
        write!(tail, " AND ({column}, c.id) {after} ({key}, {id})").unwrap();
    }
    write!(tail, " ORDER BY {column} {direction}, c.id {direction} LIMIT 51").unwrap();
    let base = format!("SELECT {COLUMNS} FROM conversations c WHERE TRUE{filters}");
    match q.text.as_deref() {
        None => vec![("the one statement", format!("{base}{tail}"))],
        Some(text) => vec![
            (
                "matches in messages",
                format!(
                    "{base} AND c.id IN (SELECT m.conversation_id FROM messages m WHERE {}){tail}",
                    text_match(backend, "m", "message_fts", "m.body_text", text)
                ),
            ),
            (
                "matches in translations",
                format!(
                    "{base} AND c.id IN (SELECT m.conversation_id FROM translations t JOIN messages m ON m.id = t.message_id \
                     WHERE {}){tail}",
                    text_match(backend, "t", "translation_fts", "t.text", text)
                ),
            ),
        ],
    }
}
