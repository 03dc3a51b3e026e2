package auth

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// TokenPrefix starts every API token, so secret scanners can recognise one.
const TokenPrefix = "fbk_"

// lowercase base32 without padding: selectable with a double click.
var tokenEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func newAPIToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return TokenPrefix + tokenEncoding.EncodeToString(b), nil
}

func tokenTarget(id int64) string { return "token " + itoa(id) }

// CreateToken makes an API token for the acting user. The raw token is
// returned once and never stored; expiresAt nil means it does not expire.
func (s *Service) CreateToken(ctx context.Context, name string, expiresAt *time.Time) (string, Token, error) {
	a, err := actor(ctx)
	if err != nil {
		return "", Token{}, err
	}
	if a.UserID == 0 {
		return "", Token{}, apperr.Forbidden("only a signed-in user may create API tokens")
	}
	if name, err = validateName("name", name, 100); err != nil {
		return "", Token{}, err
	}
	now := s.clock()
	if expiresAt != nil {
		e := expiresAt.UTC().Truncate(time.Microsecond)
		if !e.After(now) {
			return "", Token{}, apperr.Invalid("expires_at", "must be in the future")
		}
		expiresAt = &e
	}
	raw, err := newAPIToken()
	if err != nil {
		return "", Token{}, apperr.Internal(err)
	}
	t := Token{UserID: a.UserID, UserHandle: a.Handle, Name: name, CreatedAt: now, ExpiresAt: expiresAt}
	err = s.st.InTx(ctx, func(tx Tx) error {
		id, err := tx.InsertToken(ctx, t, HashToken(raw))
		if err != nil {
			return err
		}
		t.ID = id
		detail := map[string]any{"name": name}
		if expiresAt != nil {
			detail["expires_at"] = *expiresAt
		}
		return tx.Audit(ctx, audit.New(a, now, "token.create", tokenTarget(id), detail))
	})
	if err != nil {
		return "", Token{}, err
	}
	return raw, t, nil
}

// ListTokens lists the actor's own tokens; admins see everyone's.
func (s *Service) ListTokens(ctx context.Context) ([]Token, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsAdmin() {
		return s.st.ListTokens(ctx, 0)
	}
	if a.UserID == 0 {
		return []Token{}, nil
	}
	return s.st.ListTokens(ctx, a.UserID)
}

// RevokeToken deletes a token: one's own, or any for an admin.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return s.st.InTx(ctx, func(tx Tx) error {
		t, err := tx.TokenByIDTx(ctx, id)
		if err != nil {
			return err
		}
		if t.UserID != a.UserID && !a.IsAdmin() {
			return apperr.NotFound(tokenTarget(id)) // do not reveal others' tokens
		}
		if err := tx.DeleteToken(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, s.clock(), "token.revoke", tokenTarget(id), map[string]any{"name": t.Name, "owner": t.UserHandle}))
	})
}

// ActorForToken returns the actor an API token belongs to, with Source
// "api". It records the token's last use at most once a minute.
func (s *Service) ActorForToken(ctx context.Context, raw string) (access.Actor, error) {
	bad := apperr.Unauthenticated("invalid, expired or revoked API token")
	if !strings.HasPrefix(raw, TokenPrefix) || len(raw) > 200 {
		return access.Actor{}, bad
	}
	t, err := s.st.TokenByHash(ctx, HashToken(raw))
	if apperr.Is(err, apperr.CodeNotFound) {
		return access.Actor{}, bad
	}
	if err != nil {
		return access.Actor{}, err
	}
	now := s.clock()
	if t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) {
		return access.Actor{}, bad
	}
	u, err := s.st.UserByID(ctx, t.UserID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return access.Actor{}, bad
	}
	if err != nil {
		return access.Actor{}, err
	}
	if u.Disabled {
		return access.Actor{}, apperr.Unauthenticated("the account of this API token is disabled")
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= tokenTouchEvery {
		// Bookkeeping, not a change anyone made: no audit entry.
		if err := s.st.InTx(ctx, func(tx Tx) error { return tx.TouchToken(ctx, t.ID, now) }); err != nil {
			return access.Actor{}, err
		}
	}
	return actorOf(u, "api"), nil
}
