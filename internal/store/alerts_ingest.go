package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
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
		st := &ingestStmts{tx: tx.tx, prepare: a.s.dialect == SQLite}
		defer st.close()
		if err := a.insertBodies(ctx, tx, batch); err != nil {
			return err
		}
		// Events are applied per alert (integration, dedup key), in the
		// order received. The usual case, a key that only repeats a trigger,
		// is written for all such keys of the batch in one statement; the
		// rest (new alerts, acknowledgements, resolves) one event at a time.
		type item struct {
			ev *detect.Routed
			at time.Time
		}
		byKey := map[alertKey][]item{}
		var order []alertKey
		// Each integration's last-seen time is written once per batch, not
		// once per request: under load, a batch holds many requests of one sender.
		lastSeen := map[int64]time.Time{}
		for i := range batch {
			acc := &batch[i]
			now := acc.ReceivedAt.UTC()
			if !acc.Raised && now.After(lastSeen[acc.IntegrationID]) {
				lastSeen[acc.IntegrationID] = now
			}
			for j := range acc.Events {
				k := alertKey{acc.IntegrationID, acc.Events[j].DedupKey}
				if _, ok := byKey[k]; !ok {
					order = append(order, k)
				}
				byKey[k] = append(byKey[k], item{&acc.Events[j], now})
			}
		}
		var repeats []repeat
		for _, k := range order {
			items := byKey[k]
			onlyTriggers := true
			for _, it := range items {
				onlyTriggers = onlyTriggers && it.ev.Action == detect.Trigger
			}
			if onlyTriggers {
				last := items[len(items)-1]
				repeats = append(repeats, repeat{key: k, n: len(items), at: last.at, ev: last.ev})
			}
		}
		// A stable key order keeps concurrent batches on PostgreSQL from
		// locking the same alerts in opposite orders.
		slices.SortFunc(repeats, func(x, y repeat) int { return compareKeys(x.key, y.key) })
		updated, err := a.repeatAll(ctx, tx, repeats)
		if err != nil {
			return err
		}
		tried := make(map[alertKey]bool, len(repeats))
		for _, r := range repeats {
			tried[r.key] = true
		}
		changed := false
		for _, k := range order {
			if updated[k] {
				continue
			}
			for i, it := range byKey[k] {
				// A key the bulk update found no open alert for is new: its
				// first trigger opens the alert without trying an update first.
				c, err := a.apply(ctx, tx, st, k.integration, it.ev, it.at, tried[k] && i == 0)
				if err != nil {
					return err
				}
				changed = changed || c
			}
		}
		if err := a.followTriage(ctx, tx, st.opened); err != nil {
			return err
		}
		for _, id := range slices.Sorted(maps.Keys(lastSeen)) { // one lock order across concurrent batches
			if _, err := tx.tx.ExecContext(ctx, `UPDATE integrations SET last_seen_at = $1 WHERE id = $2`, lastSeen[id], id); err != nil {
				return mapErr(err)
			}
		}
		if changed {
			return tx.Publish(ctx, detect.TriageTopic)
		}
		return nil
	})
}

// alertKey names an alert while it is unresolved.
type alertKey struct {
	integration int64
	dedup       string
}

// repeat is n triggers of one key in a batch; the last one's content wins.
type repeat struct {
	key alertKey
	n   int
	at  time.Time
	ev  *detect.Routed
}

