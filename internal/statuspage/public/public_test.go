package public_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func ptr[T any](v T) *T { return &v }

func get(t *testing.T, u string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// waitFor polls the public page until it shows want (the snapshot is rebuilt
// when the publish commits).
func waitFor(t *testing.T, u, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get(t, u)
		if strings.Contains(body, want) {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never showed %q:\n%s", u, want, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s>]+`)

// TestPublicPagesAndSubscribers: a fresh node serves the default page; a
// publish shows on the page and in the JSON within moments; an email
// subscriber confirms by the link in a real email, gets the next update
// with a List-Unsubscribe header, and the unsubscribe link works.
func TestPublicPagesAndSubscribers(t *testing.T) {
	eachNode(t, func(t *testing.T, s *apptest.Server, mail *smtptest.Server) {
		ctx := s.AdminContext()
		sp := s.App.StatusPages

		// A fresh installation: one default page, no components, all good.
		resp, body := get(t, s.URL+"/status")
		if resp.StatusCode != 200 || !strings.Contains(body, "All Systems Operational") {
			t.Fatalf("fresh /status: %d %s", resp.StatusCode, body)
		}
		if resp.Header.Get("ETag") == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") || resp.Header.Get("Last-Modified") == "" {
			t.Errorf("cache headers %v", resp.Header)
		}
		r304, _ := get(t, s.URL+"/status", "If-None-Match", resp.Header.Get("ETag"))
		if r304.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", r304.StatusCode)
		}
		_, js := get(t, s.URL+"/api/v2/status.json")
		if !strings.Contains(js, `"indicator":"none"`) {
			t.Errorf("status.json %s", js)
		}

		page, _ := sp.DefaultPage(ctx)
		g, err := sp.SaveGroup(ctx, page.ID, 0, statuspage.GroupInput{Name: ptr("Common Features")})
		if err != nil {
			t.Fatal(err)
		}
		plugins, _ := sp.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Plugins"), GroupID: &g.ID})
		push, _ := sp.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Push Notifications"), GroupID: &g.ID})

		// Subscribe through the public form.
		form := url.Values{"email": {"reader@example.com"}, "component": {itoa(plugins.ID)}}
		presp, err := http.PostForm(s.URL+"/status/subscribe", form)
		if err != nil {
			t.Fatal(err)
		}
		pbody, _ := io.ReadAll(presp.Body)
		presp.Body.Close()
		if presp.StatusCode != 200 || !strings.Contains(string(pbody), "Check your inbox") {
			t.Fatalf("subscribe: %d %s", presp.StatusCode, pbody)
		}
		confirm := mail.Wait(t, 1, 10*time.Second)[0]
		if confirm.To[0] != "reader@example.com" || !strings.Contains(confirm.Header.Get("Subject"), "Confirm") {
			t.Fatalf("confirmation email %+v", confirm)
		}
		link := linkRE.FindString(confirm.Body)
		if cr, cbody := get(t, link); cr.StatusCode != 200 || !strings.Contains(cbody, "You are subscribed") {
			t.Fatalf("confirm link %s: %d %s", link, cr.StatusCode, cbody)
		}

		inc, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "Analytics is not available on the US infrastructure", Severity: "SEV1", TakeManager: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = sp.Publish(ctx, inc.Number, statuspage.UpdateInput{Status: statuspage.Identified,
			Body:       "Customers hosted on the US infrastructure can't open the Analytics Interface.",
			Components: []statuspage.ComponentChange{{ComponentID: plugins.ID, Status: statuspage.MajorOutage}, {ComponentID: push.ID, Status: statuspage.PartialOutage}}})
		if err != nil {
			t.Fatal(err)
		}
		home := waitFor(t, s.URL+"/status", "Analytics is not available on the US infrastructure")
		if !strings.Contains(home, "Major System Outage") || !strings.Contains(home, "This incident affected: Common Features (Plugins, Push Notifications)") {
			t.Errorf("overview after publish:\n%s", home)
		}
		_, sum := get(t, s.URL+"/api/v2/summary.json")
		var doc statuspage.APISummary
		if err := json.Unmarshal([]byte(sum), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Status.Indicator != "critical" || len(doc.Incidents) != 1 || doc.Incidents[0].IncidentUpdates[0].Status != "identified" {
			t.Errorf("summary %+v", doc)
		}

		// The update reaches the subscriber, with a working one-click unsubscribe.
		msgs := mail.Wait(t, 2, 10*time.Second)
		upd := msgs[1]
		if !strings.Contains(upd.Header.Get("Subject"), "Identified: Analytics is not available") {
			t.Errorf("update subject %q", upd.Header.Get("Subject"))
		}
		lu := strings.Trim(upd.Header.Get("List-Unsubscribe"), "<>")
		if lu == "" || upd.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(upd.Body, lu) {
			t.Fatalf("unsubscribe headers %v body %s", upd.Header, upd.Body)
		}
		if gr, gbody := get(t, lu); gr.StatusCode != 200 || !strings.Contains(gbody, "Unsubscribe?") {
			t.Errorf("GET unsubscribe: %d %s", gr.StatusCode, gbody)
		}
		ur, err := http.Post(lu, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		ur.Body.Close()
		if ur.StatusCode != 200 {
			t.Fatalf("one-click unsubscribe: %d", ur.StatusCode)
		}
		if subs, _ := sp.Subscribers(ctx, page.ID); len(subs) != 0 {
			t.Errorf("still subscribed: %+v", subs)
		}
		// Deliveries are visible to admins.
		pubs, _ := sp.PublicIncidentsOf(ctx, inc.Number)
		if _, err := sp.Deliveries(ctx, pubs[0].Updates[0].ID); err != nil {
			t.Error(err)
		}
		// A viewer may not read subscribers.
		viewer, _ := s.User(t, "vic", "Vic", access.Viewer, "correct horse battery")
		vctx := access.With(context.Background(), access.Actor{UserID: viewer.ID, Name: "Vic", Level: access.Viewer})
		if _, err := sp.Subscribers(vctx, page.ID); err == nil {
			t.Error("a viewer listed subscribers")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// eachNode runs fn on a node on SQLite and one on PostgreSQL, each sending
// its email to its own real in-process SMTP server.
func eachNode(t *testing.T, fn func(t *testing.T, s *apptest.Server, mail *smtptest.Server)) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) {
			mail := smtptest.Start(t)
			opts := []apptest.Option{apptest.Configure(func(c *config.Config) {
				c.SMTP = config.SMTPConfig{Host: net.JoinHostPort(mail.Host, strconv.Itoa(mail.Port)), From: "Acme Status <status@acme.example>", TLS: "none"}
			})}
			if pg {
				opts = append(opts, apptest.Postgres())
			}
			fn(t, apptest.Start(t, opts...), mail)
		})
	}
}

// TestGzipRepresentation: a client that takes gzip gets the precompressed
// copy with its own ETag, and a 304 for it.
func TestGzipRepresentation(t *testing.T) {
	s := apptest.Start(t)
	resp, body := get(t, s.URL+"/api/v2/summary.json", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(resp.Header.Get("ETag"), `-gz"`) || resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v", resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !strings.Contains(string(plain), `"indicator":"none"`) {
		t.Errorf("decompressed %s", plain)
	}
	r2, _ := get(t, s.URL+"/api/v2/summary.json", "Accept-Encoding", "gzip", "If-None-Match", resp.Header.Get("ETag"))
	if r2.StatusCode != http.StatusNotModified {
		t.Errorf("304 for the gzip ETag: %d", r2.StatusCode)
	}
	r3, _ := get(t, s.URL+"/api/v2/summary.json", "Accept-Encoding", "identity")
	if r3.Header.Get("Content-Encoding") != "" {
		t.Errorf("identity got %q", r3.Header.Get("Content-Encoding"))
	}
}

// TestOwnListener: with status_listen set, a second listener serves the
// public pages and their JSON, and nothing else of Firebreak.
func TestOwnListener(t *testing.T) {
	s := apptest.Start(t, apptest.Configure(func(c *config.Config) { c.StatusListen = "127.0.0.1:0" }))
	deadline := time.Now().Add(5 * time.Second)
	for s.App.StatusAddr() == "" {
		if time.Now().After(deadline) {
			t.Fatal("the status listener did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	base := "http://" + s.App.StatusAddr()
	if resp, body := get(t, base+"/"); resp.StatusCode != 200 || !strings.Contains(body, "All Systems Operational") {
		t.Errorf("/: %d", resp.StatusCode)
	}
	if resp, body := get(t, base+"/api/v2/status.json"); resp.StatusCode != 200 || !strings.Contains(body, `"indicator":"none"`) {
		t.Errorf("status.json: %d %s", resp.StatusCode, body)
	}
	for _, p := range []string{"/api/v1/me", "/login", "/incidents/INC-1"} {
		if resp, _ := get(t, base+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s on the status listener: %d", p, resp.StatusCode)
		}
	}
}

// TestSubscribeIsRateLimited: one address cannot make Firebreak send
// confirmation emails without end.
func TestSubscribeIsRateLimited(t *testing.T) {
	s := apptest.Start(t)
	var codes []int
	for i := range 7 {
		resp, err := http.PostForm(s.URL+"/status/subscribe", url.Values{"email": {"r" + strconv.Itoa(i) + "@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != 200 || codes[4] != 200 || codes[5] != http.StatusTooManyRequests || codes[6] != http.StatusTooManyRequests {
		t.Errorf("status codes %v", codes)
	}
}

// TestSeveralPages: a second page is served at /status/<slug> with its own
// JSON, and at the root of its own host name.
func TestSeveralPages(t *testing.T) {
	s := apptest.Start(t)
	ctx := s.AdminContext()
	eu, err := s.App.StatusPages.CreatePage(ctx, statuspage.PageInput{Slug: ptr("eu"), Name: ptr("EU infrastructure"),
		TimeZone: ptr("Europe/Berlin"), Host: ptr("status.example.eu")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.StatusPages.SaveComponent(ctx, eu.ID, 0, statuspage.ComponentInput{Name: ptr("EU API"), Status: ptr(statuspage.MajorOutage)}); err != nil {
		t.Fatal(err)
	}
	body := waitFor(t, s.URL+"/status/eu", "EU API")
	if !strings.Contains(body, "Major System Outage") || !strings.Contains(body, `href="/status/eu/history"`) {
		t.Errorf("/status/eu:\n%s", body)
	}
	if _, js := get(t, s.URL+"/status/eu/api/v2/components.json"); !strings.Contains(js, `"name":"EU API"`) {
		t.Errorf("eu components.json %s", js)
	}
	if _, def := get(t, s.URL+"/status"); strings.Contains(def, "EU API") || !strings.Contains(def, "All Systems Operational") {
		t.Errorf("the default page shows the EU page's component")
	}
	req, _ := http.NewRequest("GET", s.URL+"/", nil)
	req.Host = "status.example.eu"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "EU API") || !strings.Contains(string(b), `href="/history"`) {
		t.Errorf("on its own host: %d\n%s", resp.StatusCode, b)
	}
}
