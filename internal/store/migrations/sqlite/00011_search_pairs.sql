-- +goose Up
-- PostgreSQL's 00011 adds an index of adjacent word pairs for phrase search;
-- FTS5 keeps positions in its own index, so SQLite needs nothing. The file
-- keeps both dialects' schema versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
