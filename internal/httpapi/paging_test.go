package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// newPaging builds the pager for the test stack: real storage and on-call,
// no job queue (steps are recorded as due; nothing is sent).
func newPaging(st *store.Store) *paging.Service {
	p := paging.NewService(st.Paging(nil), time.Now, paging.Options{})
	p.UseOnCall(oncall.NewService(st.OnCall(), time.Now))
	return p
}

// pagingTour walks the pager's routes for the tour of every route: a policy
// previewed, created, read, updated and put on a service; a page raised by
// hand, listed, read, acknowledged, escalated, reassigned and resolved;
// maintenance windows; and a policy deleted.
func pagingTour(t *testing.T, e *env, step func(r req, status int) map[string]any) {
	t.Helper()
	ann, adm := e.ann.token, e.admin.token
	svc := step(req{method: "POST", path: "/api/v1/services", token: adm, body: map[string]any{"name": "paging-tour"}}, 201)
	svcPaging := fmt.Sprintf("/api/v1/services/%v/paging", svc["id"])
	policy := map[string]any{"name": "Shop", "repeat": 1, "steps": []any{
		map[string]any{"targets": []any{map[string]any{"kind": "user", "id": e.ann.ID}}, "delay_minutes": 5},
		map[string]any{"targets": []any{map[string]any{"kind": "user", "id": e.bob.ID}}, "delay_minutes": 10}}}
	prev := step(req{method: "POST", path: "/api/v1/escalation-policies/preview", token: ann, body: map[string]any{"policy": policy}}, 200)
	if steps, _ := prev["steps"].([]any); len(steps) < 2 {
		t.Errorf("preview %v", prev)
	}
	step(req{method: "POST", path: "/api/v1/escalation-policies", token: adm, body: map[string]any{"name": "x", "steps": []any{}}}, 400)
	step(req{method: "POST", path: "/api/v1/escalation-policies", token: ann, body: policy}, 403)
	pol := step(req{method: "POST", path: "/api/v1/escalation-policies", token: adm, body: policy}, 201)
	polPath := fmt.Sprintf("/api/v1/escalation-policies/%v", pol["id"])
	step(req{method: "GET", path: "/api/v1/escalation-policies", token: ann}, 200)
	got := step(req{method: "GET", path: polPath, token: ann}, 200)
	got["description"] = "the shop's pager"
	step(req{method: "PUT", path: polPath, token: adm, body: got}, 200)
	step(req{method: "PUT", path: polPath, token: adm, body: got}, 412)
	step(req{method: "PUT", path: svcPaging, token: adm, body: map[string]any{"policy_id": pol["id"]}}, 200)
	if sp := step(req{method: "GET", path: svcPaging, token: ann}, 200); fmt.Sprint(sp["policy_id"]) != fmt.Sprint(pol["id"]) {
		t.Errorf("service paging %v", sp)
	}

	pg := step(req{method: "POST", path: "/api/v1/pages", token: ann, body: map[string]any{"user_id": e.bob.ID, "summary": "disk full on db-3"}}, 201)
	pgPath := fmt.Sprintf("/api/v1/pages/%v", pg["id"])
	step(req{method: "POST", path: "/api/v1/pages", token: ann, body: map[string]any{"summary": "nobody"}}, 400)
	step(req{method: "GET", path: "/api/v1/pages?status=triggered", token: ann}, 200)
	step(req{method: "GET", path: pgPath, token: ann}, 200)
	step(req{method: "POST", path: pgPath + "/reassign", token: ann, body: map[string]any{"user_id": e.ann.ID}}, 200)
	step(req{method: "POST", path: pgPath + "/escalate", token: ann}, 200)
	step(req{method: "POST", path: pgPath + "/acknowledge", token: ann}, 200)
	step(req{method: "POST", path: pgPath + "/acknowledge", token: ann}, 409)
	if done := step(req{method: "POST", path: pgPath + "/resolve", token: ann}, 200); done["status"] != string(paging.Resolved) {
		t.Errorf("resolved page %v", done)
	}

	start := time.Now().UTC().Add(time.Hour).Truncate(time.Minute)
	win := step(req{method: "POST", path: "/api/v1/maintenance-windows", token: ann, body: map[string]any{"service_id": svc["id"],
		"starts_at": start, "ends_at": start.Add(2 * time.Hour), "reason": "database upgrade"}}, 201)
	step(req{method: "POST", path: "/api/v1/maintenance-windows", token: ann, body: map[string]any{"service_id": svc["id"],
		"starts_at": "2020-01-01T00:00:00Z", "ends_at": "2020-01-01T02:00:00Z", "reason": "old"}}, 400)
	step(req{method: "GET", path: "/api/v1/maintenance-windows?service=paging-tour", token: ann}, 200)
	step(req{method: "POST", path: fmt.Sprintf("/api/v1/maintenance-windows/%v/end", win["id"]), token: ann}, 200)

	spare := step(req{method: "POST", path: "/api/v1/escalation-policies", token: adm, body: map[string]any{"name": "Spare", "repeat": 0, "steps": []any{
		map[string]any{"targets": []any{map[string]any{"kind": "user", "id": e.ann.ID}}, "delay_minutes": 5}}}}, 201)
	step(req{method: "DELETE", path: fmt.Sprintf("/api/v1/escalation-policies/%v", spare["id"]), token: adm}, 204)
}
