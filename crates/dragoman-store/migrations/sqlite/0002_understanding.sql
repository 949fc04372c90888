-- What enrichment understood about a message (language aside): intent, escalation, entities.
-- JSON, because its shape grows with the models; the conversation keeps the columns it is
-- filtered and sorted on (intent, escalated, priority).
ALTER TABLE messages ADD COLUMN analysis TEXT;

-- Labelled examples from the store's own agents (an intent corrected in the UI or API); the
-- intent classifier learns from them next to the examples shipped with Dragoman.
CREATE TABLE intent_examples (
    id                INTEGER PRIMARY KEY,
    text              TEXT    NOT NULL,
    intent            TEXT    NOT NULL,
    language          TEXT,
    source_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_by        INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL
);

-- The store's reply templates (SOPs): they override a shipped default with the same key and
-- language, or add new ones.
CREATE TABLE reply_templates (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL,
    language   TEXT    NOT NULL,
    intent     TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    condition  TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (key, language)
);
