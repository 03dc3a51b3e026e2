package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// StatusPages stores status pages, components, public incidents and
// subscribers (statuspage.Store).
type StatusPages struct {
	s *Store
	q Enqueuer
}

var _ statuspage.Store = (*StatusPages)(nil)

// StatusPages returns the status-page store; q receives the side-effect jobs.
func (s *Store) StatusPages(q Enqueuer) *StatusPages { return &StatusPages{s: s, q: q} }

type statusTx struct {
	*Tx
	q Enqueuer
}

var _ statuspage.Tx = statusTx{}

// InTx runs fn in one transaction.
func (r *StatusPages) InTx(ctx context.Context, fn func(statuspage.Tx) error) error {
	return r.s.InTx(ctx, func(tx *Tx) error { return fn(statusTx{tx, r.q}) })
}

// Within returns the status-page side of an incident change's transaction.
func (r *StatusPages) Within(itx incident.Tx) (statuspage.Tx, error) {
	t, ok := itx.(incidentTx)
	if !ok {
		return nil, apperr.Internal(fmt.Errorf("status pages: %T is not a transaction of this store", itx))
	}
	return statusTx{t.Tx, r.q}, nil
}

// Enqueue adds a job inside the transaction.
func (t statusTx) Enqueue(ctx context.Context, job statuspage.Job) error {
	if t.q == nil {
		return nil
	}
	return t.q.EnqueueTx(ctx, t.tx, job)
}

// Audit records an audit entry inside the transaction.
func (t statusTx) Audit(ctx context.Context, e audit.Entry) error { return t.Tx.Audit(ctx, e) }

func spJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only slices of plain values are stored
	}
	return string(b)
}

func spTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time.UTC()
	return &t
}

func spNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// --- pages ---

const statusPageColumns = `id, slug, name, host, logo_url, time_zone, support_text, position, created_at, updated_at`

func scanStatusPage(row rowScanner) (statuspage.Page, error) {
	var p statuspage.Page
	err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Host, &p.LogoURL, &p.TimeZone, &p.SupportText, &p.Position, &p.CreatedAt, &p.UpdatedAt)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// Pages lists every page in order.
func (r *StatusPages) Pages(ctx context.Context) ([]statuspage.Page, error) {
	return spQueryAll(ctx, r.s.rdb, scanStatusPage, `SELECT `+statusPageColumns+` FROM status_pages ORDER BY position, id`)
}

// Page reads one page.
func (r *StatusPages) Page(ctx context.Context, id int64) (statuspage.Page, error) {
	return spQueryOne(ctx, r.s.rdb, scanStatusPage, "status page "+strconv.FormatInt(id, 10), `SELECT `+statusPageColumns+` FROM status_pages WHERE id = $1`, id)
}

// SavePage inserts or updates a page.
func (t statusTx) SavePage(ctx context.Context, p *statuspage.Page) error {
	if p.ID == 0 {
		return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO status_pages (slug, name, host, logo_url, time_zone, support_text, position, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			p.Slug, p.Name, p.Host, p.LogoURL, p.TimeZone, p.SupportText, p.Position, p.CreatedAt, p.UpdatedAt).Scan(&p.ID))
	}
	return spExecOne(ctx, t.tx, "status page "+strconv.FormatInt(p.ID, 10), `UPDATE status_pages SET slug = $1, name = $2, host = $3, logo_url = $4,
		time_zone = $5, support_text = $6, position = $7, updated_at = $8 WHERE id = $9`,
		p.Slug, p.Name, p.Host, p.LogoURL, p.TimeZone, p.SupportText, p.Position, p.UpdatedAt, p.ID)
}

// DeletePage removes a page and everything on it.
func (t statusTx) DeletePage(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, "status page "+strconv.FormatInt(id, 10), `DELETE FROM status_pages WHERE id = $1`, id)
}

// --- groups ---

func scanStatusGroup(row rowScanner) (statuspage.Group, error) {
	var g statuspage.Group
	return g, row.Scan(&g.ID, &g.PageID, &g.Name, &g.Description, &g.Position)
}

const statusGroupColumns = `id, page_id, name, description, position`

// Groups lists a page's groups in order (every page's when pageID is 0).
func (r *StatusPages) Groups(ctx context.Context, pageID int64) ([]statuspage.Group, error) {
	return spQueryAll(ctx, r.s.rdb, scanStatusGroup, `SELECT `+statusGroupColumns+` FROM status_groups WHERE page_id = $1 OR $1 = 0 ORDER BY position, id`, pageID)
}

// SaveGroup inserts or updates a group.
func (t statusTx) SaveGroup(ctx context.Context, g *statuspage.Group) error {
	if g.ID == 0 {
		return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO status_groups (page_id, name, description, position) VALUES ($1, $2, $3, $4) RETURNING id`,
			g.PageID, g.Name, g.Description, g.Position).Scan(&g.ID))
	}
	return spExecOne(ctx, t.tx, "component group", `UPDATE status_groups SET name = $1, description = $2, position = $3 WHERE id = $4`,
		g.Name, g.Description, g.Position, g.ID)
}

// DeleteGroup removes a group; its components become ungrouped.
func (t statusTx) DeleteGroup(ctx context.Context, id int64) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE status_components SET group_id = NULL WHERE group_id = $1`, id); err != nil {
		return mapErr(err)
	}
	return spExecOne(ctx, t.tx, "component group", `DELETE FROM status_groups WHERE id = $1`, id)
}

