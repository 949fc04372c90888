-- Translation, PostgreSQL flavour: the engines' output cache, the store's glossary, messages
-- waiting for an engine, and reply previews. Kept column for column in step with
-- migrations/sqlite/0008_translation.sql.

-- One engine's output for one masked input (protected spans are markers, so no order numbers
-- or addresses are in here). The key names what produced it: a new model is a new key, and an
-- entry is never stale.
CREATE TABLE translation_cache (
    engine          TEXT    NOT NULL,
    model           TEXT    NOT NULL,
    source_language TEXT    NOT NULL,
    target_language TEXT    NOT NULL,
    text_sha256     TEXT    NOT NULL,
    source_text     TEXT    NOT NULL,
    translation     TEXT    NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (engine, model, source_language, target_language, text_sha256)
);

-- Terms kept as written (translation NULL) or always rendered one way. '*' stands for any
-- language, so that the uniqueness rule sees it (NULLs are never equal).
CREATE TABLE glossary_terms (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    term            TEXT    NOT NULL,
    source_language TEXT    NOT NULL,
    target_language TEXT    NOT NULL,
    translation     TEXT,
    updated_at      BIGINT NOT NULL,
    UNIQUE (term, source_language, target_language)
);

-- A message no engine could translate into a working language yet: it stays readable in the
-- original, and the pending sweep tries it again (least recently tried first).
CREATE TABLE translation_pending (
    message_id      BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    language        TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    attempts        BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (message_id, language)
);
CREATE INDEX translation_pending_due ON translation_pending (updated_at, message_id);

-- What an agent saw before sending: the reply route sends `translation` of the preview the
-- request names, byte for byte.
CREATE TABLE reply_previews (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id  BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    agent_id         BIGINT REFERENCES agents (id) ON DELETE SET NULL,
    source_language  TEXT    NOT NULL,
    target_language  TEXT    NOT NULL,
    text             TEXT    NOT NULL,
    translation      TEXT    NOT NULL,
    back_translation TEXT,
    engine           TEXT    NOT NULL,
    model            TEXT,
    spans            TEXT    NOT NULL,
    warnings         TEXT    NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX reply_previews_conversation ON reply_previews (conversation_id, id);
