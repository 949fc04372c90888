//! A throw-away dovecot IMAP server for tests and benchmarks (feature `dovecot`): Debian's
//! `dovecot-imapd` started with a configuration of its own in a temporary directory, listening
//! on a free port of 127.0.0.1, with one user and an empty Maildir. Mail is put in over IMAP
//! (APPEND), as a mail server would; the server stops when the value is dropped.
//!
//! dovecot is started as the current user, which must be root (as in CI): dovecot runs its
//! login processes as `dovenull` and the mail process as `dovecot`, the users Debian's package
//! creates.

use super::{ImapMailboxConfig, ImapTls};
use crate::secret::Secret;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::net::TcpStream;

pub const USER: &str = "support";
pub const PASSWORD: &str = "throwaway-test-password";

pub struct Dovecot {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

/// Whether `dovecot` is on the PATH.
pub fn installed() -> bool {
    Command::new("dovecot").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

impl Dovecot {
    /// Starts the server and waits until it answers.
    pub async fn start() -> io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("dragoman-dovecot-").tempdir()?;
        let root = dir.path();
        // dovecot's unprivileged processes must reach their sockets and the Maildir.
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755))?;
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir(root.join(sub))?;
        }
        std::fs::set_permissions(root.join("mail"), std::fs::Permissions::from_mode(0o777))?;
        std::fs::write(root.join("users"), format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n"))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        std::fs::write(root.join("dovecot.conf"), config(root, port))?;
        let log = std::fs::File::create(root.join("stderr.log"))?;
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(root.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let mut server = Self { child, dir, port };
        server.wait_until_ready().await?;
        Ok(server)
    }

    async fn wait_until_ready(&mut self) -> io::Result<()> {
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait()? {
                return Err(self.failure(&format!("dovecot exited with {status}")));
            }
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", self.port)).await {
                let mut client = async_imap::Client::new(stream);
                if matches!(client.read_response().await, Ok(Some(_))) {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(self.failure("dovecot did not answer within 10 s"))
    }

    fn failure(&self, what: &str) -> io::Error {
        let read = |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        io::Error::other(format!("{what}:\n{}{}", read("stderr.log"), read("dovecot.log")))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A mailbox entry that reads `folder` of the test user over plain IMAP.
    pub fn mailbox(&self, folder: &str) -> ImapMailboxConfig {
        ImapMailboxConfig {
            name: Some(format!("dovecot-{}/{folder}", self.port)),
            host: "127.0.0.1".into(),
            port: Some(self.port),
            tls: ImapTls::Plain,
            user: USER.into(),
            password: Some(Secret::new(PASSWORD)),
            folder: folder.into(),
            ..ImapMailboxConfig::default()
        }
    }

    /// A session as the test user, for arranging mail.
    pub async fn session(&self) -> async_imap::error::Result<async_imap::Session<TcpStream>> {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).await?;
        let mut client = async_imap::Client::new(stream);
        client.read_response().await?;
        client.login(USER, PASSWORD).await.map_err(|(e, _)| e)
    }

    /// Puts messages into `folder` (created if missing), in order.
    pub async fn append(&self, folder: &str, messages: &[Vec<u8>]) -> async_imap::error::Result<()> {
        let mut session = self.session().await?;
        if folder != "INBOX" && session.select(folder).await.is_err() {
            session.create(folder).await?;
        }
        for message in messages {
            session.append(folder, None, None, message).await?;
        }
        session.logout().await
    }

    /// Deletes `folder` and creates it again: its messages are gone and it has a new UIDVALIDITY.
    pub async fn recreate(&self, folder: &str) -> async_imap::error::Result<()> {
        let mut session = self.session().await?;
        session.delete(folder).await?;
        session.create(folder).await?;
        session.logout().await
    }

    /// The server's log, for a failing test to show.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // dovecot's child processes notice their master is gone and exit on their own.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config(root: &Path, port: u16) -> String {
    let root = root.display();
    format!(
        "protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
mail_location = maildir:{root}/mail/%u
# The mail user is the system user `dovecot`, below the default lowest UID for mail (500).
first_valid_uid = 1
first_valid_gid = 1
# Throw-away mail: no fsync, which makes APPEND of many messages fast.
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
service submission-login {{
  inet_listener submission {{
    port = 0
  }}
}}
"
    )
}
