// Package web is Firebreak's HTML interface: server-rendered pages from
// html/template, progressively enhanced with vendored htmx and its SSE
// extension. Every page works without JavaScript; with it, actions on an
// incident swap the page in place and a second viewer sees changes live.
//
// Permissions are not decided here: handlers call the services with the
// actor in the context, and show what the services refuse. Templates only
// hide buttons the actor could not use anyway.
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/live"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/tracker"
)

// Deps is what the web interface needs from the rest of Firebreak.
type Deps struct {
	// Chat is the Slack app's settings (slack.go); nil: not built.
	Chat *chat.Service

	// OnCall is on-call schedules: who is on call, calendars, overrides.
	OnCall *oncall.Service

	// Notify is personal notifications: the "my notifications" page.
	Notify *notification.Service

	Incidents *incident.Service
	Auth      *auth.Service
	Catalog   *catalog.Catalog
	Triage    *detect.Service
	Status    *statuspage.Service // status pages and incident communications
	Hub       *live.Hub
	Log       *slog.Logger
	BaseURL   string           // e.g. http://127.0.0.1:8080; decides the session cookie's name and Secure flag
	Now       func() time.Time // the clock for durations and "ago"; default time.Now

	// Paging is the pager (pages, escalation policies, maintenance windows).
	Paging *paging.Service
	// ScheduleNames names the on-call schedules for the policy editor (nil: ids are shown).
	ScheduleNames func(ctx context.Context) (map[int64]string, error)

	// Site is the postmortems library (nil: not built).
	Site *site.Service
	// GitReview and Tracker show a postmortem's git review and its items' issues (nil: not configured).
	GitReview *gitpub.Service
	Tracker   *tracker.Service

	// Postmortems is the Improve stage: postmortems, meetings, forms, action items.
	Postmortems *postmortem.Service
}

// server holds the dependencies and the parsed templates.
type server struct {
	chat *chat.Service // the Slack settings (slack.go)

	oncall *oncall.Service // on-call schedules (oncall*.go)

	notify *notification.Service // personal notifications (notifications.go)

	inc     *incident.Service
	auth    *auth.Service
	catalog *catalog.Catalog
	triage  *detect.Service
	status  *statuspage.Service
	pm      *postmortem.Service
	hub     *live.Hub
	log     *slog.Logger
	now     func() time.Time
	pages   *pages
	static  *staticFiles
	cookie  cookieSpec
	// publicURL is the configured base URL, for the addresses senders use.
	publicURL string
	site      *site.Service
	gitReview *gitpub.Service
	tracker   *tracker.Service

	paging        *paging.Service // the pager (pages.go, policies.go)
	scheduleNames func(ctx context.Context) (map[int64]string, error)
}

// New returns the handler of every UI route, including /static/ and /login.
// The caller mounts it at "/" and wraps it with http.CrossOriginProtection
// (so forms carry no CSRF tokens) and the security headers.
func New(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	st := newStaticFiles()
	s := &server{
		inc:       d.Incidents,
		auth:      d.Auth,
		catalog:   d.Catalog,
		triage:    d.Triage,
		status:    d.Status,
		pm:        d.Postmortems,
		publicURL: d.BaseURL,
		hub:       d.Hub,
		log:       d.Log,
		now:       d.Now,
		static:    st,
		pages:     mustParsePages(st, d.Incidents.Scale(), d.Now),
		cookie:    cookieFor(d.BaseURL),
		site:      d.Site,
		gitReview: d.GitReview,
		tracker:   d.Tracker,

		paging:        d.Paging,
		scheduleNames: d.ScheduleNames,
	}
	s.notify = d.Notify
	s.oncall = d.OnCall
	s.chat = d.Chat
	return s.routes()
}

// cookieSpec is the name and Secure flag of the session cookie.
type cookieSpec struct {
	name   string
	secure bool
}

// cookieFor picks the session cookie: the __Host- prefix (which requires
// Secure) when the server is reached over HTTPS or on a loopback address,
// which browsers treat as a secure context even over plain HTTP.
func cookieFor(baseURL string) cookieSpec {
	u, err := url.Parse(baseURL)
	if err == nil && (u.Scheme == "https" || isLoopback(u.Hostname())) {
		return cookieSpec{name: "__Host-firebreak_session", secure: true}
	}
	return cookieSpec{name: "firebreak_session"}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
