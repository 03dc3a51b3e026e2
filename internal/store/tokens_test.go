package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/store"
)

func TestAPITokens(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk, actx, _ := newAuth(t, s)
		ann, err := svc.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "ann@example.com", Level: "responder"})
		must(t, err)
		bob, err := svc.CreateUser(actx, auth.UserInput{Handle: "bob", Email: "bob@example.com", Level: "viewer"})
		must(t, err)
		annCtx, bobCtx := ctxFor(t, svc, ann), ctxFor(t, svc, bob)

		var (
			raw string
			tok auth.Token
		)
		expectOneAudit(t, s, "token.create", func() {
			raw, tok, err = svc.CreateToken(annCtx, "ci deploys", nil)
			must(t, err)
		})
		if !strings.HasPrefix(raw, auth.TokenPrefix) || len(raw) < 40 || tok.UserID != ann.ID || tok.Name != "ci deploys" {
			t.Fatalf("CreateToken = %q, %+v", raw, tok)
		}
		// Only the hash is stored.
		var stored string
		must(t, s.DB().QueryRowContext(ctx, `SELECT token_hash FROM api_tokens WHERE id = $1`, tok.ID).Scan(&stored))
		if stored == raw || strings.Contains(stored, raw[len(auth.TokenPrefix):]) || stored != auth.HashToken(raw) {
			t.Fatalf("stored token = %q", stored)
		}

		a, err := svc.ActorForToken(ctx, raw)
		must(t, err)
		if a.UserID != ann.ID || a.Level != access.Responder || a.Source != "api" {
			t.Fatalf("actor = %+v", a)
		}
		for _, bad := range []string{"", "fbk_nope", raw + "x", strings.TrimPrefix(raw, auth.TokenPrefix)} {
			_, err = svc.ActorForToken(ctx, bad)
			wantCode(t, err, apperr.CodeUnauthenticated)
		}

		// last_used_at is written at most once a minute.
		list, err := svc.ListTokens(annCtx)
		must(t, err)
		if len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(clk.Now()) {
			t.Fatalf("ListTokens = %+v", list)
		}
		first := *list[0].LastUsedAt
		clk.Advance(30 * time.Second)
		_, err = svc.ActorForToken(ctx, raw)
		must(t, err)
		list, _ = svc.ListTokens(annCtx)
		if !list[0].LastUsedAt.Equal(first) {
			t.Fatalf("last used moved within a minute: %v", list[0].LastUsedAt)
		}
		clk.Advance(31 * time.Second)
		_, err = svc.ActorForToken(ctx, raw)
		must(t, err)
		list, _ = svc.ListTokens(annCtx)
		if !list[0].LastUsedAt.Equal(clk.Now()) {
			t.Fatalf("last used = %v, want %v", list[0].LastUsedAt, clk.Now())
		}

		// Expiry.
		soon := clk.Now().Add(time.Hour)
		rawSoon, _, err := svc.CreateToken(bobCtx, "short-lived", &soon)
		must(t, err)
		_, err = svc.ActorForToken(ctx, rawSoon)
		must(t, err)
		clk.Advance(time.Hour)
		_, err = svc.ActorForToken(ctx, rawSoon)
		wantCode(t, err, apperr.CodeUnauthenticated)
		past := clk.Now().Add(-time.Minute)
		_, _, err = svc.CreateToken(bobCtx, "already gone", &past)
		wantCode(t, err, apperr.CodeInvalid)
		_, _, err = svc.CreateToken(bobCtx, "", nil)
		wantCode(t, err, apperr.CodeInvalid)

		// Own tokens only; admins see all.
		list, err = svc.ListTokens(bobCtx)
		must(t, err)
		if len(list) != 1 || list[0].UserID != bob.ID {
			t.Fatalf("bob's tokens = %+v", list)
		}
		list, err = svc.ListTokens(actx)
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("admin sees %d tokens, want 2", len(list))
		}

		// Revoking someone else's token is refused; one's own works.
		expectNoAudit(t, s, func() { wantCode(t, svc.RevokeToken(bobCtx, tok.ID), apperr.CodeNotFound) })
		expectOneAudit(t, s, "token.revoke", func() { must(t, svc.RevokeToken(annCtx, tok.ID)) })
		_, err = svc.ActorForToken(ctx, raw)
		wantCode(t, err, apperr.CodeUnauthenticated)

		// An admin may revoke anyone's token; a disabled user's token stops working.
		raw2, tok2, err := svc.CreateToken(annCtx, "second", nil)
		must(t, err)
		_, err = svc.DisableUser(actx, ann.ID)
		must(t, err)
		_, err = svc.ActorForToken(ctx, raw2)
		wantCode(t, err, apperr.CodeUnauthenticated)
		expectOneAudit(t, s, "token.revoke", func() { must(t, svc.RevokeToken(actx, tok2.ID)) })
		_, _, err = svc.CreateToken(ctx, "anonymous", nil)
		wantCode(t, err, apperr.CodeUnauthenticated)
	})
}
