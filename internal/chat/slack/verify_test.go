package slack

import (
	"errors"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// The worked example of Slack's "Verifying requests from Slack".
const (
	docsSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docsTimestamp = 1531420618
	docsSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

func headers(sig string, ts int64) http.Header {
	h := http.Header{}
	h.Set("X-Slack-Signature", sig)
	h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	return h
}

func TestSignatureOfSlacksWorkedExample(t *testing.T) {
	body, err := os.ReadFile("testdata/signed_request_docs.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got := Sign(docsSecret, docsTimestamp, body); got != docsSignature {
		t.Fatalf("Sign = %s, want Slack's %s", got, docsSignature)
	}
	now := time.Unix(docsTimestamp, 0).Add(30 * time.Second)
	v := NewVerifier(docsSecret, func() time.Time { return now })
	if err := v.Verify(headers(docsSignature, docsTimestamp), body); err != nil {
		t.Fatalf("the documented request is refused: %v", err)
	}
}

func TestVerifyRefusesBadStaleReplayedAndUnsigned(t *testing.T) {
	body := []byte("token=x&command=%2Finc&text=status")
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := now
	v := NewVerifier("secret", func() time.Time { return clock })
	ts := now.Unix()
	good := Sign("secret", ts, body)

	if err := v.Verify(headers(good, ts), body); err != nil {
		t.Fatalf("good request: %v", err)
	}
	if err := v.Verify(headers(good, ts), body); !errors.Is(err, ErrReplayed) {
		t.Errorf("the same request again: %v, want replayed", err)
	}
	cases := []struct {
		name string
		h    http.Header
		body []byte
		want error
	}{
		{"wrong secret", headers(Sign("other", ts, body), ts), body, ErrBadSig},
		{"body changed", headers(Sign("secret", ts+1, body), ts+1), []byte("token=x&command=%2Finc&text=resolve"), ErrBadSig},
		{"timestamp changed", headers(good, ts+1), body, ErrBadSig},
		{"six minutes old", headers(Sign("secret", ts-360, body), ts-360), body, ErrStale},
		{"six minutes ahead", headers(Sign("secret", ts+360, body), ts+360), body, ErrStale},
		{"unsigned", http.Header{}, body, ErrNoSignature},
		{"timestamp not a number", func() http.Header { h := headers(good, ts); h.Set("X-Slack-Request-Timestamp", "soon"); return h }(), body, ErrNoSignature},
	}
	for _, c := range cases {
		if err := v.Verify(c.h, c.body); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// Four minutes later a new request is fine, and the replayed one is
	// still refused; after the window it is refused as stale.
	clock = now.Add(4 * time.Minute)
	ts2 := clock.Unix()
	if err := v.Verify(headers(Sign("secret", ts2, body), ts2), body); err != nil {
		t.Errorf("a later request: %v", err)
	}
	if err := v.Verify(headers(good, ts), body); !errors.Is(err, ErrReplayed) {
		t.Errorf("replay within the window: %v", err)
	}
	clock = now.Add(6 * time.Minute)
	if err := v.Verify(headers(good, ts), body); !errors.Is(err, ErrStale) {
		t.Errorf("replay after the window: %v", err)
	}
}
