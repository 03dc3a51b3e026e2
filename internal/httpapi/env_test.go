package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/httpapi"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// adminPassword is the password of the seeded admin (handle "admin").
const adminPassword = "correct horse battery staple"

// person is a seeded user and an API token of theirs.
type person struct {
	auth.User
	token string
}

// env is the whole stack in-process: a migrated store, the real services,
// and the API served by httptest, with an admin, two responders and a viewer.
type env struct {
	t     testing.TB
	url   string
	store *store.Store
	auth  *auth.Service
	cat   *catalog.Catalog
	inc   *incident.Service
	tri   *detect.Service
	log   *lockedBuffer
	pm    *postmortem.Service // the Improve stage (postmortems_test.go)

	admin, ann, bob, vic person // admin; responders ann and bob; viewer vic
}

// eachDB runs fn on SQLite and on PostgreSQL (skipped when no PostgreSQL is
// available, unless FIREBREAK_TEST_REQUIRE names it).
func eachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) { fn(t, newEnv(t, db)) })
	}
}

func newEnv(t testing.TB, db string) *env {
	t.Helper()
	ctx := context.Background()
	url := ""
	if db == "postgres" {
		url = pgtest.NewDatabase(t)
	}
	st, err := store.Open(ctx, url, filepath.Join(t.TempDir(), "firebreak.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, store: st, log: &lockedBuffer{}}
	e.auth = auth.NewService(st.Auth(), time.Now)
	e.cat = catalog.NewCatalog(st.Catalog(), time.Now)
	e.inc = incident.NewService(st.Incidents(nil), e.auth, e.cat, incident.DefaultScale, time.Now, nil)
	e.tri = detect.NewService(st.Alerts(nil), e.inc, incident.DefaultScale.Names(), nil, time.Now, nil)
	logger := slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sp := statuspage.NewService(st.StatusPages(nil), e.inc, time.Now)
	e.pm = newPostmortems(st, e.inc, e.auth)
	srv := httptest.NewServer(httpapi.New(httpapi.Deps{Incidents: e.inc, Auth: e.auth, Catalog: e.cat, Triage: e.tri, Status: sp, Log: logger,
		OnCall: oncall.NewService(st.OnCall(), time.Now), Postmortems: e.pm, Chat: newChat(st, e), Notify: newNotify(st, e), Publishing: newPublishing(t, st), Paging: newPaging(st)}))
	t.Cleanup(srv.Close)
	e.url = srv.URL

	sys := access.With(ctx, access.System)
	e.admin = e.seed(sys, auth.UserInput{Handle: "admin", Name: "Ada Admin", Email: "admin@example.com", Level: "admin", Password: adminPassword})
	e.ann = e.seed(sys, auth.UserInput{Handle: "ann", Name: "Ann Responder", Email: "ann@example.com", Level: "responder"})
	e.bob = e.seed(sys, auth.UserInput{Handle: "bob", Name: "Bob Responder", Email: "bob@example.com", Level: "responder"})
	e.vic = e.seed(sys, auth.UserInput{Handle: "vic", Name: "Vic Viewer", Email: "vic@example.com", Level: "viewer"})
	return e
}

func (e *env) seed(ctx context.Context, in auth.UserInput) person {
	e.t.Helper()
	u, err := e.auth.CreateUser(ctx, in)
	if err != nil {
		e.t.Fatalf("seed %s: %v", in.Handle, err)
	}
	tok, _, err := e.auth.CreateToken(access.With(ctx, actorOf(u)), "test", nil)
	if err != nil {
		e.t.Fatalf("token for %s: %v", in.Handle, err)
	}
	return person{User: u, token: tok}
}

func actorOf(u auth.User) access.Actor {
	return access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: u.Level, Source: "test"}
}

// ctx acts as p when calling services directly.
func (e *env) ctx(p person) context.Context {
	return access.With(context.Background(), actorOf(p.User))
}

// req is one API call of a test.
type req struct {
	method, path string
	token        string            // "" sends no Authorization
	body         any               // string and []byte are sent as they are; anything else as JSON
	contentType  string            // default application/json when there is a body; "-" for none
	header       map[string]string // extra headers
}

// res is an answer.
type res struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t testing.TB, r req) res {
	t.Helper()
	var body io.Reader
	if r.body != nil {
		switch b := r.body.(type) {
		case string:
			body = strings.NewReader(b)
		case []byte:
			body = bytes.NewReader(b)
		default:
			j, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			body = bytes.NewReader(j)
		}
	}
	hr, err := http.NewRequest(r.method, e.url+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case r.contentType == "-":
	case r.contentType != "":
		hr.Header.Set("Content-Type", r.contentType)
	case r.body != nil:
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res{status: resp.StatusCode, header: resp.Header, body: b}
}

// ok checks a success status and decodes the body into out (when not nil).
func (e *env) ok(t testing.TB, r req, want int, out any) res {
	t.Helper()
	got := e.do(t, r)
	if got.status != want {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.method, r.path, got.status, want, got.body)
	}
	if out != nil {
		if ct := got.header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("%s %s: Content-Type %q, want application/json", r.method, r.path, ct)
		}
		if err := json.Unmarshal(got.body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", r.method, r.path, got.body, err)
		}
	}
	return got
}

