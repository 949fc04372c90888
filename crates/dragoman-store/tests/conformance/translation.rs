//! [`TranslationStore`]: the engines' output cache, the glossary, pending translations and
//! reply previews.

use super::{assert_invalid, assert_not_found, at, email, ingest, lang, new_agent};
use dragoman_core::*;
use dragoman_store::*;
use std::sync::Arc;

fn key<'a>(
    engine: &'a str,
    model: &'a str,
    source: &'a LanguageTag,
    target: &'a LanguageTag,
    text: &'a str,
) -> TranslationCacheKey<'a> {
    TranslationCacheKey { engine, model, source, target, text }
}

async fn cache_is_keyed_by_engine_model_pair_and_text(store: Arc<dyn Store>) {
    let (de, en, fr) = (lang("de"), lang("en"), lang("fr"));
    let text = "Wo ist ⟦1⟧?";
    assert_eq!(store.cached_translation(&key("deepl", "EN-US", &de, &en, text)).await.unwrap(), None);
    store.cache_translation(&key("deepl", "EN-US", &de, &en, text), "Where is ⟦1⟧?", at(0)).await.unwrap();
    assert_eq!(
        store.cached_translation(&key("deepl", "EN-US", &de, &en, text)).await.unwrap().as_deref(),
        Some("Where is ⟦1⟧?")
    );
    // Any part of the key differing is a miss.
    for other in [
        key("openai", "EN-US", &de, &en, text),
        key("deepl", "EN-GB", &de, &en, text),
        key("deepl", "EN-US", &fr, &en, text),
        key("deepl", "EN-US", &de, &fr, text),
        key("deepl", "EN-US", &de, &en, "Wo ist ⟦2⟧?"),
    ] {
        assert_eq!(store.cached_translation(&other).await.unwrap(), None, "{other:?}");
    }
    // Filing the same key again replaces the entry.
    store.cache_translation(&key("deepl", "EN-US", &de, &en, text), "Where's ⟦1⟧?", at(1)).await.unwrap();
    assert_eq!(
        store.cached_translation(&key("deepl", "EN-US", &de, &en, text)).await.unwrap().as_deref(),
        Some("Where's ⟦1⟧?")
    );
    // Long inputs (a whole email) are keyed by their digest, not by the column's index limits.
    let long = "Lampe ".repeat(5_000);
    store.cache_translation(&key("apertium", "", &de, &en, &long), "lamp", at(2)).await.unwrap();
    assert_eq!(store.cached_translation(&key("apertium", "", &de, &en, &long)).await.unwrap().as_deref(), Some("lamp"));
}

async fn glossary_entries_upsert_list_and_delete(store: Arc<dyn Store>) {
    let keep = NewGlossaryEntry {
        term: " Lumenhaus ".into(),
        source_language: None,
        target_language: None,
        translation: None,
    };
    let kept = store.upsert_glossary_entry(&keep, at(0)).await.unwrap();
    assert_eq!(
        (kept.term.as_str(), kept.source_language.as_ref(), kept.translation.as_ref()),
        ("Lumenhaus", None, None)
    );

    let render = NewGlossaryEntry {
        term: "Stehleuchte".into(),
        source_language: Some(lang("de")),
        target_language: Some(lang("en")),
        translation: Some("floor lamp".into()),
    };
    let first = store.upsert_glossary_entry(&render, at(1)).await.unwrap();
    // Same term and languages: replaced, same id.
    let again = store
        .upsert_glossary_entry(&NewGlossaryEntry { translation: Some("standard lamp".into()), ..render.clone() }, at(2))
        .await
        .unwrap();
    assert_eq!((again.id, again.translation.as_deref(), again.updated_at), (first.id, Some("standard lamp"), at(2)));
    // Another target language is another entry.
    let french =
        NewGlossaryEntry { target_language: Some(lang("fr")), translation: Some("lampadaire".into()), ..render };
    store.upsert_glossary_entry(&french, at(3)).await.unwrap();

    let all = store.list_glossary().await.unwrap();
    let listed: Vec<(&str, Option<&str>, Option<&str>)> = all
        .iter()
        .map(|e| (e.term.as_str(), e.target_language.as_ref().map(LanguageTag::as_str), e.translation.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            ("Lumenhaus", None, None),
            ("Stehleuchte", Some("en"), Some("standard lamp")),
            ("Stehleuchte", Some("fr"), Some("lampadaire"))
        ]
    );

    store.delete_glossary_entry(kept.id).await.unwrap();
    assert_eq!(store.list_glossary().await.unwrap().len(), 2);
    assert_not_found(store.delete_glossary_entry(kept.id).await);
    let blank = NewGlossaryEntry { term: "  ".into(), source_language: None, target_language: None, translation: None };
    assert_invalid(store.upsert_glossary_entry(&blank, at(4)).await, "empty");
    let empty_rendering = NewGlossaryEntry { term: "x".into(), translation: Some(" ".into()), ..blank };
    assert_invalid(store.upsert_glossary_entry(&empty_rendering, at(4)).await, "leave it out");
}

