//! A conversation: one thread with one buyer on one channel, and its status machine.

use crate::channel::vocabulary;
use crate::{AgentId, Channel, ConversationId, CustomerId, LanguageTag, Marketplace, OrderId, TeamId, Timestamp};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Where a conversation stands. `pending` waits on the buyer, `snoozed` waits on a date,
    /// `closed` is final: a new buyer message then starts a new conversation.
    ConversationStatus, "status" {
        Open => "open",
        Pending => "pending",
        Snoozed => "snoozed",
        Resolved => "resolved",
        Closed => "closed",
    }
);

impl ConversationStatus {
    /// Whether an agent may move a conversation from `self` to `to`.
    pub fn can_become(self, to: ConversationStatus) -> bool {
        use ConversationStatus::*;
        match (self, to) {
            (a, b) if a == b => false,
            (Closed, _) => false,
            (Open | Pending | Snoozed | Resolved, _) => true,
        }
    }

    /// The status after a new buyer message arrives, or `None` when the conversation is
    /// closed and the message must start a new one.
    pub fn on_buyer_message(self) -> Option<ConversationStatus> {
        match self {
            ConversationStatus::Closed => None,
            _ => Some(ConversationStatus::Open),
        }
    }
}

vocabulary!(
    /// How soon a conversation must be looked at, lowest first.
    Priority, "priority" {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
);

impl Priority {
    pub fn rank(self) -> i64 {
        match self {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }

    pub fn from_rank(rank: i64) -> Priority {
        match rank {
            i64::MIN..=0 => Priority::Low,
            1 => Priority::Normal,
            2 => Priority::High,
            _ => Priority::Urgent,
        }
    }
}

vocabulary!(
    /// Who answers: tier 1 the automatic answers, tier 2 the agents, tier 3 a local partner.
    Tier, "tier" {
        Auto => "auto",
        Agent => "agent",
        Partner => "partner",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversation {
    pub id: ConversationId,
    pub channel: Channel,
    pub marketplace: Option<Marketplace>,
    pub subject: Option<String>,
    pub status: ConversationStatus,
    pub customer_id: Option<CustomerId>,
    pub order_id: Option<OrderId>,
    /// The marketplace order number the thread is about, as the buyer wrote it.
    pub order_number: Option<String>,
    pub buyer_language: Option<LanguageTag>,
    pub assignee_id: Option<AgentId>,
    pub team_id: Option<TeamId>,
    pub priority: Priority,
    pub tier: Tier,
    pub tags: Vec<String>,
    pub intent: Option<String>,
    pub escalated: bool,
    pub sla_due_at: Option<Timestamp>,
    pub last_message_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub message_count: i64,
    /// The start of the newest message, for inbox previews.
    pub preview: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConversationStatus::*;

    #[test]
    fn closed_is_final_and_buyer_reopens_the_rest() {
        assert!(!Closed.can_become(Open));
        assert!(Resolved.can_become(Open));
        assert!(Open.can_become(Closed));
        assert!(!Open.can_become(Open));
        assert_eq!(Resolved.on_buyer_message(), Some(Open));
        assert_eq!(Pending.on_buyer_message(), Some(Open));
        assert_eq!(Closed.on_buyer_message(), None);
    }

    #[test]
    fn priority_rank_round_trips() {
        for p in Priority::ALL {
            assert_eq!(Priority::from_rank(p.rank()), *p);
        }
    }
}
