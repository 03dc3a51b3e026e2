package oncall

import (
	"context"
	"sort"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// View is a schedule over a range: each layer's own spans, the overrides
// and the final timeline (gaps included, UserID 0).
type View struct {
	Schedule  Schedule   `json:"schedule"`
	From      time.Time  `json:"from"`
	To        time.Time  `json:"to"`
	Layers    [][]Span   `json:"layers"` // index as Schedule.Layers
	Overrides []Override `json:"overrides"`
	Final     []Span     `json:"final"`
	Gaps      []Gap      `json:"gaps"`
}

func checkWindow(from, to time.Time) error {
	if !to.After(from) {
		return apperr.Invalid("to", "must be after from")
	}
	if to.Sub(from) > MaxRange {
		return apperr.Invalid("to", "a range covers at most %d days", int(MaxRange.Hours()/24))
	}
	return nil
}

// View computes a schedule over [from, to); anyone signed in may.
func (s *Service) View(ctx context.Context, scheduleID int64, from, to time.Time) (View, error) {
	if _, err := actorOf(ctx); err != nil {
		return View{}, err
	}
	if err := checkWindow(from, to); err != nil {
		return View{}, err
	}
	sc, err := s.store.Schedule(ctx, scheduleID)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, sc, from, to)
}

// Draft computes an unsaved schedule over [from, to) with the stored
// overrides of the schedule it edits (if any): the editor's preview.
func (s *Service) Draft(ctx context.Context, sc Schedule, from, to time.Time) (View, []string, error) {
	saved, err := s.Preview(ctx, sc)
	if err != nil {
		return View{}, nil, err
	}
	if err := checkWindow(from, to); err != nil {
		return View{}, nil, err
	}
	v, err := s.view(ctx, saved.Schedule, from, to)
	return v, saved.Warnings, err
}

func (s *Service) view(ctx context.Context, sc Schedule, from, to time.Time) (View, error) {
	loc, err := sc.Location()
	if err != nil {
		return View{}, apperr.Internal(err)
	}
	v := View{Schedule: sc, From: from.UTC(), To: to.UTC(), Layers: make([][]Span, len(sc.Layers)), Overrides: []Override{}}
	for i, l := range sc.Layers {
		v.Layers[i] = l.Spans(loc, from, to)
		for j := range v.Layers[i] {
			sp := &v.Layers[i][j]
			sp.Layer, sp.Start, sp.End = i, sp.Start.UTC(), sp.End.UTC()
		}
	}
	if sc.ID != 0 {
		if v.Overrides, err = s.store.Overrides(ctx, sc.ID, from, to); err != nil {
			return View{}, err
		}
	}
	v.Final = Timeline(sc.Layers, v.Overrides, loc, from, to)
	v.Gaps = Gaps(v.Final)
	if v.Gaps == nil {
		v.Gaps = []Gap{}
	}
	return v, nil
}

// Current is who a schedule has on call at a moment, since when, until when,
// and who comes next.
type Current struct {
	ScheduleID   int64     `json:"schedule_id"`
	ScheduleName string    `json:"schedule_name"`
	TeamID       int64     `json:"team_id,omitempty"`
	UserID       int64     `json:"user_id"` // 0: nobody (a gap)
	Since        time.Time `json:"since"`   // start of the stretch, looked for up to 14 days back
	Until        time.Time `json:"until"`   // end of the stretch, looked for up to 35 days ahead
	OverrideID   int64     `json:"override_id,omitempty"`
	NextUserID   int64     `json:"next_user_id,omitempty"`
}

const lookBack = 14 * 24 * time.Hour

func (s *Service) current(ctx context.Context, sc Schedule, at time.Time) (Current, error) {
	spans, err := s.timeline(ctx, sc, at.Add(-lookBack), at.Add(shiftLookahead))
	if err != nil {
		return Current{}, err
	}
	c := Current{ScheduleID: sc.ID, ScheduleName: sc.Name, TeamID: sc.TeamID, Since: at, Until: at}
	// Join stretches of one person regardless of why they are on call.
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End.After(at) })
	if i == len(spans) {
		return c, nil
	}
	c.UserID, c.OverrideID = spans[i].UserID, spans[i].OverrideID
	lo, hi := i, i
	for lo > 0 && spans[lo-1].UserID == c.UserID && spans[lo-1].End.Equal(spans[lo].Start) {
		lo--
	}
	for hi+1 < len(spans) && spans[hi+1].UserID == c.UserID && spans[hi+1].Start.Equal(spans[hi].End) {
		hi++
	}
	c.Since, c.Until = spans[lo].Start, spans[hi].End
	for j := hi + 1; j < len(spans); j++ {
		if spans[j].UserID != 0 {
			c.NextUserID = spans[j].UserID
			break
		}
	}
	return c, nil
}

// Who selects what "who is on call" is asked about: one schedule, a team's
// schedules, a user's schedules, or (all zero) every schedule.
type Who struct {
	ScheduleID int64
	TeamID     int64
	UserID     int64
}

// OnCall answers who is on call at a moment, per schedule, by schedule name.
// Asked about a user, it lists only the schedules that have them on call.
func (s *Service) OnCall(ctx context.Context, who Who, at time.Time) ([]Current, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	var scs []Schedule
	var err error
	switch {
	case who.ScheduleID != 0:
		var sc Schedule
		sc, err = s.store.Schedule(ctx, who.ScheduleID)
		scs = []Schedule{sc}
	case who.TeamID != 0:
		scs, err = s.store.SchedulesOfTeam(ctx, who.TeamID)
	default:
		scs, err = s.store.Schedules(ctx)
	}
	if err != nil {
		return nil, err
	}
	out := []Current{}
	for _, sc := range scs {
		c, err := s.current(ctx, sc, at)
		if err != nil {
			return nil, err
		}
		if who.UserID != 0 && c.UserID != who.UserID {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// UserShifts lists a user's shifts over [from, to) in every schedule, by
// start: from their rotations and from overrides that put them on call.
func (s *Service) UserShifts(ctx context.Context, userID int64, from, to time.Time) ([]Shift, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	if err := checkWindow(from, to); err != nil {
		return nil, err
	}
	return s.userShifts(ctx, userID, from, to)
}

func (s *Service) userShifts(ctx context.Context, userID int64, from, to time.Time) ([]Shift, error) {
	scs, err := s.store.SchedulesOfUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	ovs, err := s.store.OverridesOfUser(ctx, userID, from, to)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, sc := range scs {
		seen[sc.ID] = true
	}
	for _, o := range ovs {
		if !seen[o.ScheduleID] {
			seen[o.ScheduleID] = true
			sc, err := s.store.Schedule(ctx, o.ScheduleID)
			if err != nil {
				return nil, err
			}
			scs = append(scs, sc)
		}
	}
	out := []Shift{}
	for _, sc := range scs {
		spans, err := s.timeline(ctx, sc, from, to)
		if err != nil {
			return nil, err
		}
		for _, sh := range Shifts(sc.ID, spans) {
			if sh.UserID == userID {
				out = append(out, sh)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}
