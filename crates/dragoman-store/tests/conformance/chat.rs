//! [`ChatStore`]: visitor sessions, the per-session event stream, agent presence.

use super::*;
use dragoman_store::chat::*;

fn visitor(languages: &[&str], time_zone: &str) -> VisitorInfo {
    VisitorInfo {
        languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        time_zone: Some(time_zone.to_owned()),
        page_url: Some("https://shop.example/lamps".to_owned()),
    }
}

/// A stored chat message of `session`, for events to point at.
async fn chat_message(store: &Arc<dyn Store>, session: ChatSessionId, client_id: &str) -> MessageId {
    let msg = keyed(Channel::Chat, &format!("{session}:{client_id}"), &session.thread_key());
    ingest(store, &msg, at(0)).await.message_id
}

fn visitor_event<'a>(
    session: ChatSessionId,
    client_id: &'a str,
    message: MessageId,
    body: &'a str,
) -> NewChatEvent<'a> {
    NewChatEvent {
        session_id: session,
        author: ChatAuthor::Visitor,
        client_id: Some(client_id),
        message_id: Some(message),
        body,
    }
}

async fn chat_sessions_by_token(store: Arc<dyn Store>) {
    let created =
        store.create_chat_session("digest-1", &visitor(&["pt-BR", "pt"], "America/Sao_Paulo"), at(0)).await.unwrap();
    assert_eq!(created.languages, ["pt-BR", "pt"]);
    assert_eq!(created.time_zone.as_deref(), Some("America/Sao_Paulo"));
    assert_eq!((created.last_seq, created.created_at, created.last_seen_at), (0, at(0), at(0)));
    assert_eq!(store.find_chat_session("digest-1").await.unwrap(), Some(created.clone()));
    assert_eq!(store.find_chat_session("digest-2").await.unwrap(), None);
    assert_conflict(store.create_chat_session("digest-1", &VisitorInfo::default(), at(1)).await);

    let moved = store.update_chat_visitor(created.id, &visitor(&["en-GB"], "Europe/London"), at(5)).await.unwrap();
    assert_eq!(moved.languages, ["en-GB"]);
    assert_eq!(moved.time_zone.as_deref(), Some("Europe/London"));
    assert_eq!((moved.created_at, moved.last_seen_at), (at(0), at(5)));
    store.set_chat_email(created.id, "ana@example.com.br").await.unwrap();
    assert_eq!(store.get_chat_session(created.id).await.unwrap().email.as_deref(), Some("ana@example.com.br"));

    let missing = ChatSessionId(created.id.0 + 100);
    assert_not_found(store.get_chat_session(missing).await);
    assert_not_found(store.update_chat_visitor(missing, &VisitorInfo::default(), at(6)).await);
    assert_not_found(store.set_chat_email(missing, "x@example.com").await);
    assert_eq!(ChatSessionId::from_thread_key(Channel::Chat, &created.id.thread_key()), Some(created.id));
    assert_eq!(ChatSessionId::from_thread_key(Channel::Email, &created.id.email_thread_key()), Some(created.id));
    assert_eq!(ChatSessionId::from_thread_key(Channel::Email, &created.id.thread_key()), None);
    assert_eq!(ChatSessionId::from_thread_key(Channel::Ebay, &created.id.thread_key()), None);

    // Conversations know the session they came from.
    let chat = keyed(Channel::Chat, "chat-1", &created.id.thread_key());
    let chat = ingest(&store, &chat, at(7)).await.conversation_id;
    let mut left = email("left-1", "Liguem-me");
    left.thread.thread_key = Some(created.id.email_thread_key());
    let left = ingest(&store, &left, at(7)).await.conversation_id;
    let other = ingest(&store, &keyed(Channel::Ebay, "ebay-1", &created.id.thread_key()), at(7)).await.conversation_id;
    let orphan = ingest(&store, &keyed(Channel::Chat, "chat-2", &missing.thread_key()), at(7)).await.conversation_id;
    assert_eq!(store.chat_session_of(chat).await.unwrap().map(|s| s.id), Some(created.id));
    assert_eq!(store.chat_session_of(left).await.unwrap().map(|s| s.id), Some(created.id));
    assert_eq!(store.chat_session_of(other).await.unwrap(), None);
    assert_eq!(store.chat_session_of(orphan).await.unwrap(), None);
    assert_not_found(store.chat_session_of(ConversationId(orphan.0 + 100)).await);
}

