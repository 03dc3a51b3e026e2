package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/web"
)

// startOnCall is the harness with the on-call service wired in: a second UI
// server on the same store, as the composition root builds it.
func startOnCall(t testing.TB) (*env, *oncall.Service) {
	t.Helper()
	e := start(t)
	svc := oncall.NewService(e.Store.OnCall(), time.Now)
	srv := httptest.NewUnstartedServer(nil)
	url := "http://" + srv.Listener.Addr().String()
	h := web.New(web.Deps{Incidents: e.Incidents, Auth: e.Auth, Catalog: e.Catalog, Triage: e.Triage, Status: e.Status, Hub: e.Hub, BaseURL: url, OnCall: svc})
	h = http.NewCrossOriginProtection().Handler(h)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		h.ServeHTTP(w, r)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	oc := *e
	oc.URL = url
	return &oc, svc
}

// editorForm is the editor's fields for one layer.
func editorForm(name, people, restrictions string) url.Values {
	return url.Values{
		"name": {name}, "description": {""}, "team_id": {"0"}, "time_zone": {"Europe/Berlin"}, "layer_count": {"2"},
		"layer0_name": {"Primary"}, "layer0_people": {people}, "layer0_length": {"1"}, "layer0_unit": {"days"},
		"layer0_handoff": {"09:00"}, "layer0_handoff_day": {"1"}, "layer0_start": {time.Now().AddDate(0, 0, -2).Format(time.DateOnly)},
		"layer0_restrictions": {restrictions},
		"layer1_blank":        {"1"}, "layer1_name": {""}, "layer1_people": {""}, "layer1_length": {"1"}, "layer1_unit": {"weeks"},
		"layer1_handoff": {"09:00"}, "layer1_handoff_day": {"1"}, "layer1_start": {"2026-01-01"},
	}
}

