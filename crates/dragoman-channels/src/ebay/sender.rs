//! Replies into an eBay conversation (sendMessage). eBay takes no idempotency key, so after a
//! crash mid-send [`EbaySender::reconcile`] looks in the conversation for a message from the
//! seller with exactly the reply's text.

use super::EbayError;
use super::api::{MAX_MESSAGE_CHARS, MessageApi};
use super::poll::MEMBER_CONVERSATIONS;
use crate::outbound::{ChannelSender, Delivered, OutboundReply, Reconciled, SendError};
use async_trait::async_trait;
use std::sync::Arc;

pub struct EbaySender {
    api: Arc<MessageApi>,
    seller: String,
}

impl EbaySender {
    pub fn new(api: Arc<MessageApi>, seller: String) -> Self {
        Self { api, seller }
    }
}

fn conversation_of(reply: &OutboundReply) -> Result<&str, SendError> {
    reply
        .thread_key
        .as_deref()
        .ok_or_else(|| SendError::Permanent("the conversation has no eBay conversation id to answer in".into()))
}

/// Network trouble, throttling, eBay's own failures and a token eBay would not renew (fixed by
/// an admin, then retried) are worth retrying; a request eBay refuses is not.
fn classify(e: EbayError) -> SendError {
    match e {
        EbayError::Status { status, .. } if status == 429 || status >= 500 => SendError::Temporary(e.to_string()),
        EbayError::Status { .. } | EbayError::Payload(_) | EbayError::Config(_) => SendError::Permanent(e.to_string()),
        EbayError::Unreachable(_) | EbayError::Auth(_) | EbayError::Store(_) => SendError::Temporary(e.to_string()),
    }
}

#[async_trait]
impl ChannelSender for EbaySender {
    async fn send(&self, reply: &OutboundReply) -> Result<Delivered, SendError> {
        let conversation = conversation_of(reply)?;
        if reply.body.chars().count() > MAX_MESSAGE_CHARS {
            return Err(SendError::Permanent(format!(
                "eBay messages hold at most {MAX_MESSAGE_CHARS} characters; shorten the reply"
            )));
        }
        let sent = self.api.send_message(conversation, &reply.body).await.map_err(classify)?;
        Ok(Delivered { external_id: Some(sent.message_id) })
    }

    async fn reconcile(&self, reply: &OutboundReply) -> Result<Reconciled, SendError> {
        let conversation = conversation_of(reply)?;
        let messages = self.api.conversation(conversation, MEMBER_CONVERSATIONS).await.map_err(classify)?.messages;
        let ours = messages.into_iter().map(|(m, _)| m).find(|m| {
            m.sender_username.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&self.seller))
                && m.message_body.trim() == reply.body.trim()
        });
        Ok(match ours {
            Some(m) => Reconciled::Delivered(Delivered { external_id: Some(m.message_id) }),
            None => Reconciled::NotDelivered,
        })
    }
}
