//! Shared parts of Dragoman's benchmarks (`src/bin/ingest.rs`, `src/bin/inbox.rs`):
//! throw-away databases on both backends, latency statistics, and the generated corpus.
//! See `bench/README.md` for what each benchmark measures and how to run it.

pub mod corpus;
pub mod load;

use anyhow::{Context, Result, bail};
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

impl BackendKind {
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "SQLite",
            BackendKind::Postgres => "PostgreSQL",
        }
    }
}

/// A database that exists only for one benchmark run: a file in a temporary directory, or a
/// PostgreSQL database created on the server `admin_url` points at and dropped afterwards.
pub struct TempDb {
    pub kind: BackendKind,
    /// What `dragoman_store::open` gets.
    pub url: String,
    place: Place,
}

enum Place {
    Sqlite { dir: Option<tempfile::TempDir>, file: PathBuf },
    Postgres { admin_url: String, name: String },
}

impl TempDb {
    /// `dir` is where SQLite files go (the system temp directory when `None`); `label` ends up
    /// in the file or database name, so leftovers of an interrupted run are recognisable.
    pub async fn create(kind: BackendKind, pg_admin_url: &str, dir: Option<&Path>, label: &str) -> Result<Self> {
        let unique = format!("{label}_{}_{}", std::process::id(), now_millis());
        match kind {
            BackendKind::Sqlite => {
                let dir = match dir {
                    Some(d) => tempfile::Builder::new().prefix("dragoman-bench-").tempdir_in(d)?,
                    None => tempfile::Builder::new().prefix("dragoman-bench-").tempdir()?,
                };
                let file = dir.path().join(format!("{unique}.db"));
                let url = format!("sqlite://{}", file.display());
                Ok(Self { kind, url, place: Place::Sqlite { dir: Some(dir), file } })
            }
            BackendKind::Postgres => {
                let name = format!("dragoman_bench_{unique}");
                let mut admin = sqlx::PgConnection::connect(pg_admin_url).await.with_context(|| {
                    format!("cannot reach PostgreSQL at {pg_admin_url} (set DRAGOMAN_BENCH_PG_URL)")
                })?;
                sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).await?;
                admin.close().await?;
                let url = with_database(pg_admin_url, &name)?;
                Ok(Self { kind, url, place: Place::Postgres { admin_url: pg_admin_url.to_owned(), name } })
            }
        }
    }

    /// Bytes the database takes on disk (SQLite: the file and its WAL).
    pub async fn size_bytes(&self) -> Result<u64> {
        match &self.place {
            Place::Sqlite { file, .. } => {
                let mut total = 0;
                for suffix in ["", "-wal"] {
                    let mut path = file.clone().into_os_string();
                    path.push(suffix);
                    total += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                }
                Ok(total)
            }
            Place::Postgres { admin_url, name } => {
                let mut admin = sqlx::PgConnection::connect(admin_url).await?;
                let size: i64 =
                    sqlx::query_scalar("SELECT pg_database_size($1)").bind(name).fetch_one(&mut admin).await?;
                admin.close().await?;
                Ok(size as u64)
            }
        }
    }

    /// The SQLite file, for the loader's own connection.
    pub fn sqlite_file(&self) -> Option<&Path> {
        match &self.place {
            Place::Sqlite { file, .. } => Some(file),
            Place::Postgres { .. } => None,
        }
    }

    /// Keeps the database instead of removing it on [`TempDb::remove`] (for a look with
    /// `sqlite3`/`psql` afterwards).
    pub fn keep(&mut self) {
        if let Place::Sqlite { dir, .. } = &mut self.place
            && let Some(d) = dir.take()
        {
            let _ = d.keep();
        }
        if let Place::Postgres { name, .. } = &mut self.place {
            // An empty name tells `remove` there is nothing to drop.
            name.clear();
        }
    }

    pub async fn remove(self) -> Result<()> {
        match self.place {
            Place::Sqlite { dir, .. } => {
                if let Some(d) = dir {
                    d.close()?;
                }
            }
            Place::Postgres { admin_url, name } if !name.is_empty() => {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                // FORCE: pools of the store under test may still hold idle connections.
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut admin).await?;
                admin.close().await?;
            }
            Place::Postgres { .. } => {}
        }
        Ok(())
    }
}

/// `postgres://user@host:port/db?opts` with `db` replaced by `database`.
pub fn with_database(url: &str, database: &str) -> Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let Some((scheme, rest)) = base.split_once("://") else { bail!("{url:?} is not a postgres:// URL") };
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    let mut out = format!("{scheme}://{authority}/{database}");
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

pub fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Order statistics of a set of timings (nearest-rank percentiles).
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub runs: usize,
    pub min: Duration,
    pub median: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

pub fn summarize(mut samples: Vec<Duration>) -> Summary {
    assert!(!samples.is_empty(), "no samples");
    samples.sort();
    let rank = |q: f64| samples[((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    Summary {
        runs: samples.len(),
        min: samples[0],
        median: rank(0.5),
        p95: rank(0.95),
        p99: rank(0.99),
        max: samples[samples.len() - 1],
    }
}

/// Milliseconds with precision that suits the magnitude: `0.42`, `3.1`, `27`, `1 234`.
pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 1.0 {
        format!("{v:.2}")
    } else if v < 10.0 {
        format!("{v:.1}")
    } else if v < 1000.0 {
        format!("{v:.0}")
    } else {
        let whole = v.round() as u64;
        format!("{} {:03}", whole / 1000, whole % 1000)
    }
}

/// `1 234 567`: easier to read in tables than `1234567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

pub fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_swapped_in_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x").unwrap(),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x").unwrap(),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgresql://h:5432", "x").unwrap(), "postgresql://h:5432/x");
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let s = summarize((1..=100).map(Duration::from_millis).collect());
        assert_eq!(
            (s.median, s.p95, s.p99),
            (Duration::from_millis(50), Duration::from_millis(95), Duration::from_millis(99))
        );
        let one = summarize(vec![Duration::from_millis(7)]);
        assert_eq!(one.p99, Duration::from_millis(7));
    }

    #[test]
    fn number_formats() {
        assert_eq!(thousands(1_234_567), "1 234 567");
        assert_eq!(thousands(12), "12");
        assert_eq!(ms(Duration::from_micros(420)), "0.42");
        assert_eq!(ms(Duration::from_millis(1234)), "1 234");
    }
}
