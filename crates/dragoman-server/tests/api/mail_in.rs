//! Email in against real servers and clients: Dragoman's SMTP receiver driven by lettre (a
//! real SMTP client, over plain SMTP and STARTTLS), and the IMAP poller reading a throw-away
//! dovecot that holds the shared emails (`shared/data/emails`). Nothing is mocked: every email
//! goes through the real ingest into a real database.
//!
//! dovecot tests need Debian's `dovecot-imapd` and root (scripts/test-prereqs); the store-down
//! test needs PostgreSQL. Each is skipped with a message when missing, and fails when `CI` is set.

use crate::helpers::{analyzer, now};
use dragoman_channels::imap::dovecot::{self, Dovecot};
use dragoman_channels::imap::{ImapError, ImapMailbox, ImapMailboxConfig};
use dragoman_channels::mail_sink::{DeliveryError, MailSink, ReceivedMail};
use dragoman_channels::smtp_in::SmtpInConfig;
use dragoman_core::{Channel, Message};
use dragoman_server::mail_in::{IngestSink, MailIn};
use dragoman_server::state::AppState;
use dragoman_server::{Config, Settings};
use dragoman_store::{ConversationQuery, IngestOutcome, MailboxCursor, MailboxStore, PageRequest, Store};
use lettre::address::Envelope;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sqlx::Connection;
use std::sync::Arc;
use std::time::Duration;

// --- harness -------------------------------------------------------------------------------

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Skips (locally) or fails (in CI) a test whose real component is missing.
fn missing(what: &str) {
    assert!(!in_ci(), "{what}, and CI is set, so this is a failure");
    eprintln!("SKIPPED: {what}");
}

/// A store in a temporary SQLite file and the state the mail adapters run on.
struct Mailroom {
    state: AppState,
    store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
}

impl Mailroom {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = dragoman_store::open(&format!("sqlite://{}", dir.path().join("mail.db").display())).await.unwrap();
        Self::over(store, Some(dir))
    }

    fn over(store: Arc<dyn Store>, dir: Option<tempfile::TempDir>) -> Self {
        let state = dragoman_server::app_state(store.clone(), Settings::default(), analyzer());
        Self { state, store, _dir: dir }
    }

    fn sink(&self) -> IngestSink {
        IngestSink::new(self.state.clone())
    }

    async fn smtp(&self, config: SmtpInConfig) -> (MailIn, u16) {
        let config = SmtpInConfig { listen: Some("127.0.0.1:0".parse().unwrap()), ..config };
        let mail_in = MailIn::start(&self.state, &config, &[]).await.unwrap();
        let port = mail_in.smtp_addr().unwrap().port();
        (mail_in, port)
    }

    /// Every stored message, oldest conversation last.
    async fn messages(&self) -> Vec<Message> {
        let query = ConversationQuery { page: PageRequest { cursor: None, limit: 200 }, ..Default::default() };
        let mut out = Vec::new();
        for conversation in self.store.list_conversations(&query).await.unwrap().items {
            out.extend(self.store.list_messages(conversation.id).await.unwrap());
        }
        out
    }

    /// Waits (bounded) until `count` messages are stored.
    async fn wait_for_messages(&self, count: usize) -> Vec<Message> {
        for _ in 0..600 {
            let messages = self.messages().await;
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("never saw {count} stored messages (have {})", self.messages().await.len());
    }
}

/// The shared emails with their expected channel.
fn shared_emails() -> Vec<(String, Vec<u8>, Channel)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/emails");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} must exist (shared/data next to the project): {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 12, "the twelve shared emails");
    paths
        .into_iter()
        .map(|path| {
            let expected: serde_json::Value =
                serde_json::from_slice(&std::fs::read(path.with_extension("json")).unwrap()).unwrap();
            let channel = expected["channel"].as_str().unwrap().parse().unwrap();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap(), channel)
        })
        .collect()
}

fn message_id(raw: &[u8]) -> String {
    dragoman_channels::email::parse_email(raw).unwrap().message_id.unwrap()
}

