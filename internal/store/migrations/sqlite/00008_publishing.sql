-- +goose Up
-- Publishing: the postmortem site's search index, Git review state and
-- tracker links. Keyed by incident number and action-item id, so nothing here
-- adds columns to the postmortem core's tables (migration 00007).

-- One row per published postmortem: what the site lists and filters on.
-- body is the plain text searched and quoted in snippets.
CREATE TABLE pm_docs (
    number       INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    slug         TEXT NOT NULL,
    severity     TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    markdown     TEXT NOT NULL,
    incident_at  TIMESTAMP NOT NULL,
    published_at TIMESTAMP NOT NULL,
    year         INTEGER NOT NULL,
    commit_sha   TEXT NOT NULL DEFAULT '',
    url          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pm_docs_published ON pm_docs (published_at DESC, number DESC);
CREATE INDEX pm_docs_severity ON pm_docs (severity, published_at);
CREATE INDEX pm_docs_year ON pm_docs (year, published_at);

CREATE TABLE pm_doc_services (
    number  INTEGER NOT NULL REFERENCES pm_docs(number) ON DELETE CASCADE,
    service TEXT NOT NULL,
    PRIMARY KEY (number, service)
);
CREATE INDEX pm_doc_services_service ON pm_doc_services (service, number);

CREATE TABLE pm_doc_labels (
    number INTEGER NOT NULL REFERENCES pm_docs(number) ON DELETE CASCADE,
    label  TEXT NOT NULL,
    PRIMARY KEY (number, label)
);
CREATE INDEX pm_doc_labels_label ON pm_doc_labels (label, number);

-- The full-text index; rowid is the incident number. porter + unicode61 with
-- diacritics removed: "zurich" finds "Zürich", "outages" finds "outage".
-- meta holds one token per filter value (year, severity, each service and
-- label), so that filters are intersected in the index like words. Prefix
-- indexes for 2–5 characters: a short prefix would otherwise merge the
-- doclists of every word it starts (longer prefixes start few words).
CREATE VIRTUAL TABLE pm_fts USING fts5(title, body, meta, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4 5');
-- Rank by BM25 with the title weighing ten times the body; meta not at all.
INSERT INTO pm_fts (pm_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 0.0)');

-- Git-based review: one row per postmortem, the revision under review or
-- last merged. A new revision (an edit after publishing) goes on a new branch.
CREATE TABLE git_publications (
    number       INTEGER PRIMARY KEY,
    revision     INTEGER NOT NULL,
    state        TEXT NOT NULL,               -- pending, submitted, merged
    doc          TEXT NOT NULL,               -- the document as submitted (JSON)
    branch       TEXT NOT NULL DEFAULT '',
    path         TEXT NOT NULL DEFAULT '',
    head_commit  TEXT NOT NULL DEFAULT '',
    blob         TEXT NOT NULL DEFAULT '',
    pr_number    INTEGER NOT NULL DEFAULT 0,
    pr_url       TEXT NOT NULL DEFAULT '',
    merge_commit TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT '',
    requested_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    merged_at    TIMESTAMP
);
CREATE INDEX git_publications_state ON git_publications (state, number);
CREATE UNIQUE INDEX git_publications_branch ON git_publications (branch) WHERE branch <> '';

-- An action item's issue in an outside tracker.
CREATE TABLE tracker_links (
    item_id     INTEGER PRIMARY KEY,
    tracker     TEXT NOT NULL,                -- jira, github
    target      TEXT NOT NULL,                -- Jira project key or GitHub owner/repo
    external_id TEXT NOT NULL,                -- Jira issue key or GitHub issue number
    url         TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT '',     -- the tracker's own status name
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    synced_hash TEXT NOT NULL DEFAULT '',     -- hash of the fields last sent, to skip no-op updates
    last_error  TEXT NOT NULL DEFAULT '',
    synced_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX tracker_links_external ON tracker_links (tracker, target, external_id);

-- +goose Down
DROP TABLE tracker_links;
DROP TABLE git_publications;
DROP TABLE pm_fts;
DROP TABLE pm_doc_labels;
DROP TABLE pm_doc_services;
DROP TABLE pm_docs;
