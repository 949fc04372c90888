-- IMAP mailboxes Dragoman polls: how far each has been read, and the messages it could not
-- ingest. Kept column-for-column in step with migrations/sqlite/0004_mailboxes.sql.

-- `mailbox` is the configured mailbox's name. Every message with a UID up to `last_uid` under
-- `uid_validity` is stored (or recorded in mailbox_failures); a new UIDVALIDITY starts again.
CREATE TABLE mailbox_cursors (
    mailbox      TEXT    PRIMARY KEY,
    uid_validity BIGINT  NOT NULL,
    last_uid     BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

-- A message ingest refused again and again: the poller records it here and goes on, so one
-- bad message cannot stop a mailbox. The email itself stays in the mailbox.
CREATE TABLE mailbox_failures (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox      TEXT    NOT NULL,
    uid_validity BIGINT  NOT NULL,
    uid          BIGINT  NOT NULL,
    error        TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX mailbox_failures_mailbox ON mailbox_failures (mailbox, id);
