package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// TestBadRequestBodies sends every kind of broken body to the declare and
// patch endpoints: each is refused with the right status and a message that
// says what to fix, and nothing is written.
func TestBadRequestBodies(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		inc := e.declare(t, e.ann, map[string]any{"title": "Queue backlog"})
		path := "/api/v1/incidents/" + inc.Ref
		for _, tc := range []struct {
			name        string
			body        any
			contentType string
			status      int
			words       []string
			field       string
		}{
			{"malformed JSON", `{"title": "x",}`, "", 400, []string{"malformed JSON at line 1, column 15", "invalid character '}'"}, ""},
			{"malformed on line 2", "{\n  \"title\" \"x\"}", "", 400, []string{"line 2"}, ""},
			{"truncated", `{"title": "x"`, "", 400, []string{"malformed JSON", "ends before"}, ""},
			{"unknown field", `{"titel": "x"}`, "", 400, []string{`unknown field "titel"`, `"title"`}, "titel"},
			{"unknown nested field", `{"blast_radius": {"txt": "x"}}`, "", 400, []string{`unknown field "blast_radius.txt"`, `of "blast_radius" are "text", "counts"`}, "blast_radius.txt"},
			{"unknown field in array", `{"blast_radius": {"counts": [{"kind": "a", "count": 1, "n": 2}]}}`, "", 400, []string{`unknown field "blast_radius.counts[0].n"`, `"kind", "count"`}, "blast_radius.counts[0].n"},
			{"wrong type", `{"severity": 2}`, "", 400, []string{`field "severity" must be a string, not a number`}, "severity"},
			{"wrong nested type", `{"blast_radius": {"counts": [{"kind": "a", "count": "many"}]}}`, "", 400, []string{`field "blast_radius.counts.count" must be an integer, not a string`}, "blast_radius.counts.count"},
			{"fraction for an integer", `{"blast_radius": {"counts": [{"kind": "a", "count": 1.5}]}}`, "", 400, []string{"must be an integer, not a number (1.5)"}, "blast_radius.counts.count"},
			{"wrong type of map values", `{"labels": {"region": 1}}`, "", 400, []string{`the values of field "labels" must be strings, not a number`}, "labels"},
			{"wrong type of list items", `{"services": ["a", 2]}`, "", 400, []string{`the items of field "services" must be strings, not a number`}, "services"},
			{"object for a list", `{"services": {"a": 1}}`, "", 400, []string{`field "services" must be an array, not an object`}, "services"},
			{"array body", `[{"title": "x"}]`, "", 400, []string{"must be an object, not an array"}, ""},
			{"string body", `"x"`, "", 400, []string{"must be an object, not a string"}, ""},
			{"trailing data", `{"title": "x"} {"title": "y"}`, "", 400, []string{"data after the JSON object"}, ""},
			{"trailing garbage", `{"title": "x"} xyz`, "", 400, []string{"data after the JSON object"}, ""},
			{"empty body", ``, "", 400, []string{"request body is empty"}, ""},
			{"blank body", "  \n", "", 400, []string{"request body is empty"}, ""},
			{"form content type", `title=x`, "application/x-www-form-urlencoded", 415, []string{"Content-Type: application/json", "application/x-www-form-urlencoded"}, ""},
			{"text content type", `{"title": "x"}`, "text/plain", 415, []string{"must be JSON"}, ""},
			{"no content type", `{"title": "x"}`, "-", 415, []string{"no Content-Type"}, ""},
			{"too large", `{"summary": "` + strings.Repeat("x", 1<<20) + `"}`, "", 413, []string{"larger than 1048576 bytes"}, ""},
		} {
			for _, method := range []string{"POST", "PATCH"} {
				t.Run(method+" "+tc.name, func(t *testing.T) {
					target := "/api/v1/incidents"
					if method == "PATCH" {
						target = path
					}
					before := e.count(t)
					p := e.fails(t, req{method: method, path: target, token: e.ann.token, body: tc.body, contentType: tc.contentType}, tc.status, tc.words...)
					if p.Field != tc.field {
						t.Errorf("field %q, want %q", p.Field, tc.field)
					}
					if e.count(t) != before {
						t.Error("an incident was declared anyway")
					}
					if got := e.get(t, inc.Number); got.Version != 1 || got.Title != "Queue backlog" {
						t.Errorf("the incident changed anyway: %+v", got)
					}
				})
			}
		}

		// Problems are JSON even for the charset parameter and +json types.
		e.ok(t, req{method: "PATCH", path: path, token: e.ann.token, body: `{"summary": "ok"}`, contentType: "application/json; charset=utf-8"}, 200, nil)
		e.ok(t, req{method: "PATCH", path: path, token: e.ann.token, body: `{"summary": "ok2"}`, contentType: "application/merge-patch+json"}, 200, nil)

		// Times name their field and the format.
		e.fails(t, req{method: "POST", path: "/api/v1/incidents", token: e.ann.token, body: `{"title": "x", "detected_at": "yesterday"}`}, 400,
			`field "detected_at" must be a date-time string in RFC 3339 format`)
		e.fails(t, req{method: "POST", path: "/api/v1/incidents", token: e.ann.token, body: `{"title": "x", "detected_at": 5}`}, 400,
			`field "detected_at" must be a date-time`)
		if e.count(t) != 1 {
			t.Error("an incident was declared by a refused request")
		}
	})
}

