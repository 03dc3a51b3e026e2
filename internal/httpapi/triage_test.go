package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// fireAlerts writes one firing alert per group key as the ingest pipeline
// would, and returns the ids of the groups made, in the order of keys.
func (e *env) fireAlerts(t *testing.T, integrationID, serviceID any, groupKeys ...string) []int64 {
	t.Helper()
	acc := detect.Accepted{IntegrationID: int64(integrationID.(float64)), ReceivedAt: time.Now(), Body: []byte(`{}`)}
	for i, k := range groupKeys {
		acc.Events = append(acc.Events, detect.Routed{Event: detect.Event{DedupKey: fmt.Sprint("fp-", i), Action: detect.Trigger,
			Title: "Errors on " + k, Severity: detect.SevError, GroupKey: k, Labels: map[string]string{"alertname": "Errors"}},
			ServiceID: int64(serviceID.(float64)), Route: detect.RouteTriage})
	}
	if err := e.store.Alerts(nil).Ingest(context.Background(), []detect.Accepted{acc}); err != nil {
		t.Fatal(err)
	}
	gs, err := e.store.Alerts(nil).ListGroups(context.Background(), detect.GroupFilter{Triage: []string{detect.TriagePending}})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(gs))
	for i, g := range gs {
		ids[len(gs)-1-i] = g.ID // oldest first, as the keys were given
	}
	return ids
}

func decodeRes(t *testing.T, r res, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
}

func TestTriageRefusals(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		svc := e.do(t, req{method: "POST", path: "/api/v1/services", token: e.admin.token, body: map[string]any{"name": "web"}})
		var s map[string]any
		decodeRes(t, svc, &s)
		intg := e.do(t, req{method: "POST", path: "/api/v1/integrations", token: e.admin.token, body: map[string]any{"name": "prom", "kind": "alertmanager", "service_id": s["id"]}})
		var in map[string]any
		decodeRes(t, intg, &in)
		if intg.status != 201 || len(in["key"].(string)) != 32 {
			t.Fatalf("create integration: %d %s", intg.status, intg.body)
		}
		ids := e.fireAlerts(t, in["id"], s["id"], "g1")
		item := fmt.Sprintf("/api/v1/triage/%d", ids[0])
		cases := []struct {
			name   string
			r      req
			status int
			detail string
		}{
			{"a viewer declares", req{method: "POST", path: item + "/declare", token: e.vic.token, body: map[string]any{}}, 403, "responder"},
			{"a responder adds an integration", req{method: "POST", path: "/api/v1/integrations", token: e.ann.token, body: map[string]any{"name": "x", "kind": "grafana", "service_id": s["id"]}}, 403, "admin"},
			{"an unknown kind", req{method: "POST", path: "/api/v1/integrations", token: e.admin.token, body: map[string]any{"name": "x", "kind": "nagios", "service_id": s["id"]}}, 400, "kind"},
			{"a webhook without mapping", req{method: "POST", path: "/api/v1/integrations", token: e.admin.token, body: map[string]any{"name": "x", "kind": "webhook", "service_id": s["id"]}}, 400, "mapping"},
			{"a mapping that does not compile", req{method: "POST", path: "/api/v1/integrations/test-mapping", token: e.ann.token, body: map[string]any{"mapping": map[string]any{"title": "payload.(", "dedup_key": "payload.id"}, "payload": map[string]any{}}}, 400, "mapping.title"},
			{"a rule that is not boolean", req{method: "PUT", path: "/api/v1/routing-rules", token: e.admin.token, body: map[string]any{"rules": []map[string]any{{"name": "x", "condition": "severity", "action": "triage"}}}}, 400, "true or false"},
			{"dismiss without reason", req{method: "POST", path: item + "/dismiss", token: e.ann.token, body: map[string]any{}}, 400, "reason"},
			{"dismiss with an unlisted reason", req{method: "POST", path: item + "/dismiss", token: e.ann.token, body: map[string]any{"reason": "bored"}}, 400, "false positive"},
			{"merge into no incident", req{method: "POST", path: item + "/merge", token: e.ann.token, body: map[string]any{"incident": "INC-99"}}, 404, "INC-99"},
			{"a bad status filter", req{method: "GET", path: "/api/v1/alerts?status=burning", token: e.ann.token}, 400, "status"},
			{"an unknown query parameter", req{method: "GET", path: "/api/v1/alert-groups?state=open", token: e.ann.token}, 400, "state"},
			{"a missing item", req{method: "POST", path: "/api/v1/triage/999/dismiss", token: e.ann.token, body: map[string]any{"reason": "duplicate"}}, 404, "999"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := e.do(t, c.r)
				if got.status != c.status || !strings.Contains(string(got.body), c.detail) {
					t.Fatalf("%d %s, want %d mentioning %q", got.status, got.body, c.status, c.detail)
				}
			})
		}
		// Deciding twice: the second is a conflict.
		if got := e.do(t, req{method: "POST", path: item + "/dismiss", token: e.ann.token, body: map[string]any{"reason": "duplicate"}}); got.status != http.StatusOK {
			t.Fatalf("dismiss: %d %s", got.status, got.body)
		}
		if got := e.do(t, req{method: "POST", path: item + "/declare", token: e.ann.token, body: map[string]any{}}); got.status != http.StatusConflict {
			t.Fatalf("declare after dismiss: %d %s", got.status, got.body)
		}
	})
}
