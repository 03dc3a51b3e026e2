-- +goose Up
-- Phrase search. GIN over a tsvector keeps no positions, so a phrase of two
-- common words that seldom touch ("database deploy") was rechecked against
-- the tsvector of every document holding both — nearly all of them. This
-- index holds each document's pairs of adjacent lexemes ("connect pool"),
-- taken from the tsvector itself so that they agree with its phrase
-- operator: a phrase search first narrows to the documents that have all of
-- its pairs, and only those are rechecked.
-- +goose StatementBegin
CREATE FUNCTION pm_lexeme_pairs(v tsvector) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    WITH at AS (SELECT u.lexeme, p FROM unnest(v) u, unnest(u.positions) p)
    SELECT coalesce(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme), '{}')
    FROM at a JOIN at b ON b.p = a.p + 1
$$;
-- +goose StatementEnd
CREATE INDEX pm_docs_pairs ON pm_docs USING GIN (pm_lexeme_pairs(tsv));

-- +goose Down
DROP INDEX pm_docs_pairs;
DROP FUNCTION pm_lexeme_pairs(tsvector);
