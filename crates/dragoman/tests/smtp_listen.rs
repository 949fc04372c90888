//! `dragoman serve --smtp-listen ADDR` (DESIGN.md §4): the binary receives an email over SMTP
//! and the API shows it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Reads one SMTP reply (all its lines) and returns its last line.
fn reply(reader: &mut impl BufRead) -> String {
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the receiver hung up");
        if line.as_bytes().get(3) != Some(&b'-') {
            return line.trim_end().to_owned();
        }
    }
}

#[test]
fn serve_receives_email_over_smtp() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("smtp.db").display());
    let bin = env!("CARGO_BIN_EXE_dragoman");
    let token =
        Command::new(bin).args(["token", "create", "--name", "t", "--role", "agent", "--db", &db]).output().unwrap();
    assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();

    let (http, smtp) = (free_port(), free_port());
    let mut server = Command::new(bin)
        .args(["serve", "--db", &db, "--listen", &format!("127.0.0.1:{http}"), "--smtp-listen"])
        .arg(format!("127.0.0.1:{smtp}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The receiver starts after the models are loaded: wait for it (bounded).
    let stream = (0..600)
        .find_map(|_| {
            TcpStream::connect(("127.0.0.1", smtp)).ok().or_else(|| {
                std::thread::sleep(Duration::from_millis(50));
                None
            })
        })
        .expect("the SMTP receiver listens");
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    assert!(reply(&mut reader).starts_with("220 "));
    let email = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/emails/07_webde_am_schrieb_signature.eml"
    ))
    .unwrap();
    for command in ["EHLO client.example", "MAIL FROM:<buyer@web.de>", "RCPT TO:<support@lumenhaus-store.com>", "DATA"]
    {
        writer.write_all(format!("{command}\r\n").as_bytes()).unwrap();
        let answer = reply(&mut reader);
        assert!(answer.starts_with(if command == "DATA" { "354" } else { "250" }), "{command}: {answer}");
    }
    writer.write_all(&email).unwrap();
    writer.write_all(b".\r\n").unwrap();
    let stored = reply(&mut reader);
    writer.write_all(b"QUIT\r\n").unwrap();

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let listed = rt.block_on(async {
        let url = format!("http://127.0.0.1:{http}/api/v1/conversations");
        let r = reqwest::Client::new().get(url).bearer_auth(&token).send().await.unwrap();
        r.json::<serde_json::Value>().await.unwrap()
    });
    server.kill().unwrap();
    let log = String::from_utf8_lossy(&server.wait_with_output().unwrap().stderr).into_owned();
    assert!(stored.starts_with("250 2.0.0 Stored as message"), "{stored}\n{log}");
    assert!(log.contains(&format!("SMTP receiver listening on 127.0.0.1:{smtp}")), "{log}");
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["channel"], "email");
}
