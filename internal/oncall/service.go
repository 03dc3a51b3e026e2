package oncall

import (
	"context"
	"sort"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Service holds the on-call use cases. Permissions are checked here, so the
// API, the UI and the CLI obey the same rules:
//   - anyone signed in reads schedules, timelines and who is on call;
//   - a schedule is created, edited or deleted by an admin, or by a
//     responder who is a member of the team it belongs to;
//   - any responder enters overrides, swaps and takes shifts (each recorded
//     with who did it); an override is removed by its author, by the person
//     it puts on call or replaces, by a member of the schedule's team, or by an admin.
type Service struct {
	store Store
	now   func() time.Time
}

// NewService builds the on-call service.
func NewService(store Store, now func() time.Time) *Service {
	return &Service{store: store, now: now}
}

// Now is the service's clock, for callers that default a time to "now".
func (s *Service) Now() time.Time { return s.now() }

// Horizons of the questions the service answers.
const (
	// WarningHorizon is how far ahead saving a schedule looks for gaps.
	WarningHorizon = 4 * 7 * 24 * time.Hour
	// MaxRange is the longest range a timeline is computed over in one call.
	MaxRange = 400 * 24 * time.Hour
	// shiftLookahead is how far past a window a shift's end is looked for
	// (a shift that runs longer is reported as ending there).
	shiftLookahead = 35 * 24 * time.Hour
)

func actorOf(ctx context.Context) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok {
		return access.Actor{}, apperr.Unauthenticated("sign in first")
	}
	return a, nil
}

func need(ctx context.Context, l access.Level, what string) (access.Actor, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return a, err
	}
	if !a.Can(l) {
		return a, apperr.Forbidden("%s needs the %s permission", what, l)
	}
	return a, nil
}

// write runs fn in a transaction and then writes its audit entry and live notice.
func (s *Service) write(ctx context.Context, a access.Actor, action, target string, detail any, fn func(tx Tx, now time.Time) error) error {
	now := s.now().UTC()
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := fn(tx, now); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.New(a, now, action, target, detail)); err != nil {
			return err
		}
		return tx.Publish(ctx, Topic)
	})
}

// timeline computes one schedule's final timeline over [from, to).
func (s *Service) timeline(ctx context.Context, sc Schedule, from, to time.Time) ([]Span, error) {
	loc, err := sc.Location()
	if err != nil {
		return nil, apperr.Internal(err)
	}
	ovs, err := s.store.Overrides(ctx, sc.ID, from, to)
	if err != nil {
		return nil, err
	}
	return Timeline(sc.Layers, ovs, loc, from, to), nil
}

// OnCallAt returns the ids of the users on call in a schedule at a moment,
// after layers, restrictions and overrides (none during a gap). It checks no
// permission: paging calls it on the system's behalf.
func (s *Service) OnCallAt(ctx context.Context, scheduleID int64, at time.Time) ([]int64, error) {
	sc, err := s.store.Schedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	spans, err := s.timeline(ctx, sc, at, at.Add(time.Second))
	if err != nil {
		return nil, err
	}
	if u := At(spans, at); u != 0 {
		return []int64{u}, nil
	}
	return []int64{}, nil
}

// TeamSchedules returns the ids of a team's schedules, by name. It checks no
// permission: paging calls it to page "a team's schedule".
func (s *Service) TeamSchedules(ctx context.Context, teamID int64) ([]int64, error) {
	scs, err := s.store.SchedulesOfTeam(ctx, teamID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(scs))
	for i, sc := range scs {
		ids[i] = sc.ID
	}
	return ids, nil
}

// ShiftsStarting returns every schedule's shifts (a person's continuous time
// on call in the final timeline) that begin in [from, to), by start: what
// handoff notices announce. A shift that begins where the previous one of
// the same person ends is the same shift and is not reported again. Its End
// is looked for up to 35 days past to. It checks no permission.
func (s *Service) ShiftsStarting(ctx context.Context, from, to time.Time) ([]Shift, error) {
	if !from.Before(to) {
		return []Shift{}, nil
	}
	if to.Sub(from) > MaxRange {
		return nil, apperr.Invalid("to", "the range is longer than %d days", int(MaxRange.Hours()/24))
	}
	scs, err := s.store.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	// Start a second early so a shift running at from is seen as running,
	// not as starting at from.
	wFrom, wTo := from.Add(-time.Second), to.Add(shiftLookahead)
	out := []Shift{}
	for _, sc := range scs {
		spans, err := s.timeline(ctx, sc, wFrom, wTo)
		if err != nil {
			return nil, err
		}
		for _, sh := range Shifts(sc.ID, spans) {
			if !sh.Start.Before(from) && sh.Start.Before(to) {
				out = append(out, sh)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}
