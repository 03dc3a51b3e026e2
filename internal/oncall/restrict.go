package oncall

import (
	"sort"
	"time"
)

// interval is [start, end).
type interval struct{ start, end time.Time }

// windows returns the union of the restrictions' windows that overlap
// [from, to), clipped to it, sorted and disjoint. Windows are laid out on the
// local wall clock, so "09:00–17:00" is 09:00–17:00 local on DST days too.
func windows(rs []Restriction, loc *time.Location, from, to time.Time) []interval {
	var out []interval
	// A window opens at most a week before it closes: start a week early so
	// one opened before from and still open is found.
	first := civil(from, loc)
	first = time.Date(first.Year(), first.Month(), first.Day()-7, 0, 0, 0, 0, time.UTC)
	last := civil(to, loc)
	for _, r := range rs {
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			var open, close time.Time
			switch r.Kind {
			case Weekly:
				if d.Weekday() != r.FromDay {
					continue
				}
				days := (int(r.ToDay) - int(r.FromDay) + 7) % 7
				if days == 0 && r.To <= r.From {
					days = 7
				}
				open = d.Add(time.Duration(r.From) * time.Minute)
				close = d.AddDate(0, 0, days).Add(time.Duration(r.To) * time.Minute)
			default: // daily
				if len(r.Days) > 0 && !hasDay(r.Days, d.Weekday()) {
					continue
				}
				open = d.Add(time.Duration(r.From) * time.Minute)
				close = d.Add(time.Duration(r.To) * time.Minute)
				if r.To <= r.From {
					close = close.AddDate(0, 0, 1)
				}
			}
			s, e := instant(open, loc), instant(close, loc)
			if e.After(from) && s.Before(to) && e.After(s) {
				out = append(out, interval{maxTime(s, from), minTime(e, to)})
			}
		}
	}
	return union(out)
}

func hasDay(days []time.Weekday, d time.Weekday) bool {
	for _, x := range days {
		if x == d {
			return true
		}
	}
	return false
}

// union merges overlapping or touching intervals.
func union(in []interval) []interval {
	if len(in) == 0 {
		return nil
	}
	sort.Slice(in, func(i, j int) bool { return in[i].start.Before(in[j].start) })
	out := []interval{in[0]}
	for _, iv := range in[1:] {
		last := &out[len(out)-1]
		if !iv.start.After(last.end) {
			last.end = maxTime(last.end, iv.end)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// restrict keeps the parts of the shifts inside the windows.
func restrict(shifts []Span, ws []interval) []Span {
	var out []Span
	j := 0
	for _, s := range shifts {
		for i := j; i < len(ws) && ws[i].start.Before(s.End); i++ {
			if !ws[i].end.After(s.Start) {
				j = i + 1 // ends ascend: no later shift reaches back into it
				continue
			}
			c := s
			c.Start, c.End = maxTime(s.Start, ws[i].start), minTime(s.End, ws[i].end)
			out = append(out, c)
		}
	}
	return out
}

// Spans returns who the layer puts on call over [from, to): the rotation's
// shifts cut to the restrictions' windows, a person's consecutive shifts
// joined (a handoff from someone to themselves is no handoff).
func (l Layer) Spans(loc *time.Location, from, to time.Time) []Span {
	spans := l.Rotation.Shifts(loc, from, to)
	if len(l.Restrictions) > 0 && len(spans) > 0 {
		spans = restrict(spans, windows(l.Restrictions, loc, from, to))
	}
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && out[n-1].UserID == s.UserID && out[n-1].End.Equal(s.Start) {
			out[n-1].End = s.End
			continue
		}
		out = append(out, s)
	}
	return out
}
