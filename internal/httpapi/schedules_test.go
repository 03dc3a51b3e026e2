package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

// TestSchedulesAPI: a schedule is created with its gap warnings, previewed
// before a change, replaced with If-Match, read as a timeline; an override
// changes who is on call; bad input gets problem JSON naming the field; a
// calendar feed URL works without a session until it is revoked.
func TestSchedulesAPI(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		ann, _ := s.User(t, "ann", "Ann", access.Responder, "")
		bob, _ := s.User(t, "bob", "Bob", access.Responder, "")
		call := func(method, path, body string, header ...string) (int, http.Header, []byte) {
			t.Helper()
			var r io.Reader
			if body != "" {
				r = strings.NewReader(body)
			}
			req, _ := http.NewRequest(method, s.URL+path, r)
			req.Header.Set("Authorization", "Bearer "+s.AdminToken)
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header, b
		}
		must := func(want int, method, path, body string, header ...string) map[string]any {
			t.Helper()
			code, _, b := call(method, path, body, header...)
			if code != want {
				t.Fatalf("%s %s: %d, want %d: %s", method, path, code, want, b)
			}
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			return m
		}
		problem := func(want int, field, words, method, path, body string) {
			t.Helper()
			code, h, b := call(method, path, body)
			if code != want || !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") || !strings.Contains(string(b), words) ||
				(field != "" && !strings.Contains(string(b), `"field":"`+field+`"`)) {
				t.Fatalf("%s %s: %d %s %s; want %d naming %q with %q", method, path, code, h.Get("Content-Type"), b, want, field, words)
			}
		}
		people := strconv.FormatInt(ann.ID, 10) + "," + strconv.FormatInt(bob.ID, 10)
		layer := `{"name":"Primary","rotation":{"participants":[` + people + `],"length":1,"unit":"weeks","handoff":"09:00","handoff_day":1,"start":"2026-01-05"},
			"restrictions":[{"kind":"daily","days":[1,2,3,4,5],"from":"09:00","to":"17:00"}]}`
		saved := must(201, "POST", "/api/v1/schedules", `{"name":"Payments","time_zone":"Europe/Berlin","layers":[`+layer+`]}`)
		sc := saved["schedule"].(map[string]any)
		id := strconv.FormatFloat(sc["id"].(float64), 'f', -1, 64)
		if ws := saved["warnings"].([]any); len(ws) == 0 || !strings.Contains(ws[0].(string), "Nobody is on call") {
			t.Fatalf("warnings = %v", ws)
		}

		problem(400, "time_zone", "IANA", "POST", "/api/v1/schedules", `{"name":"x","time_zone":"Mars/Base"}`)
		problem(400, "layers[0].rotation.unit", "hours, days or weeks", "POST", "/api/v1/schedules", `{"name":"x","layers":[{"rotation":{"participants":[1],"length":1,"unit":"months","start":"2026-01-01"}}]}`)
		problem(400, "", "09:00", "POST", "/api/v1/schedules", `{"name":"x","layers":[{"rotation":{"participants":[1],"length":1,"unit":"days","handoff":"9am","start":"2026-01-01"}}]}`)
		problem(400, "", "colour", "POST", "/api/v1/schedules", `{"name":"x","colour":"red"}`)
		problem(404, "", "schedule", "GET", "/api/v1/schedules/999", "")
		problem(400, "to", "RFC 3339", "GET", "/api/v1/schedules/"+id+"/timeline?to=tomorrow", "")

		// Preview a change: nothing is saved.
		pv := must(200, "POST", "/api/v1/schedules/preview", `{"schedule_id":`+id+`,"name":"Payments","time_zone":"Europe/Berlin","layers":[`+strings.Replace(layer, `"restrictions":[{"kind":"daily","days":[1,2,3,4,5],"from":"09:00","to":"17:00"}]`, `"restrictions":[]`, 1)+`],"from":"2026-03-02T00:00:00Z","to":"2026-03-09T00:00:00Z"}`)
		if gaps := pv["view"].(map[string]any)["gaps"].([]any); len(gaps) != 0 {
			t.Fatalf("preview gaps = %v", gaps)
		}
		got := must(200, "GET", "/api/v1/schedules/"+id, "")
		if got["version"].(float64) != 1 {
			t.Fatalf("preview saved: %v", got)
		}
		// Replace with the version read; a stale one is 412.
		must(200, "PUT", "/api/v1/schedules/"+id, `{"name":"Payments primary","time_zone":"Europe/Berlin","layers":[`+layer+`]}`, "If-Match", `"1"`)
		problem(412, "", "changed by someone else", "PUT", "/api/v1/schedules/"+id, `{"name":"x","time_zone":"UTC","layers":[],"version":1}`)

		// The timeline of a Monday: ann 09–17 Berlin, gaps around.
		tl := must(200, "GET", "/api/v1/schedules/"+id+"/timeline?from=2026-03-02T00:00:00%2B01:00&to=2026-03-03T00:00:00%2B01:00", "")
		final := tl["final"].([]any)
		if len(final) != 3 || final[1].(map[string]any)["user_id"].(float64) != float64(ann.ID) || final[1].(map[string]any)["start"] != "2026-03-02T08:00:00Z" {
			t.Fatalf("final = %v", final)
		}

		// An override now puts bob on call.
		now := time.Now().UTC()
		must(201, "POST", "/api/v1/schedules/"+id+"/overrides", `{"user_id":`+strconv.FormatInt(bob.ID, 10)+`,"start":"`+now.Add(-time.Minute).Format(time.RFC3339)+`","end":"`+now.Add(time.Hour).Format(time.RFC3339)+`"}`)
		who := must(200, "GET", "/api/v1/oncall?schedule="+id, "")
		if oc := who["oncall"].([]any); len(oc) != 1 || oc[0].(map[string]any)["user_id"].(float64) != float64(bob.ID) {
			t.Fatalf("oncall = %v", who)
		}
		problem(400, "schedul", "unknown query parameter", "GET", "/api/v1/oncall?schedul=1", "")
		shifts := must(200, "GET", "/api/v1/oncall/shifts?user="+strconv.FormatInt(bob.ID, 10), "")
		if len(shifts["shifts"].([]any)) == 0 {
			t.Fatalf("bob's shifts = %v", shifts)
		}

		// A feed: the secret URL serves iCalendar without a session, until revoked.
		f := must(201, "POST", "/api/v1/calendar-feeds", `{"schedule_id":`+id+`}`)
		resp, err := http.Get(f["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if cal, err := ics.ParseCalendar(strings.NewReader(string(body))); resp.StatusCode != 200 || err != nil || len(cal.Events()) == 0 {
			t.Fatalf("feed: %d %v", resp.StatusCode, err)
		}
		feeds := must(200, "GET", "/api/v1/calendar-feeds", "")
		if strings.Contains(mustJSON(feeds), f["url"].(string)) {
			t.Fatal("the feed list shows the secret URL")
		}
		must(204, "DELETE", "/api/v1/calendar-feeds/"+strconv.FormatFloat(f["id"].(float64), 'f', -1, 64), "")
		if resp, err := http.Get(f["url"].(string)); err != nil || resp.StatusCode != 404 {
			t.Fatalf("revoked feed: %v %v", resp, err)
		}
		must(204, "DELETE", "/api/v1/schedules/"+id, "")
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
