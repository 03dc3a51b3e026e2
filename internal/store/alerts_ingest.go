package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// Ingest writes a batch of accepted requests in one transaction: the group
// commit. Either every request of the batch is committed, or none is and
// every caller gets the error; a 2xx is only sent after this returns nil.
//
// For each event: a repeat of an unresolved alert updates it (count, last
// seen, latest content) in one statement; a resolve resolves it, and when
// it was the last open alert of its group, closes the group (self-resolving
// a pending triage item, or asking for a note on the linked incident); a
// trigger with no unresolved alert opens a new one in the open group of its
// (service, group key), opening that group first if needed.
func (a *Alerts) Ingest(ctx context.Context, batch []detect.Accepted) error {
	return a.s.InTx(ctx, func(tx *Tx) error {
		changed := false
		for i := range batch {
			acc := &batch[i]
			now := acc.ReceivedAt.UTC()
			if _, err := tx.tx.ExecContext(ctx, `UPDATE integrations SET last_seen_at = $1 WHERE id = $2`, now, acc.IntegrationID); err != nil {
				return mapErr(err)
			}
			if !acc.Ping { // a heartbeat ping has no body worth keeping
				if _, err := tx.tx.ExecContext(ctx, `INSERT INTO alert_events (integration_id, received_at, body) VALUES ($1, $2, $3)`,
					acc.IntegrationID, now, acc.Body); err != nil {
					return mapErr(err)
				}
			}
			for j := range acc.Events {
				c, err := a.apply(ctx, tx, acc.IntegrationID, &acc.Events[j], now)
				if err != nil {
					return err
				}
				changed = changed || c
			}
		}
		if changed {
			return tx.Publish(ctx, detect.TriageTopic)
		}
		return nil
	})
}

// apply writes one event and reports whether the triage queue or an alert
// changed state (so live viewers need telling).
func (a *Alerts) apply(ctx context.Context, tx *Tx, integrationID int64, r *detect.Routed, now time.Time) (bool, error) {
	at := now
	labels, _ := json.Marshal(r.Labels)
	links, _ := json.Marshal(nonNilLinks(r.Links))
	switch r.Action {
	case detect.Trigger:
		var id int64
		err := tx.tx.QueryRowContext(ctx, `UPDATE alerts SET event_count = event_count + 1, last_seen = $3,
			title = $4, description = $5, severity = $6, source = $7, labels = $8, links = $9
			WHERE integration_id = $1 AND dedup_key = $2 AND status <> 'resolved' RETURNING id`,
			integrationID, r.DedupKey, at, r.Title, r.Description, r.Severity, r.Source, string(labels), string(links)).Scan(&id)
		if err == nil {
			return false, nil // a repeat
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, mapErr(err)
		}
		return true, a.openAlert(ctx, tx, integrationID, r, string(labels), string(links), at)
	case detect.Acknowledge:
		_, err := tx.tx.ExecContext(ctx, `UPDATE alerts SET status = 'acknowledged', event_count = event_count + 1, last_seen = $3
			WHERE integration_id = $1 AND dedup_key = $2 AND status <> 'resolved'`, integrationID, r.DedupKey, at)
		return true, mapErr(err)
	case detect.Resolve:
		var groupID int64
		err := tx.tx.QueryRowContext(ctx, `UPDATE alerts SET status = 'resolved', event_count = event_count + 1, last_seen = $3, resolved_at = $3
			WHERE integration_id = $1 AND dedup_key = $2 AND status <> 'resolved' RETURNING group_id`, integrationID, r.DedupKey, at).Scan(&groupID)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil // nothing open under that key: kept in alert_events only, as PagerDuty does
		}
		if err != nil {
			return false, mapErr(err)
		}
		return true, a.alertResolved(ctx, tx, groupID, at)
	}
	return false, nil
}

func nonNilLinks(l []detect.AlertLink) []detect.AlertLink {
	if l == nil {
		return []detect.AlertLink{}
	}
	return l
}

