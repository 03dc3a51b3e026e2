package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/testkit/slackfake"
)

// An admin sees how Slack is connected and links a user by hand on the
// Slack settings page; a responder may not open it; the incident page shows
// the channel and the call link Slack and chat gave the incident.
func TestSlackSettingsPage(t *testing.T) {
	fake := slackfake.New(t, slackfake.User{ID: "U0G9QF9C6", Name: "bob", Email: "bob@example.com"})
	srv := apptest.Start(t, apptest.Configure(func(c *config.Config) {
		c.Chat.Slack = config.SlackConfig{Mode: "http", BotToken: fake.BotToken, SigningSecret: "s", APIURL: fake.APIURL()}
	}))
	srv.User(t, "bob", "Bob Builder", access.Responder, "bob's long password")
	rita, _ := srv.User(t, "rita", "Rita Responder", access.Responder, "rita's long password")
	login := func(handle, pw string) *client {
		jar, _ := cookiejar.New(nil)
		c := &client{t: t, base: srv.URL, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		if res := c.post("/login", url.Values{"login": {handle}, "password": {pw}, "next": {"/"}}); res.status != http.StatusSeeOther {
			t.Fatalf("login %s: %d", handle, res.status)
		}
		return c
	}
	admin := login("admin", srv.AdminPassword)

	res := admin.get("/settings/slack")
	if res.status != http.StatusOK {
		t.Fatalf("GET /settings/slack: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "slack page", text(res.body), "http mode", "connected to Firebreak Test as firebreak", "/inc", ":pushpin:",
		"Bob Builder", "not linked", "No incident channels yet.")

	res = admin.post("/settings/slack/links", url.Values{"user_id": {strconv.FormatInt(rita.ID, 10)}, "slack_id": {"not an id"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad member id: %d", res.status)
	}
	mustContain(t, "refused link", text(res.body), "U024BE7LH")
	res = admin.post("/settings/slack/links", url.Values{"user_id": {strconv.FormatInt(rita.ID, 10)}, "slack_id": {"U024BE7LH"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("link: %d\n%s", res.status, text(res.body))
	}
	mustContain(t, "after linking", text(admin.get("/settings/slack").body), "U024BE7LH", "by hand")

	// Declaring makes the channel (Bob matched by email) and the call link,
	// and the incident page shows both.
	res = admin.post("/incidents", url.Values{"title": {"Login fails"}, "severity": {"SEV2"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("declare: %d", res.status)
	}
	var page string
	deadline := time.Now().Add(10 * time.Second)
	for {
		page = text(admin.get("/incidents/INC-1").body)
		if strings.Contains(page, "#inc-1-login-fails") && strings.Contains(page, "https://meet.jit.si/firebreak-inc-1-") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the incident page shows no channel and call link:\n%s", page)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mustContain(t, "channels", text(admin.get("/settings/slack").body), "INC-1", "#inc-1-login-fails")

	res = admin.post("/settings/slack/links/"+strconv.FormatInt(rita.ID, 10)+"/delete", nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("unlink: %d", res.status)
	}
	if strings.Contains(text(admin.get("/settings/slack").body), "U024BE7LH") {
		t.Error("the link is still shown")
	}
	if res := login("rita", "rita's long password").get("/settings/slack"); res.status != http.StatusForbidden {
		t.Errorf("a responder opened the Slack settings: %d", res.status)
	}
}
