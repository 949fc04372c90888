-- SLA: each conversation's clock and its timeline. Kept column for column in step with
-- migrations/sqlite/0009_sla.sql.

-- The clock (dragoman_core::sla::SlaClock as JSON) carries paused time and breaches across
-- processes and restarts. due_at/warn_at copy its nearest running deadline so that the sweep
-- finds what is due with an index; warned_due_at/breached_due_at name the deadline whose
-- warning/breach was recorded, so each is recorded once per deadline.
CREATE TABLE conversation_sla (
    conversation_id BIGINT  PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    policy          TEXT    NOT NULL,
    clock           TEXT    NOT NULL,
    due_at          BIGINT,
    warn_at         BIGINT,
    warned_due_at   BIGINT,
    breached_due_at BIGINT,
    first_breach_at BIGINT,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX conversation_sla_due ON conversation_sla (due_at);
CREATE INDEX conversation_sla_warn ON conversation_sla (warn_at);

-- What happened to a conversation besides its messages (sla_policy, sla_warning, sla_breach),
-- oldest first; detail is a JSON object.
CREATE TABLE conversation_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id BIGINT  NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    at              BIGINT  NOT NULL,
    kind            TEXT    NOT NULL,
    detail          TEXT    NOT NULL
);
CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, at, id);
