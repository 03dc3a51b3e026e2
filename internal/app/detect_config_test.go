package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app"
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

// webClient signs in as the admin through the sign-in form and returns a
// client carrying the session cookie.
func webClient(t *testing.T, s *apptest.Server) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(s.URL+"/login", url.Values{"login": {"admin"}, "password": {s.AdminPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %s", resp.Status)
	}
	return c
}

func webGet(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	return string(b)
}

// Routing rules from detect.routing_rules are evaluated before the stored
// ones, listed first (marked source: config) by the API and shown
// read-only on the routing-rules page; a list read with GET can be sent
// back with PUT.
func TestConfigRoutingRulesComeFirst(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		// A stored rule would declare every alert of the shop; the config file's
		// rule for the shop namespace wins: suppressed.
		code, body := apiDo(t, s, "PUT", "/api/v1/routing-rules", map[string]any{"rules": []map[string]any{
			{"name": "shop declares", "condition": `labels["namespace"] == "shop"`, "action": "declare"},
		}})
		if code != 200 {
			t.Fatalf("put rules %d %s", code, body)
		}
		code, body = apiDo(t, s, "GET", "/api/v1/routing-rules", nil)
		var list struct{ Rules []detect.Rule }
		if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Rules) != 2 ||
			list.Rules[0].Name != "quiet on shop" || list.Rules[0].Source != detect.RuleSourceConfig ||
			list.Rules[1].Name != "shop declares" || list.Rules[1].Source != "" {
			t.Fatalf("rules %d %s", code, body)
		}
		// GET then PUT: the config rule is skipped, not stored twice.
		code, body = apiDo(t, s, "PUT", "/api/v1/routing-rules", list)
		if code != 200 || strings.Count(body, "quiet on shop") != 1 {
			t.Fatalf("round trip %d %s", code, body)
		}

		g := ingestAlertmanager(t, s, "checkout")
		if g.Triage != detect.TriageSuppressed {
			t.Fatalf("group %+v, want suppressed by the config file's rule", g)
		}

		page := webGet(t, webClient(t, s), s.URL+"/alerting/rules")
		if !strings.Contains(page, "From the configuration file") || !strings.Contains(page, "quiet on shop") || !strings.Contains(page, "shop declares") {
			t.Fatalf("rules page does not show both lists:\n%s", page)
		}
	}, apptest.Configure(func(c *config.Config) {
		c.Detect.RoutingRules = []config.RoutingRule{{Name: "quiet on shop", When: `labels["namespace"] == "shop"`, Action: "suppress"}}
	}))
}

// A config rule that cannot work stops the node at start, naming the rule.
func TestBadConfigRoutingRuleStopsTheNode(t *testing.T) {
	for name, rule := range map[string]config.RoutingRule{
		"bad CEL":         {Name: "broken", When: `labels[`, Action: "triage"},
		"unknown service": {Name: "ghost", When: `true`, Service: "nope", Action: "triage"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.Detect.RoutingRules = []config.RoutingRule{rule}
			a, err := app.New(context.Background(), cfg, io.Discard, app.Options{})
			if err == nil {
				a.Close()
				t.Fatal("the node started")
			}
			if !strings.Contains(err.Error(), "detect.routing_rules[0]") || !strings.Contains(err.Error(), strconv.Quote(rule.Name)) {
				t.Fatalf("err = %v, want it to name the rule", err)
			}
		})
	}
}

// A declare interrupted after its claim (the node died before linking)
// is finished by its recovery job, enqueued with the claim in the same
// transaction, through the real job queue on both stores.
func TestInterruptedDeclareIsFinishedByItsJob(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		g := ingestAlertmanager(t, s, "checkout")
		alerts := s.App.Store.Alerts(s.App.Queue)
		now := time.Now().UTC()
		// What Service.Declare does before declaring; the rest "crashed".
		// The claim is made to look old and its job due now, so the test
		// need not wait detect.DeclareStale.
		if _, err := alerts.ClaimGroup(context.Background(), g.ID, func(g *detect.Group) error {
			g.Triage, g.UpdatedAt = detect.TriageDeclaring, now.Add(-2*detect.DeclareStale)
			return nil
		}, detect.DeclareRecoverJob{GroupID: g.ID, Options: detect.DeclareOptions{Severity: "SEV2"}, At: now}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			got, err := alerts.Group(context.Background(), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Triage == detect.TriageDeclared && got.IncidentNumber != 0 {
				inc, err := s.App.Incidents.Get(s.AdminContext(), got.IncidentNumber)
				if err != nil || inc.Severity != "SEV2" || inc.Labels["alert_group"] != strconv.FormatInt(g.ID, 10) {
					t.Fatalf("recovered incident %+v %v", inc, err)
				}
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the interrupted declare was not finished: %+v", got)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// The configuration's default dismiss reasons are the triage service's
// built-in ones, so a node without the key behaves as before the key.
func TestDefaultDismissReasonsAgree(t *testing.T) {
	if got, want := config.Default().Detect.DismissReasons, detect.DefaultDismissReasons; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("config default %q, detect default %q", got, want)
	}
}