func TestOnCallPages(t *testing.T) {
	e, _ := startOnCall(t)
	alice, bob, vic := e.login(t, e.Alice), e.login(t, e.Bob), e.login(t, e.Vic)

	// Empty first screen; the nav names the section.
	res := alice.get("/oncall")
	mustContain(t, "empty on-call", text(res.body), "On-call", "Who is on call", "No schedules yet", "New schedule")
	mustContain(t, "nav", res.body, `href="/oncall" aria-current="page"`)

	// The editor previews before saving: the gaps of business hours show.
	form := editorForm("Checkout primary", "alice, bob", "mon-fri 09:00-17:00")
	form.Set("action", "preview")
	res = alice.post("/oncall/schedules/save", form)
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "preview", text(res.body), "Effect, next two weeks", "Warnings:", "Nobody is on call from", "Alice Admin", "mon-fri 09:00-17:00")
	if s, _ := e.Store.OnCall().Schedules(e.as(e.Alice)); len(s) != 0 {
		t.Fatal("preview saved the schedule")
	}
	// A typo in a handle or a window is refused with a message, not saved.
	bad := editorForm("Checkout primary", "alice, zed", "weekdays")
	bad.Set("action", "save")
	res = alice.post("/oncall/schedules/save", bad)
	mustContain(t, "bad editor", text(res.body), "no user @zed")
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad save: %d", res.status)
	}
	// Bob (a responder of no team) may not create a schedule of no team.
	form.Set("action", "save")
	res = bob.post("/oncall/schedules/save", form)
	if res.status != http.StatusForbidden {
		t.Fatalf("bob saved: %d", res.status)
	}
	res = alice.post("/oncall/schedules/save", form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.status, text(res.body))
	}
	loc := res.header.Get("Location")
	if !strings.HasSuffix(loc, "?done=saved") {
		t.Fatalf("redirect %q", loc)
	}
	res = vic.get(loc)
	page := text(res.body)
	mustContain(t, "schedule page", page, "Checkout primary", "Schedule saved.", "Times in Europe/Berlin", "Primary", "Alice Admin → Bob Builder",
		"Coverage in the next four weeks", "Overrides", "On call", "Week", "Month")
	mustContain(t, "calendar svg", res.body, `class="cal-track track-final"`, `<svg class="cal-lane"`, `bar bar-gap`)
	mustNotContain(t, "viewer page", page, "Take this shift", "Add an override", "Edit schedule")
	id := regexp.MustCompile(`/oncall/schedules/(\d+)`).FindStringSubmatch(loc)[1]
	res = vic.get("/oncall/schedules/" + id + "?view=month")
	mustContain(t, "month view", text(res.body), time.Now().Format("January 2006"))

	// Bob overrides the next hours, then takes a shift; both are on the page, highlighted.
	now := time.Now()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	res = bob.post("/oncall/schedules/"+id+"/overrides", url.Values{"user_id": {itoa(e.Bob.ID)},
		"start": {now.Add(-time.Minute).In(berlin).Format("2006-01-02T15:04")}, "end": {now.Add(3 * time.Hour).In(berlin).Format("2006-01-02T15:04")}, "note": {"dentist swap"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("override: %d\n%s", res.status, text(res.body))
	}
	res = bob.post("/oncall/schedules/"+id+"/overrides", url.Values{"user_id": {itoa(e.Bob.ID)}, "start": {"2026-01-02T10:00"}, "end": {"2026-01-02T09:00"}})
	mustContain(t, "bad override", text(res.body), "after the start")
	res = bob.get("/oncall/schedules/" + id + "?done=override")
	mustContain(t, "override shown", text(res.body), "Override added.", "dentist swap", "Bob Builder", "Take this shift")
	mustContain(t, "override bar", res.body, "bar-override")
	mustNotContain(t, "no injected banner", text(bob.get("/oncall/schedules/"+id+"?done=Your+account+is+locked").body), "Your account is locked")

	// Who is on call now: Bob, by override.
	res = vic.get("/oncall")
	mustContain(t, "who now", text(res.body), "Checkout primary", "Bob Builder", "override")
	res = bob.get("/oncall")
	mustContain(t, "bob's banner", text(res.body), "You are on call now")

	// Take a shift from the upcoming list.
	m := regexp.MustCompile(`name="start" value="([^"]+)"><input type="hidden" name="end" value="([^"]+)"`).FindStringSubmatch(res.body + bob.get("/oncall/schedules/"+id).body)
	if m == nil {
		t.Fatal("no take-shift form")
	}
	res = bob.post("/oncall/schedules/"+id+"/take", url.Values{"start": {m[1]}, "end": {m[2]}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("take: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "taken", text(bob.get("/oncall/schedules/"+id+"?done=take").body), "You took the shift.", "take")

	// Swap an upcoming shift of Alice's with one of Bob's, not the one Bob
	// is on now (the first listed; which come next depends on the day the
	// test runs, the override and the shift taken).
	opts := regexp.MustCompile(`<option value="([^"]+,[^"]+)">([^<]+)<`).FindAllStringSubmatch(bob.get("/oncall/schedules/"+id).body, -1)
	if len(opts) < 6 {
		t.Fatalf("swap options: %v", opts)
	}
	firstOf := func(name string) string {
		for _, o := range opts[1:] {
			if strings.HasPrefix(o[2], name+":") {
				return o[1]
			}
		}
		t.Fatalf("no shift of %s among the swap options %v", name, opts)
		return ""
	}
	res = bob.post("/oncall/schedules/"+id+"/swap", url.Values{"first": {firstOf("Alice Admin")}, "second": {firstOf("Bob Builder")}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("swap: %d %s", res.status, text(res.body))
	}
	mustContain(t, "swapped", text(bob.get("/oncall/schedules/"+id+"?done=swap").body), "Shifts swapped.", "swap")
	res = bob.post("/oncall/schedules/"+id+"/swap", url.Values{"first": {opts[2][1]}, "second": {opts[2][1]}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("self-swap: %d", res.status)
	}

	// My shifts and a calendar feed, shown once and served without a session.
	res = bob.get("/oncall/my")
	mustContain(t, "my shifts", text(res.body), "My shifts, next four weeks", "Checkout primary", "now")
	res = bob.post("/oncall/feeds", url.Values{"schedule_id": {"0"}})
	feed := regexp.MustCompile(`http://[^<"]+\.ics`).FindString(res.body)
	if feed == "" {
		t.Fatalf("no feed URL:\n%s", text(res.body))
	}
	// (The feed itself is served by the app at /calendar/…; the CLI test fetches and parses one.)
	res = bob.get("/oncall/my")
	mustNotContain(t, "feed shown once", res.body, feed)
	mustContain(t, "feed listed", text(res.body), "My shifts · created")

	// The editor of a stored schedule shows its layers back; saving a stale version is refused.
	res = alice.get("/oncall/schedules/" + id + "/edit")
	mustContain(t, "edit page", res.body, `value="alice, bob"`, "mon-fri 09:00-17:00", `name="layer0_remove"`, "Add a layer")
	form.Set("id", id)
	form.Set("version", "1")
	form.Set("name", "Checkout")
	if res = alice.post("/oncall/schedules/save", form); res.status != http.StatusSeeOther {
		t.Fatalf("edit save: %d %s", res.status, text(res.body))
	}
	if res = alice.post("/oncall/schedules/save", form); res.status != http.StatusConflict {
		t.Fatalf("stale save: %d", res.status)
	}
	// A second layer added from the "add a layer" form and moved to the top.
	form.Set("version", "2")
	form.Set("layer1_name", "Nights")
	form.Set("layer1_people", "bob")
	form.Set("layer1_restrictions", "22:00-06:00")
	form.Set("layer1_order", "1")
	form.Set("layer0_order", "2")
	if res = alice.post("/oncall/schedules/save", form); res.status != http.StatusSeeOther {
		t.Fatalf("reorder save: %d %s", res.status, text(res.body))
	}
	sid, _ := strconv.ParseInt(id, 10, 64)
	stored, err := e.Store.OnCall().Schedule(e.as(e.Alice), sid)
	if err != nil || len(stored.Layers) != 2 || stored.Layers[0].Name != "Nights" || stored.Layers[1].Name != "Primary" {
		t.Fatalf("layers after reorder: %+v %v", stored.Layers, err)
	}
	if res = alice.post("/oncall/schedules/"+id+"/delete", nil); res.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
