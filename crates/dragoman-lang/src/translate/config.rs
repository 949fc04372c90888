//! The `[translation]` configuration and the [`TranslationService`] it builds.
//!
//! ```toml
//! [translation]
//! engines = ["deepl", "openai", "apertium"]   # enabled, in order of preference (default: apertium)
//! timeout_secs = 30                           # per engine call, unless the engine says otherwise
//! retry_pending_secs = 300                    # how often untranslated messages are tried again
//!
//! [translation.pairs]                         # per pair: which engines, in which order
//! "de-en" = ["deepl"]
//! "*-ja" = ["openai"]
//!
//! [translation.apertium]
//! command = "apertium"
//! modes = { "es-pt" = "es-pt_BR" }
//!
//! [translation.openai]                        # any OpenAI-compatible /v1/chat/completions
//! base_url = "http://127.0.0.1:11434/v1"
//! model = "qwen2.5:7b-instruct"
//! api_key_env = "OPENAI_API_KEY"              # the variable holding the key, never the key
//! languages = []                              # empty: any pair
//!
//! [translation.deepl]
//! base_url = "https://api-free.deepl.com"
//! api_key_env = "DEEPL_AUTH_KEY"
//! formality = "prefer_less"
//! targets = { en = "EN-GB" }
//! ```
//!
//! Keys are read from the environment variables the file names, so the file holds no secret.
//! The defaults work offline: Apertium, where it is installed.

