package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/httpapi"
	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/requestid"
	"github.com/firebreak-hq/firebreak/internal/web"
)

// routes assembles the node's HTTP surface: the JSON API, the web UI and the
// operational endpoints, behind one middleware chain.
func (a *App) routes() http.Handler {
	m := newMetrics(a)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", m.handler())
	a.mountDetect(mux) // the senders' endpoints: /integrations/…, /v2/enqueue, /v2/alerts
	api := httpapi.New(httpapi.Deps{Incidents: a.Incidents, Auth: a.Auth, Catalog: a.Catalog, Triage: a.Detect.Triage, Status: a.StatusPages, OnCall: a.OnCall, Paging: a.Paging, Postmortems: a.Postmortems, Publishing: httpapi.Publishing{Site: a.Publishing.Site, Git: a.Publishing.Git, Tracker: a.Publishing.Tracker}, Notify: a.Notifications, Chat: a.Chat.Service, Log: a.Log, BaseURL: a.Config.BaseURL})
	mux.Handle("/api/v1/", api)
	mux.Handle("/v1/pages/", api) // the Statuspage REST v1-compatible subset
	// Cross-origin browser writes are refused (CSRF) while same-origin pages,
	// the CLI and curl, which send no Sec-Fetch-Site/Origin, pass. The API
	// applies the same protection itself, answering with problem JSON.
	a.mountStatusPages(mux) // the public status pages: /status/…, /api/v2/…
	a.mountChat(mux)        // Slack's signed endpoints in HTTP mode: /slack/…
	a.mountPublishing(mux)  // the forge's and trackers' signed webhooks: /hooks/…
	mux.Handle("GET "+oncall.FeedPath+"{token}", a.calendarFeed())
	ui := web.New(web.Deps{Postmortems: a.Postmortems, Incidents: a.Incidents, Auth: a.Auth, Catalog: a.Catalog, Triage: a.Detect.Triage, Status: a.StatusPages, OnCall: a.OnCall, Hub: a.Hub, Log: a.Log, BaseURL: a.Config.BaseURL, Now: a.Now, Paging: a.Paging, ScheduleNames: a.scheduleNames, Site: a.Publishing.Site, GitReview: a.Publishing.Git, Tracker: a.Publishing.Tracker, Notify: a.Notifications, Chat: a.Chat.Service})
	mux.Handle("/", http.NewCrossOriginProtection().Handler(ui))

	var h http.Handler = a.statusHosts(mux)
	h = securityHeaders(strings.HasPrefix(a.Config.BaseURL, "https://"), h)
	h = m.instrument(mux, h)
	h = a.recoverPanics(h)
	h = a.accessLog(h)
	return requestid.Middleware(h)
}

// healthz answers while the process runs.
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// readyz answers 200 only when the database is reachable and migrated, so a
// load balancer sends traffic only to nodes that can serve it.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok", "migrations": "ok"}
	status := http.StatusOK
	if err := a.Store.Ping(ctx); err != nil {
		checks["database"], status = "unreachable: "+err.Error(), http.StatusServiceUnavailable
	} else if current, err := a.Store.MigrationsCurrent(ctx); err != nil || !current {
		checks["migrations"], status = "pending", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(checks)
}

// statusRecorder remembers the status code written, for logs and metrics.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush for server-sent events.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// accessLog writes one structured line per request.
func (a *App) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		if rec.code() >= 500 {
			level = slog.LevelError
		}
		a.Log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", requestid.From(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", redactFeedToken(redactKey(r.URL.Path))),
			slog.Int("status", rec.code()),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr))
	})
}

// recoverPanics turns a panic in a handler into a 500 and a logged stack,
// instead of a dropped connection.
func (a *App) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.Log.Error("panic", "request_id", requestid.From(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(http.StatusInternalServerError)
				_ = json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": "Internal Server Error", "status": 500,
					"detail": "internal error; quote request id " + requestid.From(r.Context())})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries. The UI loads
// only its own embedded scripts and styles, so the policy can be strict.
func securityHeaders(https bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if https {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}