func (a *Alerts) openAlert(ctx context.Context, tx *Tx, integrationID int64, r *detect.Routed, labels, links string, at time.Time) error {
	var (
		groupID  int64
		incident sql.NullInt64
		severity string
	)
	err := tx.tx.QueryRowContext(ctx, `SELECT id, incident_number, severity FROM alert_groups WHERE service_id = $1 AND group_key = $2 AND state = 'open'`,
		r.ServiceID, r.GroupKey).Scan(&groupID, &incident, &severity)
	newGroup := errors.Is(err, sql.ErrNoRows)
	switch {
	case newGroup:
		g := detect.NewGroup(*r, at)
		if err := tx.tx.QueryRowContext(ctx, `INSERT INTO alert_groups (service_id, group_key, title, severity, state, triage, route, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			g.ServiceID, g.GroupKey, g.Title, g.Severity, g.State, g.Triage, g.Route, at).Scan(&groupID); err != nil {
			return mapErr(err)
		}
		severity = g.Severity
		// The alerts of a key that fired, resolved and fire again while their
		// incident is still open belong to that incident, not to triage.
		var open sql.NullInt64
		err := tx.tx.QueryRowContext(ctx, `SELECT g.incident_number FROM alert_groups g JOIN incidents i ON i.number = g.incident_number
			WHERE g.service_id = $1 AND g.group_key = $2 AND g.id <> $3 AND i.stage IN ('detect', 'fix') ORDER BY g.id DESC LIMIT 1`,
			r.ServiceID, r.GroupKey, groupID).Scan(&open)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return mapErr(err)
		}
		if open.Valid {
			incident = open
			if _, err := tx.tx.ExecContext(ctx, `UPDATE alert_groups SET incident_number = $2, triage = 'merged', decided_at = $3 WHERE id = $1`, groupID, open.Int64, at); err != nil {
				return mapErr(err)
			}
		}
	case err != nil:
		return mapErr(err)
	}
	if detect.SeverityRank(r.Severity) < detect.SeverityRank(severity) {
		severity = r.Severity
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE alert_groups SET open_alerts = open_alerts + 1, alert_count = alert_count + 1, severity = $2, updated_at = $3 WHERE id = $1`,
		groupID, severity, at); err != nil {
		return mapErr(err)
	}
	var alertID int64
	if err := tx.tx.QueryRowContext(ctx, `INSERT INTO alerts (integration_id, group_id, dedup_key, status, title, description, severity, source, labels, links, event_count, first_seen, last_seen)
		VALUES ($1, $2, $3, 'firing', $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING id`,
		integrationID, groupID, r.DedupKey, r.Title, r.Description, r.Severity, r.Source, labels, links, at).Scan(&alertID); err != nil {
		return mapErr(err)
	}
	switch {
	case incident.Valid:
		return a.enqueue(ctx, tx, detect.AttachJob{GroupID: groupID, AlertID: alertID})
	case !newGroup:
		return nil
	case r.Route == detect.RouteDeclare:
		return a.enqueue(ctx, tx, detect.DeclareJob{GroupID: groupID, Severity: r.IncidentSeverity})
	case r.Route == detect.RouteTriage:
		return a.enqueue(ctx, tx, detect.TriageNotifyJob{GroupID: groupID})
	}
	return nil
}

// alertResolved counts the resolve against the group and closes the group
// when no alert of it is left open.
func (a *Alerts) alertResolved(ctx context.Context, tx *Tx, groupID int64, at time.Time) error {
	var (
		open     int64
		triage   string
		incident sql.NullInt64
	)
	if err := tx.tx.QueryRowContext(ctx, `UPDATE alert_groups SET open_alerts = open_alerts - 1, updated_at = $2 WHERE id = $1
		RETURNING open_alerts, triage, incident_number`, groupID, at).Scan(&open, &triage, &incident); err != nil {
		return mapErr(err)
	}
	if open > 0 {
		return nil
	}
	if triage == detect.TriagePending {
		triage = detect.TriageSelfResolved
	}
	if _, err := tx.tx.ExecContext(ctx, `UPDATE alert_groups SET state = 'resolved', resolved_at = $2, triage = $3 WHERE id = $1`, groupID, at, triage); err != nil {
		return mapErr(err)
	}
	if incident.Valid {
		return a.enqueue(ctx, tx, detect.GroupResolvedJob{GroupID: groupID})
	}
	return nil
}

func (a *Alerts) enqueue(ctx context.Context, tx *Tx, job Job) error {
	if a.q == nil {
		return nil
	}
	return a.q.EnqueueTx(ctx, tx.tx, job)
}
