package store

import (
	"context"

	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// ftsPut replaces a document's row in the FTS5 index (rowid = number).
func ftsPut(ctx context.Context, tx *Tx, number int64, title, body string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM pm_fts WHERE rowid = $1`, number); err != nil {
		return mapErr(err)
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO pm_fts (rowid, title, body) VALUES ($1, $2, $3)`, number, title, body)
	return mapErr(err)
}

// searchSQLite ranks with BM25, the title weighing ten times the body, and
// quotes the body around the matches (snippet of about 24 tokens).
func (r *PostmortemSite) searchSQLite(ctx context.Context, q site.Query, f site.Filter) ([]site.Hit, int, error) {
	var w filter
	w.add(`pm_fts MATCH ` + w.arg(q.FTS5()))
	docFilter(&w, f)
	from := ` FROM pm_fts JOIN pm_docs d ON d.number = pm_fts.rowid` + w.where()
	var total int
	if err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*)`+from, w.args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	query := `SELECT ` + pmDocColumns + `, snippet(pm_fts, 1, ` + w.arg(site.Mark) + `, ` + w.arg(site.EndMark) + `, '…', 24), -bm25(pm_fts, 10.0, 1.0) AS rank` +
		from + ` ORDER BY bm25(pm_fts, 10.0, 1.0), d.published_at DESC LIMIT ` + w.arg(f.NormalLimit()) + ` OFFSET ` + w.arg(max(f.Offset, 0))
	rows, err := r.s.rdb.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	hits, err := collect(rows, scanHit)
	return hits, total, err
}

func scanHit(row rowScanner) (site.Hit, error) {
	var h site.Hit
	d, err := scanPMDoc(row, &h.Snippet, &h.Rank)
	h.Doc = d
	return h, err
}
