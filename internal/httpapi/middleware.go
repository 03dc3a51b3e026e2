package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/requestid"
)

// handlerFunc is a route's handler: it writes a success answer itself and
// returns every failure, which fail turns into a problem.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Who may call a route.
type authMode int

const (
	public   authMode = iota // no credentials needed
	signedIn                 // a valid API token or session; the services check the level
)

// route is one entry of the route table in routes.go.
type route struct {
	pattern string
	auth    authMode
	handle  handlerFunc
}

// sessionCookies are the names of the web UI's session cookie: the __Host-
// form on HTTPS and loopback, the plain one otherwise.
var sessionCookies = []string{"__Host-firebreak_session", "firebreak_session"}

// handler builds the mux from the route table and wraps it in the
// middleware every API request passes: request id, panic recovery and
// cross-origin protection (the API accepts session cookies, so a browser on
// another site must not be able to make writes with them).
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.wrap(rt))
	}
	mux.Handle(Prefix+"/", s.fallback(mux))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, apperr.Forbidden("cross-origin request refused: call the API from the same origin, or with an API token and without browser cookies"))
	}))
	return requestid.Middleware(s.recoverer(cop.Handler(mux)))
}

// wrap authenticates (when the route needs it) and runs the handler.
func (s *server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.auth == signedIn {
			a, err := s.authenticate(r)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			r = r.WithContext(access.With(r.Context(), a))
		}
		if err := rt.handle(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// authenticate finds the actor from an API token (Authorization: Bearer) or
// the web session cookie, so the browser can call the API too.
func (s *server) authenticate(r *http.Request) (access.Actor, error) {
	ctx := r.Context()
	var (
		a   access.Actor
		err error
	)
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		tok = strings.TrimSpace(tok)
		// "OAuth <token>" is how Statuspage's API takes its key; the
		// compatible endpoints accept it so existing scripts keep working.
		if !(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "OAuth")) || tok == "" {
			return a, apperr.Unauthenticated(`the Authorization header must be "Bearer <API token>"`)
		}
		a, err = s.auth.ActorForToken(ctx, tok)
	} else {
		err = apperr.Unauthenticated(`sign in first: send an API token as "Authorization: Bearer <token>" (firebreak login creates one)`)
		for _, name := range sessionCookies {
			c, cerr := r.Cookie(name)
			if cerr != nil || c.Value == "" {
				continue
			}
			if a, err = s.auth.ActorForSession(ctx, c.Value); err == nil {
				break
			}
		}
	}
	if err != nil {
		return access.Actor{}, err
	}
	a.Source = "api " + clientIP(r)
	return a, nil
}

// clientIP is the address of the peer. Forwarded headers are not trusted:
// behind a reverse proxy every client shares the proxy's address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// fallback answers every path under /api/v1/ that no route matched: 405
// with Allow when the path exists for other methods, 404 otherwise.
func (s *server) fallback(mux *http.ServeMux) http.Handler {
	self := Prefix + "/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != self {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			e := newHTTPError(http.StatusMethodNotAllowed, "method_not_allowed",
				"%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, ", "))
			e.header = http.Header{"Allow": {strings.Join(allow, ", ")}}
			s.fail(w, r, e)
			return
		}
		s.fail(w, r, newHTTPError(http.StatusNotFound, "not_found",
			"there is no API endpoint %s %s; the API is described at %s/openapi.json", r.Method, r.URL.Path, Prefix))
	})
}

// requestID returns the id of the request in ctx.
func requestID(ctx context.Context) string { return requestid.From(ctx) }

// recoverer turns a panic in a handler into a logged 500 problem.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err, ok := v.(error)
			if !ok {
				err = fmt.Errorf("%v", v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "api handler panicked",
				slog.String("request_id", requestID(r.Context())), slog.String("stack", string(debug.Stack())))
			s.fail(w, r, apperr.Internal(fmt.Errorf("panic: %w", err)))
		}()
		next.ServeHTTP(w, r)
	})
}
