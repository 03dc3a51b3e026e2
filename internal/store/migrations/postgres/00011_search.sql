-- +goose Up
-- Search reads the tsvector of each candidate document, newest first, until
-- it has its window of matches (postmortem_site_postgres.go).
--
-- 1. Stored out of line, each read was a TOAST index lookup and two chunk
--    fetches; kept in the row (MAIN: moved out only when the row would not
--    fit a page) it is read with the row. The body and Markdown, read only
--    for the page of results, stay out of line.
ALTER TABLE pm_docs ALTER COLUMN tsv SET STORAGE MAIN;

-- 2. Phrases. GIN over a tsvector keeps no positions, so a phrase of two
--    common words that seldom touch ("kafka partition") was checked against
--    the positions of every document holding both: most of them. pairs holds
--    each document's pairs of adjacent lexemes ("kafka partit"), taken from
--    the same tsvector expression so that they agree with its phrase
--    operator; a phrase search first narrows to the documents holding its
--    pairs, through their GIN index, when they are rare enough for that to
--    pay (the planner's call, from the pairs' statistics).
-- +goose StatementBegin
CREATE FUNCTION pm_lexeme_pairs(v tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    WITH at AS (SELECT u.lexeme, p FROM unnest(v) u, unnest(u.positions) p)
    SELECT coalesce(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme), '{}')
    FROM at a JOIN at b ON b.p = a.p + 1
$$;
-- +goose StatementEnd
-- Adding the column rewrites the table, which also moves the tsvectors
-- already indexed into their rows.
ALTER TABLE pm_docs ADD COLUMN pairs text[] GENERATED ALWAYS AS (pm_lexeme_pairs(
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B'))) STORED;
CREATE INDEX pm_docs_pairs ON pm_docs USING GIN (pairs);

-- 3. Filters. A search filtered by service and year joined the services
--    table and walked a year's documents; meta holds the document's filter
--    values ("service:ledger", "year:2021", "severity:SEV2", "label:x"),
--    the same values SQLite keeps in its FTS5 meta column, so that the
--    filters are one condition the planner can intersect with the words
--    through their GIN indexes.
ALTER TABLE pm_docs ADD COLUMN meta text[] NOT NULL DEFAULT '{}';
UPDATE pm_docs d SET meta = ARRAY['year:' || d.year, 'severity:' || d.severity]
    || coalesce((SELECT array_agg('service:' || s.service) FROM pm_doc_services s WHERE s.number = d.number), '{}')
    || coalesce((SELECT array_agg('label:' || l.label) FROM pm_doc_labels l WHERE l.number = d.number), '{}');
CREATE INDEX pm_docs_meta ON pm_docs USING GIN (meta);

-- +goose Down
DROP INDEX pm_docs_meta;
ALTER TABLE pm_docs DROP COLUMN meta;
DROP INDEX pm_docs_pairs;
ALTER TABLE pm_docs DROP COLUMN pairs;
DROP FUNCTION pm_lexeme_pairs(tsvector);
ALTER TABLE pm_docs ALTER COLUMN tsv SET STORAGE EXTENDED;
