-- +goose Up
-- Personal notifications: contact methods (verified before use), rules,
-- settings, messages (one per idempotency key), deliveries and the summary
-- batches that throttled or digested deliveries are collapsed into.
CREATE TABLE contact_methods (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,
    name               TEXT NOT NULL,
    address            TEXT NOT NULL,
    verified_at        TIMESTAMP,
    code_hash          TEXT NOT NULL DEFAULT '',
    code_expires_at    TIMESTAMP,
    code_attempts      INTEGER NOT NULL DEFAULT 0,
    code_sends         INTEGER NOT NULL DEFAULT 0,
    code_sends_since   TIMESTAMP,
    lock_seq           INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    UNIQUE (user_id, kind, address)
);

CREATE TABLE notification_rules (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    contact_id    INTEGER NOT NULL REFERENCES contact_methods(id) ON DELETE CASCADE,
    urgency       TEXT NOT NULL,
    delay_seconds INTEGER NOT NULL,
    UNIQUE (contact_id, urgency, delay_seconds)
);
CREATE INDEX notification_rules_user ON notification_rules (user_id);

CREATE TABLE notification_settings (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    digest_seconds INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE notification_messages (
    id         INTEGER PRIMARY KEY,
    msg_key    TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    urgency    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    page_id    INTEGER NOT NULL DEFAULT 0,
    actions    TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE notification_batches (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact_methods(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    due_at     TIMESTAMP NOT NULL,
    state      TEXT NOT NULL,
    count      INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    sent_at    TIMESTAMP,
    UNIQUE (contact_id, reason, due_at)
);

CREATE TABLE notification_deliveries (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES notification_messages(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    contact_id INTEGER REFERENCES contact_methods(id) ON DELETE SET NULL,
    kind       TEXT NOT NULL,
    address    TEXT NOT NULL,
    state      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    due_at     TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP,
    sent_at    TIMESTAMP,
    batch_id   INTEGER REFERENCES notification_batches(id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX notification_deliveries_user ON notification_deliveries (user_id, id);
CREATE INDEX notification_deliveries_message ON notification_deliveries (message_id);
-- The throttle counts a contact method's claims in its window.
CREATE INDEX notification_deliveries_claims ON notification_deliveries (contact_id, claimed_at);
CREATE INDEX notification_deliveries_batch ON notification_deliveries (batch_id);
CREATE INDEX notification_messages_page ON notification_messages (page_id) WHERE page_id <> 0;

-- +goose Down
DROP TABLE notification_deliveries;
DROP TABLE notification_batches;
DROP TABLE notification_messages;
DROP TABLE notification_settings;
DROP TABLE notification_rules;
DROP TABLE contact_methods;