async fn chat_events_are_sequenced_and_idempotent(store: Arc<dyn Store>) {
    let session = store.create_chat_session("digest-a", &VisitorInfo::default(), at(0)).await.unwrap().id;
    let other = store.create_chat_session("digest-b", &VisitorInfo::default(), at(0)).await.unwrap().id;
    let question = chat_message(&store, session, "c1").await;
    let first = store.append_chat_event(&visitor_event(session, "c1", question, "Olá"), at(1)).await.unwrap();
    assert_eq!((first.seq, first.author, first.body.as_str()), (1, ChatAuthor::Visitor, "Olá"));
    assert_eq!((first.client_id.as_deref(), first.message_id, first.created_at), (Some("c1"), Some(question), at(1)));
    // A resend after a reconnect is the same event, whatever it carries the second time.
    let again = store.append_chat_event(&visitor_event(session, "c1", question, "Olá!"), at(2)).await.unwrap();
    assert_eq!(again, first);

    let reply = store
        .add_note(store.get_message(question).await.unwrap().conversation_id, store_agent(&store).await, "x", at(3))
        .await
        .unwrap()
        .id;
    let delivered = NewChatEvent {
        session_id: session,
        author: ChatAuthor::Agent,
        client_id: None,
        message_id: Some(reply),
        body: "O seu pedido foi enviado.",
    };
    let second = store.append_chat_event(&delivered, at(4)).await.unwrap();
    assert_eq!((second.seq, second.author), (2, ChatAuthor::Agent));
    assert_eq!(store.append_chat_event(&delivered, at(5)).await.unwrap(), second);
    assert_eq!(store.chat_event_for_message(reply).await.unwrap(), Some(second.clone()));
    assert_eq!(store.chat_event_for_message(MessageId(reply.0 + 100)).await.unwrap(), None);
    assert_conflict(store.append_chat_event(&NewChatEvent { session_id: other, ..delivered.clone() }, at(5)).await);

    // The same client id in another session is another event, numbered in that session.
    let elsewhere = chat_message(&store, other, "c1").await;
    assert_eq!(store.append_chat_event(&visitor_event(other, "c1", elsewhere, "Oi"), at(6)).await.unwrap().seq, 1);

    assert_eq!(store.chat_events_after(session, 0, 0).await.unwrap(), vec![first.clone(), second.clone()]);
    assert_eq!(store.chat_events_after(session, 1, 0).await.unwrap(), vec![second.clone()]);
    assert_eq!(store.chat_events_after(session, 0, 1).await.unwrap(), vec![first]);
    assert!(store.chat_events_after(session, 2, 0).await.unwrap().is_empty());
    assert_eq!(store.get_chat_session(session).await.unwrap().last_seq, 2);

    let nowhere = ChatSessionId(other.0 + 100);
    let unanchored = NewChatEvent { message_id: None, ..visitor_event(nowhere, "c9", question, "?") };
    assert_not_found(store.append_chat_event(&unanchored, at(7)).await);
    let anonymous = NewChatEvent { client_id: None, message_id: None, ..delivered.clone() };
    assert_invalid(store.append_chat_event(&anonymous, at(7)).await, "client id or a message id");
    let dangling = NewChatEvent { message_id: Some(MessageId(reply.0 + 100)), ..delivered };
    assert_invalid(store.append_chat_event(&dangling, at(7)).await, "does not exist");
    assert_eq!(store.get_chat_session(session).await.unwrap().last_seq, 2, "failed appends take no number");
}

async fn store_agent(store: &Arc<dyn Store>) -> AgentId {
    store.create_agent(&new_agent("chat@example.com"), at(0)).await.unwrap().id
}

/// Many widgets of one visitor (tabs, reconnects) appending at once, each message twice:
/// every message gets exactly one event and the numbers have no gaps.
async fn concurrent_chat_appends_number_without_gaps(store: Arc<dyn Store>) {
    let session = store.create_chat_session("digest-c", &VisitorInfo::default(), at(0)).await.unwrap().id;
    let mut messages = Vec::new();
    for i in 0..12 {
        messages.push(chat_message(&store, session, &format!("c{i}")).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (i, message) in messages.iter().copied().enumerate() {
        for _ in 0..2 {
            let store = store.clone();
            tasks.spawn(async move {
                let client_id = format!("c{i}");
                store.append_chat_event(&visitor_event(session, &client_id, message, "?"), at(1)).await.unwrap()
            });
        }
    }
    let mut by_client: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    while let Some(event) = tasks.join_next().await {
        let event = event.unwrap();
        let seq = *by_client.entry(event.client_id.clone().unwrap()).or_insert(event.seq);
        assert_eq!(seq, event.seq, "both appends of one message return one event");
    }
    let events = store.chat_events_after(session, 0, 0).await.unwrap();
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
    assert_eq!(events.iter().map(|e| e.client_id.clone().unwrap()).collect::<HashSet<_>>().len(), 12);
}

async fn agent_presence(store: Arc<dyn Store>) {
    let ana = store.create_agent(&new_agent("ana@example.com"), at(0)).await.unwrap().id;
    let bo = store.create_agent(&new_agent("bo@example.com"), at(0)).await.unwrap().id;
    assert!(store.agents_present_since(at(0)).await.unwrap().is_empty());
    store.record_agent_presence(ana, at(10)).await.unwrap();
    store.record_agent_presence(bo, at(20)).await.unwrap();
    assert_eq!(store.agents_present_since(at(10)).await.unwrap(), vec![bo, ana]);
    assert_eq!(store.agents_present_since(at(11)).await.unwrap(), vec![bo]);
    store.record_agent_presence(ana, at(30)).await.unwrap();
    assert_eq!(store.agents_present_since(at(21)).await.unwrap(), vec![ana]);
    assert_invalid(store.record_agent_presence(AgentId(bo.0 + 100), at(40)).await, "does not exist");
}

conformance!(
    chat_sessions_by_token,
    chat_events_are_sequenced_and_idempotent,
    concurrent_chat_appends_number_without_gaps,
    agent_presence,
);
