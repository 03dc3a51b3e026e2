package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

// TestUIInsideTheWholeNode checks the UI as the composition root mounts it:
// behind its middleware (access log, metrics, CSP, cross-origin protection),
// signing in with the bootstrap admin, declaring through the form, and a
// live stream that flushes through the wrapped response writer.
func TestUIInsideTheWholeNode(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: srv.URL, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	if res := c.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Fatalf("signed out GET /: %d %q", res.status, res.header.Get("Location"))
	}
	res := c.post("/login", url.Values{"login": {"admin"}, "password": {srv.AdminPassword}, "next": {"/"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("admin login: %d\n%s", res.status, text(res.body))
	}
	res = c.get("/")
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("GET /: %d, CSP %q", res.status, res.header.Get("Content-Security-Policy"))
	}
	res = c.post("/incidents", url.Values{"title": {"Whole-node check"}, "severity": {"SEV3"}, "take_manager": {"1"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/incidents/INC-1" {
		t.Fatalf("declare: %d %q\n%s", res.status, res.header.Get("Location"), text(res.body))
	}
	mustContain(t, "incident page", text(c.get("/incidents/INC-1").body), "Whole-node check", "Administrator declared the incident as SEV3, in Fix")

	// A form posted from another site is refused before it reaches the UI.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/incidents/INC-1/notes", strings.NewReader("text=csrf"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := c.do(req); res.status != http.StatusForbidden {
		t.Errorf("cross-site form post: %d, want 403", res.status)
	}

	// The live stream flushes through the node's middleware.
	c.http.Timeout = 0
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/incidents/INC-1/live?v=1", nil)
	stream, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	lines := bufio.NewScanner(stream.Body)
	lines.Scan() // the stream is open and subscribed
	if _, err := srv.App.Incidents.AddNote(srv.AdminContext(), 1, "checking the stream", false); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
		if lines.Text() == "event: changed" {
			return
		}
	}
	t.Fatalf("no changed event through the whole node (%v)", lines.Err())
}
