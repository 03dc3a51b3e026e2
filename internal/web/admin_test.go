package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

func TestAdminManagesPeople(t *testing.T) {
	t.Parallel()
	e := start(t)
	a := e.login(t, e.Alice)
	res := a.post("/users", url.Values{"handle": {"dana"}, "name": {"Dana Expert"}, "email": {"dana@example.com"}, "level": {"responder"}, "password": {password}})
	if res.status != http.StatusOK {
		t.Fatalf("create user: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "people", text(res.body), "Added Dana Expert (@dana) as responder", "Dana Expert")

	res = a.post("/users", url.Values{"handle": {"dana"}, "name": {"Dana Again"}, "email": {"other@example.com"}, "level": {"viewer"}, "password": {password}})
	if res.status != http.StatusConflict {
		t.Fatalf("duplicate handle: %d", res.status)
	}
	mustContain(t, "duplicate", res.body, `value="Dana Again"`)
	mustNotContain(t, "duplicate", res.body, password) // a password is never echoed back

	dana := userID(t, e, "dana")
	res = a.post("/users/"+strconv.FormatInt(dana, 10), url.Values{"name": {"Dana Expert"}, "email": {"dana@example.com"}, "time_zone": {"UTC"}, "level": {"viewer"}, "disabled": {"1"}})
	if res.status != http.StatusOK {
		t.Fatalf("update user: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "user page", text(res.body), "Saved", "viewer", "disabled: cannot sign in")

	// A responder sees people but cannot change them.
	b := e.login(t, e.Bob)
	res = b.get("/users")
	if res.status != http.StatusOK {
		t.Fatalf("responder people list: %d", res.status)
	}
	mustNotContain(t, "responder's people list", res.body, `action="/users"`)
	res = b.post("/users", url.Values{"handle": {"eve"}, "email": {"eve@example.com"}, "level": {"admin"}})
	if res.status != http.StatusForbidden {
		t.Fatalf("responder creates user: %d", res.status)
	}
	res = b.post("/users/"+strconv.FormatInt(e.Bob.ID, 10), url.Values{"level": {"admin"}})
	if res.status != http.StatusForbidden {
		t.Fatalf("responder promotes himself: %d", res.status)
	}
	mustContain(t, "403", text(res.body), "Only admins may change people; you have the responder permission")
}

func TestAdminManagesTeamsAndServices(t *testing.T) {
	t.Parallel()
	e := start(t)
	a := e.login(t, e.Alice)
	res := a.post("/teams", url.Values{"name": {"Payments team"}, "description": {"Owns money"}, "members": {strconv.FormatInt(e.Bob.ID, 10)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("create team: %d\n%s", res.status, text(res.body))
	}
	page := a.get("/teams").body
	mustContain(t, "teams", text(page), "Payments team", "Bob Builder")
	teamID := regexp.MustCompile(`href="/teams/(\d+)"`).FindStringSubmatch(page)[1]

	res = a.post("/services", url.Values{"name": {"ledger"}, "description": {"Double entry"}, "owner_team_id": {teamID}, "links": {"Runbook | https://wiki.example.com/ledger"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("create service: %d\n%s", res.status, text(res.body))
	}
	page = a.get("/services").body
	mustContain(t, "services", text(page), "ledger", "Double entry", "Payments team", "Runbook")
	svcID := regexp.MustCompile(`href="/services/(\d+)"><strong>ledger`).FindStringSubmatch(page)[1]

	res = a.post("/services", url.Values{"name": {"ledger"}})
	if res.status != http.StatusConflict {
		t.Fatalf("duplicate service: %d\n%s", res.status, text(res.body))
	}
	res = a.post("/services/"+svcID, url.Values{"name": {"ledger-v2"}, "owner_team_id": {""}, "links": {""}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("update service: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "service page", text(a.get("/services/"+svcID).body), "ledger-v2", "no owner")

	res = a.post("/teams/"+teamID, url.Values{"name": {"Payments"}, "description": {""}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("update team: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "teams", text(a.get("/teams").body), "Payments", "nobody yet")

	// A responder reads the catalog but may not change it.
	b := e.login(t, e.Bob)
	mustNotContain(t, "responder's services", b.get("/services").body, `action="/services"`)
	if res := b.post("/services/"+svcID+"/delete", nil); res.status != http.StatusForbidden {
		t.Fatalf("responder deletes service: %d", res.status)
	}

	if res := a.post("/services/"+svcID+"/delete", nil); res.status != http.StatusSeeOther {
		t.Fatalf("delete service: %d", res.status)
	}
	if res := a.post("/teams/"+teamID+"/delete", nil); res.status != http.StatusSeeOther {
		t.Fatalf("delete team: %d", res.status)
	}
	mustNotContain(t, "services", text(a.get("/services").body), "ledger")
	if res := a.get("/teams/" + teamID); res.status != http.StatusNotFound {
		t.Fatalf("deleted team: %d", res.status)
	}
}

func TestTokensAreShownOnceAndRevoked(t *testing.T) {
	t.Parallel()
	e := start(t)
	b := e.login(t, e.Bob)
	res := b.post("/settings/tokens", url.Values{"name": {"laptop"}, "expires_days": {"30"}})
	if res.status != http.StatusOK {
		t.Fatalf("create token: %d\n%s", res.status, text(res.body))
	}
	raw := regexp.MustCompile(`class="mono token-value" value="([^"]+)"`).FindStringSubmatch(res.body)
	if raw == nil {
		t.Fatalf("the new token is not shown:\n%s", text(res.body))
	}
	if _, err := e.Auth.ActorForToken(e.as(e.Bob), raw[1]); err != nil {
		t.Fatalf("the shown token does not work: %v", err)
	}
	page := b.get("/settings/tokens").body
	mustContain(t, "tokens", text(page), "laptop")
	mustNotContain(t, "tokens page later", page, raw[1])

	id := regexp.MustCompile(`action="/settings/tokens/(\d+)/revoke"`).FindStringSubmatch(page)[1]
	if res := b.post("/settings/tokens/"+id+"/revoke", nil); res.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.status)
	}
	if _, err := e.Auth.ActorForToken(e.as(e.Bob), raw[1]); err == nil {
		t.Fatalf("a revoked token still works")
	}
	if strings.Contains(text(b.get("/settings/tokens").body), "laptop") {
		t.Fatalf("the revoked token is still listed")
	}
}

func TestAuditLogForAdmins(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.declare(t, e.Bob, "Cache stampede")
	a := e.login(t, e.Alice)
	res := a.get("/audit")
	if res.status != http.StatusOK {
		t.Fatalf("audit: %d", res.status)
	}
	mustContain(t, "audit", text(res.body), "incident.declared", "INC-1", "Bob Builder", "session.login")
}

func TestEveryPageRendersForEachLevel(t *testing.T) {
	t.Parallel()
	e := start(t)
	inc := e.declare(t, e.Bob, "Render check")
	sys := e.as(e.Alice)
	team, err := e.Catalog.CreateTeam(sys, catalog.TeamInput{Name: "SRE", Members: []int64{e.Bob.ID}})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := e.Catalog.ServiceByName(sys, "payments")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Incidents.ChangeStage(sys, inc.Number, inc.Version, incident.Resolved, ""); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/", "/?stage=open", "/incidents/INC-1", "/users", "/users/" + strconv.FormatInt(e.Bob.ID, 10),
		"/teams", "/teams/" + strconv.FormatInt(team.ID, 10), "/services", "/services/" + strconv.FormatInt(svc.ID, 10),
		"/settings/tokens"}
	for _, who := range []auth.User{e.Alice, e.Bob, e.Vic} {
		c := e.login(t, who)
		for _, p := range pages {
			if res := c.get(p); res.status != http.StatusOK {
				t.Errorf("%s GET %s: %d\n%s", who.Handle, p, res.status, text(res.body))
			}
		}
		want := http.StatusForbidden
		if who.ID == e.Alice.ID {
			want = http.StatusOK
		}
		if res := c.get("/audit"); res.status != want {
			t.Errorf("%s GET /audit: %d, want %d", who.Handle, res.status, want)
		}
	}
}

func TestPasswordChanges(t *testing.T) {
	t.Parallel()
	e := start(t)
	b := e.login(t, e.Bob)
	newPW := "an even better passphrase"
	res := b.post("/settings/password", url.Values{"current_password": {"wrong one"}, "new_password": {newPW}, "new_password_again": {newPW}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong current password: %d", res.status)
	}
	mustContain(t, "refusal", text(res.body), "Current password is not your current password")
	res = b.post("/settings/password", url.Values{"current_password": {password}, "new_password": {newPW}, "new_password_again": {newPW + "x"}})
	mustContain(t, "refusal", text(res.body), "The two new passwords differ")
	res = b.post("/settings/password", url.Values{"current_password": {password}, "new_password": {newPW}, "new_password_again": {newPW}})
	if res.status != http.StatusOK {
		t.Fatalf("change password: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "changed", text(res.body), "Your password is changed")
	if res := e.client(t).post("/login", url.Values{"login": {"bob"}, "password": {newPW}}); res.status != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", res.status)
	}

	// An admin sets Bob's password; Bob's sessions end.
	a := e.login(t, e.Alice)
	res = a.post("/users/"+strconv.FormatInt(e.Bob.ID, 10)+"/password", url.Values{"new_password": {password}})
	if res.status != http.StatusOK {
		t.Fatalf("admin sets password: %d\n%s", res.status, text(res.body))
	}
	if res := b.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("Bob's old session still works: %d", res.status)
	}
}
