-- +goose Up
-- PostgreSQL's 00011 keeps the search tsvector in its row and adds indexes
-- of adjacent word pairs for phrases and of filter values; FTS5 keeps
-- positions in its own index and the filter values in its meta column, so
-- SQLite needs nothing. The file keeps both dialects' schema versions in
-- step.
SELECT 1;

-- +goose Down
SELECT 1;
