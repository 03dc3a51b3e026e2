package sms_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTwilio follows the Messages API as documented: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From and
// Body, HTTP basic auth with the account SID and auth token; 201 with the
// Message resource, or Twilio's error body (fixtures from the docs under testdata/).
type fakeTwilio struct {
	*httptest.Server
	sid, token string

	mu     sync.Mutex
	texts  []string // Body of each accepted message
	refuse []string // fixture names to answer the next requests with
}

func newFakeTwilio(t *testing.T) *fakeTwilio {
	f := &fakeTwilio{sid: "AC" + strings.Repeat("0123456789abcdef", 2), token: "tok-secret"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != f.sid || pass != f.token || r.PathValue("sid") != f.sid {
			reply(t, w, http.StatusUnauthorized, "error_20003.json", nil)
			return
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			t.Errorf("Content-Type %q; Twilio takes form-encoded parameters", ct)
		}
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		to, from, body := r.PostForm.Get("To"), r.PostForm.Get("From"), r.PostForm.Get("Body")
		if to == "" || from == "" || body == "" {
			t.Errorf("a message needs To, From and Body: %v", r.PostForm)
		}
		f.mu.Lock()
		if len(f.refuse) > 0 {
			name := f.refuse[0]
			f.refuse = f.refuse[1:]
			f.mu.Unlock()
			status := http.StatusBadRequest
			if name == "error_20429.json" {
				status = http.StatusTooManyRequests
			}
			reply(t, w, status, name, nil)
			return
		}
		f.texts = append(f.texts, body)
		f.mu.Unlock()
		reply(t, w, http.StatusCreated, "message_created.json", map[string]any{"to": to, "from": from, "body": body})
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func reply(t *testing.T, w http.ResponseWriter, status int, fixture string, set map[string]any) {
	raw, err := os.ReadFile("testdata/" + fixture)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		doc[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

func (f *fakeTwilio) received(t testing.TB, n int) []string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		got := append([]string(nil), f.texts...)
		f.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			if len(got) < n {
				t.Fatalf("twilio got %d messages, want %d", len(got), n)
			}
			return got
		}
		time.Sleep(time.Millisecond)
	}
}
