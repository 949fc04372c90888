//! Agent replies into a visitor's chat, and the in-process signal that a session's stream grew.
//!
//! A reply is delivered when it is an event of the visitor's stream in the database: a widget
//! connected to this process is woken through the [`ChatHub`] and reads it at once, a widget
//! connected to another process finds it on its next look at the database, and a visitor who
//! comes back later gets it with the rest of the stream.

use crate::outbound::{ChannelSender, Delivered, OutboundReply, Reconciled, SendError};
use async_trait::async_trait;
use dragoman_core::{Channel, Timestamp};
use dragoman_store::chat::{ChatAuthor, ChatEvent, ChatSessionId, NewChatEvent};
use dragoman_store::{Store, StoreError};
use std::sync::Arc;
use tokio::sync::broadcast;

/// Tells the chat sockets of this process that a session has new events. A socket that falls
/// behind the channel's buffer simply reads its session again; nothing is carried here but ids.
#[derive(Debug, Clone)]
pub struct ChatHub {
    tx: broadcast::Sender<ChatSessionId>,
}

impl Default for ChatHub {
    fn default() -> Self {
        Self { tx: broadcast::channel(1024).0 }
    }
}

impl ChatHub {
    pub fn notify(&self, session: ChatSessionId) {
        // No receiver means no socket is open in this process: nothing to wake.
        let _ = self.tx.send(session);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ChatSessionId> {
        self.tx.subscribe()
    }
}

/// The [`ChannelSender`] of the `chat` channel.
pub struct ChatSender {
    store: Arc<dyn Store>,
    hub: ChatHub,
}

impl ChatSender {
    pub fn new(store: Arc<dyn Store>, hub: ChatHub) -> Self {
        Self { store, hub }
    }
}

fn session_of(reply: &OutboundReply) -> Result<ChatSessionId, SendError> {
    reply.thread_key.as_deref().and_then(|key| ChatSessionId::from_thread_key(Channel::Chat, key)).ok_or_else(|| {
        SendError::Permanent(format!(
            "conversation {} has no chat session to deliver to (thread key {:?})",
            reply.conversation_id, reply.thread_key
        ))
    })
}

fn delivered(event: &ChatEvent) -> Delivered {
    Delivered { external_id: Some(format!("{}:{}", event.session_id, event.seq)) }
}

#[async_trait]
impl ChannelSender for ChatSender {
    /// Appending is idempotent on the reply's message id, so a second attempt of a delivered
    /// reply finds the first event instead of showing the reply twice.
    async fn send(&self, reply: &OutboundReply) -> Result<Delivered, SendError> {
        let session_id = session_of(reply)?;
        let event = NewChatEvent {
            session_id,
            author: ChatAuthor::Agent,
            client_id: None,
            message_id: Some(reply.reply_id),
            body: &reply.body,
        };
        let now = Timestamp::from_datetime(chrono::Utc::now());
        let event = self.store.append_chat_event(&event, now).await.map_err(|e| match e {
            StoreError::NotFound { .. } | StoreError::Invalid(_) | StoreError::Conflict(_) => {
                SendError::Permanent(e.to_string())
            }
            other => SendError::Temporary(other.to_string()),
        })?;
        self.hub.notify(session_id);
        Ok(delivered(&event))
    }

    async fn reconcile(&self, reply: &OutboundReply) -> Result<Reconciled, SendError> {
        match self.store.chat_event_for_message(reply.reply_id).await {
            Ok(Some(event)) => Ok(Reconciled::Delivered(delivered(&event))),
            Ok(None) => Ok(Reconciled::NotDelivered),
            Err(e) => Err(SendError::Temporary(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::protocol::visitor_message;
    use dragoman_core::{ConversationId, MessageId};
    use dragoman_store::IngestLimits;
    use dragoman_store::chat::VisitorInfo;

    fn reply(reply_id: MessageId, conversation_id: ConversationId, thread_key: Option<String>) -> OutboundReply {
        OutboundReply {
            reply_id,
            conversation_id,
            channel: Channel::Chat,
            marketplace: None,
            recipient: None,
            thread_key,
            subject: None,
            body: "O seu pedido foi enviado.".into(),
            language: None,
            in_reply_to: None,
            references: Vec::new(),
            idempotency_key: format!("reply-{reply_id}"),
        }
    }

    #[tokio::test]
    async fn a_reply_becomes_one_event_of_the_visitors_stream() {
        let dir = tempfile::tempdir().unwrap();
        let store = dragoman_store::open(&dir.path().join("chat.db").display().to_string()).await.unwrap();
        let now = Timestamp(1_717_600_000_000);
        let session = store.create_chat_session("digest", &VisitorInfo::default(), now).await.unwrap().id;
        let question = visitor_message(session, "c1", "Onde está o meu pedido?", &[], b"{}".to_vec());
        let stored = store.ingest(&question, &IngestLimits::default(), now).await.unwrap();
        let agent = dragoman_store::NewAgent {
            name: "Alex".into(),
            email: "alex@example.com".into(),
            role: dragoman_core::Role::Agent,
            languages: Vec::new(),
            time_zone: "UTC".into(),
            team_id: None,
            password_hash: None,
        };
        let agent = store.create_agent(&agent, now).await.unwrap().id;
        // Any stored message of the conversation stands in for the reply row here.
        let answer = store.add_note(stored.conversation_id, agent, "Your order has shipped.", now).await.unwrap().id;

        let hub = ChatHub::default();
        let mut woken = hub.subscribe();
        let sender = ChatSender::new(store.clone(), hub);
        let outbound = reply(answer, stored.conversation_id, Some(session.thread_key()));
        assert_eq!(sender.reconcile(&outbound).await.unwrap(), Reconciled::NotDelivered);
        let first = sender.send(&outbound).await.unwrap();
        assert_eq!(first.external_id.as_deref(), Some(format!("{session}:1").as_str()));
        assert_eq!(woken.try_recv().unwrap(), session);
        assert_eq!(sender.send(&outbound).await.unwrap(), first, "a second attempt delivers nothing new");
        assert_eq!(sender.reconcile(&outbound).await.unwrap(), Reconciled::Delivered(first));
        let events = store.chat_events_after(session, 0, 0).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].author, events[0].body.as_str()), (ChatAuthor::Agent, "O seu pedido foi enviado."));

        let lost = reply(answer, stored.conversation_id, None);
        assert!(matches!(sender.send(&lost).await, Err(SendError::Permanent(m)) if m.contains("no chat session")));
        let other = store.add_note(stored.conversation_id, agent, "Anything else?", now).await.unwrap().id;
        let gone = reply(other, stored.conversation_id, Some("999".into()));
        assert!(matches!(sender.send(&gone).await, Err(SendError::Permanent(_))));
    }
}
