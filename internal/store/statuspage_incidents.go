package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

const statusIncidentColumns = `id, page_id, kind, incident_number, name, status, impact, scheduled_for, scheduled_until,
	components, created_at, updated_at, monitoring_at, resolved_at`

func scanStatusIncident(row rowScanner) (*statuspage.Incident, error) {
	var (
		inc                               statuspage.Incident
		number                            sql.NullInt64
		from, until, monitoring, resolved sql.NullTime
		components                        string
	)
	err := row.Scan(&inc.ID, &inc.PageID, &inc.Kind, &number, &inc.Name, &inc.Status, &inc.Impact, &from, &until,
		&components, &inc.CreatedAt, &inc.UpdatedAt, &monitoring, &resolved)
	if err != nil {
		return nil, err
	}
	inc.IncidentNumber = number.Int64
	inc.ScheduledFor, inc.ScheduledUntil = spTime(from), spTime(until)
	inc.MonitoringAt, inc.ResolvedAt = spTime(monitoring), spTime(resolved)
	inc.CreatedAt, inc.UpdatedAt = inc.CreatedAt.UTC(), inc.UpdatedAt.UTC()
	inc.Updates = []statuspage.Update{}
	return &inc, json.Unmarshal([]byte(components), &inc.Components)
}

func scanStatusUpdate(row rowScanner) (statuspage.Update, error) {
	var (
		u        statuspage.Update
		affected string
	)
	if err := row.Scan(&u.ID, &u.IncidentID, &u.Status, &u.Body, &affected, &u.ActorName, &u.CreatedAt); err != nil {
		return u, err
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, json.Unmarshal([]byte(affected), &u.Affected)
}

const statusUpdateColumns = `id, incident_id, status, body, affected, actor_name, created_at`

// withStatusUpdates fills in the updates of incs, newest first.
func withStatusUpdates(ctx context.Context, db spQuerier, incs []*statuspage.Incident) error {
	if len(incs) == 0 {
		return nil
	}
	byID := map[int64]*statuspage.Incident{}
	args := make([]any, len(incs))
	for i, inc := range incs {
		byID[inc.ID] = inc
		args[i] = inc.ID
	}
	// Chunked so that no statement exceeds the databases' parameter limits.
	for start := 0; start < len(args); start += 500 {
		end := min(start+500, len(args))
		ups, err := spQueryAll(ctx, db, scanStatusUpdate, `SELECT `+statusUpdateColumns+` FROM status_updates WHERE incident_id IN (`+
			spPlaceholders(1, end-start)+`) ORDER BY id DESC`, args[start:end]...)
		if err != nil {
			return err
		}
		for _, u := range ups {
			inc := byID[u.IncidentID]
			inc.Updates = append(inc.Updates, u)
		}
	}
	return nil
}

// Incident reads a public incident with its updates.
func (r *StatusPages) Incident(ctx context.Context, id int64) (*statuspage.Incident, error) {
	inc, err := spQueryOne(ctx, r.s.rdb, scanStatusIncident, "public incident "+strconv.FormatInt(id, 10),
		`SELECT `+statusIncidentColumns+` FROM status_incidents WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	return inc, withStatusUpdates(ctx, r.s.rdb, []*statuspage.Incident{inc})
}

// IncidentsOf lists the public incidents of an internal incident, with their updates.
func (r *StatusPages) IncidentsOf(ctx context.Context, number int64) ([]*statuspage.Incident, error) {
	incs, err := spQueryAll(ctx, r.s.rdb, scanStatusIncident, `SELECT `+statusIncidentColumns+` FROM status_incidents WHERE incident_number = $1 ORDER BY id`, number)
	if err != nil {
		return nil, err
	}
	return incs, withStatusUpdates(ctx, r.s.rdb, incs)
}

// Update reads one update.
func (r *StatusPages) Update(ctx context.Context, id int64) (statuspage.Update, error) {
	return spQueryOne(ctx, r.s.rdb, scanStatusUpdate, "update "+strconv.FormatInt(id, 10), `SELECT `+statusUpdateColumns+` FROM status_updates WHERE id = $1`, id)
}

// Load reads everything the public snapshot shows.
func (r *StatusPages) Load(ctx context.Context, since time.Time) (*statuspage.Data, error) {
	var (
		d   statuspage.Data
		err error
	)
	if d.Pages, err = r.Pages(ctx); err != nil {
		return nil, err
	}
	if d.Groups, err = r.Groups(ctx, 0); err != nil {
		return nil, err
	}
	if d.Components, err = r.Components(ctx, 0); err != nil {
		return nil, err
	}
	// The history from since, plus each component's last change before it,
	// which says what status the window starts in.
	d.History, err = spQueryAll(ctx, r.s.rdb, func(row rowScanner) (statuspage.Change, error) {
		var c statuspage.Change
		err := row.Scan(&c.ComponentID, &c.Status, &c.At)
		c.At = c.At.UTC()
		return c, err
	}, `SELECT component_id, status, at FROM status_component_history h WHERE at >= $1
		OR id = (SELECT MAX(id) FROM status_component_history p WHERE p.component_id = h.component_id AND p.at < $1)
		ORDER BY at, id`, since.UTC())
	if err != nil {
		return nil, err
	}
	d.Incidents, err = spQueryAll(ctx, r.s.rdb, scanStatusIncident, `SELECT `+statusIncidentColumns+` FROM status_incidents
		WHERE created_at >= $1 OR resolved_at IS NULL OR resolved_at >= $1 ORDER BY created_at DESC, id DESC`, since.UTC())
	if err != nil {
		return nil, err
	}
	return &d, withStatusUpdates(ctx, r.s.rdb, d.Incidents)
}

// IncidentForUpdate reads a public incident inside the transaction, without its updates.
func (t statusTx) IncidentForUpdate(ctx context.Context, id int64) (*statuspage.Incident, error) {
	q := `SELECT ` + statusIncidentColumns + ` FROM status_incidents WHERE id = $1`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	return spQueryOne(ctx, t.tx, scanStatusIncident, "public incident "+strconv.FormatInt(id, 10), q, id)
}

// IncidentOf finds the public incident of an internal one on a page, or nil.
func (t statusTx) IncidentOf(ctx context.Context, pageID, number int64) (*statuspage.Incident, error) {
	q := `SELECT ` + statusIncidentColumns + ` FROM status_incidents WHERE page_id = $1 AND incident_number = $2`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	inc, err := scanStatusIncident(t.tx.QueryRowContext(ctx, q, pageID, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return inc, mapErr(err)
}

// SaveIncident inserts (ID zero) or updates a public incident.
func (t statusTx) SaveIncident(ctx context.Context, inc *statuspage.Incident) error {
	if inc.ID == 0 {
		return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO status_incidents (page_id, kind, incident_number, name, status, impact,
			scheduled_for, scheduled_until, components, created_at, updated_at, monitoring_at, resolved_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			inc.PageID, string(inc.Kind), spNullID(inc.IncidentNumber), inc.Name, string(inc.Status), string(inc.Impact),
			nullTime(inc.ScheduledFor), nullTime(inc.ScheduledUntil), spJSON(inc.Components), inc.CreatedAt, inc.UpdatedAt,
			nullTime(inc.MonitoringAt), nullTime(inc.ResolvedAt)).Scan(&inc.ID))
	}
	return spExecOne(ctx, t.tx, "public incident", `UPDATE status_incidents SET name = $1, status = $2, impact = $3, scheduled_for = $4,
		scheduled_until = $5, components = $6, updated_at = $7, monitoring_at = $8, resolved_at = $9 WHERE id = $10`,
		inc.Name, string(inc.Status), string(inc.Impact), nullTime(inc.ScheduledFor), nullTime(inc.ScheduledUntil),
		spJSON(inc.Components), inc.UpdatedAt, nullTime(inc.MonitoringAt), nullTime(inc.ResolvedAt), inc.ID)
}

// DeleteIncident removes a public incident and its updates.
func (t statusTx) DeleteIncident(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, "public incident", `DELETE FROM status_incidents WHERE id = $1`, id)
}

// AddUpdate appends an update.
func (t statusTx) AddUpdate(ctx context.Context, u *statuspage.Update) error {
	return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO status_updates (incident_id, status, body, affected, actor_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.IncidentID, string(u.Status), u.Body, spJSON(u.Affected), u.ActorName, u.CreatedAt).Scan(&u.ID))
}
