package store

import (
	"context"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// metaToken is the FTS5 token of one filter value: a kind letter and a
// 64-bit FNV hash in decimal — digits only, so the tokenizer and the
// stemmer leave it whole, and the value's spelling (spaces, "=", case)
// cannot matter.
func metaToken(kind byte, value string) string {
	h := fnv.New64a()
	h.Write([]byte(value))
	return string(kind) + strconv.FormatUint(h.Sum64(), 10)
}

// metaTokens are a document's filter values for the meta column.
func metaTokens(severity string, year int, services, labels []string) string {
	ts := []string{"y" + strconv.Itoa(year), metaToken('v', severity)}
	for _, s := range dedupe(services) {
		ts = append(ts, metaToken('s', s))
	}
	for _, l := range dedupe(labels) {
		ts = append(ts, metaToken('l', l))
	}
	return strings.Join(ts, " ")
}

// metaMatch adds the filters to an FTS5 MATCH expression as meta-column terms.
func metaMatch(match string, f site.Filter) string {
	var b strings.Builder
	b.WriteString("(" + match + ")")
	add := func(tok string) { b.WriteString(` AND meta : "` + tok + `"`) }
	if f.Year != 0 {
		add("y" + strconv.Itoa(f.Year))
	}
	if f.Severity != "" {
		add(metaToken('v', f.Severity))
	}
	if f.Service != "" {
		add(metaToken('s', f.Service))
	}
	if f.Label != "" {
		add(metaToken('l', f.Label))
	}
	return b.String()
}

// ftsPut replaces a document's row in the FTS5 index (rowid = number).
func ftsPut(ctx context.Context, tx *Tx, number int64, title, body, meta string) error {
	if _, err := tx.tx.ExecContext(ctx, `DELETE FROM pm_fts WHERE rowid = $1`, number); err != nil {
		return mapErr(err)
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO pm_fts (rowid, title, body, meta) VALUES ($1, $2, $3, $4)`, number, title, body, meta)
	return mapErr(err)
}

// searchSQLite ranks with BM25, the title weighing ten times the body (the
// table's configured rank); the filters are terms of the meta column, so
// everything is one MATCH that FTS5 answers from its doclists. Three steps
// keep a common word in a large library cheap:
//
//  1. the newest RankWindow matches are found in rowid order (incident
//     numbers grow with time), which FTS5 reads from the end of its
//     doclists and stops early; their count is the total (capped);
//  2. BM25 ranks only those, through a rowid range, so scoring stops at
//     the window instead of visiting every match;
//  3. snippet(), which re-reads and tokenizes a document, runs for the
//     page alone (SQLite computes every result column before sorting).
func (r *PostmortemSite) searchSQLite(ctx context.Context, q site.Query, f site.Filter) ([]site.Hit, int, error) {
	match := metaMatch(q.FTS5(), f)
	var total int
	var oldest int64
	err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(number), 0) FROM (SELECT rowid AS number FROM pm_fts
		WHERE pm_fts MATCH $1 ORDER BY rowid DESC LIMIT $2)`, match, site.RankWindow).Scan(&total, &oldest)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	if total == 0 {
		return []site.Hit{}, 0, nil
	}
	rows, err := r.s.rdb.QueryContext(ctx, `WITH page AS (
			SELECT rowid AS number, rank FROM pm_fts WHERE pm_fts MATCH $1 AND rowid >= $2 ORDER BY rank LIMIT $3 OFFSET $4)
		SELECT `+pmDocColumns+`, snippet(pm_fts, 1, $5, $6, '…', 24), -page.rank
		FROM page JOIN pm_fts ON pm_fts.rowid = page.number JOIN pm_docs d ON d.number = page.number
		WHERE pm_fts MATCH $1 ORDER BY page.rank, page.number DESC`,
		match, oldest, f.NormalLimit(), max(f.Offset, 0), site.Mark, site.EndMark)
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
