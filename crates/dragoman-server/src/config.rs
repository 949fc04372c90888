//! Runtime settings: defaults that need no file, a TOML file (`--config`), and `DRAGOMAN_*`
//! environment variables over both.

use dragoman_store::IngestLimits;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://dragoman.db` (default) or `postgres://user@host/db`.
    pub db: String,
    pub listen: SocketAddr,
    /// Where `scripts/fetch-models` put the model files (`DRAGOMAN_MODELS`).
    pub models_dir: PathBuf,
    /// The `[server]` table.
    #[serde(rename = "server")]
    pub settings: Settings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Largest request body accepted (raw email included), in bytes.
    pub max_body_bytes: usize,
    /// Attachments over this many bytes keep their name and size only.
    pub max_attachment_bytes: usize,
    pub session_hours: i64,
    /// Mark the session cookie `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Concurrent enrichment jobs in this process.
    pub workers: usize,
    /// The shop's name as replies sign it.
    pub store_name: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            db: "sqlite://dragoman.db".into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            models_dir: PathBuf::from("models"),
            settings: Settings::default(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_body_bytes: 25 * 1024 * 1024,
            max_attachment_bytes: IngestLimits::default().max_attachment_bytes,
            session_hours: 12,
            secure_cookies: false,
            workers: 4,
            store_name: "our shop".into(),
        }
    }
}

impl Settings {
    pub fn ingest_limits(&self) -> IngestLimits {
        IngestLimits { max_attachment_bytes: self.max_attachment_bytes }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("config file {path} is not valid: {source}")]
    Parse { path: String, source: Box<toml::de::Error> },
    #[error("environment variable {name}={value:?} is not valid: {reason}")]
    Env { name: String, value: String, reason: String },
}

impl Config {
    /// Defaults, then the file if given, then `DRAGOMAN_*` variables from `env`.
    pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.display().to_string(),
                    source: Box::new(source),
                })?
            }
            None => Config::default(),
        };
        for (name, value) in env {
            config.apply_env(&name, &value)?;
        }
        Ok(config)
    }

    fn apply_env(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.parse().map_err(|e: T::Err| ConfigError::Env {
                name: name.to_owned(),
                value: value.to_owned(),
                reason: e.to_string(),
            })
        }
        match name {
            "DRAGOMAN_DB" => self.db = value.to_owned(),
            "DRAGOMAN_LISTEN" => self.listen = parse(name, value)?,
            "DRAGOMAN_MODELS" => self.models_dir = PathBuf::from(value),
            "DRAGOMAN_MAX_BODY_BYTES" => self.settings.max_body_bytes = parse(name, value)?,
            "DRAGOMAN_MAX_ATTACHMENT_BYTES" => self.settings.max_attachment_bytes = parse(name, value)?,
            "DRAGOMAN_SESSION_HOURS" => self.settings.session_hours = parse(name, value)?,
            "DRAGOMAN_SECURE_COOKIES" => self.settings.secure_cookies = parse(name, value)?,
            "DRAGOMAN_WORKERS" => self.settings.workers = parse(name, value)?,
            "DRAGOMAN_STORE_NAME" => self.settings.store_name = value.to_owned(),
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dragoman.toml");
        std::fs::write(&path, "db = \"postgres://pg/dragoman\"\n[server]\nworkers = 2\n").unwrap();
        let env = [("DRAGOMAN_WORKERS".to_owned(), "8".to_owned()), ("HOME".to_owned(), "/root".to_owned())];
        let config = Config::load(Some(&path), env).unwrap();
        assert_eq!(config.db, "postgres://pg/dragoman");
        assert_eq!(config.settings.workers, 8);
        assert_eq!(config.listen.port(), 8080);
    }

    #[test]
    fn errors_name_the_culprit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[server]\nwokers = 2\n").unwrap();
        let err = Config::load(Some(&path), []).unwrap_err().to_string();
        assert!(err.contains("wokers"), "{err}");
        let env = [("DRAGOMAN_LISTEN".to_owned(), "everywhere".to_owned())];
        let err = Config::load(None, env).unwrap_err().to_string();
        assert!(err.contains("DRAGOMAN_LISTEN"), "{err}");
    }
}
