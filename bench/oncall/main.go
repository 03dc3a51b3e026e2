// Command oncall measures the on-call maths and the calendar feed: how long
// the final timeline of a realistic schedule (three layers, restrictions,
// overrides, DST) takes over a feed's window (8 weeks back, 26 ahead) and
// over a year; how fast a node serves the iCalendar feed over HTTP; and how
// long ShiftsStarting (the handoff notices' question) takes over many
// schedules.
//
//	go run ./bench/oncall                     # SQLite in a temp dir
//	go run ./bench/oncall -database-url postgres://.../empty_db
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

func main() {
	dbURL := flag.String("database-url", "", "PostgreSQL URL (default: SQLite in a temp dir)")
	runs := flag.Int("runs", 200, "repetitions of each measurement")
	schedules := flag.Int("schedules", 100, "schedules for ShiftsStarting")
	flag.Parse()
	if err := run(*dbURL, *runs, *schedules); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// schedule is three layers in Berlin: a weekly primary of 8, business hours
// of 5 on weekdays, nights of 4 in 12-hour shifts.
func schedule(name string, users []int64) oncall.Schedule {
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	return oncall.Schedule{Name: name, TimeZone: "Europe/Berlin", Layers: []oncall.Layer{
		{Name: "Business hours", Rotation: oncall.Rotation{Participants: users[8:13], Length: 1, Unit: oncall.Days, Handoff: 9 * 60, Start: "2025-01-06"},
			Restrictions: []oncall.Restriction{{Kind: oncall.Daily, Days: weekdays, From: 9 * 60, To: 17 * 60}}},
		{Name: "Nights", Rotation: oncall.Rotation{Participants: users[13:17], Length: 12, Unit: oncall.Hours, Handoff: 22 * 60, Start: "2025-01-06"},
			Restrictions: []oncall.Restriction{{Kind: oncall.Daily, From: 22 * 60, To: 6 * 60}}},
		{Name: "Primary", Rotation: oncall.Rotation{Participants: users[:8], Length: 1, Unit: oncall.Weeks, Handoff: 10 * 60, HandoffDay: time.Monday, Start: "2025-01-06"}},
	}}
}

func measure(runs int, f func() error) ([]time.Duration, error) {
	out := make([]time.Duration, 0, runs)
	for i := 0; i < runs; i++ {
		start := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	slices.Sort(out)
	return out, nil
}

// q is the p-quantile of sorted durations, to the microsecond (the maths is
// faster than benchkit.Quantile's 10 µs rounding).
func q(d []time.Duration, p float64) time.Duration {
	return d[int(p*float64(len(d)-1))].Round(time.Microsecond)
}

func report(what string, d []time.Duration, extra string) {
	fmt.Printf("%-52s median %9v  p99 %9v  max %9v  %s\n", what, q(d, .5), q(d, .99), q(d, 1), extra)
}

func run(dbURL string, runs, nSchedules int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The pure maths, no storage.
	users := make([]int64, 17)
	for i := range users {
		users[i] = int64(i + 1)
	}
	sc := schedule("pure", users)
	loc, _ := sc.Location()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	var ovs []oncall.Override
	for i := 0; i < 20; i++ {
		s := now.Add(time.Duration(i*37) * time.Hour)
		ovs = append(ovs, oncall.Override{ID: int64(i + 1), UserID: users[i%17], Start: s, End: s.Add(5 * time.Hour), CreatedAt: now})
	}
	from, to := now.Add(-oncall.FeedBack), now.Add(oncall.FeedAhead)
	var spans []oncall.Span
	d, _ := measure(runs, func() error { spans = oncall.Timeline(sc.Layers, ovs, loc, from, to); return nil })
	report("timeline, 34 weeks (feed window), 3 layers", d, fmt.Sprintf("%d spans, %d shifts", len(spans), len(oncall.Shifts(1, spans))))
	d, _ = measure(runs, func() error { spans = oncall.Timeline(sc.Layers, ovs, loc, now, now.AddDate(1, 0, 0)); return nil })
	report("timeline, one year", d, fmt.Sprintf("%d spans", len(spans)))
	d, _ = measure(runs*10, func() error { spans = oncall.Timeline(sc.Layers, ovs, loc, now, now.Add(time.Second)); return nil })
	report("who is on call at T (one-second window)", d, "")

	// Through a node: the feed over HTTP, ShiftsStarting over many schedules.
	node, err := benchkit.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer node.Remove()
	served := node.Serve(ctx)
	sys := access.With(ctx, access.System)
	ids := make([]int64, 17)
	for i := range ids {
		u, err := node.App.Auth.CreateUser(sys, auth.UserInput{Handle: fmt.Sprintf("u%d", i), Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("u%d@example.com", i), Level: "responder"})
		if err != nil {
			return err
		}
		ids[i] = u.ID
	}
	var first int64
	for i := 0; i < nSchedules; i++ {
		saved, err := node.App.OnCall.CreateSchedule(sys, schedule(fmt.Sprintf("Schedule %03d", i), ids))
		if err != nil {
			return err
		}
		if i == 0 {
			first = saved.Schedule.ID
		}
	}
	owner := access.With(ctx, access.Actor{UserID: ids[0], Handle: "u0", Level: access.Responder, Source: "bench"})
	for i := 0; i < 20; i++ {
		s := time.Now().Add(time.Duration(i*37) * time.Hour)
		if _, err := node.App.OnCall.AddOverride(owner, oncall.OverrideInput{ScheduleID: first, UserID: ids[i%17], Start: s, End: s.Add(5 * time.Hour)}); err != nil {
			return err
		}
	}
	token, _, err := node.App.OnCall.NewCalendarToken(owner, first)
	if err != nil {
		return err
	}
	url := node.URL + oncall.FeedPath + token + ".ics"
	var size, events int
	d, err = measure(runs, func() error {
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("feed: %d %s", resp.StatusCode, b)
		}
		size, events = len(b), strings.Count(string(b), "BEGIN:VEVENT")
		return err
	})
	if err != nil {
		return err
	}
	report("GET schedule feed (26 weeks ahead, 8 back), HTTP", d, fmt.Sprintf("%d events, %d KiB", events, size/1024))
	d, err = measure(max(runs/10, 5), func() error {
		_, err := node.App.OnCall.ShiftsStarting(ctx, time.Now(), time.Now().Add(time.Minute))
		return err
	})
	if err != nil {
		return err
	}
	report(fmt.Sprintf("ShiftsStarting over %d schedules, 1-minute window", nSchedules), d, "")
	d, err = measure(max(runs/10, 5), func() error {
		_, err := node.App.OnCall.OnCall(sys, oncall.Who{}, time.Now())
		return err
	})
	if err != nil {
		return err
	}
	report(fmt.Sprintf("who is on call now, all %d schedules", nSchedules), d, "")
	cancel()
	<-served
	return nil
}
