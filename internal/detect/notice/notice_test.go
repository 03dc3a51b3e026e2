package notice

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
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

type mail struct {
	to, subject, body []string
}

func (m *mail) Send(_ context.Context, to, subject, body string, _ map[string]string) error {
	m.to, m.subject, m.body = append(m.to, to), append(m.subject, subject), append(m.body, body)
	return nil
}

type people map[int64][]string

func (p people) OwnerTeamEmails(_ context.Context, id int64) ([]string, error) { return p[id], nil }

func TestNotifyTriageEmailsTheOwnerTeam(t *testing.T) {
	m := &mail{}
	s := New(hooks{}, nil, "https://fb.example.com").WithEmail(m, people{7: {"ann@example.com", "bob@example.com"}})
	item := detect.Item{Group: detect.Group{ID: 12, ServiceID: 7, Service: "checkout", Title: "Errors above 5%", AlertCount: 1, Severity: "critical"},
		Alerts: []detect.Alert{{Title: "Errors above 5%", Severity: "critical", Status: "firing"}}}
	if err := s.NotifyTriage(context.Background(), item); err != nil {
		t.Fatal(err)
	}
	if len(m.to) != 2 || m.to[0] != "ann@example.com" || m.subject[0] != "[Firebreak] Triage: Errors above 5%" ||
		!strings.Contains(m.body[0], "https://fb.example.com/triage/12") || !strings.Contains(m.body[0], "[critical] Errors above 5% (firing)") {
		t.Fatalf("mail %+v", m)
	}
	// A service whose team has no members: nobody to email, not an error.
	if err := s.NotifyTriage(context.Background(), detect.Item{Group: detect.Group{ServiceID: 8}}); err != nil {
		t.Fatal(err)
	}
}
