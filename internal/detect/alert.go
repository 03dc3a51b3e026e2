package detect

import "time"

// Alert statuses.
const (
	StatusFiring       = "firing"
	StatusAcknowledged = "acknowledged"
	StatusResolved     = "resolved"
)

// Alert is one alert: the events with the same dedup key from one
// integration while it stays unresolved. A trigger after a resolve opens a
// new Alert, as in PagerDuty.
type Alert struct {
	ID            int64             `json:"id"`
	IntegrationID int64             `json:"integration_id"`
	Integration   string            `json:"integration"`
	GroupID       int64             `json:"group_id"`
	DedupKey      string            `json:"dedup_key"`
	Status        string            `json:"status"`
	Title         string            `json:"title"`
	Description   string            `json:"description"`
	Severity      string            `json:"severity"`
	Source        string            `json:"source"`
	Labels        map[string]string `json:"labels"`
	Links         []AlertLink       `json:"links"`
	EventCount    int64             `json:"event_count"`
	FirstSeen     time.Time         `json:"first_seen"`
	LastSeen      time.Time         `json:"last_seen"`
	ResolvedAt    *time.Time        `json:"resolved_at,omitempty"`
}

// Routed is a decoded event with the routing decision taken for it.
type Routed struct {
	Event
	ServiceID int64 `json:"service_id"`
	Route     Route `json:"route"`
	// IncidentSeverity is the severity a declare route asks for (empty: from the alert).
	IncidentSeverity string `json:"incident_severity,omitempty"`
}

// Accepted is one request the ingest pipeline accepted: its raw body (kept
// for audit and re-processing) and its routed events.
type Accepted struct {
	IntegrationID int64
	ReceivedAt    time.Time
	Body          []byte
	Events        []Routed
	Ping          bool // a heartbeat ping: no body is kept; its events resolve a missed-heartbeat alert
	// Raised is an event Firebreak made itself (a missed heartbeat): it is
	// not a sign of life from the sender, so the integration's last-seen
	// time stays as it was.
	Raised bool
}

// AlertFilter selects alerts for a list.
type AlertFilter struct {
	Status  string // firing, acknowledged, resolved; empty: any
	GroupID int64
	Limit   int
}
