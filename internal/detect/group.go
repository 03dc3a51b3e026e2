package detect

import (
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Route is what a routing rule decides for a new alert group.
type Route string

// The routes.
const (
	RouteTriage   Route = "triage"   // put it in the triage queue (the default)
	RouteDeclare  Route = "declare"  // declare an incident right away
	RouteSuppress Route = "suppress" // keep and count it, disturb no one
)

// Triage states of an alert group: pending is the queue; the others are
// how the Detect stage ended for it.
const (
	TriagePending      = "pending"
	TriageDeclaring    = "declaring" // claimed by someone declaring; becomes declared or pending again
	TriageDeclared     = "declared"
	TriageMerged       = "merged"
	TriageDismissed    = "dismissed"
	TriageSelfResolved = "self_resolved"
	TriageSuppressed   = "suppressed"
)

// Group is an alert group: the alerts of one service with one group key
// while any of them is unresolved. It is the triage item, and it links to
// at most one incident.
type Group struct {
	ID             int64      `json:"id"`
	ServiceID      int64      `json:"service_id"`
	Service        string     `json:"service"`
	GroupKey       string     `json:"group_key"`
	Title          string     `json:"title"`
	Severity       string     `json:"severity"` // the most severe of its alerts
	State          string     `json:"state"`    // open or resolved
	Triage         string     `json:"triage"`
	Route          Route      `json:"route"`
	IncidentNumber int64      `json:"incident_number,omitempty"`
	OpenAlerts     int64      `json:"open_alerts"`
	AlertCount     int64      `json:"alert_count"`
	DismissReason  string     `json:"dismiss_reason,omitempty"`
	DismissNote    string     `json:"dismiss_note,omitempty"`
	DecidedBy      int64      `json:"decided_by,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
}

// GroupFilter selects alert groups for a list.
type GroupFilter struct {
	Triage    []string // triage states; empty: any
	ServiceID int64
	Open      bool // only groups with an unresolved alert
	Limit     int
}

// DefaultDismissReasons are offered when dismissing until the configuration
// names others; they are what noisy-alert statistics count by.
var DefaultDismissReasons = []string{"false positive", "duplicate", "known issue", "no customer impact", "maintenance", "test"}

// SeverityRank orders alert severities: 0 is critical.
func SeverityRank(s string) int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return len(Severities)
}

// IncidentSeverity maps an alert severity onto a scale of incident
// severities (most severe first): critical → the first, error → the
// second, and so on, clamped to the scale.
func IncidentSeverity(alertSeverity string, scale []string) string {
	if len(scale) == 0 {
		return ""
	}
	return scale[min(SeverityRank(alertSeverity), len(scale)-1)]
}

// CanDecide checks that a group is in the queue and the actor may work it.
func (g *Group) CanDecide(a access.Actor) error {
	if !a.Can(access.Responder) {
		return apperr.Forbidden("working the triage queue needs the responder permission")
	}
	if g.Triage != TriagePending {
		return apperr.Conflict("alert group %d is no longer in the triage queue (it is %s)", g.ID, strings.ReplaceAll(g.Triage, "_", "-"))
	}
	return nil
}

// Dismiss ends the Detect stage for the group without an incident. The
// reason must be one of reasons; the note is free text.
func (g *Group) Dismiss(a access.Actor, reason, note string, reasons []string, now time.Time) error {
	if err := g.CanDecide(a); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	ok := false
	for _, r := range reasons {
		if strings.EqualFold(r, reason) {
			reason, ok = r, true
		}
	}
	if !ok {
		return apperr.Invalid("reason", "reason must be one of: %s", strings.Join(reasons, ", "))
	}
	if len(note) > 2000 {
		return apperr.Invalid("note", "the note is longer than 2000 characters")
	}
	g.Triage, g.DismissReason, g.DismissNote = TriageDismissed, reason, strings.TrimSpace(note)
	g.decided(a, now)
	return nil
}

// Link records that the group became (declared) or joined (merged) an incident.
func (g *Group) Link(a access.Actor, number int64, how string, now time.Time) {
	g.Triage, g.IncidentNumber = how, number
	g.decided(a, now)
}

func (g *Group) decided(a access.Actor, now time.Time) {
	g.DecidedBy = a.UserID
	t := now
	g.DecidedAt = &t
	g.UpdatedAt = now
}

// NewGroup is the group a first alert opens, in the triage state its route gives.
func NewGroup(r Routed, now time.Time) Group {
	g := Group{ServiceID: r.ServiceID, GroupKey: r.GroupKey, Title: r.Title, Severity: r.Severity, State: "open",
		Route: r.Route, Triage: TriagePending, CreatedAt: now, UpdatedAt: now}
	if r.Route == RouteSuppress {
		g.Triage = TriageSuppressed
	}
	return g
}
