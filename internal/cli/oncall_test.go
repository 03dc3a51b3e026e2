package cli

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

func TestOnCallCommandsAgainstServer(t *testing.T) {
	s := apptest.Start(t)
	admin := against(t, s)
	s.User(t, "ann", "Ann Aardvark", access.Responder, "")
	s.User(t, "bob", "Bob Bobcat", access.Responder, "")
	admin.run(t, "team", "create", "payments").want(t, 0)

	start := time.Now().AddDate(0, 0, -3).UTC().Format(time.DateOnly)
	r := admin.run(t, "schedule", "create", "Payments primary", "--team", "payments", "--tz", "Europe/Berlin",
		"--participants", "ann,bob", "--shift", "1d", "--handoff", "09:00", "--start", start, "--restrict", "mon-fri 09:00-17:00").want(t, 0)
	has(t, "create", r.stdout, "Created schedule Payments primary", "warning: Nobody is on call from")
	r = admin.run(t, "schedule", "create", "x", "--restrict", "weekdays").want(t, 1)
	has(t, "bad restriction", r.stderr, "mon-fri 09:00-17:00")
	r = admin.run(t, "schedule", "create", "x", "--tz", "Mars/Base").want(t, 1)
	has(t, "bad zone", r.stderr, "IANA time zone")

	r = admin.run(t, "schedule", "list").want(t, 0)
	has(t, "list", r.stdout, "Payments primary", "payments", "Europe/Berlin")
	r = admin.run(t, "schedule", "show", "payments primary", "--from", start).want(t, 0)
	has(t, "show", r.stdout, "Layer 1 Rotation: every 1 days, handoff 09:00", "ann, bob", "only mon-fri 09:00-17:00", "GAP", "layer 1")

	// An override for the next hour, listed and shown by who.
	from := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	to := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	r = admin.run(t, "schedule", "override", "Payments primary", "--user", "bob", "--from", from, "--to", to, "--note", "covering").want(t, 0)
	has(t, "override", r.stdout, "bob is on call from")
	r = admin.run(t, "oncall", "who", "--team", "payments").want(t, 0)
	has(t, "who", r.stdout, "Payments primary", "bob (Bob Bobcat) (override)")
	r = admin.run(t, "oncall", "--user", "ann").want(t, 0)
	has(t, "who ann", r.stdout, "Nobody matching is on call")
	r = admin.run(t, "schedule", "overrides", "Payments primary").want(t, 0)
	has(t, "overrides", r.stdout, "override", "bob", "covering")
	r = admin.run(t, "oncall", "shifts", "--user", "bob").want(t, 0)
	has(t, "shifts", r.stdout, "Payments primary")

	// Export, edit, update: the version travels with the file.
	r = admin.run(t, "schedule", "export", "Payments primary").want(t, 0)
	edited := strings.Replace(r.stdout, `"name": "Payments primary"`, `"name": "Payments"`, 1)
	r = admin.input(edited).run(t, "schedule", "update", "Payments primary", "--file", "-").want(t, 0)
	has(t, "update", r.stdout, "Saved schedule Payments (version 2)")
	r = admin.input(edited).run(t, "schedule", "update", "Payments", "--file", "-").want(t, 1)
	has(t, "stale update", r.stderr, "changed by someone else")

	// A calendar feed URL works without signing in and parses.
	r = admin.run(t, "oncall", "feed", "--schedule", "Payments").want(t, 0)
	url := regexp.MustCompile(`http\S+\.ics`).FindString(r.stdout)
	if url == "" {
		t.Fatalf("no feed URL in %q", r.stdout)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", resp.StatusCode, body)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(body)))
	if err != nil || len(cal.Events()) == 0 {
		t.Fatalf("feed does not parse: %v", err)
	}
	r = admin.run(t, "oncall", "feeds").want(t, 0)
	id := regexp.MustCompile(`(?m)^(\d+)\s+schedule`).FindStringSubmatch(r.stdout)
	if id == nil {
		t.Fatalf("feeds: %q", r.stdout)
	}
	admin.run(t, "oncall", "revoke", id[1]).want(t, 0)
	if resp, err := http.Get(url); err != nil || resp.StatusCode != 404 {
		t.Fatalf("revoked feed still answers: %v %v", resp, err)
	}
	admin.run(t, "schedule", "delete", "Payments").want(t, 0)
}
