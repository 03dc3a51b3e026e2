package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

const statusSubscriberColumns = `id, page_id, kind, address, components, secret, confirmed_at, created_at`

func scanStatusSubscriber(row rowScanner) (statuspage.Subscriber, error) {
	var (
		s          statuspage.Subscriber
		components string
		confirmed  sql.NullTime
	)
	if err := row.Scan(&s.ID, &s.PageID, &s.Kind, &s.Address, &components, &s.Secret, &confirmed, &s.CreatedAt); err != nil {
		return s, err
	}
	s.ConfirmedAt, s.CreatedAt = spTime(confirmed), s.CreatedAt.UTC()
	return s, json.Unmarshal([]byte(components), &s.Components)
}

// Subscriber reads one subscriber.
func (r *StatusPages) Subscriber(ctx context.Context, id int64) (statuspage.Subscriber, error) {
	return spQueryOne(ctx, r.s.rdb, scanStatusSubscriber, "subscriber "+strconv.FormatInt(id, 10), `SELECT `+statusSubscriberColumns+` FROM status_subscribers WHERE id = $1`, id)
}

// Subscribers lists a page's subscribers.
func (r *StatusPages) Subscribers(ctx context.Context, pageID int64) ([]statuspage.Subscriber, error) {
	return spQueryAll(ctx, r.s.rdb, scanStatusSubscriber, `SELECT `+statusSubscriberColumns+` FROM status_subscribers WHERE page_id = $1 ORDER BY id`, pageID)
}

// Recipients lists the confirmed subscribers of a page.
func (t statusTx) Recipients(ctx context.Context, pageID int64) ([]statuspage.Subscriber, error) {
	return spQueryAll(ctx, t.tx, scanStatusSubscriber, `SELECT `+statusSubscriberColumns+` FROM status_subscribers WHERE page_id = $1 AND confirmed_at IS NOT NULL ORDER BY id`, pageID)
}

// SaveSubscriber inserts a subscriber, or — for the same page, kind and
// address — updates its components and keeps its id and confirmation;
// with an id it updates that subscriber.
func (t statusTx) SaveSubscriber(ctx context.Context, s *statuspage.Subscriber) error {
	if s.ID != 0 {
		return spExecOne(ctx, t.tx, "subscriber", `UPDATE status_subscribers SET components = $1, secret = $2, confirmed_at = $3 WHERE id = $4`,
			spJSON(s.Components), s.Secret, nullTime(s.ConfirmedAt), s.ID)
	}
	var confirmed sql.NullTime
	err := t.tx.QueryRowContext(ctx, `INSERT INTO status_subscribers (page_id, kind, address, components, secret, confirmed_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (page_id, kind, address) DO UPDATE SET components = excluded.components
		RETURNING id, confirmed_at`,
		s.PageID, string(s.Kind), s.Address, spJSON(s.Components), s.Secret, nullTime(s.ConfirmedAt), s.CreatedAt).Scan(&s.ID, &confirmed)
	s.ConfirmedAt = spTime(confirmed)
	return mapErr(err)
}

// DeleteSubscriber removes a subscriber.
func (t statusTx) DeleteSubscriber(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, "subscriber "+strconv.FormatInt(id, 10), `DELETE FROM status_subscribers WHERE id = $1`, id)
}

// AddDelivery records a pending delivery; false when it already exists.
func (t statusTx) AddDelivery(ctx context.Context, d *statuspage.Delivery) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO status_deliveries (update_id, subscriber_id, state, attempts, last_error, updated_at)
		VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (update_id, subscriber_id) DO NOTHING`, d.UpdateID, d.SubscriberID, d.State, d.UpdatedAt)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// SetDelivery records the outcome of an attempt.
func (t statusTx) SetDelivery(ctx context.Context, d statuspage.Delivery) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE status_deliveries SET state = $1, attempts = $2, last_error = $3, updated_at = $4
		WHERE update_id = $5 AND subscriber_id = $6`, d.State, d.Attempts, d.LastError, d.UpdatedAt, d.UpdateID, d.SubscriberID)
	return mapErr(err)
}

