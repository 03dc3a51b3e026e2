-- +goose Up
-- The earlier groups of a (service, group key), newest first: does an open
-- incident already own this key? (PostgreSQL's 00012 also reorders
-- pages_open_source for its planner; SQLite looks both columns up as is.)
CREATE INDEX alert_groups_key ON alert_groups (service_id, group_key, id);

-- +goose Down
DROP INDEX alert_groups_key;
