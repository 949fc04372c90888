-- eBay Message API polling: where the last complete poll got to, and per eBay conversation the
-- newest message imported, so a restart neither fetches again nor skips. Kept column for column
-- in step with migrations/postgres/0006_ebay.sql.

-- One row per polled source (e.g. `ebay:lumenhaus:FROM_MEMBERS`); `position` is the source's
-- own cursor (for eBay, the newest latestMessage.createdDate of a complete poll, in ms).
CREATE TABLE poll_cursors (
    source     TEXT    PRIMARY KEY,
    position   TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE ebay_conversations (
    account           TEXT    NOT NULL,
    conversation_id   TEXT    NOT NULL,
    conversation_type TEXT    NOT NULL,
    last_message_id   TEXT    NOT NULL,
    last_message_at   INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (account, conversation_id)
);
