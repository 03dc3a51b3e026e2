package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/auth"
)

// userJSON is a user as the API answers it.
type userJSON struct {
	ID       int64  `json:"id"`
	Handle   string `json:"handle"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	TimeZone string `json:"time_zone"`
	Level    string `json:"level"`
	Disabled bool   `json:"disabled"`
}

func TestUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var list struct {
			Users []userJSON `json:"users"`
		}
		e.ok(t, req{method: "GET", path: "/api/v1/users", token: e.vic.token}, 200, &list)
		if len(list.Users) != 4 || list.Users[0].Handle != "admin" || list.Users[0].Level != "admin" {
			t.Fatalf("users %+v", list.Users)
		}

		// Create, read by id and by handle, change, delete.
		var u userJSON
		got := e.ok(t, req{method: "POST", path: "/api/v1/users", token: e.admin.token, body: map[string]any{
			"handle": "cat", "name": "Cat Comms", "email": "cat@example.com", "level": "responder", "time_zone": "Europe/Vienna",
		}}, 201, &u)
		if u.ID == 0 || u.Handle != "cat" || u.Level != "responder" || u.TimeZone != "Europe/Vienna" || got.header.Get("Location") != fmt.Sprintf("/api/v1/users/%d", u.ID) {
			t.Fatalf("created %+v %v", u, got.header)
		}
		var one userJSON
		e.ok(t, req{method: "GET", path: fmt.Sprintf("/api/v1/users/%d", u.ID), token: e.vic.token}, 200, &one)
		if one != u {
			t.Errorf("by id %+v, want %+v", one, u)
		}
		e.ok(t, req{method: "GET", path: "/api/v1/users/cat", token: e.vic.token}, 200, &one)
		if one != u {
			t.Errorf("by handle %+v, want %+v", one, u)
		}
		e.ok(t, req{method: "PATCH", path: "/api/v1/users/cat", token: e.admin.token, body: map[string]any{"level": "viewer"}}, 200, &one)
		if one.Level != "viewer" {
			t.Errorf("level %q", one.Level)
		}
		// People may change their own name, not their level, nor others.
		e.ok(t, req{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", e.ann.ID), token: e.ann.token, body: map[string]any{"name": "Ann R."}}, 200, &one)
		if one.Name != "Ann R." {
			t.Errorf("name %q", one.Name)
		}
		e.fails(t, req{method: "PATCH", path: "/api/v1/users/ann", token: e.ann.token, body: map[string]any{"level": "admin"}}, 403, "only admins may change a user's level")
		e.fails(t, req{method: "PATCH", path: "/api/v1/users/bob", token: e.ann.token, body: map[string]any{"name": "Bobby"}}, 403, "only admins")
		e.ok(t, req{method: "GET", path: "/api/v1/users/bob", token: e.ann.token}, 200, &one)
		if one.Name != "Bob Responder" {
			t.Errorf("bob renamed by ann: %+v", one)
		}
		var me userJSON
		e.ok(t, req{method: "GET", path: "/api/v1/me", token: e.ann.token}, 200, &me)
		if me.ID != e.ann.ID || me.Level != "responder" || me.Name != "Ann R." {
			t.Errorf("me %+v", me)
		}

		// Refusals: viewer writes, duplicates, bad input, not found.
		e.fails(t, req{method: "POST", path: "/api/v1/users", token: e.vic.token, body: map[string]any{"handle": "eve", "email": "eve@example.com", "level": "admin"}}, 403, "only admins may add users")
		e.fails(t, req{method: "POST", path: "/api/v1/users", token: e.admin.token, body: map[string]any{"handle": "ann", "email": "ann2@example.com", "level": "viewer"}}, 409)
		p := e.fails(t, req{method: "POST", path: "/api/v1/users", token: e.admin.token, body: map[string]any{"handle": "eve", "email": "not an address", "level": "viewer"}}, 400, "email")
		if p.Field != "email" {
			t.Errorf("field %q", p.Field)
		}
		e.fails(t, req{method: "POST", path: "/api/v1/users", token: e.admin.token, body: map[string]any{"handle": "eve", "email": "eve@example.com", "level": "boss"}}, 400, "viewer, responder or admin")
		e.fails(t, req{method: "POST", path: "/api/v1/users", token: e.admin.token, body: map[string]any{"handle": "eve", "email": "eve@example.com", "level": "viewer", "role": "x"}}, 400, `unknown field "role"`)
		e.fails(t, req{method: "PATCH", path: "/api/v1/users/bob", token: e.admin.token, body: map[string]any{"disabled": "yes"}}, 400, `field "disabled" must be true or false`)
		e.fails(t, req{method: "GET", path: "/api/v1/users/9999", token: e.ann.token}, 404, "user 9999 does not exist")
		e.fails(t, req{method: "GET", path: "/api/v1/users/nobody", token: e.ann.token}, 404, `user "nobody" does not exist`)
		e.fails(t, req{method: "DELETE", path: "/api/v1/users/cat", token: e.ann.token}, 403, "only admins may delete users")
		e.fails(t, req{method: "DELETE", path: "/api/v1/users/admin", token: e.admin.token}, 409, "last admin")
		e.ok(t, req{method: "GET", path: "/api/v1/users", token: e.vic.token}, 200, &list)
		if len(list.Users) != 5 {
			t.Fatalf("refused writes changed the users: %+v", list.Users)
		}

		e.ok(t, req{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d", u.ID), token: e.admin.token}, 204, nil)
		e.fails(t, req{method: "GET", path: "/api/v1/users/cat", token: e.ann.token}, 404)
		e.fails(t, req{method: "DELETE", path: fmt.Sprintf("/api/v1/users/%d", u.ID), token: e.admin.token}, 404)

		// A disabled user's token no longer works.
		e.ok(t, req{method: "PATCH", path: "/api/v1/users/bob", token: e.admin.token, body: map[string]any{"disabled": true}}, 200, nil)
		e.fails(t, req{method: "GET", path: "/api/v1/me", token: e.bob.token}, 401, "disabled")
	})
}

func TestTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var created struct {
			Token    string     `json:"token"`
			APIToken auth.Token `json:"api_token"`
		}
		exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		e.ok(t, req{method: "POST", path: "/api/v1/tokens", token: e.ann.token, body: map[string]any{"name": "laptop", "expires_at": exp}}, 201, &created)
		if !strings.HasPrefix(created.Token, auth.TokenPrefix) || created.APIToken.Name != "laptop" || created.APIToken.UserID != e.ann.ID ||
			created.APIToken.ExpiresAt == nil || !created.APIToken.ExpiresAt.Equal(exp) {
			t.Fatalf("created %+v", created)
		}
		var me userJSON
		e.ok(t, req{method: "GET", path: "/api/v1/me", token: created.Token}, 200, &me)
		if me.Handle != "ann" {
			t.Fatalf("the new token is %+v's", me)
		}
		var list struct {
			Tokens []auth.Token `json:"tokens"`
		}
		e.ok(t, req{method: "GET", path: "/api/v1/tokens", token: e.ann.token}, 200, &list)
		if len(list.Tokens) != 2 {
			t.Fatalf("ann's tokens %+v", list.Tokens)
		}
		e.ok(t, req{method: "GET", path: "/api/v1/tokens", token: e.admin.token}, 200, &list)
		if len(list.Tokens) != 5 {
			t.Fatalf("every token %+v", list.Tokens)
		}

		// Refusals.
		e.fails(t, req{method: "POST", path: "/api/v1/tokens", token: e.ann.token, body: map[string]any{"name": "old", "expires_at": "2001-01-01T00:00:00Z"}}, 400, "expires_at", "future")
		e.fails(t, req{method: "POST", path: "/api/v1/tokens", token: e.ann.token, body: map[string]any{"name": "x", "expires_at": "tomorrow"}}, 400, `field "expires_at" must be a date-time string in RFC 3339 format`)
		e.fails(t, req{method: "POST", path: "/api/v1/tokens", token: e.ann.token, body: map[string]any{"name": ""}}, 400, "name")
		e.fails(t, req{method: "POST", path: "/api/v1/tokens", token: e.ann.token, body: map[string]any{"nmae": "x"}}, 400, `unknown field "nmae"`)
		e.fails(t, req{method: "DELETE", path: fmt.Sprintf("/api/v1/tokens/%d", created.APIToken.ID), token: e.bob.token}, 404)
		e.fails(t, req{method: "DELETE", path: "/api/v1/tokens/x", token: e.bob.token}, 404, "token ids are positive numbers")
		e.ok(t, req{method: "GET", path: "/api/v1/me", token: created.Token}, 200, nil)

		e.ok(t, req{method: "DELETE", path: fmt.Sprintf("/api/v1/tokens/%d", created.APIToken.ID), token: e.ann.token}, 204, nil)
		e.fails(t, req{method: "GET", path: "/api/v1/me", token: created.Token}, 401, "revoked")
	})
}

func TestLogin(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		var out struct {
			Token    string     `json:"token"`
			APIToken auth.Token `json:"api_token"`
			User     userJSON   `json:"user"`
		}
		got := e.ok(t, req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "ADMIN@example.com", "password": adminPassword}}, 200, &out)
		if out.User.Handle != "admin" || out.APIToken.Name != "cli" || !strings.HasPrefix(out.Token, auth.TokenPrefix) {
			t.Fatalf("login %+v", out)
		}
		var me userJSON
		e.ok(t, req{method: "GET", path: "/api/v1/me", token: out.Token}, 200, &me)
		if me.Handle != "admin" {
			t.Fatalf("me %+v", me)
		}
		// The session cookie works too (the browser calls the API with it).
		var session *http.Cookie
		for _, c := range (&http.Response{Header: got.header}).Cookies() {
			session = c
		}
		if session == nil || session.Name != "__Host-firebreak_session" || !session.HttpOnly || !session.Secure || session.Path != "/" {
			t.Fatalf("session cookie %+v", session)
		}
		e.ok(t, req{method: "GET", path: "/api/v1/me", header: map[string]string{"Cookie": "firebreak_session=" + session.Value}}, 200, &me)
		e.ok(t, req{method: "GET", path: "/api/v1/me", header: map[string]string{"Cookie": "__Host-firebreak_session=" + session.Value}}, 200, &me)
		// Same-origin browser writes with the cookie pass; cross-site ones are refused.
		cookie := map[string]string{"Cookie": "firebreak_session=" + session.Value, "Sec-Fetch-Site": "same-origin"}
		e.ok(t, req{method: "POST", path: "/api/v1/tokens", header: cookie, body: map[string]any{"name": "from the browser"}}, 201, nil)
		cookie["Sec-Fetch-Site"] = "cross-site"
		e.fails(t, req{method: "POST", path: "/api/v1/tokens", header: cookie, body: map[string]any{"name": "csrf"}}, 403, "cross-origin request refused")

		e.ok(t, req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "admin", "password": adminPassword, "token_name": "ci"}}, 200, &out)
		if out.APIToken.Name != "ci" {
			t.Errorf("token name %q", out.APIToken.Name)
		}
		p := e.fails(t, req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "admin", "password": "wrong password!"}}, 401, "wrong handle/email or password")
		if !strings.HasPrefix(p.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("WWW-Authenticate %q", p.header.Get("WWW-Authenticate"))
		}
		e.fails(t, req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "ann", "password": "ann has none set"}}, 401, "wrong handle/email or password")
		e.fails(t, req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "admin", "password": adminPassword, "remember": true}}, 400, `unknown field "remember"`)
		e.fails(t, req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "admin", "password": adminPassword, "token_name": strings.Repeat("x", 101)}}, 400, "token_name")
	})
}

// TestLoginRateLimit: one address gets a burst of attempts, then 429 with Retry-After.
func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite")
	body := map[string]any{"login": "nobody", "password": "guess"}
	for i := range 10 {
		if got := e.do(t, req{method: "POST", path: "/api/v1/login", body: body}); got.status != 401 {
			t.Fatalf("attempt %d: %d %s", i+1, got.status, got.body)
		}
	}
	p := e.fails(t, req{method: "POST", path: "/api/v1/login", body: map[string]any{"login": "admin", "password": adminPassword}}, 429, "too many sign-in attempts")
	if ra := p.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	// Other endpoints are not limited.
	e.ok(t, req{method: "GET", path: "/api/v1/me", token: e.ann.token}, 200, nil)
}

func TestAudit(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		e.declare(t, e.ann, map[string]any{"title": "Audited"})
		type page struct {
			Entries []struct {
				ID     int64  `json:"id"`
				Action string `json:"action"`
				Target string `json:"target"`
				Source string `json:"source"`
			} `json:"entries"`
			Next string `json:"next"`
		}
		var all page
		e.ok(t, req{method: "GET", path: "/api/v1/audit", token: e.admin.token}, 200, &all)
		if len(all.Entries) < 5 || all.Entries[0].Action != "incident.declared" || all.Entries[0].Target != "INC-1" || all.Next != "" {
			t.Fatalf("audit %+v", all)
		}
		// The API records where a change came from.
		if src := all.Entries[0].Source; !strings.HasPrefix(src, "api 127.0.0.1") {
			t.Errorf("source %q", src)
		}
		var p1, p2 page
		e.ok(t, req{method: "GET", path: "/api/v1/audit?limit=2", token: e.admin.token}, 200, &p1)
		if len(p1.Entries) != 2 || p1.Next == "" {
			t.Fatalf("page 1 %+v", p1)
		}
		e.ok(t, req{method: "GET", path: "/api/v1/audit?limit=2&before=" + url.QueryEscape(p1.Next), token: e.admin.token}, 200, &p2)
		if len(p2.Entries) != 2 || p2.Entries[0].ID != all.Entries[2].ID {
			t.Fatalf("page 2 %+v, all %+v", p2, all)
		}
		e.fails(t, req{method: "GET", path: "/api/v1/audit", token: e.ann.token}, 403, "only admins may read the audit log")
		e.fails(t, req{method: "GET", path: "/api/v1/audit?limit=1000", token: e.admin.token}, 400, "1 to 500")
		e.fails(t, req{method: "GET", path: "/api/v1/audit?before=x", token: e.admin.token}, 400, "before")
		e.fails(t, req{method: "GET", path: "/api/v1/audit?after=1", token: e.admin.token}, 400, `unknown query parameter "after"`)
	})
}
