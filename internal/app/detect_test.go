package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestMissedHeartbeatRaisesAnAlertAndAPingResolvesIt(t *testing.T) {
	clock := &testClock{t: time.Now().UTC()}
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Log.Level = "error"
	ctx := context.Background()
	a, err := New(ctx, cfg, discard{}, Options{Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sys := access.With(ctx, access.System)
	svc, err := a.Catalog.CreateService(sys, catalog.ServiceInput{Name: "nightly-backup"})
	if err != nil {
		t.Fatal(err)
	}
	hb, err := a.Detect.Triage.CreateIntegration(sys, detect.NewIntegration{Name: "backup-cron", Kind: detect.KindHeartbeat, ServiceID: svc.ID, HeartbeatMinutes: 10})
	if err != nil {
		t.Fatal(err)
	}
	alerts := func() []detect.Alert {
		al, err := a.Detect.Triage.Alerts(sys, detect.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return al
	}

	clock.add(9 * time.Minute)
	a.detectTick(ctx)
	if al := alerts(); len(al) != 0 {
		t.Fatalf("alert before the interval passed: %+v", al)
	}
	clock.add(2 * time.Minute)
	a.detectTick(ctx)
	a.detectTick(ctx) // checked again: still one alert
	al := alerts()
	if len(al) != 1 || al[0].Status != detect.StatusFiring || !strings.Contains(al[0].Title, "Heartbeat missed: backup-cron") || al[0].EventCount != 2 {
		t.Fatalf("after the interval: %+v", al)
	}
	q, _ := a.Detect.Triage.Queue(sys)
	if len(q) != 1 || q[0].Service != "nightly-backup" {
		t.Fatalf("triage queue %+v", q)
	}

	// The sender pings again: the alert resolves, the item self-resolves.
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/integrations/heartbeat/"+hb.Key, nil))
	if rec.Code != http.StatusAccepted {
		t.Fatalf("ping: %d %s", rec.Code, rec.Body)
	}
	if al := alerts(); al[0].Status != detect.StatusResolved {
		t.Fatalf("after the ping: %+v", al)
	}
	if q, _ := a.Detect.Triage.Queue(sys); len(q) != 0 {
		t.Fatalf("queue after the ping: %+v", q)
	}
	a.detectTick(ctx)
	if al := alerts(); len(al) != 1 {
		t.Fatalf("a fresh ping still raised an alert: %+v", al)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestRedactKey(t *testing.T) {
	for in, want := range map[string]string{
		"/integrations/alertmanager/0123abcd":         "/integrations/alertmanager/…",
		"/integrations/pagerduty/0123abcd/v2/enqueue": "/integrations/pagerduty/…/v2/enqueue",
		"/integrations/alertmanager":                  "/integrations/alertmanager",
		"/api/v1/integrations/4":                      "/api/v1/integrations/4",
	} {
		if got := redactKey(in); got != want {
			t.Errorf("redactKey(%q) = %q, want %q", in, got, want)
		}
	}
}
