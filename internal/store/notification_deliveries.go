package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// AddMessages records messages under their idempotency keys and returns
// the ids of those added; a key seen before inserts nothing and is not in
// the map (ON CONFLICT DO NOTHING waits for a concurrent insert of the same
// key to commit, so two callers cannot both add it).
func (t notificationTx) AddMessages(ctx context.Context, msgs []notification.Message, at time.Time) (map[string]int64, error) {
	added := map[string]int64{}
	err := chunks(msgs, func(msgs []notification.Message) error {
		rows := make([][]any, len(msgs))
		for i, m := range msgs {
			actions := m.Actions
			if actions == nil {
				actions = []notification.Action{}
			}
			rows[i] = []any{m.Key, m.UserID, string(m.Urgency), m.Subject, m.Body, m.PageID, spJSON(actions), at.UTC()}
		}
		list, args := t.s.values(rows)
		res, err := t.tx.QueryContext(ctx, `INSERT INTO notification_messages (msg_key, user_id, urgency, subject, body, page_id, actions, created_at)
			VALUES `+list+` ON CONFLICT (msg_key) DO NOTHING RETURNING id, msg_key`, args...)
		if err != nil {
			return mapErr(err)
		}
		_, err = collect(res, func(row rowScanner) (struct{}, error) {
			var (
				id  int64
				key string
			)
			err := row.Scan(&id, &key)
			added[key] = id
			return struct{}{}, err
		})
		return err
	})
	return added, err
}

const deliveryColumns = `d.id, d.message_id, m.msg_key, d.user_id, COALESCE(d.contact_id, 0), d.kind, d.address, m.urgency, m.subject, m.body,
	m.actions, m.page_id, d.state, d.attempts, d.error, d.due_at, d.claimed_at, d.lease_until, d.sent_at, COALESCE(d.batch_id, 0), d.updated_at`

const deliveryFrom = ` FROM notification_deliveries d JOIN notification_messages m ON m.id = d.message_id`

func scanDelivery(row rowScanner) (notification.Delivery, error) {
	var (
		d                    notification.Delivery
		actions              string
		claimed, lease, sent sql.NullTime
	)
	err := row.Scan(&d.ID, &d.MessageID, &d.Key, &d.UserID, &d.ContactID, &d.Kind, &d.Address, &d.Urgency, &d.Subject, &d.Body,
		&actions, &d.PageID, &d.State, &d.Attempts, &d.Error, &d.DueAt, &claimed, &lease, &sent, &d.BatchID, &d.UpdatedAt)
	if err != nil {
		return d, err
	}
	d.ClaimedAt, d.LeaseUntil, d.SentAt = spTime(claimed), spTime(lease), spTime(sent)
	d.DueAt, d.UpdatedAt = d.DueAt.UTC(), d.UpdatedAt.UTC()
	return d, json.Unmarshal([]byte(actions), &d.Actions)
}

// Delivery reads one delivery with its message.
func (r *Notifications) Delivery(ctx context.Context, id int64) (notification.Delivery, error) {
	return spQueryOne(ctx, r.s.rdb, scanDelivery, "delivery "+strconv.FormatInt(id, 10), `SELECT `+deliveryColumns+deliveryFrom+` WHERE d.id = $1`, id)
}

// Deliveries lists a person's deliveries, newest first.
func (r *Notifications) Deliveries(ctx context.Context, userID int64, limit int) ([]notification.Delivery, error) {
	return spQueryAll(ctx, r.s.rdb, scanDelivery, `SELECT `+deliveryColumns+deliveryFrom+` WHERE d.user_id = $1 ORDER BY d.id DESC LIMIT $2`, userID, limit)
}

// DeliveriesOfPage lists the deliveries about one page, oldest first.
func (r *Notifications) DeliveriesOfPage(ctx context.Context, pageID int64) ([]notification.Delivery, error) {
	return spQueryAll(ctx, r.s.rdb, scanDelivery, `SELECT `+deliveryColumns+deliveryFrom+` WHERE m.page_id = $1 ORDER BY d.id`, pageID)
}