async fn pending_translations_count_attempts_and_clear(store: Arc<dyn Store>) {
    let first = ingest(&store, &email("p1@example.jp", "まだ届きません"), at(0)).await.message_id;
    let second = ingest(&store, &email("p2@example.jp", "返金してください"), at(1)).await.message_id;
    store.mark_translation_pending(first, &lang("en"), "no engine translates ja→en", at(10)).await.unwrap();
    store.mark_translation_pending(second, &lang("en"), "no engine translates ja→en", at(11)).await.unwrap();
    store.mark_translation_pending(first, &lang("de"), "no engine translates ja→de", at(12)).await.unwrap();

    // Tried again later: the attempt is counted, the reason replaced, and it goes to the back.
    store.mark_translation_pending(first, &lang("en"), "openai (ja→en): timed out", at(20)).await.unwrap();
    let due = store.pending_translations(0).await.unwrap();
    let order: Vec<(MessageId, &str, i64)> =
        due.iter().map(|p| (p.message_id, p.language.as_str(), p.attempts)).collect();
    assert_eq!(order, [(second, "en", 1), (first, "de", 1), (first, "en", 2)]);
    let retried = &due[2];
    assert_eq!(
        (retried.reason.as_str(), retried.since, retried.last_attempt_at),
        ("openai (ja→en): timed out", at(10), at(20))
    );
    assert_eq!(store.pending_translations(1).await.unwrap().len(), 1);

    let of_first: Vec<String> =
        store.pending_translations_of(first).await.unwrap().into_iter().map(|p| p.language.to_string()).collect();
    assert_eq!(of_first, ["de", "en"]);
    store.clear_translation_pending(first, &lang("en")).await.unwrap();
    store.clear_translation_pending(first, &lang("en")).await.unwrap();
    assert_eq!(store.pending_translations_of(first).await.unwrap().len(), 1);
    assert_not_found(store.mark_translation_pending(MessageId(999_999), &lang("en"), "x", at(30)).await);
}

async fn reply_previews_keep_exactly_what_was_shown(store: Arc<dyn Store>) {
    let conversation = ingest(&store, &email("r1@example.de", "Wo ist mein Paket?"), at(0)).await.conversation_id;
    let agent = store.create_agent(&new_agent("alex@example.com"), at(0)).await.unwrap();
    let preview = NewReplyPreview {
        conversation_id: conversation,
        agent_id: Some(agent.id),
        source_language: lang("en"),
        target_language: lang("de"),
        text: "Your parcel 1Z999AA10123456784 is on its way.".into(),
        translation: "Ihr Paket 1Z999AA10123456784 ist unterwegs.\n".into(),
        back_translation: Some("Your package 1Z999AA10123456784 is on the way.".into()),
        engine: "deepl".into(),
        model: Some("DE".into()),
        spans: serde_json::json!([{"text": "1Z999AA10123456784", "kept": true}]),
        warnings: vec!["none lost".into()],
    };
    let saved = store.save_reply_preview(&preview, at(5)).await.unwrap();
    let loaded = store.get_reply_preview(saved.id).await.unwrap();
    assert_eq!(loaded, saved);
    assert_eq!(loaded.translation, preview.translation, "byte for byte, trailing newline included");
    assert_eq!((loaded.conversation_id, loaded.agent_id, loaded.created_at), (conversation, Some(agent.id), at(5)));
    assert_eq!(loaded.spans, preview.spans);

    assert_not_found(store.get_reply_preview(saved.id + 1000).await);
    let nowhere = NewReplyPreview { conversation_id: ConversationId(999_999), ..preview.clone() };
    assert_not_found(store.save_reply_preview(&nowhere, at(6)).await);
    let nobody = NewReplyPreview { agent_id: Some(AgentId(999_999)), ..preview };
    assert_invalid(store.save_reply_preview(&nobody, at(6)).await, "agent");
}

conformance!(
    cache_is_keyed_by_engine_model_pair_and_text,
    glossary_entries_upsert_list_and_delete,
    pending_translations_count_attempts_and_clear,
    reply_previews_keep_exactly_what_was_shown,
);
