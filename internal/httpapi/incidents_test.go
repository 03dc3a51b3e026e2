package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

func TestIncidentLifecycle(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		if _, err := e.cat.CreateService(e.ctx(e.admin), catalog.ServiceInput{Name: "checkout"}); err != nil {
			t.Fatal(err)
		}

		// Declare: 201, Location, ETag, ref and names.
		var inc incidentJSON
		got := e.ok(t, req{method: "POST", path: "/api/v1/incidents", token: e.ann.token, body: map[string]any{
			"title": "Checkout fails", "severity": "sev2", "services": []string{"checkout"},
			"blast_radius":          map[string]any{"text": "12 support tickets", "counts": []any{map[string]any{"kind": "support_tickets", "count": 12}}},
			"take_incident_manager": true,
		}}, http.StatusCreated, &inc)
		ref := inc.Ref
		if ref != incident.Ref(inc.Number) || inc.Stage != incident.Fix || inc.Severity != "SEV2" || inc.Version != 1 {
			t.Fatalf("declared %+v", inc)
		}
		if got.header.Get("Location") != "/api/v1/incidents/"+ref || got.header.Get("ETag") != `"1"` {
			t.Errorf("headers %v", got.header)
		}
		if inc.Roles.IncidentManager != e.ann.ID || inc.People[strconv.FormatInt(e.ann.ID, 10)].Name != "Ann Responder" {
			t.Errorf("roles %+v people %+v", inc.Roles, inc.People)
		}

		// Get by INC-n, inc-n and n; If-None-Match gives 304.
		for _, r := range []string{ref, strings.ToLower(ref), strconv.FormatInt(inc.Number, 10)} {
			var one incidentJSON
			got := e.ok(t, req{method: "GET", path: "/api/v1/incidents/" + r, token: e.vic.token}, http.StatusOK, &one)
			if one.Number != inc.Number || got.header.Get("ETag") != `"1"` || one.Ref != ref {
				t.Errorf("GET %s: %+v %v", r, one, got.header)
			}
		}
		e.ok(t, req{method: "GET", path: "/api/v1/incidents/" + ref, token: e.vic.token, header: map[string]string{"If-None-Match": `"1"`}}, http.StatusNotModified, nil)

		// PATCH with If-Match, then with a version field.
		var patched incidentJSON
		got = e.ok(t, req{method: "PATCH", path: "/api/v1/incidents/" + ref, token: e.ann.token, header: map[string]string{"If-Match": `"1"`},
			body: map[string]any{"summary": "Card payments time out", "labels": map[string]string{"region": "eu"}}}, http.StatusOK, &patched)
		if patched.Summary != "Card payments time out" || patched.Version != 2 || got.header.Get("ETag") != `"2"` {
			t.Fatalf("patched %+v %v", patched, got.header)
		}
		e.ok(t, req{method: "PATCH", path: "/api/v1/incidents/" + ref, token: e.ann.token,
			body: map[string]any{"chat_channel": "#inc-1", "version": 2}}, http.StatusOK, &patched)
		if patched.ChatChannel != "#inc-1" || patched.Version != 3 {
			t.Fatalf("patched %+v", patched)
		}

		// Roles: appoint by handle and by id; remove by handle.
		e.ok(t, req{method: "POST", path: "/api/v1/incidents/" + ref + "/roles", token: e.ann.token,
			body: map[string]any{"role": "domain_expert", "handle": "bob", "version": 3}}, http.StatusOK, &patched)
		if len(patched.Roles.DomainExperts) != 1 || patched.Roles.DomainExperts[0] != e.bob.ID || patched.People[strconv.FormatInt(e.bob.ID, 10)].Handle != "bob" {
			t.Fatalf("after appointing bob: %+v %+v", patched.Roles, patched.People)
		}
		e.ok(t, req{method: "POST", path: "/api/v1/incidents/" + ref + "/roles", token: e.ann.token,
			body: map[string]any{"role": "communications_manager", "user_id": e.bob.ID}}, http.StatusOK, &patched)
		if patched.Roles.CommunicationsManager != e.bob.ID {
			t.Fatalf("comms %+v", patched.Roles)
		}
		e.ok(t, req{method: "DELETE", path: "/api/v1/incidents/" + ref + "/roles/domain_expert/bob", token: e.ann.token,
			header: map[string]string{"If-Match": strconv.Quote(strconv.FormatInt(patched.Version, 10))}}, http.StatusOK, &patched)
		if len(patched.Roles.DomainExperts) != 0 {
			t.Fatalf("bob still a domain expert: %+v", patched.Roles)
		}
		e.ok(t, req{method: "DELETE", path: fmt.Sprintf("/api/v1/incidents/%s/roles/communications_manager/%d", ref, e.bob.ID), token: e.bob.token}, http.StatusOK, &patched)

		// Notes and key moments.
		got = e.ok(t, req{method: "POST", path: "/api/v1/incidents/" + ref + "/notes", token: e.bob.token,
			body: map[string]any{"text": "Rolled back the payment gateway"}}, http.StatusCreated, &patched)
		if got.header.Get("Location") != "/api/v1/incidents/"+ref+"/timeline" {
			t.Errorf("note Location %q", got.header.Get("Location"))
		}
		var tl struct {
			Ref    string           `json:"ref"`
			Events []incident.Event `json:"events"`
		}
		e.ok(t, req{method: "GET", path: "/api/v1/incidents/" + ref + "/timeline", token: e.vic.token}, http.StatusOK, &tl)
		note := tl.Events[len(tl.Events)-1]
		if tl.Ref != ref || note.Kind != incident.EventNote || note.Note != "Rolled back the payment gateway" || tl.Events[0].Kind != incident.EventDeclared {
			t.Fatalf("timeline %+v", tl)
		}
		e.ok(t, req{method: "POST", path: fmt.Sprintf("/api/v1/incidents/%s/notes/%d/key-moment", ref, note.Seq), token: e.ann.token}, http.StatusOK, &patched)
		e.ok(t, req{method: "GET", path: "/api/v1/incidents/" + ref + "/timeline", token: e.vic.token}, http.StatusOK, &tl)
		if last := tl.Events[len(tl.Events)-1]; last.Kind != incident.EventKeyMoment || last.Ref != note.Seq {
			t.Fatalf("key moment %+v", last)
		}

		// Stages: fix → resolved → improve → closed; a detect incident is dismissed with a reason.
		for _, st := range []string{"resolved", "improve", "closed"} {
			e.ok(t, req{method: "POST", path: "/api/v1/incidents/" + ref + "/stage", token: e.ann.token,
				body: map[string]any{"stage": st}}, http.StatusOK, &patched)
			if string(patched.Stage) != st {
				t.Fatalf("stage %s, want %s", patched.Stage, st)
			}
		}
		triage := e.declare(t, e.bob, map[string]any{"title": "Disk alert on db-3", "stage": "detect"})
		e.ok(t, req{method: "POST", path: "/api/v1/incidents/" + triage.Ref + "/stage", token: e.bob.token,
			body: map[string]any{"stage": "dismissed", "reason": "a backup job, expected", "version": 1}, header: map[string]string{"If-Match": `"1"`}}, http.StatusOK, &patched)
		if patched.Stage != incident.Dismissed || patched.DismissReason != "a backup job, expected" {
			t.Fatalf("dismissed %+v", patched)
		}

		var sev struct {
			Severities []incident.Severity `json:"severities"`
		}
		e.ok(t, req{method: "GET", path: "/api/v1/severities", token: e.vic.token}, http.StatusOK, &sev)
		if len(sev.Severities) != 4 || sev.Severities[0].Name != "SEV1" {
			t.Errorf("severities %+v", sev)
		}
	})
}

