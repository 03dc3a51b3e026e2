package notice

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/notify/webhook"
)

type hooks map[int64][2]string

func (h hooks) TriageHook(_ context.Context, id int64) (string, string, error) {
	v, ok := h[id]
	if !ok {
		return "", "", apperr.NotFound("triage hook")
	}
	return v[0], v[1], nil
}

func TestNotifyTriagePostsSignedNotice(t *testing.T) {
	got := make(chan *http.Request, 1)
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		got <- r
	}))
	defer srv.Close()
	s := New(hooks{7: {srv.URL + "/hook", "s3cret"}}, nil, "https://fb.example.com")
	item := detect.Item{Group: detect.Group{ID: 12, ServiceID: 7, Service: "checkout", Title: "errors", AlertCount: 2, Severity: "critical"}}
	if err := s.NotifyTriage(context.Background(), item); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.URL.Path != "/hook" || r.Header.Get("X-Firebreak-Event") != "triage.new" || !webhook.Verify("s3cret", body, r.Header.Get("X-Firebreak-Signature")) {
		t.Fatalf("request %s %v", r.URL.Path, r.Header)
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil || p.URL != "https://fb.example.com/triage/12" || p.Item.ID != 12 {
		t.Fatalf("%+v %v", p, err)
	}
	// No hook for the owner team: nothing to send, and not an error.
	if err := s.NotifyTriage(context.Background(), detect.Item{Group: detect.Group{ServiceID: 8}}); err != nil {
		t.Fatal(err)
	}
}

func TestNotifyTriageFailureIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	s := New(hooks{7: {srv.URL, ""}}, nil, "")
	if err := s.NotifyTriage(context.Background(), detect.Item{Group: detect.Group{ServiceID: 7}}); err == nil {
		t.Fatal("a 500 from the hook must fail the job so it is retried")
	}
}
