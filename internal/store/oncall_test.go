package store_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/store"
)

func TestOnCallSchedules(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		users, clk, actx, _ := newAuth(t, s) // clock: Mon 2 March 2026 09:00 UTC
		cat := catalog.NewCatalog(s.Catalog(), clk.Now)
		svc := oncall.NewService(s.OnCall(), clk.Now)
		mk := func(handle, level string) auth.User {
			u, err := users.CreateUser(actx, auth.UserInput{Handle: handle, Name: strings.ToUpper(handle[:1]) + handle[1:], Email: handle + "@example.com", Level: level})
			must(t, err)
			return u
		}
		ann, bob, cid, vic := mk("ann", "responder"), mk("bob", "responder"), mk("cid", "responder"), mk("vic", "viewer")
		team, err := cat.CreateTeam(actx, catalog.TeamInput{Name: "payments", Members: []int64{ann.ID, bob.ID}})
		must(t, err)
		annCtx, cidCtx, vicCtx := ctxFor(t, users, ann), ctxFor(t, users, cid), ctxFor(t, users, vic)

		sc := oncall.Schedule{Name: " Payments primary ", TeamID: team.ID, TimeZone: "Europe/Berlin", Layers: []oncall.Layer{{
			Name:     "weekly",
			Rotation: oncall.Rotation{Participants: []int64{ann.ID, bob.ID}, Length: 1, Unit: oncall.Weeks, Handoff: 10 * 60, HandoffDay: time.Monday, Start: "2026-03-02"},
			Restrictions: []oncall.Restriction{{Kind: oncall.Daily, Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
				From: 8 * 60, To: 20 * 60}},
		}}}

		// Who may create: a member of the team, not an outsider, not a viewer.
		expectNoAudit(t, s, func() {
			_, err = svc.CreateSchedule(cidCtx, sc)
			wantCode(t, err, apperr.CodeForbidden)
			_, err = svc.CreateSchedule(vicCtx, sc)
			wantCode(t, err, apperr.CodeForbidden)
			bad := sc
			bad.Layers = []oncall.Layer{sc.Layers[0]}
			bad.Layers[0].Rotation.Participants = []int64{ann.ID, 9999}
			_, err = svc.CreateSchedule(annCtx, bad)
			wantCode(t, err, apperr.CodeInvalid)
		})
		var saved oncall.Saved
		expectOneAudit(t, s, "oncall.schedule.create", func() {
			saved, err = svc.CreateSchedule(annCtx, sc)
			must(t, err)
		})
		if saved.Schedule.ID == 0 || saved.Schedule.Name != "Payments primary" || saved.Schedule.Version != 1 {
			t.Fatalf("created %+v", saved.Schedule)
		}
		if len(saved.Warnings) == 0 || !strings.Contains(strings.Join(saved.Warnings, "\n"), "Nobody is on call from Mon 2 Mar 20:00 to Tue 3 Mar 08:00") {
			t.Fatalf("warnings = %q", saved.Warnings)
		}
		id := saved.Schedule.ID
		got, err := svc.Schedule(vicCtx, id)
		must(t, err)
		if got.TeamID != team.ID || got.TimeZone != "Europe/Berlin" || len(got.Layers) != 1 || got.Layers[0].Restrictions[0].To != 20*60 ||
			!slices.Equal(got.Layers[0].Rotation.Participants, []int64{ann.ID, bob.ID}) || !got.CreatedAt.Equal(clk.Now()) {
			t.Fatalf("read back %+v", got)
		}
		ids, err := svc.TeamSchedules(context.Background(), team.ID)
		must(t, err)
		if !slices.Equal(ids, []int64{id}) {
			t.Fatalf("TeamSchedules = %v", ids)
		}

		// The 10:00 Berlin handoff: at 09:00 UTC (10:00 CET) Monday, ann starts.
		who, err := svc.OnCallAt(context.Background(), id, clk.Now())
		must(t, err)
		if !slices.Equal(who, []int64{ann.ID}) {
			t.Fatalf("OnCallAt = %v", who)
		}
		night := time.Date(2026, 3, 2, 22, 0, 0, 0, time.UTC)
		if who, _ := svc.OnCallAt(context.Background(), id, night); len(who) != 0 {
			t.Fatalf("OnCallAt at night = %v, want nobody", who)
		}

		// Editing: a stale version is refused, the right one increments.
		edit := got
		edit.Layers[0].Restrictions = nil
		expectNoAudit(t, s, func() {
			_, err = svc.UpdateSchedule(annCtx, edit, 7)
			wantCode(t, err, apperr.CodeStale)
			_, err = svc.UpdateSchedule(cidCtx, edit, 1)
			wantCode(t, err, apperr.CodeForbidden)
		})
		clk.Advance(time.Minute)
		expectOneAudit(t, s, "oncall.schedule.update", func() {
			saved, err = svc.UpdateSchedule(annCtx, edit, 1)
			must(t, err)
		})
		if saved.Schedule.Version != 2 || len(saved.Warnings) != 0 {
			t.Fatalf("updated %+v %q", saved.Schedule, saved.Warnings)
		}
		if who, _ := svc.OnCallAt(context.Background(), id, night); !slices.Equal(who, []int64{ann.ID}) {
			t.Fatalf("OnCallAt at night after dropping the restriction = %v", who)
		}

		// Overrides: a viewer may not; cid covers ann's Tuesday night, over nothing special.
		_, err = svc.AddOverride(vicCtx, oncall.OverrideInput{ScheduleID: id, UserID: vic.ID, Start: night, End: night.Add(time.Hour)})
		wantCode(t, err, apperr.CodeForbidden)
		var o oncall.Override
		expectOneAudit(t, s, "oncall.override.override", func() {
			o, err = svc.AddOverride(cidCtx, oncall.OverrideInput{ScheduleID: id, UserID: cid.ID, Start: night, End: night.Add(10 * time.Hour), Note: "ann's birthday"})
			must(t, err)
		})
		if o.Replaces != ann.ID || o.CreatedBy != cid.ID || o.Kind != oncall.KindOverride {
			t.Fatalf("override %+v", o)
		}
		if who, _ := svc.OnCallAt(context.Background(), id, night.Add(time.Hour)); !slices.Equal(who, []int64{cid.ID}) {
			t.Fatalf("OnCallAt during override = %v", who)
		}
		_, err = svc.AddOverride(cidCtx, oncall.OverrideInput{ScheduleID: id, UserID: cid.ID, Start: night, End: night})
		wantCode(t, err, apperr.CodeInvalid)

		// Take a shift: bob takes ann's Wednesday afternoon.
		wed := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		take, err := svc.TakeShift(ctxFor(t, users, bob), id, wed, wed.Add(4*time.Hour))
		must(t, err)
		if take.Kind != oncall.KindTake || take.UserID != bob.ID || take.Replaces != ann.ID {
			t.Fatalf("take %+v", take)
		}

		// Swap ann's Thursday with bob's next Thursday.
		thu, thu2 := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC)
		sw, err := svc.Swap(annCtx, oncall.SwapInput{ScheduleID: id, FirstStart: thu, FirstEnd: thu.Add(2 * time.Hour), SecondStart: thu2, SecondEnd: thu2.Add(2 * time.Hour)})
		must(t, err)
		if sw[0].UserID != bob.ID || sw[1].UserID != ann.ID || sw[0].SwapID != sw[1].ID || sw[1].SwapID != sw[0].ID {
			t.Fatalf("swap %+v", sw)
		}
		ovs, err := svc.Overrides(vicCtx, id, clk.Now(), clk.Now().Add(30*24*time.Hour))
		must(t, err)
		if len(ovs) != 4 || ovs[2].SwapID != sw[1].ID || ovs[3].SwapID != sw[0].ID || !ovs[0].Start.Equal(night) {
			t.Fatalf("overrides = %+v", ovs)
		}
		// Deleting one half of a swap deletes both; a stranger may not delete.
		err = svc.DeleteOverride(vicCtx, sw[0].ID)
		wantCode(t, err, apperr.CodeForbidden)
		must(t, svc.DeleteOverride(ctxFor(t, users, bob), sw[1].ID))
		ovs, err = svc.Overrides(vicCtx, id, clk.Now(), clk.Now().Add(30*24*time.Hour))
		must(t, err)
		if len(ovs) != 2 {
			t.Fatalf("after deleting the swap: %+v", ovs)
		}

		// Who is on call, per team and per user.
		cur, err := svc.OnCall(vicCtx, oncall.Who{TeamID: team.ID}, night.Add(time.Hour))
		must(t, err)
		if len(cur) != 1 || cur[0].UserID != cid.ID || !cur[0].Since.Equal(night) || !cur[0].Until.Equal(night.Add(10*time.Hour)) || cur[0].NextUserID != ann.ID {
			t.Fatalf("OnCall(team) = %+v", cur)
		}
		if cur, _ := svc.OnCall(vicCtx, oncall.Who{UserID: bob.ID}, night); len(cur) != 0 {
			t.Fatalf("OnCall(bob) = %+v", cur)
		}

		// Shifts starting: the override, then ann again, then the take.
		sh, err := svc.ShiftsStarting(context.Background(), night, wed.Add(time.Hour))
		must(t, err)
		want := []oncall.Shift{
			{ScheduleID: id, UserID: cid.ID, Start: night, End: night.Add(10 * time.Hour)},
			{ScheduleID: id, UserID: ann.ID, Start: night.Add(10 * time.Hour), End: wed},
			{ScheduleID: id, UserID: bob.ID, Start: wed, End: wed.Add(4 * time.Hour)},
		}
		if len(sh) != len(want) {
			t.Fatalf("ShiftsStarting = %+v", sh)
		}
		for i := range want {
			if sh[i].UserID != want[i].UserID || !sh[i].Start.Equal(want[i].Start) || !sh[i].End.Equal(want[i].End) || sh[i].ScheduleID != id {
				t.Fatalf("shift %d = %+v, want %+v", i, sh[i], want[i])
			}
		}

		// The user's shifts include an override in a schedule they are not part of.
		mine, err := svc.UserShifts(cidCtx, cid.ID, clk.Now(), clk.Now().Add(7*24*time.Hour))
		must(t, err)
		if len(mine) != 1 || !mine[0].Start.Equal(night) {
			t.Fatalf("UserShifts(cid) = %+v", mine)
		}

		// A user in a rotation cannot be deleted; one who only covers an override can, and the override goes.
		if err := users.DeleteUser(actx, ann.ID); err == nil {
			t.Fatal("deleted a user who is in a rotation")
		}
		must(t, users.DeleteUser(actx, cid.ID))
		if ovs, _ := svc.Overrides(vicCtx, id, clk.Now(), clk.Now().Add(30*24*time.Hour)); len(ovs) != 1 || ovs[0].UserID != bob.ID {
			t.Fatalf("overrides after deleting cid: %+v", ovs)
		}

		// Deleting the schedule is for the team (or admins).
		wantCode(t, svc.DeleteSchedule(vicCtx, id), apperr.CodeForbidden)
		must(t, svc.DeleteSchedule(actx, id))
		_, err = svc.Schedule(vicCtx, id)
		wantCode(t, err, apperr.CodeNotFound)
	})
}

