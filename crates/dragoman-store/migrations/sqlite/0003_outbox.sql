-- The outbox: every reply an agent sends (an outbound message), where it stands on its way to
-- the buyer, and the `send_reply` job that delivers it. The reply, this row and the job are
-- written in one transaction; the send worker moves `state` on. Kept column for column in
-- step with migrations/postgres/0003_outbox.sql.
CREATE TABLE outbox (
    message_id        INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id   INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    job_id            INTEGER NOT NULL REFERENCES jobs (id),
    -- queued, sending, sent, failed, uncertain (dragoman_core::DeliveryState).
    state             TEXT    NOT NULL,
    reason            TEXT,
    -- Stable across attempts: the channel deduplicates on it or, for email, it is the Message-ID.
    idempotency_key   TEXT    NOT NULL UNIQUE,
    attempts          INTEGER NOT NULL DEFAULT 0,
    -- What the agent wrote in their own language when the reply went out translated.
    original_text     TEXT,
    original_language TEXT,
    queued_at         INTEGER NOT NULL,
    sent_at           INTEGER,
    updated_at        INTEGER NOT NULL
);
-- Replies of a conversation leave in the order they were written: the claim looks for an
-- earlier reply of the same conversation still on its way.
CREATE INDEX outbox_conversation ON outbox (conversation_id, message_id);
CREATE INDEX outbox_job ON outbox (job_id);
