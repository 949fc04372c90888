//! [`OutboxStore`]: replies written with their send job, moved through their delivery states,
//! claimed in the order a conversation's replies were written.

use super::{assert_invalid, assert_not_found, at, email, ingest, keyed, lang, new_agent};
use dragoman_core::*;
use dragoman_store::outbox::*;
use dragoman_store::*;
use std::sync::Arc;

fn reply(body: &str) -> NewReply {
    NewReply { body: body.to_owned(), language: Some(lang("de")), original: None, resolve: false }
}

/// An email conversation with two buyer messages (the second answers the first thread).
async fn email_thread(store: &Arc<dyn Store>, id: &str) -> ConversationId {
    let first = ingest(store, &email(&format!("{id}-1@buyer.example"), "Wo ist mein Paket?"), at(0)).await;
    let mut second = email(&format!("{id}-2@buyer.example"), "Noch einmal: wo ist es?");
    second.thread.references = vec![format!("{id}-1@buyer.example")];
    let second = ingest(store, &second, at(10)).await;
    assert_eq!(first.conversation_id, second.conversation_id);
    first.conversation_id
}

async fn delivery(store: &Arc<dyn Store>, reply: MessageId) -> Delivery {
    store.get_message(reply).await.unwrap().delivery.expect("a reply has a delivery")
}

async fn claim(store: &Arc<dyn Store>, now: Timestamp) -> Vec<MessageId> {
    store.claim_replies(10, 60_000, now).await.unwrap().into_iter().map(|c| c.reply).collect()
}

async fn reply_is_written_with_its_job(store: Arc<dyn Store>) {
    let conversation = email_thread(&store, "written").await;
    let agent = store.create_agent(&new_agent("mia@shop.example"), at(0)).await.unwrap();
    let original = OriginalText { language: lang("en"), text: "It left our warehouse today.".into() };
    let new = NewReply { original: Some(original.clone()), ..reply("Es hat heute unser Lager verlassen.") };
    let queued = store.queue_reply(conversation, Some(agent.id), &new, at(100)).await.unwrap();

    let message = &queued.message;
    assert_eq!((message.direction, message.author_id), (Direction::Outbound, Some(agent.id)));
    assert_eq!(message.body_text, "Es hat heute unser Lager verlassen.");
    assert_eq!((message.language.clone(), message.original.clone()), (Some(lang("de")), Some(original)));
    let d = message.delivery.clone().unwrap();
    assert_eq!((d.state, d.attempts, d.reason, d.sent_at), (DeliveryState::Queued, 0, None, None));
    assert_eq!((d.queued_at, d.next_attempt_at), (at(100), Some(at(100))));
    assert!(d.idempotency_key.starts_with("dragoman."), "{}", d.idempotency_key);

    let job = store.list_jobs(Some(JobState::Queued), 0).await.unwrap().into_iter().find(|j| j.id == queued.job_id);
    let job = job.expect("the send job is queued with the reply");
    assert_eq!((job.kind.as_str(), job.payload["message_id"].as_i64()), (SEND_REPLY, Some(message.id.0)));

    let c = store.get_conversation(conversation).await.unwrap();
    assert_eq!((c.message_count, c.last_message_at, c.sla_due_at), (3, at(100), None), "answered: no SLA due");
    assert_eq!(c.preview.as_deref(), Some("Es hat heute unser Lager verlassen."));
    assert_eq!(c.status, ConversationStatus::Open);
    let listed = store.list_messages(conversation).await.unwrap();
    assert_eq!(listed.last(), Some(message), "the conversation lists the reply with its delivery");
    assert!(listed[..2].iter().all(|m| m.delivery.is_none()), "buyer messages have no delivery");

    // Send-and-resolve; an API token (no author) may reply.
    let resolved = NewReply { resolve: true, original: None, ..reply("Danke!") };
    store.queue_reply(conversation, None, &resolved, at(200)).await.unwrap();
    assert_eq!(store.get_conversation(conversation).await.unwrap().status, ConversationStatus::Resolved);

    assert_invalid(store.queue_reply(conversation, None, &reply(" \n "), at(300)).await, "needs some text");
    assert_invalid(store.queue_reply(conversation, Some(AgentId(999)), &reply("x"), at(300)).await, "999");
    assert_not_found(store.queue_reply(ConversationId(999), None, &reply("x"), at(300)).await);
    store.set_status(conversation, ConversationStatus::Closed, at(300)).await.unwrap();
    assert_invalid(store.queue_reply(conversation, None, &reply("x"), at(400)).await, "closed");
}

