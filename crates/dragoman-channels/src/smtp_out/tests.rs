use super::*;
use dragoman_core::{ConversationId, LanguageTag, Marketplace, MessageId};

fn config() -> SmtpOutConfig {
    SmtpOutConfig {
        host: "127.0.0.1".into(),
        tls: TlsMode::None,
        from: "Lumenhaus Kundenservice <support@lumenhaus.example>".into(),
        amazon_from: Some("amazon@lumenhaus.example".into()),
        ..SmtpOutConfig::default()
    }
}

fn reply() -> OutboundReply {
    OutboundReply {
        reply_id: MessageId(7),
        conversation_id: ConversationId(3),
        channel: Channel::Email,
        marketplace: None,
        recipient: Some("lena@example.de".into()),
        thread_key: None,
        subject: Some("Frage zur Bestellung 302-1234567-1234567".into()),
        body: "Grüße aus Köln — Ihr Paket ist unterwegs. 🚚".into(),
        language: Some(LanguageTag::parse("de").unwrap()),
        in_reply_to: Some("b2@buyer.example".into()),
        references: vec!["b1@buyer.example".into(), "b2@buyer.example".into()],
        idempotency_key: "dragoman.7.abc".into(),
    }
}

fn formatted(sender: &SmtpSender, reply: &OutboundReply) -> String {
    String::from_utf8(sender.message(reply).unwrap().formatted()).unwrap()
}

// The transport (with lettre's connection pool) lives on a tokio runtime.
#[tokio::test]
async fn reply_headers_thread_and_name_the_language() {
    let sender = SmtpSender::new(&config(), None).unwrap();
    let mail = formatted(&sender, &reply());
    for header in [
        "Message-ID: <dragoman.7.abc@lumenhaus.example>",
        "In-Reply-To: <b2@buyer.example>",
        "References: <b1@buyer.example> <b2@buyer.example>",
        "Content-Language: de",
        "Subject: Re: Frage zur Bestellung 302-1234567-1234567",
        "To: lena@example.de",
        "Content-Type: text/plain; charset=utf-8",
    ] {
        assert!(mail.contains(header), "{header} missing in\n{mail}");
    }
    assert!(mail.contains("support@lumenhaus.example"), "{mail}");
    assert_eq!(sender.planned_external_id(&reply()).as_deref(), Some("dragoman.7.abc@lumenhaus.example"));
}

#[tokio::test]
async fn amazon_replies_come_from_the_approved_address_and_keep_its_rules() {
    let sender = SmtpSender::new(&config(), None).unwrap();
    let amazon = OutboundReply {
        channel: Channel::Amazon,
        marketplace: Some(Marketplace::parse("amazon.de").unwrap()),
        recipient: Some("abc123xyz@marketplace.amazon.de".into()),
        ..reply()
    };
    let mail = formatted(&sender, &amazon);
    assert!(mail.contains("From: amazon@lumenhaus.example"), "{mail}");
    assert!(mail.contains("To: abc123xyz@marketplace.amazon.de"), "{mail}");
    let linked = OutboundReply { body: "Siehe https://tracking.example/1".into(), ..amazon };
    match sender.message(&linked) {
        Err(SendError::Permanent(m)) => assert!(m.contains("https://tracking.example/1"), "{m}"),
        other => panic!("expected a permanent refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn unusable_replies_are_refused_for_good() {
    let sender = SmtpSender::new(&config(), None).unwrap();
    for recipient in [None, Some("not an address".to_owned())] {
        let r = OutboundReply { recipient, ..reply() };
        assert!(matches!(sender.message(&r), Err(SendError::Permanent(_))));
    }
}

#[test]
fn subject_gets_one_re() {
    assert_eq!(reply_subject("Lieferung"), "Re: Lieferung");
    assert_eq!(reply_subject("AW: Lieferung"), "AW: Lieferung");
    assert_eq!(reply_subject("RE: x"), "RE: x");
}

#[tokio::test]
async fn configuration_errors_say_what_to_set() {
    let err = |c: SmtpOutConfig| SmtpSender::new(&c, None).err().expect("refused").to_string();
    assert!(err(SmtpOutConfig { host: " ".into(), ..config() }).contains("host"));
    assert!(err(SmtpOutConfig { from: "support at shop".into(), ..config() }).contains("from"));
    let with_login = SmtpOutConfig { username: Some("shop".into()), ..config() };
    assert!(err(with_login.clone()).contains("DRAGOMAN_SMTP_PASSWORD"));
    assert!(SmtpSender::new(&with_login, Some("s3cret".into())).is_ok());
    let ca = SmtpOutConfig { tls: TlsMode::Starttls, ca_file: Some("/nonexistent/ca.pem".into()), ..config() };
    assert!(err(ca).contains("/nonexistent/ca.pem"));
}
