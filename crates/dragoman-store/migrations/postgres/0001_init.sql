CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Dragoman schema, PostgreSQL flavour. Kept column-for-column in step with
-- migrations/sqlite/0001_init.sql: both backends run the same queries (src/shared.rs).
-- Times are milliseconds since the Unix epoch; lists are JSON text.

CREATE TABLE raw_messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    media_type  TEXT    NOT NULL,
    bytes       BYTEA   NOT NULL,
    sha256      TEXT    NOT NULL,
    received_at BIGINT  NOT NULL
);

CREATE TABLE customers (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT,
    country    TEXT,
    tags       TEXT    NOT NULL DEFAULT '[]',
    notes      TEXT,
    created_at BIGINT  NOT NULL
);

-- Addresses are stored lower-cased: ingest looks buyers up by (channel, address).
CREATE TABLE customer_aliases (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT  NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    channel     TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    UNIQUE (channel, address)
);
CREATE INDEX customer_aliases_customer ON customer_aliases (customer_id);

CREATE TABLE orders (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    marketplace      TEXT    NOT NULL,
    order_number     TEXT    NOT NULL,
    customer_id      BIGINT  REFERENCES customers (id) ON DELETE SET NULL,
    status           TEXT    NOT NULL,
    currency         TEXT,
    total            TEXT,
    shipping_country TEXT,
    ordered_at       BIGINT,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (marketplace, order_number)
);
CREATE INDEX orders_order_number ON orders (order_number);
CREATE INDEX orders_customer ON orders (customer_id);

CREATE TABLE order_items (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position   BIGINT  NOT NULL,
    sku        TEXT,
    title      TEXT    NOT NULL,
    quantity   BIGINT  NOT NULL,
    unit_price TEXT
);
CREATE INDEX order_items_order ON order_items (order_id, position);

CREATE TABLE shipments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position        BIGINT  NOT NULL,
    carrier         TEXT,
    tracking_number TEXT,
    tracking_url    TEXT,
    status          TEXT,
    shipped_at      BIGINT
);
CREATE INDEX shipments_order ON shipments (order_id, position);
CREATE INDEX shipments_tracking_number ON shipments (tracking_number);

CREATE TABLE teams (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    working_language TEXT NOT NULL
);

-- Emails are stored lower-cased so logins and the uniqueness check ignore case.
CREATE TABLE agents (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL UNIQUE,
    role          TEXT    NOT NULL,
    languages     TEXT    NOT NULL DEFAULT '[]',
    time_zone     TEXT    NOT NULL,
    team_id       BIGINT  REFERENCES teams (id) ON DELETE SET NULL,
    password_hash TEXT,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE sessions (
    token_sha256 TEXT    PRIMARY KEY,
    agent_id     BIGINT  NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    token_sha256 TEXT    NOT NULL UNIQUE,
    created_at   BIGINT  NOT NULL
);

CREATE TABLE conversations (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel         TEXT    NOT NULL,
    marketplace     TEXT,
    thread_key      TEXT,
    subject         TEXT,
    status          TEXT    NOT NULL,
    customer_id     BIGINT  REFERENCES customers (id) ON DELETE SET NULL,
    order_id        BIGINT  REFERENCES orders (id) ON DELETE SET NULL,
    order_number    TEXT,
    buyer_language  TEXT,
    assignee_id     BIGINT  REFERENCES agents (id) ON DELETE SET NULL,
    team_id         BIGINT  REFERENCES teams (id) ON DELETE SET NULL,
    priority        BIGINT  NOT NULL,
    tier            TEXT    NOT NULL,
    intent          TEXT,
    escalated       BOOLEAN NOT NULL DEFAULT FALSE,
    sla_due_at      BIGINT,
    -- "No due time" sorts last, and keyset pagination needs a non-null key: derived, never written.
    sla_sort_key    BIGINT  NOT NULL GENERATED ALWAYS AS (coalesce(sla_due_at, 9223372036854775807)) STORED,
    last_message_at BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    message_count   BIGINT  NOT NULL DEFAULT 0,
    preview         TEXT
);
-- The inbox: every filter the list offers leads an index that ends in the sort key and id,
-- so a page is an index range scan whatever the table size.
CREATE INDEX conversations_sla ON conversations (sla_sort_key, id);
CREATE INDEX conversations_activity ON conversations (last_message_at, id);
CREATE INDEX conversations_status_sla ON conversations (status, sla_sort_key, id);
CREATE INDEX conversations_status_activity ON conversations (status, last_message_at, id);
CREATE INDEX conversations_assignee_sla ON conversations (assignee_id, status, sla_sort_key, id);
CREATE INDEX conversations_assignee_activity ON conversations (assignee_id, status, last_message_at, id);
CREATE INDEX conversations_channel_sla ON conversations (channel, status, sla_sort_key, id);
CREATE INDEX conversations_language_sla ON conversations (buyer_language, status, sla_sort_key, id);
CREATE INDEX conversations_intent_sla ON conversations (intent, status, sla_sort_key, id);
CREATE INDEX conversations_escalated_sla ON conversations (escalated, status, sla_sort_key, id);
-- Threading and order linking.
CREATE INDEX conversations_thread ON conversations (channel, thread_key, id);
CREATE INDEX conversations_order_number ON conversations (order_number);
CREATE INDEX conversations_customer ON conversations (customer_id);

CREATE TABLE conversation_tags (
    conversation_id BIGINT  NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    tag             TEXT    NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_tag ON conversation_tags (tag, conversation_id);

CREATE TABLE messages (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id     BIGINT  NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    direction           TEXT    NOT NULL,
    author_id           BIGINT  REFERENCES agents (id) ON DELETE SET NULL,
    sender              TEXT,
    sender_name         TEXT,
    channel             TEXT    NOT NULL,
    external_id         TEXT,
    rfc_message_id      TEXT,
    subject             TEXT,
    body_text           TEXT    NOT NULL,
    quoted_text         TEXT,
    body_html           TEXT,
    language            TEXT,
    language_confidence DOUBLE PRECISION,
    order_numbers       TEXT    NOT NULL DEFAULT '[]',
    warnings            TEXT    NOT NULL DEFAULT '[]',
    raw_id              BIGINT  REFERENCES raw_messages (id),
    enrichment          TEXT    NOT NULL,
    created_at          BIGINT  NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_rfc_message_id ON messages (rfc_message_id);

CREATE TABLE translations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id BIGINT  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    language   TEXT    NOT NULL,
    text       TEXT    NOT NULL,
    engine     TEXT    NOT NULL,
    model      TEXT,
    created_at BIGINT  NOT NULL,
    UNIQUE (message_id, language)
);

CREATE TABLE attachments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id   BIGINT  NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    sha256       TEXT    NOT NULL,
    stored       BOOLEAN NOT NULL,
    content      BYTEA
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    attempts     BIGINT  NOT NULL DEFAULT 0,
    max_attempts BIGINT  NOT NULL,
    run_at       BIGINT  NOT NULL,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);
-- Finished jobs pile up (one per message); the partial indexes keep claiming to the few live ones.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_lease ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_state ON jobs (state, id);

-- Text search over what buyers wrote and its translations: ILIKE served by trigram indexes,
-- which need no word boundaries, so Chinese and Japanese are searchable too.
CREATE INDEX messages_body_text_trgm ON messages USING gin (body_text gin_trgm_ops);
CREATE INDEX translations_text_trgm ON translations USING gin (text gin_trgm_ops);
