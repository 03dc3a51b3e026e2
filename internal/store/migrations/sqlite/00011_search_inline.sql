-- +goose Up
-- PostgreSQL's 00011 keeps the search tsvector in its row; FTS5 has its own
-- index, so SQLite needs nothing. The file keeps both dialects' schema
-- versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
