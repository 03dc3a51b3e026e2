-- +goose Up
-- Indexes an alert storm on a young database can use before the planner has
-- statistics (autovacuum analyzes a table only after it has grown): with
-- none, a new alert's lookups of earlier groups of its key and of its
-- group's open page read every row, 0.6 ms and 4 ms each at 10,000 rows
-- (bench/page B3 at 5,000 alerts/s).
--
-- The earlier groups of a (service, group key), newest first: does an open
-- incident already own this key?
CREATE INDEX alert_groups_key ON alert_groups (service_id, group_key, id);
-- The open page of a source, led by the selective column, so that any plan
-- using the index looks the source's id up instead of filtering every open
-- page of the kind.
DROP INDEX pages_open_source;
CREATE UNIQUE INDEX pages_open_source ON pages (source_id, source)
    WHERE status IN ('triggered', 'acknowledged', 'suppressed') AND source <> 'manual';

-- +goose Down
DROP INDEX pages_open_source;
CREATE UNIQUE INDEX pages_open_source ON pages (source, source_id)
    WHERE status IN ('triggered', 'acknowledged', 'suppressed') AND source <> 'manual';
DROP INDEX alert_groups_key;
