package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/notify/webhook"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestOperationalEndpoints(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		if code, body := get(t, s.URL+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
			t.Fatalf("healthz %d %q", code, body)
		}
		if code, body := get(t, s.URL+"/readyz"); code != 200 || !strings.Contains(body, `"migrations":"ok"`) {
			t.Fatalf("readyz %d %q", code, body)
		}
		if _, err := s.App.Incidents.Declare(s.AdminContext(), incident.DeclareInput{Title: "Checkout down", Severity: "SEV1"}); err != nil {
			t.Fatal(err)
		}
		code, body := get(t, s.URL+"/metrics")
		for _, want := range []string{
			`firebreak_incidents{severity="SEV1",stage="fix"} 1`,
			`firebreak_job_queue_depth`,
			`firebreak_http_request_duration_seconds_bucket{code="200",method="GET",route="GET /readyz"`,
		} {
			if code != 200 || !strings.Contains(body, want) {
				t.Fatalf("metrics lack %s:\n%s", want, body)
			}
		}
		resp, err := http.Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Request-Id", "X-Frame-Options"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("response lacks %s", h)
			}
		}
	})
}

// TestDeclaredIncidentReachesTheWebhook proves the outbox end to end: the
// declare commits a job in its transaction, the queue runs it after commit,
// and the receiver gets a signed delivery.
func TestDeclaredIncidentReachesTheWebhook(t *testing.T) {
	type delivery struct {
		body      []byte
		signature string
		id        string
	}
	got := make(chan delivery, 10)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{b, r.Header.Get("X-Firebreak-Signature"), r.Header.Get("X-Firebreak-Delivery")}
	}))
	defer receiver.Close()
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		inc, err := s.App.Incidents.Declare(s.AdminContext(), incident.DeclareInput{Title: "Push notifications delayed"})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case d := <-got:
			if !webhook.Verify("s3cret", d.body, d.signature) {
				t.Fatalf("bad signature %q", d.signature)
			}
			var p webhook.Payload
			if err := json.Unmarshal(d.body, &p); err != nil {
				t.Fatal(err)
			}
			if p.Ref != inc.Ref() || p.Event.Kind != incident.EventDeclared || p.Incident.Title != "Push notifications delayed" || d.id != inc.Ref()+"/1" {
				t.Fatalf("delivery %+v id %s", p, d.id)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("no webhook delivery")
		}
	}, apptest.Configure(func(c *config.Config) {
		c.Webhooks.IncidentEvents = []config.Webhook{{URL: receiver.URL, Secret: "s3cret"}}
	}))
}

// TestLiveUpdatesCrossNodes runs two nodes on one PostgreSQL database: a
// change made on one reaches live viewers on the other through NOTIFY.
func TestLiveUpdatesCrossNodes(t *testing.T) {
	url := pgtest.NewDatabase(t)
	a := apptest.Start(t, apptest.Database(url))
	b := apptest.Start(t, apptest.Database(url))
	signals, cancel := b.App.Hub.Subscribe(incident.Topic(1))
	defer cancel()
	// The listener connects in the background; retry until it hears.
	deadline := time.After(20 * time.Second)
	declared := false
	for {
		if !declared {
			if _, err := a.App.Incidents.Declare(a.AdminContext(), incident.DeclareInput{Title: "Cross-node"}); err != nil {
				t.Fatal(err)
			}
			declared = true
		} else if _, err := a.App.Incidents.AddNote(a.AdminContext(), 1, "still looking", false); err != nil {
			t.Fatal(err)
		}
		select {
		case <-signals:
			return
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("node B never heard of node A's change")
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine to write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeCommandFirstStart runs `firebreak serve` as a user would: it
// prints the URL and a one-time admin password on the first start only,
// stores no secret in plain text, and stops cleanly when asked.
func TestServeCommandFirstStart(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.Listen = "127.0.0.1:0"
	run := func() string {
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() { done <- app.ServeCommand(ctx, cfg, false, out, io.Discard) }()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(out.String(), "Firebreak is running at http://127.0.0.1:") {
			if time.Now().After(deadline) {
				t.Fatalf("no start-up line: %q", out.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // let the password lines land
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v", err)
		}
		return out.String()
	}
	first := run()
	lines := strings.Split(first, "\n")
	password := ""
	for i, l := range lines {
		if strings.Contains(l, "one-time password") && i+2 < len(lines) {
			password = strings.TrimSpace(lines[i+2])
		}
	}
	if len(password) < 16 {
		t.Fatalf("no password in %q", first)
	}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(password)) {
			t.Errorf("%s holds the admin password in plain text", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if second := run(); strings.Contains(second, "one-time password") {
		t.Fatalf("second start printed a password again: %q", second)
	}
}

// TestCrossOriginWritesAreRefused: a page on another site cannot make a
// browser write with the user's cookies, in the UI or in the API.
func TestCrossOriginWritesAreRefused(t *testing.T) {
	s := apptest.Start(t)
	for _, path := range []string{"/api/v1/incidents", "/incidents"} {
		req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(`{"title":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.AdminToken)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%s: cross-origin write answered %d %s", path, resp.StatusCode, body)
		}
		if path == "/api/v1/incidents" && resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("API refusal is not problem JSON: %s %s", resp.Header.Get("Content-Type"), body)
		}
	}
	page, err := s.App.Incidents.List(s.AdminContext(), incident.Filter{})
	if err != nil || len(page.Incidents) != 0 {
		t.Fatalf("a refused write declared something: %+v %v", page, err)
	}
}