// TestRefusedIncidentWrites covers the refusals of the process and of
// permissions: each names the problem, and a read-back shows no partial write.
func TestRefusedIncidentWrites(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		inc := e.declare(t, e.ann, map[string]any{"title": "Payments degraded", "take_incident_manager": true})
		path := "/api/v1/incidents/" + inc.Ref
		unchanged := func(t *testing.T) {
			t.Helper()
			got := e.get(t, inc.Number)
			if got.Version != inc.Version || got.Title != "Payments degraded" || got.Stage != incident.Fix {
				t.Fatalf("incident changed by a refused write: %+v", got)
			}
			if n := e.timelineLen(t, inc.Number); n != 1 {
				t.Fatalf("timeline has %d events after refused writes, want 1", n)
			}
		}

		// Missing and bad credentials: 401 with WWW-Authenticate.
		p := e.fails(t, req{method: "PATCH", path: path, body: map[string]any{"title": "x"}}, 401, "Authorization: Bearer")
		if got := p.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("WWW-Authenticate %q", got)
		}
		e.fails(t, req{method: "PATCH", path: path, token: "fbk_notatoken", body: map[string]any{"title": "x"}}, 401, "invalid, expired or revoked API token")
		e.fails(t, req{method: "GET", path: path, header: map[string]string{"Authorization": "Basic YWRtaW46eA=="}}, 401, `"Bearer <API token>"`)
		e.fails(t, req{method: "GET", path: path, header: map[string]string{"Cookie": "firebreak_session=nope"}}, 401, "session has ended")
		unchanged(t)

		// A viewer may read but not write.
		e.ok(t, req{method: "GET", path: path, token: e.vic.token}, 200, nil)
		before := e.count(t)
		e.fails(t, req{method: "POST", path: "/api/v1/incidents", token: e.vic.token, body: map[string]any{"title": "x"}}, 403, "responder permission")
		if e.count(t) != before {
			t.Fatal("a viewer declared an incident")
		}
		for _, r := range []req{
			{method: "PATCH", path: path, body: map[string]any{"title": "hijacked"}},
			{method: "POST", path: path + "/stage", body: map[string]any{"stage": "resolved"}},
			{method: "POST", path: path + "/notes", body: map[string]any{"text": "hello"}},
			{method: "POST", path: path + "/roles", body: map[string]any{"role": "domain_expert", "handle": "bob"}},
			{method: "DELETE", path: path + "/roles/incident_manager/ann"},
			{method: "POST", path: path + "/notes/1/key-moment"},
		} {
			r.token = e.vic.token
			e.fails(t, r, 403, "permission")
		}
		unchanged(t)

		// A responder who is not the Incident Manager may not appoint others.
		e.fails(t, req{method: "POST", path: path + "/roles", token: e.bob.token, body: map[string]any{"role": "domain_expert", "handle": "ann"}}, 403,
			"only the Incident Manager or an admin can appoint a Domain Expert")
		unchanged(t)

		// Stale version: 412 with the current incident and its ETag.
		if _, err := e.inc.Update(e.ctx(e.bob), inc.Number, 1, incident.Patch{Summary: ptr("bob was here")}); err != nil {
			t.Fatal(err)
		}
		inc.Version = 2
		for _, r := range []req{
			{method: "PATCH", path: path, header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"title": "stale"}},
			{method: "PATCH", path: path, body: map[string]any{"title": "stale", "version": 1}},
			{method: "POST", path: path + "/stage", body: map[string]any{"stage": "resolved", "version": 1}},
			{method: "POST", path: path + "/roles", header: map[string]string{"If-Match": `W/"1"`}, body: map[string]any{"role": "domain_expert", "handle": "bob"}},
			{method: "DELETE", path: path + "/roles/incident_manager/ann", header: map[string]string{"If-Match": `"1"`}},
		} {
			r.token = e.ann.token
			p := e.fails(t, r, 412, "changed by someone else", "you edited version 1, it is now at version 2")
			var cur incidentJSON
			if err := json.Unmarshal(p.Current, &cur); err != nil || cur.Version != 2 || cur.Summary != "bob was here" || cur.Ref != inc.Ref {
				t.Errorf("%s %s: current %s (%v)", r.method, r.path, p.Current, err)
			}
			if p.header.Get("ETag") != `"2"` || !strings.HasSuffix(p.Type, ":stale") {
				t.Errorf("%s %s: ETag %q type %q", r.method, r.path, p.header.Get("ETag"), p.Type)
			}
		}
		if got := e.get(t, inc.Number); got.Version != 2 || got.Title != "Payments degraded" || got.Stage != incident.Fix || len(got.Roles.DomainExperts) != 0 || got.Roles.IncidentManager != e.ann.ID {
			t.Fatalf("a stale write went through: %+v", got)
		}
		e.fails(t, req{method: "PATCH", path: path, token: e.ann.token, header: map[string]string{"If-Match": `"2"`}, body: map[string]any{"title": "x", "version": 3}}, 400,
			"If-Match header says version 2 but the body says 3")
		e.fails(t, req{method: "PATCH", path: path, token: e.ann.token, header: map[string]string{"If-Match": "yesterday"}, body: map[string]any{"title": "x"}}, 400, "If-Match")
		e.fails(t, req{method: "PATCH", path: path, token: e.ann.token, body: map[string]any{"title": "x", "version": 0}}, 400, "version")

		// Stage transitions the process does not allow say what is allowed.
		e.fails(t, req{method: "POST", path: path + "/stage", token: e.ann.token, body: map[string]any{"stage": "closed"}}, 400,
			"is in Fix and cannot move to Closed; from Fix it can move to Resolved")
		e.fails(t, req{method: "POST", path: path + "/stage", token: e.ann.token, body: map[string]any{"stage": "done"}}, 400, `unknown stage "done"`)
		e.fails(t, req{method: "POST", path: path + "/stage", token: e.ann.token, body: map[string]any{"reason": "x"}}, 400, "stage", "required")
		e.fails(t, req{method: "POST", path: path + "/stage", token: e.ann.token, body: map[string]any{"stage": 3}}, 400, `field "stage" must be a string`)
		triage := e.declare(t, e.ann, map[string]any{"title": "Maybe nothing", "stage": "detect"})
		e.fails(t, req{method: "POST", path: "/api/v1/incidents/" + triage.Ref + "/stage", token: e.ann.token, body: map[string]any{"stage": "dismissed"}}, 400,
			"dismissing needs a reason")
		if got := e.get(t, triage.Number); got.Stage != incident.Detect || got.Version != 1 {
			t.Fatalf("dismissed without reason: %+v", got)
		}

		// Role requests that name nobody, or somebody unknown.
		for _, tc := range []struct {
			body  map[string]any
			field string
			words string
		}{
			{map[string]any{"role": "domain_expert"}, "user_id", "by user_id or handle"},
			{map[string]any{"role": "domain_expert", "user_id": e.bob.ID, "handle": "bob"}, "user_id", "not both"},
			{map[string]any{"role": "domain_expert", "handle": "nobody"}, "handle", `no user with the handle "nobody"`},
			{map[string]any{"role": "domain_expert", "user_id": 9999}, "user_id", "no user with id 9999"},
			{map[string]any{"role": "domain_expert", "handle": "vic"}, "user_id", "viewer"},
			{map[string]any{"role": "janitor", "handle": "bob"}, "role", `unknown role "janitor"`},
			{map[string]any{"handle": "bob"}, "role", "required"},
		} {
			p := e.fails(t, req{method: "POST", path: path + "/roles", token: e.ann.token, body: tc.body}, 400, tc.words)
			if p.Field != tc.field {
				t.Errorf("%v: field %q, want %q", tc.body, p.Field, tc.field)
			}
		}
		e.fails(t, req{method: "POST", path: path + "/roles", token: e.ann.token, body: map[string]any{"role": "incident_manager", "handle": "ann"}}, 409, "already the Incident Manager")
		e.fails(t, req{method: "DELETE", path: path + "/roles/domain_expert/bob", token: e.ann.token}, 404, "Domain Expert does not exist")
		e.fails(t, req{method: "DELETE", path: path + "/roles/incident_manager/nobody", token: e.ann.token}, 404, `user "nobody" does not exist`)
		e.fails(t, req{method: "POST", path: "/api/v1/incidents/9999/roles", token: e.ann.token, body: map[string]any{"role": "domain_expert", "user_id": 9999}}, 404, "INC-9999")

		// Notes and key moments.
		e.fails(t, req{method: "POST", path: path + "/notes", token: e.ann.token, body: map[string]any{"text": "  "}}, 400, "a note needs some text")
		e.fails(t, req{method: "POST", path: path + "/notes", token: e.ann.token, body: map[string]any{"text": "x", "key_moment": "yes"}}, 400, `field "key_moment" must be true or false, not a string`)
		e.fails(t, req{method: "POST", path: path + "/notes/1/key-moment", token: e.ann.token}, 400, "only notes")
		e.fails(t, req{method: "POST", path: path + "/notes/999/key-moment", token: e.ann.token}, 404, "event 999")
		e.fails(t, req{method: "POST", path: path + "/notes/first/key-moment", token: e.ann.token}, 400, `not "first"`)
		if got := e.get(t, inc.Number); got.Version != 2 || e.timelineLen(t, inc.Number) != 2 {
			t.Fatalf("refused writes changed the incident: %+v", got)
		}

		// Not found.
		for _, r := range []req{
			{method: "GET", path: "/api/v1/incidents/INC-9999"},
			{method: "PATCH", path: "/api/v1/incidents/9999", body: map[string]any{"title": "x"}},
			{method: "POST", path: "/api/v1/incidents/INC-9999/stage", body: map[string]any{"stage": "resolved"}},
			{method: "POST", path: "/api/v1/incidents/INC-9999/notes", body: map[string]any{"text": "x"}},
			{method: "GET", path: "/api/v1/incidents/INC-9999/timeline"},
		} {
			r.token = e.ann.token
			e.fails(t, r, 404, "INC-9999 does not exist")
		}
		e.fails(t, req{method: "GET", path: "/api/v1/incidents/checkout", token: e.ann.token}, 404, `no incident "checkout"`, "INC-42")
		e.fails(t, req{method: "GET", path: "/api/v1/incidents/INC-0", token: e.ann.token}, 404, "INC-42")

		// A closed incident can no longer change.
		for _, st := range []incident.Stage{incident.Resolved, incident.Improve, incident.Closed} {
			if _, err := e.inc.ChangeStage(e.ctx(e.ann), inc.Number, 0, st, ""); err != nil {
				t.Fatal(err)
			}
		}
		e.fails(t, req{method: "PATCH", path: path, token: e.admin.token, body: map[string]any{"title": "x"}}, 400, "is Closed and can no longer be changed")
		e.fails(t, req{method: "POST", path: path + "/stage", token: e.admin.token, body: map[string]any{"stage": "fix"}}, 400, "cannot change stage any more")
	})
}

