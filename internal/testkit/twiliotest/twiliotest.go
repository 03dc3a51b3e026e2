// Package twiliotest is a fake Twilio for tests: an httptest server that
// follows the Messages API as documented — POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From and
// Body, HTTP basic auth with the account SID and auth token — and answers
// with the payloads of Twilio's documentation (testdata/): 201 with the
// Message resource, or Twilio's error body. A wrong URL, field name or
// credential fails the way Twilio would. A message created with a
// StatusCallback gets Twilio's status callbacks afterwards — sent, then
// delivered (or undelivered with an error code, see UndeliverNext) —
// form-encoded and signed with X-Twilio-Signature as Twilio signs them.
package twiliotest

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notify/sms"
)

//go:embed testdata/*.json testdata/*.form
var fixtures embed.FS

// Refusals the fake can answer the next message with.
const (
	InvalidNumber   = "error_21211.json" // 400: the To number is not valid (permanent)
	TooManyRequests = "error_20429.json" // 429: slow down (temporary)
)

// Message is one text Twilio accepted.
type Message struct {
	To, From, Body string
}

// Server is a fake Twilio account.
type Server struct {
	*httptest.Server
	AccountSID string
	AuthToken  string

	t         testing.TB
	mu        sync.Mutex
	msgs      []Message
	refuse    []string
	undeliver []string // error codes of the next messages the carrier cannot deliver
	callbacks int      // status callbacks answered 2xx
	arrived   chan struct{}
	called    chan struct{}
	sending   sync.WaitGroup
}

// Start runs a fake Twilio until the test ends.
func Start(t testing.TB) *Server {
	f := &Server{AccountSID: "AC" + strings.Repeat("0123456789abcdef", 2), AuthToken: "twilio-test-token", t: t,
		arrived: make(chan struct{}, 1000), called: make(chan struct{}, 1000)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", f.create)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.sending.Wait()
		f.Close()
	})
	return f
}

func (f *Server) create(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.AccountSID || pass != f.AuthToken || r.PathValue("sid") != f.AccountSID {
		f.reply(w, http.StatusUnauthorized, "error_20003.json", nil)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		f.t.Errorf("twiliotest: Content-Type %q; Twilio takes form-encoded parameters", ct)
	}
	if err := r.ParseForm(); err != nil {
		f.t.Error(err)
	}
	m := Message{To: r.PostForm.Get("To"), From: r.PostForm.Get("From"), Body: r.PostForm.Get("Body")}
	if m.To == "" || m.From == "" || m.Body == "" {
		f.t.Errorf("twiliotest: a message needs To, From and Body: %v", r.PostForm)
	}
	f.mu.Lock()
	if len(f.refuse) > 0 {
		name := f.refuse[0]
		f.refuse = f.refuse[1:]
		f.mu.Unlock()
		status := http.StatusBadRequest
		if name == TooManyRequests {
			status = http.StatusTooManyRequests
		}
		f.reply(w, status, name, nil)
		return
	}
	f.msgs = append(f.msgs, m)
	sid := fmt.Sprintf("SM%032x", len(f.msgs))
	undeliver := ""
	if len(f.undeliver) > 0 {
		undeliver, f.undeliver = f.undeliver[0], f.undeliver[1:]
	}
	f.mu.Unlock()
	f.arrived <- struct{}{}
	f.reply(w, http.StatusCreated, "message_created.json", map[string]any{"sid": sid, "to": m.To, "from": m.From, "body": m.Body})
	if cb := r.PostForm.Get("StatusCallback"); cb != "" {
		f.sending.Go(func() { f.report(cb, sid, m, undeliver) })
	}
}

// report sends a message's status callbacks, as Twilio does once it has
// handed the text to the carrier and heard back: sent, then delivered or
// undelivered (with the error code).
func (f *Server) report(callback, sid string, m Message, undeliverCode string) {
	last := "status_delivered.form"
	if undeliverCode != "" {
		last = "status_undelivered.form"
	}
	for _, fixture := range []string{"status_sent.form", last} {
		raw, err := fixtures.ReadFile("testdata/" + fixture)
		if err != nil {
			f.t.Error(err)
			return
		}
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			f.t.Error(err)
			return
		}
		form.Set("AccountSid", f.AccountSID)
		form.Set("MessageSid", sid)
		form.Set("SmsSid", sid)
		form.Set("To", m.To)
		form.Set("From", m.From)
		if undeliverCode != "" && form.Has("ErrorCode") {
			form.Set("ErrorCode", undeliverCode)
		}
		req, _ := http.NewRequest(http.MethodPost, callback, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sms.TwilioSignature(f.AuthToken, callback, form)) // checked against Twilio's worked example in package sms
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return // the node is gone (the test ended): Twilio would log it
		}
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			f.mu.Lock()
			f.callbacks++
			f.mu.Unlock()
			f.called <- struct{}{}
		}
	}
}

// UndeliverNext makes the carrier fail to deliver the next message with
// Twilio's error code (e.g. "30003", unreachable destination handset).
func (f *Server) UndeliverNext(code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.undeliver = append(f.undeliver, code)
}

// WaitCallbacks waits until n status callbacks were answered 2xx in all.
func (f *Server) WaitCallbacks(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		f.mu.Lock()
		got := f.callbacks
		f.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-f.called:
		case <-deadline:
			t.Fatalf("twiliotest: %d status callbacks answered within %v, want %d", got, timeout, n)
		}
	}
}

func (f *Server) reply(w http.ResponseWriter, status int, fixture string, set map[string]any) {
	raw, err := fixtures.ReadFile("testdata/" + fixture)
	if err != nil {
		f.t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		f.t.Fatal(err)
	}
	for k, v := range set {
		doc[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

// RefuseNext answers the next message with a refusal (InvalidNumber, TooManyRequests).
func (f *Server) RefuseNext(fixture string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refuse = append(f.refuse, fixture)
}

// Messages returns the texts accepted so far.
func (f *Server) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.msgs...)
}

// Wait waits until n texts were accepted in all, or fails the test after timeout.
func (f *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if m := f.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-f.arrived:
		case <-deadline:
			t.Fatalf("twiliotest: %d texts arrived within %v, want %d", len(f.Messages()), timeout, n)
		}
	}
}
