-- +goose Up
CREATE TABLE integrations (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    service_id        INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    key_hash          TEXT NOT NULL UNIQUE,
    key_hint          TEXT NOT NULL,
    config            TEXT NOT NULL DEFAULT '{}',
    heartbeat_minutes INTEGER NOT NULL DEFAULT 0,
    last_seen_at      TIMESTAMP,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE routing_rules (
    id         INTEGER PRIMARY KEY,
    position   INTEGER NOT NULL,
    name       TEXT NOT NULL,
    condition  TEXT NOT NULL,
    service_id INTEGER REFERENCES services(id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    severity   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE alert_groups (
    id              INTEGER PRIMARY KEY,
    service_id      INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    group_key       TEXT NOT NULL,
    title           TEXT NOT NULL,
    severity        TEXT NOT NULL,
    state           TEXT NOT NULL,
    triage          TEXT NOT NULL,
    route           TEXT NOT NULL,
    incident_number INTEGER REFERENCES incidents(number),
    open_alerts     INTEGER NOT NULL DEFAULT 0,
    alert_count     INTEGER NOT NULL DEFAULT 0,
    dismiss_reason  TEXT NOT NULL DEFAULT '',
    dismiss_note    TEXT NOT NULL DEFAULT '',
    decided_by      INTEGER,
    decided_at      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    resolved_at     TIMESTAMP
);
-- One open group per (service, group key): new alerts join it.
CREATE UNIQUE INDEX alert_groups_open ON alert_groups (service_id, group_key) WHERE state = 'open';
CREATE INDEX alert_groups_triage ON alert_groups (triage, id);
CREATE INDEX alert_groups_incident ON alert_groups (incident_number);

CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY,
    integration_id INTEGER NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    group_id       INTEGER NOT NULL REFERENCES alert_groups(id) ON DELETE CASCADE,
    dedup_key      TEXT NOT NULL,
    status         TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    severity       TEXT NOT NULL,
    source         TEXT NOT NULL,
    labels         TEXT NOT NULL,
    links          TEXT NOT NULL,
    event_count    INTEGER NOT NULL,
    first_seen     TIMESTAMP NOT NULL,
    last_seen      TIMESTAMP NOT NULL,
    resolved_at    TIMESTAMP
);
-- At most one unresolved alert per dedup key: re-sent events update it, and
-- a trigger after a resolve opens a new one.
CREATE UNIQUE INDEX alerts_open ON alerts (integration_id, dedup_key) WHERE status <> 'resolved';
CREATE INDEX alerts_group ON alerts (group_id, id);

-- Every accepted request body, as received, for audit and re-processing;
-- pruned after the retention period.
CREATE TABLE alert_events (
    id             INTEGER PRIMARY KEY,
    integration_id INTEGER NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    received_at    TIMESTAMP NOT NULL,
    body           BLOB NOT NULL
);
CREATE INDEX alert_events_received ON alert_events (received_at);

-- Where a team hears about new triage items until on-call paging exists.
CREATE TABLE team_triage_hooks (
    team_id INTEGER PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    url     TEXT NOT NULL,
    secret  TEXT NOT NULL
);

-- +goose Down
DROP TABLE team_triage_hooks;
DROP TABLE alert_events;
DROP TABLE alerts;
DROP TABLE alert_groups;
DROP TABLE routing_rules;
DROP TABLE integrations;
