// Package incident holds the incident core: stages and their allowed
// transitions, roles and who may appoint them, the immutable timeline, and the
// one Service through which every change to an incident passes. The rules are
// pure functions of (incident, actor, input, now); the Service adds storage
// through the small interfaces declared in store.go.
package incident

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Incident is one incident record: what the process calls INC-NNN.
type Incident struct {
	Number         int64             `json:"number"` // from a sequence that never reuses a value
	Title          string            `json:"title"`
	Summary        string            `json:"summary"`
	Severity       string            `json:"severity"`
	Stage          Stage             `json:"stage"`
	Services       []string          `json:"services"` // names of affected catalog services
	Labels         map[string]string `json:"labels"`
	CustomerImpact string            `json:"customer_impact"`
	BlastRadius    BlastRadius       `json:"blast_radius"`
	ChatChannel    string            `json:"chat_channel"`
	ConferenceURL  string            `json:"conference_url"`
	PagingRef      string            `json:"paging_ref"`
	DismissReason  string            `json:"dismiss_reason,omitempty"`
	Times          StageTimes        `json:"times"`
	Roles          Roles             `json:"roles"`
	Involved       []int64           `json:"involved"` // role holders and everyone who acted, in order of first involvement
	CreatedBy      int64             `json:"created_by"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	Version        int64             `json:"version"` // bumped by every change; writes must name the version they read
}

// Ref is the id people use: "INC-42".
func (inc *Incident) Ref() string { return Ref(inc.Number) }

// Ref formats an incident number as its id.
func Ref(number int64) string { return "INC-" + strconv.FormatInt(number, 10) }

// ParseRef accepts "INC-42", "inc-42" or "42".
func ParseRef(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if len(s) > 4 && strings.EqualFold(s[:4], "INC-") {
		s = s[4:]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not an incident id like INC-42", s)
	}
	return n, nil
}

// BlastRadius says how far the impact reached, in words and in counts.
type BlastRadius struct {
	Text   string  `json:"text"`
	Counts []Count `json:"counts"`
}

// Count is one measured piece of the blast radius, e.g. 12 support_tickets.
type Count struct {
	Kind  string `json:"kind"`
	Count int64  `json:"count"`
}

// StageTimes records when the incident first entered each stage. A reopen
// (Resolved → Fix) keeps the first times; the timeline holds every entry.
type StageTimes struct {
	Detected  *time.Time `json:"detected,omitempty"`
	Declared  *time.Time `json:"declared,omitempty"`
	Fixing    *time.Time `json:"fixing,omitempty"`
	Resolved  *time.Time `json:"resolved,omitempty"`
	Improve   *time.Time `json:"improve,omitempty"`
	Closed    *time.Time `json:"closed,omitempty"`
	Dismissed *time.Time `json:"dismissed,omitempty"`
}

// Roles holds who holds each incident role; zero means vacant.
type Roles struct {
	FirstResponder        int64   `json:"first_responder,omitempty"`
	IncidentManager       int64   `json:"incident_manager,omitempty"`
	CommunicationsManager int64   `json:"communications_manager,omitempty"`
	DomainExperts         []int64 `json:"domain_experts"`
}

// Holders lists everyone who holds a role.
func (r Roles) Holders() []int64 {
	var ids []int64
	for _, id := range []int64{r.FirstResponder, r.IncidentManager, r.CommunicationsManager} {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return append(ids, r.DomainExperts...)
}

// involve adds a user to the involved people once.
func (inc *Incident) involve(userID int64) {
	if userID != 0 && !slices.Contains(inc.Involved, userID) {
		inc.Involved = append(inc.Involved, userID)
	}
}

// Duration is how long customers were affected: from detection to
// resolution, or until now for an open incident.
func (inc *Incident) Duration(now time.Time) time.Duration {
	start := inc.CreatedAt
	if inc.Times.Detected != nil {
		start = *inc.Times.Detected
	}
	end := now
	if inc.Times.Resolved != nil {
		end = *inc.Times.Resolved
	}
	return end.Sub(start)
}

// clone copies the incident deeply enough that changing the copy leaves the
// original intact (used to record "before" states).
func (inc *Incident) clone() *Incident {
	c := *inc
	c.Services = slices.Clone(inc.Services)
	c.Involved = slices.Clone(inc.Involved)
	c.Roles.DomainExperts = slices.Clone(inc.Roles.DomainExperts)
	c.BlastRadius.Counts = slices.Clone(inc.BlastRadius.Counts)
	if inc.Labels != nil {
		c.Labels = make(map[string]string, len(inc.Labels))
		for k, v := range inc.Labels {
			c.Labels[k] = v
		}
	}
	return &c
}
