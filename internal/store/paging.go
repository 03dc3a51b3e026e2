package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// Paging stores escalation policies, service paging settings, maintenance
// windows, pages and their timelines (paging.Store).
type Paging struct {
	s *Store
	q Enqueuer
}

var _ paging.Store = (*Paging)(nil)

// Paging returns the paging store; q receives the side-effect jobs.
func (s *Store) Paging(q Enqueuer) *Paging { return &Paging{s: s, q: q} }

type pagingTx struct {
	*Tx
	q Enqueuer
}

var _ paging.Tx = pagingTx{}

// In is the pager's view of a transaction begun elsewhere: the ingest
// batch that raises triage pages, the dispatcher that records deliveries on
// the pages' timelines.
func (r *Paging) In(tx *Tx) paging.Tx { return pagingTx{tx, r.q} }

// InTx runs fn in one transaction.
func (r *Paging) InTx(ctx context.Context, fn func(paging.Tx) error) error {
	return r.s.InTx(ctx, func(tx *Tx) error { return fn(pagingTx{tx, r.q}) })
}

// Enqueue adds a job inside the transaction.
func (t pagingTx) Enqueue(ctx context.Context, job paging.Job) error {
	if t.q == nil {
		return nil
	}
	return t.q.EnqueueTx(ctx, t.tx, job)
}

// Audit records an audit entry inside the transaction.
func (t pagingTx) Audit(ctx context.Context, e audit.Entry) error { return t.Tx.Audit(ctx, e) }

// --- policies ---

const policyColumns = `id, name, description, repeats, steps, version, created_at, updated_at`

