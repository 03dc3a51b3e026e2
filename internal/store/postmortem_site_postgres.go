package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

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
// ts_headline — which re-parses the body — for the page. A phrase is also
// a condition on the document's pairs of adjacent words, which the planner
// uses to narrow the candidates through their index when the pairs are
// rare (pgMatch).
//
// The statements run in a read-only transaction without parallel workers:
// a search is a short query, and on a small machine the workers' start
// costs more than they share (a search filtered by service: 44 ms with two
// workers, 19 ms without).
func (r *PostmortemSite) searchPostgres(ctx context.Context, q site.Query, f site.Filter) (hits []site.Hit, total int, err error) {
	tx, err := r.s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer func() { _ = tx.Rollback() }() // nothing was written
	if _, err := tx.ExecContext(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
		return nil, 0, mapErr(err)
	}
	pairs, err := phrasePairs(ctx, tx, q)
	if err != nil {
		return nil, 0, err
	}
	w, tsq := pgMatch(q, pairs, f)
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
	rows, err := tx.QueryContext(ctx, query, append([]any{pgx.QueryExecModeExec}, w.args...)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	hits, err = collect(rows, func(row rowScanner) (site.Hit, error) {
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
		c, _ := pgMatch(q, pairs, f)
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM pm_docs d`+c.where()+` LIMIT `+c.arg(site.RankWindow)+`) m`,
			append([]any{pgx.QueryExecModeExec}, c.args...)...).Scan(&total); err != nil {
			return nil, 0, mapErr(err)
		}
	}
	return hits, min(total, site.CountCap+1), nil
}

// pgMatch is the condition on the documents aliased d that match q (with
// the pairs of its phrases) and the filter, and the placeholder of the
// tsquery text. The tsvector's condition comes first: in a walk, the pairs
// are then read only for documents that match already.
func pgMatch(q site.Query, pairs []string, f site.Filter) (w filter, tsq string) {
	tsq = w.arg(q.TSQuery())
	w.add(`d.tsv @@ to_tsquery('english', ` + tsq + `)`)
	if len(pairs) > 0 {
		w.add(`d.pairs @> ` + w.arg(pairs) + `::text[]`)
	}
	if m := pgMetaFilter(f); len(m) > 0 {
		w.add(`d.meta @> ` + w.arg(m) + `::text[]`)
	}
	return w, tsq
}

// phrasePairs returns the pairs of adjacent lexemes that every document
// matching q's phrases holds, as pm_lexeme_pairs (migration 00011) finds
// them in a document: the phrase's words parsed by the same configuration.
// Words a stop word separates make no pair, nor does a trailing prefix; a
// query without pairs is not narrowed. They are read before the search so
// that its plan sees them (a pair in most documents is best left to the
// walk; a rare one narrows to a few rows).
func phrasePairs(ctx context.Context, tx *sql.Tx, q site.Query) ([]string, error) {
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
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT pair
		FROM unnest($1::text[]) phrase, unnest(pm_lexeme_pairs(to_tsvector('english', phrase))) pair`, phrases)
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, func(row rowScanner) (pair string, err error) { return pair, row.Scan(&pair) })
}

// pgMeta is a document's filter values for pm_docs.meta (migration 00011).
func pgMeta(severity string, year int, services, labels []string) []string {
	m := []string{"year:" + strconv.Itoa(year), "severity:" + severity}
	for _, s := range dedupe(services) {
		m = append(m, "service:"+s)
	}
	for _, l := range dedupe(labels) {
		m = append(m, "label:"+l)
	}
	return m
}

// pgMetaFilter is the filter as the meta values a document must hold.
func pgMetaFilter(f site.Filter) []string {
	var m []string
	if f.Year != 0 {
		m = append(m, "year:"+strconv.Itoa(f.Year))
	}
	if f.Severity != "" {
		m = append(m, "severity:"+f.Severity)
	}
	if f.Service != "" {
		m = append(m, "service:"+f.Service)
	}
	if f.Label != "" {
		m = append(m, "label:"+f.Label)
	}
	return m
}
