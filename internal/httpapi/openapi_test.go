package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/httpapi"
)

// openAPIDoc fetches and decodes the served document.
func openAPIDoc(t *testing.T, e *env) map[string]any {
	t.Helper()
	got := e.ok(t, req{method: "GET", path: "/api/v1/openapi.json"}, 200, nil) // no credentials needed
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(got.body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestOpenAPIMatchesRoutes: every route is in the document's paths with its
// method, and the document names no path or method that is not routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, "sqlite")
	doc := openAPIDoc(t, e)
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	routed := map[string]bool{}
	for _, pattern := range httpapi.Routes() {
		if routed[pattern] {
			t.Errorf("route %q is listed twice", pattern)
		}
		routed[pattern] = true
		method, path, _ := strings.Cut(pattern, " ")
		item, _ := paths[path].(map[string]any)
		if item[strings.ToLower(method)] == nil {
			t.Errorf("route %s is not in the OpenAPI document", pattern)
		}
	}
	ids := map[string]bool{}
	for path, item := range paths {
		for method, o := range item.(map[string]any) {
			pattern := strings.ToUpper(method) + " " + path
			if !routed[pattern] {
				t.Errorf("the OpenAPI document describes %s, which is not routed", pattern)
			}
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s: operationId %q missing or repeated", pattern, id)
			}
			ids[id] = true
			// Every {param} of the path is described.
			for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
				found := false
				params, _ := op["parameters"].([]any)
				for _, p := range params {
					p := p.(map[string]any)
					if p["in"] == "path" && p["name"] == m[1] && p["required"] == true {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: path parameter %s is not described", pattern, m[1])
				}
			}
			responses := op["responses"].(map[string]any)
			success := false
			for st := range responses {
				if strings.HasPrefix(st, "2") {
					success = true
				}
			}
			if !success || responses["500"] == nil {
				t.Errorf("%s: responses %v lack a success or the 500 problem", pattern, slices.Sorted(mapKeys(responses)))
			}
			if _, public := op["security"]; !public && responses["401"] == nil {
				t.Errorf("%s: needs credentials but does not document 401", pattern)
			}
		}
	}

	// Every $ref resolves.
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok {
				if resolve(doc, r) == nil {
					t.Errorf("%s: $ref %s does not resolve", at, r)
				}
			}
			for k, c := range v {
				walk(c, at+"/"+k)
			}
		case []any:
			for i, c := range v {
				walk(c, at+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "#")

	comps := doc["components"].(map[string]any)
	bearer := comps["securitySchemes"].(map[string]any)["bearer"].(map[string]any)
	if bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("bearer scheme %v", bearer)
	}
	problem := comps["schemas"].(map[string]any)["Problem"].(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"type", "title", "status", "detail", "instance", "field", "current"} {
		if problem[f] == nil {
			t.Errorf("the Problem schema lacks %q", f)
		}
	}
	// The User schema is what auth.User really marshals.
	b, _ := json.Marshal(auth.User{})
	var user map[string]any
	_ = json.Unmarshal(b, &user)
	userProps := comps["schemas"].(map[string]any)["User"].(map[string]any)["properties"].(map[string]any)
	if got, want := slices.Sorted(mapKeys(userProps)), slices.Sorted(mapKeys(user)); !slices.Equal(got, want) {
		t.Errorf("User schema has %v, auth.User marshals %v", got, want)
	}
}

