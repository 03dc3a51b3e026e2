package oncall

import (
	"context"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Saved is a schedule as stored, with what the person saving it should
// know: gaps in the coverage of the next four weeks, layers without anyone.
type Saved struct {
	Schedule Schedule `json:"schedule"`
	Warnings []string `json:"warnings"`
}

// mayEdit checks that a may create, change or delete a schedule of team
// (0: of no team): admins may; responders may for teams they belong to.
func (s *Service) mayEdit(ctx context.Context, what string, teamID int64) (access.Actor, error) {
	a, err := need(ctx, access.Responder, what)
	if err != nil || a.IsAdmin() {
		return a, err
	}
	if teamID == 0 {
		return a, apperr.Forbidden("%s of no team needs the admin permission; a schedule of a team may be edited by its members", what)
	}
	ok, err := s.store.TeamMember(ctx, teamID, a.UserID)
	if err != nil {
		return a, err
	}
	if !ok {
		return a, apperr.Forbidden("%s: only members of the schedule's team, and admins, may", what)
	}
	return a, nil
}

// Schedules lists every schedule by name; anyone signed in may.
func (s *Service) Schedules(ctx context.Context) ([]Schedule, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.Schedules(ctx)
}

// Schedule returns one schedule.
func (s *Service) Schedule(ctx context.Context, id int64) (Schedule, error) {
	if _, err := actorOf(ctx); err != nil {
		return Schedule{}, err
	}
	return s.store.Schedule(ctx, id)
}

// MayEdit reports whether the actor in ctx may edit a schedule of team (for
// showing or hiding the editor; the writes check again).
func (s *Service) MayEdit(ctx context.Context, teamID int64) bool {
	_, err := s.mayEdit(ctx, "editing", teamID)
	return err == nil
}

// Preview validates a schedule without saving it and returns its warnings
// from now over the warning horizon: the editor shows the effect first.
func (s *Service) Preview(ctx context.Context, sc Schedule) (Saved, error) {
	if _, err := actorOf(ctx); err != nil {
		return Saved{}, err
	}
	if err := sc.Validate(); err != nil {
		return Saved{}, err
	}
	return Saved{Schedule: sc, Warnings: s.warnings(ctx, sc)}, nil
}

func (s *Service) warnings(ctx context.Context, sc Schedule) []string {
	now := s.now()
	var ovs []Override
	if sc.ID != 0 {
		ovs, _ = s.store.Overrides(ctx, sc.ID, now, now.Add(WarningHorizon))
	}
	w := Warnings(sc, ovs, now, now.Add(WarningHorizon))
	if w == nil {
		w = []string{}
	}
	return w
}

// CreateSchedule stores a new schedule and returns it with its warnings.
func (s *Service) CreateSchedule(ctx context.Context, sc Schedule) (Saved, error) {
	a, err := s.mayEdit(ctx, "creating a schedule", sc.TeamID)
	if err != nil {
		return Saved{}, err
	}
	if err := sc.Validate(); err != nil {
		return Saved{}, err
	}
	sc.ID = 0
	err = s.write(ctx, a, "oncall.schedule.create", "schedule "+sc.Name, sc, func(tx Tx, now time.Time) error {
		sc.CreatedAt, sc.UpdatedAt = now, now
		return tx.SaveSchedule(ctx, &sc)
	})
	if err != nil {
		return Saved{}, err
	}
	return Saved{Schedule: sc, Warnings: s.warnings(ctx, sc)}, nil
}

// UpdateSchedule replaces a schedule's name, description, team, zone and
// layers. A non-zero version must be the stored one (else Stale).
func (s *Service) UpdateSchedule(ctx context.Context, sc Schedule, version int64) (Saved, error) {
	old, err := s.store.Schedule(ctx, sc.ID)
	if err != nil {
		return Saved{}, err
	}
	a, err := s.mayEdit(ctx, "editing a schedule", old.TeamID)
	if err != nil {
		return Saved{}, err
	}
	if sc.TeamID != old.TeamID {
		if a, err = s.mayEdit(ctx, "moving a schedule to a team", sc.TeamID); err != nil {
			return Saved{}, err
		}
	}
	if err := sc.Validate(); err != nil {
		return Saved{}, err
	}
	err = s.write(ctx, a, "oncall.schedule.update", fmt.Sprintf("schedule %d", sc.ID), sc, func(tx Tx, now time.Time) error {
		cur, err := tx.ScheduleForUpdate(ctx, sc.ID)
		if err != nil {
			return err
		}
		if version != 0 && cur.Version != version {
			return apperr.Stale(fmt.Sprintf("schedule %d was changed by someone else (version %d, not %d)", sc.ID, cur.Version, version), cur)
		}
		sc.CreatedAt, sc.UpdatedAt = cur.CreatedAt, now
		return tx.SaveSchedule(ctx, &sc)
	})
	if err != nil {
		return Saved{}, err
	}
	return Saved{Schedule: sc, Warnings: s.warnings(ctx, sc)}, nil
}

// DeleteSchedule removes a schedule with its overrides and feeds.
func (s *Service) DeleteSchedule(ctx context.Context, id int64) error {
	old, err := s.store.Schedule(ctx, id)
	if err != nil {
		return err
	}
	a, err := s.mayEdit(ctx, "deleting a schedule", old.TeamID)
	if err != nil {
		return err
	}
	return s.write(ctx, a, "oncall.schedule.delete", fmt.Sprintf("schedule %d", id), map[string]any{"name": old.Name}, func(tx Tx, _ time.Time) error {
		return tx.DeleteSchedule(ctx, id)
	})
}
