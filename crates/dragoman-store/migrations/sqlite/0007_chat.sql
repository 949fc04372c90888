-- Live chat (dragoman-channels::chat). Kept column-for-column in step with
-- migrations/postgres/0007_chat.sql.

-- One website visitor: the widget keeps the secret token in the browser's localStorage; only
-- its digest is stored. The session id is the chat conversation's thread key.
CREATE TABLE chat_sessions (
    id           INTEGER PRIMARY KEY,
    token_sha256 TEXT    NOT NULL UNIQUE,
    -- What the browser reported last: navigator.languages (JSON list, most preferred first),
    -- its IANA time zone and the page the widget was opened on.
    languages    TEXT    NOT NULL DEFAULT '[]',
    time_zone    TEXT,
    page_url     TEXT,
    -- Left on the "nobody is online" form.
    email        TEXT,
    -- The sequence number of the newest event; bumped in the transaction that appends one, so
    -- events of a session become visible in sequence order on both backends.
    last_seq     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);

-- What the visitor's widget shows, in order: their own messages and the replies delivered to
-- them (exactly the text they were shown). A reconnecting widget asks for the events after the
-- last sequence number it saw, so nothing is kept in a server's memory.
CREATE TABLE chat_events (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    author     TEXT    NOT NULL,
    -- The widget's id for a visitor message: a resend after a reconnect is the same event.
    client_id  TEXT,
    message_id INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (session_id, seq),
    UNIQUE (session_id, client_id),
    UNIQUE (message_id)
);

-- When each agent last showed a sign of life (the agent UI's heartbeat): "somebody is online"
-- for the chat widget.
CREATE TABLE agent_presence (
    agent_id     INTEGER PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX agent_presence_seen ON agent_presence (last_seen_at);