use super::apertium::{Apertium, ApertiumSettings};
use super::chat::{ChatEngine, ChatSettings};
use super::deepl::{self, DeeplEngine, DeeplSettings};
use super::route::PairRule;
use super::{LanguagePair, TranslationService, Translator};
use dragoman_core::LanguageTag;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TranslationConfig {
    /// Enabled engines in order of preference: `apertium`, `openai`, `deepl`.
    pub engines: Vec<String>,
    /// Per pair (`de-en`, `de-*`, `*-en`): the engines to use, in order.
    pub pairs: BTreeMap<String, Vec<String>>,
    /// Seconds an engine call may take, for engines without their own setting.
    pub timeout_secs: u64,
    /// Seconds between two attempts at the messages no engine could translate yet.
    pub retry_pending_secs: u64,
    pub apertium: ApertiumConfig,
    pub openai: Option<ChatConfig>,
    pub deepl: Option<DeeplConfig>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApertiumConfig {
    pub command: String,
    /// Mode by pair, to pick a variant (`"es-pt" = "es-pt_BR"`).
    pub modes: BTreeMap<String, String>,
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatConfig {
    pub base_url: String,
    pub model: String,
    /// The environment variable that holds the API key (none for a local server).
    #[serde(default)]
    pub api_key_env: Option<String>,
    /// Languages the model translates well; empty: any.
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub timeout_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeeplConfig {
    #[serde(default = "deepl_free")]
    pub base_url: String,
    #[serde(default = "deepl_key_env")]
    pub api_key_env: String,
    #[serde(default)]
    pub formality: Option<String>,
    /// Target variants by language (`en = "EN-GB"`).
    #[serde(default)]
    pub targets: BTreeMap<String, String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub timeout_secs: Option<u64>,
}

fn deepl_free() -> String {
    "https://api-free.deepl.com".into()
}

fn deepl_key_env() -> String {
    "DEEPL_AUTH_KEY".into()
}

impl Default for TranslationConfig {
    fn default() -> Self {
        Self {
            engines: vec![Apertium::NAME.to_owned()],
            pairs: BTreeMap::new(),
            timeout_secs: 30,
            retry_pending_secs: 300,
            apertium: ApertiumConfig::default(),
            openai: None,
            deepl: None,
        }
    }
}

impl Default for ApertiumConfig {
    fn default() -> Self {
        Self { command: "apertium".into(), modes: BTreeMap::new(), timeout_secs: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("[translation] engines: unknown engine {0:?} (known: apertium, openai, deepl)")]
    UnknownEngine(String),
    #[error("[translation] engines lists {0} but there is no [translation.{0}] section")]
    MissingSection(&'static str),
    #[error("[translation.{engine}] {field}: {reason}")]
    Invalid { engine: &'static str, field: &'static str, reason: String },
    #[error("[translation.{engine}] api_key_env: the environment variable {variable} is not set")]
    MissingKey { engine: &'static str, variable: String },
    #[error("[translation] pairs: {0:?} is not a pair such as \"de-en\", \"de-*\" or \"*-en\"")]
    Pair(String),
}

fn languages(engine: &'static str, list: &[String]) -> Result<Vec<LanguageTag>, ConfigError> {
    list.iter()
        .map(|l| {
            LanguageTag::parse(l).map_err(|e| ConfigError::Invalid {
                engine,
                field: "languages",
                reason: e.to_string(),
            })
        })
        .collect()
}

impl TranslationConfig {
    fn timeout(&self, own: Option<u64>) -> Duration {
        Duration::from_secs(own.unwrap_or(self.timeout_secs).max(1))
    }

    /// Builds the enabled engines. `env` looks up the variables that hold API keys. An engine
    /// that cannot start (Apertium not installed) is left out with a note saying why; a
    /// configuration mistake is an error.
    pub async fn build(
        &self,
        env: &(dyn Fn(&str) -> Option<String> + Sync),
    ) -> Result<(TranslationService, Vec<String>), ConfigError> {
        let mut engines: Vec<Arc<dyn Translator>> = Vec::new();
        let mut notes = Vec::new();
        for name in &self.engines {
            match name.as_str() {
                Apertium::NAME => match self.apertium(&mut notes).await? {
                    Some(apertium) => engines.push(Arc::new(apertium)),
                    None => continue,
                },
                ChatEngine::NAME => engines.push(Arc::new(self.chat(env)?)),
                DeeplEngine::NAME => engines.push(Arc::new(self.deepl(env)?)),
                other => return Err(ConfigError::UnknownEngine(other.to_owned())),
            }
        }
        let mut rules = Vec::new();
        for (key, names) in &self.pairs {
            if let Some(unknown) =
                names.iter().find(|n| ![Apertium::NAME, ChatEngine::NAME, DeeplEngine::NAME].contains(&n.as_str()))
            {
                return Err(ConfigError::UnknownEngine(unknown.clone()));
            }
            rules.push(PairRule::parse(key, names.clone()).ok_or_else(|| ConfigError::Pair(key.clone()))?);
        }
        Ok((TranslationService::new(engines, rules), notes))
    }

    async fn apertium(&self, notes: &mut Vec<String>) -> Result<Option<Apertium>, ConfigError> {
        let mut modes = BTreeMap::new();
        for (pair, mode) in &self.apertium.modes {
            let pair = LanguagePair::parse(pair).ok_or_else(|| ConfigError::Invalid {
                engine: "apertium",
                field: "modes",
                reason: format!("{pair:?} is not a pair such as \"es-pt\""),
            })?;
            modes.insert(pair, mode.clone());
        }
        let settings = ApertiumSettings {
            command: self.apertium.command.clone(),
            modes,
            timeout: self.timeout(self.apertium.timeout_secs),
        };
        match Apertium::discover(settings).await {
            Ok(apertium) => {
                let modes: Vec<&str> = apertium.modes().values().map(String::as_str).collect();
                notes.push(format!("apertium translates with the modes {}", modes.join(", ")));
                Ok(Some(apertium))
            }
            Err(e) => {
                notes.push(format!("apertium is off: {e}"));
                Ok(None)
            }
        }
    }

    fn chat(&self, env: &(dyn Fn(&str) -> Option<String> + Sync)) -> Result<ChatEngine, ConfigError> {
        let config = self.openai.as_ref().ok_or(ConfigError::MissingSection(ChatEngine::NAME))?;
        if !config.base_url.starts_with("http://") && !config.base_url.starts_with("https://") {
            return Err(ConfigError::Invalid {
                engine: ChatEngine::NAME,
                field: "base_url",
                reason: format!("{:?} is not an http(s) URL", config.base_url),
            });
        }
        let api_key = match &config.api_key_env {
            Some(variable) => Some(
                env(variable)
                    .ok_or_else(|| ConfigError::MissingKey { engine: ChatEngine::NAME, variable: variable.clone() })?,
            ),
            None => None,
        };
        Ok(ChatEngine::new(ChatSettings {
            base_url: config.base_url.clone(),
            model: config.model.clone(),
            api_key,
            languages: languages(ChatEngine::NAME, &config.languages)?,
            timeout: self.timeout(config.timeout_secs),
        }))
    }

    fn deepl(&self, env: &(dyn Fn(&str) -> Option<String> + Sync)) -> Result<DeeplEngine, ConfigError> {
        let config = self.deepl.as_ref().ok_or(ConfigError::MissingSection(DeeplEngine::NAME))?;
        let api_key = env(&config.api_key_env).ok_or_else(|| ConfigError::MissingKey {
            engine: DeeplEngine::NAME,
            variable: config.api_key_env.clone(),
        })?;
        if let Some(formality) = &config.formality
            && !deepl::FORMALITIES.contains(&formality.as_str())
        {
            return Err(ConfigError::Invalid {
                engine: DeeplEngine::NAME,
                field: "formality",
                reason: format!("{formality:?} is not one of {}", deepl::FORMALITIES.join(", ")),
            });
        }
        let mut targets = BTreeMap::new();
        for (language, code) in &config.targets {
            let language = LanguageTag::parse(language).map_err(|e| ConfigError::Invalid {
                engine: DeeplEngine::NAME,
                field: "targets",
                reason: e.to_string(),
            })?;
            targets.insert(language, code.clone());
        }
        Ok(DeeplEngine::new(DeeplSettings {
            base_url: config.base_url.clone(),
            api_key,
            formality: config.formality.clone(),
            targets,
            languages: languages(DeeplEngine::NAME, &config.languages)?,
            timeout: self.timeout(config.timeout_secs),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[tokio::test]
    async fn mistakes_are_named() {
        let config = TranslationConfig { engines: vec!["google".into()], ..Default::default() };
        assert!(config.build(&no_env).await.unwrap_err().to_string().contains("\"google\""));

        let config = TranslationConfig { engines: vec!["deepl".into()], ..Default::default() };
        assert!(config.build(&no_env).await.unwrap_err().to_string().contains("[translation.deepl]"));

        let deepl = DeeplConfig {
            base_url: deepl_free(),
            api_key_env: "MY_DEEPL".into(),
            formality: None,
            targets: BTreeMap::new(),
            languages: Vec::new(),
            timeout_secs: None,
        };
        let config = TranslationConfig { engines: vec!["deepl".into()], deepl: Some(deepl), ..Default::default() };
        let err = config.build(&no_env).await.unwrap_err().to_string();
        assert!(err.contains("MY_DEEPL is not set"), "{err}");

        let config = TranslationConfig {
            engines: Vec::new(),
            pairs: [("german-en".to_owned(), vec!["apertium".to_owned()])].into(),
            ..Default::default()
        };
        assert!(config.build(&no_env).await.unwrap_err().to_string().contains("german-en"));
    }

    #[tokio::test]
    async fn keys_come_from_the_named_variable() {
        let config: TranslationConfig = toml_like(
            r#"{"engines": ["openai"], "openai": {"base_url": "http://127.0.0.1:9/v1", "model": "m", "api_key_env": "K"}}"#,
        );
        let env = |name: &str| (name == "K").then(|| "secret".to_owned());
        let (service, _) = config.build(&env).await.unwrap();
        assert_eq!(service.engines().map(|(n, _)| n).collect::<Vec<_>>(), ["openai"]);
    }

    #[tokio::test]
    async fn a_missing_apertium_is_a_note_not_an_error() {
        let config = TranslationConfig {
            apertium: ApertiumConfig { command: "/nonexistent/apertium".into(), ..Default::default() },
            ..Default::default()
        };
        let (service, notes) = config.build(&no_env).await.unwrap();
        assert_eq!(service.engines().count(), 0);
        assert!(notes[0].starts_with("apertium is off"), "{notes:?}");
    }

    fn toml_like(json: &str) -> TranslationConfig {
        serde_json::from_str(json).unwrap()
    }
}
