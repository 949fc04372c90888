//! The widget in Debian's Chromium: a shop page on an origin of its own embeds it with one
//! `<script>` tag, and `e2e/chat.spec.mjs` (playwright-core) plays the visitor and the agent.
//! Needs `chromium`, `node`, `e2e/node_modules` (`npm ci --prefix e2e`) and Apertium with its
//! English–Spanish and Spanish–Portuguese data (`scripts/test-prereqs` installs them all):
//! without them the test is skipped, unless `CI` is set, where it fails. Screenshots are kept
//! in `target/screenshots/`.

use crate::helpers::{app_token, spawn_app_built};
use dragoman_core::Role;
use dragoman_server::Settings;
use dragoman_server::api::translation::Translator;
use dragoman_server::chat::ChatSettings;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// What this test drives that the machine lacks.
fn missing_tools(chromium: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!("chromium ({})", chromium.display()));
    }
    if !on_path("node") {
        missing.push("node".into());
    }
    if !workspace().join("e2e/node_modules/playwright-core").is_dir() {
        missing.push("e2e/node_modules (npm ci --prefix e2e)".into());
    }
    if !on_path("apertium") {
        missing.push("apertium".into());
    }
    for data in ["apertium-eng-spa", "apertium-es-pt"] {
        if !Path::new("/usr/share/apertium").join(data).is_dir() {
            missing.push(data.into());
        }
    }
    missing
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

#[tokio::test]
async fn portuguese_visitor_sees_the_english_agents_reply_in_portuguese() {
    let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let missing = missing_tools(&chromium);
    if !missing.is_empty() {
        let message =
            format!("the chat widget's browser test needs {}; scripts/test-prereqs installs them", missing.join(", "));
        assert!(!ci(), "{message}");
        eprintln!("SKIPPED: {message}");
        return;
    }

    // The shop's own site, on another origin than Dragoman's.
    let shop = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop_url = format!("http://{}", shop.local_addr().unwrap());
    let config = dragoman_lang::translate::TranslationConfig::default();
    let (service, _) = config.build(&|_| None).await.expect("Apertium, the default engine");
    let translator = Translator::new(service, &config);
    let chat = ChatSettings { allowed_origins: vec![shop_url.clone()], ..ChatSettings::default() };
    let app =
        spawn_app_built(Settings::default(), |state| state.with_chat_settings(chat).with_translator(translator)).await;
    let page = format!(
        "<!doctype html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><title>Lumenhaus — Luminárias</title></head>\
         <body><h1>Abajur Aurora</h1><p>Luminária de mesa em latão, R$ 349,00.</p>\
         <script src=\"{}/chat/widget.js\" data-color=\"#7c3aed\" async></script></body></html>",
        app.base
    );
    tokio::spawn(async move {
        let site =
            axum::Router::new().route("/", axum::routing::get(move || async move { axum::response::Html(page) }));
        axum::serve(shop, site).await.unwrap();
    });
    app.create_agent("rui@lumenhaus.example", Role::Agent, "a long password").await;
    let token = app_token(&app.store, Role::Agent).await;

    let root = workspace();
    let spec = root.join("e2e/chat.spec.mjs");
    let mut node = std::process::Command::new("node");
    node.arg(&spec)
        .current_dir(root.join("e2e"))
        .env("DRAGOMAN_URL", &app.base)
        .env("SHOP_URL", &shop_url)
        .env("DRAGOMAN_TOKEN", &token)
        .env("AGENT_EMAIL", "rui@lumenhaus.example")
        .env("AGENT_PASSWORD", "a long password")
        .env("SCREENSHOTS", root.join("target/screenshots"))
        .env("CHROMIUM", &chromium);
    let output = tokio::task::spawn_blocking(move || node.output()).await.unwrap().expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(output.status.success(), "{} failed ({}):\n{stdout}\n{stderr}", spec.display(), output.status);
}