async fn reply_is_sent_once(store: Arc<dyn Store>) {
    let conversation = email_thread(&store, "sent").await;
    let id = store.queue_reply(conversation, None, &reply("Unterwegs."), at(100)).await.unwrap().message.id;

    let claimed = store.claim_replies(10, 60_000, at(100)).await.unwrap();
    assert_eq!(claimed.iter().map(|c| (c.reply, c.job.state)).collect::<Vec<_>>(), [(id, JobState::Running)]);
    assert!(claim(&store, at(101)).await.is_empty(), "a claimed reply is not handed out twice");

    let to_send = store.reply_to_send(id).await.unwrap();
    assert_eq!(to_send.reply.id, id);
    assert_eq!(to_send.conversation.id, conversation);
    let answering = to_send.answering.expect("the reply answers the newest buyer message");
    assert_eq!(answering.sender.as_deref(), Some("Lena@Example.de"));
    assert_eq!(to_send.in_reply_to.as_deref(), Some("sent-2@buyer.example"));
    assert_eq!(to_send.references, ["sent-1@buyer.example", "sent-2@buyer.example"]);

    let sending = store.start_sending(id, Some("dragoman.x@shop.example"), at(110)).await.unwrap();
    assert_eq!((sending.state, sending.attempts), (DeliveryState::Sending, 1));
    assert_eq!(store.get_message(id).await.unwrap().external_id.as_deref(), Some("dragoman.x@shop.example"));

    let sent = store.mark_sent(id, None, at(120)).await.unwrap();
    assert_eq!((sent.state, sent.sent_at, sent.attempts), (DeliveryState::Sent, Some(at(120)), 1));
    assert!(claim(&store, at(10_000_000)).await.is_empty(), "a sent reply's job is finished");
    assert!(store.list_jobs(Some(JobState::Done), 0).await.unwrap().iter().any(|j| j.kind == SEND_REPLY));
    assert_invalid(store.start_sending(id, None, at(130)).await, "sent");
    assert_invalid(store.fail_reply(id, "late", at(130)).await, "sent");

    // A buyer's answer to the reply's Message-ID threads into the conversation.
    let mut answer = email("answer@buyer.example", "Danke!");
    answer.thread.references = vec!["dragoman.x@shop.example".into()];
    assert_eq!(ingest(&store, &answer, at(200)).await.conversation_id, conversation);
    assert_not_found(store.reply_to_send(MessageId(9_999)).await);
    let inbound = store.list_messages(conversation).await.unwrap()[0].id;
    assert_not_found(store.reply_to_send(inbound).await);
}

async fn replies_of_a_conversation_leave_in_order(store: Arc<dyn Store>) {
    let a = email_thread(&store, "a").await;
    let b = store.ingest(&keyed(Channel::Chat, "b-1", "session-b"), &IngestLimits::default(), at(0)).await.unwrap();
    let a1 = store.queue_reply(a, None, &reply("eins"), at(100)).await.unwrap().message.id;
    let a2 = store.queue_reply(a, None, &reply("zwei"), at(101)).await.unwrap().message.id;
    let b1 = store.queue_reply(b.conversation_id, None, &reply("one"), at(102)).await.unwrap().message.id;

    assert_eq!(claim(&store, at(200)).await, [a1, b1], "a2 waits for a1");
    store.start_sending(a1, None, at(201)).await.unwrap();
    let retry = store.retry_reply(a1, "421 try again later", false, at(202)).await.unwrap();
    assert_eq!((retry.state, retry.reason.as_deref()), (DeliveryState::Queued, Some("421 try again later")));
    let due = retry.next_attempt_at.expect("a waiting reply says when it is tried next");
    assert_eq!(due, at(202).plus_millis(retry_delay_ms(1)));

    assert!(claim(&store, at(203)).await.is_empty(), "a1 backs off, and a2 still waits for it");
    assert_eq!(claim(&store, due).await, [a1]);
    store.start_sending(a1, None, due).await.unwrap();
    store.mark_sent(a1, None, due).await.unwrap();
    assert_eq!(claim(&store, due).await, [a2], "a1 gone: a2's turn");

    // A reply that failed for good holds nothing back.
    let a3 = store.queue_reply(a, None, &reply("drei"), due).await.unwrap().message.id;
    store.start_sending(a2, None, due).await.unwrap();
    store.fail_reply(a2, "550 mailbox unavailable", due).await.unwrap();
    assert_eq!(claim(&store, due).await, [a3]);
}