func TestListIncidents(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		if _, err := e.cat.CreateService(e.ctx(e.admin), catalog.ServiceInput{Name: "search"}); err != nil {
			t.Fatal(err)
		}
		a := e.declare(t, e.ann, map[string]any{"title": "Search is slow", "severity": "SEV3", "services": []string{"search"}})
		b := e.declare(t, e.ann, map[string]any{"title": "Login outage", "severity": "SEV1"})
		c := e.declare(t, e.ann, map[string]any{"title": "Odd graph", "stage": "detect", "severity": "SEV4"})
		if _, err := e.inc.ChangeStage(e.ctx(e.ann), b.Number, 0, incident.Resolved, ""); err != nil {
			t.Fatal(err)
		}
		type page struct {
			Incidents []incidentJSON `json:"incidents"`
			Next      string         `json:"next"`
		}
		refs := func(p page) string {
			var out []string
			for _, i := range p.Incidents {
				out = append(out, i.Ref)
			}
			return strings.Join(out, ",")
		}
		for _, tc := range []struct {
			query string
			want  []incidentJSON
		}{
			{"", []incidentJSON{c, b, a}},
			{"?stage=fix", []incidentJSON{a}},
			{"?stage=fix,detect", []incidentJSON{c, a}},
			{"?stage=fix&stage=resolved", []incidentJSON{b, a}},
			{"?open=true", []incidentJSON{c, a}},
			{"?severity=sev1", []incidentJSON{b}},
			{"?service=search", []incidentJSON{a}},
			{"?q=outage", []incidentJSON{b}},
		} {
			var p page
			e.ok(t, req{method: "GET", path: "/api/v1/incidents" + tc.query, token: e.vic.token}, http.StatusOK, &p)
			var want []string
			for _, i := range tc.want {
				want = append(want, i.Ref)
			}
			if refs(p) != strings.Join(want, ",") || p.Next != "" {
				t.Errorf("%q: got %s (next %q), want %s", tc.query, refs(p), p.Next, strings.Join(want, ","))
			}
		}
		// Paging with limit and cursor.
		var p1, p2 page
		e.ok(t, req{method: "GET", path: "/api/v1/incidents?limit=2", token: e.vic.token}, http.StatusOK, &p1)
		if refs(p1) != c.Ref+","+b.Ref || p1.Next == "" {
			t.Fatalf("page 1: %s next %q", refs(p1), p1.Next)
		}
		e.ok(t, req{method: "GET", path: "/api/v1/incidents?limit=2&cursor=" + p1.Next, token: e.vic.token}, http.StatusOK, &p2)
		if refs(p2) != a.Ref || p2.Next != "" {
			t.Fatalf("page 2: %s next %q", refs(p2), p2.Next)
		}

		// Refusals of the query.
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?stage=fixed", token: e.vic.token}, 400, `unknown stage "fixed"`)
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?severity=SEV9", token: e.vic.token}, 400, `unknown severity "SEV9"`)
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?stauts=fix", token: e.vic.token}, 400, `unknown query parameter "stauts"`)
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?limit=0", token: e.vic.token}, 400, "limit", "1 to 200")
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?limit=201", token: e.vic.token}, 400, "at most 200")
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?open=maybe", token: e.vic.token}, 400, "open", "true or false")
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?cursor=abc", token: e.vic.token}, 400, "cursor")
		e.fails(t, req{method: "GET", path: "/api/v1/incidents?q=%zz", token: e.vic.token}, 400, "query string is malformed")
		e.fails(t, req{method: "GET", path: "/api/v1/incidents"}, 401)
	})
}