func scanPolicy(row interface{ Scan(...any) error }) (paging.Policy, error) {
	var (
		p     paging.Policy
		steps string
	)
	if err := row.Scan(&p.ID, &p.Name, &p.Description, &p.Repeat, &steps, &p.Version, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, json.Unmarshal([]byte(steps), &p.Steps)
}

// Policy reads one escalation policy.
func (r *Paging) Policy(ctx context.Context, id int64) (paging.Policy, error) {
	p, err := scanPolicy(r.s.rdb.QueryRowContext(ctx, `SELECT `+policyColumns+` FROM escalation_policies WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.NotFound(fmt.Sprintf("escalation policy %d", id))
	}
	return p, mapErr(err)
}

// Policies lists every escalation policy by name.
func (r *Paging) Policies(ctx context.Context) ([]paging.Policy, error) {
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT `+policyColumns+` FROM escalation_policies ORDER BY name`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []paging.Policy{}
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// SavePolicy inserts or updates a policy (refusing a stale version).
func (t pagingTx) SavePolicy(ctx context.Context, p *paging.Policy) error {
	steps, err := json.Marshal(p.Steps)
	if err != nil {
		return apperr.Internal(err)
	}
	if p.ID == 0 {
		p.Version = 1
		return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO escalation_policies (name, description, repeats, steps, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id`, p.Name, p.Description, p.Repeat, string(steps), p.CreatedAt, p.UpdatedAt).Scan(&p.ID))
	}
	q := `UPDATE escalation_policies SET name = $2, description = $3, repeats = $4, steps = $5, version = version + 1, updated_at = $6
		WHERE id = $1`
	args := []any{p.ID, p.Name, p.Description, p.Repeat, string(steps), p.UpdatedAt}
	if p.Version != 0 {
		q += ` AND version = $7`
		args = append(args, p.Version)
	}
	err = t.tx.QueryRowContext(ctx, q+` RETURNING version, created_at`, args...).Scan(&p.Version, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		var exists bool
		_ = t.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM escalation_policies WHERE id = $1)`, p.ID).Scan(&exists)
		if !exists {
			return apperr.NotFound(fmt.Sprintf("escalation policy %d", p.ID))
		}
		return apperr.Stale("the policy changed since you opened it", nil)
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return mapErr(err)
}

// DeletePolicy removes a policy that no service points to.
func (t pagingTx) DeletePolicy(ctx context.Context, id int64) error {
	var n int
	if err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_paging WHERE policy_id = $1`, id).Scan(&n); err != nil {
		return mapErr(err)
	}
	if n > 0 {
		return apperr.Conflict("%d service(s) still page with this policy; point them elsewhere first", n)
	}
	res, err := t.tx.ExecContext(ctx, `DELETE FROM escalation_policies WHERE id = $1`, id)
	if err != nil {
		return mapErr(err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return apperr.NotFound(fmt.Sprintf("escalation policy %d", id))
	}
	return nil
}

// --- service settings ---

// ServicePaging reads a service's paging settings (zero when none).
func (r *Paging) ServicePaging(ctx context.Context, serviceID int64) (paging.ServicePaging, error) {
	sp := paging.ServicePaging{ServiceID: serviceID}
	var pol, im sql.NullInt64
	err := r.s.rdb.QueryRowContext(ctx, `SELECT policy_id, im_schedule_id FROM service_paging WHERE service_id = $1`, serviceID).Scan(&pol, &im)
	if errors.Is(err, sql.ErrNoRows) {
		return sp, nil
	}
	sp.PolicyID, sp.IMScheduleID = pol.Int64, im.Int64
	return sp, mapErr(err)
}

// ServiceIDByName finds a service by name.
func (r *Paging) ServiceIDByName(ctx context.Context, name string) (int64, error) {
	var id int64
	err := r.s.rdb.QueryRowContext(ctx, `SELECT id FROM services WHERE name = $1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.NotFound("service " + name)
	}
	return id, mapErr(err)
}

// SetServicePaging writes a service's paging settings.
func (t pagingTx) SetServicePaging(ctx context.Context, sp paging.ServicePaging) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO service_paging (service_id, policy_id, im_schedule_id) VALUES ($1, $2, $3)
		ON CONFLICT (service_id) DO UPDATE SET policy_id = excluded.policy_id, im_schedule_id = excluded.im_schedule_id`,
		sp.ServiceID, spNullID(sp.PolicyID), spNullID(sp.IMScheduleID))
	return mapErr(err)
}

// --- maintenance windows ---

const windowColumns = `id, service_id, starts_at, ends_at, reason, created_by, created_at`

func scanWindow(row interface{ Scan(...any) error }) (paging.Window, error) {
	var (
		w  paging.Window
		by sql.NullInt64
	)
	err := row.Scan(&w.ID, &w.ServiceID, &w.Starts, &w.Ends, &w.Reason, &by, &w.CreatedAt)
	w.Starts, w.Ends, w.CreatedAt, w.CreatedBy = w.Starts.UTC(), w.Ends.UTC(), w.CreatedAt.UTC(), by.Int64
	return w, err
}

// Windows lists maintenance windows, soonest first.
func (r *Paging) Windows(ctx context.Context, f paging.WindowFilter) ([]paging.Window, error) {
	q := `SELECT ` + windowColumns + ` FROM maintenance_windows WHERE ($1 = 0 OR service_id = $1)`
	args := []any{f.ServiceID}
	if !f.After.IsZero() {
		q += ` AND ends_at > $2`
		args = append(args, f.After)
	}
	rows, err := r.s.rdb.QueryContext(ctx, q+` ORDER BY starts_at, id LIMIT 500`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []paging.Window{}
	for rows.Next() {
		w, err := scanWindow(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, w)
	}
	return out, mapErr(rows.Err())
}

// AddWindow stores a maintenance window.
func (t pagingTx) AddWindow(ctx context.Context, w *paging.Window) error {
	return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO maintenance_windows (service_id, starts_at, ends_at, reason, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, w.ServiceID, w.Starts.UTC(), w.Ends.UTC(), w.Reason, spNullID(w.CreatedBy), w.CreatedAt).Scan(&w.ID))
}

// EndWindow ends a window at at (or leaves one already over as it is).
func (t pagingTx) EndWindow(ctx context.Context, id int64, at time.Time) (paging.Window, error) {
	w, err := scanWindow(t.tx.QueryRowContext(ctx, `UPDATE maintenance_windows SET ends_at = CASE WHEN ends_at > $2 THEN $2 ELSE ends_at END
		WHERE id = $1 RETURNING `+windowColumns, id, at.UTC()))
	if errors.Is(err, sql.ErrNoRows) {
		return w, apperr.NotFound(fmt.Sprintf("maintenance window %d", id))
	}
	return w, mapErr(err)
}

// ActiveWindow is the service's window covering at, if any.
func (t pagingTx) ActiveWindow(ctx context.Context, serviceID int64, at time.Time) (*paging.Window, error) {
	w, err := scanWindow(t.tx.QueryRowContext(ctx, `SELECT `+windowColumns+` FROM maintenance_windows
		WHERE service_id = $1 AND starts_at <= $2 AND ends_at > $2 ORDER BY ends_at DESC LIMIT 1`, serviceID, at.UTC()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return &w, nil
}

// --- link key ---

// LinkKey returns the key that signs action links, creating it on first
// use; every node reads the same one.
func (r *Paging) LinkKey(ctx context.Context) ([]byte, error) {
	var v string
	err := r.s.rdb.QueryRowContext(ctx, `SELECT value FROM paging_settings WHERE key = 'link_key'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		if _, err := r.s.db.ExecContext(ctx, `INSERT INTO paging_settings (key, value) VALUES ('link_key', $1) ON CONFLICT (key) DO NOTHING`, hex.EncodeToString(b)); err != nil {
			return nil, mapErr(err)
		}
		err = r.s.db.QueryRowContext(ctx, `SELECT value FROM paging_settings WHERE key = 'link_key'`).Scan(&v)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return hex.DecodeString(v)
}

// UseLink records a one-time link's nonce; false when it was used before.
func (t pagingTx) UseLink(ctx context.Context, nonce string, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO page_link_uses (nonce, used_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING`, nonce, at)
	if err != nil {
		return false, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
