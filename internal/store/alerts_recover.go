package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// ClaimGroup applies change like UpdateGroup and enqueues job in the same
// transaction, so a claimed item always has its recovery job.
func (a *Alerts) ClaimGroup(ctx context.Context, id int64, change func(*detect.Group) error, job detect.DeclareRecoverJob) (detect.Group, error) {
	return a.updateGroup(ctx, id, change, job)
}

// IncidentOfGroup finds the incident declared from a group: the one whose
// labels carry alert_group = id (the triage declare sets it), 0 if none.
// The recovery of an interrupted declare is rare, so a scan of the
// incident documents is fine.
func (a *Alerts) IncidentOfGroup(ctx context.Context, groupID int64) (int64, error) {
	q := `SELECT number FROM incidents WHERE json_extract(doc, '$.labels.alert_group') = $1 ORDER BY number LIMIT 1`
	if a.s.Dialect() == Postgres {
		q = `SELECT number FROM incidents WHERE doc->'labels'->>'alert_group' = $1 ORDER BY number LIMIT 1`
	}
	var number int64
	err := a.s.db.QueryRowContext(ctx, q, strconv.FormatInt(groupID, 10)).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, mapErr(err)
	}
	return number, nil
}
