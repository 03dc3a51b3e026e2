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

// searchSQLite ranks with BM25, the title weighing ten times the body (the
// table's configured rank). Three steps keep a common word in a large
// library cheap:
//
//  1. the newest RankWindow matches are found in rowid order (incident
//     numbers grow with time), which FTS5 reads from the end of its
//     doclists and stops early; their count is the total (capped);
//  2. BM25 ranks only those, through a rowid range, so scoring stops at
//     the window instead of visiting every match;
//  3. snippet(), which re-reads and tokenizes a document, runs for the
//     page alone (SQLite computes every result column before sorting).
func (r *PostmortemSite) searchSQLite(ctx context.Context, q site.Query, f site.Filter) ([]site.Hit, int, error) {
	var w filter
	match := w.arg(q.FTS5())
	w.add(`pm_fts MATCH ` + match)
	docFilter(&w, f)
	from := ` FROM pm_fts`
	if len(w.conds) > 1 {
		from += ` JOIN pm_docs d ON d.number = pm_fts.rowid`
	}
	var total int
	var oldest int64
	err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(number), 0) FROM (SELECT pm_fts.rowid AS number`+from+w.where()+
		` ORDER BY pm_fts.rowid DESC LIMIT `+w.arg(site.RankWindow)+`)`, w.args...).Scan(&total, &oldest)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	w.args = w.args[:len(w.args)-1]
	if total == 0 {
		return []site.Hit{}, 0, nil
	}
	w.add(`pm_fts.rowid >= ` + w.arg(oldest))
	query := `WITH page AS (SELECT pm_fts.rowid AS number, pm_fts.rank AS rank` + from + w.where() + ` ORDER BY pm_fts.rank LIMIT ` + w.arg(f.NormalLimit()) +
		` OFFSET ` + w.arg(max(f.Offset, 0)) + `)
		SELECT ` + pmDocColumns + `, snippet(pm_fts, 1, ` + w.arg(site.Mark) + `, ` + w.arg(site.EndMark) + `, '…', 24), -page.rank
		FROM page JOIN pm_fts ON pm_fts.rowid = page.number JOIN pm_docs d ON d.number = page.number
		WHERE pm_fts MATCH ` + match + ` ORDER BY page.rank, page.number DESC`
	rows, err := r.s.rdb.QueryContext(ctx, query, w.args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	hits, err := collect(rows, scanHit)
	return hits, min(total, site.CountCap+1), err
}

func scanHit(row rowScanner) (site.Hit, error) {
	var h site.Hit
	d, err := scanPMDoc(row, &h.Snippet, &h.Rank)
	h.Doc = d
	return h, err
}