// problem is a decoded problem answer.
type problem struct {
	Type      string          `json:"type"`
	Title     string          `json:"title"`
	Status    int             `json:"status"`
	Detail    string          `json:"detail"`
	Instance  string          `json:"instance"`
	Field     string          `json:"field"`
	Current   json.RawMessage `json:"current"`
	RequestID string          `json:"request_id"`
	header    http.Header
}

// fails checks that r is refused with status and a problem whose detail
// contains every one of words.
func (e *env) fails(t testing.TB, r req, status int, words ...string) problem {
	t.Helper()
	got := e.do(t, r)
	if got.status != status {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.method, r.path, got.status, status, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s %s: Content-Type %q, want application/problem+json; body: %s", r.method, r.path, ct, got.body)
	}
	var p problem
	if err := json.Unmarshal(got.body, &p); err != nil {
		t.Fatalf("%s %s: problem %s: %v", r.method, r.path, got.body, err)
	}
	p.header = got.header
	if p.Status != status || p.Title == "" || p.Detail == "" || !strings.HasPrefix(p.Type, "urn:firebreak:problem:") || p.RequestID == "" {
		t.Errorf("%s %s: incomplete problem %s", r.method, r.path, got.body)
	}
	if p.Instance != strings.SplitN(r.path, "?", 2)[0] {
		t.Errorf("%s %s: instance %q", r.method, r.path, p.Instance)
	}
	for _, w := range words {
		if !strings.Contains(p.Detail, w) {
			t.Errorf("%s %s: detail %q does not contain %q", r.method, r.path, p.Detail, w)
		}
	}
	return p
}

// incidentJSON is an incident as the API answers it.
type incidentJSON struct {
	incident.Incident
	Ref    string `json:"ref"`
	People map[string]struct {
		Handle string `json:"handle"`
		Name   string `json:"name"`
	} `json:"people"`
}

// declare declares an incident as p through the API.
func (e *env) declare(t testing.TB, p person, body map[string]any) incidentJSON {
	t.Helper()
	var inc incidentJSON
	e.ok(t, req{method: "POST", path: "/api/v1/incidents", token: p.token, body: body}, http.StatusCreated, &inc)
	return inc
}

// get reads an incident back through the service, bypassing the API.
func (e *env) get(t testing.TB, number int64) *incident.Incident {
	t.Helper()
	inc, err := e.inc.Get(e.ctx(e.admin), number)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// count is how many incidents exist.
func (e *env) count(t testing.TB) int {
	t.Helper()
	page, err := e.inc.List(e.ctx(e.admin), incident.Filter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Incidents)
}

func (e *env) timelineLen(t testing.TB, number int64) int {
	t.Helper()
	ev, err := e.inc.Timeline(e.ctx(e.admin), number)
	if err != nil {
		t.Fatal(err)
	}
	return len(ev)
}

// lockedBuffer holds the server's log, written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
