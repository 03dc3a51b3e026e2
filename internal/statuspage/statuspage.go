// Package statuspage is the public face of incidents: status pages with
// components in groups, public incidents and their updates, scheduled
// maintenance, subscribers, and the snapshot every public view is served
// from. The rules here (statuses, impact, uptime, update templates, the
// Statuspage-compatible shapes) are pure functions of their inputs and the
// time passed in; Service adds storage through the interfaces in store.go.
package statuspage

import (
	"slices"
	"strings"
	"time"
)

// ComponentStatus is what a component's users experience right now.
type ComponentStatus string

// The component statuses, with the names Statuspage uses so that existing
// tools read them unchanged.
const (
	Operational         ComponentStatus = "operational"
	DegradedPerformance ComponentStatus = "degraded_performance"
	PartialOutage       ComponentStatus = "partial_outage"
	MajorOutage         ComponentStatus = "major_outage"
	UnderMaintenance    ComponentStatus = "under_maintenance"
)

// ComponentStatuses lists every component status, best first.
var ComponentStatuses = []ComponentStatus{Operational, DegradedPerformance, PartialOutage, MajorOutage, UnderMaintenance}

// Valid reports whether s is a known component status.
func (s ComponentStatus) Valid() bool { return slices.Contains(ComponentStatuses, s) }

// Label is the status as people read it.
func (s ComponentStatus) Label() string {
	switch s {
	case Operational:
		return "Operational"
	case DegradedPerformance:
		return "Degraded performance"
	case PartialOutage:
		return "Partial outage"
	case MajorOutage:
		return "Major outage"
	case UnderMaintenance:
		return "Under maintenance"
	}
	return string(s)
}

// rank orders statuses by how bad they are for the page's overall banner;
// maintenance ranks between degraded and outage because it is planned.
func (s ComponentStatus) rank() int {
	switch s {
	case DegradedPerformance:
		return 1
	case UnderMaintenance:
		return 2
	case PartialOutage:
		return 3
	case MajorOutage:
		return 4
	}
	return 0
}

// IncidentStatus is the stage of a public incident or maintenance.
type IncidentStatus string

// Statuses of incidents (the first four) and of scheduled maintenance (the
// last four), named as Statuspage names them.
const (
	Investigating IncidentStatus = "investigating"
	Identified    IncidentStatus = "identified"
	Monitoring    IncidentStatus = "monitoring"
	Resolved      IncidentStatus = "resolved"
	Scheduled     IncidentStatus = "scheduled"
	InProgress    IncidentStatus = "in_progress"
	Verifying     IncidentStatus = "verifying"
	Completed     IncidentStatus = "completed"
)

// IncidentStatuses are the statuses of an incident, in order.
var IncidentStatuses = []IncidentStatus{Investigating, Identified, Monitoring, Resolved}

// MaintenanceStatuses are the statuses of a maintenance, in order.
var MaintenanceStatuses = []IncidentStatus{Scheduled, InProgress, Verifying, Completed}