async fn start_dovecot() -> Option<Dovecot> {
    if !dovecot::installed() {
        missing("dovecot is not installed (apt-get install dovecot-imapd)");
        return None;
    }
    match Dovecot::start().await {
        Ok(server) => Some(server),
        Err(e) => {
            missing(&format!("dovecot did not start: {e}"));
            None
        }
    }
}

/// Puts messages into a dovecot folder; a failure shows the server's log.
async fn fill(server: &Dovecot, folder: &str, messages: &[Vec<u8>]) {
    if let Err(e) = server.append(folder, messages).await {
        panic!("APPEND to {folder} failed: {e}\n{}", server.log());
    }
}

fn envelope(to: &str) -> Envelope {
    Envelope::new(Some("buyer@example.com".parse().unwrap()), vec![to.parse().unwrap()]).unwrap()
}

fn plain_client(port: u16) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(port).build()
}

/// Sends SMTP command lines one by one and returns the greeting and each reply (all lines).
async fn converse(port: u16, commands: &[&str]) -> Vec<String> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut replies = Vec::new();
    for command in std::iter::once(None).chain(commands.iter().map(Some)) {
        if let Some(command) = command {
            write.write_all(format!("{command}\r\n").as_bytes()).await.unwrap();
        }
        let mut reply = String::new();
        loop {
            let mut line = String::new();
            assert!(read.read_line(&mut line).await.unwrap() > 0, "the receiver hung up after {reply:?}");
            reply.push_str(&line.replace("\r\n", "\n"));
            // The last line of a reply has a space after the code, the others a hyphen.
            if line.as_bytes().get(3) == Some(&b' ') {
                break;
            }
        }
        replies.push(reply.trim_end().to_owned());
    }
    replies
}

fn status(error: &lettre::transport::smtp::Error) -> String {
    error.status().map(|code| code.to_string()).unwrap_or_else(|| format!("no status: {error}"))
}

// --- SMTP ----------------------------------------------------------------------------------

#[tokio::test]
async fn smtp_stores_every_shared_email_once_and_answers_after_the_commit() {
    let room = Mailroom::sqlite().await;
    let config = SmtpInConfig { domains: vec!["lumenhaus-store.com".into()], ..SmtpInConfig::default() };
    let (_mail_in, port) = room.smtp(config).await;
    let client = plain_client(port);
    let emails = shared_emails();
    for (name, raw, _) in &emails {
        let response = client.send_raw(&envelope("support@lumenhaus-store.com"), raw).await.unwrap();
        let text: String = response.message().collect();
        assert_eq!(response.code().to_string(), "250", "{name}: {text}");
        assert!(text.contains("Stored as message"), "{name}: {text}");
    }
    // 250 came after the commit: everything is there now, without waiting.
    let messages = room.messages().await;
    assert_eq!(messages.len(), emails.len());
    for (name, raw, channel) in &emails {
        let id = message_id(raw);
        let message =
            messages.iter().find(|m| m.external_id.as_deref() == Some(id.as_str())).unwrap_or_else(|| panic!("{name}"));
        let conversation = room.store.get_conversation(message.conversation_id).await.unwrap();
        assert_eq!(conversation.channel, *channel, "{name}");
        // The raw bytes are kept as received, under the receiver's trace lines.
        let stored = room.store.raw_message(message.raw_id.unwrap()).await.unwrap().bytes;
        assert!(stored.starts_with(b"Return-Path: <buyer@example.com>\r\nReceived: from "), "{name}");
        // (lettre ends DATA with CRLF.CRLF even after a final CRLF, so one more CRLF follows.)
        assert!(stored.windows(raw.len()).any(|w| w == raw.as_slice()), "{name}: the message itself is unchanged");
    }

    // A retry of a delivered message (its 250 lost on the way) is acknowledged, not stored twice.
    let (_, first, _) = &emails[0];
    let response = client.send_raw(&envelope("support@lumenhaus-store.com"), first).await.unwrap();
    assert!(response.message().collect::<String>().contains("Already stored"));
    assert_eq!(room.messages().await.len(), emails.len());

    // Only the configured domains are taken.
    let err = client.send_raw(&envelope("someone@elsewhere.example"), first).await.unwrap_err();
    assert!(err.is_permanent());
    assert_eq!(status(&err), "550");
}

