package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/live"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/web"
)

// password is every test user's password.
const password = "correct horse battery staple"

// env is a web UI served over real HTTP on a real SQLite store, wired as the
// composition root wires it (cross-origin protection and the production
// Content-Security-Policy included), with three people: Alice (admin), Bob
// (responder) and Vic (viewer).
type env struct {
	URL       string
	Store     *store.Store
	Incidents *incident.Service
	Auth      *auth.Service
	Catalog   *catalog.Catalog
	Triage    *detect.Service
	Status    *statuspage.Service
	Hub       *live.Hub
	Alice     auth.User
	Bob       auth.User
	Vic       auth.User
}

// csp is the policy the composition root sends; the UI must work under it.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func start(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "", filepath.Join(t.TempDir(), "db", "firebreak.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hub := live.NewHub()
	st.OnCommit(hub.Publish)
	e := &env{Store: st, Hub: hub}
	e.Auth = auth.NewService(st.Auth(), time.Now)
	e.Catalog = catalog.NewCatalog(st.Catalog(), time.Now)
	e.Incidents = incident.NewService(st.Incidents(nil), e.Auth, e.Catalog, incident.DefaultScale, time.Now, nil)
	e.Triage = detect.NewService(st.Alerts(nil), e.Incidents, incident.DefaultScale.Names(), nil, time.Now, nil)
	e.Status = statuspage.NewService(st.StatusPages(nil), e.Incidents, time.Now)

	srv := httptest.NewUnstartedServer(nil)
	e.URL = "http://" + srv.Listener.Addr().String()
	h := web.New(web.Deps{Incidents: e.Incidents, Auth: e.Auth, Catalog: e.Catalog, Triage: e.Triage, Status: e.Status, Hub: hub, BaseURL: e.URL})
	h = http.NewCrossOriginProtection().Handler(h)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		h.ServeHTTP(w, r)
	})
	srv.Start()
	t.Cleanup(func() { hub.Close(); srv.Close() })

	sys := access.With(ctx, access.System)
	mk := func(handle, name string, level access.Level) auth.User {
		u, err := e.Auth.CreateUser(sys, auth.UserInput{Handle: handle, Name: name, Email: handle + "@example.com",
			TimeZone: "UTC", Level: level.String(), Password: password})
		if err != nil {
			t.Fatalf("create %s: %v", handle, err)
		}
		return u
	}
	e.Alice = mk("alice", "Alice Admin", access.Admin)
	e.Bob = mk("bob", "Bob Builder", access.Responder)
	e.Vic = mk("vic", "Vic Viewer", access.Viewer)
	for _, name := range []string{"checkout-api", "payments"} {
		if _, err := e.Catalog.CreateService(sys, catalog.ServiceInput{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// as is a context acting as u, for calling the services directly.
func (e *env) as(u auth.User) context.Context {
	return access.With(context.Background(), access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: u.Level, Source: "test"})
}

// declare creates an incident as u, through the service.
func (e *env) declare(t testing.TB, u auth.User, title string) *incident.Incident {
	t.Helper()
	inc, err := e.Incidents.Declare(e.as(u), incident.DeclareInput{Title: title, Severity: "SEV2", TakeManager: true})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// client is a browser-like HTTP client: it keeps cookies and does not follow
// redirects, so tests can see them.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

func (e *env) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: e.URL, http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs in through the form and fails the test if that does not work.
func (e *env) login(t testing.TB, u auth.User) *client {
	t.Helper()
	c := e.client(t)
	res := c.post("/login", url.Values{"login": {u.Handle}, "password": {password}, "next": {"/"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("login %s: status %d\n%s", u.Handle, res.status, res.body)
	}
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// text is the visible text of an HTML page, tags removed and spaces
// collapsed, for assertions that read like what a person sees.
func text(html string) string {
	html = regexp.MustCompile(`(?s)<head>.*?</head>`).ReplaceAllString(html, " ")
	html = regexp.MustCompile(`<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>`).ReplaceAllString(html, " ")
	html = regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(html, " ")
	for from, to := range map[string]string{"&#34;": `"`, "&#39;": "'", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": `"`} {
		html = strings.ReplaceAll(html, from, to)
	}
	return strings.Join(strings.Fields(html), " ")
}

func mustContain(t testing.TB, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, s)
		}
	}
}

func mustNotContain(t testing.TB, what, s string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(s, w) {
			t.Errorf("%s contains %q:\n%s", what, w, s)
		}
	}
}
