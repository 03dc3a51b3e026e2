package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// Notifications stores contact methods, rules, settings, messages,
// deliveries and batches (notification.Store).
type Notifications struct {
	s *Store
	q Enqueuer
}

var _ notification.Store = (*Notifications)(nil)

// Notifications returns the notification store; q receives the delivery jobs.
func (s *Store) Notifications(q Enqueuer) *Notifications { return &Notifications{s: s, q: q} }

type notificationTx struct {
	*Tx
	q Enqueuer
}

var _ notification.Tx = notificationTx{}

// In is the notification store's view of a transaction begun elsewhere:
// the pager writes a step's notices in the transaction that fires it.
func (r *Notifications) In(tx *Tx) notification.Tx { return notificationTx{tx, r.q} }

// InTx runs fn in one transaction.
func (r *Notifications) InTx(ctx context.Context, fn func(notification.Tx) error) error {
	return r.s.InTx(ctx, func(tx *Tx) error { return fn(notificationTx{tx, r.q}) })
}

// Enqueue adds a job inside the transaction.
func (t notificationTx) Enqueue(ctx context.Context, job notification.Job) error {
	if t.q == nil {
		return nil
	}
	return t.q.EnqueueTx(ctx, t.tx, job)
}

const contactColumns = `id, user_id, kind, name, address, verified_at, code_hash, code_expires_at, code_attempts, code_sends, code_sends_since, created_at`

func scanContact(row rowScanner) (notification.Contact, error) {
	var (
		c                        notification.Contact
		verified, expires, since sql.NullTime
	)
	err := row.Scan(&c.ID, &c.UserID, &c.Kind, &c.Name, &c.Address, &verified, &c.CodeHash, &expires, &c.CodeAttempts, &c.CodeSends, &since, &c.CreatedAt)
	c.VerifiedAt, c.CodeExpiresAt, c.CodeSendsSince, c.CreatedAt = spTime(verified), spTime(expires), spTime(since), c.CreatedAt.UTC()
	return c, err
}

// Contact reads one contact method.
func (r *Notifications) Contact(ctx context.Context, id int64) (notification.Contact, error) {
	return spQueryOne(ctx, r.s.rdb, scanContact, "contact method "+strconv.FormatInt(id, 10), `SELECT `+contactColumns+` FROM contact_methods WHERE id = $1`, id)
}

// Contacts lists a person's contact methods in the order they were added.
func (r *Notifications) Contacts(ctx context.Context, userID int64) ([]notification.Contact, error) {
	return spQueryAll(ctx, r.s.rdb, scanContact, `SELECT `+contactColumns+` FROM contact_methods WHERE user_id = $1 ORDER BY id`, userID)
}

// Contacts lists the contact methods of people inside the transaction, each
// person's in the order they were added.
func (t notificationTx) Contacts(ctx context.Context, userIDs ...int64) ([]notification.Contact, error) {
	var w filter
	in(&w, "user_id", userIDs)
	return spQueryAll(ctx, t.tx, scanContact, `SELECT `+contactColumns+` FROM contact_methods`+w.where()+` ORDER BY user_id, id`, w.args...)
}

// LockContacts reads contact methods and holds them until the transaction
// ends (in the order of their ids, so two nodes cannot deadlock; SQLite's
// one writer holds everything anyway).
func (t notificationTx) LockContacts(ctx context.Context, ids []int64) (map[int64]notification.Contact, error) {
	out := map[int64]notification.Contact{}
	if len(ids) == 0 {
		return out, nil
	}
	var w filter
	in(&w, "id", ids)
	q := `SELECT ` + contactColumns + ` FROM contact_methods` + w.where() + ` ORDER BY id`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	cs, err := spQueryAll(ctx, t.tx, scanContact, q, w.args...)
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, err
}