#[tokio::test]
async fn smtp_refuses_a_message_over_the_size_limit() {
    let room = Mailroom::sqlite().await;
    let limit = 64 * 1024;
    let (_mail_in, port) = room.smtp(SmtpInConfig { max_message_bytes: limit, ..SmtpInConfig::default() }).await;
    let mut raw = b"From: buyer@example.com\r\nSubject: big\r\nMessage-ID: <big@example.com>\r\n\r\n".to_vec();
    while raw.len() <= limit {
        raw.extend_from_slice(b"Ein sehr langer Text ueber eine kaputte Lampe, Zeile fuer Zeile.\r\n");
    }
    let err = plain_client(port).send_raw(&envelope("support@lumenhaus-store.com"), &raw).await.unwrap_err();
    assert!(err.is_permanent(), "{err}");
    assert_eq!(status(&err), "552");
    assert!(room.messages().await.is_empty());

    // A client that declares the size up front is refused before it sends anything.
    let replies = converse(port, &["EHLO client.example", "MAIL FROM:<buyer@example.com> SIZE=65537", "QUIT"]).await;
    assert!(replies[1].lines().any(|l| l == "250-SIZE 65536"), "SIZE announced: {}", replies[1]);
    assert!(!replies[1].contains("STARTTLS"), "no STARTTLS without a certificate: {}", replies[1]);
    assert!(replies[2].starts_with("552 5.3.4 "), "{}", replies[2]);

    // The receiver goes on: a message within the limit is stored.
    raw.truncate(limit / 2);
    plain_client(port).send_raw(&envelope("support@lumenhaus-store.com"), &raw).await.unwrap();
    assert_eq!(room.messages().await.len(), 1);
}

#[tokio::test]
async fn smtp_starttls_with_the_configured_certificate() {
    let room = Mailroom::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let config = SmtpInConfig { cert: Some(cert), key: Some(key), ..SmtpInConfig::default() };
    let (_mail_in, port) = room.smtp(config).await;

    let tls = TlsParameters::builder("localhost".to_owned())
        .add_root_certificate(Certificate::from_pem(generated.cert.pem().as_bytes()).unwrap())
        .build_rustls()
        .unwrap();
    let client =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("localhost").port(port).tls(Tls::Required(tls)).build();
    let (_, raw, _) = &shared_emails()[1];
    client.send_raw(&envelope("support@lumenhaus-store.com"), raw).await.unwrap();
    let messages = room.messages().await;
    let stored = room.store.raw_message(messages[0].raw_id.unwrap()).await.unwrap().bytes;
    let trace = String::from_utf8_lossy(&stored[..200]).into_owned();
    assert!(trace.contains("with ESMTPS"), "delivered over TLS: {trace}");
}

#[tokio::test]
async fn smtp_answers_451_while_the_store_is_down_and_stores_the_retry() {
    let admin_url =
        std::env::var("DRAGOMAN_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(admin) => admin,
        Err(e) => return missing(&format!("PostgreSQL at {admin_url} is unreachable ({e})")),
    };
    let name = format!("dragoman_test_smtp_{}_{}", std::process::id(), now().0);
    sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).await.unwrap();
    let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let room = Mailroom::over(dragoman_store::open(&url).await.unwrap(), None);
    let (_mail_in, port) = room.smtp(SmtpInConfig::default()).await;

    // The database goes away: no new connections, the store's current ones cut.
    let set_connections = |allowed: bool| format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {allowed}");
    sqlx::query(&set_connections(false)).execute(&mut admin).await.unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&mut admin)
        .await
        .unwrap();
    let (_, raw, _) = &shared_emails()[2];
    let result = plain_client(port).send_raw(&envelope("support@lumenhaus-store.com"), raw).await;

    // Back again: the sender's retry is stored.
    sqlx::query(&set_connections(true)).execute(&mut admin).await.unwrap();
    let retried = plain_client(port).send_raw(&envelope("support@lumenhaus-store.com"), raw).await;
    let stored = room.messages().await.len();
    drop(room);
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut admin).await.unwrap();

    let err = result.expect_err("no 250 while the database is down");
    assert!(err.is_transient(), "{err}");
    assert_eq!(status(&err), "451");
    retried.unwrap();
    assert_eq!(stored, 1);
}

