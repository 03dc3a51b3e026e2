package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
)

// SessionByHash reads a session by the hash of its token.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string) (auth.Session, error) {
	var se auth.Session
	err := s.rdb.QueryRowContext(ctx, `SELECT id, token_hash, user_id, created_at, expires_at, user_agent, remote_addr
		FROM sessions WHERE token_hash = $1`, tokenHash).
		Scan(&se.ID, &se.TokenHash, &se.UserID, &se.CreatedAt, &se.ExpiresAt, &se.UserAgent, &se.RemoteAddr)
	if errors.Is(err, sql.ErrNoRows) {
		return se, apperr.NotFound("session")
	}
	if err != nil {
		return se, mapErr(err)
	}
	se.CreatedAt, se.ExpiresAt = se.CreatedAt.UTC(), se.ExpiresAt.UTC()
	return se, nil
}

// InsertSession stores a new session. Expired sessions are swept here, so
// the table does not grow without bound.
func (t *Tx) InsertSession(ctx context.Context, se auth.Session) error {
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, se.CreatedAt.UTC()); err != nil {
		return mapErr(err)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, user_agent, remote_addr)
		VALUES ($1, $2, $3, $4, $5, $6)`, se.TokenHash, se.UserID, se.CreatedAt.UTC(), se.ExpiresAt.UTC(), se.UserAgent, se.RemoteAddr)
	return mapErr(err)
}

// DeleteSession removes a session and returns its user.
func (t *Tx) DeleteSession(ctx context.Context, tokenHash string) (int64, error) {
	var userID int64
	err := t.tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id`, tokenHash).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.NotFound("session")
	}
	return userID, mapErr(err)
}

// DeleteUserSessions ends every session of a user.
func (t *Tx) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := t.tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return mapErr(err)
}
