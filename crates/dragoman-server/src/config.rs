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
    /// The `[shopify]` table: webhooks and the Admin API; absent, Shopify is not connected.
    pub shopify: Option<dragoman_channels::shopify::ShopifyConfig>,
    /// The `[ebay]` table: the Message API poller and sender; absent, eBay is not connected.
    pub ebay: Option<dragoman_channels::ebay::EbayConfig>,
    /// The `[chat]` table: the live-chat widget.
    pub chat: crate::chat::ChatSettings,
    /// The `[smtp_out]` table: the relay email replies (email, Amazon, Shopify) leave through;
    /// without it those replies are refused with a message saying so.
    pub smtp_out: Option<dragoman_channels::smtp_out::SmtpOutConfig>,
    /// The `[smtp_in]` table: Dragoman's own SMTP receiver (runs when `listen` is set).
    pub smtp_in: dragoman_channels::smtp_in::SmtpInConfig,
    /// `[[imap]]` entries: mailboxes the IMAP poller reads.
    pub imap: Vec<dragoman_channels::imap::ImapMailboxConfig>,
    /// The `[translation]` table: engines, per-pair choices, timeouts. The default translates
    /// offline with Apertium where it is installed.
    pub translation: dragoman_lang::translate::TranslationConfig,
    /// The `[sla]` table: response-target policies and the business calendar they count on.
    pub sla: crate::sla::SlaSettings,
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
    /// How long a send worker holds a reply it is delivering. A reply still `sending` after
    /// that was being sent by a process that died: it is reconciled (never sent blindly again).
    /// Longer than `[smtp_out] timeout_secs`.
    pub send_lease_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            db: "sqlite://dragoman.db".into(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            models_dir: PathBuf::from("models"),
            settings: Settings::default(),
            shopify: None,
            ebay: None,
            chat: crate::chat::ChatSettings::default(),
            smtp_out: None,
            smtp_in: Default::default(),
            imap: Vec::new(),
            translation: Default::default(),
            sla: Default::default(),
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
            send_lease_secs: 300,
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
    #[error(transparent)]
    Holidays(#[from] crate::sla::HolidayFileError),
}

impl Config {
    /// The `[smtp_out]` table, created for an environment variable that sets part of it.
    fn smtp_out(&mut self) -> &mut dragoman_channels::smtp_out::SmtpOutConfig {
        self.smtp_out.get_or_insert_with(Default::default)
    }

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
        config.sla.load_holidays()?;
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
            "DRAGOMAN_SMTP_LISTEN" => self.smtp_in.listen = Some(parse(name, value)?),
            "DRAGOMAN_SEND_LEASE_SECS" => self.settings.send_lease_secs = parse(name, value)?,
            "DRAGOMAN_SMTP_HOST" => self.smtp_out().host = value.to_owned(),
            "DRAGOMAN_SMTP_PORT" => self.smtp_out().port = Some(parse(name, value)?),
            "DRAGOMAN_SMTP_TLS" => self.smtp_out().tls = parse(name, value)?,
            "DRAGOMAN_SMTP_USERNAME" => self.smtp_out().username = Some(value.to_owned()),
            "DRAGOMAN_SMTP_FROM" => self.smtp_out().from = value.to_owned(),
            "DRAGOMAN_SMTP_AMAZON_FROM" => self.smtp_out().amazon_from = Some(value.to_owned()),
            "DRAGOMAN_CHAT_ALLOWED_ORIGINS" => {
                self.chat.allowed_origins =
                    value.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
            }
            "DRAGOMAN_CHAT_ONLINE_MINUTES" => self.chat.online_minutes = parse(name, value)?,
            "DRAGOMAN_TRANSLATION_ENGINES" => {
                self.translation.engines =
                    value.split(',').map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect();
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every TOML example in the README, together, is a configuration Dragoman accepts.
    #[test]
    fn readme_examples_load() {
        let readme = include_str!("../../../README.md");
        let mut toml = String::new();
        let mut blocks = readme.split("```toml\n").skip(1);
        for block in blocks.by_ref() {
            toml.push_str(block.split("```").next().unwrap_or_default());
        }
        assert!(toml.contains("[smtp_out]") && toml.contains("[sla]"), "the README's examples were found");
        let dir = tempfile::tempdir().unwrap();
        // The example names a holidays file relative to where Dragoman runs.
        let ics = dir.path().join("holidays.ics");
        std::fs::write(&ics, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261225\nEND:VEVENT\nEND:VCALENDAR\n")
            .unwrap();
        let toml = toml.replace("\"holidays.ics\"", &format!("{:?}", ics.display().to_string()));
        let path = dir.path().join("dragoman.toml");
        std::fs::write(&path, toml).unwrap();
        if let Err(e) = Config::load(Some(&path), []) {
            panic!("the README's configuration does not load: {e}");
        }
    }

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

    #[test]
    fn smtp_out_from_file_and_environment() {
        use dragoman_channels::smtp_out::TlsMode;
        assert!(Config::default().smtp_out.is_none(), "no relay configured: email replies are refused");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dragoman.toml");
        std::fs::write(
            &path,
            "[smtp_out]\nhost = \"smtp.example\"\nfrom = \"Shop <s@shop.example>\"\nusername = \"s\"\n",
        )
        .unwrap();
        let env = [("DRAGOMAN_SMTP_PORT", "2525"), ("DRAGOMAN_SMTP_TLS", "tls"), ("DRAGOMAN_SMTP_PASSWORD", "hunter2")];
        let config = Config::load(Some(&path), env.map(|(k, v)| (k.to_owned(), v.to_owned()))).unwrap();
        let smtp = config.smtp_out.unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port, smtp.tls), ("smtp.example", Some(2525), TlsMode::Tls));
        assert_eq!(smtp.password_env, "DRAGOMAN_SMTP_PASSWORD", "the password stays in the environment");
        assert!(!format!("{smtp:?}").contains("hunter2"));

        let env = [("DRAGOMAN_SMTP_HOST".to_owned(), "relay.internal".to_owned())];
        assert_eq!(Config::load(None, env).unwrap().smtp_out.unwrap().host, "relay.internal");
        let env = [("DRAGOMAN_SMTP_TLS".to_owned(), "ssl".to_owned())];
        let err = Config::load(None, env).unwrap_err().to_string();
        assert!(err.contains("DRAGOMAN_SMTP_TLS") && err.contains("starttls"), "{err}");
    }
}