// --- IMAP ----------------------------------------------------------------------------------

#[tokio::test]
async fn imap_reads_each_shared_email_exactly_once() {
    let Some(server) = start_dovecot().await else { return };
    let emails = shared_emails();
    fill(&server, "INBOX", &emails.iter().map(|(_, raw, _)| raw.clone()).collect::<Vec<_>>()).await;
    let room = Mailroom::sqlite().await;
    let mailbox = ImapMailbox::new(server.mailbox("INBOX")).unwrap();

    let first = mailbox.sync_once(room.store.as_ref(), &room.sink()).await.unwrap();
    assert_eq!((first.fetched, first.stored, first.failed), (12, 12, 0), "{first:?}");
    let second = mailbox.sync_once(room.store.as_ref(), &room.sink()).await.unwrap();
    assert_eq!(second.fetched, 0, "nothing is fetched twice: {second:?}");

    let messages = room.messages().await;
    for (name, raw, channel) in &emails {
        let id = message_id(raw);
        let found: Vec<_> = messages.iter().filter(|m| m.external_id.as_deref() == Some(id.as_str())).collect();
        assert_eq!(found.len(), 1, "{name}");
        assert_eq!(room.store.get_conversation(found[0].conversation_id).await.unwrap().channel, *channel, "{name}");
        assert_eq!(room.store.raw_message(found[0].raw_id.unwrap()).await.unwrap().bytes, *raw, "{name}: raw kept");
    }
    let cursor = room.store.mailbox_cursor(mailbox.name()).await.unwrap().unwrap();
    assert_eq!(cursor.last_uid, 12);

    // Read with PEEK: the buyers' mail is still unread for the people using the mailbox.
    let mut session = server.session().await.unwrap();
    session.select("INBOX").await.unwrap();
    assert_eq!(session.search("UNSEEN").await.unwrap().len(), 12);
}

#[tokio::test]
async fn imap_idle_picks_up_new_mail_while_connected() {
    let Some(server) = start_dovecot().await else { return };
    let emails = shared_emails();
    fill(&server, "INBOX", &[emails[0].1.clone(), emails[1].1.clone()]).await;
    let room = Mailroom::sqlite().await;
    // An hour between checks: only IDLE can bring the new mail in while the test waits.
    let config = ImapMailboxConfig { poll_secs: 3600, ..server.mailbox("INBOX") };
    let store: Arc<dyn MailboxStore> = room.store.clone();
    let sink: Arc<dyn MailSink> = Arc::new(room.sink());
    let poller = tokio::spawn(ImapMailbox::new(config).unwrap().run(store, sink));

    room.wait_for_messages(2).await;
    fill(&server, "INBOX", &[emails[2].1.clone()]).await;
    let messages = room.wait_for_messages(3).await;
    poller.abort();
    assert!(messages.iter().any(|m| m.external_id.as_deref() == Some(message_id(&emails[2].1).as_str())));
    assert_eq!(messages.len(), 3, "{}", server.log());
}

