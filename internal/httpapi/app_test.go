package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

// TestThroughTheServer drives the API as mounted by the composition root,
// behind the server's own middleware: the request id of a problem is the one
// the server logs and echoes, and API paths never fall through to the web UI.
func TestThroughTheServer(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		call := func(method, path, body string, hdr map[string]string) (*http.Response, []byte) {
			t.Helper()
			var r io.Reader
			if body != "" {
				r = strings.NewReader(body)
			}
			req, err := http.NewRequest(method, s.URL+path, r)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+s.AdminToken)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, b
		}

		resp, body := call("POST", "/api/v1/incidents", `{"title": "Through the whole server", "take_incident_manager": true}`, nil)
		if resp.StatusCode != 201 || resp.Header.Get("ETag") != `"1"` {
			t.Fatalf("declare: %d %s", resp.StatusCode, body)
		}
		var inc incidentJSON
		if err := json.Unmarshal(body, &inc); err != nil || inc.People[jsonID(inc.Roles.IncidentManager)].Handle != "admin" {
			t.Fatalf("declared %s (%v)", body, err)
		}

		resp, body = call("PATCH", "/api/v1/incidents/"+inc.Ref, `{"titel": "typo"}`, map[string]string{"X-Request-Id": "trace-7"})
		var p problem
		if err := json.Unmarshal(body, &p); err != nil || resp.StatusCode != 400 || !strings.Contains(p.Detail, `unknown field "titel"`) {
			t.Fatalf("typo: %d %s", resp.StatusCode, body)
		}
		if id := resp.Header.Get("X-Request-Id"); id != "trace-7" || p.RequestID != id {
			t.Errorf("request id: header %q, problem %q", id, p.RequestID)
		}

		for _, path := range []string{"/api/v1/nothing-here", "/api/v1/incidents/INC-1/nope"} {
			resp, body = call("GET", path, "", nil)
			if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		}
		resp, body = call("GET", "/api/v1/openapi.json", "", nil)
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"openapi": "3.1.0"`)) {
			t.Errorf("openapi.json: %d", resp.StatusCode)
		}
	})
}

func jsonID(id int64) string {
	b, _ := json.Marshal(id)
	return string(b)
}
