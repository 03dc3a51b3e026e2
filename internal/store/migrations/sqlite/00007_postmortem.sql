-- +goose Up
-- Postmortems (issue 6, part A): the document and its versions, templates,
-- the meeting, the 5-Why preparation forms, action items and the built-in review.
CREATE TABLE postmortem_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- One postmortem per incident, keyed by the incident's number.
CREATE TABLE postmortems (
    incident_number INTEGER PRIMARY KEY REFERENCES incidents(number) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    slug            TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    version         INTEGER NOT NULL,
    template_id     INTEGER REFERENCES postmortem_templates(id) ON DELETE SET NULL,
    severity        TEXT NOT NULL DEFAULT '',
    resolved_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    updated_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    published_at    TIMESTAMP,
    pub_mode        TEXT NOT NULL DEFAULT '',
    pub_commit      TEXT NOT NULL DEFAULT '',
    pub_url         TEXT NOT NULL DEFAULT '',
    waiver_reason   TEXT NOT NULL DEFAULT '',
    waived_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    waived_at       TIMESTAMP
);
CREATE INDEX postmortems_published ON postmortems (published_at);

-- Every saved version of the body: who changed it, when, and the text.
CREATE TABLE postmortem_versions (
    incident_number INTEGER NOT NULL REFERENCES postmortems(incident_number) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    body            TEXT NOT NULL,
    author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name     TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (incident_number, version)
);

CREATE TABLE postmortem_meetings (
    incident_number INTEGER PRIMARY KEY REFERENCES postmortems(incident_number) ON DELETE CASCADE,
    uid             TEXT NOT NULL UNIQUE,
    starts_at       TIMESTAMP NOT NULL,
    minutes         INTEGER NOT NULL,
    location        TEXT NOT NULL DEFAULT '',
    sequence        INTEGER NOT NULL DEFAULT 0,
    cancelled       BOOLEAN NOT NULL DEFAULT FALSE,
    attendees       TEXT NOT NULL DEFAULT '[]',
    notes           TEXT NOT NULL DEFAULT '',
    started_at      TIMESTAMP,
    ended_at        TIMESTAMP,
    scheduled_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- One 5-Why preparation form per involved person.
CREATE TABLE postmortem_forms (
    incident_number INTEGER NOT NULL REFERENCES postmortems(incident_number) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    saw             TEXT NOT NULL DEFAULT '',
    did             TEXT NOT NULL DEFAULT '',
    whys            TEXT NOT NULL DEFAULT '[]',
    submitted_at    TIMESTAMP,
    reminded_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (incident_number, user_id)
);

CREATE TABLE postmortem_action_items (
    id                INTEGER PRIMARY KEY,
    incident_number   INTEGER NOT NULL REFERENCES postmortems(incident_number) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    owner_id          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    team_id           INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    important         BOOLEAN NOT NULL DEFAULT FALSE,
    urgent            BOOLEAN NOT NULL DEFAULT FALSE,
    due_at            TIMESTAMP NOT NULL,
    status            TEXT NOT NULL,
    labels            TEXT NOT NULL DEFAULT '[]',
    product_owner     TEXT NOT NULL DEFAULT '',
    due_agreed_at     TIMESTAMP,
    created_by        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    done_at           TIMESTAMP,
    owner_reminded_at TIMESTAMP,
    im_reminded_at    TIMESTAMP,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX postmortem_action_items_incident ON postmortem_action_items (incident_number, id);
CREATE INDEX postmortem_action_items_owner ON postmortem_action_items (owner_id, status);
CREATE INDEX postmortem_action_items_due ON postmortem_action_items (status, due_at);

-- The built-in review: one row per requested reviewer, and the comments.
CREATE TABLE postmortem_reviewers (
    incident_number INTEGER NOT NULL REFERENCES postmortems(incident_number) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state           TEXT NOT NULL,
    requested_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    requested_at    TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP,
    approved_version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_number, user_id)
);

CREATE TABLE postmortem_comments (
    id              INTEGER PRIMARY KEY,
    incident_number INTEGER NOT NULL REFERENCES postmortems(incident_number) ON DELETE CASCADE,
    author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name     TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX postmortem_comments_incident ON postmortem_comments (incident_number, id);

-- +goose Down
DROP TABLE postmortem_comments;
DROP TABLE postmortem_reviewers;
DROP TABLE postmortem_action_items;
DROP TABLE postmortem_forms;
DROP TABLE postmortem_meetings;
DROP TABLE postmortem_versions;
DROP TABLE postmortems;
DROP TABLE postmortem_templates;