// TestTourOfEveryRoute calls every route once with success, checks that the
// answers match the schemas of the OpenAPI document, and that the tour
// covered every route of Routes().
func TestTourOfEveryRoute(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		doc := openAPIDoc(t, e)
		hit := map[string]bool{}
		var last map[string]any
		step := func(r req, status int) map[string]any {
			t.Helper()
			got := e.do(t, r)
			if got.status != status {
				t.Fatalf("%s %s: status %d, want %d: %s", r.method, r.path, got.status, status, got.body)
			}
			pattern := matchRoute(t, r.method, r.path)
			hit[pattern] = true
			schema := responseSchema(t, doc, pattern, status)
			var body any
			if len(got.body) > 0 {
				if err := json.Unmarshal(got.body, &body); err != nil {
					t.Fatalf("%s: %v", pattern, err)
				}
			}
			if schema == nil && len(got.body) > 0 {
				t.Errorf("%s %d: a body the document does not describe: %s", pattern, status, got.body)
			}
			if schema != nil {
				for _, msg := range validate(doc, schema, body, "body") {
					t.Errorf("%s %d: %s", pattern, status, msg)
				}
			}
			last, _ = body.(map[string]any)
			return last
		}
		adm, ann := e.admin.token, e.ann.token

		step(req{method: "GET", path: "/api/v1/openapi.json"}, 200)
		step(req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "admin", "password": adminPassword, "token_name": "tour"}}, 200)
		step(req{method: "GET", path: "/api/v1/me", token: ann}, 200)
		step(req{method: "GET", path: "/api/v1/severities", token: ann}, 200)

		team := step(req{method: "POST", path: "/api/v1/teams", token: adm, body: map[string]any{"name": "Core", "members": []int64{e.ann.ID}}}, 201)
		teamPath := fmt.Sprintf("/api/v1/teams/%v", team["id"])
		step(req{method: "GET", path: "/api/v1/teams", token: ann}, 200)
		step(req{method: "GET", path: teamPath, token: ann}, 200)
		step(req{method: "PATCH", path: teamPath, token: adm, body: map[string]any{"description": "Platform"}}, 200)
		step(req{method: "PUT", path: teamPath + "/members", token: adm, body: map[string]any{"user_ids": []int64{e.ann.ID, e.bob.ID}}}, 200)
		svc := step(req{method: "POST", path: "/api/v1/services", token: adm, body: map[string]any{"name": "web", "owner_team_id": team["id"],
			"links": []map[string]string{{"title": "Dashboard", "url": "https://grafana.example.com/d/web"}}}}, 201)
		svcPath := fmt.Sprintf("/api/v1/services/%v", svc["id"])
		step(req{method: "GET", path: "/api/v1/services", token: ann}, 200)
		step(req{method: "GET", path: svcPath, token: ann}, 200)
		step(req{method: "PATCH", path: svcPath, token: adm, body: map[string]any{"description": "The website"}}, 200)

		inc := step(req{method: "POST", path: "/api/v1/incidents", token: ann, body: map[string]any{
			"title": "Website down", "severity": "SEV1", "services": []string{"web"}, "take_incident_manager": true,
			"detected_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
			"labels":      map[string]string{"region": "eu"},
		}}, 201)
		ref := "/api/v1/incidents/" + inc["ref"].(string)
		step(req{method: "GET", path: "/api/v1/incidents?open=true&stage=fix", token: ann}, 200)
		step(req{method: "GET", path: ref, token: ann}, 200)
		step(req{method: "PATCH", path: ref, token: ann, header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"summary": "503 everywhere"}}, 200)
		step(req{method: "POST", path: ref + "/roles", token: ann, body: map[string]any{"role": "domain_expert", "handle": "bob"}}, 200)
		step(req{method: "DELETE", path: ref + "/roles/domain_expert/bob", token: ann}, 200)
		step(req{method: "POST", path: ref + "/notes", token: ann, body: map[string]any{"text": "Restarted the web pods", "key_moment": false}}, 201)
		tl := step(req{method: "GET", path: ref + "/timeline", token: ann}, 200)
		events := tl["events"].([]any)
		seq := events[len(events)-1].(map[string]any)["seq"]
		step(req{method: "POST", path: fmt.Sprintf("%s/notes/%v/key-moment", ref, seq), token: ann}, 200)
		step(req{method: "POST", path: ref + "/stage", token: ann, body: map[string]any{"stage": "resolved", "reason": "pods healthy"}}, 200)
		step(req{method: "GET", path: ref + "/timeline", token: ann}, 200)

		// Detect: an integration, alerts (written as the ingest path does), the triage queue.
		intg := step(req{method: "POST", path: "/api/v1/integrations", token: adm, body: map[string]any{"name": "prom", "kind": "alertmanager", "service_id": svc["id"]}}, 201)
		intgPath := fmt.Sprintf("/api/v1/integrations/%v", intg["id"])
		step(req{method: "GET", path: "/api/v1/integrations", token: ann}, 200)
		step(req{method: "GET", path: intgPath, token: ann}, 200)
		step(req{method: "POST", path: "/api/v1/integrations/test-mapping", token: ann, body: map[string]any{
			"mapping": map[string]any{"title": "payload.t", "dedup_key": "payload.id"}, "payload": map[string]any{"t": "x", "id": "1"}}}, 200)
		step(req{method: "PUT", path: "/api/v1/routing-rules", token: adm, body: map[string]any{"rules": []map[string]any{
			{"name": "quiet", "condition": `labels["env"] == "test"`, "action": "suppress"}}}}, 200)
		step(req{method: "GET", path: "/api/v1/routing-rules", token: ann}, 200)
		step(req{method: "PUT", path: teamPath + "/triage-hook", token: adm, body: map[string]any{"url": "https://hooks.example.com/core", "secret": "s"}}, 204)
		items := e.fireAlerts(t, intg["id"], svc["id"], "g1", "g2", "g3")
		queue := step(req{method: "GET", path: "/api/v1/triage", token: ann}, 200)
		if got := len(queue["items"].([]any)); got != 3 {
			t.Fatalf("triage queue has %d items, want 3", got)
		}
		step(req{method: "GET", path: "/api/v1/alert-groups?triage=pending&open=true", token: ann}, 200)
		step(req{method: "GET", path: fmt.Sprintf("/api/v1/alert-groups/%d", items[0]), token: ann}, 200)
		alerts := step(req{method: "GET", path: "/api/v1/alerts?status=firing&limit=10", token: ann}, 200)
		step(req{method: "GET", path: fmt.Sprintf("/api/v1/alerts/%v", alerts["alerts"].([]any)[0].(map[string]any)["id"]), token: ann}, 200)
		declared := step(req{method: "POST", path: fmt.Sprintf("/api/v1/triage/%d/declare", items[0]), token: ann, body: map[string]any{"severity": "SEV2"}}, 201)
		step(req{method: "POST", path: fmt.Sprintf("/api/v1/triage/%d/merge", items[1]), token: ann, body: map[string]any{"incident": declared["ref"]}}, 200)
		step(req{method: "POST", path: fmt.Sprintf("/api/v1/triage/%d/dismiss", items[2]), token: ann, body: map[string]any{"reason": "duplicate", "note": "same as g1"}}, 200)
		step(req{method: "DELETE", path: intgPath, token: adm}, 204)

		// Status pages: set up, publish from the incident, the Statuspage v1 subset.
		pages := step(req{method: "GET", path: "/api/v1/status-pages", token: ann}, 200)
		pagePath := fmt.Sprintf("/api/v1/status-pages/%v", pages["pages"].([]any)[0].(map[string]any)["id"])
		eu := step(req{method: "POST", path: "/api/v1/status-pages", token: adm, body: map[string]any{"slug": "eu", "name": "EU", "time_zone": "Europe/Berlin"}}, 201)
		euPath := fmt.Sprintf("/api/v1/status-pages/%v", eu["id"])
		step(req{method: "PATCH", path: euPath, token: adm, body: map[string]any{"support_text": "support@example.com"}}, 200)
		step(req{method: "GET", path: euPath, token: ann}, 200)
		grp := step(req{method: "POST", path: pagePath + "/groups", token: adm, body: map[string]any{"name": "Common"}}, 201)
		grpPath := fmt.Sprintf("%s/groups/%v", pagePath, grp["id"])
		step(req{method: "PATCH", path: grpPath, token: adm, body: map[string]any{"description": "Shared"}}, 200)
		comp := step(req{method: "POST", path: pagePath + "/components", token: adm, body: map[string]any{"name": "Website", "group_id": grp["id"], "services": []string{"web"}}}, 201)
		compPath := fmt.Sprintf("%s/components/%v", pagePath, comp["id"])
		step(req{method: "PATCH", path: compPath, token: ann, body: map[string]any{"status": "degraded_performance"}}, 200)
		step(req{method: "GET", path: pagePath + "/components", token: ann}, 200)
		step(req{method: "GET", path: ref + "/communications", token: ann}, 200)
		step(req{method: "POST", path: ref + "/status-updates/preview", token: ann, body: map[string]any{"status": "identified", "body": "**Found** it"}}, 200)
		pub := step(req{method: "POST", path: ref + "/status-updates", token: ann, body: map[string]any{"status": "identified", "body": "Found it",
			"components": []map[string]any{{"component_id": comp["id"], "status": "major_outage"}}}}, 201)
		pubInc := pub["incident"].(map[string]any)
		pubPath := fmt.Sprintf("%s/incidents/%v", pagePath, pubInc["id"])
		step(req{method: "POST", path: ref + "/stakeholder-updates", token: ann, body: map[string]any{"body": "Support: heads up"}}, 201)
		step(req{method: "GET", path: ref + "/timeline", token: ann}, 200) // the new event kinds match the document
		step(req{method: "GET", path: ref + "/stakeholder-updates", token: ann}, 200)
		step(req{method: "GET", path: pagePath + "/incidents", token: ann}, 200)
		step(req{method: "GET", path: pubPath, token: ann}, 200)
		upd := step(req{method: "POST", path: pubPath + "/updates", token: ann, body: map[string]any{"status": "resolved", "body": "Fixed",
			"components": []map[string]any{{"component_id": comp["id"], "status": "operational"}}}}, 201)
		step(req{method: "GET", path: fmt.Sprintf("%s/updates/%v/deliveries", pubPath, upd["update"].(map[string]any)["id"]), token: adm}, 200)
		own := step(req{method: "POST", path: pagePath + "/incidents", token: ann, body: map[string]any{"status": "investigating", "title": "Slow login", "body": "Looking"}}, 201)
		step(req{method: "DELETE", path: fmt.Sprintf("%s/incidents/%v", pagePath, own["incident"].(map[string]any)["id"]), token: adm}, 204)
		step(req{method: "POST", path: pagePath + "/maintenance", token: ann, body: map[string]any{"title": "DB upgrade", "body": "Short",
			"scheduled_for": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "scheduled_until": time.Now().Add(50 * time.Hour).UTC().Format(time.RFC3339),
			"components": []any{comp["id"]}}}, 201)
		exp := step(req{method: "GET", path: pagePath + "/export?root=/status", token: ann}, 200)
		if len(exp["files"].([]any)) < 10 {
			t.Errorf("export has %d files", len(exp["files"].([]any)))
		}
		sub := step(req{method: "POST", path: pagePath + "/subscribers", token: adm, body: map[string]any{"kind": "webhook", "address": "https://hooks.example.com/status"}}, 201)
		step(req{method: "GET", path: pagePath + "/subscribers", token: adm}, 200)
		step(req{method: "DELETE", path: fmt.Sprintf("%s/subscribers/%v", pagePath, sub["id"]), token: adm}, 204)
		step(req{method: "GET", path: "/api/v1/status-templates", token: ann}, 200)
		step(req{method: "PUT", path: "/api/v1/status-templates/identified", token: adm, body: map[string]any{"title": "{{title}}", "body": "Found: {{components}}"}}, 200)
		step(req{method: "GET", path: "/api/v1/status-cadence", token: ann}, 200)
		step(req{method: "PUT", path: "/api/v1/status-cadence", token: adm, body: map[string]any{"cadence": map[string]string{"SEV1": "20m"}}}, 200)
		ch := step(req{method: "POST", path: "/api/v1/status-channels", token: adm, body: map[string]any{"kind": "email", "address": "support@example.com", "name": "Support"}}, 201)
		step(req{method: "GET", path: "/api/v1/status-channels", token: adm}, 200)
		step(req{method: "DELETE", path: fmt.Sprintf("/api/v1/status-channels/%v", ch["id"]), token: adm}, 204)
		v1 := step(req{method: "POST", path: "/v1/pages/default/incidents", token: ann, body: map[string]any{"incident": map[string]any{"name": "API errors", "status": "investigating", "body": "Looking"}}}, 201)
		step(req{method: "PATCH", path: fmt.Sprintf("/v1/pages/default/incidents/%v", v1["id"]), token: ann, body: map[string]any{"incident": map[string]any{"status": "resolved", "body": "Fixed"}}}, 200)
		step(req{method: "GET", path: "/v1/pages/default/incidents", token: ann}, 200)
		step(req{method: "GET", path: "/v1/pages/default/components", token: ann}, 200)
		step(req{method: "PATCH", path: fmt.Sprintf("/v1/pages/default/components/%v", comp["id"]), token: ann, body: map[string]any{"component": map[string]any{"status": "operational"}}}, 200)
		step(req{method: "DELETE", path: compPath, token: adm}, 204)
		step(req{method: "DELETE", path: grpPath, token: adm}, 204)
		step(req{method: "DELETE", path: euPath, token: adm}, 204)

		u := step(req{method: "POST", path: "/api/v1/users", token: adm, body: map[string]any{"handle": "dan", "email": "dan@example.com", "level": "viewer"}}, 201)
		userPath := fmt.Sprintf("/api/v1/users/%v", u["id"])
		step(req{method: "GET", path: "/api/v1/users", token: ann}, 200)
		step(req{method: "GET", path: userPath, token: ann}, 200)
		step(req{method: "PATCH", path: userPath, token: adm, body: map[string]any{"time_zone": "Europe/Vienna"}}, 200)
		step(req{method: "DELETE", path: userPath, token: adm}, 204)

		tok := step(req{method: "POST", path: "/api/v1/tokens", token: ann, body: map[string]any{"name": "tour"}}, 201)
		step(req{method: "GET", path: "/api/v1/tokens", token: ann}, 200)
		step(req{method: "DELETE", path: fmt.Sprintf("/api/v1/tokens/%v", tok["api_token"].(map[string]any)["id"]), token: ann}, 204)
		step(req{method: "GET", path: "/api/v1/audit?limit=50", token: adm}, 200)

		// On-call: a schedule of the team, its timeline, overrides, who is on call, feeds.
		layer := map[string]any{"name": "Primary", "rotation": map[string]any{"participants": []int64{e.ann.ID, e.bob.ID}, "length": 1, "unit": "weeks",
			"handoff": "09:00", "handoff_day": 1, "start": "2026-01-05"}, "restrictions": []map[string]any{{"kind": "daily", "days": []int{1, 2, 3, 4, 5}, "from": "09:00", "to": "17:00"}}}
		sched := step(req{method: "POST", path: "/api/v1/schedules", token: ann, body: map[string]any{"name": "Core primary", "team_id": team["id"], "time_zone": "Europe/Berlin", "layers": []any{layer}}}, 201)
		schedPath := fmt.Sprintf("/api/v1/schedules/%v", sched["schedule"].(map[string]any)["id"])
		step(req{method: "GET", path: "/api/v1/schedules?team=" + fmt.Sprint(team["id"]), token: ann}, 200)
		step(req{method: "POST", path: "/api/v1/schedules/preview", token: ann, body: map[string]any{"name": "Core primary", "time_zone": "UTC", "layers": []any{layer}}}, 200)
		step(req{method: "GET", path: schedPath, token: ann}, 200)
		step(req{method: "PUT", path: schedPath, token: ann, body: map[string]any{"name": "Core primary", "team_id": team["id"], "time_zone": "Europe/Berlin", "layers": []any{layer}, "version": 1}}, 200)
		step(req{method: "GET", path: schedPath + "/timeline?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z", token: ann}, 200)
		ovStart := time.Now().UTC().Add(time.Hour).Truncate(time.Minute)
		ov := step(req{method: "POST", path: schedPath + "/overrides", token: ann, body: map[string]any{"user_id": e.bob.ID, "start": ovStart, "end": ovStart.Add(2 * time.Hour), "note": "tour"}}, 201)
		step(req{method: "GET", path: schedPath + "/overrides", token: ann}, 200)
		step(req{method: "DELETE", path: fmt.Sprintf("%s/overrides/%v", schedPath, ov["id"]), token: ann}, 204)
		step(req{method: "POST", path: schedPath + "/take", token: ann, body: map[string]any{"start": ovStart, "end": ovStart.Add(time.Hour)}}, 201)
		step(req{method: "POST", path: schedPath + "/swaps", token: ann, body: map[string]any{"first_start": "2026-03-02T09:00:00Z", "first_end": "2026-03-02T12:00:00Z",
			"second_start": "2026-03-09T09:00:00Z", "second_end": "2026-03-09T12:00:00Z"}}, 201)
		step(req{method: "GET", path: "/api/v1/oncall?team=" + fmt.Sprint(team["id"]), token: ann}, 200)
		step(req{method: "GET", path: fmt.Sprintf("/api/v1/oncall/shifts?user=%d", e.ann.ID), token: ann}, 200)
		feed := step(req{method: "POST", path: "/api/v1/calendar-feeds", token: ann, body: map[string]any{"schedule_id": 0}}, 201)
		step(req{method: "GET", path: "/api/v1/calendar-feeds", token: ann}, 200)
		feed = step(req{method: "POST", path: fmt.Sprintf("/api/v1/calendar-feeds/%v/rotate", feed["id"]), token: ann}, 201)
		step(req{method: "DELETE", path: fmt.Sprintf("/api/v1/calendar-feeds/%v", feed["id"]), token: ann}, 204)
		step(req{method: "DELETE", path: schedPath, token: ann}, 204)

		step(req{method: "DELETE", path: svcPath, token: adm}, 204)
		step(req{method: "DELETE", path: teamPath, token: adm}, 204)

		pmTour(t, e, step) // postmortems_test.go

		chatTour(t, e, step) // chat_test.go

		notifyTour(t, e, step) // notifications_test.go

		publishingTour(t, e, step) // publishing_test.go

		pagingTour(t, e, step) // paging_test.go

		// Problems match the Problem schema too, including a stale one.
		step(req{method: "GET", path: "/api/v1/incidents/INC-99", token: ann}, 404)
		step(req{method: "PATCH", path: ref, token: ann, header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"title": "x"}}, 412)
		step(req{method: "POST", path: "/api/v1/incidents", token: ann, body: `{"titel": 1}`}, 400)
		step(req{method: "GET", path: "/api/v1/audit", token: ann}, 403)
		step(req{method: "GET", path: "/api/v1/me"}, 401)

		for _, pattern := range httpapi.Routes() {
			if !hit[pattern] {
				t.Errorf("the tour missed %s", pattern)
			}
		}
	})
}

