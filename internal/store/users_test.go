package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// fakeClock is a settable clock for services under test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func as(a access.Actor) context.Context { return access.With(context.Background(), a) }

var (
	viewerActor    = access.Actor{UserID: 990, Handle: "vic", Name: "Vic", Level: access.Viewer, Source: "test"}
	responderActor = access.Actor{UserID: 991, Handle: "rita", Name: "Rita", Level: access.Responder, Source: "test"}
)

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if !apperr.Is(err, code) {
		t.Fatalf("got error %v (code %s), want code %s", err, apperr.CodeOf(err), code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// auditCount returns the number of audit entries so far.
func auditAll(t *testing.T, s *store.Store) []audit.Entry {
	t.Helper()
	es, err := s.AuditLog(context.Background(), 0, 10000)
	must(t, err)
	return es
}

// expectOneAudit runs write and checks that it added exactly one audit
// entry, with the given action.
func expectOneAudit(t *testing.T, s *store.Store, action string, write func()) audit.Entry {
	t.Helper()
	before := len(auditAll(t, s))
	write()
	after := auditAll(t, s)
	if len(after) != before+1 {
		t.Fatalf("%s: audit entries went from %d to %d, want one more", action, before, len(after))
	}
	if after[0].Action != action {
		t.Fatalf("audit action = %q, want %q", after[0].Action, action)
	}
	return after[0]
}

// expectNoAudit runs a refused write and checks that it added no entry.
func expectNoAudit(t *testing.T, s *store.Store, write func()) {
	t.Helper()
	before := len(auditAll(t, s))
	write()
	if n := len(auditAll(t, s)); n != before {
		t.Fatalf("audit entries went from %d to %d, want none added", before, n)
	}
}

// newAuth returns an auth service on s with a fake clock, and the context of
// a real admin user ("admin", from Bootstrap).
func newAuth(t *testing.T, s *store.Store) (*auth.Service, *fakeClock, context.Context, string) {
	t.Helper()
	clk := newClock()
	svc := auth.NewService(s.Auth(), clk.Now)
	pw, created, err := svc.Bootstrap(context.Background())
	must(t, err)
	if !created || len(pw) != auth.BootstrapPasswordLen {
		t.Fatalf("Bootstrap = %q, %v", pw, created)
	}
	tok, _, err := svc.Login(context.Background(), "admin", pw, "test", "127.0.0.1")
	must(t, err)
	a, err := svc.ActorForSession(context.Background(), tok)
	must(t, err)
	return svc, clk, access.With(context.Background(), a), pw
}

func ctxFor(t *testing.T, svc *auth.Service, u auth.User) context.Context {
	t.Helper()
	return access.With(context.Background(), access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: u.Level, Source: "test"})
}

func TestBootstrap(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, _, actx, pw := newAuth(t, s)
		again, created, err := svc.Bootstrap(ctx)
		must(t, err)
		if created || again != "" {
			t.Fatalf("second Bootstrap created a user")
		}
		u, err := svc.UserByHandle(actx, "admin")
		must(t, err)
		if u.Level != access.Admin || u.Email != "admin@localhost" {
			t.Fatalf("bootstrap user = %+v", u)
		}
		var hash string
		must(t, s.DB().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE handle = 'admin'`).Scan(&hash))
		if strings.Contains(hash, pw) || !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=1,p=2$") {
			t.Fatalf("stored password = %q", hash)
		}
		es := auditAll(t, s)
		if len(es) != 2 || es[1].Action != "user.bootstrap" || es[0].Action != "session.login" {
			t.Fatalf("audit = %+v", es)
		}
	})
}

func TestUserCRUD(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		svc, _, actx, _ := newAuth(t, s)
		var ann auth.User
		e := expectOneAudit(t, s, "user.create", func() {
			var err error
			ann, err = svc.CreateUser(actx, auth.UserInput{Handle: "Ann", Name: "Ann Example", Email: "Ann@Example.com",
				TimeZone: "Europe/Vienna", Level: "responder", Password: "correct horse battery"})
			must(t, err)
		})
		if e.Target != fmt.Sprintf("user %d", ann.ID) || strings.Contains(fmt.Sprint(e.Detail), "correct horse") {
			t.Fatalf("audit entry = %+v", e)
		}
		if ann.Handle != "ann" || ann.Email != "ann@example.com" || ann.Level != access.Responder {
			t.Fatalf("created = %+v", ann)
		}
		got, err := svc.GetUser(actx, ann.ID)
		must(t, err)
		if got.Name != "Ann Example" || got.TimeZone != "Europe/Vienna" || !got.CreatedAt.Equal(ann.CreatedAt) {
			t.Fatalf("GetUser = %+v, want %+v", got, ann)
		}
		b, _ := json.Marshal(got)
		if !strings.Contains(string(b), `"level":"responder"`) || !strings.Contains(string(b), `"time_zone":"Europe/Vienna"`) {
			t.Fatalf("JSON = %s", b)
		}

		// Duplicates name the clash.
		expectNoAudit(t, s, func() {
			_, err = svc.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "other@example.com", Level: "viewer"})
			wantCode(t, err, apperr.CodeConflict)
			if !strings.Contains(err.Error(), `handle "ann"`) {
				t.Fatalf("conflict message = %q", err)
			}
			_, err = svc.CreateUser(actx, auth.UserInput{Handle: "ann2", Email: "ann@example.com", Level: "viewer"})
			wantCode(t, err, apperr.CodeConflict)
			if !strings.Contains(err.Error(), `email "ann@example.com"`) {
				t.Fatalf("conflict message = %q", err)
			}
		})

		// Validation names the field.
		for _, in := range []auth.UserInput{
			{Handle: "x", Email: "x@example.com", Level: "viewer"},
			{Handle: "bob", Email: "not-an-email", Level: "viewer"},
			{Handle: "bob", Email: "bob@example.com", Level: "root"},
			{Handle: "bob", Email: "bob@example.com", Level: "viewer", TimeZone: "Mars/Olympus"},
			{Handle: "bob", Email: "bob@example.com", Level: "viewer", Password: "short"},
		} {
			_, err := svc.CreateUser(actx, in)
			wantCode(t, err, apperr.CodeInvalid)
		}

		name := "Ann B. Example"
		expectOneAudit(t, s, "user.update", func() {
			got, err = svc.UpdateUser(actx, ann.ID, auth.UserPatch{Name: &name})
			must(t, err)
		})
		if got.Name != name {
			t.Fatalf("updated name = %q", got.Name)
		}
		// Taking another's email on update is a conflict.
		adminEmail := "admin@localhost"
		_, err = svc.UpdateUser(actx, ann.ID, auth.UserPatch{Email: &adminEmail})
		wantCode(t, err, apperr.CodeConflict)

		list, err := svc.ListUsers(ctxFor(t, svc, ann))
		must(t, err)
		if len(list) != 2 || list[0].Handle != "admin" || list[1].Handle != "ann" {
			t.Fatalf("ListUsers = %+v", list)
		}
		p, err := svc.Person(actx, ann.ID)
		must(t, err)
		if p.ID != ann.ID || p.Name != name || p.Level != access.Responder {
			t.Fatalf("Person = %+v", p)
		}

		expectOneAudit(t, s, "user.disable", func() {
			_, err = svc.DisableUser(actx, ann.ID)
			must(t, err)
		})
		_, _, err = svc.Login(context.Background(), "ann", "correct horse battery", "", "")
		wantCode(t, err, apperr.CodeUnauthenticated)
		_, err = svc.Person(actx, ann.ID)
		wantCode(t, err, apperr.CodeInvalid)

		expectOneAudit(t, s, "user.delete", func() { must(t, svc.DeleteUser(actx, ann.ID)) })
		_, err = svc.GetUser(actx, ann.ID)
		wantCode(t, err, apperr.CodeNotFound)
		wantCode(t, svc.DeleteUser(actx, ann.ID), apperr.CodeNotFound)
	})
}

func TestUserPermissions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		svc, _, actx, _ := newAuth(t, s)
		ann, err := svc.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "ann@example.com", Level: "responder", Password: "correct horse battery"})
		must(t, err)
		bob, err := svc.CreateUser(actx, auth.UserInput{Handle: "bob", Email: "bob@example.com", Level: "viewer"})
		must(t, err)
		annCtx := ctxFor(t, svc, ann)

		expectNoAudit(t, s, func() {
			_, err = svc.CreateUser(annCtx, auth.UserInput{Handle: "eve", Email: "eve@example.com", Level: "admin"})
			wantCode(t, err, apperr.CodeForbidden)
			_, err = svc.CreateUser(context.Background(), auth.UserInput{Handle: "eve", Email: "eve@example.com", Level: "admin"})
			wantCode(t, err, apperr.CodeUnauthenticated)
			admin := "admin"
			_, err = svc.UpdateUser(annCtx, ann.ID, auth.UserPatch{Level: &admin})
			wantCode(t, err, apperr.CodeForbidden)
			yes := true
			_, err = svc.UpdateUser(annCtx, ann.ID, auth.UserPatch{Disabled: &yes})
			wantCode(t, err, apperr.CodeForbidden)
			n := "Bobby"
			_, err = svc.UpdateUser(annCtx, bob.ID, auth.UserPatch{Name: &n})
			wantCode(t, err, apperr.CodeForbidden)
			wantCode(t, svc.DeleteUser(annCtx, bob.ID), apperr.CodeForbidden)
			_, err = svc.DisableUser(annCtx, bob.ID)
			wantCode(t, err, apperr.CodeForbidden)
			wantCode(t, svc.SetPassword(annCtx, bob.ID, "", "a new long password"), apperr.CodeForbidden)
			_, err = svc.AuditLog(annCtx, 0, 10)
			wantCode(t, err, apperr.CodeForbidden)
			_, err = svc.ListUsers(context.Background())
			wantCode(t, err, apperr.CodeUnauthenticated)
		})

		// A user may change their own profile.
		tz := "America/New_York"
		expectOneAudit(t, s, "user.update", func() {
			u, err := svc.UpdateUser(annCtx, ann.ID, auth.UserPatch{TimeZone: &tz})
			must(t, err)
			if u.TimeZone != tz || u.Level != access.Responder {
				t.Fatalf("self update = %+v", u)
			}
		})
		es, err := svc.AuditLog(actx, 0, 10)
		must(t, err)
		if len(es) == 0 || es[0].ActorID != ann.ID {
			t.Fatalf("AuditLog = %+v", es)
		}
	})
}

func TestLastAdmin(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		svc, _, actx, _ := newAuth(t, s)
		me, _ := access.From(actx)
		viewer := "viewer"
		expectNoAudit(t, s, func() {
			_, err := svc.UpdateUser(actx, me.UserID, auth.UserPatch{Level: &viewer})
			wantCode(t, err, apperr.CodeConflict)
			if !strings.Contains(err.Error(), "last admin") {
				t.Fatalf("message = %q", err)
			}
			_, err = svc.DisableUser(actx, me.UserID)
			wantCode(t, err, apperr.CodeConflict)
			wantCode(t, svc.DeleteUser(actx, me.UserID), apperr.CodeConflict)
		})
		// With a second admin, the first may step down.
		_, err := svc.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "ann@example.com", Level: "admin"})
		must(t, err)
		u, err := svc.UpdateUser(actx, me.UserID, auth.UserPatch{Level: &viewer})
		must(t, err)
		if u.Level != access.Viewer {
			t.Fatalf("level = %v", u.Level)
		}
	})
}

func TestLoginAndSessions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc, clk, actx, _ := newAuth(t, s)
		pw := "correct horse battery"
		ann, err := svc.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "ann@example.com", Level: "responder", Password: pw})
		must(t, err)
		noPw, err := svc.CreateUser(actx, auth.UserInput{Handle: "nopw", Email: "nopw@example.com", Level: "viewer"})
		must(t, err)

		for _, c := range []struct{ login, pw string }{
			{"ann", "wrong password!!"},
			{"nobody", pw},
			{"nopw", ""},
			{"nopw", pw},
			{"", ""},
		} {
			_, _, err := svc.Login(ctx, c.login, c.pw, "", "")
			wantCode(t, err, apperr.CodeUnauthenticated)
			if err.Error() != "wrong handle/email or password" {
				t.Fatalf("Login(%q) message = %q", c.login, err)
			}
		}

		var tok string
		expectOneAudit(t, s, "session.login", func() {
			tok, _, err = svc.Login(ctx, "ANN@example.com", pw, "curl/8", "10.0.0.1")
			must(t, err)
		})
		var n int
		must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = $1`, tok).Scan(&n))
		if n != 0 {
			t.Fatal("raw session token stored")
		}
		must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = $1`, auth.HashToken(tok)).Scan(&n))
		if n != 1 {
			t.Fatal("session hash not stored")
		}
		a, err := svc.ActorForSession(ctx, tok)
		must(t, err)
		if a.UserID != ann.ID || a.Level != access.Responder || a.Source != "web" {
			t.Fatalf("actor = %+v", a)
		}

		// The session expires after 14 days.
		clk.Advance(auth.SessionTTL - time.Second)
		_, err = svc.ActorForSession(ctx, tok)
		must(t, err)
		clk.Advance(time.Second)
		_, err = svc.ActorForSession(ctx, tok)
		wantCode(t, err, apperr.CodeUnauthenticated)

		tok, _, err = svc.Login(ctx, "ann", pw, "", "")
		must(t, err)
		expectOneAudit(t, s, "session.logout", func() { must(t, svc.Logout(ctx, tok)) })
		_, err = svc.ActorForSession(ctx, tok)
		wantCode(t, err, apperr.CodeUnauthenticated)
		expectNoAudit(t, s, func() { must(t, svc.Logout(ctx, tok)) })

		// Own password change needs the current one; an admin resets without it.
		annCtx := ctxFor(t, svc, ann)
		expectNoAudit(t, s, func() {
			wantCode(t, svc.SetPassword(annCtx, ann.ID, "wrong password!!", "another long password"), apperr.CodeInvalid)
			wantCode(t, svc.SetPassword(annCtx, ann.ID, pw, "short"), apperr.CodeInvalid)
		})
		expectOneAudit(t, s, "user.password", func() { must(t, svc.SetPassword(annCtx, ann.ID, pw, "another long password")) })
		_, _, err = svc.Login(ctx, "ann", pw, "", "")
		wantCode(t, err, apperr.CodeUnauthenticated)
		_, _, err = svc.Login(ctx, "ann", "another long password", "", "")
		must(t, err)
		expectOneAudit(t, s, "user.password", func() { must(t, svc.SetPassword(actx, noPw.ID, "", "now nopw can log in")) })
		_, _, err = svc.Login(ctx, "nopw", "now nopw can log in", "", "")
		must(t, err)

		// Disabling ends sessions.
		tok, _, err = svc.Login(ctx, "ann", "another long password", "", "")
		must(t, err)
		_, err = svc.DisableUser(actx, ann.ID)
		must(t, err)
		_, err = svc.ActorForSession(ctx, tok)
		wantCode(t, err, apperr.CodeUnauthenticated)
	})
}
