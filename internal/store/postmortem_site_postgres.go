package store

import (
	"context"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// headlineOptions quote up to two fragments of the body around the matches.
const headlineOptions = `StartSel=` + site.Mark + `, StopSel=` + site.EndMark + `, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`

// searchPostgres ranks with ts_rank_cd over the weighted tsvector (title A,
// body B), in the same three steps as SQLite: the newest RankWindow matches
// (through the GIN index, or by walking the primary key backwards for a
// common word: the planner picks), their count as the total, ts_rank_cd over
// those alone, and ts_headline — which re-parses the body — for the page.
// A phrase first narrows the matches to the documents holding its pairs of
// adjacent words (the pm_docs_pairs index); GIN over the tsvector keeps no
// positions, so without them every document holding the phrase's words
// would be rechecked.
func (r *PostmortemSite) searchPostgres(ctx context.Context, q site.Query, f site.Filter) ([]site.Hit, int, error) {
	pairs, err := r.phrasePairs(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	var w filter
	tsq := w.arg(q.TSQuery())
	w.add(`d.tsv @@ to_tsquery('english', ` + tsq + `)`)
	if len(pairs) > 0 {
		w.add(`pm_lexeme_pairs(d.tsv) @> ` + w.arg(pairs) + `::text[]`)
	}
	docFilter(&w, f)
	query := `WITH window_ AS (
			SELECT d.number, d.tsv FROM pm_docs d` + w.where() + ` ORDER BY d.number DESC LIMIT ` + w.arg(site.RankWindow) + `),
		counted AS (SELECT COUNT(*) AS total FROM window_),
		page AS (
			SELECT number, ts_rank_cd(tsv, to_tsquery('english', ` + tsq + `)) AS rank FROM window_
			ORDER BY rank DESC, number DESC LIMIT ` + w.arg(f.NormalLimit()) + ` OFFSET ` + w.arg(max(f.Offset, 0)) + `)
		SELECT ` + pmDocColumns + `, ts_headline('english', d.body, to_tsquery('english', ` + tsq + `), ` + w.arg(headlineOptions) + `), page.rank, counted.total
		FROM page JOIN pm_docs d ON d.number = page.number CROSS JOIN counted ORDER BY page.rank DESC, d.number DESC`
	rows, err := r.s.rdb.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	total := 0
	hits, err := collect(rows, func(row rowScanner) (site.Hit, error) {
		var h site.Hit
		d, err := scanPMDoc(row, &h.Snippet, &h.Rank, &total)
		h.Doc = d
		return h, err
	})
	if err != nil {
		return nil, 0, err
	}
	if len(hits) == 0 && f.Offset > 0 {
		// A page past the end has no row to carry the count.
		var c filter
		c.add(`d.tsv @@ to_tsquery('english', ` + c.arg(q.TSQuery()) + `)`)
		if len(pairs) > 0 {
			c.add(`pm_lexeme_pairs(d.tsv) @> ` + c.arg(pairs) + `::text[]`)
		}
		docFilter(&c, f)
		if err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM pm_docs d`+c.where()+` LIMIT `+c.arg(site.RankWindow)+`) m`,
			c.args...).Scan(&total); err != nil {
			return nil, 0, mapErr(err)
		}
	}
	return hits, min(total, site.CountCap+1), nil
}

// phrasePairs returns the pairs of adjacent lexemes that every document
// matching q's phrases holds, as pm_lexeme_pairs (migration 00011) finds
// them in a document: the phrase's words parsed by the same configuration.
// Words a stop word separates make no pair, nor does a trailing prefix; a
// query without pairs is not narrowed.
func (r *PostmortemSite) phrasePairs(ctx context.Context, q site.Query) ([]string, error) {
	var phrases []string
	for _, t := range q.Terms {
		words := t.Words
		if t.Prefix {
			words = words[:len(words)-1]
		}
		if len(words) > 1 {
			phrases = append(phrases, strings.Join(words, " "))
		}
	}
	if len(phrases) == 0 {
		return nil, nil
	}
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT DISTINCT pair
		FROM unnest($1::text[]) phrase, unnest(pm_lexeme_pairs(to_tsvector('english', phrase))) pair`, phrases)
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, func(row rowScanner) (pair string, err error) { return pair, row.Scan(&pair) })
}
