package incident

import (
	"time"
)

// EventKind says what a timeline event records.
type EventKind string

// The kinds of timeline events.
const (
	EventDeclared     EventKind = "declared"      // the incident was created
	EventStageChanged EventKind = "stage_changed" // before/after hold {"stage": …}; a reopen has Reopened set
	EventFieldChanged EventKind = "field_changed" // before/after hold only the fields that changed
	EventRoleAssigned EventKind = "role_assigned" // after holds {"role", "user_id"}; before the previous holder
	EventRoleRemoved  EventKind = "role_removed"  // before holds {"role", "user_id"}
	EventNote         EventKind = "note"          // free text written by a person
	EventKeyMoment    EventKind = "key_moment"    // marks an earlier note (Ref) as a key moment for the postmortem
)

// Event is one immutable entry of an incident's timeline. Events are only
// ever appended; Seq orders them within the incident.
type Event struct {
	ID             int64          `json:"id"`
	IncidentNumber int64          `json:"incident_number"`
	Seq            int64          `json:"seq"`
	At             time.Time      `json:"at"`
	ActorID        int64          `json:"actor_id,omitempty"` // zero for Firebreak itself
	ActorName      string         `json:"actor_name"`
	Kind           EventKind      `json:"kind"`
	Before         map[string]any `json:"before,omitempty"`
	After          map[string]any `json:"after,omitempty"`
	Note           string         `json:"note,omitempty"`
	KeyMoment      bool           `json:"key_moment,omitempty"` // for notes: written as a key moment
	Ref            int64          `json:"ref,omitempty"`        // for key_moment events: the Seq of the note marked
}

// KeyMoments returns the notes that are key moments, whether they were written
// as one or marked later, in timeline order.
func KeyMoments(events []Event) []Event {
	marked := map[int64]bool{}
	for _, e := range events {
		if e.Kind == EventKeyMoment {
			marked[e.Ref] = true
		}
	}
	var out []Event
	for _, e := range events {
		if e.Kind == EventNote && (e.KeyMoment || marked[e.Seq]) {
			e.KeyMoment = true
			out = append(out, e)
		}
	}
	return out
}
