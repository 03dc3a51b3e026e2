package incident

import (
	"context"
	"errors"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Timeline kinds recorded by other capabilities through RecordAlongside.
const (
	// EventStatusUpdatePublished: a public status-page update was published;
	// After holds {"page", "status", "public_incident", "update"} and Note its text.
	EventStatusUpdatePublished EventKind = "status_update_published"
	// EventStakeholderUpdate: an internal stakeholder update was sent; Note holds its text.
	EventStakeholderUpdate EventKind = "stakeholder_update_sent"
)

// AlongsideFunc writes another capability's rows inside the transaction of
// an incident change, and returns the one timeline event that records them.
type AlongsideFunc func(tx Tx, a access.Actor, inc *Incident, now time.Time) (Event, error)

// RecordAlongside is how another capability (the status page) changes its
// own state as part of an incident: fn runs inside the single transaction of
// the change, with the incident locked, and the event it returns is appended
// to the timeline with its job, audit entry and live notice — all or nothing.
// fn decides who may act (it sees the incident's roles).
func (s *Service) RecordAlongside(ctx context.Context, number int64, fn AlongsideFunc) (*Incident, error) {
	return s.change(ctx, number, 0, func(tx Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error) {
		ev, err := fn(tx, a, inc, now)
		if err != nil {
			return nil, err
		}
		if ev.Kind == "" {
			return nil, apperr.Internal(errNoKind)
		}
		base := inc.event(a, ev.Kind, now)
		base.Before, base.After, base.Note = ev.Before, ev.After, ev.Note
		inc.involve(a.UserID)
		return []Event{base}, nil
	})
}

var errNoKind = errors.New("RecordAlongside: the event has no kind")
