//! The `dragoman` command: runs the server and administers a store.
//!
//! Subcommands: `serve` (HTTP API and workers, optionally seeding the demo store), `analyze`
//! and `eval` (message understanding and its score on labelled data), `translate` (text or
//! JSONL through the configured engines, protected spans kept),
//! `import` (raw emails through the real ingest path), `user add`, `token create`.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use dragoman_core::{LanguageTag, Role, Timestamp};
use dragoman_nlu::Analyzer;
use dragoman_nlu::evaluation::{Labelled, Report};
use dragoman_server::{Config, auth, demo};
use dragoman_store::{NewAgent, Store};
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "dragoman", version, about = "Multilingual helpdesk for cross-border e-commerce sellers")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct DbArgs {
    /// TOML configuration file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Database URL: `sqlite://dragoman.db` (default) or `postgres://user@host/db`.
    #[arg(long)]
    db: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server and background workers.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Seed a fictitious store (agents, orders, multilingual conversations) if the database is empty.
        #[arg(long)]
        demo: bool,
        /// Also run the inbound SMTP receiver on this address, e.g. 0.0.0.0:25 (`[smtp_in]` in the config).
        #[arg(long)]
        smtp_listen: Option<std::net::SocketAddr>,
    },
    /// Import raw RFC 5322 emails (.eml files) through the ingest path.
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// Files to import.
        #[arg(long = "eml", required = true, num_args = 1..)]
        eml: Vec<PathBuf>,
    },
    /// Translate text; order and tracking numbers, links, emails, amounts, SKUs and codes come
    /// out byte for byte. Engines come from `[translation]` in the configuration.
    Translate {
        /// The language to translate into (with --jsonl: for lines without "to").
        #[arg(long)]
        to: Option<String>,
        /// The language of the text; detected when absent.
        #[arg(long)]
        from: Option<String>,
        /// Read `{"id", "text", "to"}` lines on standard input and write
        /// `{"id", "from", "to", "translation", "engine"}` lines.
        #[arg(long)]
        jsonl: bool,
        /// The text to translate (without --jsonl).
        text: Option<String>,
        /// TOML configuration file (its `[translation]` table).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Use this database's glossary and translation cache.
        #[arg(long)]
        db: Option<String>,
    },
    /// Understand buyer messages: language, intent, escalation, entities (one JSON object each).
    Analyze {
        /// Read `{"id", "text"}` lines on standard input and write one result line each.
        #[arg(long)]
        jsonl: bool,
        /// The text to analyse (without --jsonl).
        text: Option<String>,
        /// Directory with the models (`scripts/fetch-models`); default $DRAGOMAN_MODELS or ./models.
        #[arg(long)]
        models: Option<PathBuf>,
    },
    /// Score the analyzer on a labelled JSONL file (the format of shared/data/messages.dev.jsonl).
    Eval {
        file: PathBuf,
        #[arg(long)]
        models: Option<PathBuf>,
        /// Also list every message whose language or intent was wrong.
        #[arg(long)]
        misses: bool,
    },
    /// Manage agent logins.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a login. The password is read from the first line of standard input.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, agent or partner.
        #[arg(long, default_value = "agent")]
        role: String,
        /// Languages the agent works in, best first, comma-separated.
        #[arg(long, default_value = "en", value_delimiter = ',')]
        languages: Vec<String>,
        /// IANA time zone.
        #[arg(long, default_value = "UTC")]
        time_zone: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token and print it (it is shown only once).
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        name: String,
        /// admin, agent or partner.
        #[arg(long)]
        role: String,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DRAGOMAN_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run(cli))
}

fn load_config(db: &DbArgs) -> Result<Config> {
    let mut config = Config::load(db.config.as_deref(), std::env::vars())?;
    if let Some(url) = &db.db {
        config.db = url.clone();
    }
    Ok(config)
}

async fn open_store(config: &Config) -> Result<Arc<dyn Store>> {
    dragoman_store::open(&config.db).await.with_context(|| format!("cannot open the database {}", redact(&config.db)))
}

/// A database URL fit for logs: any password replaced.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn now() -> Timestamp {
    Timestamp::from_datetime(chrono::Utc::now())
}

