package oncall

import (
	"time"
)

// Handoffs are computed on the wall clock of the schedule's zone: a rotation
// counts shifts in "civil" time (the local date and time written as if it
// were UTC, so every day has 24 hours) and only then converts a handoff to an
// instant in the zone. So a 09:00 handoff stays 09:00 local when the clocks
// change, and the shift across the change is an hour shorter or longer.

// civil returns t's local wall time in loc as a zone-less (UTC) time.
func civil(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// instant returns the instant at which loc's wall clock shows c. A wall time
// skipped by a DST change resolves as Go's time.Date does (to the instant an
// hour later on the wall clock).
func instant(c time.Time, loc *time.Location) time.Time {
	return time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), c.Nanosecond(), loc)
}

// ParseDate reads a local date "YYYY-MM-DD" as a civil midnight.
func ParseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// period is the length of one shift on the civil clock.
func (r Rotation) period() time.Duration {
	n := time.Duration(r.Length)
	switch r.Unit {
	case Hours:
		return n * time.Hour
	case Days:
		return n * 24 * time.Hour
	case Weeks:
		return n * 7 * 24 * time.Hour
	}
	return 0
}

// anchor is the civil time of the handoff that begins shift 0: Start at the
// handoff time, moved back to the handoff weekday for weekly rotations. begin
// is when the rotation starts (Start at the handoff time): the first
// participant is on call from then, so a weekly rotation started on a
// Wednesday has its first person on call until the next handoff day.
func (r Rotation) anchor() (anchor, begin time.Time, ok bool) {
	d, err := ParseDate(r.Start)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	begin = d.Add(time.Duration(r.Handoff) * time.Minute)
	anchor = begin
	if r.Unit == Weeks {
		anchor = anchor.AddDate(0, 0, -((int(d.Weekday()) - int(r.HandoffDay) + 7) % 7))
	}
	return anchor, begin, true
}

// clock returns the function giving the start of shift k, and the index of
// the shift running at t (0 when t is before the rotation starts).
func (r Rotation) clock(loc *time.Location, t time.Time) (startAt func(int64) time.Time, k int64, ok bool) {
	per := r.period()
	a, begin, okA := r.anchor()
	if len(r.Participants) == 0 || per <= 0 || !okA {
		return nil, 0, false
	}
	b := instant(begin, loc)
	startAt = func(k int64) time.Time {
		if k == 0 {
			return b // shift 0 runs from the rotation's start, not from the handoff before it
		}
		return instant(a.Add(time.Duration(k)*per), loc)
	}
	if d := civil(t, loc).Sub(a); d > 0 {
		k = int64(d / per)
	}
	// The civil estimate can be one off around a DST change: correct it.
	for k > 0 && startAt(k).After(t) {
		k--
	}
	for !startAt(k + 1).After(t) {
		k++
	}
	return startAt, k, true
}

// Shifts returns the rotation's shifts that overlap [from, to), clipped to
// it, in order. It does work in proportion to the number of shifts in the
// window, not to the time since the rotation began.
func (r Rotation) Shifts(loc *time.Location, from, to time.Time) []Span {
	startAt, k, ok := r.clock(loc, from)
	if !ok || !from.Before(to) {
		return nil
	}
	n := int64(len(r.Participants))
	var out []Span
	for s := startAt(k); s.Before(to); k++ {
		e := startAt(k + 1)
		if e.After(s) && e.After(from) {
			out = append(out, Span{Start: maxTime(s, from), End: minTime(e, to), UserID: r.Participants[k%n]})
		}
		s = e
	}
	return out
}

// ShiftAt returns the unclipped shift (ignoring restrictions) running at t;
// ok is false before the rotation starts or when it has no participants.
func (r Rotation) ShiftAt(loc *time.Location, t time.Time) (Span, bool) {
	startAt, k, ok := r.clock(loc, t)
	if !ok || startAt(k).After(t) {
		return Span{}, false
	}
	return Span{Start: startAt(k), End: startAt(k + 1), UserID: r.Participants[k%int64(len(r.Participants))]}, true
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
