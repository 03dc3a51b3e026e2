package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/config"
)

// result is what one run of the command line printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// invocation runs firebreak in-process with its own environment.
type invocation struct {
	env   map[string]string
	stdin string
	serve ServeFunc
}

// cli starts an invocation whose environment has only an empty config directory.
func cli(t *testing.T) *invocation {
	t.Helper()
	return &invocation{env: map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "HOME": t.TempDir()}}
}

func (i *invocation) with(key, value string) *invocation {
	env := map[string]string{}
	for k, v := range i.env {
		env[k] = v
	}
	env[key] = value
	return &invocation{env: env, stdin: i.stdin, serve: i.serve}
}

func (i *invocation) input(s string) *invocation {
	c := *i
	c.stdin = s
	return &c
}

func (i *invocation) run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, strings.NewReader(i.stdin), &stdout, &stderr,
		func(k string) string { return i.env[k] }, i.serve)
	return result{stdout.String(), stderr.String(), code}
}

// want fails the test unless the run exited with code.
func (r result) want(t *testing.T, code int) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	return r
}

func TestUsageErrorsExit2(t *testing.T) {
	c := cli(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{"incident"},
		{"incident", "show"},
		{"incident", "show", "not-an-id"},
		{"incident", "stage", "INC-4", "sideways"},
		{"incident", "role", "INC-4", "boss", "@bob"},
		{"incident", "role", "INC-4", "de", "@"},
		{"incident", "update", "INC-4", "--count", "tickets"},
		{"incident", "list", "--limit", "0"},
		{"incident", "list", "--stage", "nope"},
		{"incident", "declare"},
		{"user", "create", "ann"}, // --email is required
		{"user", "create", "ann", "--email", "a@example.com", "--level", "god"},
		{"incident", "note", "INC-4", "  "},
		{"token", "create", "ci", "--expires", "yesterday"},
		{"login"}, // no server named anywhere
		{"login", "--url", "ftp://x", "--user", "ann"},
		{"login", "--url", "http://127.0.0.1:1", "--password-stdin"},
		{"incident", "list", "--no-such-flag"},
	} {
		r := c.run(t, args...)
		if r.code != exitUsage {
			t.Errorf("firebreak %s: exit %d, want 2\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
			continue
		}
		if !strings.HasPrefix(r.stderr, "firebreak: ") {
			t.Errorf("firebreak %s: stderr %q does not start with \"firebreak: \"", strings.Join(args, " "), r.stderr)
		}
	}
}

func TestHelpExits0(t *testing.T) {
	c := cli(t)
	r := c.run(t, "--help").want(t, 0)
	for _, cmd := range []string{"login", "incident", "user", "team", "service", "token", "whoami", "serve", "migrate"} {
		if !strings.Contains(r.stdout, cmd) {
			t.Errorf("help does not list %s:\n%s", cmd, r.stdout)
		}
	}
	r = c.run(t).want(t, exitUsage) // bare firebreak: the commands, on stderr
	if r.stdout != "" || !strings.Contains(r.stderr, "incident") {
		t.Errorf("bare firebreak: stdout %q stderr %q", r.stdout, r.stderr)
	}
	r = c.run(t, "incident", "declare", "--help").want(t, 0)
	if !strings.Contains(r.stdout, "--take-manager") || !strings.Contains(r.stdout, "--severity") {
		t.Errorf("incident declare help:\n%s", r.stdout)
	}
}

func TestUsageErrorNamesTheCommandHelp(t *testing.T) {
	r := cli(t).run(t, "incident", "stage", "INC-4").want(t, exitUsage)
	if !strings.Contains(r.stderr, "firebreak incident stage --help") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestMissingCredentialsExit1(t *testing.T) {
	c := cli(t)
	r := c.run(t, "incident", "list").want(t, exitError)
	if !strings.Contains(r.stderr, "firebreak: not signed in") || !strings.Contains(r.stderr, "firebreak login") {
		t.Errorf("stderr: %s", r.stderr)
	}
	r = c.with("FIREBREAK_URL", "http://127.0.0.1:1").run(t, "whoami").want(t, exitError)
	if !strings.Contains(r.stderr, "firebreak: no API token for http://127.0.0.1:1") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestStoredTokenGoesOnlyToItsServer(t *testing.T) {
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":1,"handle":"ann","name":"Ann","email":"ann@example.com","level":"responder"}`)
	}))
	defer srv.Close()
	c := cli(t)
	dir := filepath.Join(c.env["XDG_CONFIG_HOME"], "firebreak")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "credentials.json"), []byte(`{"url":"`+srv.URL+`/","token":"fbk_stored"}`), 0o600)

	r := c.run(t, "whoami").want(t, 0)
	if !strings.Contains(r.stdout, "ann (Ann) <ann@example.com>, responder, on "+srv.URL) {
		t.Errorf("stdout: %s", r.stdout)
	}
	c.with("FIREBREAK_URL", srv.URL).run(t, "whoami").want(t, 0)              // same server: the stored token
	c.with("FIREBREAK_TOKEN", "fbk_env").run(t, "whoami").want(t, 0)          // the variable wins
	c.with("FIREBREAK_URL", "http://127.0.0.1:1").run(t, "whoami").want(t, 1) // elsewhere: not the stored token
	want := []string{"Bearer fbk_stored", "Bearer fbk_stored", "Bearer fbk_env"}
	if strings.Join(auth, "|") != strings.Join(want, "|") {
		t.Errorf("Authorization headers %q, want %q", auth, want)
	}
}

