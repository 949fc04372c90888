//! One incremental poll of a seller's member conversations.
//!
//! The cursor is the newest `latestMessage.createdDate` of the last complete poll; the next
//! poll asks for conversations active since a little before it (eBay's clock decides both, and
//! the overlap catches a message that became visible late). Per conversation the newest
//! message imported is remembered, so a conversation listed again without news is not fetched
//! again. New messages go through ingest, which deduplicates on eBay's message id; the cursor
//! moves only when every conversation of the poll was imported, so a failure is retried by the
//! next poll rather than skipped.

use super::api::{ConversationDetail, MessageDetail};
use super::{Ebay, EbayError};
use async_trait::async_trait;
use dragoman_core::{Channel, InboundMessage, OrderNumber, RawInput, ThreadHints, Timestamp};
use dragoman_store::MarketplaceStore;
use dragoman_store::marketplace::EbayConversationMark;
use serde_json::Value;

/// Buyer-to-seller conversations; `FROM_EBAY` holds eBay's own notices.
pub const MEMBER_CONVERSATIONS: &str = "FROM_MEMBERS";
/// How far before the cursor each poll looks again.
const OVERLAP_MS: i64 = 10 * 60 * 1000;

/// Where polled messages go: the server's ingest.
#[async_trait]
pub trait Sink: Send + Sync {
    /// Stores one message; `Ok(true)` when new, `Ok(false)` when already stored.
    async fn ingest(&self, message: &InboundMessage) -> Result<bool, String>;
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollReport {
    /// Conversations eBay listed as active since the cursor.
    pub listed: usize,
    /// Conversations with news, whose messages were fetched.
    pub fetched: usize,
    /// Buyer messages stored by this poll.
    pub imported: usize,
    /// Conversations that failed (the cursor then stays, and the next poll tries them again).
    pub failed: usize,
}

/// The cursor's key in [`MarketplaceStore::poll_cursor`].
pub fn cursor_source(account: &str) -> String {
    format!("ebay:{account}:{MEMBER_CONVERSATIONS}")
}

pub async fn poll_once(
    ebay: &Ebay,
    store: &dyn MarketplaceStore,
    sink: &dyn Sink,
    now: Timestamp,
) -> Result<PollReport, EbayError> {
    let source = cursor_source(&ebay.account);
    let cursor = store.poll_cursor(&source).await?.and_then(|c| c.parse::<i64>().ok()).map(Timestamp);
    let start = match cursor {
        Some(cursor) => Timestamp(cursor.0 - OVERLAP_MS),
        None => Timestamp(now.0 - ebay.backfill_ms),
    };
    let conversations = ebay.api.conversations(MEMBER_CONVERSATIONS, Some(start)).await?;
    let mut report = PollReport { listed: conversations.len(), ..PollReport::default() };
    let mut newest = cursor;
    for conversation in &conversations {
        let Some(latest) = &conversation.latest_message else { continue };
        let mark = store.ebay_conversation_mark(&ebay.account, &conversation.conversation_id).await?;
        if mark.is_none_or(|m| m.last_message_id != latest.message_id) {
            report.fetched += 1;
            match import_conversation(ebay, store, sink, conversation, latest, now).await {
                Ok(imported) => report.imported += imported,
                Err(e) => {
                    report.failed += 1;
                    tracing::warn!(conversation = %conversation.conversation_id, error = %e, "eBay conversation not imported; the next poll retries it");
                    continue;
                }
            }
        }
        newest = newest.max(latest.created());
    }
    if report.failed == 0
        && let Some(newest) = newest
        && Some(newest) != cursor
    {
        store.set_poll_cursor(&source, &newest.0.to_string(), now).await?;
    }
    Ok(report)
}

/// Stores the buyer's messages of one conversation and remembers its newest message.
async fn import_conversation(
    ebay: &Ebay,
    store: &dyn MarketplaceStore,
    sink: &dyn Sink,
    conversation: &ConversationDetail,
    latest: &MessageDetail,
    now: Timestamp,
) -> Result<usize, EbayError> {
    let id = &conversation.conversation_id;
    let full = ebay.api.conversation(id, &conversation.conversation_type).await?;
    let title = full.title.as_deref().or(conversation.conversation_title.as_deref());
    let mut imported = 0;
    for (message, json) in &full.messages {
        let from_seller = message.sender_username.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(&ebay.account));
        if from_seller {
            continue;
        }
        let inbound = to_inbound(ebay, id, title, message, json);
        if sink.ingest(&inbound).await.map_err(EbayError::Payload)? {
            imported += 1;
        }
    }
    let mark = EbayConversationMark {
        conversation_id: id.clone(),
        conversation_type: conversation.conversation_type.clone(),
        last_message_id: latest.message_id.clone(),
        last_message_at: latest.created().unwrap_or(now),
    };
    store.set_ebay_conversation_mark(&ebay.account, &mark, now).await?;
    Ok(imported)
}

/// One buyer message as ingest stores it: channel eBay, threaded by the eBay conversation,
/// deduplicated by eBay's message id, the JSON kept as the raw input.
pub fn to_inbound(
    ebay: &Ebay,
    conversation_id: &str,
    title: Option<&str>,
    message: &MessageDetail,
    json: &Value,
) -> InboundMessage {
    let subject = message.subject.as_deref().or(title).map(str::to_owned);
    let text = format!("{}\n{}", subject.as_deref().unwrap_or_default(), message.message_body);
    // Media stay at eBay: the agent gets their links, not copies.
    let warnings = message
        .message_media
        .iter()
        .filter_map(|m| {
            let url = m.media_url.as_deref()?;
            Some(format!("attachment {} is at eBay: {url}", m.media_name.as_deref().unwrap_or("(unnamed)")))
        })
        .collect();
    InboundMessage {
        channel: Channel::Ebay,
        marketplace: Some(ebay.marketplace.clone()),
        external_id: message.message_id.clone(),
        thread: ThreadHints { thread_key: Some(conversation_id.to_owned()), ..ThreadHints::default() },
        sender: message.sender_username.clone().unwrap_or_else(|| "unknown eBay member".into()),
        sender_name: None,
        subject,
        body_text: message.message_body.clone(),
        quoted_text: None,
        body_html: None,
        language_hint: ebay.marketplace.language_prior(),
        order_numbers: OrderNumber::find_all(&text).into_iter().map(|o| o.text).collect(),
        attachments: Vec::new(),
        warnings,
        sent_at: message.created(),
        raw: Some(RawInput { media_type: "application/json".into(), bytes: json.to_string().into_bytes() }),
    }
}