// matchRoute finds the route pattern a request goes to.
func matchRoute(t *testing.T, method, path string) string {
	t.Helper()
	path, _, _ = strings.Cut(path, "?")
	var best string
	bestScore := -1
	for _, pattern := range httpapi.Routes() {
		m, p, _ := strings.Cut(pattern, " ")
		if m != method {
			continue
		}
		ps, xs := strings.Split(p, "/"), strings.Split(path, "/")
		if len(ps) != len(xs) {
			continue
		}
		score, ok := 0, true
		for i := range ps {
			switch {
			case ps[i] == xs[i]:
				score++
			case strings.HasPrefix(ps[i], "{"):
			default:
				ok = false
			}
		}
		if ok && score > bestScore {
			best, bestScore = pattern, score
		}
	}
	if best == "" {
		t.Fatalf("no route for %s %s", method, path)
	}
	return best
}

// responseSchema is the documented schema of an answer, nil for none.
func responseSchema(t *testing.T, doc map[string]any, pattern string, status int) any {
	t.Helper()
	method, path, _ := strings.Cut(pattern, " ")
	op := doc["paths"].(map[string]any)[path].(map[string]any)[strings.ToLower(method)].(map[string]any)
	resp, ok := op["responses"].(map[string]any)[strconv.Itoa(status)].(map[string]any)
	if !ok {
		t.Fatalf("%s: status %d is not documented", pattern, status)
	}
	if r, ok := resp["$ref"].(string); ok {
		resp = resolve(doc, r).(map[string]any)
	}
	content, ok := resp["content"].(map[string]any)
	if !ok {
		return nil
	}
	for _, ct := range []string{"application/json", "application/problem+json"} {
		if c, ok := content[ct].(map[string]any); ok {
			return c["schema"]
		}
	}
	t.Fatalf("%s %d: no JSON content", pattern, status)
	return nil
}

