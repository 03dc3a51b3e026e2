-- +goose Up
-- Paging: escalation policies, how each service is paged, maintenance
-- windows, pages and their timelines, and the one-time action links used.
CREATE TABLE escalation_policies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    repeats     INTEGER NOT NULL DEFAULT 0,
    steps       TEXT NOT NULL, -- JSON: [{targets: [{kind, id}], delay_minutes}]
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE service_paging (
    service_id     INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,
    policy_id      INTEGER REFERENCES escalation_policies(id) ON DELETE RESTRICT,
    im_schedule_id INTEGER REFERENCES oncall_schedules(id) ON DELETE SET NULL
);

CREATE TABLE maintenance_windows (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL,
    reason     TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX maintenance_windows_service ON maintenance_windows (service_id, ends_at);

CREATE TABLE pages (
    id              INTEGER PRIMARY KEY,
    service_id      INTEGER REFERENCES services(id) ON DELETE SET NULL,
    summary         TEXT NOT NULL,
    details         TEXT NOT NULL DEFAULT '',
    urgency         TEXT NOT NULL,
    source          TEXT NOT NULL,
    source_id       INTEGER NOT NULL DEFAULT 0,
    incident_number INTEGER,
    policy_id       INTEGER,
    policy          TEXT NOT NULL, -- JSON copy of the policy the page walks
    status          TEXT NOT NULL,
    next_round      INTEGER NOT NULL DEFAULT 0,
    next_step       INTEGER NOT NULL DEFAULT 0,
    next_at         TIMESTAMP,
    seq             INTEGER NOT NULL DEFAULT 0,
    last_fired      TEXT NOT NULL DEFAULT '', -- JSON position of the step fired last
    acked_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    acked_at        TIMESTAMP,
    resolved_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    resolved_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX pages_status ON pages (status, id);
CREATE INDEX pages_service ON pages (service_id, id);
-- The engine's due loop: triggered pages by deadline.
CREATE INDEX pages_due ON pages (next_at) WHERE status = 'triggered';
-- One open page per source (an alert group, an incident's declare): raising is idempotent.
CREATE UNIQUE INDEX pages_open_source ON pages (source, source_id)
    WHERE status IN ('triggered', 'acknowledged', 'suppressed') AND source <> 'manual';

CREATE TABLE page_events (
    id       INTEGER PRIMARY KEY,
    page_id  INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    at       TIMESTAMP NOT NULL,
    kind     TEXT NOT NULL,
    actor_id INTEGER,
    user_id  INTEGER,
    text     TEXT NOT NULL
);
CREATE INDEX page_events_page ON page_events (page_id, id);
CREATE INDEX page_events_user ON page_events (user_id, page_id) WHERE user_id IS NOT NULL;

CREATE TABLE page_link_uses (
    nonce   TEXT PRIMARY KEY,
    used_at TIMESTAMP NOT NULL
);

CREATE TABLE paging_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE paging_settings;
DROP TABLE page_link_uses;
DROP TABLE page_events;
DROP TABLE pages;
DROP TABLE maintenance_windows;
DROP TABLE service_paging;
DROP TABLE escalation_policies;
