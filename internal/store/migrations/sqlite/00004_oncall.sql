-- +goose Up
-- On-call schedules: each schedule keeps its layers (rotations and
-- restrictions) as one JSON document, read and written whole; overrides are
-- rows because they are queried by time range.
CREATE TABLE oncall_schedules (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    team_id     INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    time_zone   TEXT NOT NULL DEFAULT 'UTC',
    layers      TEXT NOT NULL DEFAULT '[]',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX oncall_schedules_team ON oncall_schedules (team_id);

-- Who takes part in which schedule (rewritten on each save): finds a user's
-- schedules, refuses participants that are not users, and keeps a user who
-- is in a rotation from being deleted (take them out of it first). An
-- override goes with the person it puts on call.
CREATE TABLE oncall_participants (
    schedule_id INTEGER NOT NULL REFERENCES oncall_schedules(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (schedule_id, user_id)
);
CREATE INDEX oncall_participants_user ON oncall_participants (user_id);

CREATE TABLE oncall_overrides (
    id          INTEGER PRIMARY KEY,
    schedule_id INTEGER NOT NULL REFERENCES oncall_schedules(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    replaces    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    kind        TEXT NOT NULL,
    swap_id     INTEGER,
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX oncall_overrides_range ON oncall_overrides (schedule_id, ends_at);
CREATE INDEX oncall_overrides_ends ON oncall_overrides (ends_at);

-- Secret-token URLs of calendar feeds (clients cannot sign in). Only the
-- SHA-256 of the token is kept. A feed is of one schedule or of one user.
CREATE TABLE oncall_calendar_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE,
    owner_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    schedule_id INTEGER REFERENCES oncall_schedules(id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP,
    used_at     TIMESTAMP
);
CREATE INDEX oncall_calendar_tokens_owner ON oncall_calendar_tokens (owner_id);

-- +goose Down
DROP TABLE oncall_calendar_tokens;
DROP TABLE oncall_overrides;
DROP TABLE oncall_participants;
DROP TABLE oncall_schedules;
