//! The administrative commands, run as a user would: `user add`, `token create`, `import`,
//! and `serve --demo` answering with what they created.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

fn dragoman() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dragoman"))
}

fn run(args: &[&str], stdin: &str) -> std::process::Output {
    let mut child =
        dragoman().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn sample_email(name: &str) -> String {
    format!("{}/../dragoman-server/demo/emails/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn user_add_import_and_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());

    let out = run(
        &["user", "add", "--db", &db, "--email", "li.na@shop.example", "--name", "Li Na", "--languages", "zh,en"],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
    let out = run(
        &["user", "add", "--db", &db, "--email", "li.na@shop.example", "--name", "Li Na", "--languages", "zh,en"],
        "a good long password\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("created agent Li Na"));
    let out = run(
        &["user", "add", "--db", &db, "--email", "li.na@shop.example", "--name", "Again"],
        "a good long password\n",
    );
    assert!(!out.status.success(), "a taken email is refused");
    let out = run(
        &["user", "add", "--db", &db, "--email", "x@shop.example", "--name", "X", "--role", "boss"],
        "a good long password\n",
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("admin, agent, partner"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mail = sample_email("01_amazon_de_qp.eml");
    let out = run(&["import", "--db", &db, "--eml", &mail, &mail], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(": stored as message 1 in conversation 1"), "{stdout}");
    assert!(stdout.contains(": already stored as message 1"), "{stdout}");
    let out = run(&["import", "--db", &db, "--eml", "/nonexistent.eml"], "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent.eml"));

    let out = run(&["token", "create", "--db", &db, "--name", "bridge", "--role", "agent"], "");
    let token = String::from_utf8(out.stdout).unwrap();
    assert!(token.trim().starts_with("dgm_") && token.trim().len() == 68, "{token}");
}

#[test]
fn demo_server_answers_with_its_login() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = dragoman()
        .args(["serve", "--demo", "--db", &db, "--listen", &format!("127.0.0.1:{port}")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let listed = rt.block_on(async {
        let client = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..600 {
            if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let login = serde_json::json!({"email": "alex@lumenhaus.example", "password": "lumenhaus-demo"});
        let r = client.post(format!("{base}/api/v1/auth/login")).json(&login).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        // Languages are detected by the enrichment jobs, which run after start (translation
        // makes them take a while): wait for them, up to two minutes.
        let mut listed = serde_json::Value::Null;
        for _ in 0..240 {
            let url = format!("{base}/api/v1/conversations?limit=200");
            let r = client.get(url).header("cookie", &cookie).send().await.unwrap();
            listed = r.json::<serde_json::Value>().await.unwrap();
            if languages(&listed).len() >= 8 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        listed
    });
    server.kill().unwrap();
    let output = server.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("demo login: alex@lumenhaus.example / lumenhaus-demo"), "{log}");
    assert!(log.contains(&format!("http://127.0.0.1:{port}/")), "{log}");
    let items = listed["items"].as_array().unwrap();
    assert!(items.len() >= 40, "{} conversations", items.len());
    let languages = languages(&listed);
    assert!(languages.len() >= 8, "multilingual demo: {languages:?}");
}

fn languages(list: &serde_json::Value) -> std::collections::HashSet<String> {
    list["items"].as_array().unwrap().iter().filter_map(|c| c["buyer_language"].as_str().map(str::to_owned)).collect()
}