fn parse_role(role: &str) -> Result<Role> {
    role.parse::<Role>().map_err(|e| anyhow::anyhow!("{e}"))
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve { db, listen, demo, smtp_listen } => {
            let mut config = load_config(&db)?;
            if let Some(listen) = listen {
                config.listen = listen;
            }
            if smtp_listen.is_some() {
                config.smtp_in.listen = smtp_listen;
            }
            serve(config, demo).await
        }
        Command::Import { db, eml } => {
            let config = load_config(&db)?;
            let store = open_store(&config).await?;
            let limits = config.settings.ingest_limits();
            for path in eml {
                let raw = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
                let parsed = dragoman_channels::email::parse_email(&raw)
                    .with_context(|| format!("{} is not an email", path.display()))?;
                let warnings = parsed.warnings.clone();
                let outcome = store.ingest(&parsed.into_inbound(raw), &limits, now()).await?;
                let what = if outcome.duplicate { "already stored as" } else { "stored as" };
                println!(
                    "{}: {what} message {} in conversation {}",
                    path.display(),
                    outcome.message_id,
                    outcome.conversation_id
                );
                for w in warnings {
                    println!("  warning: {w}");
                }
            }
            Ok(())
        }
        Command::Analyze { jsonl, text, models } => analyze(jsonl, text, models),
        Command::Translate { to, from, jsonl, text, config, db } => {
            translate(TranslateArgs { to, from, jsonl, text, config, db }).await
        }
        Command::Eval { file, models, misses } => eval(&file, models, misses),
        Command::User { command: UserCommand::Add { db, email, name, role, languages, time_zone } } => {
            let store = open_store(&load_config(&db)?).await?;
            let role = parse_role(&role)?;
            let languages = languages.iter().map(|l| LanguageTag::parse(l)).collect::<Result<Vec<_>, _>>()?;
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password).context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.chars().count() < 10 {
                bail!("the password (first line of standard input) must have at least 10 characters");
            }
            let password_hash =
                auth::hash_password(password).map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
            let agent = store
                .create_agent(
                    &NewAgent {
                        name,
                        email,
                        role,
                        languages,
                        time_zone,
                        team_id: None,
                        password_hash: Some(password_hash),
                    },
                    now(),
                )
                .await?;
            println!("created {} {} <{}> (id {})", agent.role, agent.name, agent.email, agent.id);
            Ok(())
        }
        Command::Token { command: TokenCommand::Create { db, name, role } } => {
            let store = open_store(&load_config(&db)?).await?;
            let role = parse_role(&role)?;
            let (token, digest) = auth::new_api_token();
            store.create_api_token(&name, role, &digest, now()).await?;
            println!("{token}");
            Ok(())
        }
    }
}

fn load_analyzer(models: Option<PathBuf>) -> Result<Analyzer> {
    let dir = models.unwrap_or_else(dragoman_nlu::encoder::models_dir);
    Analyzer::load(&dir).with_context(|| format!("cannot load the models from {}", dir.display()))
}

fn analyze(jsonl: bool, text: Option<String>, models: Option<PathBuf>) -> Result<()> {
    let analyzer = load_analyzer(models)?;
    if !jsonl {
        let text = text.context("give the text to analyse, or --jsonl to read lines on standard input")?;
        println!("{}", analyzer.analyze(&text).contract_json(None));
        return Ok(());
    }
    // Batches: the encoder is several times faster per message on a batch than one by one.
    let stdin = std::io::stdin().lock();
    let mut batch: Vec<(serde_json::Value, String)> = Vec::new();
    let flush = |batch: &mut Vec<(serde_json::Value, String)>| {
        let texts: Vec<&str> = batch.iter().map(|(_, t)| t.as_str()).collect();
        for ((id, _), analysis) in batch.iter().zip(analyzer.analyze_many(&texts)) {
            println!("{}", analysis.contract_json(Some(id)));
        }
        batch.clear();
    };
    for (n, line) in stdin.lines().enumerate() {
        let line = line.context("cannot read standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(&line).with_context(|| format!("line {}: not valid JSON", n + 1))?;
        let text = value["text"].as_str().with_context(|| format!("line {}: no \"text\" string", n + 1))?;
        batch.push((value.get("id").cloned().unwrap_or(serde_json::Value::Null), text.to_owned()));
        if batch.len() == 64 {
            flush(&mut batch);
        }
    }
    flush(&mut batch);
    Ok(())
}

fn eval(file: &std::path::Path, models: Option<PathBuf>, misses: bool) -> Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let labelled = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str::<Labelled>(l)
                .with_context(|| format!("{}:{}: not a labelled message", file.display(), n + 1))
        })
        .collect::<Result<Vec<_>>>()?;
    let loading = std::time::Instant::now();
    let analyzer = load_analyzer(models)?;
    let loaded = loading.elapsed();
    let texts: Vec<&str> = labelled.iter().map(|l| l.text.as_str()).collect();
    let cold = std::time::Instant::now();
    let analyses = analyzer.analyze_many(&texts);
    let cold = cold.elapsed();
    let report = Report::score(&labelled, &analyses);
    print!("{}", report.render());
    let speed = steady_speed(&analyzer, &texts);
    println!(
        "
speed (one thread, warm, {} passes): {:.0} messages per CPU-second, {:.0} per wall-clock second; \
         first (cold) pass {:.0} messages/s; models loaded and trained in {:.2} s",
        speed.passes,
        speed.per_cpu_second,
        speed.per_wall_second,
        labelled.len() as f64 / cold.as_secs_f64(),
        loaded.as_secs_f64()
    );
    if misses {
        println!(
            "
misses:"
        );
        for (id, what, expected, got) in &report.misses {
            println!("  {id} {what}: expected {expected}, got {got}");
        }
    }
    Ok(())
}