// --- components ---

const statusComponentColumns = `id, page_id, group_id, name, description, status, position, services, created_at, updated_at`

func scanStatusComponent(row rowScanner) (statuspage.Component, error) {
	var (
		c        statuspage.Component
		group    sql.NullInt64
		services string
	)
	if err := row.Scan(&c.ID, &c.PageID, &group, &c.Name, &c.Description, &c.Status, &c.Position, &services, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return c, err
	}
	c.GroupID, c.CreatedAt, c.UpdatedAt = group.Int64, c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, json.Unmarshal([]byte(services), &c.Services)
}

// Components lists a page's components in order (every page's when pageID is 0).
func (r *StatusPages) Components(ctx context.Context, pageID int64) ([]statuspage.Component, error) {
	return spQueryAll(ctx, r.s.rdb, scanStatusComponent, `SELECT `+statusComponentColumns+` FROM status_components WHERE page_id = $1 OR $1 = 0 ORDER BY position, id`, pageID)
}

// ComponentForUpdate reads a component inside the transaction.
func (t statusTx) ComponentForUpdate(ctx context.Context, id int64) (statuspage.Component, error) {
	q := `SELECT ` + statusComponentColumns + ` FROM status_components WHERE id = $1`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	return spQueryOne(ctx, t.tx, scanStatusComponent, "component "+strconv.FormatInt(id, 10), q, id)
}

// SaveComponent inserts or updates a component and appends a status
// change to its history when its status is new.
func (t statusTx) SaveComponent(ctx context.Context, c *statuspage.Component) error {
	var old statuspage.ComponentStatus
	if c.ID == 0 {
		err := t.tx.QueryRowContext(ctx, `INSERT INTO status_components (page_id, group_id, name, description, status, position, services, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			c.PageID, spNullID(c.GroupID), c.Name, c.Description, string(c.Status), c.Position, spJSON(c.Services), c.CreatedAt, c.UpdatedAt).Scan(&c.ID)
		if err != nil {
			return mapErr(err)
		}
	} else {
		if err := t.tx.QueryRowContext(ctx, `SELECT status FROM status_components WHERE id = $1`, c.ID).Scan(&old); err != nil {
			return mapErr(err)
		}
		err := spExecOne(ctx, t.tx, "component", `UPDATE status_components SET group_id = $1, name = $2, description = $3, status = $4,
			position = $5, services = $6, updated_at = $7 WHERE id = $8`,
			spNullID(c.GroupID), c.Name, c.Description, string(c.Status), c.Position, spJSON(c.Services), c.UpdatedAt, c.ID)
		if err != nil {
			return err
		}
	}
	if old == c.Status {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO status_component_history (component_id, status, at) VALUES ($1, $2, $3)`, c.ID, string(c.Status), c.UpdatedAt)
	return mapErr(err)
}

// DeleteComponent removes a component and its history.
func (t statusTx) DeleteComponent(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, "component", `DELETE FROM status_components WHERE id = $1`, id)
}

// --- settings and templates ---

// Setting reads one setting.
func (r *StatusPages) Setting(ctx context.Context, key string) (string, bool, error) {
	return spSetting(ctx, r.s.rdb, key)
}

// Setting reads one setting inside the transaction.
func (t statusTx) Setting(ctx context.Context, key string) (string, bool, error) {
	return spSetting(ctx, t.tx, key)
}

func spSetting(ctx context.Context, db spRowQuerier, key string) (string, bool, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM status_settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, mapErr(err)
}

// SetSetting writes one setting.
func (t statusTx) SetSetting(ctx context.Context, key, value string) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO status_settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return mapErr(err)
}

// Templates lists the stored templates.
func (r *StatusPages) Templates(ctx context.Context) ([]statuspage.Template, error) {
	return spQueryAll(ctx, r.s.rdb, func(row rowScanner) (statuspage.Template, error) {
		var t statuspage.Template
		err := row.Scan(&t.Status, &t.Title, &t.Body, &t.UpdatedAt)
		t.UpdatedAt = t.UpdatedAt.UTC()
		return t, err
	}, `SELECT status, title, body, updated_at FROM status_templates ORDER BY status`)
}

// SaveTemplate replaces the template of one status.
func (t statusTx) SaveTemplate(ctx context.Context, tm statuspage.Template) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO status_templates (status, title, body, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (status) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at`,
		string(tm.Status), tm.Title, tm.Body, tm.UpdatedAt)
	return mapErr(err)
}

// --- small helpers of this file's queries ---

type spRowQuerier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

type spQuerier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func spQueryAll[T any](ctx context.Context, db spQuerier, scan func(rowScanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

func spQueryOne[T any](ctx context.Context, db spRowQuerier, scan func(rowScanner) (T, error), what, q string, args ...any) (T, error) {
	v, err := scan(db.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, apperr.NotFound(what)
	}
	return v, mapErr(err)
}

type spExecer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// spExecOne runs a statement that must touch one row; none is "not found".
func spExecOne(ctx context.Context, db spExecer, what, q string, args ...any) error {
	res, err := db.ExecContext(ctx, q, args...)
	if err != nil {
		return mapErr(err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return apperr.NotFound(what)
	}
	return nil
}

// spPlaceholders returns "$from, $from+1, …" for n arguments.
func spPlaceholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ", ")
}
