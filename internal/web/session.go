package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// withActor turns the session cookie into the actor of the request. A
// cookie whose session has ended is cleared; the request goes on without an
// actor, and pages that need one send the visitor to /login.
func (s *server) withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.cookie.name)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		a, err := s.auth.ActorForSession(r.Context(), c.Value)
		switch {
		case err == nil:
			a.Source = "web " + remoteHost(r)
			r = r.WithContext(access.With(r.Context(), a))
		case apperr.Is(err, apperr.CodeUnauthenticated):
			s.clearCookie(w)
		default:
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// signedIn wraps a page that needs a signed-in person and turns its error
// into a page.
func (s *server) signedIn(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := access.From(r.Context()); !ok {
			s.toLogin(w, r)
			return
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// actor returns the signed-in actor; signedIn guarantees there is one.
func actor(r *http.Request) access.Actor {
	a, _ := access.From(r.Context())
	return a
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *server) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookie.name, Value: token, Path: "/",
		HttpOnly: true, Secure: s.cookie.secure, SameSite: http.SameSiteLaxMode,
	})
}

func (s *server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookie.name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cookie.secure, SameSite: http.SameSiteLaxMode,
	})
}

// loginView is the data of the sign-in page.
type loginView struct {
	Login string
	Next  string
}

// loginPage answers GET /login.
func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := access.From(r.Context()); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", page{Title: "Sign in", Data: loginView{Next: next}})
}

// login answers POST /login: a session cookie and back to where the person
// was going, or the form again with the reason.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	login := strings.TrimSpace(r.PostFormValue("login"))
	token, _, err := s.auth.Login(r.Context(), login, r.PostFormValue("password"), r.UserAgent(), remoteHost(r))
	if err != nil {
		status := statusOf(apperr.CodeOf(err))
		s.render(w, r, status, "login", page{Title: "Sign in",
			Banner: &banner{Kind: "error", Message: s.messageOf(r, err)},
			Data:   loginView{Login: login, Next: next}})
		return
	}
	s.setCookie(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout answers POST /logout.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.cookie.name); err == nil && c.Value != "" {
		if err := s.auth.Logout(r.Context(), c.Value); err != nil {
			s.log.Warn("web: logout", "err", err)
		}
	}
	s.clearCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site: a path, never
// "//host" or "/\host", which browsers read as another site.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
