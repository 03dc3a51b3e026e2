package postmortem

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// MeetingInput is what the Incident Manager proposes.
type MeetingInput struct {
	Start    time.Time `json:"start"`
	Minutes  int       `json:"minutes"` // default (and at most) the timebox
	Location string    `json:"location"`
}

// Meeting returns the meeting of an incident.
func (s *Service) Meeting(ctx context.Context, number int64) (*Meeting, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.Meeting(ctx, number)
}

// Schedule schedules (or reschedules) the meeting under the policy and
// invites everyone involved; every change is a new SEQUENCE of the same UID.
func (s *Service) Schedule(ctx context.Context, number int64, in MeetingInput) (*Meeting, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if err := manager(a, inc); err != nil {
		return nil, err
	}
	if in.Minutes == 0 {
		in.Minutes = int(s.policy.MaxMeeting / time.Minute)
	}
	in.Location = strings.TrimSpace(in.Location)
	if in.Location == "" {
		in.Location = inc.ConferenceURL // the incident's call, unless a room is named
	}
	if utf8.RuneCountInString(in.Location) > 500 || strings.ContainsAny(in.Location, "\r\n") {
		return nil, apperr.Invalid("location", "must be one line of at most 500 characters")
	}
	now := s.now().UTC()
	if err := s.policy.CheckMeeting(inc.Times.Resolved, in.Start, in.Minutes, now); err != nil {
		return nil, err
	}
	var out *Meeting
	err = s.store.InTx(ctx, func(tx Tx) error {
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if pm.Status == Waived {
			return apperr.Conflict("the postmortem of %s was waived", inc.Ref())
		}
		m, err := tx.MeetingForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if m == nil {
			m = &Meeting{Number: number, UID: newUID(number), CreatedAt: now}
		} else {
			if m.EndedAt != nil {
				return apperr.Conflict("the meeting of %s was already held", inc.Ref())
			}
			m.Sequence++
			m.Version++
		}
		m.Start, m.Minutes, m.Location, m.Cancelled = in.Start.UTC(), in.Minutes, in.Location, false
		m.Attendees, m.ScheduledBy, m.UpdatedAt = append([]int64{}, inc.Involved...), a.UserID, now
		if m.Version == 0 {
			m.Version = 1
		}
		if err := tx.SaveMeeting(ctx, m); err != nil {
			return err
		}
		for _, id := range m.Attendees {
			if err := tx.Enqueue(ctx, InviteJob{Number: number, UserID: id, Sequence: m.Sequence}); err != nil {
				return err
			}
		}
		if due := m.Start.Add(-s.policy.FormReminderBefore); due.After(now) {
			if err := tx.Enqueue(ctx, FormReminderJob{Number: number, Sequence: m.Sequence, Due: due}); err != nil {
				return err
			}
		}
		out = m
		return s.audit(ctx, tx, "postmortem.meeting.schedule", number, map[string]any{"start": m.Start, "minutes": m.Minutes, "sequence": m.Sequence}, now)
	})
	return out, err
}

// CancelMeeting cancels the meeting and sends every invitee the cancellation.
func (s *Service) CancelMeeting(ctx context.Context, number int64) (*Meeting, error) {
	return s.meetingChange(ctx, number, true, "postmortem.meeting.cancel", func(m *Meeting, now time.Time) (bool, error) {
		if m.Cancelled {
			return false, nil
		}
		if m.StartedAt != nil {
			return false, apperr.Conflict("the meeting has started; end it instead")
		}
		m.Cancelled = true
		m.Sequence++
		return true, nil
	})
}

// StartMeeting starts the timebox of the meeting view.
func (s *Service) StartMeeting(ctx context.Context, number int64) (*Meeting, error) {
	return s.meetingChange(ctx, number, true, "postmortem.meeting.start", func(m *Meeting, now time.Time) (bool, error) {
		if m.Cancelled {
			return false, apperr.Conflict("the meeting was cancelled; schedule it again first")
		}
		if m.StartedAt != nil {
			return false, nil
		}
		m.StartedAt = &now
		return false, nil
	})
}

// EndMeeting ends the meeting.
func (s *Service) EndMeeting(ctx context.Context, number int64) (*Meeting, error) {
	return s.meetingChange(ctx, number, true, "postmortem.meeting.end", func(m *Meeting, now time.Time) (bool, error) {
		if m.StartedAt == nil {
			return false, apperr.Conflict("the meeting has not started")
		}
		if m.EndedAt == nil {
			m.EndedAt = &now
		}
		return false, nil
	})
}

// SaveNotes saves the meeting notes; any responder may take them.
func (s *Service) SaveNotes(ctx context.Context, number, version int64, notes string) (*Meeting, error) {
	if utf8.RuneCountInString(notes) > 100000 {
		return nil, apperr.Invalid("notes", "the notes are longer than 100,000 characters")
	}
	return s.meetingChange(ctx, number, false, "postmortem.meeting.notes", func(m *Meeting, now time.Time) (bool, error) {
		if version != 0 && m.Version != version {
			return false, apperr.Stale("the notes were changed by someone else (you edited version "+itoa(version)+", it is now at "+itoa(m.Version)+"); reload them", m)
		}
		m.Notes = strings.ReplaceAll(notes, "\r\n", "\n")
		return false, nil
	})
}

// meetingChange applies fn to the meeting in one transaction; invite says
// whether every invitee is told (a new sequence).
func (s *Service) meetingChange(ctx context.Context, number int64, imOnly bool, action string, fn func(m *Meeting, now time.Time) (bool, error)) (*Meeting, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if imOnly {
		err = manager(a, inc)
	} else {
		err = responder(a)
	}
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var out *Meeting
	err = s.store.InTx(ctx, func(tx Tx) error {
		m, err := tx.MeetingForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if m == nil {
			return apperr.NotFound("the meeting of " + inc.Ref())
		}
		invite, err := fn(m, now)
		if err != nil {
			return err
		}
		m.Version++
		m.UpdatedAt = now
		if err := tx.SaveMeeting(ctx, m); err != nil {
			return err
		}
		if invite {
			for _, id := range m.Attendees {
				if err := tx.Enqueue(ctx, InviteJob{Number: number, UserID: id, Sequence: m.Sequence}); err != nil {
					return err
				}
			}
		}
		out = m
		return s.audit(ctx, tx, action, number, nil, now)
	})
	return out, err
}

// audit records an entry for the actor in ctx and tells the postmortem's viewers.
func (s *Service) audit(ctx context.Context, tx Tx, action string, number int64, detail any, now time.Time) error {
	a, _ := actorOf(ctx)
	if err := tx.Audit(ctx, audit.New(a, now, action, incident.Ref(number), detail)); err != nil {
		return err
	}
	return tx.Publish(ctx, Topic(number))
}

// newUID makes the meeting's stable iCalendar UID.
func newUID(number int64) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "postmortem-" + incident.Ref(number) + "-" + hex.EncodeToString(b) + "@firebreak"
}
