//! The PostgreSQL loader: `INSERT … SELECT` over `generate_series`, phrase pools as arrays in a
//! temporary table joined by language.

use super::{Dialect, LOADED_TABLES, LoadParams, LoadReport};
use anyhow::Result;
use sqlx::{Connection, Executor, PgConnection};

struct Pg;

impl Dialect for Pg {
    fn unit(&self) -> String {
        "random()".into()
    }
    fn below(&self, n: u64) -> String {
        format!("CAST(floor(random() * {n}) AS BIGINT)")
    }
    fn series(&self, n: u64) -> String {
        format!("generate_series(1, {n}) AS s(id)")
    }
    fn message_numbers(&self) -> String {
        "CROSS JOIN LATERAL generate_series(0, c.message_count - 1) AS k(k)".into()
    }
    fn pad7(&self, e: &str) -> String {
        format!("lpad(CAST({e} AS TEXT), 7, '0')")
    }
    fn phrase(&self, kind: &str, _lang: &str, idx: &str) -> String {
        // Arrays are 1-based.
        format!("p.{kind}[{idx} + 1]")
    }
    fn pool_join(&self, lang: &str) -> String {
        format!("JOIN bench_pool p ON p.lang = {lang}")
    }
    fn overriding(&self) -> &'static str {
        "OVERRIDING SYSTEM VALUE"
    }
}

pub async fn load(url: &str, p: &LoadParams, report: &mut LoadReport) -> Result<()> {
    let first_agent = report.agents[0];
    let mut conn = PgConnection::connect(url).await?;
    // Session settings for the load only: commits need not wait for the WAL flush (a crash
    // would only lose the benchmark data), and sorts and index builds get the memory this
    // machine has. The store's own connections keep the server's defaults.
    conn.execute(
        "SET synchronous_commit = off; SET work_mem = '512MB'; SET maintenance_work_mem = '2GB'; \
         SET jit = off; SELECT setseed(0.42)",
    )
    .await?;

    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT ic.relname::text, pg_get_indexdef(i.indexrelid) \
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname = ANY($1) \
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) \
         ORDER BY ic.relname",
    )
    .bind(LOADED_TABLES)
    .fetch_all(&mut conn)
    .await?;
    for (name, _) in &indexes {
        conn.execute(format!("DROP INDEX \"{name}\"").as_str()).await?;
    }

    report
        .step("phrase pools", async {
            conn.execute(
                "CREATE TEMP TABLE bench_pool (lang TEXT PRIMARY KEY, buyer TEXT[], agent TEXT[], product TEXT[], note TEXT[])",
            )
            .await?;
            let notes = crate::corpus::notes();
            for pool in crate::corpus::pools() {
                sqlx::query("INSERT INTO bench_pool VALUES ($1, $2, $3, $4, $5)")
                    .bind(pool.code)
                    .bind(&pool.buyer)
                    .bind(&pool.agent)
                    .bind(&pool.products)
                    .bind(&notes)
                    .execute(&mut conn)
                    .await?;
            }
            Ok(())
        })
        .await?;
    let pg = Pg;
    report.step("customers", exec(&mut conn, super::customers(&pg, super::customer_count(p), p.now))).await?;
    report.step("message counts", exec_all(&mut conn, super::extra_messages(&pg, p))).await?;
    report.step("conversations", exec(&mut conn, super::conversations(&pg, p, first_agent))).await?;
    report.step("messages", exec(&mut conn, super::messages(&pg, first_agent))).await?;
    report.step("translations", exec(&mut conn, super::translations(&pg, p))).await?;
    report.step("tags", exec_all(&mut conn, super::tags(&pg))).await?;
    // Rows were inserted with explicit ids: move the identity sequences past them.
    for table in ["customers", "conversations"] {
        let sql = format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))");
        conn.execute(sql.as_str()).await?;
    }
    report
        .step("indexes (incl. pg_trgm GIN)", async {
            for (_, definition) in &indexes {
                conn.execute(definition.as_str()).await?;
            }
            Ok(())
        })
        .await?;
    // What autovacuum would do soon after: statistics for the planner and the visibility map
    // that index-only scans rely on.
    report.step("VACUUM ANALYZE", exec(&mut conn, "VACUUM (ANALYZE)".into())).await?;
    conn.close().await?;
    Ok(())
}

async fn exec(conn: &mut PgConnection, sql: String) -> Result<()> {
    conn.execute(sql.as_str()).await?;
    Ok(())
}

async fn exec_all(conn: &mut PgConnection, sqls: Vec<String>) -> Result<()> {
    for sql in sqls {
        conn.execute(sql.as_str()).await?;
    }
    Ok(())
}