async fn temporary_failures_end_in_failed_or_uncertain(store: Arc<dyn Store>) {
    let conversation = email_thread(&store, "tmp").await;
    let refused = NewReply { resolve: true, ..reply("eins") };
    let first = store.queue_reply(conversation, None, &refused, at(100)).await.unwrap().message.id;
    let mut now = at(100);
    for attempt in 1..=SEND_REPLY_MAX_ATTEMPTS {
        assert_eq!(claim(&store, now).await, [first], "attempt {attempt}");
        store.start_sending(first, None, now).await.unwrap();
        let d = store.retry_reply(first, "connection refused", false, now).await.unwrap();
        now = d.next_attempt_at.unwrap_or(now);
        assert_eq!(d.state == DeliveryState::Failed, attempt == SEND_REPLY_MAX_ATTEMPTS, "attempt {attempt}");
    }
    let d = delivery(&store, first).await;
    assert_eq!(d.attempts, SEND_REPLY_MAX_ATTEMPTS);
    assert!(d.reason.as_deref().unwrap().starts_with("gave up after 36 attempts: connection refused"), "{d:?}");
    assert_eq!(store.get_conversation(conversation).await.unwrap().status, ConversationStatus::Open, "reopened");
    let dead = store.list_jobs(Some(JobState::Dead), 0).await.unwrap();
    assert_eq!(dead.len(), 1, "the job is dead: an admin may retry it");

    // Reconciliation that cannot reach the channel keeps the reply `sending`, and giving up on
    // it leaves it uncertain, never failed.
    let second = store.queue_reply(conversation, None, &reply("zwei"), now).await.unwrap().message.id;
    for attempt in 1..=SEND_REPLY_MAX_ATTEMPTS {
        assert_eq!(claim(&store, now).await, [second], "attempt {attempt}");
        if attempt == 1 {
            store.start_sending(second, None, now).await.unwrap();
        }
        let d = store.retry_reply(second, "cannot reach the channel", true, now).await.unwrap();
        if attempt < SEND_REPLY_MAX_ATTEMPTS {
            assert_eq!(d.state, DeliveryState::Sending);
        }
        now = d.next_attempt_at.unwrap_or(now.plus_millis(3_600_000));
    }
    let d = delivery(&store, second).await;
    assert_eq!((d.state, d.attempts), (DeliveryState::Uncertain, 1));
    assert!(claim(&store, now.plus_millis(100_000_000)).await.is_empty());
}

