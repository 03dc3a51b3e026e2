// Package oncall is who is on call: schedules made of layers, each a rotation
// of participants, optionally restricted to windows of the week, stacked by
// priority, with overrides on top. The maths (rotation.go, restrict.go,
// timeline.go) is pure: time is passed in and nothing is read from storage.
// Service (service.go) holds the use cases around it.
package oncall

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Unit is the unit of a rotation's shift length.
type Unit string

// The shift length units. A custom length is a count of one of them
// (e.g. 12 hours, 3 days, 2 weeks).
const (
	Hours Unit = "hours"
	Days  Unit = "days"
	Weeks Unit = "weeks"
)

// Clock is a time of day in minutes after local midnight (0 ≤ Clock < 1440).
type Clock int

var clockRE = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2})$`)

// ParseClock reads "HH:MM" (or "H:MM").
func ParseClock(s string) (Clock, error) {
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a time of day like 09:00", s)
	}
	h, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	if h > 23 || min > 59 {
		return 0, fmt.Errorf("%q is not a time of day like 09:00", s)
	}
	return Clock(h*60 + min), nil
}

// String formats the clock as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText writes "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM".
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Rotation hands the shift from one participant to the next, in order.
type Rotation struct {
	Participants []int64 `json:"participants"` // user ids in order; a user may appear more than once
	Length       int     `json:"length"`       // how many units a shift lasts (≥ 1)
	Unit         Unit    `json:"unit"`
	// Handoff is the local time of day of the handoff. For weekly
	// rotations, HandoffDay is the weekday of the handoff.
	Handoff    Clock        `json:"handoff"`
	HandoffDay time.Weekday `json:"handoff_day"`
	// Start is the local date (YYYY-MM-DD) from which the rotation runs: the
	// first shift begins at the first handoff on or after it, with
	// Participants[0]. Before that the layer has no one on call.
	Start string `json:"start"`
}

// Restriction is a window of the week during which a layer is on call.
// Daily: every day in Days (all days when empty) from From to To; a To at
// or before From closes the next day (nights 22:00–06:00). Weekly: from
// FromDay at From to ToDay at To, wrapping around the week when needed
// (Fri 18:00 – Mon 09:00).
type Restriction struct {
	Kind    string         `json:"kind"` // "daily" or "weekly"
	Days    []time.Weekday `json:"days,omitempty"`
	FromDay time.Weekday   `json:"from_day,omitempty"`
	ToDay   time.Weekday   `json:"to_day,omitempty"`
	From    Clock          `json:"from"`
	To      Clock          `json:"to"`
}

// The restriction kinds.
const (
	Daily  = "daily"
	Weekly = "weekly"
)

// Layer is one rotation with its restrictions. In a schedule, the first
// layer is the top one: at any moment the topmost layer with someone on
// call decides who is.
type Layer struct {
	Name         string        `json:"name"`
	Rotation     Rotation      `json:"rotation"`
	Restrictions []Restriction `json:"restrictions"` // none: always on call
}

// Override puts UserID on call over [Start, End), above every layer. The
// kinds record how it came about: an override entered for someone, one half
// of a swap, or a responder taking a shift.
type Override struct {
	ID         int64     `json:"id"`
	ScheduleID int64     `json:"schedule_id"`
	UserID     int64     `json:"user_id"`
	Replaces   int64     `json:"replaces,omitempty"` // who was on call (informational; 0: whoever, or nobody)
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Kind       string    `json:"kind"`
	SwapID     int64     `json:"swap_id,omitempty"` // the other half of a swap
	Note       string    `json:"note,omitempty"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// The override kinds.
const (
	KindOverride = "override"
	KindSwap     = "swap"
	KindTake     = "take"
)

// Schedule is a named stack of layers in one time zone; it may belong to a team.
type Schedule struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	TeamID      int64     `json:"team_id,omitempty"`
	TimeZone    string    `json:"time_zone"` // IANA name, e.g. Europe/Berlin
	Layers      []Layer   `json:"layers"`
	Version     int64     `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Location loads the schedule's time zone.
func (s *Schedule) Location() (*time.Location, error) {
	if s.TimeZone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(s.TimeZone)
}

// Shift is one person's continuous time on call in a schedule's final
// timeline. It is the unit handoff notices and calendar feeds speak of.
type Shift struct {
	ScheduleID int64     `json:"schedule_id"`
	UserID     int64     `json:"user_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
}

// Span is a stretch of a timeline: who is on call from Start to End, and
// why (which layer, or which override). UserID 0 is nobody: a gap.
type Span struct {
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	UserID     int64     `json:"user_id"`
	Layer      int       `json:"layer"`                 // index into Schedule.Layers; -1 for an override or a gap
	OverrideID int64     `json:"override_id,omitempty"` // set when an override decides
}
