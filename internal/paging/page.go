package paging

import (
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Status is where a page is in its life.
type Status string

// The states of a page: triggered (escalating), acknowledged (someone has
// it; escalation stopped), resolved (over). A page created while its service
// is in a maintenance window is suppressed: kept and shown, never sent.
const (
	Triggered    Status = "triggered"
	Acknowledged Status = "acknowledged"
	Resolved     Status = "resolved"
	Suppressed   Status = "suppressed"
)

// Urgency is how hard a page tries to wake someone; notification rules
// choose contact methods per urgency.
type Urgency string

// The urgencies.
const (
	High Urgency = "high"
	Low  Urgency = "low"
)

// Source says what raised a page.
type Source string

// The sources of pages.
const (
	FromAlertGroup Source = "alert_group" // an alert routed to triage
	FromIncident   Source = "incident"    // an incident declared without triage
	FromIMSchedule Source = "incident_im" // the service's Incident-Manager schedule, on declare
	FromManual     Source = "manual"      // someone paged a person or team by hand
)

// Page is one attempt to get someone to respond. It carries a copy of the
// policy it walks, so editing the policy does not change a page under way.
type Page struct {
	ID             int64      `json:"id"`
	ServiceID      int64      `json:"service_id,omitempty"`
	Service        string     `json:"service,omitempty"`
	Summary        string     `json:"summary"`
	Details        string     `json:"details,omitempty"`
	Urgency        Urgency    `json:"urgency"`
	Source         Source     `json:"source"`
	SourceID       int64      `json:"source_id,omitempty"` // the alert group or incident number
	IncidentNumber int64      `json:"incident_number,omitempty"`
	PolicyID       int64      `json:"policy_id,omitempty"`
	Policy         Policy     `json:"policy"`
	Status         Status     `json:"status"`
	Next           Position   `json:"next"`              // the step that fires next
	NextAt         *time.Time `json:"next_at,omitempty"` // when; nil once nothing is due
	Seq            int64      `json:"seq"`               // bumped each time a step is scheduled: older step jobs are stale
	Last           *Position  `json:"last,omitempty"`    // the step that fired most recently
	AckedBy        int64      `json:"acked_by,omitempty"`
	AckedAt        *time.Time `json:"acked_at,omitempty"`
	ResolvedBy     int64      `json:"resolved_by,omitempty"`
	ResolvedAt     *time.Time `json:"resolved_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Open reports whether the page may still notify someone.
func (p *Page) Open() bool { return p.Status == Triggered || p.Status == Acknowledged }

// Kinds of page timeline events.
const (
	EvTriggered    = "triggered"
	EvSuppressed   = "suppressed"
	EvStepFired    = "step_fired"
	EvNotified     = "notified"
	EvNoOne        = "no_one"
	EvDelivery     = "delivery"
	EvExhausted    = "exhausted"
	EvAcknowledged = "acknowledged"
	EvResolved     = "resolved"
	EvEscalated    = "escalated"
	EvReassigned   = "reassigned"
	EvFireFailed   = "fire_failed" // the step could not be fired; tried again later
)

// Event is one line of a page's timeline.
type Event struct {
	ID      int64     `json:"id"`
	PageID  int64     `json:"page_id"`
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	ActorID int64     `json:"actor_id,omitempty"`
	UserID  int64     `json:"user_id,omitempty"` // the person notified, or whose delivery this is
	Text    string    `json:"text"`
}

// Due is a step job to schedule: fire the page's step Seq at At.
type Due struct {
	Seq int64
	At  time.Time
}

// New starts a page on policy at now: its first step is due at once. A page
// for a service in maintenance is created suppressed, with nothing due.
func New(p Page, policy Policy, now time.Time, maintenance string) (Page, []Event, *Due) {
	p.Policy = policy
	p.PolicyID = policy.ID
	if p.Urgency == "" {
		p.Urgency = High
	}
	p.CreatedAt, p.UpdatedAt = now, now
	p.Next = Position{}
	if maintenance != "" {
		p.Status = Suppressed
		return p, []Event{{At: now, Kind: EvSuppressed, Text: "Not paged: " + maintenance}}, nil
	}
	p.Status = Triggered
	p.Seq = 1
	p.NextAt = &now
	return p, []Event{{At: now, Kind: EvTriggered, Text: fmt.Sprintf("Triggered on policy %q: %s", policy.Name, p.Summary)}}, &Due{Seq: 1, At: now}
}

// Fire decides what the step job seq does at now. It returns the step to
// notify (ok false when the job is stale: the page was acknowledged,
// resolved, escalated by hand or reassigned since), and advances the page
// to the following step, which is due after the step's delay.
func (p *Page) Fire(seq int64, now time.Time) (step Step, pos Position, due *Due, ok bool) {
	if p.Status != Triggered || p.Seq != seq || p.NextAt == nil || len(p.Policy.Steps) == 0 {
		return Step{}, Position{}, nil, false
	}
	pos = p.Next
	if pos.Step >= len(p.Policy.Steps) {
		return Step{}, Position{}, nil, false
	}
	step = p.Policy.Steps[pos.Step]
	p.UpdatedAt, p.Last = now, &pos
	next, more := p.Policy.Next(pos)
	if !more {
		p.NextAt = nil
		return step, pos, nil, true
	}
	at := now.Add(step.Delay())
	p.Next, p.NextAt = next, &at
	p.Seq++
	return step, pos, &Due{Seq: p.Seq, At: at}, true
}

// Acknowledge stops escalation: the user has it.
func (p *Page) Acknowledge(user int64, now time.Time) (Event, error) {
	switch p.Status {
	case Acknowledged:
		return Event{}, apperr.Conflict("page %d is already acknowledged", p.ID)
	case Resolved, Suppressed:
		return Event{}, apperr.Conflict("page %d is %s", p.ID, p.Status)
	}
	p.Status, p.AckedBy, p.AckedAt, p.NextAt, p.UpdatedAt = Acknowledged, user, &now, nil, now
	return Event{At: now, Kind: EvAcknowledged, ActorID: user, Text: "Acknowledged"}, nil
}

// Resolve closes the page.
func (p *Page) Resolve(user int64, now time.Time, why string) (Event, error) {
	if !p.Open() {
		return Event{}, apperr.Conflict("page %d is %s", p.ID, p.Status)
	}
	p.Status, p.ResolvedBy, p.ResolvedAt, p.NextAt, p.UpdatedAt = Resolved, user, &now, nil, now
	text := "Resolved"
	if why != "" {
		text += ": " + why
	}
	return Event{At: now, Kind: EvResolved, ActorID: user, Text: text}, nil
}

// EscalateNow fires the next step at once (PagerDuty's "escalate"): an
// acknowledged page is triggered again, and a page whose policy is
// exhausted starts another round.
func (p *Page) EscalateNow(user int64, now time.Time) (Event, *Due, error) {
	if !p.Open() {
		return Event{}, nil, apperr.Conflict("page %d is %s", p.ID, p.Status)
	}
	if p.NextAt == nil && p.Last != nil {
		// Nothing is due (acknowledged, or every step fired): continue
		// after the step that fired last.
		if n, ok := p.Policy.Next(*p.Last); ok {
			p.Next = n
		} else {
			p.Next = Position{Round: p.Last.Round + 1}
		}
	}
	p.Status, p.AckedBy, p.AckedAt = Triggered, 0, nil
	p.NextAt, p.UpdatedAt = &now, now
	p.Seq++
	return Event{At: now, Kind: EvEscalated, ActorID: user, Text: "Escalated by hand to " + p.Next.String()},
		&Due{Seq: p.Seq, At: now}, nil
}

// Reassign hands the page to another policy (or a Direct one for a person)
// and starts it from its first step, now.
func (p *Page) Reassign(user int64, to Policy, now time.Time) (Event, *Due, error) {
	if !p.Open() {
		return Event{}, nil, apperr.Conflict("page %d is %s", p.ID, p.Status)
	}
	if err := to.Validate(); err != nil {
		return Event{}, nil, err
	}
	p.Policy, p.PolicyID = to, to.ID
	p.Status, p.AckedBy, p.AckedAt = Triggered, 0, nil
	p.Next, p.NextAt, p.Last, p.UpdatedAt = Position{}, &now, nil, now
	p.Seq++
	return Event{At: now, Kind: EvReassigned, ActorID: user, Text: fmt.Sprintf("Reassigned to %q", to.Name)},
		&Due{Seq: p.Seq, At: now}, nil
}
