package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

type apiCall struct {
	status int
	body   []byte
}

func call(t *testing.T, s *apptest.Server, method, path string, body any) apiCall {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiCall{resp.StatusCode, b}
}

// The paging API on both stores: policies (with the preview and its
// refusals as problem JSON naming the field), a service's paging, a page
// raised by hand and acted on, and maintenance windows.
func TestPagingAPI(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		svc := call(t, s, "POST", "/api/v1/services", map[string]any{"name": "checkout"})
		var service struct{ ID int64 }
		_ = json.Unmarshal(svc.body, &service)
		me := s.Admin.UserID
		policy := map[string]any{"name": "checkout", "repeat": 1, "steps": []any{
			map[string]any{"targets": []any{map[string]any{"kind": "user", "id": me}}, "delay_minutes": 5}}}

		prev := call(t, s, "POST", "/api/v1/escalation-policies/preview", map[string]any{"policy": policy})
		var preview struct{ Steps []paging.PreviewStep }
		if err := json.Unmarshal(prev.body, &preview); err != nil || prev.status != 200 || len(preview.Steps) != 2 || preview.Steps[1].Users[0] != me {
			t.Fatalf("preview: %d %s", prev.status, prev.body)
		}
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"name": "x", "steps": []any{}}, "steps"},
			{map[string]any{"name": "x", "steps": []any{map[string]any{"targets": []any{map[string]any{"kind": "robot", "id": 1}}}}}, "steps[0].targets[0].kind"},
			{map[string]any{"name": "x", "stepz": []any{}}, "stepz"},
		} {
			r := call(t, s, "POST", "/api/v1/escalation-policies", c.body)
			var prob struct {
				Field  string `json:"field"`
				Detail string `json:"detail"`
			}
			_ = json.Unmarshal(r.body, &prob)
			if r.status != 400 || !strings.Contains(prob.Field+prob.Detail, c.field) {
				t.Errorf("policy %v: %d %s, want 400 naming %s", c.body, r.status, r.body, c.field)
			}
		}
		created := call(t, s, "POST", "/api/v1/escalation-policies", policy)
		var pol paging.Policy
		if err := json.Unmarshal(created.body, &pol); err != nil || created.status != 201 {
			t.Fatalf("create: %d %s", created.status, created.body)
		}
		pol.Description = "the shop"
		if r := call(t, s, "PUT", fmt.Sprintf("/api/v1/escalation-policies/%d", pol.ID), pol); r.status != 200 {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
		if r := call(t, s, "PUT", fmt.Sprintf("/api/v1/escalation-policies/%d", pol.ID), pol); r.status != 412 {
			t.Fatalf("stale update: %d %s", r.status, r.body)
		}
		if r := call(t, s, "PUT", fmt.Sprintf("/api/v1/services/%d/paging", service.ID), map[string]any{"policy_id": pol.ID}); r.status != 200 {
			t.Fatalf("service paging: %d %s", r.status, r.body)
		}
		if r := call(t, s, "PUT", fmt.Sprintf("/api/v1/services/%d/paging", service.ID), map[string]any{"policy_id": 999}); r.status != 400 {
			t.Fatalf("unknown policy: %d %s", r.status, r.body)
		}

		r := call(t, s, "POST", "/api/v1/pages", map[string]any{"user_id": me, "summary": "come look"})
		var pg paging.Page
		if err := json.Unmarshal(r.body, &pg); err != nil || r.status != 201 || pg.Status != paging.Triggered {
			t.Fatalf("page: %d %s", r.status, r.body)
		}
		if r := call(t, s, "POST", "/api/v1/pages", map[string]any{"summary": "nobody"}); r.status != 400 {
			t.Fatalf("a page for no one: %d %s", r.status, r.body)
		}
		path := fmt.Sprintf("/api/v1/pages/%d", pg.ID)
		for _, step := range []struct {
			action string
			status int
		}{{"acknowledge", 200}, {"acknowledge", 409}, {"escalate", 200}, {"resolve", 200}, {"resolve", 409}, {"escalate", 409}} {
			if r := call(t, s, "POST", path+"/"+step.action, nil); r.status != step.status {
				t.Errorf("%s: %d %s, want %d", step.action, r.status, r.body, step.status)
			}
		}
		det := call(t, s, "GET", path, nil)
		var detail struct {
			paging.Page
			Timeline []paging.Event `json:"timeline"`
		}
		if err := json.Unmarshal(det.body, &detail); err != nil || detail.Status != paging.Resolved || len(detail.Timeline) < 5 {
			t.Fatalf("detail: %d %s", det.status, det.body)
		}
		if r := call(t, s, "GET", "/api/v1/pages?status=resolved&mine=true", nil); r.status != 200 || !bytes.Contains(r.body, []byte("come look")) {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		if r := call(t, s, "GET", "/api/v1/pages?status=sideways", nil); r.status != 400 {
			t.Fatalf("bad status filter: %d %s", r.status, r.body)
		}

		w := call(t, s, "POST", "/api/v1/maintenance-windows", map[string]any{"service_id": service.ID,
			"starts_at": "2020-01-01T00:00:00Z", "ends_at": "2020-01-01T02:00:00Z", "reason": "old"})
		if w.status != 400 {
			t.Fatalf("a window in the past: %d %s", w.status, w.body)
		}
	})
}

