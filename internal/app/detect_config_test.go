package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// ingestAlertmanager creates a service and an Alertmanager integration and
// sends the recorded Alertmanager v4 body to it; it returns the new group.
func ingestAlertmanager(t *testing.T, s *apptest.Server, service string) detect.Group {
	t.Helper()
	ctx := s.AdminContext()
	svc, err := s.App.Catalog.CreateService(ctx, catalog.ServiceInput{Name: service})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.App.Detect.Triage.CreateIntegration(ctx, detect.NewIntegration{Name: "prom-" + service, Kind: detect.KindAlertmanager, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile("../detect/testdata/alertmanager_v4.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.URL+"/integrations/alertmanager/"+in.Key, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("ingest: %s", resp.Status)
	}
	gs, err := s.App.Detect.Triage.Groups(ctx, detect.GroupFilter{})
	if err != nil || len(gs) == 0 {
		t.Fatalf("groups %v %+v", err, gs)
	}
	return gs[0]
}

func apiDo(t *testing.T, s *apptest.Server, method, path string, body any) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// The dismiss reasons come from detect.dismiss_reasons: the API offers and
// accepts the configured ones and refuses the defaults they replaced,
// naming the allowed ones; the web page offers them too.
func TestConfiguredDismissReasons(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		g := ingestAlertmanager(t, s, "checkout")
		code, body := apiDo(t, s, "GET", "/api/v1/triage", nil)
		if code != 200 || !strings.Contains(body, `"dismiss_reasons":["flapping check","planned work"]`) {
			t.Fatalf("queue %d %s", code, body)
		}
		path := "/api/v1/triage/" + strconv.FormatInt(g.ID, 10) + "/dismiss"
		code, body = apiDo(t, s, "POST", path, map[string]any{"reason": "duplicate"})
		if code != 400 || !strings.Contains(body, "flapping check, planned work") {
			t.Fatalf("unlisted reason: %d %s", code, body)
		}
		code, body = apiDo(t, s, "POST", path, map[string]any{"reason": "Planned Work", "note": "db upgrade window"})
		if code != 200 || !strings.Contains(body, `"dismiss_reason":"planned work"`) || !strings.Contains(body, "db upgrade window") {
			t.Fatalf("listed reason: %d %s", code, body)
		}
	}, apptest.Configure(func(c *config.Config) {
		c.Detect.DismissReasons = []string{"flapping check", "planned work"}
	}))
}
