-- +goose Up
-- Status pages: public incidents, components and their history, subscribers.
CREATE TABLE status_pages (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    host         TEXT NOT NULL DEFAULT '',
    logo_url     TEXT NOT NULL DEFAULT '',
    time_zone    TEXT NOT NULL DEFAULT 'UTC',
    support_text TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
INSERT INTO status_pages (slug, name, time_zone, created_at, updated_at)
    VALUES ('default', 'Status', 'UTC', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE status_groups (
    id          INTEGER PRIMARY KEY,
    page_id     INTEGER NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (page_id, name)
);

CREATE TABLE status_components (
    id          INTEGER PRIMARY KEY,
    page_id     INTEGER NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
    group_id    INTEGER REFERENCES status_groups(id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    services    TEXT NOT NULL DEFAULT '[]',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (page_id, name)
);

CREATE TABLE status_component_history (
    id           INTEGER PRIMARY KEY,
    component_id INTEGER NOT NULL REFERENCES status_components(id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    at           TIMESTAMP NOT NULL
);
CREATE INDEX status_component_history_at ON status_component_history (at, component_id);
-- The snapshot reads each component's last change before its window.
CREATE INDEX status_component_history_component ON status_component_history (component_id, at);

CREATE TABLE status_incidents (
    id              INTEGER PRIMARY KEY,
    page_id         INTEGER NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    incident_number INTEGER REFERENCES incidents(number) ON DELETE SET NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    impact          TEXT NOT NULL,
    scheduled_for   TIMESTAMP,
    scheduled_until TIMESTAMP,
    components      TEXT NOT NULL DEFAULT '[]',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    monitoring_at   TIMESTAMP,
    resolved_at     TIMESTAMP
);
CREATE UNIQUE INDEX status_incidents_incident ON status_incidents (page_id, incident_number) WHERE incident_number IS NOT NULL;
CREATE INDEX status_incidents_page ON status_incidents (page_id, created_at);

CREATE TABLE status_updates (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES status_incidents(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    body        TEXT NOT NULL,
    affected    TEXT NOT NULL DEFAULT '[]',
    actor_name  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX status_updates_incident ON status_updates (incident_id, id);

CREATE TABLE status_templates (
    status     TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE status_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE status_subscribers (
    id           INTEGER PRIMARY KEY,
    page_id      INTEGER NOT NULL REFERENCES status_pages(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    address      TEXT NOT NULL,
    components   TEXT NOT NULL DEFAULT '[]',
    secret       TEXT NOT NULL DEFAULT '',
    confirmed_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (page_id, kind, address)
);

CREATE TABLE status_deliveries (
    id            INTEGER PRIMARY KEY,
    update_id     INTEGER NOT NULL REFERENCES status_updates(id) ON DELETE CASCADE,
    subscriber_id INTEGER NOT NULL REFERENCES status_subscribers(id) ON DELETE CASCADE,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (update_id, subscriber_id)
);

CREATE TABLE status_channels (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    address    TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    secret     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, address)
);

CREATE TABLE status_stakeholder_updates (
    id              INTEGER PRIMARY KEY,
    incident_number INTEGER NOT NULL REFERENCES incidents(number) ON DELETE CASCADE,
    body            TEXT NOT NULL,
    actor_name      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE status_stakeholder_updates;
DROP TABLE status_channels;
DROP TABLE status_deliveries;
DROP TABLE status_subscribers;
DROP TABLE status_settings;
DROP TABLE status_templates;
DROP TABLE status_updates;
DROP TABLE status_incidents;
DROP TABLE status_component_history;
DROP TABLE status_components;
DROP TABLE status_groups;
DROP TABLE status_pages;
