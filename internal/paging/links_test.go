package paging

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// keyStore is the one part of the store links use.
type keyStore struct{ Store }

func (keyStore) LinkKey(context.Context) ([]byte, error) {
	return []byte("0123456789abcdef0123456789abcdef"), nil
}

func linkService(now time.Time) *Service {
	return NewService(keyStore{}, func() time.Time { return now }, Options{BaseURL: "https://fb.example"})
}

func TestLinksRoundTripAndRefuseTampering(t *testing.T) {
	s := linkService(t0)
	u, err := s.ActionURL(context.Background(), 42, 7, LinkResolve, t0)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(u, "https://fb.example/p/")
	l, err := s.ParseLink(context.Background(), token)
	if err != nil || l.PageID != 42 || l.UserID != 7 || l.Action != LinkResolve || l.Nonce == "" {
		t.Fatalf("parse %q: %+v %v", token, l, err)
	}
	payload, mac, _ := strings.Cut(token, ".")
	for name, bad := range map[string]string{
		"empty":          "",
		"no signature":   payload,
		"other page":     strings.Replace(token, payload, payload[:len(payload)-2]+"AA", 1),
		"forged mac":     payload + "." + strings.Repeat("A", len(mac)),
		"not base64":     "!!!.???",
		"signature only": "." + mac,
	} {
		if _, err := s.ParseLink(context.Background(), bad); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := linkService(t0.Add(25*time.Hour)).ParseLink(context.Background(), token); !apperr.Is(err, apperr.CodeInvalid) {
		t.Errorf("expired link: %v", err)
	}
}

// FuzzParseLink: whatever arrives at /p/{token}, parsing neither panics nor
// accepts anything the key did not sign.
func FuzzParseLink(f *testing.F) {
	s := linkService(t0)
	u, _ := s.ActionURL(context.Background(), 1, 2, LinkAcknowledge, t0)
	good := strings.TrimPrefix(u, "https://fb.example/p/")
	for _, seed := range []string{good, "", ".", "a.b", good + "x", strings.ToUpper(good)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		l, err := s.ParseLink(context.Background(), token)
		if err != nil {
			return
		}
		if token != good && signLink([]byte("0123456789abcdef0123456789abcdef"), l) != token {
			t.Fatalf("accepted %q, which is not a signed link (%+v)", token, l)
		}
	})
}
