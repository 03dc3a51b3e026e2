-- +goose Up
-- Search reads the tsvector of each candidate document, newest first, until
-- it has its window of matches (postmortem_site_postgres.go). Stored out of
-- line, each read was a TOAST index lookup and two chunk fetches; kept in
-- the row (MAIN: compressed if it helps, moved out only when the row would
-- not fit a page) it is read with the row — a 2–3 term search over 100,000
-- postmortems went from ~100 ms to ~25 ms at worst. The body and Markdown,
-- read only for the page of results, stay out of line. Rewriting the rows
-- applies the new storage to those already indexed.
ALTER TABLE pm_docs ALTER COLUMN tsv SET STORAGE MAIN;
UPDATE pm_docs SET title = title;

-- +goose Down
ALTER TABLE pm_docs ALTER COLUMN tsv SET STORAGE EXTENDED;