// Deliveries lists how an update reached each subscriber.
func (r *StatusPages) Deliveries(ctx context.Context, updateID int64) ([]statuspage.Delivery, error) {
	return spQueryAll(ctx, r.s.rdb, func(row rowScanner) (statuspage.Delivery, error) {
		var d statuspage.Delivery
		err := row.Scan(&d.ID, &d.UpdateID, &d.SubscriberID, &d.Address, &d.State, &d.Attempts, &d.LastError, &d.UpdatedAt)
		d.UpdatedAt = d.UpdatedAt.UTC()
		return d, err
	}, `SELECT d.id, d.update_id, d.subscriber_id, s.address, d.state, d.attempts, d.last_error, d.updated_at
		FROM status_deliveries d JOIN status_subscribers s ON s.id = d.subscriber_id WHERE d.update_id = $1 ORDER BY d.id`, updateID)
}

// --- internal channels and stakeholder updates ---

func scanStatusChannel(row rowScanner) (statuspage.Channel, error) {
	var c statuspage.Channel
	err := row.Scan(&c.ID, &c.Kind, &c.Address, &c.Name, &c.Secret, &c.CreatedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

// Channels lists the internal stakeholder channels.
func (r *StatusPages) Channels(ctx context.Context) ([]statuspage.Channel, error) {
	return spQueryAll(ctx, r.s.rdb, scanStatusChannel, `SELECT id, kind, address, name, secret, created_at FROM status_channels ORDER BY id`)
}

// SaveChannel inserts or updates a channel.
func (t statusTx) SaveChannel(ctx context.Context, c *statuspage.Channel) error {
	if c.ID == 0 {
		return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO status_channels (kind, address, name, secret, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			string(c.Kind), c.Address, c.Name, c.Secret, c.CreatedAt).Scan(&c.ID))
	}
	return spExecOne(ctx, t.tx, "channel", `UPDATE status_channels SET name = $1, secret = $2 WHERE id = $3`, c.Name, c.Secret, c.ID)
}

// DeleteChannel removes a channel.
func (t statusTx) DeleteChannel(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, "channel "+strconv.FormatInt(id, 10), `DELETE FROM status_channels WHERE id = $1`, id)
}

func scanStatusStakeholder(row rowScanner) (statuspage.StakeholderUpdate, error) {
	var u statuspage.StakeholderUpdate
	err := row.Scan(&u.ID, &u.IncidentNumber, &u.Body, &u.ActorName, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

// AddStakeholderUpdate records an internal update.
func (t statusTx) AddStakeholderUpdate(ctx context.Context, u *statuspage.StakeholderUpdate) error {
	return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO status_stakeholder_updates (incident_number, body, actor_name, created_at)
		VALUES ($1, $2, $3, $4) RETURNING id`, u.IncidentNumber, u.Body, u.ActorName, u.CreatedAt).Scan(&u.ID))
}

// StakeholderUpdates lists an incident's internal updates, newest first.
func (r *StatusPages) StakeholderUpdates(ctx context.Context, number int64) ([]statuspage.StakeholderUpdate, error) {
	return spQueryAll(ctx, r.s.rdb, scanStatusStakeholder, `SELECT id, incident_number, body, actor_name, created_at FROM status_stakeholder_updates
		WHERE incident_number = $1 ORDER BY id DESC`, number)
}

// StakeholderUpdate reads one internal update.
func (r *StatusPages) StakeholderUpdate(ctx context.Context, id int64) (statuspage.StakeholderUpdate, error) {
	return spQueryOne(ctx, r.s.rdb, scanStatusStakeholder, "stakeholder update "+strconv.FormatInt(id, 10),
		`SELECT id, incident_number, body, actor_name, created_at FROM status_stakeholder_updates WHERE id = $1`, id)
}
