package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

const pageColumns = `p.id, p.service_id, COALESCE(s.name, ''), p.summary, p.details, p.urgency, p.source, p.source_id, p.incident_number,
	p.policy_id, p.policy, p.status, p.next_round, p.next_step, p.next_at, p.seq, p.last_fired, p.acked_by, p.acked_at,
	p.resolved_by, p.resolved_at, p.created_at, p.updated_at`

const pageFrom = ` FROM pages p LEFT JOIN services s ON s.id = p.service_id`

func scanPage(row rowScanner) (paging.Page, error) {
	var (
		p                           paging.Page
		svc, inc, pol, acked, resBy sql.NullInt64
		policy, last                string
		nextAt, ackedAt, resolvedAt sql.NullTime
	)
	err := row.Scan(&p.ID, &svc, &p.Service, &p.Summary, &p.Details, &p.Urgency, &p.Source, &p.SourceID, &inc,
		&pol, &policy, &p.Status, &p.Next.Round, &p.Next.Step, &nextAt, &p.Seq, &last, &acked, &ackedAt,
		&resBy, &resolvedAt, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.ServiceID, p.IncidentNumber, p.PolicyID, p.AckedBy, p.ResolvedBy = svc.Int64, inc.Int64, pol.Int64, acked.Int64, resBy.Int64
	p.NextAt, p.AckedAt, p.ResolvedAt = spTime(nextAt), spTime(ackedAt), spTime(resolvedAt)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if last != "" {
		p.Last = new(paging.Position)
		if err := json.Unmarshal([]byte(last), p.Last); err != nil {
			return p, err
		}
	}
	return p, json.Unmarshal([]byte(policy), &p.Policy)
}

func pageNotFound(id int64) error { return apperr.NotFound(fmt.Sprintf("page %d", id)) }

// Page reads one page.
func (r *Paging) Page(ctx context.Context, id int64) (paging.Page, error) {
	p, err := scanPage(r.s.rdb.QueryRowContext(ctx, `SELECT `+pageColumns+pageFrom+` WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, pageNotFound(id)
	}
	return p, mapErr(err)
}

// Pages lists pages, newest first.
func (r *Paging) Pages(ctx context.Context, f paging.Filter) ([]paging.Page, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Open {
		where = append(where, `p.status IN ('triggered', 'acknowledged')`)
	}
	if len(f.Status) > 0 {
		var in []string
		for _, s := range f.Status {
			in = append(in, arg(string(s)))
		}
		where = append(where, `p.status IN (`+strings.Join(in, ", ")+`)`)
	}
	if f.ServiceID != 0 {
		where = append(where, `p.service_id = `+arg(f.ServiceID))
	}
	if f.IncidentNumber != 0 {
		where = append(where, `p.incident_number = `+arg(f.IncidentNumber))
	}
	if f.UserID != 0 {
		u := arg(f.UserID)
		where = append(where, `(p.acked_by = `+u+` OR p.id IN (SELECT page_id FROM page_events WHERE user_id = `+u+` OR actor_id = `+u+`))`)
	}
	q := `SELECT ` + pageColumns + pageFrom
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q += ` ORDER BY p.id DESC LIMIT ` + arg(min(limit, 500))
	rows, err := r.s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []paging.Page{}
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// Events is a page's timeline, oldest first.
func (r *Paging) Events(ctx context.Context, pageID int64) ([]paging.Event, error) {
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT id, page_id, at, kind, actor_id, user_id, text FROM page_events WHERE page_id = $1 ORDER BY id`, pageID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []paging.Event{}
	for rows.Next() {
		var (
			e           paging.Event
			actor, user sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &e.PageID, &e.At, &e.Kind, &actor, &user, &e.Text); err != nil {
			return nil, mapErr(err)
		}
		e.At, e.ActorID, e.UserID = e.At.UTC(), actor.Int64, user.Int64
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// pageArgs are the JSON columns of a page: its policy (when withPolicy) and
// the position of the step fired last.
func pageArgs(p *paging.Page, withPolicy bool) (policy, last string) {
	if withPolicy {
		b, err := json.Marshal(p.Policy)
		if err != nil {
			panic(err) // plain data
		}
		policy = string(b)
	}
	if p.Last != nil {
		l, _ := json.Marshal(p.Last)
		last = string(l)
	}
	return policy, last
}

// InsertPage stores a new page.
func (t pagingTx) InsertPage(ctx context.Context, p *paging.Page) error {
	policy, last := pageArgs(p, true)
	return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO pages (service_id, summary, details, urgency, source, source_id, incident_number,
		policy_id, policy, status, next_round, next_step, next_at, seq, last_fired, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		spNullID(p.ServiceID), p.Summary, p.Details, string(p.Urgency), string(p.Source), p.SourceID, spNullID(p.IncidentNumber),
		spNullID(p.PolicyID), policy, string(p.Status), p.Next.Round, p.Next.Step, pgTime(p.NextAt), p.Seq, last, p.CreatedAt.UTC(), p.UpdatedAt.UTC()).Scan(&p.ID))
}

// PageForUpdate reads a page and holds it (the row on PostgreSQL; SQLite's
// transaction holds the write lock already).
func (t pagingTx) PageForUpdate(ctx context.Context, id int64) (paging.Page, error) {
	q := `SELECT ` + pageColumns + pageFrom + ` WHERE p.id = $1`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE OF p`
	}
	p, err := scanPage(t.tx.QueryRowContext(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, pageNotFound(id)
	}
	return p, mapErr(err)
}

// OpenPagesOf finds the unfinished pages that sources of one kind raised,
// by source id (at most one each).
func (t pagingTx) OpenPagesOf(ctx context.Context, src paging.Source, sourceIDs []int64) (map[int64]paging.Page, error) {
	out := map[int64]paging.Page{}
	if len(sourceIDs) == 0 {
		return out, nil
	}
	var w filter
	w.add(`p.source = ` + w.arg(string(src)))
	in(&w, "p.source_id", sourceIDs)
	// The last condition lets SQLite use the partial index pages_open_source
	// (PostgreSQL can prove it from the literals too).
	w.add(`p.status IN ('triggered', 'acknowledged', 'suppressed') AND p.source <> 'manual'`)
	rows, err := t.tx.QueryContext(ctx, `SELECT `+pageColumns+pageFrom+w.where(), w.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	pages, err := collect(rows, scanPage)
	for _, p := range pages {
		out[p.SourceID] = p
	}
	return out, err
}

// PagesOf lists the open pages of a source: an alert group's (by source),
// or an incident's (any page linked to the incident number).
func (t pagingTx) PagesOf(ctx context.Context, src paging.Source, sourceID int64) ([]paging.Page, error) {
	q := `SELECT ` + pageColumns + pageFrom + ` WHERE p.status IN ('triggered', 'acknowledged') AND `
	if src == paging.FromIncident {
		q += `p.incident_number = $1`
	} else {
		q += `p.source = 'alert_group' AND p.source_id = $1`
	}
	rows, err := t.tx.QueryContext(ctx, q+` ORDER BY p.id`, sourceID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []paging.Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}

// SavePage writes a page's state.
func (t pagingTx) SavePage(ctx context.Context, p *paging.Page) error {
	policy, last := pageArgs(p, true)
	_, err := t.tx.ExecContext(ctx, `UPDATE pages SET policy_id = $2, policy = $3, status = $4, next_round = $5, next_step = $6, next_at = $7,
		seq = $8, last_fired = $9, acked_by = $10, acked_at = $11, resolved_by = $12, resolved_at = $13, updated_at = $14, incident_number = $15 WHERE id = $1`,
		p.ID, spNullID(p.PolicyID), policy, string(p.Status), p.Next.Round, p.Next.Step, pgTime(p.NextAt), p.Seq, last,
		spNullID(p.AckedBy), pgTime(p.AckedAt), spNullID(p.ResolvedBy), pgTime(p.ResolvedAt), p.UpdatedAt.UTC(), spNullID(p.IncidentNumber))
	return mapErr(err)
}

// SaveSteps writes what firing a step changes (the next step, its time, the
// sequence number, the step fired last) for many pages in one statement per
// chunk.
func (t pagingTx) SaveSteps(ctx context.Context, pages []paging.Page) error {
	return chunks(pages, func(pages []paging.Page) error {
		rows := make([][]any, len(pages))
		for i := range pages {
			p := &pages[i]
			_, last := pageArgs(p, false)
			rows[i] = []any{p.ID, p.Next.Round, p.Next.Step, pgTime(p.NextAt), p.Seq, last, p.UpdatedAt.UTC()}
		}
		list, args := t.s.values(rows, "bigint", "bigint", "bigint", "timestamptz", "bigint", "text", "timestamptz")
		_, err := t.tx.ExecContext(ctx, `WITH v (id, next_round, next_step, next_at, seq, last_fired, updated_at) AS (VALUES `+list+`)
			UPDATE pages SET next_round = v.next_round, next_step = v.next_step, next_at = v.next_at, seq = v.seq,
				last_fired = v.last_fired, updated_at = v.updated_at FROM v WHERE pages.id = v.id`, args...)
		return mapErr(err)
	})
}

// AppendEvents appends to the pages' timelines (each event names its page),
// many rows per statement.
func (t pagingTx) AppendEvents(ctx context.Context, events []paging.Event) error {
	return chunks(events, func(events []paging.Event) error {
		rows := make([][]any, len(events))
		for i, e := range events {
			rows[i] = []any{e.PageID, e.At.UTC(), e.Kind, spNullID(e.ActorID), spNullID(e.UserID), e.Text}
		}
		list, args := t.s.values(rows)
		_, err := t.tx.ExecContext(ctx, `INSERT INTO page_events (page_id, at, kind, actor_id, user_id, text) VALUES `+list, args...)
		return mapErr(err)
	})
}

// resolveGroupPages enqueues, in an alert change's transaction, the job
// that resolves the alert group's open page, if it has one: the only
// cost on the ingest path is one indexed lookup per resolved group.
func (a *Alerts) resolveGroupPages(ctx context.Context, tx *Tx, groupID int64, why string) error {
	var open bool
	if err := tx.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pages WHERE source = 'alert_group' AND source_id = $1
		AND status IN ('triggered', 'acknowledged', 'suppressed'))`, groupID).Scan(&open); err != nil {
		return mapErr(err)
	}
	if !open {
		return nil
	}
	return a.enqueue(ctx, tx, paging.ResolveSourceJob{Source: paging.FromAlertGroup, SourceID: groupID, Why: why})
}

// groupDecided resolves the page of a triage item that was dismissed or
// merged into an open incident: someone has looked at it. A declared
// item's page stays open and is linked to the new incident (paging's
// DeclaredJob), and ends with it.
func (a *Alerts) groupDecided(ctx context.Context, tx *Tx, g detect.Group) error {
	switch g.Triage {
	case detect.TriageDismissed:
		return a.resolveGroupPages(ctx, tx, g.ID, "the triage item was dismissed ("+g.DismissReason+")")
	case detect.TriageMerged:
		return a.resolveGroupPages(ctx, tx, g.ID, fmt.Sprintf("the triage item was merged into %s", incident.Ref(g.IncidentNumber)))
	}
	return nil
}

// DuePages reads and locks the triggered pages whose next step is due at
// now, oldest deadline first. On PostgreSQL a page another transaction
// holds (another node firing it) is skipped; SQLite has one writer.
func (t pagingTx) DuePages(ctx context.Context, now time.Time, limit int) ([]paging.Page, error) {
	from, lock := pageFrom, ` FOR UPDATE OF p SKIP LOCKED`
	if t.s.dialect == SQLite {
		// Without statistics SQLite prefers pages_status (status =) and
		// sorts every triggered page, due or not, on each pass.
		from, lock = strings.Replace(pageFrom, "pages p", "pages p INDEXED BY pages_due", 1), ""
	}
	q := `SELECT ` + pageColumns + from + ` WHERE p.status = 'triggered' AND p.next_at <= $1 ORDER BY p.next_at, p.id LIMIT $2` + lock
	rows, err := t.tx.QueryContext(ctx, q, now.UTC(), limit)
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, scanPage)
}

// NextDue is the earliest deadline of a triggered page (the first entry of
// pages_due); false when no page has one.
func (r *Paging) NextDue(ctx context.Context) (time.Time, bool, error) {
	from := `pages`
	if r.s.dialect == SQLite {
		from = `pages INDEXED BY pages_due` // see DuePages
	}
	var at time.Time
	err := r.s.rdb.QueryRowContext(ctx, `SELECT next_at FROM `+from+` WHERE status = 'triggered' AND next_at IS NOT NULL ORDER BY next_at LIMIT 1`).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, mapErr(err)
	}
	return at.UTC(), true, nil
}

// Triggered returns which of the pages ids are triggered.
func (r *Paging) Triggered(ctx context.Context, ids []int64) (map[int64]bool, error) {
	var w filter
	in(&w, "id", ids)
	w.add("status = 'triggered'")
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT id FROM pages`+w.where(), w.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	found, err := collect(rows, func(row rowScanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	})
	out := make(map[int64]bool, len(found))
	for _, id := range found {
		out[id] = true
	}
	return out, err
}

func pgTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