// insertBodies keeps every request body (heartbeat pings have none worth
// keeping), many rows per statement.
func (a *Alerts) insertBodies(ctx context.Context, tx *Tx, batch []detect.Accepted) error {
	const perStmt = 200
	var (
		sb   strings.Builder
		args []any
	)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO alert_events (integration_id, received_at, body) VALUES `+sb.String(), args...)
		sb.Reset()
		args = args[:0]
		return mapErr(err)
	}
	for i := range batch {
		acc := &batch[i]
		if acc.Ping {
			continue
		}
		if len(args) > 0 {
			sb.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&sb, "(%s, %s, %s)", a.s.param(n+1), a.s.param(n+2), a.s.param(n+3))
		args = append(args, acc.IntegrationID, acc.ReceivedAt.UTC(), acc.Body)
		if len(args) >= perStmt*3 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// repeatAll updates the unresolved alerts that the repeats name, in one
// statement per chunk, and reports which keys had one (the others are new
// alerts, opened one by one by the caller).
func (a *Alerts) repeatAll(ctx context.Context, tx *Tx, repeats []repeat) (map[alertKey]bool, error) {
	const perStmt = 200
	updated := make(map[alertKey]bool, len(repeats))
	// PostgreSQL needs the types of the parameters in a VALUES list; SQLite
	// has no :: casts and needs none.
	cast := func(n int, typ string) string {
		if a.s.dialect == Postgres {
			return fmt.Sprintf("$%d::%s", n, typ)
		}
		return a.s.param(n)
	}
	for start := 0; start < len(repeats); start += perStmt {
		chunk := repeats[start:min(start+perStmt, len(repeats))]
		var sb strings.Builder
		args := make([]any, 0, len(chunk)*10)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&sb, "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", cast(n+1, "bigint"), cast(n+2, "text"), cast(n+3, "bigint"),
				cast(n+4, "timestamptz"), cast(n+5, "text"), cast(n+6, "text"), cast(n+7, "text"), cast(n+8, "text"), cast(n+9, "text"), cast(n+10, "text"))
			labels, _ := json.Marshal(r.ev.Labels)
			links, _ := json.Marshal(nonNilLinks(r.ev.Links))
			args = append(args, r.key.integration, r.key.dedup, r.n, r.at, r.ev.Title, r.ev.Description, r.ev.Severity, r.ev.Source, string(labels), string(links))
		}
		rows, err := tx.tx.QueryContext(ctx, `WITH v (iid, dedup_key, n, at, title, description, severity, source, labels, links) AS (VALUES `+sb.String()+`)
			UPDATE alerts SET event_count = alerts.event_count + v.n, last_seen = v.at, title = v.title, description = v.description,
				severity = v.severity, source = v.source, labels = v.labels, links = v.links
			FROM v WHERE alerts.integration_id = v.iid AND alerts.dedup_key = v.dedup_key AND alerts.status <> 'resolved'
			RETURNING alerts.integration_id, alerts.dedup_key`, args...)
		if err != nil {
			return nil, mapErr(err)
		}
		for rows.Next() {
			var k alertKey
			if err := rows.Scan(&k.integration, &k.dedup); err != nil {
				rows.Close()
				return nil, mapErr(err)
			}
			updated[k] = true
		}
		if err := rows.Close(); err != nil {
			return nil, mapErr(err)
		}
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return updated, nil
}

// apply writes one event and reports whether the triage queue or an alert
// changed state (so live viewers need telling).
func (a *Alerts) apply(ctx context.Context, tx *Tx, st *ingestStmts, integrationID int64, r *detect.Routed, now time.Time, knownNew bool) (bool, error) {
	at := now
	labels, _ := json.Marshal(r.Labels)
	links, _ := json.Marshal(nonNilLinks(r.Links))
	switch r.Action {
	case detect.Trigger:
		if !knownNew {
			var id int64
			err := st.row(ctx, &st.trigger, sqlTrigger, integrationID, r.DedupKey, at, r.Title, r.Description, r.Severity, r.Source, string(labels), string(links)).Scan(&id)
			if err == nil {
				return false, nil // a repeat
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return false, mapErr(err)
			}
		}
		return true, a.openAlert(ctx, tx, st, integrationID, r, string(labels), string(links), at)
	case detect.Acknowledge:
		_, err := st.exec(ctx, &st.ack, sqlAck, integrationID, r.DedupKey, at)
		return true, mapErr(err)
	case detect.Resolve:
		var groupID int64
		err := st.row(ctx, &st.resolve, sqlResolve, integrationID, r.DedupKey, at).Scan(&groupID)
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

func (a *Alerts) openAlert(ctx context.Context, tx *Tx, st *ingestStmts, integrationID int64, r *detect.Routed, labels, links string, at time.Time) error {
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
		// The group is born counting its first alert (inserted below).
		if err := tx.tx.QueryRowContext(ctx, `INSERT INTO alert_groups (service_id, group_key, title, severity, state, triage, route, created_at, updated_at,
				open_alerts, alert_count)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1, 1) RETURNING id`,
			g.ServiceID, g.GroupKey, g.Title, g.Severity, g.State, g.Triage, g.Route, at).Scan(&groupID); err != nil {
			return mapErr(err)
		}
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
	default: // the open group counts one more alert, at the worse severity
		if detect.SeverityRank(r.Severity) < detect.SeverityRank(severity) {
			severity = r.Severity
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE alert_groups SET open_alerts = open_alerts + 1, alert_count = alert_count + 1, severity = $2, updated_at = $3 WHERE id = $1`,
			groupID, severity, at); err != nil {
			return mapErr(err)
		}
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
		st.opened = append(st.opened, groupID) // followed once the batch's alerts are in
	}
	return nil
}

// TriageFollower sees the triage items an ingest batch opened, with their
// alerts, inside the batch's transaction, and writes what they start there:
// the pager raises their pages, so an alert accepted with a 2xx has its page.
type TriageFollower func(ctx context.Context, tx *Tx, items []detect.Item) error

// FollowTriage sets the follower of new triage items. Call it while
// building the node, before the first batch.
func (a *Alerts) FollowTriage(f TriageFollower) { a.triage = f }

