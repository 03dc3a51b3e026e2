package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// headlineOptions quote up to two fragments of the body around the matches.
const headlineOptions = `StartSel=` + site.Mark + `, StopSel=` + site.EndMark + `, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`

// searchPostgres ranks with ts_rank_cd over the weighted tsvector (title A,
// body B), in the same three steps as SQLite: the newest RankWindow matches
// with their rank (found through the GIN index, or by walking the primary
// key backwards for common words: the planner picks; either way the rank is
// computed as each match is found, so its tsvector, kept in the row by
// migration 00011, is read once), their count as the total, and
// ts_headline — which re-parses the body — for the page. A phrase is
// checked against the positions in each candidate's tsvector (GIN keeps
// none): a walk of ~1 µs per postmortem at worst, when the phrase's words
// are everywhere but never touch.
func (r *PostmortemSite) searchPostgres(ctx context.Context, q site.Query, f site.Filter) ([]site.Hit, int, error) {
	var w filter
	tsq := w.arg(q.TSQuery())
	w.add(`d.tsv @@ to_tsquery('english', ` + tsq + `)`)
	docFilter(&w, f)
	query := `WITH window_ AS (
			SELECT d.number, ts_rank_cd(d.tsv, to_tsquery('english', ` + tsq + `)) AS rank FROM pm_docs d` + w.where() + `
			ORDER BY d.number DESC LIMIT ` + w.arg(site.RankWindow) + `),
		counted AS (SELECT COUNT(*) AS total FROM window_),
		page AS (
			SELECT number, rank FROM window_
			ORDER BY rank DESC, number DESC LIMIT ` + w.arg(f.NormalLimit()) + ` OFFSET ` + w.arg(max(f.Offset, 0)) + `)
		SELECT ` + pmDocColumns + `, ts_headline('english', d.body, to_tsquery('english', ` + tsq + `), ` + w.arg(headlineOptions) + `), page.rank, counted.total
		FROM page JOIN pm_docs d ON d.number = page.number CROSS JOIN counted ORDER BY page.rank DESC, d.number DESC`
	// Planned with the query's own words each time: a plan cached for one
	// search (pgx prepares statements) guesses every word's frequency, and
	// a bitmap scan planned for a rare word reads every row for a common one.
	rows, err := r.s.rdb.QueryContext(ctx, query, append([]any{pgx.QueryExecModeExec}, w.args...)...)
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
		docFilter(&c, f)
		if err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM pm_docs d`+c.where()+` LIMIT `+c.arg(site.RankWindow)+`) m`,
			append([]any{pgx.QueryExecModeExec}, c.args...)...).Scan(&total); err != nil {
			return nil, 0, mapErr(err)
		}
	}
	return hits, min(total, site.CountCap+1), nil
}