func resolve(doc map[string]any, ref string) any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// validate checks v against the subset of JSON Schema the document uses.
func validate(doc map[string]any, schema any, v any, at string) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		return []string{at + ": schema is not an object"}
	}
	if r, ok := s["$ref"].(string); ok {
		return validate(doc, resolve(doc, r), v, at)
	}
	var errs []string
	if typ, ok := s["type"]; ok {
		var types []string
		switch typ := typ.(type) {
		case string:
			types = []string{typ}
		case []any:
			for _, x := range typ {
				types = append(types, x.(string))
			}
		}
		if !slices.Contains(types, jsonType(v)) && !(jsonType(v) == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: %s, want %v", at, jsonType(v), types)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	if s["format"] == "date-time" {
		if str, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", at, str))
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, k := range slices.Sorted(mapKeys(v)) {
			if ps, ok := props[k]; ok {
				errs = append(errs, validate(doc, ps, v[k], at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, fmt.Sprintf("%s: field %q is not in the schema", at, k))
				}
			case map[string]any:
				errs = append(errs, validate(doc, ap, v[k], at+"."+k)...)
			}
		}
		if req, ok := s["required"].([]any); ok {
			for _, k := range req {
				if _, ok := v[k.(string)]; !ok {
					errs = append(errs, fmt.Sprintf("%s: required field %q is missing", at, k))
				}
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, x := range v {
				errs = append(errs, validate(doc, items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
}
