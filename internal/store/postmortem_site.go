package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// PostmortemSite is the index of published postmortems (site.Index): the
// documents in pm_docs with their services and labels, and the full-text
// index — an FTS5 table on SQLite (postmortem_site_sqlite.go), a generated
// tsvector column with a GIN index on PostgreSQL (postmortem_site_postgres.go).
type PostmortemSite struct{ s *Store }

var _ site.Index = (*PostmortemSite)(nil)

// PostmortemSite returns the postmortem site's index.
func (s *Store) PostmortemSite() *PostmortemSite { return &PostmortemSite{s: s} }

// Put adds or replaces a published postmortem.
func (r *PostmortemSite) Put(ctx context.Context, d site.Doc) error {
	return r.PutMany(ctx, []site.Doc{d})
}

// PutMany adds or replaces many postmortems in one transaction (imports,
// the benchmark).
func (r *PostmortemSite) PutMany(ctx context.Context, docs []site.Doc) error {
	return r.s.InTx(ctx, func(tx *Tx) error {
		for _, d := range docs {
			if err := putDoc(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func putDoc(ctx context.Context, tx *Tx, d site.Doc) error {
	if d.Number <= 0 || strings.TrimSpace(d.Title) == "" {
		return apperr.Invalid("title", "a postmortem needs an incident number and a title")
	}
	body := site.PlainText(d.Markdown)
	summary := d.Summary
	if summary == "" {
		summary = site.Summary(d.Markdown)
	}
	// PostgreSQL keeps the filter values in the row (pm_docs.meta), written
	// with it: a second statement would recompute the generated columns.
	cols, vals, set := ``, ``, ``
	args := []any{d.Number, site.Clean(d.Title), d.Slug, d.Severity, site.Clean(summary), body, d.Markdown,
		d.IncidentAt.UTC(), d.PublishedAt.UTC(), d.IncidentAt.UTC().Year(), d.Commit, d.URL}
	if tx.s.dialect == Postgres {
		cols, vals, set = `, meta`, `, $13`, `, meta = excluded.meta`
		args = append(args, pgMeta(d.Severity, d.IncidentAt.UTC().Year(), d.Services, d.Labels))
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO pm_docs (number, title, slug, severity, summary, body, markdown, incident_at, published_at, year, commit_sha, url`+cols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12`+vals+`)
		ON CONFLICT (number) DO UPDATE SET title = excluded.title, slug = excluded.slug, severity = excluded.severity,
			summary = excluded.summary, body = excluded.body, markdown = excluded.markdown, incident_at = excluded.incident_at,
			published_at = excluded.published_at, year = excluded.year, commit_sha = excluded.commit_sha, url = excluded.url`+set,
		args...)
	if err != nil {
		return mapErr(err)
	}
	for _, q := range []string{`DELETE FROM pm_doc_services WHERE number = $1`, `DELETE FROM pm_doc_labels WHERE number = $1`} {
		if _, err := tx.tx.ExecContext(ctx, q, d.Number); err != nil {
			return mapErr(err)
		}
	}
	for _, sv := range dedupe(d.Services) {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO pm_doc_services (number, service) VALUES ($1, $2)`, d.Number, sv); err != nil {
			return mapErr(err)
		}
	}
	for _, l := range dedupe(d.Labels) {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO pm_doc_labels (number, label) VALUES ($1, $2)`, d.Number, l); err != nil {
			return mapErr(err)
		}
	}
	if tx.s.dialect == SQLite {
		return ftsPut(ctx, tx, d.Number, site.Clean(d.Title), body, metaTokens(d.Severity, d.IncidentAt.UTC().Year(), d.Services, d.Labels))
	}
	return nil
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		x = strings.TrimSpace(x)
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Remove drops a postmortem from the site.
func (r *PostmortemSite) Remove(ctx context.Context, number int64) error {
	return r.s.InTx(ctx, func(tx *Tx) error {
		if tx.s.dialect == SQLite {
			if _, err := tx.tx.ExecContext(ctx, `DELETE FROM pm_fts WHERE rowid = $1`, number); err != nil {
				return mapErr(err)
			}
		}
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM pm_docs WHERE number = $1`, number)
		return mapErr(err)
	})
}

const pmDocColumns = `d.number, d.title, d.slug, d.severity, d.summary, d.markdown, d.incident_at, d.published_at, d.commit_sha, d.url`

func scanPMDoc(row rowScanner, extra ...any) (site.Doc, error) {
	var d site.Doc
	err := row.Scan(append([]any{&d.Number, &d.Title, &d.Slug, &d.Severity, &d.Summary, &d.Markdown, &d.IncidentAt, &d.PublishedAt, &d.Commit, &d.URL}, extra...)...)
	d.IncidentAt, d.PublishedAt = d.IncidentAt.UTC(), d.PublishedAt.UTC()
	return d, err
}

// Get reads one published postmortem.
func (r *PostmortemSite) Get(ctx context.Context, number int64) (site.Doc, error) {
	d, err := scanPMDoc(r.s.rdb.QueryRowContext(ctx, `SELECT `+pmDocColumns+` FROM pm_docs d WHERE d.number = $1`, number))
	if err == sql.ErrNoRows {
		return d, apperr.NotFound("published postmortem INC-" + strconv.FormatInt(number, 10))
	}
	if err != nil {
		return d, mapErr(err)
	}
	docs := []site.Doc{d}
	if err := r.attach(ctx, docs); err != nil {
		return d, err
	}
	return docs[0], nil
}

// List returns published postmortems newest first.
func (r *PostmortemSite) List(ctx context.Context, f site.Filter) ([]site.Doc, int, error) {
	var w filter
	docFilter(&w, f)
	var total int
	if err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM pm_docs d`+w.where(), w.args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	q := `SELECT ` + pmDocColumns + ` FROM pm_docs d` + w.where() + ` ORDER BY d.published_at DESC, d.number DESC LIMIT ` +
		w.arg(f.NormalLimit()) + ` OFFSET ` + w.arg(max(f.Offset, 0))
	rows, err := r.s.rdb.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	docs, err := collect(rows, func(row rowScanner) (site.Doc, error) { return scanPMDoc(row) })
	if err != nil {
		return nil, 0, err
	}
	return docs, total, r.attach(ctx, docs)
}

// Search returns the postmortems matching q, best first. An empty query
// lists instead.
func (r *PostmortemSite) Search(ctx context.Context, q site.Query, f site.Filter) ([]site.Hit, int, error) {
	if q.Empty() {
		docs, total, err := r.List(ctx, f)
		hits := make([]site.Hit, len(docs))
		for i, d := range docs {
			hits[i] = site.Hit{Doc: d, Snippet: d.Summary}
		}
		return hits, total, err
	}
	var hits []site.Hit
	var total int
	var err error
	if r.s.dialect == SQLite {
		hits, total, err = r.searchSQLite(ctx, q, f)
	} else {
		hits, total, err = r.searchPostgres(ctx, q, f)
	}
	if err != nil {
		return nil, 0, err
	}
	docs := make([]site.Doc, len(hits))
	for i := range hits {
		docs[i] = hits[i].Doc
	}
	if err := r.attach(ctx, docs); err != nil {
		return nil, 0, err
	}
	for i := range hits {
		hits[i].Doc = docs[i]
	}
	return hits, total, nil
}

// docFilter adds the filter's conditions on the documents aliased d.
func docFilter(w *filter, f site.Filter) {
	if f.Severity != "" {
		w.add(`d.severity = ` + w.arg(f.Severity))
	}
	if f.Year != 0 {
		w.add(`d.year = ` + w.arg(f.Year))
	}
	if f.Service != "" {
		w.add(`EXISTS (SELECT 1 FROM pm_doc_services s WHERE s.number = d.number AND s.service = ` + w.arg(f.Service) + `)`)
	}
	if f.Label != "" {
		w.add(`EXISTS (SELECT 1 FROM pm_doc_labels l WHERE l.number = d.number AND l.label = ` + w.arg(f.Label) + `)`)
	}
}

// attach fills in the services and labels of docs.
func (r *PostmortemSite) attach(ctx context.Context, docs []site.Doc) error {
	if len(docs) == 0 {
		return nil
	}
	idx := map[int64]int{}
	var w filter
	ph := make([]string, len(docs))
	for i, d := range docs {
		idx[d.Number] = i
		ph[i] = w.arg(d.Number)
		docs[i].Services, docs[i].Labels = []string{}, []string{}
	}
	in := strings.Join(ph, ", ")
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT number, 's', service FROM pm_doc_services WHERE number IN (`+in+`)
		UNION ALL SELECT number, 'l', label FROM pm_doc_labels WHERE number IN (`+in+`) ORDER BY 1, 2, 3`, w.args...)
	if err != nil {
		return mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		var kind, v string
		if err := rows.Scan(&n, &kind, &v); err != nil {
			return mapErr(err)
		}
		d := &docs[idx[n]]
		if kind == "s" {
			d.Services = append(d.Services, v)
		} else {
			d.Labels = append(d.Labels, v)
		}
	}
	return mapErr(rows.Err())
}
