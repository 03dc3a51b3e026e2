package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

func TestLoginWithGoodAndBadPassword(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client(t)

	res := c.get("/login")
	if res.status != http.StatusOK {
		t.Fatalf("GET /login: %d", res.status)
	}
	mustContain(t, "login page", text(res.body), "Sign in", "Handle or email", "Password")

	res = c.post("/login", url.Values{"login": {"alice"}, "password": {"wrong password!"}, "next": {"/incidents/INC-1"}})
	if res.status != http.StatusUnauthorized {
		t.Fatalf("bad password: status %d, want 401", res.status)
	}
	mustContain(t, "bad login page", res.body, `value="alice"`) // the login is kept
	mustContain(t, "bad login page", text(res.body), "Wrong handle/email or password")
	if strings.Contains(res.header.Get("Set-Cookie"), "firebreak_session") {
		t.Fatalf("bad password set a session cookie: %s", res.header.Get("Set-Cookie"))
	}

	res = c.post("/login", url.Values{"login": {"alice"}, "password": {password}, "next": {"/incidents/INC-1"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/incidents/INC-1" {
		t.Fatalf("good password: status %d, location %q", res.status, res.header.Get("Location"))
	}
	cookie := res.header.Get("Set-Cookie")
	for _, want := range []string{"__Host-firebreak_session=", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("session cookie %q lacks %q", cookie, want)
		}
	}
	res = c.get("/")
	if res.status != http.StatusOK {
		t.Fatalf("GET / after login: %d", res.status)
	}
	mustContain(t, "incident list", text(res.body), "Incidents", "No open incidents", "Sign out")

	// Signing out ends the session: the same cookie no longer works.
	res = c.post("/logout", nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.status)
	}
	if res = c.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("GET / after logout: %d, want a redirect to sign in", res.status)
	}
}

