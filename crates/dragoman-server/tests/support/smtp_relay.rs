//! The SMTP relay replies go through in tests: `smtp_relay.py` (aiosmtpd) in a subprocess on a
//! free port, storing what it receives in a temporary directory. Shared by the API tests and
//! the binary's crash test (`#[path]`-included there).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// One message the relay took.
#[derive(Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub raw: Vec<u8>,
}

impl Received {
    /// An unfolded header's value, as sent.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.raw);
        let head = text.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ").replace("\r\n\t", " ");
        head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

pub struct Relay {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../dragoman-server/tests/support/smtp_relay.py")
}

impl Relay {
    /// A relay on a free port, not started yet; `None` (with a message) when aiosmtpd is not
    /// installed, which fails the test under `CI` instead (scripts/test-prereqs installs it).
    pub fn new() -> Option<Relay> {
        let installed = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(std::env::var_os("CI").is_none(), "CI needs aiosmtpd (scripts/test-prereqs installs it)");
            eprintln!("SKIPPED: python3 with aiosmtpd is not installed (pip install aiosmtpd)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Some(Relay { port, dir: tempfile::tempdir().unwrap(), child: None })
    }

    /// Starts the relay and waits until it accepts connections.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "the relay is already running");
        let mut child = Command::new("python3")
            .arg(script())
            .arg(self.port.to_string())
            .arg(self.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start smtp_relay.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "READY", "smtp_relay.py did not start");
        self.child = Some(child);
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Answer DATA with this line (e.g. "451 4.3.0 try later") until called with `None`.
    pub fn respond_with(&self, line: Option<&str>) {
        let flag = self.dir.path().join("respond");
        match line {
            Some(line) => std::fs::write(flag, format!("{line}\n")).unwrap(),
            None => std::fs::remove_file(flag).unwrap(),
        }
    }

    /// Every message received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|eml| {
                let envelope: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(eml.with_extension("json")).unwrap()).unwrap();
                Received {
                    mail_from: envelope["mail_from"].as_str().unwrap().to_owned(),
                    rcpt_tos: envelope["rcpt_tos"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap().into())
                        .collect(),
                    raw: std::fs::read(&eml).unwrap(),
                }
            })
            .collect()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop();
    }
}
