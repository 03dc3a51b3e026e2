package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The first screen after sign-in (/) shows responders the items waiting in
// the triage queue above the open incidents, live; when the queue is empty
// it is the incident list as before. Viewers, who cannot decide, see the
// incidents only.
func TestLandingShowsTriageAboveIncidents(t *testing.T) {
	e := start(t)
	bob := e.login(t, e.Bob)

	res := bob.get("/")
	if res.status != http.StatusOK {
		t.Fatalf("GET /: %d", res.status)
	}
	if page := text(res.body); strings.Contains(page, "Waiting for triage") || !strings.Contains(page, "Open now") {
		t.Fatalf("empty queue: the landing page should be the incident list only:\n%s", page)
	}

	ids := e.fire(t, "eu")
	res = bob.get("/")
	page := text(res.body)
	mustContain(t, "landing page", page, "Waiting for triage", "HighErrorRate on eu", "checkout-api", "Decide in the triage queue", "Open now")
	if strings.Index(page, "Waiting for triage") > strings.Index(page, "Open now") {
		t.Fatalf("triage items should come above the open incidents:\n%s", page)
	}
	mustContain(t, "landing page", res.body, `sse-connect="/live/triage"`, `href="/triage/`+strconv.FormatInt(ids[0], 10)+`"`)

	// Signing in lands there too.
	c := e.client(t)
	res = c.post("/login", url.Values{"login": {"bob"}, "password": {password}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/" {
		t.Fatalf("sign in: %d %q", res.status, res.header.Get("Location"))
	}
	mustContain(t, "after sign-in", text(c.get("/").body), "Waiting for triage")

	// A filtered list is about incidents only.
	if page := text(bob.get("/?stage=open").body); strings.Contains(page, "Waiting for triage") {
		t.Fatalf("filtered list shows triage:\n%s", page)
	}
	if page := text(e.login(t, e.Vic).get("/").body); strings.Contains(page, "Waiting for triage") {
		t.Fatalf("a viewer sees the triage items:\n%s", page)
	}

	// Once decided, the item leaves the first screen.
	if res := bob.post("/triage/"+strconv.FormatInt(ids[0], 10)+"/dismiss", url.Values{"reason": {"duplicate"}}); res.status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d %s", res.status, text(res.body))
	}
	if page := text(bob.get("/").body); strings.Contains(page, "Waiting for triage") {
		t.Fatalf("decided item still on the first screen:\n%s", page)
	}
}
