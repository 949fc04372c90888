-- What enrichment understood about a message (language aside): intent, escalation, entities.
-- JSON, because its shape grows with the models; the conversation keeps the columns it is
-- filtered and sorted on (intent, escalated, priority).
ALTER TABLE messages ADD COLUMN analysis TEXT;

-- Labelled examples from the store's own agents (an intent corrected in the UI or API); the
-- intent classifier learns from them next to the examples shipped with Dragoman.
CREATE TABLE intent_examples (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text              TEXT    NOT NULL,
    intent            TEXT    NOT NULL,
    language          TEXT,
    source_message_id BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    created_by        BIGINT REFERENCES agents (id) ON DELETE SET NULL,
    created_at        BIGINT NOT NULL
);

-- The store's reply templates (SOPs): they override a shipped default with the same key and
-- language, or add new ones.
CREATE TABLE reply_templates (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    intent     TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    condition  TEXT    NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (key, language)
);
