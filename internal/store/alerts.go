package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// Alerts stores what the Detect stage keeps: integrations, routing rules,
// alerts, alert groups (the triage queue), raw payloads and the teams'
// triage notification hooks.
type Alerts struct {
	s      *Store
	q      Enqueuer
	triage TriageFollower
}

// Alerts returns the alert store; q receives the side-effect jobs of ingestion.
func (s *Store) Alerts(q Enqueuer) *Alerts { return &Alerts{s: s, q: q} }

const integrationSelect = `SELECT i.id, i.name, i.kind, i.service_id, s.name, i.key_hint, i.config, i.heartbeat_minutes, i.last_seen_at, i.created_at
	FROM integrations i JOIN services s ON s.id = i.service_id`

func scanIntegration(row rowScanner) (detect.Integration, error) {
	var (
		in   detect.Integration
		cfg  []byte
		seen sql.NullTime
	)
	if err := row.Scan(&in.ID, &in.Name, &in.Kind, &in.ServiceID, &in.Service, &in.KeyHint, &cfg, &in.HeartbeatMinutes, &seen, &in.CreatedAt); err != nil {
		return in, err
	}
	if err := json.Unmarshal(cfg, &in.Config); err != nil {
		return in, err
	}
	in.CreatedAt = in.CreatedAt.UTC()
	if seen.Valid {
		t := seen.Time.UTC()
		in.LastSeenAt = &t
	}
	return in, nil
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return mapErr(err)
}

// CreateIntegration stores a validated integration with the hash of its key.
func (a *Alerts) CreateIntegration(ctx context.Context, in detect.Integration, keyHash string) (detect.Integration, error) {
	cfg, err := json.Marshal(in.Config)
	if err != nil {
		return in, err
	}
	err = a.s.InTx(ctx, func(tx *Tx) error {
		return tx.tx.QueryRowContext(ctx, `INSERT INTO integrations (name, kind, service_id, key_hash, key_hint, config, heartbeat_minutes, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			in.Name, in.Kind, in.ServiceID, keyHash, in.KeyHint, string(cfg), in.HeartbeatMinutes, in.CreatedAt).Scan(&in.ID)
	})
	if err != nil {
		return in, err
	}
	return a.Integration(ctx, in.ID)
}

// Integration reads one integration.
func (a *Alerts) Integration(ctx context.Context, id int64) (detect.Integration, error) {
	in, err := scanIntegration(a.s.rdb.QueryRowContext(ctx, integrationSelect+` WHERE i.id = $1`, id))
	return in, notFound(err, "integration")
}

// IntegrationByKeyHash finds the integration a key belongs to.
func (a *Alerts) IntegrationByKeyHash(ctx context.Context, hash string) (detect.Integration, error) {
	in, err := scanIntegration(a.s.rdb.QueryRowContext(ctx, integrationSelect+` WHERE i.key_hash = $1`, hash))
	return in, notFound(err, "integration")
}

// ListIntegrations lists every integration, by name.
func (a *Alerts) ListIntegrations(ctx context.Context) ([]detect.Integration, error) {
	rows, err := a.s.rdb.QueryContext(ctx, integrationSelect+` ORDER BY i.name, i.id`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []detect.Integration{}
	for rows.Next() {
		in, err := scanIntegration(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, in)
	}
	return out, mapErr(rows.Err())
}

// DeleteIntegration removes an integration with its alerts and payloads.
func (a *Alerts) DeleteIntegration(ctx context.Context, id int64) error {
	return a.s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM integrations WHERE id = $1`, id)
		if err != nil {
			return mapErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound("integration")
		}
		return nil
	})
}

// Rules reads the routing rules in order.
func (a *Alerts) Rules(ctx context.Context) ([]detect.Rule, error) {
	rows, err := a.s.rdb.QueryContext(ctx, `SELECT r.id, r.name, r.condition, COALESCE(r.service_id, 0), COALESCE(s.name, ''), r.action, r.severity
		FROM routing_rules r LEFT JOIN services s ON s.id = r.service_id ORDER BY r.position`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []detect.Rule{}
	for rows.Next() {
		var r detect.Rule
		if err := rows.Scan(&r.ID, &r.Name, &r.Condition, &r.ServiceID, &r.Service, &r.Action, &r.Severity); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// ReplaceRules stores a new ordered list of routing rules.
func (a *Alerts) ReplaceRules(ctx context.Context, rules []detect.Rule) error {
	return a.s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM routing_rules`); err != nil {
			return mapErr(err)
		}
		for i, r := range rules {
			var svc any
			if r.ServiceID != 0 {
				svc = r.ServiceID
			}
			if _, err := tx.tx.ExecContext(ctx, `INSERT INTO routing_rules (position, name, condition, service_id, action, severity) VALUES ($1, $2, $3, $4, $5, $6)`,
				i, r.Name, r.Condition, svc, r.Action, r.Severity); err != nil {
				return mapErr(err)
			}
		}
		return nil
	})
}

// TriageHook is where a team is told about new triage items.
type TriageHook struct {
	TeamID int64  `json:"team_id"`
	URL    string `json:"url"`
	Secret string `json:"-"`
}

// SetTriageHook sets (or, with an empty URL, removes) a team's hook.
func (a *Alerts) SetTriageHook(ctx context.Context, teamID int64, url, secret string) error {
	h := TriageHook{TeamID: teamID, URL: url, Secret: secret}
	return a.s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM team_triage_hooks WHERE team_id = $1`, h.TeamID); err != nil {
			return mapErr(err)
		}
		if h.URL == "" {
			return nil
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO team_triage_hooks (team_id, url, secret) VALUES ($1, $2, $3)`, h.TeamID, h.URL, h.Secret)
		return mapErr(err)
	})
}

// TriageHookOfService returns the hook of the team owning a service.
func (a *Alerts) TriageHookOfService(ctx context.Context, serviceID int64) (TriageHook, error) {
	var h TriageHook
	err := a.s.rdb.QueryRowContext(ctx, `SELECT h.team_id, h.url, h.secret FROM team_triage_hooks h
		JOIN services s ON s.owner_team_id = h.team_id WHERE s.id = $1`, serviceID).Scan(&h.TeamID, &h.URL, &h.Secret)
	return h, notFound(err, "triage hook")
}

// PruneEvents deletes raw payloads received before cutoff and reports how many.
func (a *Alerts) PruneEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := a.s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM alert_events WHERE received_at < $1`, cutoff.UTC())
		if err != nil {
			return mapErr(err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// CountEvents counts the raw payloads kept.
func (a *Alerts) CountEvents(ctx context.Context) (int64, error) {
	var n int64
	err := a.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_events`).Scan(&n)
	return n, mapErr(err)
}

// TriageHook is notice.Hooks: the hook of the team owning a service.
func (a *Alerts) TriageHook(ctx context.Context, serviceID int64) (string, string, error) {
	h, err := a.TriageHookOfService(ctx, serviceID)
	return h.URL, h.Secret, err
}

// OwnerTeamEmails lists the addresses of the enabled members of the team
// that owns a service (none when it has no owner).
func (a *Alerts) OwnerTeamEmails(ctx context.Context, serviceID int64) ([]string, error) {
	rows, err := a.s.rdb.QueryContext(ctx, `SELECT u.email FROM services s
		JOIN team_members m ON m.team_id = s.owner_team_id
		JOIN users u ON u.id = m.user_id
		WHERE s.id = $1 AND NOT u.disabled ORDER BY u.email`, serviceID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}
