package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Job is a side-effect job; its Kind names the worker (river.JobArgs).
type Job = interface{ Kind() string }

// Enqueuer inserts jobs inside a transaction: the job queue.
type Enqueuer interface {
	EnqueueTx(ctx context.Context, tx *sql.Tx, job Job) error
}

// Incidents stores incidents and their timelines (incident.Store).
type Incidents struct {
	s *Store
	q Enqueuer
}

var _ incident.Store = (*Incidents)(nil)

// Incidents returns the incident store; q receives the side-effect jobs.
func (s *Store) Incidents(q Enqueuer) *Incidents { return &Incidents{s: s, q: q} }

type incidentTx struct {
	*Tx
	q Enqueuer
}

var _ incident.Tx = incidentTx{}

// InTx runs fn in one transaction.
func (r *Incidents) InTx(ctx context.Context, fn func(incident.Tx) error) error {
	return r.s.InTx(ctx, func(tx *Tx) error { return fn(incidentTx{tx, r.q}) })
}

const incidentColumns = `number, doc, version`

type rowScanner interface{ Scan(...any) error }

func scanIncident(row rowScanner) (*incident.Incident, error) {
	var (
		number, version int64
		doc             []byte
	)
	if err := row.Scan(&number, &doc, &version); err != nil {
		return nil, err
	}
	inc := &incident.Incident{}
	if err := json.Unmarshal(doc, inc); err != nil {
		return nil, fmt.Errorf("decode incident %d: %w", number, err)
	}
	inc.Number, inc.Version = number, version
	return inc, nil
}