// followTriage hands the triage items the batch opened to the follower.
// Without one, or when it fails, each item gets a TriageNotifyJob instead
// (its worker raises the page later): the follower writes under a
// savepoint, and its failure rolls back only its own writes, so alerts are
// never refused because paging failed.
func (a *Alerts) followTriage(ctx context.Context, tx *Tx, opened []int64) error {
	if len(opened) == 0 {
		return nil
	}
	if a.triage != nil {
		if _, err := tx.tx.ExecContext(ctx, `SAVEPOINT follow_triage`); err != nil {
			return mapErr(err)
		}
		err := a.followIn(ctx, tx, opened)
		if err == nil {
			_, err := tx.tx.ExecContext(ctx, `RELEASE SAVEPOINT follow_triage`)
			return mapErr(err)
		}
		if _, err := tx.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT follow_triage`); err != nil {
			return mapErr(err)
		}
	}
	for _, id := range opened {
		if err := a.enqueue(ctx, tx, detect.TriageNotifyJob{GroupID: id}); err != nil {
			return err
		}
	}
	return nil
}

func (a *Alerts) followIn(ctx context.Context, tx *Tx, ids []int64) error {
	var w filter
	in(&w, "g.id", ids)
	rows, err := tx.tx.QueryContext(ctx, groupSelect+w.where()+` ORDER BY g.id`, w.args...)
	if err != nil {
		return mapErr(err)
	}
	groups, err := collect(rows, scanGroup)
	if err != nil {
		return err
	}
	var aw filter
	in(&aw, "a.group_id", ids)
	if rows, err = tx.tx.QueryContext(ctx, alertSelect+aw.where()+` ORDER BY a.id`, aw.args...); err != nil {
		return mapErr(err)
	}
	alerts, err := collect(rows, scanAlert)
	if err != nil {
		return err
	}
	items := make([]detect.Item, len(groups))
	at := make(map[int64]int, len(groups))
	for i, g := range groups {
		items[i], at[g.ID] = detect.Item{Group: g}, i
	}
	for _, al := range alerts {
		it := &items[at[al.GroupID]]
		it.Alerts = append(it.Alerts, al)
	}
	return a.triage(ctx, tx, items)
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
	if err := a.resolveGroupPages(ctx, tx, groupID, "every alert of the group resolved"); err != nil {
		return err
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

// The statements of the one-event-at-a-time path.
const (
	sqlTrigger = `UPDATE alerts SET event_count = event_count + 1, last_seen = $3,
		title = $4, description = $5, severity = $6, source = $7, labels = $8, links = $9
		WHERE integration_id = $1 AND dedup_key = $2 AND status <> 'resolved' RETURNING id`
	sqlAck = `UPDATE alerts SET status = 'acknowledged', event_count = event_count + 1, last_seen = $3
		WHERE integration_id = $1 AND dedup_key = $2 AND status <> 'resolved'`
	sqlResolve = `UPDATE alerts SET status = 'resolved', event_count = event_count + 1, last_seen = $3, resolved_at = $3
		WHERE integration_id = $1 AND dedup_key = $2 AND status <> 'resolved' RETURNING group_id`
)

// ingestStmts runs the per-event statements of a batch. On SQLite they
// are prepared on first use and reused for the rest of the batch (SQLite
// would otherwise parse each one again for every event); pgx caches
// prepared statements by itself, and preparing would cost PostgreSQL a
// round trip each.
type ingestStmts struct {
	tx                    *sql.Tx
	prepare               bool
	trigger, ack, resolve *sql.Stmt
	opened                []int64 // triage items the batch opened
}

func (st *ingestStmts) stmt(ctx context.Context, dst **sql.Stmt, query string) (*sql.Stmt, error) {
	if *dst == nil {
		s, err := st.tx.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		*dst = s
	}
	return *dst, nil
}

func (st *ingestStmts) row(ctx context.Context, dst **sql.Stmt, query string, args ...any) rowScanner {
	if !st.prepare {
		return st.tx.QueryRowContext(ctx, query, args...)
	}
	s, err := st.stmt(ctx, dst, query)
	if err != nil {
		return errRow{err}
	}
	return s.QueryRowContext(ctx, args...)
}

func (st *ingestStmts) exec(ctx context.Context, dst **sql.Stmt, query string, args ...any) (sql.Result, error) {
	if !st.prepare {
		return st.tx.ExecContext(ctx, query, args...)
	}
	s, err := st.stmt(ctx, dst, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (st *ingestStmts) close() {
	for _, s := range []*sql.Stmt{st.trigger, st.ack, st.resolve} {
		if s != nil {
			s.Close()
		}
	}
}

// errRow is a row whose query could not even be prepared.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func compareKeys(x, y alertKey) int {
	if x.integration != y.integration {
		if x.integration < y.integration {
			return -1
		}
		return 1
	}
	return strings.Compare(x.dedup, y.dedup)
}
