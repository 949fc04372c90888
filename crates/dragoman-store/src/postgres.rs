//! PostgreSQL, the scale-out backend: several `dragoman serve` processes share one database.
//! Only what PostgreSQL does differently from SQLite is here; the queries themselves are in
//! `shared.rs`.

use crate::ingest::like_contains;
use crate::{Backend, Result};
use shared::SearchIn;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, QueryBuilder, Transaction};
use std::time::Duration;

type Db = sqlx::Postgres;
type Impl = PgStore;
const BACKEND: Backend = Backend::Postgres;

// The same file is also `sqlite::shared`: one source, compiled once per driver.
#[allow(clippy::duplicate_mod)]
#[path = "shared.rs"]
mod shared;

/// The PostgreSQL [`crate::Store`].
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `postgres://…` and migrates the database.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url.parse()?).await
    }

    /// Connects with options built in code (tests pick a fresh database this way).
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self> {
        // sqlx prepares every statement. After a few runs PostgreSQL may switch a prepared
        // statement to one generic plan, which for the inbox is wrong one way or the other: a
        // rare search word wants the trigram index, a common one wants a walk along the sort
        // order. Planning each run costs about a millisecond. JIT compilation, meant for
        // analytics, would add a few hundred to queries whose cost estimate is high only
        // because LIMIT stops them early.
        let options = options.options([("plan_cache_mode", "force_custom_plan"), ("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        // sqlx takes an advisory lock while migrating, so processes starting together are safe.
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

async fn begin_write(pool: &PgPool) -> sqlx::Result<Transaction<'static, Db>> {
    pool.begin().await
}

/// Claimers running at once each take different jobs rather than queueing on the same rows.
const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

/// Two first messages of one thread arriving at once would each see "no conversation yet" and
/// open two; a transaction-scoped advisory lock on the thread makes the second wait and find
/// the first. (A hash collision only makes two unrelated ingests wait for each other.)
async fn lock_thread(conn: &mut PgConnection, channel: &str, thread_key: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(format!("thread:{channel}:{thread_key}"))
        .execute(conn)
        .await?;
    Ok(())
}

/// ILIKE, served by the pg_trgm GIN indexes for patterns of three characters or more.
fn push_text_match(qb: &mut QueryBuilder<'_, Db>, target: SearchIn, text: &str) {
    qb.push(format!("{} ILIKE ", target.column()));
    qb.push_bind(like_contains(text)).push(" ESCAPE '\\'");
}
