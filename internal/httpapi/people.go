package httpapi

import (
	"context"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
)

// loginBody is POST /login.
type loginBody struct {
	Login     string `json:"login"` // handle or email
	Password  string `json:"password"`
	TokenName string `json:"token_name"` // name of the API token created; default "cli"
}

// loginResult is the answer to a sign-in: a new API token and its user.
type loginResult struct {
	Token    string     `json:"token"`     // the secret: send it as "Authorization: Bearer <token>"
	APIToken auth.Token `json:"api_token"` // what is stored about it
	User     auth.User  `json:"user"`
}

// userList is every user, by handle.
type userList struct {
	Users []auth.User `json:"users"`
}

// postLogin signs in with a handle or email and password: it starts a
// session (set as the session cookie, for browsers) and creates an API token
// named token_name (for `firebreak login`), and answers {token, user}.
func (s *server) postLogin(w http.ResponseWriter, r *http.Request) error {
	if ok, wait := s.login.allow(clientIP(r), time.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		e := newHTTPError(http.StatusTooManyRequests, "rate_limited",
			"too many sign-in attempts from your address; try again in %d seconds", secs)
		e.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
		return e
	}
	body, err := decodeJSON[loginBody](w, r)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(body.TokenName)
	if name == "" {
		name = "cli"
	}
	if utf8.RuneCountInString(name) > 100 {
		return apperr.Invalid("token_name", "must be at most 100 characters")
	}
	session, u, err := s.auth.Login(r.Context(), body.Login, body.Password, r.UserAgent(), clientIP(r))
	if err != nil {
		return err
	}
	a := access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: u.Level, Source: "api " + clientIP(r)}
	raw, tok, err := s.auth.CreateToken(access.With(r.Context(), a), name, nil)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.sessionCookie(r, session))
	return writeJSON(w, http.StatusOK, loginResult{raw, tok, u})
}

// sessionCookie is the web UI's session cookie: __Host- and Secure over
// HTTPS and on loopback addresses (as the web package decides), the plain
// name otherwise.
func (s *server) sessionCookie(r *http.Request, value string) *http.Cookie {
	secure := r.TLS != nil || isLoopback(hostOnly(r.Host))
	if s.baseURL != "" {
		u, err := url.Parse(s.baseURL)
		secure = err == nil && (u.Scheme == "https" || isLoopback(u.Hostname()))
	}
	c := &http.Cookie{Name: sessionCookies[1], Value: value, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(auth.SessionTTL.Seconds())}
	if secure {
		c.Name, c.Secure = sessionCookies[0], true
	}
	return c
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// getMe returns the signed-in user.
func (s *server) getMe(w http.ResponseWriter, r *http.Request) error {
	a, _ := access.From(r.Context())
	if a.UserID == 0 {
		return apperr.NotFound("a user account for " + a.Name)
	}
	u, err := s.auth.GetUser(r.Context(), a.UserID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

// userIDOf resolves a path parameter naming a user by id or handle.
func (s *server) userIDOf(r *http.Request, v string) (int64, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	u, err := s.userOf(r.Context(), v)
	return u.ID, err
}

func (s *server) userOf(ctx context.Context, v string) (auth.User, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return auth.User{}, apperr.NotFound("user " + v)
		}
		return s.auth.GetUser(ctx, n)
	}
	u, err := s.auth.UserByHandle(ctx, v)
	if apperr.Is(err, apperr.CodeNotFound) {
		return auth.User{}, apperr.NotFound("user " + strconv.Quote(v))
	}
	return u, err
}

// listUsers lists every user by handle.
func (s *server) listUsers(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	users, err := s.auth.ListUsers(r.Context())
	if err != nil {
		return err
	}
	if users == nil {
		users = []auth.User{}
	}
	return writeJSON(w, http.StatusOK, userList{users})
}

// postUser adds a user (admins).
func (s *server) postUser(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[auth.UserInput](w, r)
	if err != nil {
		return err
	}
	u, err := s.auth.CreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/users/"+strconv.FormatInt(u.ID, 10))
	return writeJSON(w, http.StatusCreated, u)
}

// getUser returns one user, by id or handle.
func (s *server) getUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.userOf(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

// patchUser changes a user (admins; people may change their own name,
// email and time zone).
func (s *server) patchUser(w http.ResponseWriter, r *http.Request) error {
	p, err := decodeJSON[auth.UserPatch](w, r)
	if err != nil {
		return err
	}
	id, err := s.userIDOf(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	u, err := s.auth.UpdateUser(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

// deleteUser removes a user (admins).
func (s *server) deleteUser(w http.ResponseWriter, r *http.Request) error {
	id, err := s.userIDOf(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.auth.DeleteUser(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
