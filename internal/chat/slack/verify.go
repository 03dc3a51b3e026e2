package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Window is how far a request's timestamp may be from now (Slack's advice:
// five minutes), and how long its signature is remembered against replays.
const Window = 5 * time.Minute

// Verification failures.
var (
	ErrNoSignature = errors.New("slack: request is not signed")
	ErrBadSig      = errors.New("slack: signature does not match")
	ErrStale       = errors.New("slack: request timestamp is outside the five-minute window")
	ErrReplayed    = errors.New("slack: request was already received")
)

// Verifier checks Slack's request signatures: X-Slack-Signature is
// "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp
// + ":" + body)). A timestamp outside Window is refused, and a signature
// seen within Window is refused again (a replay). The memory of
// signatures is per node; a replay sent to another node of a cluster within
// five minutes is not caught there, which the timestamp window bounds.
type Verifier struct {
	secret []byte
	now    func() time.Time

	mu   sync.Mutex
	seen map[string]time.Time // signature → when it expires from memory
}

// NewVerifier builds a verifier for the app's signing secret.
func NewVerifier(secret string, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{secret: []byte(secret), now: now, seen: map[string]time.Time{}}
}

// Sign computes the signature of body sent at ts (for tests and tools).
func Sign(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks the headers of a request against its body.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	sig, tsText := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || tsText == "" {
		return ErrNoSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	now := v.now()
	if d := now.Sub(time.Unix(ts, 0)); d > Window || d < -Window {
		return ErrStale
	}
	if !hmac.Equal([]byte(sig), []byte(Sign(string(v.secret), ts, body))) {
		return ErrBadSig
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for s, exp := range v.seen {
		if now.After(exp) {
			delete(v.seen, s)
		}
	}
	if _, ok := v.seen[sig]; ok {
		return ErrReplayed
	}
	v.seen[sig] = time.Unix(ts, 0).Add(Window)
	return nil
}