func TestOnCallCalendarFeed(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		users, clk, actx, _ := newAuth(t, s)
		svc := oncall.NewService(s.OnCall(), clk.Now)
		ann, err := users.CreateUser(actx, auth.UserInput{Handle: "ann", Name: "Ann", Email: "ann@example.com", Level: "responder"})
		must(t, err)
		bob, err := users.CreateUser(actx, auth.UserInput{Handle: "bob", Name: "Bob", Email: "bob@example.com", Level: "responder"})
		must(t, err)
		saved, err := svc.CreateSchedule(actx, oncall.Schedule{Name: "Primary", TimeZone: "America/New_York", Layers: []oncall.Layer{{
			Rotation: oncall.Rotation{Participants: []int64{ann.ID, bob.ID}, Length: 1, Unit: oncall.Weeks, Handoff: 9 * 60, HandoffDay: time.Monday, Start: "2025-01-06"}}}})
		must(t, err)
		id := saved.Schedule.ID
		annCtx := ctxFor(t, users, ann)

		token, tok, err := svc.NewCalendarToken(annCtx, id)
		must(t, err)
		if !strings.HasPrefix(token, "fbcal_") || bytes.Contains(tok.Hash, []byte(token)) {
			t.Fatalf("token %q", token)
		}
		mineTok, _, err := svc.NewCalendarToken(annCtx, 0)
		must(t, err)

		start := time.Now()
		feed, err := svc.Feed(context.Background(), token, "fb.example", "https://fb.example")
		must(t, err)
		t.Logf("schedule feed: %d bytes in %v", len(feed), time.Since(start))
		cal, err := ics.ParseCalendar(bytes.NewReader(feed))
		must(t, err)
		view, err := svc.View(annCtx, id, clk.Now().Add(-oncall.FeedBack-35*24*time.Hour), clk.Now().Add(oncall.FeedAhead))
		must(t, err)
		var wantShifts []oncall.Shift
		for _, sh := range oncall.Shifts(id, view.Final) {
			if sh.End.After(clk.Now().Add(-oncall.FeedBack)) {
				wantShifts = append(wantShifts, sh)
			}
		}
		evs := cal.Events()
		if len(evs) != len(wantShifts) || len(evs) < 34 {
			t.Fatalf("%d events, %d shifts", len(evs), len(wantShifts))
		}
		for i, e := range evs {
			st, _ := e.GetStartAt()
			en, _ := e.GetEndAt()
			if !st.Equal(wantShifts[i].Start) || !en.Equal(wantShifts[i].End) || e.Id() != oncall.ShiftUID(wantShifts[i], "fb.example") {
				t.Fatalf("event %d: %s %v–%v, want %+v", i, e.Id(), st, en, wantShifts[i])
			}
		}
		if sum := evs[0].GetProperty(ics.ComponentPropertySummary); sum == nil || !strings.Contains(sum.Value, "(Primary)") {
			t.Fatalf("summary %+v", sum)
		}

		// The user's own feed holds only their shifts: half of them.
		mine, err := svc.Feed(context.Background(), mineTok, "fb.example", "https://fb.example")
		must(t, err)
		mcal, err := ics.ParseCalendar(bytes.NewReader(mine))
		must(t, err)
		if n := len(mcal.Events()); n < len(evs)/2-1 || n > len(evs)/2+1 {
			t.Fatalf("my feed has %d events of %d", n, len(evs))
		}

		// Revoked or rotated tokens stop working; the new one works.
		list, err := svc.CalendarTokens(annCtx)
		must(t, err)
		if len(list) != 2 || list[0].UsedAt == nil || !list[0].UsedAt.Equal(clk.Now()) {
			t.Fatalf("tokens = %+v", list)
		}
		wantCode(t, svc.RevokeCalendarToken(ctxFor(t, users, bob), tok.ID), apperr.CodeNotFound)
		fresh, _, err := svc.RotateCalendarToken(annCtx, tok.ID)
		must(t, err)
		_, err = svc.Feed(context.Background(), token, "h", "")
		wantCode(t, err, apperr.CodeNotFound)
		_, err = svc.Feed(context.Background(), fresh, "h", "")
		must(t, err)
		_, err = svc.Feed(context.Background(), "fbcal_nonsense", "h", "")
		wantCode(t, err, apperr.CodeNotFound)
	})
}
