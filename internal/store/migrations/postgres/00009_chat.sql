-- +goose Up
-- Chat: the channel of each incident and what Firebreak did in it, the links
-- between Firebreak users and chat users, and the chat messages captured on
-- incident timelines.
CREATE TABLE chat_channels (
    incident_number BIGINT PRIMARY KEY REFERENCES incidents(number) ON DELETE CASCADE,
    platform        TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    channel_name    TEXT NOT NULL,
    card_ts         TEXT NOT NULL DEFAULT '',
    pinned          BOOLEAN NOT NULL DEFAULT FALSE,
    topic           TEXT NOT NULL DEFAULT '',
    invited         JSONB NOT NULL DEFAULT '[]',
    announced       BOOLEAN NOT NULL DEFAULT FALSE,
    summarized      BOOLEAN NOT NULL DEFAULT FALSE,
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (platform, channel_id)
);

CREATE TABLE chat_user_links (
    user_id      BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    chat_user_id TEXT NOT NULL,
    how          TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (platform, chat_user_id)
);

CREATE TABLE chat_captures (
    platform        TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    message_ts      TEXT NOT NULL,
    incident_number BIGINT NOT NULL REFERENCES incidents(number) ON DELETE CASCADE,
    author          TEXT NOT NULL,
    text            TEXT NOT NULL,
    permalink       TEXT NOT NULL DEFAULT '',
    deleted         BOOLEAN NOT NULL DEFAULT FALSE,
    captured_at     TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, channel_id, message_ts)
);
CREATE INDEX chat_captures_incident ON chat_captures (incident_number);

-- One channel sync at a time per incident: a lease, so two jobs of the
-- same incident never both post its card; it expires if a node dies.
CREATE TABLE chat_locks (
    incident_number BIGINT PRIMARY KEY,
    holder          TEXT NOT NULL,
    until_ms        BIGINT NOT NULL
);

-- Each incident's conference link, made from the template when it is
-- declared (the incident's own conference_url, set by a person, wins).
CREATE TABLE chat_call_links (
    incident_number BIGINT PRIMARY KEY REFERENCES incidents(number) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE chat_call_links;
DROP TABLE chat_locks;
DROP TABLE chat_captures;
DROP TABLE chat_user_links;
DROP TABLE chat_channels;
