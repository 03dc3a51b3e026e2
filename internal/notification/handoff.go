package notification

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Handoff is a shift about to begin, as the handoff notice tells it.
type Handoff struct {
	ScheduleID   int64
	ScheduleName string
	UserID       int64
	TimeZone     string // the person's, for the times in the notice; "" is UTC
	Start, End   time.Time
}

// Shifts finds the shifts starting in [from, to). The composition root
// adapts (*oncall.Service).ShiftsStarting to it.
type Shifts interface {
	ShiftsStarting(ctx context.Context, from, to time.Time) ([]Handoff, error)
}

// Handoff notice timing: a notice goes out up to HandoffLead before its
// shift begins; a shift that began up to HandoffGrace ago (the nodes were
// down) still gets one.
const (
	HandoffLead  = 15 * time.Minute
	HandoffGrace = 10 * time.Minute
)

// HandoffKey is the idempotency key of a shift's notice: every node and
// every pass may try it, one is sent.
func HandoffKey(h Handoff) string {
	return fmt.Sprintf("handoff/%d/%d/%d", h.ScheduleID, h.UserID, h.Start.Unix())
}

// SendHandoffs notifies everyone whose shift begins around now that they are
// on call ("you are on call for Primary from … to …"). Each notice is a
// low-urgency message keyed by schedule, person and start, so running this
// every minute on every node sends each one once.
func (s *Service) SendHandoffs(ctx context.Context, src Shifts) (int, error) {
	now := s.now().UTC()
	shifts, err := src.ShiftsStarting(ctx, now.Add(-HandoffGrace), now.Add(HandoffLead))
	if err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, h := range shifts {
		if h.UserID == 0 {
			continue
		}
		if err := s.Notify(ctx, HandoffMessage(h)); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// HandoffMessage is the notice of one shift, in the person's time zone.
func HandoffMessage(h Handoff) Message {
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil || h.TimeZone == "" {
		loc = time.UTC
	}
	const layout = "Mon 2 Jan 15:04"
	name := h.ScheduleName
	if name == "" {
		name = fmt.Sprintf("schedule %d", h.ScheduleID)
	}
	from, to := h.Start.In(loc).Format(layout), h.End.In(loc).Format(layout)
	return Message{
		Key:     HandoffKey(h),
		UserID:  h.UserID,
		Urgency: Low,
		Subject: fmt.Sprintf("You are on call for %s from %s", name, from),
		Body:    fmt.Sprintf("You are on call for %s from %s to %s (%s).", name, from, to, loc),
	}
}
