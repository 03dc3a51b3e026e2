package store

import (
	"context"

	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// headlineOptions quote up to two fragments of the body around the matches.
const headlineOptions = `StartSel=` + site.Mark + `, StopSel=` + site.EndMark + `, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`

// searchPostgres ranks with ts_rank_cd over the weighted tsvector (title A,
// body B). The inner query picks the page of results by rank through the
// GIN index; ts_headline, which re-parses the body, runs only for that page.
func (r *PostmortemSite) searchPostgres(ctx context.Context, q site.Query, f site.Filter) ([]site.Hit, int, error) {
	var w filter
	tsq := w.arg(q.TSQuery())
	w.add(`d.tsv @@ to_tsquery('english', ` + tsq + `)`)
	docFilter(&w, f)
	var total int
	if err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM pm_docs d`+w.where()+` LIMIT `+w.arg(site.CountCap+1)+`) m`, w.args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	w.args = w.args[:len(w.args)-1]
	query := `WITH page AS (
			SELECT d.number, ts_rank_cd(d.tsv, to_tsquery('english', ` + tsq + `)) AS rank FROM pm_docs d` + w.where() + `
			ORDER BY rank DESC, d.published_at DESC LIMIT ` + w.arg(f.NormalLimit()) + ` OFFSET ` + w.arg(max(f.Offset, 0)) + `)
		SELECT ` + pmDocColumns + `, ts_headline('english', d.body, to_tsquery('english', ` + tsq + `), ` + w.arg(headlineOptions) + `), page.rank
		FROM page JOIN pm_docs d ON d.number = page.number ORDER BY page.rank DESC, d.published_at DESC`
	rows, err := r.s.rdb.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	hits, err := collect(rows, scanHit)
	return hits, total, err
}