// The web UI's pages on one store: the list, a page with its timeline and
// its buttons, the policy editor's preview, and a service's paging page.
func TestPagingWebPages(t *testing.T) {
	s := apptest.Start(t)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	form := func(path string, v url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	get := func(path string) string {
		t.Helper()
		resp, err := c.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	form("/login", url.Values{"login": {"admin"}, "password": {s.AdminPassword}}).Body.Close()
	call(t, s, "POST", "/api/v1/services", map[string]any{"name": "checkout"})
	call(t, s, "POST", "/api/v1/pages", map[string]any{"user_id": s.Admin.UserID, "summary": "Cart is down"})

	if body := get("/pages"); !strings.Contains(body, "Cart is down") || !strings.Contains(body, "Acknowledge") {
		t.Fatalf("pages list:\n%s", body)
	}
	// The engine fires the first step just after the page is raised.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(get("/pages/1"), "Notified"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page's first step did not fire")
		}
	}
	resp := form("/pages/1/ack", nil)
	resp.Body.Close()
	body := get("/pages/1")
	for _, want := range []string{"acknowledged", "Step 1", "Notified", "Reassign"} {
		if !strings.Contains(body, want) {
			t.Errorf("page detail lacks %q", want)
		}
	}

	resp = form("/policies/save", url.Values{"name": {"web"}, "repeat": {"0"}, "targets": {"@admin", ""}, "delay": {"7", "15"}, "action": {"preview"}})
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Who would be paged, when") || !strings.Contains(string(b), "@admin") {
		t.Fatalf("preview: %d\n%s", resp.StatusCode, b)
	}
	resp = form("/policies/save", url.Values{"name": {"web"}, "repeat": {"0"}, "targets": {"@nobody"}, "delay": {"7"}, "action": {"save"}})
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), "is no user") {
		t.Fatalf("a policy naming no one: %d\n%s", resp.StatusCode, b)
	}
	resp = form("/policies/save", url.Values{"name": {"web"}, "repeat": {"0"}, "targets": {"@admin"}, "delay": {"7"}, "action": {"save"}})
	resp.Body.Close()
	if body := get("/policies"); !strings.Contains(body, "@admin") {
		t.Fatalf("policies:\n%s", body)
	}
	form("/services/1/paging", url.Values{"policy_id": {"1"}, "im_schedule_id": {"0"}}).Body.Close()
	form("/services/1/maintenance", url.Values{"starts_at": {s.App.Now().UTC().Format("2006-01-02T15:04")}, "hours": {"2"}, "reason": {"db upgrade"}}).Body.Close()
	body = get("/services/1/paging")
	for _, want := range []string{"db upgrade", "in maintenance", `selected>web`} {
		if !strings.Contains(body, want) {
			t.Errorf("service paging page lacks %q:\n%s", want, body)
		}
	}
}
