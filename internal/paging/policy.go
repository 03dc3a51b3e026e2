// Package paging is the pager: escalation policies, pages and the engine
// that walks a page through its policy. The rules (policy.go, page.go) are
// pure and take the time as an argument; Service (service.go) applies them
// through a small Store, and the engine (engine.go) is one scheduled job per
// escalation step, enqueued in the transaction that makes the step due.
package paging

import (
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// TargetKind says what a step pages.
type TargetKind string

// The kinds of target of an escalation step.
const (
	TargetUser     TargetKind = "user"     // one person
	TargetSchedule TargetKind = "schedule" // whoever is on call on the schedule when the step fires
	TargetTeam     TargetKind = "team"     // whoever is on call on any of the team's schedules
)

// Target is one thing a step pages.
type Target struct {
	Kind TargetKind `json:"kind"`
	ID   int64      `json:"id"`
	Name string     `json:"name,omitempty"` // filled in for display; not stored
}

func (t Target) String() string {
	if t.Name != "" {
		return fmt.Sprintf("%s %s", t.Kind, t.Name)
	}
	return fmt.Sprintf("%s %d", t.Kind, t.ID)
}

// Step is one level of a policy: its targets are paged together, and if no
// one acknowledges within Delay the next step fires.
type Step struct {
	Targets      []Target `json:"targets"`
	DelayMinutes int      `json:"delay_minutes"`
}

// Delay is the time from this step firing to the next one.
func (s Step) Delay() time.Duration { return time.Duration(s.DelayMinutes) * time.Minute }

// Policy is an escalation policy: ordered steps, the whole run repeated
// Repeat more times before the page stops escalating.
type Policy struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Repeat      int       `json:"repeat"`
	Steps       []Step    `json:"steps"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Limits of a policy, generous for people and small enough that a typo
// cannot make a page ring for a week.
const (
	MaxSteps        = 20
	MaxTargets      = 20
	MaxRepeat       = 9
	MaxDelayMinutes = 24 * 60
)

// Validate checks a policy before it is stored, naming the field at fault.
func (p Policy) Validate() error {
	switch {
	case p.Name == "":
		return apperr.Invalid("name", "a policy needs a name")
	case len(p.Name) > 200:
		return apperr.Invalid("name", "the name is longer than 200 characters")
	case len(p.Steps) == 0:
		return apperr.Invalid("steps", "a policy needs at least one step")
	case len(p.Steps) > MaxSteps:
		return apperr.Invalid("steps", "a policy has at most %d steps", MaxSteps)
	case p.Repeat < 0 || p.Repeat > MaxRepeat:
		return apperr.Invalid("repeat", "repeat must be between 0 and %d", MaxRepeat)
	}
	for i, s := range p.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		if len(s.Targets) == 0 {
			return apperr.Invalid(field+".targets", "step %d has no one to page", i+1)
		}
		if len(s.Targets) > MaxTargets {
			return apperr.Invalid(field+".targets", "step %d has more than %d targets", i+1, MaxTargets)
		}
		for j, t := range s.Targets {
			if t.Kind != TargetUser && t.Kind != TargetSchedule && t.Kind != TargetTeam {
				return apperr.Invalid(fmt.Sprintf("%s.targets[%d].kind", field, j), "a target is a user, a schedule or a team, not %q", t.Kind)
			}
			if t.ID <= 0 {
				return apperr.Invalid(fmt.Sprintf("%s.targets[%d].id", field, j), "target %d of step %d names no %s", j+1, i+1, t.Kind)
			}
		}
		// A zero delay would page the next step at the same moment, and with
		// repeats, loop without pause: only the last step of a policy that
		// does not repeat may leave it out (it is never used).
		last := i == len(p.Steps)-1 && p.Repeat == 0
		if s.DelayMinutes < 1 && !last {
			return apperr.Invalid(field+".delay_minutes", "step %d needs a delay of at least 1 minute before the next step", i+1)
		}
		if s.DelayMinutes > MaxDelayMinutes {
			return apperr.Invalid(field+".delay_minutes", "step %d waits more than 24 hours", i+1)
		}
	}
	return nil
}

// Position is where a page is in its policy: the round (0 is the first run,
// 1 the first repeat) and the step within it.
type Position struct {
	Round int `json:"round"`
	Step  int `json:"step"`
}

func (p Position) String() string { return fmt.Sprintf("round %d step %d", p.Round+1, p.Step+1) }

// Next is the position after pos, and false once every step of every round
// has fired.
func (p Policy) Next(pos Position) (Position, bool) {
	if pos.Step+1 < len(p.Steps) {
		return Position{pos.Round, pos.Step + 1}, true
	}
	if pos.Round < p.Repeat {
		return Position{pos.Round + 1, 0}, true
	}
	return Position{}, false
}

// Planned is one step of a plan: when it would fire, and whom it targets.
type Planned struct {
	Position
	At      time.Time `json:"at"`
	Targets []Target  `json:"targets"`
}

// Plan is the schedule of a page that no one acknowledges, starting at
// start: every step of every round with the time it fires. The policy
// editor shows it (with the people resolved) before a policy is saved.
func (p Policy) Plan(start time.Time) []Planned {
	if len(p.Steps) == 0 {
		return nil
	}
	var out []Planned
	at, pos := start, Position{}
	for {
		out = append(out, Planned{Position: pos, At: at, Targets: p.Steps[pos.Step].Targets})
		next, ok := p.Next(pos)
		if !ok {
			return out
		}
		at = at.Add(p.Steps[pos.Step].Delay())
		pos = next
	}
}

// Direct is the one-step policy that pages targets once: what PageUser,
// PageTeam, a reassignment and the Incident-Manager page use.
func Direct(name string, targets ...Target) Policy {
	return Policy{Name: name, Steps: []Step{{Targets: targets}}}
}
