package incident

import (
	"context"
	"strings"
)

// Stage is where an incident stands in the process.
type Stage string

// The stages of the process: Detect → Fix → Resolved → Improve → Closed,
// and Dismissed when the input event turned out not to be an incident.
const (
	Detect    Stage = "detect"
	Fix       Stage = "fix"
	Resolved  Stage = "resolved"
	Improve   Stage = "improve"
	Closed    Stage = "closed"
	Dismissed Stage = "dismissed"
)

// Stages lists every stage in process order.
var Stages = []Stage{Detect, Fix, Resolved, Improve, Closed, Dismissed}

// transitions is the one table of allowed stage changes.
var transitions = map[Stage][]Stage{
	Detect:   {Fix, Dismissed},
	Fix:      {Resolved},
	Resolved: {Fix, Improve}, // Resolved → Fix is a reopen, recorded as such
	Improve:  {Closed},
}

// Next lists the stages an incident may move to from s.
func (s Stage) Next() []Stage { return transitions[s] }

// CanMoveTo reports whether the table allows s → to.
func (s Stage) CanMoveTo(to Stage) bool {
	for _, n := range transitions[s] {
		if n == to {
			return true
		}
	}
	return false
}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool {
	for _, k := range Stages {
		if k == s {
			return true
		}
	}
	return false
}

// Open reports whether the incident still needs responders' attention.
func (s Stage) Open() bool { return s == Detect || s == Fix }

// Label is the stage's name for people.
func (s Stage) Label() string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// ClosePolicy decides whether an incident in Improve may be closed. The
// postmortem capability provides the real one (closing requires a published
// postmortem); until it is wired, AllowClose applies.
type ClosePolicy func(ctx context.Context, inc *Incident) error

// AllowClose is the close policy that lets every incident in Improve close.
func AllowClose(context.Context, *Incident) error { return nil }
