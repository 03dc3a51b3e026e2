package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/testkit/slackfake"
)

// An admin links a user to a Slack account by hand and sees it in the
// status, with the connection's state, then unlinks them; a responder may not.
func TestChatCommandsAgainstServer(t *testing.T) {
	fake := slackfake.New(t)
	s := apptest.Start(t, apptest.Configure(func(c *config.Config) {
		c.Chat.Slack = config.SlackConfig{Mode: "http", BotToken: fake.BotToken, SigningSecret: "s", APIURL: fake.APIURL()}
	}))
	admin := against(t, s)
	admin.run(t, "user", "create", "bob", "--email", "bob@example.com").want(t, 0)

	r := admin.run(t, "chat", "link-user", "@bob", "U024BE7LH").want(t, 0)
	has(t, "link-user", r.stdout, "Linked @bob to Slack user U024BE7LH.")
	r = admin.run(t, "chat", "status").want(t, 0)
	has(t, "status", r.stdout, "http mode", "connected to Firebreak Test as firebreak", "/inc", ":pushpin:", "inc-{number}-{slug}", "@bob", "U024BE7LH", "manual")
	r = admin.run(t, "chat", "link-user", "@bob", "not an id")
	r.want(t, 1)
	has(t, "a bad id", r.stderr, "Slack")

	r = admin.run(t, "chat", "unlink-user", "bob").want(t, 0)
	has(t, "unlink-user", r.stdout, "Unlinked bob from Slack.")
	r = admin.run(t, "--json", "chat", "status").want(t, 0)
	has(t, "status json", r.stdout, `"links":[]`)

	admin.run(t, "incident", "declare", "Search is slow").want(t, 0)
	var links string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		links = admin.run(t, "chat", "links", "inc-1").want(t, 0).stdout
		if strings.Contains(links, "#inc-1-search-is-slow") || time.Now().After(deadline) {
			break
		}
	}
	has(t, "chat links", links, "Channel: #inc-1-search-is-slow", "Call:    https://meet.jit.si/firebreak-inc-1-")

	_, tok := s.User(t, "rita", "Rita", access.Responder, "")
	r = cli(t).with("FIREBREAK_URL", s.URL).with("FIREBREAK_TOKEN", tok).run(t, "chat", "status")
	r.want(t, 1)
	has(t, "a responder", r.stderr, "only an admin")
}