async fn refused_and_uncertain_replies(store: Arc<dyn Store>) {
    let conversation = email_thread(&store, "ref").await;
    let new = NewReply { resolve: true, ..reply("eins") };
    let refused = store.queue_reply(conversation, None, &new, at(100)).await.unwrap();
    assert_eq!(claim(&store, at(100)).await, [refused.message.id]);
    store.start_sending(refused.message.id, None, at(101)).await.unwrap();
    let d = store.fail_reply(refused.message.id, "550 5.1.1 no such user", at(102)).await.unwrap();
    assert_eq!((d.state, d.reason.as_deref()), (DeliveryState::Failed, Some("550 5.1.1 no such user")));
    assert_eq!(store.get_conversation(conversation).await.unwrap().status, ConversationStatus::Open, "reopened");
    assert!(claim(&store, at(10_000_000)).await.is_empty(), "refused: not retried on its own");
    // An admin retries the dead job once the cause is fixed: a refused reply never went out.
    store.retry_job(refused.job_id, at(200)).await.unwrap();
    assert_eq!(claim(&store, at(200)).await, [refused.message.id]);
    store.start_sending(refused.message.id, None, at(201)).await.unwrap();
    store.mark_sent(refused.message.id, None, at(202)).await.unwrap();

    let unsure = store.queue_reply(conversation, None, &reply("zwei"), at(300)).await.unwrap();
    assert_eq!(claim(&store, at(300)).await, [unsure.message.id]);
    assert_invalid(store.mark_uncertain(unsure.message.id, "crash", at(301)).await, "queued");
    store.start_sending(unsure.message.id, None, at(301)).await.unwrap();
    let d = store.mark_uncertain(unsure.message.id, "the process stopped mid-send", at(302)).await.unwrap();
    assert_eq!(d.state, DeliveryState::Uncertain);
    assert!(claim(&store, at(10_000_000)).await.is_empty(), "uncertain: never sent again on its own");
    assert!(store.retry_job(unsure.job_id, at(400)).await.is_err(), "nor from the admin queue");
    assert_invalid(store.start_sending(unsure.message.id, None, at(400)).await, "uncertain");
    // A channel that answers late is believed.
    assert_eq!(store.mark_sent(unsure.message.id, Some("ext-2"), at(500)).await.unwrap().state, DeliveryState::Sent);
    assert_eq!(store.get_message(unsure.message.id).await.unwrap().external_id.as_deref(), Some("ext-2"));
}

async fn expired_lease_hands_a_sending_reply_out_again(store: Arc<dyn Store>) {
    let conversation = email_thread(&store, "lease").await;
    let id = store.queue_reply(conversation, None, &reply("eins"), at(0)).await.unwrap().message.id;
    let later = store.queue_reply(conversation, None, &reply("zwei"), at(1)).await.unwrap().message.id;
    assert_eq!(store.claim_replies(5, 1_000, at(100)).await.unwrap().len(), 1);
    store.start_sending(id, Some("dragoman.lease@shop.example"), at(100)).await.unwrap();
    assert!(store.claim_replies(5, 1_000, at(1_099)).await.unwrap().is_empty(), "lease held; the later one waits");
    let again = store.claim_replies(5, 1_000, at(1_101)).await.unwrap();
    assert_eq!((again.len(), again[0].reply, again[0].job.attempts), (1, id, 2), "the sender died: due again");
    let to_send = store.reply_to_send(id).await.unwrap();
    assert_eq!(to_send.reply.delivery.unwrap().state, DeliveryState::Sending, "the worker must reconcile it");
    assert!(!claim(&store, at(1_102)).await.contains(&later));
}

async fn no_response_needed(store: Arc<dyn Store>) {
    let mut msg = keyed(Channel::Amazon, "amz-1", "alias@marketplace.amazon.de|302-1234567-1234567");
    msg.marketplace = Some(Marketplace::parse("amazon.de").unwrap());
    let conversation = ingest(&store, &msg, at(0)).await.conversation_id;
    assert!(store.get_conversation(conversation).await.unwrap().sla_due_at.is_some());
    let agent = store.create_agent(&new_agent("nora@shop.example"), at(0)).await.unwrap();

    let c = store.mark_no_response_needed(conversation, Some(agent.id), at(50)).await.unwrap();
    assert_eq!((c.status, c.sla_due_at), (ConversationStatus::Resolved, None));
    assert_eq!(c.tags, [NO_RESPONSE_NEEDED_TAG]);
    let note = store.list_messages(conversation).await.unwrap().pop().unwrap();
    assert_eq!((note.direction, note.author_id), (Direction::Note, Some(agent.id)));
    // Twice is harmless.
    assert_eq!(store.mark_no_response_needed(conversation, None, at(60)).await.unwrap().tags.len(), 1);

    store.set_status(conversation, ConversationStatus::Closed, at(70)).await.unwrap();
    assert_invalid(store.mark_no_response_needed(conversation, None, at(80)).await, "closed");
    assert_not_found(store.mark_no_response_needed(ConversationId(999), None, at(80)).await);
}

conformance!(
    reply_is_written_with_its_job,
    reply_is_sent_once,
    replies_of_a_conversation_leave_in_order,
    temporary_failures_end_in_failed_or_uncertain,
    refused_and_uncertain_replies,
    expired_lease_hands_a_sending_reply_out_again,
    no_response_needed,
);