// Get reads one incident.
func (r *Incidents) Get(ctx context.Context, number int64) (*incident.Incident, error) {
	inc, err := scanIncident(r.s.rdb.QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound(incident.Ref(number))
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return inc, nil
}

// List returns a page of incidents, newest first.
func (r *Incidents) List(ctx context.Context, f incident.Filter) (incident.Page, error) {
	var w filter
	if f.Open {
		in(&w, "stage", []string{string(incident.Detect), string(incident.Fix)})
	}
	if len(f.Stages) > 0 {
		stages := make([]string, len(f.Stages))
		for i, s := range f.Stages {
			stages[i] = string(s)
		}
		in(&w, "stage", stages)
	}
	if len(f.Severities) > 0 {
		in(&w, "severity", f.Severities)
	}
	if f.Service != "" {
		w.add("number IN (SELECT incident_number FROM incident_services WHERE service = " + w.arg(f.Service) + ")")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.add("LOWER(title) LIKE " + w.arg("%"+strings.ToLower(q)+"%"))
	}
	if f.Cursor != "" {
		before, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil {
			return incident.Page{}, apperr.Invalid("cursor", "is not a cursor this server gave out")
		}
		w.add("number < " + w.arg(before))
	}
	q := `SELECT ` + incidentColumns + ` FROM incidents` + w.where() + " ORDER BY number DESC LIMIT " + w.arg(f.Limit+1)
	rows, err := r.s.rdb.QueryContext(ctx, q, w.args...)
	if err != nil {
		return incident.Page{}, mapErr(err)
	}
	incidents, err := collect(rows, scanIncident)
	if err != nil {
		return incident.Page{}, err
	}
	page := incident.Page{Incidents: incidents}
	if len(page.Incidents) > f.Limit {
		page.Incidents = page.Incidents[:f.Limit]
		page.Next = strconv.FormatInt(page.Incidents[f.Limit-1].Number, 10)
	}
	return page, nil
}

// Timeline returns every event of an incident in order.
func (r *Incidents) Timeline(ctx context.Context, number int64) ([]incident.Event, error) {
	return queryEvents(ctx, r.s.rdb, number, 0)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// queryEvents reads the timeline of number, or only event seq when seq > 0.
func queryEvents(ctx context.Context, db querier, number, seq int64) ([]incident.Event, error) {
	q := `SELECT id, incident_number, seq, at, actor_id, actor_name, kind, before, after, note, key_moment, ref
		FROM incident_events WHERE incident_number = $1`
	args := []any{number}
	if seq > 0 {
		q += ` AND seq = $2`
		args = append(args, seq)
	}
	rows, err := db.QueryContext(ctx, q+` ORDER BY seq`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	events := []incident.Event{}
	for rows.Next() {
		var (
			e             incident.Event
			actor         sql.NullInt64
			before, after []byte
		)
		if err := rows.Scan(&e.ID, &e.IncidentNumber, &e.Seq, &e.At, &actor, &e.ActorName, &e.Kind, &before, &after, &e.Note, &e.KeyMoment, &e.Ref); err != nil {
			return nil, mapErr(err)
		}
		e.ActorID = actor.Int64
		e.At = e.At.UTC()
		if err := unmarshalNullable(before, &e.Before); err != nil {
			return nil, err
		}
		if err := unmarshalNullable(after, &e.After); err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, mapErr(rows.Err())
}

func unmarshalNullable(b []byte, dst any) error {
	if len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, dst)
}

// marshalNullable encodes v as JSON text, or NULL when v is nil.
func marshalNullable(v map[string]any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Insert stores a new incident under the next number of the sequence.
func (t incidentTx) Insert(ctx context.Context, inc *incident.Incident) (int64, error) {
	var n int64
	err := t.tx.QueryRowContext(ctx, `UPDATE counters SET value = value + 1 WHERE name = 'incident' RETURNING value`).Scan(&n)
	if err != nil {
		return 0, mapErr(err)
	}
	inc.Number = n
	doc, err := json.Marshal(inc)
	if err != nil {
		return 0, err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO incidents (number, title, severity, stage, doc, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		n, inc.Title, inc.Severity, string(inc.Stage), string(doc), inc.CreatedAt, inc.UpdatedAt, inc.Version)
	if err != nil {
		return 0, mapErr(err)
	}
	return n, t.writeServices(ctx, inc)
}

// GetForUpdate reads an incident inside the transaction. On SQLite the
// transaction already holds the write lock; on PostgreSQL the row is locked.
func (t incidentTx) GetForUpdate(ctx context.Context, number int64) (*incident.Incident, error) {
	q := `SELECT ` + incidentColumns + ` FROM incidents WHERE number = $1`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	inc, err := scanIncident(t.tx.QueryRowContext(ctx, q, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound(incident.Ref(number))
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return inc, nil
}

// Save writes inc if the stored version is still prevVersion.
func (t incidentTx) Save(ctx context.Context, inc *incident.Incident, prevVersion int64) (bool, error) {
	doc, err := json.Marshal(inc)
	if err != nil {
		return false, err
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE incidents SET title = $1, severity = $2, stage = $3, doc = $4, updated_at = $5, version = $6
		WHERE number = $7 AND version = $8`,
		inc.Title, inc.Severity, string(inc.Stage), string(doc), inc.UpdatedAt, inc.Version, inc.Number, prevVersion)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, mapErr(err)
	}
	return true, t.writeServices(ctx, inc)
}

// writeServices keeps the service index of an incident in step with its document.
func (t incidentTx) writeServices(ctx context.Context, inc *incident.Incident) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM incident_services WHERE incident_number = $1`, inc.Number); err != nil {
		return mapErr(err)
	}
	for _, svc := range inc.Services {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO incident_services (incident_number, service) VALUES ($1, $2)`, inc.Number, svc); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// AppendEvents appends events after the incident's last one.
func (t incidentTx) AppendEvents(ctx context.Context, events []incident.Event) ([]incident.Event, error) {
	if len(events) == 0 {
		return events, nil
	}
	var last int64
	err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM incident_events WHERE incident_number = $1`, events[0].IncidentNumber).Scan(&last)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]incident.Event, len(events))
	for i, e := range events {
		e.Seq = last + int64(i) + 1
		before, err := marshalNullable(e.Before)
		if err != nil {
			return nil, err
		}
		after, err := marshalNullable(e.After)
		if err != nil {
			return nil, err
		}
		var actor any
		if e.ActorID != 0 {
			actor = e.ActorID
		}
		err = t.tx.QueryRowContext(ctx, `INSERT INTO incident_events
			(incident_number, seq, at, actor_id, actor_name, kind, before, after, note, key_moment, ref)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			e.IncidentNumber, e.Seq, e.At, actor, e.ActorName, string(e.Kind), before, after, e.Note, e.KeyMoment, e.Ref).Scan(&e.ID)
		if err != nil {
			return nil, mapErr(err)
		}
		out[i] = e
	}
	return out, nil
}

// Event reads one timeline event.
func (t incidentTx) Event(ctx context.Context, number, seq int64) (incident.Event, error) {
	events, err := queryEvents(ctx, t.tx, number, seq)
	if err != nil {
		return incident.Event{}, err
	}
	if len(events) == 0 {
		return incident.Event{}, apperr.NotFound(fmt.Sprintf("event %d of %s", seq, incident.Ref(number)))
	}
	return events[0], nil
}

// Enqueue adds a job inside the transaction.
func (t incidentTx) Enqueue(ctx context.Context, job incident.Job) error {
	if t.q == nil {
		return nil
	}
	return t.q.EnqueueTx(ctx, t.tx, job)
}

// Audit records an audit entry inside the transaction.
func (t incidentTx) Audit(ctx context.Context, e audit.Entry) error { return t.Tx.Audit(ctx, e) }

// TimelineEvent reads one event outside any transaction (for job workers).
func (r *Incidents) TimelineEvent(ctx context.Context, number, seq int64) (incident.Event, error) {
	events, err := queryEvents(ctx, r.s.rdb, number, seq)
	if err != nil {
		return incident.Event{}, err
	}
	if len(events) == 0 {
		return incident.Event{}, apperr.NotFound(fmt.Sprintf("event %d of %s", seq, incident.Ref(number)))
	}
	return events[0], nil
}

// StageCount is the number of incidents in one stage and severity.
type StageCount struct {
	Stage, Severity string
	Count           int64
}

// CountIncidents counts incidents by stage and severity (for metrics).
func (s *Store) CountIncidents(ctx context.Context) ([]StageCount, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT stage, severity, COUNT(*) FROM incidents GROUP BY stage, severity ORDER BY stage, severity`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []StageCount
	for rows.Next() {
		var c StageCount
		if err := rows.Scan(&c.Stage, &c.Severity, &c.Count); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}
