-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    handle        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    time_zone     TEXT NOT NULL DEFAULT 'UTC',
    level         TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE services (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    description   TEXT NOT NULL DEFAULT '',
    owner_team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    links         TEXT NOT NULL DEFAULT '[]',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('incident', 0);

CREATE TABLE incidents (
    number     INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    severity   TEXT NOT NULL,
    stage      TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version    INTEGER NOT NULL
);
CREATE INDEX incidents_stage ON incidents (stage, number);

CREATE TABLE incident_services (
    incident_number INTEGER NOT NULL REFERENCES incidents(number) ON DELETE CASCADE,
    service         TEXT NOT NULL,
    PRIMARY KEY (incident_number, service)
);
CREATE INDEX incident_services_service ON incident_services (service, incident_number);

CREATE TABLE incident_events (
    id              INTEGER PRIMARY KEY,
    incident_number INTEGER NOT NULL REFERENCES incidents(number),
    seq             INTEGER NOT NULL,
    at              TIMESTAMP NOT NULL,
    actor_id        INTEGER,
    actor_name      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    before          TEXT,
    after           TEXT,
    note            TEXT NOT NULL DEFAULT '',
    key_moment      BOOLEAN NOT NULL DEFAULT FALSE,
    ref             INTEGER NOT NULL DEFAULT 0,
    UNIQUE (incident_number, seq)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    remote_addr  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TIMESTAMP NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT NOT NULL,
    source     TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE incident_events;
DROP TABLE incident_services;
DROP TABLE incidents;
DROP TABLE counters;
DROP TABLE services;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE users;
