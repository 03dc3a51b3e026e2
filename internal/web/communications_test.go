package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

func sptr[T any](v T) *T { return &v }

// TestCommunicationsPage: the Incident Manager drafts from the template,
// previews, publishes (the timeline records it), sends a stakeholder
// update; a responder who holds no role sees no form and is refused.
func TestCommunicationsPage(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Bob, "Analytics is not available on the US infrastructure")
	actx := e.as(e.Alice)
	page, err := e.Status.DefaultPage(actx)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := e.Status.SaveGroup(actx, page.ID, 0, statuspage.GroupInput{Name: sptr("Common Features")})
	comp, err := e.Status.SaveComponent(actx, page.ID, 0, statuspage.ComponentInput{Name: sptr("Plugins"), GroupID: &g.ID, Services: &[]string{"checkout-api"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Incidents.Update(e.as(e.Bob), inc.Number, 0, incident.Patch{Services: &[]string{"checkout-api"}}); err != nil {
		t.Fatal(err)
	}

	bob := e.login(t, e.Bob) // the Incident Manager (he declared and took the role)
	ref := inc.Ref()
	r := bob.get("/incidents/" + ref + "/communications")
	if r.status != 200 {
		t.Fatalf("communications page: %d %s", r.status, r.body)
	}
	mustContain(t, "draft", text(r.body), "Public update", "Investigating", "Common Features / Plugins", "We are investigating reports that Plugins")

	form := url.Values{"page_id": {strconv.FormatInt(page.ID, 10)}, "status": {"identified"}, "title": {inc.Title},
		"body":      {"**Customers** hosted on the US infrastructure can't open the Analytics Interface."},
		"component": {strconv.FormatInt(comp.ID, 10)}, "component_status_" + strconv.FormatInt(comp.ID, 10): {"major_outage"}}
	r = bob.post("/incidents/"+ref+"/communications/preview", form)
	if r.status != 200 {
		t.Fatalf("preview: %d", r.status)
	}
	mustContain(t, "preview", r.body, "<strong>Customers</strong>", "Preview")

	r = bob.post("/incidents/"+ref+"/communications/publish", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	r = bob.get("/incidents/" + ref + "/communications")
	mustContain(t, "after publish", text(r.body), "Published", "Identified", "Next public update")
	admin := e.login(t, e.Alice)
	mustContain(t, "deliveries for admins", text(admin.get("/incidents/"+ref+"/communications").body), "Subscribers: 0 sent")
	card := bob.get("/incidents/" + ref + "/communications/card")
	mustContain(t, "card", text(card.body), "Identified on Status")

	r = bob.post("/incidents/"+ref+"/communications/stakeholders", url.Values{"body": {"Support: expect tickets from US customers."}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("stakeholder update: %d %s", r.status, r.body)
	}
	events, _ := e.Incidents.Timeline(e.as(e.Bob), inc.Number)
	var kinds []incident.EventKind
	for _, ev := range events {
		kinds = append(kinds, ev.Kind)
	}
	if kinds[len(kinds)-2] != incident.EventStatusUpdatePublished || kinds[len(kinds)-1] != incident.EventStakeholderUpdate {
		t.Errorf("timeline kinds %v", kinds)
	}
	page2 := bob.get("/incidents/" + ref)
	mustContain(t, "timeline", text(page2.body), "Bob Builder published a public update: Identified",
		"hosted on the US infrastructure can", "Bob Builder sent an update to internal stakeholders", "Support: expect tickets from US customers.")

	// Empty body: refused next to the form, what was typed kept.
	bad := url.Values{"page_id": form["page_id"], "status": {"monitoring"}, "title": {"Kept title"}, "body": {""}}
	r = bob.post("/incidents/"+ref+"/communications/publish", bad)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty body: %d", r.status)
	}
	mustContain(t, "refusal", r.body, "Message is required", "Kept title")

	// Alice is an admin: she may. A responder with no role may not.
	e2 := e.login(t, e.Alice)
	if r := e2.get("/incidents/" + ref + "/communications"); r.status != 200 {
		t.Errorf("admin: %d", r.status)
	}
	vic := e.login(t, e.Vic)
	r = vic.get("/incidents/" + ref + "/communications")
	mustContain(t, "viewer page", text(r.body), "Only the Communications Manager or the Incident Manager")
	r = vic.post("/incidents/"+ref+"/communications/publish", form)
	if r.status != http.StatusForbidden {
		t.Errorf("viewer published: %d", r.status)
	}
}

// TestStatusPageSettings: admins add a page, a group and a component and
// set its status; a responder sees the pages without the forms.
func TestStatusPageSettings(t *testing.T) {
	t.Parallel()
	e := start(t)
	alice := e.login(t, e.Alice)
	r := alice.post("/settings/status-pages", url.Values{"name": {"US infrastructure"}, "slug": {"us"}, "time_zone": {"America/New_York"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create page: %d %s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if r := alice.post(loc+"/groups", url.Values{"name": {"Common Features"}}); r.status != http.StatusSeeOther {
		t.Fatalf("group: %d %s", r.status, r.body)
	}
	if r := alice.post(loc+"/components", url.Values{"name": {"Push Notifications"}, "services": {"payments"}}); r.status != http.StatusSeeOther {
		t.Fatalf("component: %d %s", r.status, r.body)
	}
	if r := alice.post(loc+"/maintenance", url.Values{"title": {"Database upgrade"}, "body": {"Short"}, "start": {"2030-01-02T22:00"}, "minutes": {"90"}}); r.status != http.StatusSeeOther {
		t.Fatalf("maintenance: %d %s", r.status, r.body)
	}
	if r := alice.post(loc+"/maintenance", url.Values{"title": {"x"}, "body": {"y"}, "start": {"soon"}, "minutes": {"90"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad start: %d", r.status)
	}
	r = alice.get(loc)
	mustContain(t, "page", text(r.body), "US infrastructure", "Push Notifications", "Common Features", "View public page", "Database upgrade · Scheduled")
	if r := alice.post("/settings/status-pages", url.Values{"name": {"x"}, "slug": {"history"}, "time_zone": {"UTC"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("reserved slug: %d", r.status)
	}
	if r := alice.post("/settings/status-pages/cadence", url.Values{"minutes_SEV1": {"20"}}); r.status != http.StatusSeeOther {
		t.Errorf("cadence: %d %s", r.status, r.body)
	}
	r = alice.get("/settings/status-pages")
	mustContain(t, "list", r.body, `value="20"`, "Update templates", "Internal stakeholder channels")

	bob := e.login(t, e.Bob)
	r = bob.get("/settings/status-pages")
	mustNotContain(t, "responder view", r.body, "Add a status page", "Internal stakeholder channels")
	if r := bob.post("/settings/status-pages", url.Values{"name": {"x"}, "slug": {"x"}, "time_zone": {"UTC"}}); r.status == http.StatusSeeOther {
		t.Errorf("a responder created a page")
	}
}