func TestStaleWriteShowsCurrentVersion(t *testing.T) {
	incident := `{"number":4,"title":"Checkout fails","severity":"SEV2","stage":"fix","version":3,"ref":"INC-4","roles":{"domain_experts":[]},"times":{}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET /api/v1/incidents/INC-4":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, incident)
		case "POST /api/v1/incidents/INC-4/stage":
			if r.Header.Get("If-Match") != `"3"` {
				t.Errorf("If-Match %q", r.Header.Get("If-Match"))
			}
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusPreconditionFailed)
			io.WriteString(w, `{"type":"urn:firebreak:problem:stale","title":"Changed by someone else","status":412,`+
				`"detail":"INC-4 was changed by someone else (you edited version 3, it is now at version 4); reload it and try again",`+
				`"current":{"number":4,"stage":"resolved","version":4,"ref":"INC-4"}}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
	}))
	defer srv.Close()
	r := cli(t).with("FIREBREAK_URL", srv.URL).with("FIREBREAK_TOKEN", "fbk_x").run(t, "incident", "stage", "inc-4", "Resolved").want(t, exitError)
	if !strings.Contains(r.stderr, "firebreak: INC-4 was changed by someone else") ||
		!strings.Contains(r.stderr, "the current version is 4 (stage Resolved)") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestProblemFieldIsNamed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"type":"urn:firebreak:problem:invalid","title":"Invalid input","status":400,"detail":"is required","field":"title"}`)
	}))
	defer srv.Close()
	r := cli(t).with("FIREBREAK_URL", srv.URL).with("FIREBREAK_TOKEN", "fbk_x").run(t, "incident", "declare", "x").want(t, exitError)
	if r.stderr != "firebreak: title: is required\n" {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestServeAndMigratePassOnlyTheFlagsSet(t *testing.T) {
	var got []config.Config
	var migrate []bool
	c := cli(t)
	c.serve = func(ctx context.Context, cfg config.Config, migrateOnly bool, stdout, stderr io.Writer) error {
		got = append(got, cfg)
		migrate = append(migrate, migrateOnly)
		return nil
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "firebreak.yaml")
	os.WriteFile(file, []byte("listen: 127.0.0.1:9999\ndata_dir: "+dir+"\n"), 0o600)

	c.run(t, "serve", "--config", file).want(t, 0)
	c.run(t, "serve", "--config", file, "--listen", "127.0.0.1:7000").want(t, 0)
	c.with("FIREBREAK_CONFIG", file).run(t, "migrate", "--data-dir", filepath.Join(dir, "other")).want(t, 0)
	if len(got) != 3 {
		t.Fatalf("serve ran %d times", len(got))
	}
	if got[0].Listen != "127.0.0.1:9999" || got[0].DataDir != dir || migrate[0] {
		t.Errorf("serve with the file: %+v migrate=%v", got[0], migrate[0])
	}
	if got[1].Listen != "127.0.0.1:7000" || got[1].DataDir != dir {
		t.Errorf("the --listen flag: %+v", got[1])
	}
	if got[2].Listen != "127.0.0.1:9999" || got[2].DataDir != filepath.Join(dir, "other") || !migrate[2] {
		t.Errorf("migrate with FIREBREAK_CONFIG and --data-dir: %+v migrate=%v", got[2], migrate[2])
	}
	r := c.run(t, "serve", "--config", filepath.Join(dir, "missing.yaml")).want(t, exitError)
	if !strings.Contains(r.stderr, "firebreak: config:") {
		t.Errorf("stderr: %s", r.stderr)
	}
}
