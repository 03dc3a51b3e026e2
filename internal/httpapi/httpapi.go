// Package httpapi is Firebreak's JSON API under /api/v1: the surface the
// CLI, scripts and the browser's fetch calls use. Handlers decode strictly,
// call the services with the actor in the context (the services decide what
// is allowed), and answer JSON or an RFC 9457 problem. Every route is listed
// in routes.go; the OpenAPI document served at /api/v1/openapi.json is built
// from the operations described in openapi_ops.go and a test keeps the two
// in step.
package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// Prefix is the path every route of this package starts with.
const Prefix = "/api/v1"

// Deps is what the API needs from the rest of Firebreak.
type Deps struct {
	Incidents *incident.Service
	Auth      *auth.Service
	Catalog   *catalog.Catalog
	Triage    *detect.Service
	Status    *statuspage.Service
	OnCall    *oncall.Service
	Paging    *paging.Service // escalation policies and pages
	Log       *slog.Logger
	// BaseURL (optional) is the public URL of the server, e.g.
	// https://firebreak.example.com. It decides the name and Secure flag of
	// the session cookie set by POST /api/v1/login, as the web UI does; when
	// empty they follow the request (TLS or loopback → __Host- and Secure).
	BaseURL string

	// Postmortems is the Improve stage: postmortems, meetings, forms, action items.
	Postmortems *postmortem.Service

	// Publishing is the postmortem site, git review and tracker links.
	Publishing Publishing

	// Chat is the Slack app's settings: connection, user links, incident channels.
	Chat *chat.Service

	// Notify is personal notifications: contact methods, rules, delivery history.
	Notify *notification.Service
}

// server holds the dependencies of the handlers.
type server struct {
	inc     *incident.Service
	auth    *auth.Service
	catalog *catalog.Catalog
	triage  *detect.Service
	status  *statuspage.Service
	oncall  *oncall.Service
	paging  *paging.Service
	notify  *notification.Service
	pm      *postmortem.Service
	pub     Publishing
	chat    *chat.Service
	log     *slog.Logger
	baseURL string
	login   *ipLimiter
	openapi []byte
}

// New returns the handler of every path under /api/v1/ (it expects full
// paths, e.g. "GET /api/v1/incidents"). Unknown paths get a 404 problem, a
// known path with a wrong method a 405 problem with Allow.
func New(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &server{
		inc:     d.Incidents,
		auth:    d.Auth,
		catalog: d.Catalog,
		triage:  d.Triage,
		status:  d.Status,
		paging:  d.Paging,
		notify:  d.Notify,
		pub:     d.Publishing,
		pm:      d.Postmortems,
		oncall:  d.OnCall,
		chat:    d.Chat,
		log:     d.Log,
		baseURL: d.BaseURL,
		login:   newIPLimiter(loginRate, loginBurst),
	}
	s.openapi = mustOpenAPI()
	return s.handler()
}