#[tokio::test]
async fn imap_uidvalidity_change_reads_again_without_duplicates() {
    let Some(server) = start_dovecot().await else { return };
    let emails: Vec<Vec<u8>> = shared_emails().into_iter().map(|(_, raw, _)| raw).collect();
    fill(&server, "Support", &emails[..3]).await;
    let room = Mailroom::sqlite().await;
    let mailbox = ImapMailbox::new(server.mailbox("Support")).unwrap();
    let first = mailbox.sync_once(room.store.as_ref(), &room.sink()).await.unwrap();
    assert_eq!(first.stored, 3);
    let before = room.store.mailbox_cursor(mailbox.name()).await.unwrap().unwrap();

    // The folder is rebuilt (new UIDVALIDITY, UIDs from 1 again) with one more message.
    server.recreate("Support").await.unwrap();
    fill(&server, "Support", &emails[..4]).await;
    let again = mailbox.sync_once(room.store.as_ref(), &room.sink()).await.unwrap();
    assert_eq!((again.fetched, again.duplicates, again.stored), (4, 3, 1), "{again:?}");
    let after = room.store.mailbox_cursor(mailbox.name()).await.unwrap().unwrap();
    assert_ne!(after.uid_validity, before.uid_validity);
    assert_eq!(after, MailboxCursor { uid_validity: after.uid_validity, last_uid: 4 });
    assert_eq!(room.messages().await.len(), 4);
}

#[tokio::test]
async fn imap_oversized_and_unreadable_messages_do_not_stop_the_poller() {
    let Some(server) = start_dovecot().await else { return };
    let emails: Vec<Vec<u8>> = shared_emails().into_iter().map(|(_, raw, _)| raw).collect();
    let mut huge = b"From: Lena <lena@example.de>\r\nTo: support@lumenhaus-store.com\r\nSubject: Fotos vom Schaden\r\n\
        Message-ID: <huge-1@example.de>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
        --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDie Lampe kam kaputt an, Fotos anbei.\r\n\
        --b\r\nContent-Type: video/mp4; name=\"schaden.mp4\"\r\nContent-Disposition: attachment; filename=\"schaden.mp4\"\r\n\
        Content-Transfer-Encoding: base64\r\n\r\n"
        .to_vec();
    while huge.len() < 30 * 1024 * 1024 {
        huge.extend_from_slice(b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n");
    }
    huge.extend_from_slice(b"--b--\r\n");
    // No header block and mostly control characters: not readable as an email at all.
    let junk: Vec<u8> = (0..4096u32).map(|i| [0x01, 0x02, 0x1f, b'x'][(i % 4) as usize]).collect();
    fill(&server, "INBOX", &[emails[0].clone(), huge, junk.clone(), emails[1].clone()]).await;

    let room = Mailroom::sqlite().await;
    let mailbox = ImapMailbox::new(server.mailbox("INBOX")).unwrap();
    let report = mailbox.sync_once(room.store.as_ref(), &room.sink()).await.unwrap();
    assert_eq!((report.fetched, report.stored, report.truncated, report.failed), (4, 4, 1, 0), "{report:?}");
    assert_eq!(room.store.mailbox_cursor(mailbox.name()).await.unwrap().unwrap().last_uid, 4);

    let messages = room.messages().await;
    let big = messages.iter().find(|m| m.external_id.as_deref() == Some("huge-1@example.de")).unwrap();
    assert!(big.body_text.contains("Die Lampe kam kaputt an"), "{}", big.body_text);
    assert!(big.attachments.is_empty());
    assert!(
        big.warnings.iter().any(|w| w.contains("over the size limit") && w.contains("schaden.mp4")),
        "{:?}",
        big.warnings
    );
    let unreadable = messages.iter().find(|m| m.warnings.iter().any(|w| w.contains("could not be read"))).unwrap();
    assert_eq!(room.store.raw_message(unreadable.raw_id.unwrap()).await.unwrap().bytes, junk, "kept as received");
}

/// The real ingest, except that it refuses one message for good and fails another once, as a
/// store can (a message it rejects; a moment it is unavailable).
struct Unreliable {
    ingest: IngestSink,
    refuse: String,
    fail_once: std::sync::Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl MailSink for Unreliable {
    async fn deliver(&self, mail: ReceivedMail) -> Result<IngestOutcome, DeliveryError> {
        let id = message_id(&mail.raw);
        if id == self.refuse {
            return Err(DeliveryError::Refused("the store refused it".into()));
        }
        if self.fail_once.lock().unwrap().take_if(|failing| *failing == id).is_some() {
            return Err(DeliveryError::Temporary("the store is busy".into()));
        }
        self.ingest.deliver(mail).await
    }
}

#[tokio::test]
async fn imap_a_refused_message_is_recorded_and_a_failing_one_retried() {
    let Some(server) = start_dovecot().await else { return };
    let emails: Vec<Vec<u8>> = shared_emails().into_iter().take(4).map(|(_, raw, _)| raw).collect();
    fill(&server, "INBOX", &emails).await;
    let room = Mailroom::sqlite().await;
    let sink = Unreliable {
        ingest: room.sink(),
        refuse: message_id(&emails[1]),
        fail_once: std::sync::Mutex::new(Some(message_id(&emails[2]))),
    };
    let mailbox = ImapMailbox::new(server.mailbox("INBOX")).unwrap();

    // UID 1 stored, UID 2 refused (recorded, passed), UID 3 failed: the pass stops there.
    let err = mailbox.sync_once(room.store.as_ref(), &sink).await.unwrap_err();
    assert!(matches!(err, ImapError::Delivery(DeliveryError::Temporary(_))), "{err}");
    assert_eq!(room.store.mailbox_cursor(mailbox.name()).await.unwrap().unwrap().last_uid, 2);
    let failures = room.store.list_mailbox_failures(mailbox.name()).await.unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].uid, 2);
    assert!(failures[0].error.contains("the store refused it"), "{}", failures[0].error);

    // The next pass picks up where the last one stopped.
    let again = mailbox.sync_once(room.store.as_ref(), &sink).await.unwrap();
    assert_eq!((again.fetched, again.stored), (2, 2), "{again:?}");
    assert_eq!(room.messages().await.len(), 3);
}

