//! Apertium, the rule-based translator of the Debian packages `apertium-*`, run as a subprocess:
//! `apertium -u -f txt MODE`, the text on stdin, the translation on stdout.
//!
//! `-f txt` runs Apertium's plain-text deformatter, which escapes the characters its stream
//! format reserves (`^ $ / @ \ [ ] { } < >`…) and restores them after, so buyer text passes
//! through intact; `-u` drops the `*`/`#` marks Apertium puts on unknown words. Markers `⟦n⟧`
//! are not words Apertium knows and come out unchanged (tested on the dev messages).
//!
//! Installed directions are discovered with `apertium -l` (modes such as `eng-spa`, `es-pt`,
//! `es-pt_BR`); ISO 639-3 names are mapped to Dragoman's two-letter tags, and a plain mode is
//! preferred over a regional variant unless configuration picks the variant.

use super::{Coverage, EngineError, LanguagePair, Translator};
use async_trait::async_trait;
use dragoman_core::LanguageTag;
use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// Stderr is quoted in errors up to this many characters.
const MAX_QUOTED: usize = 300;

pub struct ApertiumSettings {
    /// The `apertium` program (on `PATH` by default).
    pub command: String,
    /// Modes chosen by hand, by pair (`es-pt` → `es-pt_BR`).
    pub modes: BTreeMap<LanguagePair, String>,
    pub timeout: Duration,
}

#[derive(Debug)]
pub struct Apertium {
    command: String,
    modes: BTreeMap<LanguagePair, String>,
    coverage: Coverage,
    timeout: Duration,
}

impl Apertium {
    pub const NAME: &'static str = "apertium";

    /// Asks the installed Apertium which directions it has. Fails when the program cannot be
    /// run (not installed) or lists nothing.
    pub async fn discover(settings: ApertiumSettings) -> Result<Self, EngineError> {
        let output = run(&settings.command, &["-l"], "", settings.timeout).await?;
        let mut modes: BTreeMap<LanguagePair, String> = BTreeMap::new();
        for (pair, mode) in output.lines().filter_map(|line| parse_mode(line.trim())) {
            let variant = mode.contains('_');
            match modes.get(&pair) {
                Some(existing) if variant || !existing.contains('_') => {}
                _ => {
                    modes.insert(pair, mode);
                }
            }
        }
        modes.extend(settings.modes);
        if modes.is_empty() {
            return Err(EngineError::Process {
                command: format!("{} -l", settings.command),
                status: "listed no modes".into(),
                stderr: "install a language pair, e.g. apt-get install apertium-eng-spa".into(),
            });
        }
        let coverage = Coverage::Pairs(modes.keys().cloned().collect());
        Ok(Self { command: settings.command, modes, coverage, timeout: settings.timeout })
    }

    /// The installed mode for each direction.
    pub fn modes(&self) -> &BTreeMap<LanguagePair, String> {
        &self.modes
    }
}

/// `eng-spa` → (en→es, "eng-spa"); `es-pt_BR` → (es→pt, "es-pt_BR"). Anything else (debugging
/// modes with more parts) is no translation direction.
fn parse_mode(mode: &str) -> Option<(LanguagePair, String)> {
    let (from, to) = mode.split_once('-')?;
    if to.contains('-') {
        return None;
    }
    let to_language = to.split('_').next()?;
    let pair = LanguagePair::new(two_letter(from)?, two_letter(to_language)?);
    Some((pair, mode.to_owned()))
}