struct Speed {
    passes: u32,
    per_cpu_second: f64,
    per_wall_second: f64,
}

/// Throughput once the models' pages are in memory: whole passes over `texts` for at least
/// three seconds. CPU time of this thread is the measure "on one core" means; wall-clock time
/// is printed beside it and is lower when other processes share the core.
fn steady_speed(analyzer: &Analyzer, texts: &[&str]) -> Speed {
    const MIN_WALL: std::time::Duration = std::time::Duration::from_secs(3);
    let (wall, cpu) = (std::time::Instant::now(), thread_cpu_seconds());
    let mut passes = 0;
    while passes == 0 || wall.elapsed() < MIN_WALL {
        for batch in texts.chunks(64) {
            std::hint::black_box(analyzer.analyze_many(batch));
        }
        passes += 1;
    }
    let messages = f64::from(passes) * texts.len() as f64;
    Speed {
        passes,
        per_cpu_second: messages / (thread_cpu_seconds() - cpu),
        per_wall_second: messages / wall.elapsed().as_secs_f64(),
    }
}

fn thread_cpu_seconds() -> f64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec to write into; the clock id is a constant Linux knows.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(rc, 0, "CLOCK_THREAD_CPUTIME_ID is available on Linux");
    now.tv_sec as f64 + now.tv_nsec as f64 / 1e9
}

/// The engines `[translation]` configures; what each does (or why it is off) is logged at `level`.
async fn translator(
    config: &dragoman_lang::translate::TranslationConfig,
    level: tracing::Level,
) -> Result<dragoman_server::api::translation::Translator> {
    let (service, notes) =
        config.build(&|name: &str| std::env::var(name).ok()).await.context("the [translation] configuration")?;
    for note in notes {
        if level == tracing::Level::INFO {
            tracing::info!("{note}");
        } else {
            tracing::debug!("{note}");
        }
    }
    Ok(dragoman_server::api::translation::Translator::new(service, config))
}

struct TranslateArgs {
    to: Option<String>,
    from: Option<String>,
    jsonl: bool,
    text: Option<String>,
    config: Option<PathBuf>,
    db: Option<String>,
}