// TestUnknownRoutes: unknown paths are 404 problems; wrong methods 405 with Allow.
func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, "sqlite")
	for _, path := range []string{"/api/v1/", "/api/v1/nope", "/api/v1/incidents/INC-1/nope", "/api/v1/incidents/", "/api/v1/x/y/z"} {
		e.fails(t, req{method: "GET", path: path, token: e.ann.token}, 404, "there is no API endpoint GET "+path)
	}
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/incidents", "GET, HEAD, POST"},
		{"PUT", "/api/v1/incidents/INC-1", "GET, HEAD, PATCH"},
		{"GET", "/api/v1/incidents/INC-1/stage", "POST"},
		{"POST", "/api/v1/me", "GET, HEAD"},
		{"GET", "/api/v1/login", "POST"},
		{"PATCH", "/api/v1/teams/1/members", "PUT"},
	} {
		p := e.fails(t, req{method: tc.method, path: tc.path, token: e.ann.token}, 405, tc.method+" is not allowed", tc.allow)
		if got := p.header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
	// Unknown paths do not need credentials to be told so.
	e.fails(t, req{method: "GET", path: "/api/v1/nope"}, 404)
}

// TestInternalErrorsAreHidden: an unexpected failure is "internal error" for
// the client, with the request id, and logged in full for the operator.
func TestInternalErrorsAreHidden(t *testing.T) {
	e := newEnv(t, "sqlite")
	inc := e.declare(t, e.ann, map[string]any{"title": "Before the outage"})
	e.store.Close() // the database goes away
	p := e.fails(t, req{method: "GET", path: "/api/v1/incidents/" + inc.Ref, token: e.ann.token, header: map[string]string{"X-Request-Id": "req-42"}}, 500, "internal error")
	if p.Detail != "internal error" || p.RequestID != "req-42" || strings.Contains(string(p.Current), "sql") {
		t.Errorf("problem %+v", p)
	}
	if p.header.Get("X-Request-Id") != "req-42" {
		t.Errorf("X-Request-Id %q", p.header.Get("X-Request-Id"))
	}
	log := e.log.String()
	if !strings.Contains(log, "request_id=req-42") || !strings.Contains(log, "closed") {
		t.Errorf("the log does not say what happened:\n%s", log)
	}
}

func ptr[T any](v T) *T { return &v }

// TestConcurrentWritesOfOneVersion: of several writes based on the same
// version, exactly one wins and the others get 412 with the winner's state.
func TestConcurrentWritesOfOneVersion(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		inc := e.declare(t, e.ann, map[string]any{"title": "Race"})
		const n = 6
		statuses := make(chan int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got := e.do(t, req{method: "PATCH", path: "/api/v1/incidents/" + inc.Ref, token: e.ann.token,
					header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"summary": fmt.Sprintf("writer %d", i)}})
				statuses <- got.status
			})
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		if count[200] != 1 || count[412] != n-1 {
			t.Fatalf("statuses %v, want one 200 and %d 412", count, n-1)
		}
		if got := e.get(t, inc.Number); got.Version != 2 || e.timelineLen(t, inc.Number) != 2 {
			t.Fatalf("after the race: version %d, %d events", got.Version, e.timelineLen(t, inc.Number))
		}
	})
}