func TestLoginRefusesOffSiteNext(t *testing.T) {
	t.Parallel()
	e := start(t)
	for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`} {
		res := e.client(t).post("/login", url.Values{"login": {"alice"}, "password": {password}, "next": {next}})
		if loc := res.header.Get("Location"); loc != "/" {
			t.Errorf("next=%q redirected to %q, want /", next, loc)
		}
	}
}

func TestSignedOutVisitorIsSentToLogin(t *testing.T) {
	t.Parallel()
	e := start(t)
	res := e.client(t).get("/incidents/INC-1?x=1")
	if res.status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", res.status)
	}
	if got, want := res.header.Get("Location"), "/login?next="+url.QueryEscape("/incidents/INC-1?x=1"); got != want {
		t.Fatalf("Location %q, want %q", got, want)
	}
}

func TestDeclareFormCreatesIncidentWithManager(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.login(t, e.Bob)

	res := c.get("/incidents/new")
	if res.status != http.StatusOK {
		t.Fatalf("GET /incidents/new: %d", res.status)
	}
	page := text(res.body)
	mustContain(t, "declare form", page, "Declare an incident", "SEV1", "Critical", "checkout-api", "I'll be Incident Manager", "Detect", "Fix")
	if !regexp.MustCompile(`name="take_manager" value="1"\s+checked`).MatchString(res.body) {
		t.Errorf("\"I'll be Incident Manager\" is not checked by default")
	}

	res = c.post("/incidents", url.Values{
		"title": {"Checkout fails for EU customers"}, "severity": {"SEV1"}, "services": {"checkout-api", "payments"},
		"summary": {"5xx from checkout"}, "customer_impact": {"EU customers cannot pay"}, "take_manager": {"1"}, "stage": {"fix"},
	})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/incidents/INC-1" {
		t.Fatalf("declare: status %d, location %q\n%s", res.status, res.header.Get("Location"), text(res.body))
	}
	res = c.get("/incidents/INC-1")
	if res.status != http.StatusOK {
		t.Fatalf("incident page: %d", res.status)
	}
	page = text(res.body)
	mustContain(t, "incident page", page,
		"INC-1", "Checkout fails for EU customers", "Fix", "SEV1", "checkout-api", "payments",
		"EU customers cannot pay", "Bob Builder declared the incident as SEV1, in Fix", "Open for")
	roles := section(t, res.body, "inc-roles")
	mustContain(t, "roles", text(roles), "Incident Manager Bob Builder (you)", "First Responder Bob Builder (you)", "Domain Expert Vacant")
	// Bob leads it, so he can appoint, and he can move it on to Resolved only.
	mustContain(t, "roles", roles, `name="user_id"`, "Hand over")
	head := section(t, res.body, "inc-head")
	mustContain(t, "header", head, `value="resolved"`)
	mustNotContain(t, "header", head, `value="closed"`, `value="improve"`)
}

func TestDeclareWithoutTitleKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.login(t, e.Bob)
	res := c.post("/incidents", url.Values{"title": {"  "}, "severity": {"SEV3"}, "summary": {"half-written summary"}, "stage": {"detect"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", res.status)
	}
	mustContain(t, "declare form", text(res.body), "Title is required", "half-written summary")
	if !regexp.MustCompile(`value="detect"\s+checked`).MatchString(res.body) {
		t.Errorf("the chosen stage was not kept")
	}
	if !regexp.MustCompile(`value="SEV3"\s+checked`).MatchString(res.body) {
		t.Errorf("the chosen severity was not kept")
	}
}

func TestRefusedStageChangeShowsWhy(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Bob, "Search is slow")
	c := e.login(t, e.Bob)
	res := c.post("/incidents/INC-1/stage", url.Values{"stage": {"closed"}, "version": {strconv.FormatInt(inc.Version, 10)}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", res.status)
	}
	mustContain(t, "refusal", text(res.body), "INC-1 is in Fix and cannot move to Closed; from Fix it can move to Resolved.")
	mustContain(t, "page after refusal", text(res.body), "Search is slow") // the incident is still shown

	// Dismissing needs a reason (and is only allowed from Detect).
	d, err := e.Incidents.Declare(e.as(e.Bob), incident.DeclareInput{Title: "Odd alert", Stage: incident.Detect})
	if err != nil {
		t.Fatal(err)
	}
	res = c.post("/incidents/INC-2/stage", url.Values{"stage": {"dismissed"}, "version": {strconv.FormatInt(d.Version, 10)}})
	mustContain(t, "dismiss without reason", text(res.body), "Dismissing needs a reason")
	res = c.post("/incidents/INC-2/stage", url.Values{"stage": {"dismissed"}, "reason": {"planned maintenance"}, "version": {strconv.FormatInt(d.Version, 10)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "dismissed incident", text(c.get("/incidents/INC-2").body), "Dismissed: planned maintenance", "Bob Builder dismissed the incident")
}

func TestViewerSeesNoWriteButtonsAndIsRefused(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Bob, "Login page down")
	c := e.login(t, e.Vic)

	res := c.get("/incidents/INC-1")
	if res.status != http.StatusOK {
		t.Fatalf("viewer GET incident: %d", res.status)
	}
	mustContain(t, "viewer page", text(res.body), "Login page down", "Incident Manager Bob Builder")
	mustNotContain(t, "viewer page", res.body, `method="post" action="/incidents/INC-1`, "Add note", "Take it", "Declare incident", "Edit details")

	res = c.post("/incidents/INC-1/stage", url.Values{"stage": {"resolved"}, "version": {strconv.FormatInt(inc.Version, 10)}})
	if res.status != http.StatusForbidden {
		t.Fatalf("viewer stage change: %d, want 403", res.status)
	}
	mustContain(t, "refusal", text(res.body), "Changing the stage needs the responder permission")

	res = c.get("/incidents/new")
	if res.status != http.StatusForbidden {
		t.Fatalf("viewer declare form: %d, want 403", res.status)
	}
	mustContain(t, "403 page", text(res.body), "Not allowed", "responder permission", "viewer permission")

	res = c.post("/incidents/INC-1/notes", url.Values{"text": {"hello"}})
	if res.status != http.StatusForbidden {
		t.Fatalf("viewer note: %d, want 403", res.status)
	}
	res = c.get("/audit")
	if res.status != http.StatusForbidden {
		t.Fatalf("viewer audit log: %d, want 403", res.status)
	}
	mustContain(t, "audit 403", text(res.body), "Only admins may read the audit log")
}