async fn translate(args: TranslateArgs) -> Result<()> {
    let config = Config::load(args.config.as_deref(), std::env::vars())?;
    let translator = translator(&config.translation, tracing::Level::DEBUG).await?;
    let store = match &args.db {
        Some(url) => {
            Some(dragoman_store::open(url).await.with_context(|| format!("cannot open the database {}", redact(url)))?)
        }
        None => None,
    };
    let language = |code: &str| LanguageTag::parse(code).map_err(|e| anyhow::anyhow!("{e}"));
    let default_to = args.to.as_deref().map(language).transpose()?;
    let default_from = args.from.as_deref().map(language).transpose()?;
    let one = |text: String, from: Option<LanguageTag>, to: LanguageTag| {
        let (service, store) = (&translator.service, store.as_deref());
        async move {
            let from = match from {
                Some(from) => from,
                None => {
                    let detected = dragoman_lang::detect(&text).language;
                    if detected.is_undetermined() {
                        bail!("cannot tell the language of the text; give --from (or \"from\")");
                    }
                    detected
                }
            };
            let protected = dragoman_nlu::protected_spans(&text);
            let pair = dragoman_lang::translate::LanguagePair::new(from, to);
            Ok(dragoman_server::api::translation::translate_with(service, store, &text, pair, &protected).await?)
        }
    };
    if !args.jsonl {
        let text = args.text.context("give the text to translate, or --jsonl to read lines on standard input")?;
        let to = default_to.context("give the language to translate into with --to")?;
        let done = one(text, default_from, to).await?;
        for warning in &done.warnings {
            eprintln!("warning: {warning}");
        }
        println!("{}", done.text);
        return Ok(());
    }
    let mut failed = 0usize;
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("cannot read standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(&line).with_context(|| format!("line {}: not valid JSON", n + 1))?;
        let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let text = value["text"].as_str().with_context(|| format!("line {}: no \"text\" string", n + 1))?;
        let to = match value["to"].as_str() {
            Some(to) => language(to).with_context(|| format!("line {}: \"to\"", n + 1))?,
            None => default_to.clone().with_context(|| format!("line {}: no \"to\" and no --to", n + 1))?,
        };
        let from = match value["from"].as_str() {
            Some(from) => Some(language(from).with_context(|| format!("line {}: \"from\"", n + 1))?),
            None => default_from.clone(),
        };
        match one(text.to_owned(), from.clone(), to.clone()).await {
            Ok(done) => {
                for warning in &done.warnings {
                    eprintln!("{id}: warning: {warning}");
                }
                let out = serde_json::json!({"id": id, "from": done.from, "to": done.to, "translation": done.text,
                    "engine": done.engine()});
                println!("{out}");
            }
            Err(e) => {
                failed += 1;
                let out = serde_json::json!({"id": id, "from": from, "to": to, "translation": null, "engine": null,
                    "error": format!("{e:#}")});
                println!("{out}");
            }
        }
    }
    if failed > 0 {
        bail!("{failed} line(s) could not be translated (see their \"error\")");
    }
    Ok(())
}

async fn serve(mut config: Config, with_demo: bool) -> Result<()> {
    let store = open_store(&config).await?;
    if with_demo {
        if config.settings.store_name == dragoman_server::Settings::default().store_name {
            config.settings.store_name = demo::STORE_NAME.to_owned();
        }
        let hash = |p: &str| auth::hash_password(p).expect("argon2 hashing of a fixed password works");
        let summary = demo::seed(store.as_ref(), hash, now()).await.context("cannot seed the demo store")?;
        if summary.seeded {
            eprintln!("demo store seeded with {} conversations", summary.conversations);
        } else {
            eprintln!("database already has agents; demo data not added again");
        }
        eprintln!("demo login: {} / {}", summary.admin_email, summary.password);
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    eprintln!("Dragoman is listening on http://{addr}/ (database: {})", redact(&config.db));
    let models_dir = config.models_dir.clone();
    // Embedding the shipped intent examples and training takes a few seconds: off the runtime.
    let analyzer = tokio::task::spawn_blocking(move || match Analyzer::load(&models_dir) {
        Ok(analyzer) => analyzer,
        Err(e) => {
            tracing::warn!(error = %e, "intent classification is off until the models are installed (scripts/fetch-models)");
            Analyzer::without_models()
        }
    })
    .await?;
    let state = dragoman_server::app_state(store, config.settings, Arc::new(analyzer))
        .with_chat_settings(config.chat)
        .with_email(dragoman_server::state::EmailSettings {
            smtp_in: config.smtp_in.clone(),
            imap: config.imap.clone(),
            smtp_out: config.smtp_out.clone(),
        })
        .with_sla(config.sla)
        .with_marketplaces(config.shopify.as_ref(), config.ebay.as_ref(), |name| std::env::var(name).ok())
        .map_err(anyhow::Error::msg)?;
    let state = state.with_translator(translator(&config.translation, tracing::Level::INFO).await?);
    if let Some(smtp) = &config.smtp_out {
        dragoman_server::outbox::register_smtp(&state, smtp).context("cannot set up email replies")?;
    }
    let mail_in = dragoman_server::mail_in::MailIn::start(&state, &config.smtp_in, &config.imap)
        .await
        .context("cannot start receiving email")?;
    if let Some(addr) = mail_in.smtp_addr() {
        eprintln!("SMTP receiver listening on {addr}");
    }
    dragoman_server::serve(listener, state, shutdown_signal()).await?;
    drop(mail_in);
    eprintln!("Dragoman stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact("postgres://u:secret@db/x"), "postgres://u:***@db/x");
        assert_eq!(redact("postgres://u@db/x"), "postgres://u@db/x");
        assert_eq!(redact("sqlite://dragoman.db"), "sqlite://dragoman.db");
    }
}