#[tokio::test]
async fn imap_login_errors_never_show_the_password() {
    let Some(server) = start_dovecot().await else { return };
    let room = Mailroom::sqlite().await;
    let password = "wrong-but-secret-password-42";
    let config = ImapMailboxConfig {
        password: Some(dragoman_channels::secret::Secret::new(password)),
        ..server.mailbox("INBOX")
    };
    assert!(!format!("{config:?}").contains(password));
    let err = ImapMailbox::new(config).unwrap().sync_once(room.store.as_ref(), &room.sink()).await.unwrap_err();
    assert!(matches!(err, ImapError::Login { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(dovecot::USER) && !text.contains(password), "{text}");
}

#[test]
fn mail_in_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dragoman.toml");
    std::fs::write(
        &path,
        r#"
[smtp_in]
hostname = "mx.lumenhaus-store.com"
domains = ["lumenhaus-store.com"]
max_message_bytes = 10485760

[[imap]]
host = "imap.example.com"
user = "support@lumenhaus-store.com"
password_env = "SUPPORT_IMAP_PASSWORD"

[[imap]]
name = "sales"
host = "127.0.0.1"
port = 1143
tls = "none"
user = "sales"
password = "s3cret"
folder = "Buyers"
poll_secs = 30
"#,
    )
    .unwrap();
    let env = [("DRAGOMAN_SMTP_LISTEN".to_owned(), "127.0.0.1:2525".to_owned())];
    let config = Config::load(Some(&path), env).unwrap();
    assert_eq!(config.smtp_in.listen, Some("127.0.0.1:2525".parse().unwrap()));
    assert_eq!(config.smtp_in.domains, ["lumenhaus-store.com"]);
    assert_eq!(config.smtp_in.max_message_bytes, 10_485_760);
    assert_eq!(config.imap.len(), 2);
    assert_eq!((config.imap[0].folder.as_str(), config.imap[0].port), ("INBOX", None));
    assert_eq!(config.imap[1].tls, dragoman_channels::imap::ImapTls::Plain);
    assert!(!format!("{config:?}").contains("s3cret"), "passwords stay out of Debug output");
}