/// Apertium names languages by ISO 639-3 in newer pairs and 639-1 in older ones.
fn two_letter(code: &str) -> Option<LanguageTag> {
    const ISO_639_3: &[(&str, &str)] = &[
        ("eng", "en"),
        ("spa", "es"),
        ("por", "pt"),
        ("fra", "fr"),
        ("ita", "it"),
        ("cat", "ca"),
        ("deu", "de"),
        ("nld", "nl"),
        ("pol", "pl"),
        ("glg", "gl"),
        ("oci", "oc"),
        ("eus", "eu"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("ukr", "uk"),
        ("swe", "sv"),
        ("dan", "da"),
        ("nob", "nb"),
        ("nno", "nn"),
        ("isl", "is"),
        ("ara", "ar"),
        ("tur", "tr"),
        ("bul", "bg"),
        ("ces", "cs"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("hrv", "hr"),
        ("srp", "sr"),
        ("bos", "bs"),
        ("mlt", "mt"),
        ("epo", "eo"),
        ("cym", "cy"),
        ("gle", "ga"),
        ("bre", "br"),
        ("arg", "an"),
        ("hin", "hi"),
        ("urd", "ur"),
        ("ind", "id"),
        ("msa", "ms"),
        ("kaz", "kk"),
        ("bel", "be"),
        ("fin", "fi"),
    ];
    let code = code.to_ascii_lowercase();
    let code = ISO_639_3.iter().find(|(long, _)| *long == code).map_or(code.as_str(), |(_, short)| short);
    LanguageTag::parse(code).ok()
}

/// Runs `command args`, feeding `input` on stdin; stdout on success.
async fn run(command: &str, args: &[&str], input: &str, timeout: Duration) -> Result<String, EngineError> {
    let shown = || format!("{command} {}", args.join(" "));
    let mut child = Command::new(command)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A timed-out run is dropped, and dropping kills it. Apertium's pipeline stages under
        // its shell script then see their input end and finish on their own.
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| EngineError::Spawn { command: shown(), source })?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_owned();
    // Written from its own task: a long text would otherwise fill the pipe while nobody reads
    // stdout.
    let writer = tokio::spawn(async move {
        let written = stdin.write_all(input.as_bytes()).await;
        drop(stdin);
        written
    });
    let output = tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .map_err(|_| EngineError::Timeout(timeout))?
        .map_err(|source| EngineError::Spawn { command: shown(), source })?;
    let written =
        writer.await.map_err(|e| EngineError::Spawn { command: shown(), source: std::io::Error::other(e) })?;
    if !output.status.success() {
        let stderr: String = String::from_utf8_lossy(&output.stderr).trim().chars().take(MAX_QUOTED).collect();
        return Err(EngineError::Process { command: shown(), status: output.status.to_string(), stderr });
    }
    written.map_err(|source| EngineError::Spawn { command: shown(), source })?;
    String::from_utf8(output.stdout).map_err(|_| EngineError::Process {
        command: shown(),
        status: output.status.to_string(),
        stderr: "the output is not UTF-8".into(),
    })
}

#[async_trait]
impl Translator for Apertium {
    fn name(&self) -> &str {
        Self::NAME
    }

    fn model(&self, pair: &LanguagePair) -> Option<String> {
        self.modes.get(pair).cloned()
    }

    fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    async fn translate(&self, text: &str, pair: &LanguagePair) -> Result<String, EngineError> {
        let mode = self.modes.get(pair).ok_or_else(|| EngineError::Unsupported(pair.clone()))?;
        run(&self.command, &["-u", "-f", "txt", mode], text, self.timeout).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_names_become_pairs() {
        let (pair, mode) = parse_mode("eng-spa").unwrap();
        assert_eq!((pair.to_string(), mode.as_str()), ("en→es".to_owned(), "eng-spa"));
        assert_eq!(parse_mode("es-pt_BR").unwrap().0, LanguagePair::parse("es-pt").unwrap());
        assert_eq!(parse_mode("spa-eng_US").unwrap().0, LanguagePair::parse("es-en").unwrap());
        assert!(parse_mode("eng-spa-anmor").is_none());
        assert!(parse_mode("README").is_none());
    }

    #[tokio::test]
    async fn a_missing_program_is_a_clear_error() {
        let settings = ApertiumSettings {
            command: "/nonexistent/apertium".into(),
            modes: BTreeMap::new(),
            timeout: Duration::from_secs(5),
        };
        let err = Apertium::discover(settings).await.unwrap_err().to_string();
        assert!(err.contains("cannot run /nonexistent/apertium -l"), "{err}");
    }
}
