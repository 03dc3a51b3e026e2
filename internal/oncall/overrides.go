package oncall

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// maxOverride is the longest stretch one override covers.
const maxOverride = 92 * 24 * time.Hour

// OverrideInput asks for UserID to be on call in a schedule over [Start, End).
type OverrideInput struct {
	ScheduleID int64     `json:"schedule_id"`
	UserID     int64     `json:"user_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Note       string    `json:"note,omitempty"`
}

func checkRange(start, end time.Time) error {
	if start.IsZero() || end.IsZero() {
		return apperr.Invalid("start", "start and end are required")
	}
	if !end.After(start) {
		return apperr.Invalid("end", "must be after the start")
	}
	if end.Sub(start) > maxOverride {
		return apperr.Invalid("end", "an override lasts at most %d days", int(maxOverride.Hours()/24))
	}
	return nil
}

// onCallAt is who the schedule puts on call at t (0: nobody).
func (s *Service) onCallAt(ctx context.Context, sc Schedule, t time.Time) (int64, error) {
	spans, err := s.timeline(ctx, sc, t, t.Add(time.Second))
	if err != nil {
		return 0, err
	}
	return At(spans, t), nil
}

func (s *Service) addOverride(ctx context.Context, a access.Actor, kind string, in OverrideInput) (Override, error) {
	if err := checkRange(in.Start, in.End); err != nil {
		return Override{}, err
	}
	if in.UserID <= 0 {
		return Override{}, apperr.Invalid("user_id", "who is on call is required")
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > maxName {
		return Override{}, apperr.Invalid("note", "is longer than %d characters", maxName)
	}
	sc, err := s.store.Schedule(ctx, in.ScheduleID)
	if err != nil {
		return Override{}, err
	}
	replaces, err := s.onCallAt(ctx, sc, in.Start)
	if err != nil {
		return Override{}, err
	}
	o := Override{ScheduleID: sc.ID, UserID: in.UserID, Replaces: replaces, Start: in.Start.UTC(), End: in.End.UTC(), Kind: kind, Note: in.Note, CreatedBy: a.UserID}
	err = s.write(ctx, a, "oncall.override."+kind, fmt.Sprintf("schedule %d", sc.ID), &o, func(tx Tx, now time.Time) error {
		o.CreatedAt = now
		return tx.AddOverride(ctx, &o)
	})
	return o, err
}

// AddOverride puts someone on call over a range, above every layer;
// responders may, recorded with who did it.
func (s *Service) AddOverride(ctx context.Context, in OverrideInput) (Override, error) {
	a, err := need(ctx, access.Responder, "entering an override")
	if err != nil {
		return Override{}, err
	}
	return s.addOverride(ctx, a, KindOverride, in)
}

// TakeShift puts the actor on call over [start, end) in the schedule: "I'll
// take this shift".
func (s *Service) TakeShift(ctx context.Context, scheduleID int64, start, end time.Time) (Override, error) {
	a, err := need(ctx, access.Responder, "taking a shift")
	if err != nil {
		return Override{}, err
	}
	if a.UserID == 0 {
		return Override{}, apperr.Forbidden("taking a shift needs a person, not a system actor")
	}
	return s.addOverride(ctx, a, KindTake, OverrideInput{ScheduleID: scheduleID, UserID: a.UserID, Start: start, End: end})
}

// SwapInput exchanges two stretches of a schedule: whoever is on call at
// the start of First takes Second, and the other way round.
type SwapInput struct {
	ScheduleID  int64     `json:"schedule_id"`
	FirstStart  time.Time `json:"first_start"`
	FirstEnd    time.Time `json:"first_end"`
	SecondStart time.Time `json:"second_start"`
	SecondEnd   time.Time `json:"second_end"`
}

// Swap records a swap as two linked overrides; responders may.
func (s *Service) Swap(ctx context.Context, in SwapInput) ([2]Override, error) {
	var out [2]Override
	a, err := need(ctx, access.Responder, "swapping shifts")
	if err != nil {
		return out, err
	}
	if err := checkRange(in.FirstStart, in.FirstEnd); err != nil {
		return out, err
	}
	if err := checkRange(in.SecondStart, in.SecondEnd); err != nil {
		return out, apperr.Invalid("second_end", "%s", err.(*apperr.Error).Message)
	}
	if in.FirstStart.Before(in.SecondEnd) && in.SecondStart.Before(in.FirstEnd) {
		return out, apperr.Invalid("second_start", "the two shifts of a swap may not overlap")
	}
	sc, err := s.store.Schedule(ctx, in.ScheduleID)
	if err != nil {
		return out, err
	}
	first, err := s.onCallAt(ctx, sc, in.FirstStart)
	if err != nil {
		return out, err
	}
	second, err := s.onCallAt(ctx, sc, in.SecondStart)
	if err != nil {
		return out, err
	}
	if first == 0 || second == 0 || first == second {
		return out, apperr.Invalid("second_start", "a swap needs two different people on call at the two starts")
	}
	out[0] = Override{ScheduleID: sc.ID, UserID: second, Replaces: first, Start: in.FirstStart.UTC(), End: in.FirstEnd.UTC(), Kind: KindSwap, CreatedBy: a.UserID}
	out[1] = Override{ScheduleID: sc.ID, UserID: first, Replaces: second, Start: in.SecondStart.UTC(), End: in.SecondEnd.UTC(), Kind: KindSwap, CreatedBy: a.UserID}
	err = s.write(ctx, a, "oncall.override.swap", fmt.Sprintf("schedule %d", sc.ID), &out, func(tx Tx, now time.Time) error {
		for i := range out {
			out[i].CreatedAt = now
			if err := tx.AddOverride(ctx, &out[i]); err != nil {
				return err
			}
		}
		out[0].SwapID, out[1].SwapID = out[1].ID, out[0].ID
		if err := tx.SetSwap(ctx, out[0].ID, out[1].ID); err != nil {
			return err
		}
		return tx.SetSwap(ctx, out[1].ID, out[0].ID)
	})
	return out, err
}

// Overrides lists a schedule's overrides overlapping [from, to).
func (s *Service) Overrides(ctx context.Context, scheduleID int64, from, to time.Time) ([]Override, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	if _, err := s.store.Schedule(ctx, scheduleID); err != nil {
		return nil, err
	}
	return s.store.Overrides(ctx, scheduleID, from, to)
}

// DeleteOverride removes an override (both halves of a swap). Its author,
// the people it concerns, members of the schedule's team and admins may.
func (s *Service) DeleteOverride(ctx context.Context, id int64) error {
	a, err := need(ctx, access.Responder, "removing an override")
	if err != nil {
		return err
	}
	o, err := s.store.Override(ctx, id)
	if err != nil {
		return err
	}
	allowed := a.IsAdmin() || (a.UserID != 0 && (a.UserID == o.CreatedBy || a.UserID == o.UserID || a.UserID == o.Replaces))
	if !allowed {
		sc, err := s.store.Schedule(ctx, o.ScheduleID)
		if err != nil {
			return err
		}
		if sc.TeamID != 0 {
			if allowed, err = s.store.TeamMember(ctx, sc.TeamID, a.UserID); err != nil {
				return err
			}
		}
	}
	if !allowed {
		return apperr.Forbidden("only the override's author, the people it concerns, the schedule's team and admins may remove it")
	}
	return s.write(ctx, a, "oncall.override.delete", fmt.Sprintf("schedule %d", o.ScheduleID), o, func(tx Tx, _ time.Time) error {
		if err := tx.DeleteOverride(ctx, id); err != nil {
			return err
		}
		if o.SwapID != 0 {
			if err := tx.DeleteOverride(ctx, o.SwapID); err != nil && !apperr.Is(err, apperr.CodeNotFound) {
				return err
			}
		}
		return nil
	})
}
