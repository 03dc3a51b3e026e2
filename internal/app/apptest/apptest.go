// Package apptest runs a whole Firebreak node in-process for tests: real
// store (SQLite or PostgreSQL), real job queue, real HTTP server on a
// loopback port. Packages that use Postgres must call pgtest.Main from
// their TestMain.
package apptest

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

// Server is a running node and the admin who can drive it.
type Server struct {
	URL           string // e.g. http://127.0.0.1:41234
	App           *app.App
	AdminPassword string
	AdminToken    string       // API token of the admin
	Admin         access.Actor // the admin, for calling services directly

	stop func()
}

// Stop shuts the node down before the test ends (e.g. the node that "dies"
// in a two-node test); the other nodes on its database carry on.
func (s *Server) Stop() { s.stop() }

type options struct {
	postgres    bool
	databaseURL string
	configure   []func(*config.Config)
	app         app.Options
	logOut      io.Writer
}

// Option changes how Start builds the node.
type Option func(*options)

// Postgres runs the node on a fresh PostgreSQL database instead of SQLite.
func Postgres() Option { return func(o *options) { o.postgres = true } }

// Database runs the node on an existing PostgreSQL database (for two nodes
// sharing one database).
func Database(url string) Option {
	return func(o *options) { o.postgres, o.databaseURL = true, url }
}

// Configure edits the configuration before the node is built.
func Configure(f func(*config.Config)) Option {
	return func(o *options) { o.configure = append(o.configure, f) }
}

// AppOptions sets the node's build options (clock, poll interval, HTTP client).
func AppOptions(ao app.Options) Option { return func(o *options) { o.app = ao } }

// Logs sends the node's logs to w (default: discarded; FIREBREAK_TEST_LOGS=1 shows them).
func Logs(w io.Writer) Option { return func(o *options) { o.logOut = w } }

// Start runs a node until the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := options{logOut: io.Discard}
	if os.Getenv("FIREBREAK_TEST_LOGS") != "" {
		o.logOut = os.Stderr
	}
	for _, opt := range opts {
		opt(&o)
	}
	if o.app.JobPoll == 0 {
		o.app.JobPoll = 50 * time.Millisecond
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	cfg := config.Default()
	cfg.Listen = ln.Addr().String()
	cfg.BaseURL = url
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.ShutdownTimeout = 5 * time.Second
	if o.postgres {
		cfg.DatabaseURL = o.databaseURL
		if cfg.DatabaseURL == "" {
			cfg.DatabaseURL = pgtest.NewDatabase(t)
		}
	}
	for _, f := range o.configure {
		f(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, o.logOut, o.app)
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("build node: %v", err)
	}
	s := &Server{URL: url, App: a}
	sys := access.With(ctx, access.System)
	password, created, err := a.Auth.Bootstrap(sys)
	if err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("node shutdown: %v", err)
			}
		})
	}
	t.Cleanup(s.stop)
	if created {
		s.AdminPassword = password
		session, _, err := a.Auth.Login(ctx, "admin", password, "apptest", "127.0.0.1")
		if err != nil {
			t.Fatalf("admin login: %v", err)
		}
		s.Admin, err = a.Auth.ActorForSession(ctx, session)
		if err != nil {
			t.Fatal(err)
		}
		s.AdminToken, _, err = a.Auth.CreateToken(s.AdminContext(), "apptest", nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// EachStore runs fn against a node on SQLite and a node on PostgreSQL.
func EachStore(t *testing.T, fn func(t *testing.T, s *Server), opts ...Option) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			o := opts
			if d == store.Postgres {
				o = append([]Option{Postgres()}, opts...)
			}
			fn(t, Start(t, o...))
		})
	}
}

// AdminContext is a context acting as the admin, for calling services directly.
func (s *Server) AdminContext() context.Context {
	return access.With(context.Background(), s.Admin)
}

// User creates a user with the given level and password and returns it with
// an API token of theirs.
func (s *Server) User(t testing.TB, handle, name string, level access.Level, password string) (auth.User, string) {
	t.Helper()
	u, err := s.App.Auth.CreateUser(s.AdminContext(), auth.UserInput{
		Handle: handle, Name: name, Email: handle + "@example.com", TimeZone: "UTC",
		Level: level.String(), Password: password,
	})
	if err != nil {
		t.Fatalf("create user %s: %v", handle, err)
	}
	actor := access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: level, Source: "apptest"}
	token, _, err := s.App.Auth.CreateToken(access.With(context.Background(), actor), "apptest", nil)
	if err != nil {
		t.Fatalf("token for %s: %v", handle, err)
	}
	return u, token
}