// AddContact inserts a contact method.
func (t notificationTx) AddContact(ctx context.Context, c *notification.Contact) error {
	err := t.tx.QueryRowContext(ctx, `INSERT INTO contact_methods (user_id, kind, name, address, verified_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		c.UserID, string(c.Kind), c.Name, c.Address, nullTime(c.VerifiedAt), c.CreatedAt.UTC()).Scan(&c.ID)
	return mapErr(err)
}

// ContactForUpdate reads a contact method and locks its row: the no-op
// update takes PostgreSQL's row lock (SQLite has one writer anyway).
func (t notificationTx) ContactForUpdate(ctx context.Context, id int64) (notification.Contact, error) {
	return spQueryOne(ctx, t.tx, scanContact, "contact method "+strconv.FormatInt(id, 10),
		`UPDATE contact_methods SET lock_seq = lock_seq + 1 WHERE id = $1 RETURNING `+contactColumns, id)
}

// SaveContact stores a contact method's name and verification state.
func (t notificationTx) SaveContact(ctx context.Context, c notification.Contact) error {
	return spExecOne(ctx, t.tx, "contact method", `UPDATE contact_methods SET name = $1, verified_at = $2, code_hash = $3,
		code_expires_at = $4, code_attempts = $5, code_sends = $6, code_sends_since = $7 WHERE id = $8`,
		c.Name, nullTime(c.VerifiedAt), c.CodeHash, nullTime(c.CodeExpiresAt), c.CodeAttempts, c.CodeSends, nullTime(c.CodeSendsSince), c.ID)
}

// DeleteContact removes a contact method; its rules go with it, its
// deliveries stay in the history.
func (t notificationTx) DeleteContact(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, "contact method "+strconv.FormatInt(id, 10), `DELETE FROM contact_methods WHERE id = $1`, id)
}

func scanRule(row rowScanner) (notification.Rule, error) {
	var (
		r     notification.Rule
		delay int64
	)
	err := row.Scan(&r.ID, &r.UserID, &r.ContactID, &r.Urgency, &delay)
	r.Delay = time.Duration(delay) * time.Second
	return r, err
}

const ruleQuery = `SELECT id, user_id, contact_id, urgency, delay_seconds FROM notification_rules WHERE user_id = $1 ORDER BY urgency, delay_seconds, contact_id`

// Rules lists a person's rules.
func (r *Notifications) Rules(ctx context.Context, userID int64) ([]notification.Rule, error) {
	return spQueryAll(ctx, r.s.rdb, scanRule, ruleQuery, userID)
}

// Rules lists the rules of people inside the transaction.
func (t notificationTx) Rules(ctx context.Context, userIDs ...int64) ([]notification.Rule, error) {
	var w filter
	in(&w, "user_id", userIDs)
	return spQueryAll(ctx, t.tx, scanRule, `SELECT id, user_id, contact_id, urgency, delay_seconds FROM notification_rules`+w.where()+`
		ORDER BY user_id, urgency, delay_seconds, contact_id`, w.args...)
}

// AddRule inserts a rule.
func (t notificationTx) AddRule(ctx context.Context, r *notification.Rule) error {
	err := t.tx.QueryRowContext(ctx, `INSERT INTO notification_rules (user_id, contact_id, urgency, delay_seconds) VALUES ($1, $2, $3, $4) RETURNING id`,
		r.UserID, r.ContactID, string(r.Urgency), int64(r.Delay/time.Second)).Scan(&r.ID)
	return mapErr(err)
}

// DeleteRule removes one of a person's rules.
func (t notificationTx) DeleteRule(ctx context.Context, userID, id int64) error {
	return spExecOne(ctx, t.tx, "rule "+strconv.FormatInt(id, 10), `DELETE FROM notification_rules WHERE id = $1 AND user_id = $2`, id, userID)
}

func querySettings(ctx context.Context, db spRowQuerier, userID int64) (notification.Settings, error) {
	var secs int64
	err := db.QueryRowContext(ctx, `SELECT digest_seconds FROM notification_settings WHERE user_id = $1`, userID).Scan(&secs)
	if errors.Is(err, sql.ErrNoRows) {
		return notification.Settings{UserID: userID}, nil
	}
	return notification.Settings{UserID: userID, DigestEvery: time.Duration(secs) * time.Second}, mapErr(err)
}

// Settings reads a person's settings (the defaults when they saved none).
func (r *Notifications) Settings(ctx context.Context, userID int64) (notification.Settings, error) {
	return querySettings(ctx, r.s.rdb, userID)
}

// Settings reads a person's settings inside the transaction.
func (t notificationTx) Settings(ctx context.Context, userID int64) (notification.Settings, error) {
	return querySettings(ctx, t.tx, userID)
}

// SaveSettings stores a person's settings.
func (t notificationTx) SaveSettings(ctx context.Context, s notification.Settings) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO notification_settings (user_id, digest_seconds) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET digest_seconds = excluded.digest_seconds`, s.UserID, int64(s.DigestEvery/time.Second))
	return mapErr(err)
}
