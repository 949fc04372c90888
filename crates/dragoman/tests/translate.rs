//! `dragoman translate` as DESIGN.md §4 specifies it, with the default configuration (Apertium,
//! installed by `scripts/test-prereqs`; without it the test says SKIPPED, unless `CI` is set).

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn translate(args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dragoman"))
        .arg("translate")
        .args(args)
        .env_remove("DRAGOMAN_TRANSLATION_ENGINES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn apertium_installed() -> bool {
    let listed = Command::new("apertium").arg("-l").output();
    match listed {
        Ok(out) if String::from_utf8_lossy(&out.stdout).contains("eng-spa") => true,
        _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0") => {
            panic!("CI needs apertium with apertium-eng-spa and apertium-es-pt (scripts/test-prereqs)")
        }
        _ => {
            eprintln!("SKIPPED: apertium with apertium-eng-spa is not installed");
            false
        }
    }
}

#[test]
fn text_and_jsonl_with_entities_kept() {
    if !apertium_installed() {
        return;
    }
    let out =
        translate(&["--to", "pt", "--from", "en", "Order #1187 arrived broken, refund $35.20 to anna@example.com"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for kept in ["#1187", "$35.20", "anna@example.com"] {
        assert!(text.contains(kept), "{kept} in {text}");
    }

    let lines = [
        r#"{"id": 1, "text": "Mi pedido 112-4839201-5573816 llegó roto, quiero un reembolso.", "to": "en"}"#,
        r#"{"id": "b", "text": "Wo ist mein Paket? Die Sendungsnummer ist 1Z999AA10123456784.", "to": "en"}"#,
        r#"{"id": 3, "text": "The lamp is broken.", "to": "pt", "from": "en"}"#,
    ];
    let out = translate(&["--jsonl"], &lines.join("\n"));
    assert!(!out.status.success(), "a line that cannot be translated makes the run fail");
    let results: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), 3, "one line out per line in");

    assert_eq!((&results[0]["id"], &results[0]["from"], &results[0]["to"]), (&1.into(), &"es".into(), &"en".into()));
    assert_eq!(results[0]["engine"], "apertium");
    let english = results[0]["translation"].as_str().unwrap();
    assert!(english.contains("112-4839201-5573816") && english.contains("broken"), "{english}");

    // No engine translates German here: the line says why, and the others are still done.
    assert_eq!(results[1]["translation"], Value::Null);
    assert!(results[1]["error"].as_str().unwrap().contains("no translation engine translates de→en"), "{}", results[1]);

    assert_eq!(results[2]["engine"], "apertium");
    assert!(results[2]["translation"].as_str().unwrap().contains("está"), "{}", results[2]);
}

#[test]
fn mistakes_are_explained() {
    let out = translate(&["hello"], "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--to"));
    let out = translate(&["--jsonl"], "{\"id\": 1, \"text\": \"hello\"}\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no \"to\" and no --to"));
}
