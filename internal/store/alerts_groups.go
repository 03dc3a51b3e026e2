package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

const groupSelect = `SELECT g.id, g.service_id, s.name, g.group_key, g.title, g.severity, g.state, g.triage, g.route,
	g.incident_number, g.open_alerts, g.alert_count, g.dismiss_reason, g.dismiss_note, g.decided_by, g.decided_at,
	g.created_at, g.updated_at, g.resolved_at
	FROM alert_groups g JOIN services s ON s.id = g.service_id`

func scanGroup(row rowScanner) (detect.Group, error) {
	var (
		g                   detect.Group
		incident, decidedBy sql.NullInt64
		decided, resolved   sql.NullTime
	)
	err := row.Scan(&g.ID, &g.ServiceID, &g.Service, &g.GroupKey, &g.Title, &g.Severity, &g.State, &g.Triage, &g.Route,
		&incident, &g.OpenAlerts, &g.AlertCount, &g.DismissReason, &g.DismissNote, &decidedBy, &decided,
		&g.CreatedAt, &g.UpdatedAt, &resolved)
	if err != nil {
		return g, err
	}
	g.IncidentNumber, g.DecidedBy = incident.Int64, decidedBy.Int64
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	if decided.Valid {
		t := decided.Time.UTC()
		g.DecidedAt = &t
	}
	if resolved.Valid {
		t := resolved.Time.UTC()
		g.ResolvedAt = &t
	}
	return g, nil
}

// Group reads one alert group.
func (a *Alerts) Group(ctx context.Context, id int64) (detect.Group, error) {
	g, err := scanGroup(a.s.rdb.QueryRowContext(ctx, groupSelect+` WHERE g.id = $1`, id))
	return g, notFound(err, "alert group "+strconv.FormatInt(id, 10))
}

// ListGroups lists alert groups, newest first.
func (a *Alerts) ListGroups(ctx context.Context, f detect.GroupFilter) ([]detect.Group, error) {
	var w filter
	if len(f.Triage) > 0 {
		in(&w, "g.triage", f.Triage)
	}
	if f.ServiceID != 0 {
		w.add("g.service_id = " + w.arg(f.ServiceID))
	}
	if f.Open {
		w.add("g.state = 'open'")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := groupSelect + w.where() + " ORDER BY g.id DESC LIMIT " + w.arg(f.Limit)
	rows, err := a.s.rdb.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, scanGroup)
}

// GroupsOfIncident lists the alert groups linked to an incident.
func (a *Alerts) GroupsOfIncident(ctx context.Context, number int64) ([]detect.Group, error) {
	rows, err := a.s.rdb.QueryContext(ctx, groupSelect+` WHERE g.incident_number = $1 ORDER BY g.id`, number)
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, scanGroup)
}

// UpdateGroup reads a group inside a transaction, lets change apply a rule
// of the detect package to it, and writes the triage fields back. The
// write only happens if the group's triage state is still the one read,
// so two people deciding at once cannot both win.
func (a *Alerts) UpdateGroup(ctx context.Context, id int64, change func(*detect.Group) error) (detect.Group, error) {
	return a.updateGroup(ctx, id, change, nil)
}

// updateGroup is UpdateGroup, enqueuing job (when not nil) in the same
// transaction.
func (a *Alerts) updateGroup(ctx context.Context, id int64, change func(*detect.Group) error, job Job) (detect.Group, error) {
	var g detect.Group
	err := a.s.InTx(ctx, func(tx *Tx) error {
		var err error
		g, err = scanGroup(tx.tx.QueryRowContext(ctx, groupSelect+` WHERE g.id = $1`, id))
		if err != nil {
			return notFound(err, "alert group "+strconv.FormatInt(id, 10))
		}
		was := g.Triage
		if err := change(&g); err != nil {
			return err
		}
		var incident, decidedBy any
		if g.IncidentNumber != 0 {
			incident = g.IncidentNumber
		}
		if g.DecidedBy != 0 {
			decidedBy = g.DecidedBy
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE alert_groups SET triage = $2, incident_number = $3, dismiss_reason = $4, dismiss_note = $5,
			decided_by = $6, decided_at = $7, updated_at = $8 WHERE id = $1 AND triage = $9`,
			id, g.Triage, incident, g.DismissReason, g.DismissNote, decidedBy, g.DecidedAt, g.UpdatedAt, was)
		if err != nil {
			return mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(sql.ErrNoRows, "alert group "+strconv.FormatInt(id, 10))
		}
		if job != nil {
			if err := a.enqueue(ctx, tx, job); err != nil {
				return err
			}
		}
		if err := a.groupDecided(ctx, tx, g); err != nil {
			return err
		}
		return tx.Publish(ctx, detect.TriageTopic)
	})
	return g, err
}

const alertSelect = `SELECT a.id, a.integration_id, i.name, a.group_id, a.dedup_key, a.status, a.title, a.description, a.severity, a.source,
	a.labels, a.links, a.event_count, a.first_seen, a.last_seen, a.resolved_at
	FROM alerts a JOIN integrations i ON i.id = a.integration_id`

func scanAlert(row rowScanner) (detect.Alert, error) {
	var (
		al            detect.Alert
		labels, links []byte
		resolved      sql.NullTime
	)
	err := row.Scan(&al.ID, &al.IntegrationID, &al.Integration, &al.GroupID, &al.DedupKey, &al.Status, &al.Title, &al.Description,
		&al.Severity, &al.Source, &labels, &links, &al.EventCount, &al.FirstSeen, &al.LastSeen, &resolved)
	if err != nil {
		return al, err
	}
	if err := json.Unmarshal(labels, &al.Labels); err != nil {
		return al, err
	}
	if err := json.Unmarshal(links, &al.Links); err != nil {
		return al, err
	}
	al.FirstSeen, al.LastSeen = al.FirstSeen.UTC(), al.LastSeen.UTC()
	if resolved.Valid {
		t := resolved.Time.UTC()
		al.ResolvedAt = &t
	}
	return al, nil
}

// Alert reads one alert.
func (a *Alerts) Alert(ctx context.Context, id int64) (detect.Alert, error) {
	al, err := scanAlert(a.s.rdb.QueryRowContext(ctx, alertSelect+` WHERE a.id = $1`, id))
	return al, notFound(err, "alert "+strconv.FormatInt(id, 10))
}

// ListAlerts lists alerts, newest first.
func (a *Alerts) ListAlerts(ctx context.Context, f detect.AlertFilter) ([]detect.Alert, error) {
	var w filter
	if f.Status != "" {
		w.add("a.status = " + w.arg(f.Status))
	}
	if f.GroupID != 0 {
		w.add("a.group_id = " + w.arg(f.GroupID))
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	q := alertSelect + w.where() + " ORDER BY a.id DESC LIMIT " + w.arg(f.Limit)
	rows, err := a.s.rdb.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, scanAlert)
}
