package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Audit writes an audit entry inside the transaction.
func (t *Tx) Audit(ctx context.Context, e audit.Entry) error {
	var detail any
	if e.Detail != nil {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return err
		}
		detail = string(b)
	}
	var actor any
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, source, action, target, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.At.UTC(), actor, e.ActorName, e.Source, e.Action, e.Target, detail)
	return mapErr(err)
}

// AuditLog returns up to limit entries, newest first, older than the entry
// with id before (0: from the newest).
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]audit.Entry, error) {
	q := `SELECT id, at, actor_id, actor_name, source, action, target, detail FROM audit_log`
	args := []any{}
	if before > 0 {
		q += ` WHERE id < $1`
		args = append(args, before)
	}
	q += ` ORDER BY id DESC LIMIT $` + strconv.Itoa(len(args)+1)
	args = append(args, limit)
	rows, err := s.rdb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []audit.Entry{}
	for rows.Next() {
		var (
			e      audit.Entry
			actor  sql.NullInt64
			detail []byte
		)
		if err := rows.Scan(&e.ID, &e.At, &actor, &e.ActorName, &e.Source, &e.Action, &e.Target, &detail); err != nil {
			return nil, mapErr(err)
		}
		e.ActorID, e.At = actor.Int64, e.At.UTC()
		if len(detail) > 0 {
			var d any
			if err := json.Unmarshal(detail, &d); err != nil {
				return nil, err
			}
			e.Detail = d
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}
