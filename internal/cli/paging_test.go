package cli

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

// The pager from the command line: a policy applied from a file (its effect
// shown first), a service pointed at it, a person paged by hand, the page
// listed, shown, acknowledged, escalated, reassigned and resolved, and a
// maintenance window; refusals are readable.
func TestPagingCommandsAgainstServer(t *testing.T) {
	s := apptest.Start(t)
	admin := against(t, s)
	admin.run(t, "service", "create", "checkout").want(t, 0)
	admin.run(t, "user", "create", "ann", "--email", "ann@example.com", "--name", "Ann Example").want(t, 0)
	admin.run(t, "user", "create", "bob", "--email", "bob@example.com", "--name", "Bob Builder").want(t, 0)

	var users []struct {
		ID     int64  `json:"id"`
		Handle string `json:"handle"`
	}
	if err := json.Unmarshal([]byte(admin.run(t, "--json", "user", "list").want(t, 0).stdout), &users); err != nil {
		var wrapped struct {
			Users []struct {
				ID     int64  `json:"id"`
				Handle string `json:"handle"`
			} `json:"users"`
		}
		if err2 := json.Unmarshal([]byte(admin.run(t, "--json", "user", "list").want(t, 0).stdout), &wrapped); err2 != nil {
			t.Fatal(err, err2)
		}
		users = wrapped.Users
	}
	id := map[string]string{}
	for _, u := range users {
		id[u.Handle] = jsonNumber(u.ID)
	}

	file := t.TempDir() + "/policy.json"
	writeFile(t, file, `{"name": "checkout", "repeat": 1, "steps": [
		{"targets": [{"kind": "user", "id": `+id["ann"]+`}], "delay_minutes": 5},
		{"targets": [{"kind": "user", "id": `+id["bob"]+`}], "delay_minutes": 10}]}`)
	r := admin.run(t, "policy", "apply", file, "--dry-run").want(t, 0)
	has(t, "dry run", r.stdout, "A page raised now", "+0s", "+5m0s", "+15m0s", "+20m0s", "ann", "bob")
	r = admin.run(t, "policy", "apply", file).want(t, 0)
	has(t, "apply", r.stdout, "Saved policy 1: checkout (version 1)")
	r = admin.run(t, "policy", "list").want(t, 0)
	has(t, "policy list", r.stdout, "checkout", "2")
	admin.run(t, "policy", "use", "checkout", "1").want(t, 0)

	writeFile(t, file, `{"name": "broken", "steps": [{"targets": [], "delay_minutes": 5}]}`)
	r = admin.run(t, "policy", "apply", file).want(t, 1)
	has(t, "refused policy", r.stderr, "step 1 has no one to page")

	r = admin.run(t, "page", "user", "ann", "The disk is filling up").want(t, 0)
	has(t, "page user", r.stdout, "Paged (page 1)")
	// The engine fires the page's first step just after it is raised.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r = admin.run(t, "page", "list").want(t, 0)
		if regexp.MustCompile(`1\s+triggered\s+-\s+1/1\s+`).MatchString(r.stdout) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("page list:\n%s", r.stdout)
		}
	}
	admin.run(t, "page", "ack", "1").want(t, 0)
	r = admin.run(t, "page", "ack", "1").want(t, 1)
	has(t, "second ack", r.stderr, "already acknowledged")
	r = admin.run(t, "page", "escalate", "1").want(t, 0)
	has(t, "escalate", r.stdout, "Escalated page 1")
	r = admin.run(t, "page", "reassign", "1", "--user", "bob").want(t, 0)
	has(t, "reassign", r.stdout, "Reassigned page 1")
	r = admin.run(t, "page", "show", "1").want(t, 0)
	has(t, "show", r.stdout, "TRIGGERED", "The disk is filling up", "acknowledged", "escalated", "reassigned", "step_fired", "notified")
	admin.run(t, "page", "resolve", "1").want(t, 0)
	r = admin.run(t, "page", "list").want(t, 0)
	has(t, "open pages", r.stdout, "No pages.")
	r = admin.run(t, "page", "list", "--all", "--mine").want(t, 0)
	has(t, "my pages", r.stdout, "resolved")

	r = admin.run(t, "policy", "maintenance", "add", "checkout", "--for", "2h", "--reason", "database upgrade").want(t, 0)
	has(t, "maintenance", r.stdout, "Maintenance window 1", "suppressed")
	r = admin.run(t, "policy", "maintenance", "list").want(t, 0)
	has(t, "maintenance list", r.stdout, "database upgrade")
	admin.run(t, "policy", "maintenance", "end", "1").want(t, 0)
	r = admin.run(t, "policy", "maintenance", "add", "checkout", "--for=-1h", "--reason", "x").want(t, 1)
	has(t, "backwards window", r.stderr, "must end after it starts")
	r = admin.run(t, "policy", "delete", "1").want(t, 1)
	has(t, "delete in use", r.stderr, "still page with this policy")
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return strings.TrimSpace(string(b)) }

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
