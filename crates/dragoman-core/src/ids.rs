//! Database ids as distinct types.

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A conversation (one thread with one buyer on one channel).
    ConversationId,
    /// One message inside a conversation.
    MessageId,
    /// A buyer.
    CustomerId,
    /// The store's own record of an order (not the marketplace's order number).
    OrderId,
    /// An agent, admin or partner login.
    AgentId,
    /// A team of agents.
    TeamId,
    /// A durable background job.
    JobId,
    /// An attachment stored with a message.
    AttachmentId,
    /// The raw bytes of an inbound message as received.
    RawMessageId,
);