// Label is the status as people read it.
func (s IncidentStatus) Label() string {
	if s == InProgress {
		return "In progress"
	}
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// Done reports whether the incident or maintenance is over.
func (s IncidentStatus) Done() bool { return s == Resolved || s == Completed }

// Kind says whether a public incident is an unplanned incident or planned maintenance.
type Kind string

// The kinds of public incidents.
const (
	KindIncident    Kind = "incident"
	KindMaintenance Kind = "maintenance"
)

// Impact is how bad an incident is, as Statuspage names it.
type Impact string

// The impacts.
const (
	ImpactNone        Impact = "none"
	ImpactMinor       Impact = "minor"
	ImpactMajor       Impact = "major"
	ImpactCritical    Impact = "critical"
	ImpactMaintenance Impact = "maintenance"
)

// ImpactOf derives an incident's impact from the statuses it gives components.
func ImpactOf(kind Kind, affected []Affected) Impact {
	if kind == KindMaintenance {
		return ImpactMaintenance
	}
	worst := ImpactNone
	for _, a := range affected {
		var i Impact
		switch a.Status {
		case MajorOutage:
			i = ImpactCritical
		case PartialOutage:
			i = ImpactMajor
		case DegradedPerformance:
			i = ImpactMinor
		default:
			continue
		}
		if impactRank(i) > impactRank(worst) {
			worst = i
		}
	}
	return worst
}

func impactRank(i Impact) int {
	return map[Impact]int{ImpactNone: 0, ImpactMinor: 1, ImpactMajor: 2, ImpactCritical: 3}[i]
}

// Page is one status page: a public one per region, an internal one, ….
type Page struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"` // "default" is served at /status
	Name        string    `json:"name"`
	Host        string    `json:"host,omitempty"`     // when set, the page is also served at the root of this host
	LogoURL     string    `json:"logo_url,omitempty"` // an https URL or a data: URL
	TimeZone    string    `json:"time_zone"`          // IANA name; times on the page are shown in it
	SupportText string    `json:"support_text,omitempty"`
	Position    int       `json:"position"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// DefaultSlug is the slug of the page every installation starts with.
const DefaultSlug = "default"

// Location is the page's time zone, UTC when it is unknown.
func (p Page) Location() *time.Location {
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil || p.TimeZone == "" {
		return time.UTC
	}
	return loc
}

// Group is a named group of components on one page.
type Group struct {
	ID          int64  `json:"id"`
	PageID      int64  `json:"page_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Position    int    `json:"position"`
}

// Component is one thing customers use, with its current status.
type Component struct {
	ID          int64           `json:"id"`
	PageID      int64           `json:"page_id"`
	GroupID     int64           `json:"group_id,omitempty"` // zero: not in a group
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Status      ComponentStatus `json:"status"`
	Position    int             `json:"position"`
	Services    []string        `json:"services"` // catalog services this component stands for
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// Change is one entry of a component's status history.
type Change struct {
	ComponentID int64           `json:"component_id"`
	Status      ComponentStatus `json:"status"`
	At          time.Time       `json:"at"`
}

// Incident is a public incident or a scheduled maintenance.
type Incident struct {
	ID             int64          `json:"id"`
	PageID         int64          `json:"page_id"`
	Kind           Kind           `json:"kind"`
	IncidentNumber int64          `json:"incident_number,omitempty"` // the internal incident it tells about
	Name           string         `json:"name"`
	Status         IncidentStatus `json:"status"`
	Impact         Impact         `json:"impact"`
	ScheduledFor   *time.Time     `json:"scheduled_for,omitempty"`
	ScheduledUntil *time.Time     `json:"scheduled_until,omitempty"`
	Components     []int64        `json:"components"` // every component any update affected
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	MonitoringAt   *time.Time     `json:"monitoring_at,omitempty"`
	ResolvedAt     *time.Time     `json:"resolved_at,omitempty"`
	Updates        []Update       `json:"updates"` // newest first
}

// Open reports whether the incident or maintenance is not over yet.
func (i *Incident) Open() bool { return !i.Status.Done() }

// Latest is the newest update, or nil.
func (i *Incident) Latest() *Update {
	if len(i.Updates) == 0 {
		return nil
	}
	return &i.Updates[0]
}

// Update is one published update of a public incident.
type Update struct {
	ID         int64          `json:"id"`
	IncidentID int64          `json:"incident_id"`
	Status     IncidentStatus `json:"status"`
	Body       string         `json:"body"` // Markdown; rendered through the sanitizer
	Affected   []Affected     `json:"affected"`
	ActorName  string         `json:"actor_name,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
}

// Affected is a component's status as one update set it.
type Affected struct {
	ComponentID int64           `json:"component_id"`
	Name        string          `json:"name"`
	OldStatus   ComponentStatus `json:"old_status,omitempty"`
	Status      ComponentStatus `json:"status"`
}
