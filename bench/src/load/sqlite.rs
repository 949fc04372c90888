//! The SQLite loader: `INSERT … SELECT` over a numbers table (filled by a recursive CTE), phrase
//! pools in a temporary table looked up by key, each table in one transaction.

use super::{Dialect, LOADED_TABLES, LoadParams, LoadReport};
use anyhow::Result;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Executor};
use std::path::Path;

struct Lite;

/// `random()` is a signed 64-bit integer; masking the sign bit keeps it uniform and avoids
/// `abs()`, which overflows on i64::MIN.
const NONNEG_RANDOM: &str = "(random() & 9223372036854775807)";

impl Dialect for Lite {
    fn unit(&self) -> String {
        format!("({NONNEG_RANDOM} / 9223372036854775808.0)")
    }
    fn below(&self, n: u64) -> String {
        format!("({NONNEG_RANDOM} % {n})")
    }
    fn series(&self, n: u64) -> String {
        format!("(SELECT id FROM bench_series WHERE id <= {n}) AS s")
    }
    fn message_numbers(&self) -> String {
        "JOIN bench_k k ON k.k < c.message_count".into()
    }
    fn pad7(&self, e: &str) -> String {
        format!("printf('%07d', {e})")
    }
    fn phrase(&self, kind: &str, lang: &str, idx: &str) -> String {
        format!("(SELECT text FROM bench_phrase WHERE lang = {lang} AND kind = '{kind}' AND i = {idx})")
    }
    fn pool_join(&self, _lang: &str) -> String {
        String::new()
    }
    fn overriding(&self) -> &'static str {
        ""
    }
}

pub async fn load(file: &Path, p: &LoadParams, report: &mut LoadReport) -> Result<()> {
    let first_agent = report.agents[0];
    // For the load only: no rollback journal and no fsync (a crash mid-load only loses the
    // benchmark database), a 2 GiB page cache and in-memory temp storage for the big sorts.
    // Foreign keys stay on, so the generated rows are checked like any others. The store sets
    // WAL and synchronous=NORMAL again when it opens the file afterwards.
    let mut conn: SqliteConnection = SqliteConnectOptions::new()
        .filename(file)
        .foreign_keys(true)
        .pragma("cache_size", "-2097152")
        .pragma("temp_store", "MEMORY")
        .connect()
        .await?;
    // Leaving WAL mode needs the file to ourselves; should the store's pool still hold it,
    // the load runs in WAL mode, only slower.
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = OFF").fetch_one(&mut conn).await?;
    eprintln!("  journal_mode during the load: {mode}");
    conn.execute("PRAGMA synchronous = OFF").await?;

    let saved: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL \
         AND tbl_name IN ({}) ORDER BY type, name",
        LOADED_TABLES.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ")
    ))
    .fetch_all(&mut conn)
    .await?;
    for (kind, name, _) in &saved {
        conn.execute(format!("DROP {kind} \"{name}\"").as_str()).await?;
    }

    let numbers = p.conversations.max(p.messages - p.conversations).max(1);
    report
        .step("numbers and phrase pools", async {
            conn.execute(
                format!(
                    "CREATE TEMP TABLE bench_series (id INTEGER PRIMARY KEY); \
                     WITH RECURSIVE g(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM g WHERE id < {numbers}) \
                     INSERT INTO bench_series SELECT id FROM g; \
                     CREATE TEMP TABLE bench_phrase (lang TEXT, kind TEXT, i INTEGER, text TEXT, \
                       PRIMARY KEY (lang, kind, i)) WITHOUT ROWID"
                )
                .as_str(),
            )
            .await?;
            let mut tx = conn.begin().await?;
            for (lang, kind, i, text) in super::pool_rows() {
                sqlx::query("INSERT INTO bench_phrase VALUES ($1, $2, $3, $4)")
                    .bind(lang)
                    .bind(kind)
                    .bind(i as i64)
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await?;
    let lite = Lite;
    report.step("customers", exec(&mut conn, vec![super::customers(&lite, super::customer_count(p), p.now)])).await?;
    report.step("message counts", exec(&mut conn, super::extra_messages(&lite, p))).await?;
    report
        .step("conversations", async {
            // Message numbers 0..(most messages any conversation has), for the messages step.
            let most: i64 =
                sqlx::query_scalar("SELECT 1 + coalesce(max(extra), 0) FROM bench_extra").fetch_one(&mut conn).await?;
            conn.execute(
                format!(
                    "CREATE TEMP TABLE bench_k (k INTEGER PRIMARY KEY); \
                     INSERT INTO bench_k SELECT id - 1 FROM bench_series WHERE id <= {most}"
                )
                .as_str(),
            )
            .await?;
            exec(&mut conn, vec![super::conversations(&lite, p, first_agent)]).await
        })
        .await?;
    report.step("messages", exec(&mut conn, vec![super::messages(&lite, first_agent)])).await?;
    report.step("translations", exec(&mut conn, vec![super::translations(&lite, p)])).await?;
    report.step("tags", exec(&mut conn, super::tags(&lite))).await?;
    report
        .step("indexes and triggers", async {
            // Indexes before triggers: sqlite_master lists them in that order, and triggers
            // fire only on later writes anyway.
            for (_, _, sql) in
                saved.iter().filter(|(k, _, _)| k == "index").chain(saved.iter().filter(|(k, _, _)| k == "trigger"))
            {
                conn.execute(sql.as_str()).await?;
            }
            Ok(())
        })
        .await?;
    // The triggers were off during the load: fill the trigram indexes from the tables in one pass.
    report
        .step(
            "FTS5 trigram rebuild",
            exec(
                &mut conn,
                vec![
                    "INSERT INTO message_fts (message_fts) VALUES ('rebuild')".into(),
                    "INSERT INTO translation_fts (translation_fts) VALUES ('rebuild')".into(),
                ],
            ),
        )
        .await?;
    report.step("ANALYZE", exec(&mut conn, vec!["ANALYZE".into()])).await?;
    conn.execute("DROP TABLE bench_series; DROP TABLE bench_phrase; DROP TABLE bench_k; DROP TABLE bench_extra")
        .await?;
    conn.close().await?;
    Ok(())
}

/// Runs the statements in one transaction.
async fn exec(conn: &mut SqliteConnection, sqls: Vec<String>) -> Result<()> {
    let mut tx = conn.begin().await?;
    for sql in sqls {
        tx.execute(sql.as_str()).await?;
    }
    tx.commit().await?;
    Ok(())
}
