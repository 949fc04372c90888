//! SQLite, the embedded default: one file in WAL mode (readers never block the writer),
//! created and migrated on open. Only what SQLite does differently from PostgreSQL is here;
//! the queries themselves are in `shared.rs`.

use crate::ingest::like_contains;
use crate::{Backend, Result};
use shared::SearchIn;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, SqliteConnection, Transaction};
use std::path::Path;
use std::time::Duration;

type Db = sqlx::Sqlite;
type Impl = SqliteStore;
const BACKEND: Backend = Backend::Sqlite;

// The same file is also `postgres::shared`: one source, compiled once per driver.
#[allow(clippy::duplicate_mod)]
#[path = "shared.rs"]
mod shared;

/// The SQLite [`crate::Store`].
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating it if missing) and migrates the database file at `path`.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL loses no committed transaction on a crash of the process, only
            // possibly the last ones on a power cut, and saves an fsync per commit.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // Writers queue on the file lock; this is how long one waits before giving up.
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// SQLite has one writer at a time. A deferred transaction that reads first cannot wait for
/// the write lock later (its snapshot may be stale) and fails with SQLITE_BUSY at once;
/// taking the lock up front makes concurrent writers queue on the busy timeout instead.
async fn begin_write(pool: &SqlitePool) -> sqlx::Result<Transaction<'static, Db>> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Writers are already serialised by the database lock.
const SKIP_LOCKED: &str = "";

/// Writers are already serialised by the database lock, so two first messages of one thread
/// cannot both see "no conversation yet".
async fn lock_thread(_: &mut SqliteConnection, _channel: &str, _thread_key: &str) -> sqlx::Result<()> {
    Ok(())
}

/// The FTS5 trigram index serves queries of three characters or more; shorter ones (two CJK
/// characters are a whole word) fall back to LIKE, which scans but stays correct. LIKE folds
/// ASCII case only; the trigram tokenizer folds all of Unicode.
fn push_text_match(qb: &mut QueryBuilder<'_, Db>, target: SearchIn, text: &str) {
    if text.chars().count() >= 3 {
        let (row_id, fts) = match target {
            SearchIn::Messages => ("m.id", "message_fts"),
            SearchIn::Translations => ("t.id", "translation_fts"),
        };
        // A quoted FTS5 string is a phrase: with trigrams, a substring match.
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        qb.push(format!("{row_id} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH "));
        qb.push_bind(phrase).push(")");
    } else {
        qb.push(format!("{} LIKE ", target.column()));
        qb.push_bind(like_contains(text)).push(" ESCAPE '\\'");
    }
}
