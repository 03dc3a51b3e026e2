package oncall

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Limits that keep a schedule something a person can read.
const (
	MaxLayers       = 20
	MaxParticipants = 100
	maxName         = 200
	maxDescription  = 2000
	maxShiftHours   = 24 * 7 * 52 // a year
)

// Validate checks a schedule and tidies its text; errors name the field.
func (s *Schedule) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	s.Description = strings.TrimSpace(s.Description)
	if s.Name == "" {
		return apperr.Invalid("name", "is required")
	}
	if utf8.RuneCountInString(s.Name) > maxName {
		return apperr.Invalid("name", "is longer than %d characters", maxName)
	}
	if utf8.RuneCountInString(s.Description) > maxDescription {
		return apperr.Invalid("description", "is longer than %d characters", maxDescription)
	}
	if s.TimeZone == "" {
		s.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "Local" {
		return apperr.Invalid("time_zone", "%q is not an IANA time zone like Europe/Berlin", s.TimeZone)
	}
	if len(s.Layers) > MaxLayers {
		return apperr.Invalid("layers", "a schedule has at most %d layers", MaxLayers)
	}
	if s.Layers == nil {
		s.Layers = []Layer{}
	}
	for i := range s.Layers {
		if err := s.Layers[i].validate(fmt.Sprintf("layers[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

func (l *Layer) validate(f string) error {
	l.Name = strings.TrimSpace(l.Name)
	if utf8.RuneCountInString(l.Name) > maxName {
		return apperr.Invalid(f+".name", "is longer than %d characters", maxName)
	}
	r := &l.Rotation
	if r.Participants == nil {
		r.Participants = []int64{}
	}
	if len(r.Participants) > MaxParticipants {
		return apperr.Invalid(f+".rotation.participants", "a rotation has at most %d participants", MaxParticipants)
	}
	for _, p := range r.Participants {
		if p <= 0 {
			return apperr.Invalid(f+".rotation.participants", "%d is not a user id", p)
		}
	}
	switch r.Unit {
	case Hours, Days, Weeks:
	default:
		return apperr.Invalid(f+".rotation.unit", "must be hours, days or weeks, not %q", r.Unit)
	}
	if r.Length < 1 || r.period() > maxShiftHours*time.Hour {
		return apperr.Invalid(f+".rotation.length", "must be between 1 and a year's worth of %s", r.Unit)
	}
	if r.Handoff < 0 || r.Handoff >= 24*60 {
		return apperr.Invalid(f+".rotation.handoff", "must be a time of day")
	}
	if r.HandoffDay < time.Sunday || r.HandoffDay > time.Saturday {
		return apperr.Invalid(f+".rotation.handoff_day", "must be a weekday, 0 (Sunday) to 6")
	}
	if _, err := ParseDate(r.Start); err != nil {
		return apperr.Invalid(f+".rotation.start", "%q is not a date like 2026-01-05", r.Start)
	}
	if l.Restrictions == nil {
		l.Restrictions = []Restriction{}
	}
	for j, x := range l.Restrictions {
		rf := fmt.Sprintf("%s.restrictions[%d]", f, j)
		if x.From < 0 || x.From >= 24*60 || x.To < 0 || x.To >= 24*60 {
			return apperr.Invalid(rf, "from and to must be times of day")
		}
		switch x.Kind {
		case Daily:
			for _, d := range x.Days {
				if d < time.Sunday || d > time.Saturday {
					return apperr.Invalid(rf+".days", "must be weekdays, 0 (Sunday) to 6")
				}
			}
		case Weekly:
			if x.FromDay < time.Sunday || x.FromDay > time.Saturday || x.ToDay < time.Sunday || x.ToDay > time.Saturday {
				return apperr.Invalid(rf, "from_day and to_day must be weekdays, 0 (Sunday) to 6")
			}
		default:
			return apperr.Invalid(rf+".kind", "must be daily or weekly, not %q", x.Kind)
		}
	}
	return nil
}

// Warnings describes what a person saving the schedule should know: layers
// that put nobody on call, and the gaps in coverage over [from, to).
func Warnings(s Schedule, overrides []Override, from, to time.Time) []string {
	loc, err := s.Location()
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	if len(s.Layers) == 0 {
		out = append(out, "The schedule has no layers: nobody is ever on call.")
	}
	for i, l := range s.Layers {
		if len(l.Rotation.Participants) == 0 {
			out = append(out, fmt.Sprintf("Layer %d (%s) has no participants.", i+1, l.Name))
		}
	}
	if len(s.Layers) == 0 {
		return out
	}
	gaps := Gaps(Timeline(s.Layers, overrides, loc, from, to))
	const shown = 5
	for i, g := range gaps {
		if i == shown {
			out = append(out, fmt.Sprintf("… and %d more gaps.", len(gaps)-shown))
			break
		}
		out = append(out, fmt.Sprintf("Nobody is on call from %s to %s.", g.Start.In(loc).Format("Mon 2 Jan 15:04"), g.End.In(loc).Format("Mon 2 Jan 15:04 MST")))
	}
	return out
}
