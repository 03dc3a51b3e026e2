package oncall

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// The feed covers 8 weeks back (last month's shifts stay visible for
// on-call pay and "who had it when") and 26 weeks ahead (half a year, enough
// to plan holidays around one's shifts), so a feed stays small — a daily
// rotation is ~240 events — and is computed in milliseconds on every fetch.
const (
	FeedBack  = 8 * 7 * 24 * time.Hour
	FeedAhead = 26 * 7 * 24 * time.Hour
)

// FeedPath is where feeds are served: FeedPath + token + ".ics".
const FeedPath = "/calendar/"

// tokenPrefix marks calendar feed secrets, so a leaked one is recognisable.
const tokenPrefix = "fbcal_"

// HashToken is how a feed secret is stored: its SHA-256.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// NewCalendarToken creates a secret feed URL token for the actor: of a
// schedule, or (scheduleID 0) of the actor's own shifts. The secret is
// returned once; only its hash is kept.
func (s *Service) NewCalendarToken(ctx context.Context, scheduleID int64) (string, CalendarToken, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return "", CalendarToken{}, err
	}
	if a.UserID == 0 {
		return "", CalendarToken{}, apperr.Forbidden("calendar feeds belong to people, not to system actors")
	}
	c := CalendarToken{OwnerID: a.UserID, ScheduleID: scheduleID}
	target := "my shifts"
	if scheduleID == 0 {
		c.UserID = a.UserID
	} else {
		if _, err := s.store.Schedule(ctx, scheduleID); err != nil {
			return "", c, err
		}
		target = fmt.Sprintf("schedule %d", scheduleID)
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", c, apperr.Internal(err)
	}
	token := tokenPrefix + hex.EncodeToString(raw[:])
	c.Hash = HashToken(token)
	err = s.write(ctx, a, "oncall.calendar.create", target, nil, func(tx Tx, now time.Time) error {
		c.CreatedAt = now
		return tx.AddCalendarToken(ctx, &c)
	})
	return token, c, err
}

// CalendarTokens lists the actor's own feed tokens (never their secrets).
func (s *Service) CalendarTokens(ctx context.Context) ([]CalendarToken, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.store.CalendarTokens(ctx, a.UserID)
}

// RevokeCalendarToken stops a feed URL from working; its owner or an admin may.
func (s *Service) RevokeCalendarToken(ctx context.Context, id int64) error {
	a, err := actorOf(ctx)
	if err != nil {
		return err
	}
	if !a.IsAdmin() {
		mine, err := s.store.CalendarTokens(ctx, a.UserID)
		if err != nil {
			return err
		}
		found := false
		for _, c := range mine {
			found = found || c.ID == id
		}
		if !found {
			return apperr.NotFound(fmt.Sprintf("calendar feed %d", id))
		}
	}
	return s.write(ctx, a, "oncall.calendar.revoke", fmt.Sprintf("calendar feed %d", id), nil, func(tx Tx, now time.Time) error {
		return tx.RevokeCalendarToken(ctx, id, now)
	})
}

// RotateCalendarToken revokes a feed URL and makes a new one for the same feed.
func (s *Service) RotateCalendarToken(ctx context.Context, id int64) (string, CalendarToken, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return "", CalendarToken{}, err
	}
	mine, err := s.store.CalendarTokens(ctx, a.UserID)
	if err != nil {
		return "", CalendarToken{}, err
	}
	for _, c := range mine {
		if c.ID == id {
			if err := s.RevokeCalendarToken(ctx, id); err != nil {
				return "", c, err
			}
			return s.NewCalendarToken(ctx, c.ScheduleID)
		}
	}
	return "", CalendarToken{}, apperr.NotFound(fmt.Sprintf("calendar feed %d", id))
}

// Feed renders the calendar a secret token grants: no sign-in, the token is
// the credential. host names the server in UIDs; link is the base URL of
// the web UI (for each event's link), without a trailing slash.
func (s *Service) Feed(ctx context.Context, token, host, link string) ([]byte, error) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return nil, apperr.NotFound("calendar feed")
	}
	c, err := s.store.CalendarToken(ctx, HashToken(token))
	if err != nil {
		return nil, err
	}
	now := s.now()
	if c.UsedAt == nil || now.Sub(*c.UsedAt) > time.Hour {
		// Clients poll hourly or more: one write an hour is enough to tell a
		// feed in use from a forgotten one. A failure here must not fail the feed.
		_ = s.store.TouchCalendarToken(ctx, c.ID, now)
	}
	from, to := now.Add(-FeedBack), now.Add(FeedAhead)
	var (
		shifts []Shift
		name   string
		scs    = map[int64]string{}
	)
	if c.ScheduleID != 0 {
		sc, err := s.store.Schedule(ctx, c.ScheduleID)
		if err != nil {
			return nil, err
		}
		scs[sc.ID] = sc.Name
		name = "On call: " + sc.Name
		// Start earlier so the first shift keeps its true start (and UID).
		spans, err := s.timeline(ctx, sc, from.Add(-shiftLookahead), to)
		if err != nil {
			return nil, err
		}
		for _, sh := range Shifts(sc.ID, spans) {
			if sh.End.After(from) {
				shifts = append(shifts, sh)
			}
		}
	} else {
		all, err := s.userShifts(ctx, c.UserID, from.Add(-shiftLookahead), to)
		if err != nil {
			return nil, err
		}
		for _, sh := range all {
			if sh.End.After(from) {
				shifts = append(shifts, sh)
			}
		}
		name = "My on-call shifts"
	}
	ids := []int64{}
	for _, sh := range shifts {
		ids = append(ids, sh.UserID)
		if _, ok := scs[sh.ScheduleID]; !ok {
			sc, err := s.store.Schedule(ctx, sh.ScheduleID)
			if err != nil {
				return nil, err
			}
			scs[sc.ID] = sc.Name
		}
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	events := make([]Event, len(shifts))
	for i, sh := range shifts {
		who := names[sh.UserID]
		if who == "" {
			who = fmt.Sprintf("user %d", sh.UserID)
		}
		summary := "On call: " + who + " (" + scs[sh.ScheduleID] + ")"
		if c.ScheduleID == 0 {
			summary = "On call: " + scs[sh.ScheduleID]
		}
		events[i] = Event{UID: ShiftUID(sh, host), Start: sh.Start, End: sh.End, Summary: summary,
			Description: who + " is on call for " + scs[sh.ScheduleID] + ".",
			URL:         fmt.Sprintf("%s/oncall/schedules/%d", link, sh.ScheduleID)}
	}
	return WriteCalendar(name, now, events), nil
}