// AddDelivery records a delivery and sets its id.
func (t notificationTx) AddDelivery(ctx context.Context, d *notification.Delivery) error {
	err := t.tx.QueryRowContext(ctx, `INSERT INTO notification_deliveries (message_id, user_id, contact_id, kind, address, state, attempts, error, due_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		d.MessageID, d.UserID, spNullID(d.ContactID), string(d.Kind), d.Address, string(d.State), d.Attempts, d.Error, d.DueAt.UTC(), d.UpdatedAt.UTC()).Scan(&d.ID)
	return mapErr(err)
}

// AddDeliveries records deliveries, many rows per statement.
func (t notificationTx) AddDeliveries(ctx context.Context, ds []notification.Delivery) error {
	return chunks(ds, func(ds []notification.Delivery) error {
		rows := make([][]any, len(ds))
		for i, d := range ds {
			rows[i] = []any{d.MessageID, d.UserID, spNullID(d.ContactID), string(d.Kind), d.Address, string(d.State), d.Attempts, d.Error,
				d.DueAt.UTC(), d.UpdatedAt.UTC()}
		}
		list, args := t.s.values(rows)
		_, err := t.tx.ExecContext(ctx, `INSERT INTO notification_deliveries (message_id, user_id, contact_id, kind, address, state, attempts, error, due_at, updated_at)
			VALUES `+list, args...)
		return mapErr(err)
	})
}

// DeliveriesForUpdate reads deliveries and holds them until the transaction
// ends (on PostgreSQL; SQLite's one writer holds everything anyway).
func (t notificationTx) DeliveriesForUpdate(ctx context.Context, ids []int64) ([]notification.Delivery, error) {
	var w filter
	in(&w, "d.id", ids)
	q := `SELECT ` + deliveryColumns + deliveryFrom + w.where() + ` ORDER BY d.id`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE OF d`
	}
	return spQueryAll(ctx, t.tx, scanDelivery, q, w.args...)
}

// DueDeliveries locks the pending deliveries due at now that no node holds
// (leases are wall-clock times),
// oldest first; on PostgreSQL rows another transaction holds are skipped
// (SQLite has one writer: nothing to skip).
func (t notificationTx) DueDeliveries(ctx context.Context, now, wall time.Time, limit int) ([]notification.Delivery, error) {
	q := `SELECT ` + deliveryColumns + deliveryFrom + ` WHERE d.state = 'pending' AND d.due_at <= $1
		AND (d.lease_until IS NULL OR d.lease_until <= $2) ORDER BY d.due_at, d.id LIMIT $3`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE OF d SKIP LOCKED`
	}
	return spQueryAll(ctx, t.tx, scanDelivery, q, now.UTC(), wall.UTC(), limit)
}

// ReleaseLeases clears the leases of pending deliveries.
func (t notificationTx) ReleaseLeases(ctx context.Context) (int, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE notification_deliveries SET lease_until = NULL WHERE state = 'pending' AND lease_until IS NOT NULL`)
	if err != nil {
		return 0, mapErr(err)
	}
	n, err := res.RowsAffected()
	return int(n), mapErr(err)
}

