package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
)

const tokenSelect = `SELECT t.id, t.user_id, u.handle, t.name, t.created_at, t.expires_at, t.last_used_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id`

func scanToken(row rowScanner) (auth.Token, error) {
	var (
		t             auth.Token
		expires, used sql.NullTime
	)
	if err := row.Scan(&t.ID, &t.UserID, &t.UserHandle, &t.Name, &t.CreatedAt, &expires, &used); err != nil {
		return t, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if expires.Valid {
		e := expires.Time.UTC()
		t.ExpiresAt = &e
	}
	if used.Valid {
		u := used.Time.UTC()
		t.LastUsedAt = &u
	}
	return t, nil
}

func tokenErr(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return mapErr(err)
}

// TokenByHash reads an API token by the hash of its raw value.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (auth.Token, error) {
	t, err := scanToken(s.rdb.QueryRowContext(ctx, tokenSelect+` WHERE t.token_hash = $1`, tokenHash))
	if err != nil {
		return t, tokenErr(err, "token")
	}
	return t, nil
}

// ListTokens lists the tokens of userID (every token when 0), newest first.
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]auth.Token, error) {
	q, args := tokenSelect, []any{}
	if userID != 0 {
		q, args = q+` WHERE t.user_id = $1`, append(args, userID)
	}
	rows, err := s.rdb.QueryContext(ctx, q+` ORDER BY t.id DESC`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []auth.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// InsertToken stores a new API token by its hash.
func (t *Tx) InsertToken(ctx context.Context, tok auth.Token, tokenHash string) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, tok.UserID, tok.Name, tokenHash, tok.CreatedAt.UTC(), nullTime(tok.ExpiresAt)).Scan(&id)
	return id, mapErr(err)
}

// TokenByIDTx reads an API token inside the transaction.
func (t *Tx) TokenByIDTx(ctx context.Context, id int64) (auth.Token, error) {
	tok, err := scanToken(t.tx.QueryRowContext(ctx, tokenSelect+` WHERE t.id = $1`, id))
	if err != nil {
		return tok, tokenErr(err, fmt.Sprintf("token %d", id))
	}
	return tok, nil
}

// DeleteToken removes an API token.
func (t *Tx) DeleteToken(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id)
	return affectedOne(res, err, fmt.Sprintf("token %d", id))
}

// TouchToken records when a token was last used.
func (t *Tx) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at.UTC(), id)
	return mapErr(err)
}
