package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

const wrongLogin = "wrong handle/email or password"

// HashToken is the stored form of a session or API token: hex SHA-256.
// Tokens carry 256 random bits, so a fast hash is enough.
func HashToken(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Login checks a handle or email and password and starts a session. It
// returns the session token (to put in a cookie) and the user. A wrong
// password, an unknown user, a user without a password and a disabled user
// all get the same answer.
func (s *Service) Login(ctx context.Context, login, password, userAgent, remoteAddr string) (string, User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" || len(password) > 4*MaxPasswordLen {
		return "", User{}, apperr.Unauthenticated(wrongLogin)
	}
	u, hash, err := s.st.UserByLogin(ctx, login)
	if apperr.Is(err, apperr.CodeNotFound) {
		_, _ = VerifyPassword(dummyHash(), password) // take as long as a real check
		return "", User{}, apperr.Unauthenticated(wrongLogin)
	}
	if err != nil {
		return "", User{}, err
	}
	if hash == "" {
		_, _ = VerifyPassword(dummyHash(), password)
		return "", User{}, apperr.Unauthenticated(wrongLogin)
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return "", User{}, apperr.Internal(err)
	}
	if !ok || u.Disabled {
		return "", User{}, apperr.Unauthenticated(wrongLogin)
	}
	raw, err := randomToken()
	if err != nil {
		return "", User{}, apperr.Internal(err)
	}
	now := s.clock()
	sess := Session{TokenHash: HashToken(raw), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL),
		UserAgent: truncate(userAgent, 512), RemoteAddr: truncate(remoteAddr, 128)}
	a := actorOf(u, source("web", remoteAddr))
	err = s.st.InTx(ctx, func(tx Tx) error {
		if err := tx.InsertSession(ctx, sess); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, "session.login", userTarget(u.ID), map[string]any{"user_agent": sess.UserAgent}))
	})
	if err != nil {
		return "", User{}, err
	}
	return raw, u, nil
}

// Logout ends the session of token. An unknown token is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	h := HashToken(token)
	sess, err := s.st.SessionByHash(ctx, h)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	u, err := s.st.UserByID(ctx, sess.UserID)
	if err != nil {
		return err
	}
	a := actorOf(u, "web")
	if ca, ok := access.From(ctx); ok && ca.UserID == u.ID {
		a = ca
	}
	return s.st.InTx(ctx, func(tx Tx) error {
		if _, err := tx.DeleteSession(ctx, h); err != nil {
			if apperr.Is(err, apperr.CodeNotFound) {
				return nil
			}
			return err
		}
		return tx.Audit(ctx, audit.New(a, s.clock(), "session.logout", userTarget(u.ID), nil))
	})
}

// ActorForSession returns the actor signed in with a session token, with
// Source "web".
func (s *Service) ActorForSession(ctx context.Context, token string) (access.Actor, error) {
	if token == "" {
		return access.Actor{}, apperr.Unauthenticated("sign in first")
	}
	sess, err := s.st.SessionByHash(ctx, HashToken(token))
	if apperr.Is(err, apperr.CodeNotFound) {
		return access.Actor{}, apperr.Unauthenticated("your session has ended; sign in again")
	}
	if err != nil {
		return access.Actor{}, err
	}
	if !s.clock().Before(sess.ExpiresAt) {
		return access.Actor{}, apperr.Unauthenticated("your session has expired; sign in again")
	}
	u, err := s.st.UserByID(ctx, sess.UserID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return access.Actor{}, apperr.Unauthenticated("your session has ended; sign in again")
	}
	if err != nil {
		return access.Actor{}, err
	}
	if u.Disabled {
		return access.Actor{}, apperr.Unauthenticated("your account is disabled")
	}
	return actorOf(u, "web"), nil
}

func actorOf(u User, src string) access.Actor {
	return access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: u.Level, Source: src}
}

func source(kind, addr string) string {
	if addr == "" {
		return kind
	}
	return kind + " " + addr
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
