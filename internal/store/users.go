package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
)

// authStore adapts Store to auth.Store: its InTx hands out auth.Tx.
type authStore struct{ *Store }

var (
	_ auth.Store = authStore{}
	_ auth.Tx    = (*Tx)(nil)
)

// Auth returns the storage of the auth service.
func (s *Store) Auth() auth.Store { return authStore{s} }

// InTx runs fn in one transaction.
func (a authStore) InTx(ctx context.Context, fn func(auth.Tx) error) error {
	return a.Store.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

const userColumns = `id, handle, name, email, time_zone, level, disabled, created_at, updated_at`

func scanUser(row rowScanner, extra ...any) (auth.User, error) {
	var (
		u     auth.User
		level string
	)
	dest := append([]any{&u.ID, &u.Handle, &u.Name, &u.Email, &u.TimeZone, &level, &u.Disabled, &u.CreatedAt, &u.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return u, err
	}
	l, ok := access.ParseLevel(level)
	if !ok {
		return u, apperr.Internal(errors.New("user " + u.Handle + " has unknown level " + level))
	}
	u.Level, u.CreatedAt, u.UpdatedAt = l, u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

func userNotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return mapErr(err)
}

// UserByID reads one user.
func (s *Store) UserByID(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(s.rdb.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return auth.User{}, userNotFound(err, fmt.Sprintf("user %d", id))
	}
	return u, nil
}

// UserByHandle reads one user by handle.
func (s *Store) UserByHandle(ctx context.Context, handle string) (auth.User, error) {
	u, err := scanUser(s.rdb.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE handle = $1`, handle))
	if err != nil {
		return auth.User{}, userNotFound(err, "user "+handle)
	}
	return u, nil
}

// UserByLogin reads a user by handle or email, with the password hash.
func (s *Store) UserByLogin(ctx context.Context, login string) (auth.User, string, error) {
	var hash string
	u, err := scanUser(s.rdb.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users
		WHERE handle = $1 OR email = $1 ORDER BY id LIMIT 1`, login), &hash)
	if err != nil {
		return auth.User{}, "", userNotFound(err, "user "+login)
	}
	return u, hash, nil
}

// PasswordHash returns a user's stored password hash.
func (s *Store) PasswordHash(ctx context.Context, userID int64) (string, error) {
	var hash string
	err := s.rdb.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, userID).Scan(&hash)
	if err != nil {
		return "", userNotFound(err, fmt.Sprintf("user %d", userID))
	}
	return hash, nil
}

// ListUsers lists every user by handle.
func (s *Store) ListUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY handle`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []auth.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}

// CountUsers counts all users.
func (t *Tx) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, mapErr(err)
}

// CountActiveAdmins counts enabled admins. On PostgreSQL it locks their
// rows, so that two transactions demoting different admins cannot both see
// "two admins left"; SQLite transactions are already serial.
func (t *Tx) CountActiveAdmins(ctx context.Context) (int, error) {
	q := `SELECT id FROM users WHERE level = 'admin' AND NOT disabled`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	rows, err := t.tx.QueryContext(ctx, q)
	if err != nil {
		return 0, mapErr(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, mapErr(rows.Err())
}

// UserForUpdate reads a user and its password hash inside the transaction.
func (t *Tx) UserForUpdate(ctx context.Context, id int64) (auth.User, string, error) {
	q := `SELECT ` + userColumns + `, password_hash FROM users WHERE id = $1`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	var hash string
	u, err := scanUser(t.tx.QueryRowContext(ctx, q, id), &hash)
	if err != nil {
		return auth.User{}, "", userNotFound(err, fmt.Sprintf("user %d", id))
	}
	return u, hash, nil
}

// InsertUser stores a new user.
func (t *Tx) InsertUser(ctx context.Context, u auth.User, passwordHash string) (int64, error) {
	if err := t.userTaken(ctx, u, 0); err != nil {
		return 0, err
	}
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO users (handle, name, email, time_zone, level, password_hash, disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		u.Handle, u.Name, u.Email, u.TimeZone, u.Level.String(), passwordHash, u.Disabled, u.CreatedAt.UTC(), u.UpdatedAt.UTC()).Scan(&id)
	return id, mapErr(err)
}

// userTaken reports a Conflict naming the handle or email another user
// already has. The unique indexes still guard against races.
func (t *Tx) userTaken(ctx context.Context, u auth.User, self int64) error {
	var handle, email string
	err := t.tx.QueryRowContext(ctx, `SELECT handle, email FROM users WHERE (handle = $1 OR email = $2) AND id <> $3 LIMIT 1`,
		u.Handle, u.Email, self).Scan(&handle, &email)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return mapErr(err)
	case strings.EqualFold(handle, u.Handle):
		return apperr.Conflict("a user with handle %q already exists", u.Handle)
	default:
		return apperr.Conflict("a user with email %q already exists", u.Email)
	}
}

// UpdateUser writes every field of u except its password.
func (t *Tx) UpdateUser(ctx context.Context, u auth.User) error {
	if err := t.userTaken(ctx, u, u.ID); err != nil {
		return err
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE users SET handle = $1, name = $2, email = $3, time_zone = $4, level = $5, disabled = $6, updated_at = $7
		WHERE id = $8`, u.Handle, u.Name, u.Email, u.TimeZone, u.Level.String(), u.Disabled, u.UpdatedAt.UTC(), u.ID)
	return affectedOne(res, err, fmt.Sprintf("user %d", u.ID))
}

// SetPasswordHash replaces a user's password hash.
func (t *Tx) SetPasswordHash(ctx context.Context, userID int64, hash string, at time.Time) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, at.UTC(), userID)
	return affectedOne(res, err, fmt.Sprintf("user %d", userID))
}

// DeleteUser removes a user; sessions, tokens and memberships go with it.
func (t *Tx) DeleteUser(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
	return affectedOne(res, err, fmt.Sprintf("user %d", id))
}

// affectedOne turns "no row changed" into NotFound.
func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return mapErr(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return apperr.NotFound(what)
	}
	return nil
}