// SetDeliveries stores the progress of deliveries, many per statement.
func (t notificationTx) SetDeliveries(ctx context.Context, ds []notification.Delivery) error {
	return chunks(ds, func(ds []notification.Delivery) error {
		rows := make([][]any, len(ds))
		for i, d := range ds {
			rows[i] = []any{d.ID, string(d.State), d.Attempts, d.Error, nullTime(d.ClaimedAt), nullTime(d.SentAt), spNullID(d.BatchID),
				d.UpdatedAt.UTC(), d.DueAt.UTC(), nullTime(d.LeaseUntil)}
		}
		list, args := t.s.values(rows, "bigint", "text", "bigint", "text", "timestamptz", "timestamptz", "bigint", "timestamptz", "timestamptz", "timestamptz")
		_, err := t.tx.ExecContext(ctx, `WITH v (id, state, attempts, error, claimed_at, sent_at, batch_id, updated_at, due_at, lease_until) AS (VALUES `+list+`)
			UPDATE notification_deliveries SET state = v.state, attempts = v.attempts, error = v.error, claimed_at = v.claimed_at,
				sent_at = v.sent_at, batch_id = v.batch_id, updated_at = v.updated_at, due_at = v.due_at, lease_until = v.lease_until
			FROM v WHERE notification_deliveries.id = v.id`, args...)
		return mapErr(err)
	})
}

// ClaimedSince counts a contact method's claims since t.
func (t notificationTx) ClaimedSince(ctx context.Context, contactID int64, since time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notification_deliveries WHERE contact_id = $1 AND claimed_at >= $2`, contactID, since.UTC()).Scan(&n)
	return n, mapErr(err)
}

const batchColumns = `id, contact_id, user_id, reason, due_at, state, count, attempts, error, sent_at`

func scanBatch(row rowScanner) (notification.Batch, error) {
	var (
		b    notification.Batch
		sent sql.NullTime
	)
	err := row.Scan(&b.ID, &b.ContactID, &b.UserID, &b.Reason, &b.DueAt, &b.State, &b.Count, &b.Attempts, &b.Error, &sent)
	b.SentAt, b.DueAt = spTime(sent), b.DueAt.UTC()
	return b, err
}

// Batch reads one batch.
func (r *Notifications) Batch(ctx context.Context, id int64) (notification.Batch, error) {
	return spQueryOne(ctx, r.s.rdb, scanBatch, "batch "+strconv.FormatInt(id, 10), `SELECT `+batchColumns+` FROM notification_batches WHERE id = $1`, id)
}

// AddBatch finds or creates the batch of a contact method for a reason and
// due time; b is filled with the stored batch.
func (t notificationTx) AddBatch(ctx context.Context, b *notification.Batch) (bool, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO notification_batches (contact_id, user_id, reason, due_at, state)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contact_id, reason, due_at) DO NOTHING RETURNING id`,
		b.ContactID, b.UserID, string(b.Reason), b.DueAt.UTC(), string(b.State)).Scan(&id)
	added := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, mapErr(err)
	}
	got, err := spQueryOne(ctx, t.tx, scanBatch, "batch", `SELECT `+batchColumns+` FROM notification_batches WHERE contact_id = $1 AND reason = $2 AND due_at = $3`,
		b.ContactID, string(b.Reason), b.DueAt.UTC())
	if err != nil {
		return false, err
	}
	*b = got
	return added, nil
}

// BatchForUpdate reads a batch and locks its row.
func (t notificationTx) BatchForUpdate(ctx context.Context, id int64) (notification.Batch, error) {
	return spQueryOne(ctx, t.tx, scanBatch, "batch "+strconv.FormatInt(id, 10),
		`UPDATE notification_batches SET attempts = attempts WHERE id = $1 RETURNING `+batchColumns, id)
}

// SetBatch stores a batch's outcome.
func (t notificationTx) SetBatch(ctx context.Context, b notification.Batch) error {
	return spExecOne(ctx, t.tx, "batch", `UPDATE notification_batches SET state = $1, count = $2, attempts = $3, error = $4, sent_at = $5 WHERE id = $6`,
		string(b.State), b.Count, b.Attempts, b.Error, nullTime(b.SentAt), b.ID)
}

// Collapsed lists the deliveries collapsed into a batch, oldest first.
func (t notificationTx) Collapsed(ctx context.Context, batchID int64) ([]notification.Delivery, error) {
	return spQueryAll(ctx, t.tx, scanDelivery, `SELECT `+deliveryColumns+deliveryFrom+` WHERE d.batch_id = $1 ORDER BY d.id`, batchID)
}
