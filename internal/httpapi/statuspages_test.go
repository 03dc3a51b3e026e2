package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

// TestStatusPagesAPI: an admin sets up a page, a Communications Manager
// publishes from the incident (recorded on its timeline), a responder who is
// neither CM nor IM is refused, the Statuspage v1 subset works with an
// OAuth header, and bad input gets problem JSON.
func TestStatusPagesAPI(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		call := func(token, method, path, body string) (int, []byte) {
			t.Helper()
			var r io.Reader
			if body != "" {
				r = strings.NewReader(body)
			}
			req, _ := http.NewRequest(method, s.URL+path, r)
			scheme := "Bearer "
			if strings.HasPrefix(path, "/v1/") {
				scheme = "OAuth "
			}
			req.Header.Set("Authorization", scheme+token)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, b
		}
		admin := s.AdminToken
		must := func(want int, token, method, path, body string) map[string]any {
			t.Helper()
			code, b := call(token, method, path, body)
			if code != want {
				t.Fatalf("%s %s: %d, want %d: %s", method, path, code, want, b)
			}
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			return m
		}
		id := func(m map[string]any) string { return strconv.FormatFloat(m["id"].(float64), 'f', -1, 64) }

		pages := must(200, admin, "GET", "/api/v1/status-pages", "")
		def := id(pages["pages"].([]any)[0].(map[string]any))
		g := must(201, admin, "POST", "/api/v1/status-pages/"+def+"/groups", `{"name": "Common Features"}`)
		if code, b := call(admin, "POST", "/api/v1/status-pages/"+def+"/components", `{"name": "Plugins", "services": ["plugins"]}`); code != 400 || !strings.Contains(string(b), `no service named \"plugins\"`) {
			t.Errorf("unknown service: %d %s", code, b)
		}
		must(201, admin, "POST", "/api/v1/services", `{"name": "plugins"}`)
		c1 := must(201, admin, "POST", "/api/v1/status-pages/"+def+"/components", `{"name": "Plugins", "group_id": `+id(g)+`, "services": ["plugins"]}`)
		c2 := must(201, admin, "POST", "/api/v1/status-pages/"+def+"/components", `{"name": "Push Notifications", "group_id": `+id(g)+`}`)
		if code, b := call(admin, "POST", "/api/v1/status-pages/"+def+"/components", `{"name": "X", "stauts": "up"}`); code != 400 || !strings.Contains(string(b), "stauts") {
			t.Errorf("typo: %d %s", code, b)
		}
		if code, b := call(admin, "PATCH", "/api/v1/status-pages/"+def+"/components/"+id(c1), `{"status": "down"}`); code != 400 || !strings.Contains(string(b), "major_outage") {
			t.Errorf("bad status: %d %s", code, b)
		}
		must(201, admin, "POST", "/api/v1/status-pages", `{"slug": "eu", "name": "EU infrastructure", "time_zone": "Europe/Berlin"}`)

		cm, cmToken := s.User(t, "carla", "Carla Comms", access.Responder, "correct horse battery")
		_, bobToken := s.User(t, "bob", "Bob", access.Responder, "correct horse battery")
		inc := must(201, admin, "POST", "/api/v1/incidents", `{"title": "Analytics is not available on the US infrastructure", "severity": "SEV1", "take_incident_manager": true, "labels": {"region": "US"}}`)
		ref := inc["ref"].(string)
		must(200, admin, "POST", "/api/v1/incidents/"+ref+"/roles", `{"role": "communications_manager", "user_id": `+strconv.FormatInt(cm.ID, 10)+`}`)

		comms := must(200, cmToken, "GET", "/api/v1/incidents/"+ref+"/communications", "")
		draft := comms["draft"].(map[string]any)
		if comms["may_publish"] != true || draft["status"] != "investigating" || !strings.Contains(draft["body"].(string), "on the US infrastructure") || comms["next_due"] == nil {
			t.Errorf("communications %v", comms)
		}
		update := `{"status": "identified", "body": "Customers hosted on the US infrastructure can't open the Analytics Interface.", "components": [{"component_id": ` + id(c1) + `, "status": "major_outage"}, {"component_id": ` + id(c2) + `, "status": "partial_outage"}]}`
		if code, b := call(bobToken, "POST", "/api/v1/incidents/"+ref+"/status-updates", update); code != 403 {
			t.Errorf("bob published: %d %s", code, b)
		}
		pub := must(201, cmToken, "POST", "/api/v1/incidents/"+ref+"/status-updates", update)
		pi := pub["incident"].(map[string]any)
		if pi["impact"] != "critical" || pi["name"] != "Analytics is not available on the US infrastructure" {
			t.Errorf("published %v", pi)
		}
		tl := must(200, cmToken, "GET", "/api/v1/incidents/"+ref+"/timeline", "")
		events := tl["events"].([]any)
		last := events[len(events)-1].(map[string]any)
		if last["kind"] != "status_update_published" || last["actor_name"] != "Carla Comms" {
			t.Errorf("timeline %v", last)
		}
		prev := must(200, cmToken, "POST", "/api/v1/incidents/"+ref+"/status-updates/preview", `{"status": "monitoring", "body": "**Fixed** <script>x</script>"}`)
		if !strings.Contains(prev["html"].(string), "<strong>Fixed</strong>") || strings.Contains(prev["html"].(string), "<script") {
			t.Errorf("preview %v", prev)
		}
		must(201, cmToken, "POST", "/api/v1/incidents/"+ref+"/stakeholder-updates", `{"body": "Support: expect tickets from US customers."}`)
		if code, _ := call(bobToken, "POST", "/api/v1/incidents/"+ref+"/stakeholder-updates", `{"body": "x"}`); code != 403 {
			t.Errorf("bob sent a stakeholder update: %d", code)
		}

		// Resolving the incident proposes the Resolved update; nothing is published by itself.
		must(200, admin, "POST", "/api/v1/incidents/"+ref+"/stage", `{"stage": "resolved"}`)
		comms = must(200, cmToken, "GET", "/api/v1/incidents/"+ref+"/communications", "")
		draft = comms["draft"].(map[string]any)
		if comms["propose_resolved"] != true || draft["status"] != "resolved" || len(draft["components"].([]any)) != 2 ||
			draft["components"].([]any)[0].(map[string]any)["status"] != "operational" {
			t.Errorf("resolved proposal %v", comms)
		}
		if p := comms["public"].([]any)[0].(map[string]any); p["status"] != "identified" {
			t.Errorf("something was published silently: %v", p)
		}

		// Statuspage v1 subset with "Authorization: OAuth".
		v1 := must(201, admin, "POST", "/v1/pages/default/incidents", `{"incident": {"name": "Login slow", "status": "investigating", "body": "Looking", "components": {"`+id(c2)+`": "degraded_performance"}, "deliver_notifications": true}}`)
		if v1["name"] != "Login slow" || v1["incident_updates"].([]any)[0].(map[string]any)["status"] != "investigating" {
			t.Errorf("v1 create %v", v1)
		}
		code, b := call(admin, "PATCH", "/v1/pages/"+def+"/incidents/"+v1["id"].(string), `{"incident": {"status": "resolved", "body": "Fast again", "components": {"`+id(c2)+`": "operational"}}}`)
		if code != 200 || !strings.Contains(string(b), `"resolved_at":"`) {
			t.Errorf("v1 update: %d %s", code, b)
		}
		code, b = call(admin, "GET", "/v1/pages/default/components", "")
		var comps []map[string]any
		if err := json.Unmarshal(b, &comps); code != 200 || err != nil || len(comps) != 2 || comps[1]["status"] != "operational" {
			t.Errorf("v1 components: %d %s", code, b)
		}
		code, b = call(admin, "PATCH", "/v1/pages/default/components/"+id(c1), `{"component": {"status": "operational"}}`)
		if code != 200 || !strings.Contains(string(b), `"status":"operational"`) {
			t.Errorf("v1 component: %d %s", code, b)
		}
		if code, _ := call("nope", "GET", "/v1/pages/default/incidents", ""); code != 401 {
			t.Errorf("bad token: %d", code)
		}

		// Templates and cadence (admins).
		if code, _ := call(cmToken, "PUT", "/api/v1/status-templates/identified", `{"title": "{{title}}", "body": "x"}`); code != 403 {
			t.Errorf("responder edited a template: %d", code)
		}
		must(200, admin, "PUT", "/api/v1/status-templates/identified", `{"title": "{{title}}", "body": "We found it: {{components}}."}`)
		if code, b := call(admin, "PUT", "/api/v1/status-cadence", `{"cadence": {"SEV9": "10m"}}`); code != 400 {
			t.Errorf("unknown severity: %d %s", code, b)
		}
		cad := must(200, admin, "PUT", "/api/v1/status-cadence", `{"cadence": {"SEV1": "15m"}}`)
		if cad["cadence"].(map[string]any)["SEV1"] != "15m0s" {
			t.Errorf("cadence %v", cad)
		}
		ch := must(201, admin, "POST", "/api/v1/status-channels", `{"kind": "webhook", "address": "https://hooks.example.com/x", "name": "Support"}`)
		if len(ch["secret"].(string)) < 32 {
			t.Errorf("channel %v", ch)
		}
	})
}
