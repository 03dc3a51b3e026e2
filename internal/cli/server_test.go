package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

// against returns an invocation that talks to s as its admin.
func against(t *testing.T, s *apptest.Server) *invocation {
	return cli(t).with("FIREBREAK_URL", s.URL).with("FIREBREAK_TOKEN", s.AdminToken)
}

// has fails the test unless out contains every one of words.
func has(t *testing.T, what, out string, words ...string) {
	t.Helper()
	for _, w := range words {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

func TestIncidentCommandsAgainstServer(t *testing.T) {
	s := apptest.Start(t)
	admin := against(t, s)

	// The catalog and a colleague, so the incident can name them.
	admin.run(t, "service", "create", "api", "--description", "Public API").want(t, 0)
	admin.run(t, "service", "create", "web").want(t, 0)
	r := admin.run(t, "user", "create", "bob", "--email", "bob@example.com", "--name", "Bob Builder").want(t, 0)
	has(t, "user create", r.stdout, "Created user bob (Bob Builder)", "responder")
	admin.run(t, "team", "create", "Payments", "--member", "@bob", "--description", "Takes the money").want(t, 0)
	r = admin.run(t, "team", "members", "payments").want(t, 0)
	has(t, "team members", r.stdout, "bob", "Bob Builder")
	admin.run(t, "service", "update", "api", "--owner", "Payments").want(t, 0)
	r = admin.run(t, "service", "list").want(t, 0)
	has(t, "service list", r.stdout, "api", "Payments", "Public API")

	// declare → list
	r = admin.run(t, "incident", "declare", "Checkout fails for EU customers", "--severity", "SEV2",
		"--service", "api", "--service", "web", "--summary", "Payments time out", "--take-manager").want(t, 0)
	has(t, "declare", r.stdout, "Declared INC-1: Checkout fails for EU customers", "SEV2, Fix, affecting api, web", "Incident Manager")
	r = admin.run(t, "incident", "list", "--open", "--service", "api").want(t, 0)
	if !regexp.MustCompile(`INC-1\s+SEV2\s+Fix\s+Checkout fails for EU customers\s+api, web\s+just now`).MatchString(r.stdout) {
		t.Errorf("list:\n%s", r.stdout)
	}
	r = admin.run(t, "incident", "list", "--stage", "resolved").want(t, 0)
	has(t, "list of resolved", r.stdout, "No incidents match.")
	r = admin.run(t, "--json", "incident", "list").want(t, 0)
	var page struct {
		Incidents []struct {
			Ref     string `json:"ref"`
			Version int64  `json:"version"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || len(page.Incidents) != 1 || page.Incidents[0].Ref != "INC-1" {
		t.Errorf("list --json: %v\n%s", err, r.stdout)
	}

	// An invalid transition is the server's refusal, exit 1.
	r = admin.run(t, "incident", "stage", "INC-1", "closed").want(t, exitError)
	has(t, "refused stage", r.stderr, "firebreak: stage: INC-1 is in Fix and cannot move to Closed; from Fix it can move to Resolved")

	// role → note → update → stage
	r = admin.run(t, "incident", "role", "inc-1", "de", "@bob").want(t, 0)
	has(t, "role", r.stdout, "@bob is now a Domain Expert of INC-1.")
	r = admin.run(t, "incident", "role", "1", "communications_manager", "bob").want(t, 0)
	has(t, "role", r.stdout, "@bob is now the Communications Manager of INC-1.")
	r = admin.run(t, "incident", "role", "INC-1", "--remove", "cm", "bob").want(t, 0)
	has(t, "role --remove", r.stdout, "@bob is no longer the Communications Manager of INC-1.")
	r = admin.run(t, "incident", "role", "INC-1", "de", "@nobody").want(t, exitError)
	has(t, "role for nobody", r.stderr, "firebreak: ", "nobody")
	r = admin.run(t, "incident", "note", "INC-1", "Rolled back 1.42", "--key-moment").want(t, 0)
	has(t, "note", r.stdout, "Added a key moment to INC-1.")
	admin.input("Errors are gone\n").run(t, "incident", "note", "INC-1", "-").want(t, 0)
	r = admin.run(t, "incident", "update", "INC-1", "--severity", "sev1", "--count", "support_tickets=12", "--blast-radius-text", "EU only").want(t, 0)
	has(t, "update", r.stdout, "Updated INC-1 (severity, blast radius)")
	r = admin.run(t, "incident", "update", "INC-1", "--severity", "SEV9").want(t, exitError)
	has(t, "bad severity", r.stderr, "firebreak: severity: unknown severity \"SEV9\"")
	r = admin.run(t, "incident", "stage", "INC-1", "resolved", "--reason", "rolled back").want(t, 0)
	has(t, "stage", r.stdout, "INC-1 moved from Fix to Resolved.")

	// show → timeline
	r = admin.run(t, "incident", "show", "INC-1").want(t, 0)
	has(t, "show", r.stdout, "INC-1  Checkout fails for EU customers", "Stage:", "Resolved", "Severity:      SEV1",
		"Services:      api, web", "12 support tickets (EU only)", "Incident Manager        admin",
		"Domain Experts          bob", "Timeline:", "★ Rolled back 1.42", "stage Fix → Resolved: rolled back")
	r = admin.run(t, "incident", "timeline", "INC-1").want(t, 0)
	has(t, "timeline", r.stdout, `declared "Checkout fails for EU customers" (SEV2, Fix)`, "bob is a Domain Expert",
		"bob is no longer the Communications Manager", "★ Rolled back 1.42", "Errors are gone", "severity: SEV2 → SEV1",
		"stage Fix → Resolved: rolled back")
	r = admin.run(t, "incident", "timeline", "INC-1", "--key-moments").want(t, 0)
	if strings.Contains(r.stdout, "Errors are gone") || !strings.Contains(r.stdout, "Rolled back 1.42") {
		t.Errorf("timeline --key-moments:\n%s", r.stdout)
	}

	// --json is the API's JSON.
	r = admin.run(t, "incident", "show", "INC-1", "--json").want(t, 0)
	var inc struct {
		Ref     string `json:"ref"`
		Stage   string `json:"stage"`
		Version int64  `json:"version"`
		People  map[string]struct {
			Handle string `json:"handle"`
		} `json:"people"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &inc); err != nil || inc.Ref != "INC-1" || inc.Stage != "resolved" || inc.Version < 5 {
		t.Errorf("show --json: %v\n%s", err, r.stdout)
	}
	r = admin.run(t, "--json", "incident", "timeline", "INC-1").want(t, 0)
	var tl struct {
		Events []struct {
			Kind string `json:"kind"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &tl); err != nil || len(tl.Events) < 7 || tl.Events[0].Kind != "declared" {
		t.Errorf("timeline --json: %v\n%s", err, r.stdout)
	}

	// Errors from the server: a missing incident, a bad token.
	r = admin.run(t, "incident", "show", "INC-99").want(t, exitError)
	has(t, "missing incident", r.stderr, "firebreak: ", "INC-99")
	r = admin.with("FIREBREAK_TOKEN", "fbk_bogus").run(t, "incident", "list").want(t, exitError)
	has(t, "bad token", r.stderr, "firebreak: invalid, expired or revoked API token", "firebreak login")

	// People.
	r = admin.run(t, "user", "list").want(t, 0)
	has(t, "user list", r.stdout, "HANDLE", "admin", "bob", "bob@example.com", "active")
	admin.run(t, "user", "update", "@bob", "--level", "viewer", "--time-zone", "Europe/Vienna").want(t, 0)
	r = admin.run(t, "user", "disable", "bob").want(t, 0)
	has(t, "user disable", r.stdout, "Disabled user bob (Bob Builder).")
	r = admin.run(t, "user", "list").want(t, 0)
	if !regexp.MustCompile(`bob\s+Bob Builder\s+bob@example.com\s+viewer\s+Europe/Vienna\s+disabled`).MatchString(r.stdout) {
		t.Errorf("user list after update and disable:\n%s", r.stdout)
	}
	admin.run(t, "team", "update", "Payments", "--name", "Billing").want(t, 0)
	admin.run(t, "team", "members", "Billing", "--clear").want(t, 0)
	r = admin.run(t, "team", "list").want(t, 0)
	has(t, "team list", r.stdout, "Billing", "Takes the money")
	r = admin.run(t, "service", "delete", "web").want(t, 0)
	admin.run(t, "team", "delete", "Billing").want(t, 0)
	r = admin.run(t, "whoami").want(t, 0)
	has(t, "whoami", r.stdout, "admin", "admin@", "on "+s.URL)
}

func TestLoginStoresCredentials(t *testing.T) {
	s := apptest.Start(t)
	c := cli(t)
	credPath := filepath.Join(c.env["XDG_CONFIG_HOME"], "firebreak", "credentials.json")

	r := c.input("wrong password\n").run(t, "login", "--url", s.URL, "--user", "admin", "--password-stdin").want(t, exitError)
	has(t, "wrong password", r.stderr, "firebreak: ")
	if _, err := os.Stat(credPath); err == nil {
		t.Fatal("a failed login stored credentials")
	}

	r = c.input(s.AdminPassword+"\n").run(t, "login", "--url", s.URL+"/", "--user", "admin", "--password-stdin").want(t, 0)
	has(t, "login", r.stdout, "Signed in to "+s.URL+" as admin", credPath)
	fi, err := os.Stat(credPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credentials mode %v, want 0600", fi.Mode().Perm())
	}
	var stored credentials
	b, _ := os.ReadFile(credPath)
	if err := json.Unmarshal(b, &stored); err != nil || stored.URL != s.URL || !strings.HasPrefix(stored.Token, "fbk_") {
		t.Fatalf("stored %s (%v)", b, err)
	}
	if strings.Contains(r.stdout+r.stderr, stored.Token) {
		t.Error("login printed the token")
	}

	// Later commands use the stored login.
	r = c.run(t, "whoami").want(t, 0)
	has(t, "whoami", r.stdout, "admin", "on "+s.URL)
	r = c.run(t, "incident", "list").want(t, 0)
	has(t, "incident list", r.stdout, "No incidents match.")
	r = c.run(t, "token", "list").want(t, 0)
	if !regexp.MustCompile(`cli@\S+\s+admin\s+just now\s+just now`).MatchString(r.stdout) {
		t.Errorf("token list does not show the login's token as used:\n%s", r.stdout)
	}

	// A login with handle and password on piped stdin, as a script would.
	c.input("admin\n"+s.AdminPassword+"\n").run(t, "login", "--url", s.URL).want(t, 0)

	// A token for a script: printed alone on stdout, then revoked.
	r = c.run(t, "token", "create", "ci", "--expires", "30d").want(t, 0)
	secret := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(secret, "fbk_") || strings.Contains(secret, "\n") {
		t.Fatalf("token create stdout %q", r.stdout)
	}
	has(t, "token create", r.stderr, "not shown again")
	script := cli(t).with("FIREBREAK_URL", s.URL).with("FIREBREAK_TOKEN", secret)
	script.run(t, "whoami").want(t, 0)
	r = c.run(t, "--json", "token", "list").want(t, 0)
	var tokens struct {
		Tokens []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &tokens); err != nil {
		t.Fatal(err)
	}
	var ciID int64
	for _, tok := range tokens.Tokens {
		if tok.Name == "ci" {
			ciID = tok.ID
		}
	}
	c.run(t, "token", "revoke", strconv.FormatInt(ciID, 10)).want(t, 0)
	script.run(t, "whoami").want(t, exitError)

	// logout forgets the stored login.
	r = c.run(t, "logout").want(t, 0)
	has(t, "logout", r.stdout, "Signed out of "+s.URL)
	if _, err := os.Stat(credPath); err == nil {
		t.Error("logout left the credentials file")
	}
	r = c.run(t, "whoami").want(t, exitError)
	has(t, "whoami after logout", r.stderr, "firebreak: not signed in")
}