func TestStaleEditShowsConflictAndCurrentState(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Bob, "Payments delayed")
	c := e.login(t, e.Bob)
	form := c.get("/incidents/INC-1").body
	version := regexp.MustCompile(`action="/incidents/INC-1/edit"[^>]*>\s*<input type="hidden" name="version" value="(\d+)"`).FindStringSubmatch(form)
	if version == nil || version[1] != strconv.FormatInt(inc.Version, 10) {
		t.Fatalf("edit form does not carry version %d: %v", inc.Version, version)
	}

	// Meanwhile Alice changes the severity.
	sev := "SEV1"
	if _, err := e.Incidents.Update(e.as(e.Alice), 1, inc.Version, incident.Patch{Severity: &sev}); err != nil {
		t.Fatal(err)
	}

	res := c.post("/incidents/INC-1/edit", url.Values{"version": {version[1]}, "title": {"Payments delayed for everyone"}, "severity": {"SEV3"}})
	if res.status != http.StatusConflict {
		t.Fatalf("stale edit: %d, want 409", res.status)
	}
	page := text(res.body)
	mustContain(t, "stale page", page, "INC-1 was changed by someone else", "reload it and try again",
		"Alice Admin changed the severity from SEV2 to SEV1")
	mustContain(t, "stale page header", text(section(t, res.body, "inc-head")), "SEV1", "Payments delayed")
	mustNotContain(t, "stale page", page, "Payments delayed for everyone")

	// With the current version the same edit goes through.
	cur, _ := e.Incidents.Get(e.as(e.Bob), 1)
	res = c.post("/incidents/INC-1/edit", url.Values{"version": {strconv.FormatInt(cur.Version, 10)}, "title": {"Payments delayed for everyone"},
		"severity": {"SEV1"}, "counts": {"support_tickets: 12"}, "labels": {"region=eu"}, "services": {"payments"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("fresh edit: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "edited page", text(c.get("/incidents/INC-1").body), "Payments delayed for everyone", "12 support tickets", "region", "eu",
		"Bob Builder edited the incident:", "changed the title from “Payments delayed” to “Payments delayed for everyone”", "updated the blast radius")
}

func TestTimelineTellsTheStoryInWords(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Alice, "API errors")
	ctx := e.as(e.Alice)
	inc, err := e.Incidents.AssignRole(ctx, 1, inc.Version, incident.DomainExpert, e.Bob.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Incidents.AddNote(e.as(e.Bob), 1, "Rolled back deploy 42", false); err != nil {
		t.Fatal(err)
	}
	inc, _ = e.Incidents.Get(ctx, 1)
	if inc, err = e.Incidents.ChangeStage(ctx, 1, inc.Version, incident.Resolved, ""); err != nil {
		t.Fatal(err)
	}
	if inc, err = e.Incidents.ChangeStage(ctx, 1, inc.Version, incident.Fix, ""); err != nil {
		t.Fatal(err)
	}
	if _, err = e.Incidents.AssignRole(ctx, 1, inc.Version, incident.IncidentManager, e.Bob.ID); err != nil {
		t.Fatal(err)
	}

	c := e.login(t, e.Bob)
	res := c.get("/incidents/INC-1")
	tl := text(section(t, res.body, "inc-timeline"))
	mustContain(t, "timeline", tl,
		"Alice Admin declared the incident as SEV2, in Fix",
		"Alice Admin appointed Bob Builder as Domain Expert",
		"Bob Builder Rolled back deploy 42",
		"Alice Admin moved the incident from Fix to Resolved",
		"Alice Admin reopened the incident (Resolved → Fix)",
		"Alice Admin appointed Bob Builder as Incident Manager, taking over from Alice Admin")

	// Bob marks his note as a key moment from the page.
	seq := regexp.MustCompile(`action="/incidents/INC-1/notes/(\d+)/key"`).FindStringSubmatch(res.body)
	if seq == nil {
		t.Fatalf("no \"mark as key moment\" button on the note")
	}
	if res = c.post("/incidents/INC-1/notes/"+seq[1]+"/key", nil); res.status != http.StatusSeeOther {
		t.Fatalf("mark key moment: %d", res.status)
	}
	tl = text(section(t, c.get("/incidents/INC-1").body, "inc-timeline"))
	mustContain(t, "timeline", tl, "★ Key moment", "Bob Builder marked their note as a key moment", "★ 1")

	// A note added through the form, written as a key moment.
	res = c.post("/incidents/INC-1/notes", url.Values{"text": {"Error rate back to normal"}, "key_moment": {"1"}})
	if res.status != http.StatusSeeOther || !strings.HasSuffix(res.header.Get("Location"), "#add-note") {
		t.Fatalf("add note: %d %q", res.status, res.header.Get("Location"))
	}
	mustContain(t, "timeline", text(section(t, c.get("/incidents/INC-1").body, "inc-timeline")), "Error rate back to normal", "★ 2")
}

func TestRolesTakeAppointAndStepDown(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc, err := e.Incidents.Declare(e.as(e.Alice), incident.DeclareInput{Title: "Queue backlog"}) // no IM
	if err != nil {
		t.Fatal(err)
	}
	c := e.login(t, e.Bob)
	roles := section(t, c.get("/incidents/INC-1").body, "inc-roles")
	mustContain(t, "roles", text(roles), "Incident Manager Take it", "Vacant")
	mustNotContain(t, "roles of a responder who does not lead", roles, "Choose a person")

	v := strconv.FormatInt(inc.Version, 10)
	res := c.post("/incidents/INC-1/roles", url.Values{"role": {"incident_manager"}, "user_id": {strconv.FormatInt(e.Bob.ID, 10)}, "version": {v}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("take IM: %d\n%s", res.status, text(res.body))
	}
	page := c.get("/incidents/INC-1").body
	mustContain(t, "timeline", text(page), "Bob Builder took the Incident Manager role")
	// As IM Bob appoints Alice as Communications Manager.
	cur, _ := e.Incidents.Get(e.as(e.Bob), 1)
	v = strconv.FormatInt(cur.Version, 10)
	res = c.post("/incidents/INC-1/roles", url.Values{"role": {"communications_manager"}, "user_id": {strconv.FormatInt(e.Alice.ID, 10)}, "version": {v}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("appoint CM: %d\n%s", res.status, text(res.body))
	}
	cur, _ = e.Incidents.Get(e.as(e.Bob), 1)
	v = strconv.FormatInt(cur.Version, 10)
	res = c.post("/incidents/INC-1/roles/remove", url.Values{"role": {"incident_manager"}, "user_id": {strconv.FormatInt(e.Bob.ID, 10)}, "version": {v}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("step down: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "timeline", text(c.get("/incidents/INC-1").body),
		"Bob Builder appointed Alice Admin as Communications Manager", "Bob Builder stepped down as Incident Manager")

	// A viewer cannot hold a role: the service's reason is shown.
	cur, _ = e.Incidents.Get(e.as(e.Bob), 1)
	a := e.login(t, e.Alice)
	res = a.post("/incidents/INC-1/roles", url.Values{"role": {"domain_expert"}, "user_id": {strconv.FormatInt(e.Vic.ID, 10)}, "version": {strconv.FormatInt(cur.Version, 10)}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("appoint viewer: %d", res.status)
	}
	mustContain(t, "refusal", text(res.body), "Vic Viewer is a viewer; only people with the responder permission can hold an incident role")
}

func TestHtmxActionKeepsAddressOfIncident(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Bob, "Disk full")
	c := e.login(t, e.Bob)
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/incidents/INC-1/stage",
		strings.NewReader(url.Values{"stage": {"closed"}, "version": {strconv.FormatInt(inc.Version, 10)}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res := c.do(req)
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", res.status)
	}
	if got := res.header.Get("HX-Replace-Url"); got != "/incidents/INC-1" {
		t.Errorf("HX-Replace-Url = %q", got)
	}
	mustContain(t, "swapped part", section(t, res.body, "incident"), "cannot move to Closed")
}

func TestIncidentListFiltersAndPutsOpenFirst(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := e.as(e.Bob)
	first := e.declare(t, e.Bob, "Old resolved thing")
	if _, err := e.Incidents.ChangeStage(ctx, first.Number, first.Version, incident.Resolved, ""); err != nil {
		t.Fatal(err)
	}
	e.declare(t, e.Bob, "Current outage")
	if _, err := e.Incidents.Declare(ctx, incident.DeclareInput{Title: "Checkout slow", Severity: "SEV4", Services: []string{"checkout-api"}}); err != nil {
		t.Fatal(err)
	}
	c := e.login(t, e.Vic)
	page := text(c.get("/").body)
	open, earlier := strings.Index(page, "Open now"), strings.Index(page, "Earlier")
	if open < 0 || earlier < open {
		t.Fatalf("no Open/Earlier sections in order:\n%s", page)
	}
	for _, title := range []string{"Current outage", "Checkout slow"} {
		if i := strings.Index(page, title); i < open || i > earlier {
			t.Errorf("%q is not among the open incidents", title)
		}
	}
	if i := strings.Index(page, "Old resolved thing"); i < earlier {
		t.Errorf("the resolved incident is listed before the open ones")
	}

	page = text(c.get("/?service=checkout-api").body)
	mustContain(t, "filtered by service", page, "Checkout slow")
	mustNotContain(t, "filtered by service", page, "Current outage", "Old resolved thing")
	page = text(c.get("/?stage=resolved").body)
	mustContain(t, "filtered by stage", page, "Old resolved thing")
	mustNotContain(t, "filtered by stage", page, "Current outage")
	page = text(c.get("/?severity=SEV4").body)
	mustContain(t, "filtered by severity", page, "Checkout slow")
	mustNotContain(t, "filtered by severity", page, "Current outage")
}

func TestIncidentListPages(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := e.as(e.Bob)
	for i := 1; i <= 27; i++ {
		inc := e.declare(t, e.Bob, "Resolved incident "+strconv.Itoa(i))
		if _, err := e.Incidents.ChangeStage(ctx, inc.Number, inc.Version, incident.Resolved, ""); err != nil {
			t.Fatal(err)
		}
	}
	c := e.login(t, e.Bob)
	res := c.get("/")
	next := regexp.MustCompile(`href="(/\?cursor=\d+)"`).FindStringSubmatch(res.body)
	if next == nil {
		t.Fatalf("no link to older incidents")
	}
	mustContain(t, "first page", text(res.body), "INC-27", "INC-3 ")
	mustNotContain(t, "first page", text(res.body), "INC-2 ")
	page := text(c.get(strings.ReplaceAll(next[1], "&amp;", "&")).body)
	mustContain(t, "second page", page, "INC-2 ", "INC-1 ")
	mustNotContain(t, "second page", page, "INC-3 ", "Open now")
}

func TestUnknownIncidentAndPage(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.login(t, e.Bob)
	if res := c.get("/incidents/INC-99"); res.status != http.StatusNotFound {
		t.Errorf("unknown incident: %d", res.status)
	} else {
		mustContain(t, "404", text(res.body), "INC-99 does not exist")
	}
	if res := c.get("/incidents/banana"); res.status != http.StatusNotFound {
		t.Errorf("bad ref: %d", res.status)
	}
	if res := c.get("/no/such/page"); res.status != http.StatusNotFound {
		t.Errorf("unknown page: %d", res.status)
	}
}

func TestStaticAssetsAreCachedByHash(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.login(t, e.Bob)
	page := c.get("/").body
	for _, name := range []string{"app.css", "app.js", "vendor/htmx.min.js", "vendor/htmx-ext-sse.min.js"} {
		m := regexp.MustCompile(`"(/static/[0-9a-f]{12}/` + regexp.QuoteMeta(name) + `)"`).FindStringSubmatch(page)
		if m == nil {
			t.Errorf("page does not link %s", name)
			continue
		}
		res := c.get(m[1])
		if res.status != http.StatusOK || !strings.Contains(res.header.Get("Cache-Control"), "immutable") || res.header.Get("ETag") == "" {
			t.Errorf("%s: status %d, Cache-Control %q, ETag %q", m[1], res.status, res.header.Get("Cache-Control"), res.header.Get("ETag"))
			continue
		}
		req, _ := http.NewRequest(http.MethodGet, e.URL+m[1], nil)
		req.Header.Set("If-None-Match", res.header.Get("ETag"))
		if res := c.do(req); res.status != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d, want 304", m[1], res.status)
		}
	}
	if res := c.get("/static/000000000000/app.css"); res.status != http.StatusOK || res.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("old hash: status %d, Cache-Control %q", res.status, res.header.Get("Cache-Control"))
	}
	if res := c.get("/static/000000000000/nope.css"); res.status != http.StatusNotFound {
		t.Errorf("missing asset: %d", res.status)
	}
}

func TestLiveStreamSignalsChanges(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Bob, "Flaky DNS")
	c := e.login(t, e.Vic)
	c.http.Timeout = 0
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/incidents/INC-1/live?v="+strconv.FormatInt(inc.Version, 10), nil)
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	lines := bufio.NewScanner(res.Body)
	if _, err := e.Incidents.AddNote(e.as(e.Bob), 1, "looking", false); err != nil {
		t.Fatal(err)
	}
	var got []string
	for lines.Scan() {
		got = append(got, lines.Text())
		if lines.Text() == "event: changed" {
			return
		}
	}
	t.Fatalf("no changed event; got %q (%v)", got, lines.Err())
}

func TestLiveStreamCatchesUpWithAnOldVersion(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.declare(t, e.Bob, "Flaky DNS")
	c := e.login(t, e.Bob)
	c.http.Timeout = 0
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/incidents/INC-1/live", nil)
	req.URL.RawQuery = "v=999" // the page shows a version the incident is not at
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		if lines.Text() == "event: changed" {
			return
		}
	}
	t.Fatalf("a page showing another version got no changed event")
}

// section returns the element with the given id and everything in it (the
// HTML up to the next element with an id at the same level is close
// enough for assertions).
func section(t testing.TB, html, id string) string {
	t.Helper()
	start := strings.Index(html, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no element with id %q", id)
	}
	tag := strings.LastIndex(html[:start], "<")
	name := html[tag+1:]
	name = name[:strings.IndexAny(name, " >")]
	depth, i := 0, tag
	open, closing := "<"+name, "</"+name+">"
	for i < len(html) {
		o := strings.Index(html[i:], open)
		c := strings.Index(html[i:], closing)
		if c < 0 {
			return html[tag:]
		}
		if o >= 0 && o < c {
			depth++
			i += o + len(open)
			continue
		}
		depth--
		i += c + len(closing)
		if depth == 0 {
			return html[tag:i]
		}
	}
	return html[tag:]
}

func TestListLiveStreamSignalsAnyIncident(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.login(t, e.Vic)
	c.http.Timeout = 0
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mustContain(t, "list page", c.get("/").body, `sse-connect="/live/incidents"`, `id="incident-list"`)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/live/incidents", nil)
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	lines := bufio.NewScanner(res.Body)
	lines.Scan() // "retry: 2000": the stream is open and subscribed
	e.declare(t, e.Bob, "New outage")
	for lines.Scan() {
		if lines.Text() == "event: changed" {
			return
		}
	}
	t.Fatalf("no changed event after a new incident (%v)", lines.Err())
}
