package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// OncallCmd answers who is on call and manages one's calendar feeds.
type OncallCmd struct {
	Who    OncallWhoCmd    `cmd:"" default:"withargs" help:"Who is on call now (or --at a time), per schedule."`
	Shifts OncallShiftsCmd `cmd:"" help:"Your shifts (or --user's) in every schedule."`
	Feed   OncallFeedCmd   `cmd:"" help:"Make a secret calendar (iCalendar) URL of your shifts, or of --schedule."`
	Feeds  OncallFeedsCmd  `cmd:"" help:"List your calendar feeds."`
	Revoke OncallRevokeCmd `cmd:"" help:"Revoke a calendar feed URL (--rotate: replace it with a new one)."`
}

// parseWhen reads a time given on the command line: RFC 3339,
// "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" in the local zone, or "now".
func (e *env) parseWhen(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "now" {
		return e.now(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, e.loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("--%s: %q is not a time like 2026-03-02T09:00:00Z, '2026-03-02 09:00' or 2026-03-02", flag, s)
}

// parseWindow reads --from (default now) and --to (default span after --from).
func (e *env) parseWindow(from, to string, span time.Duration) (time.Time, time.Time, error) {
	start, err := e.parseWhen("from", from)
	if err != nil || to == "" {
		return start, start.Add(span), err
	}
	end, err := e.parseWhen("to", to)
	return start, end, err
}

// scheduleID resolves a schedule given by id or name.
func (e *env) scheduleID(cl *client.Client, arg string) (int64, error) {
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil && id > 0 {
		return id, nil
	}
	scs, err := cl.Schedules(e.ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range scs {
		if strings.EqualFold(s.Name, strings.TrimSpace(arg)) {
			return s.ID, nil
		}
	}
	return 0, fmt.Errorf("there is no schedule named %q; 'firebreak schedule list' lists them", arg)
}

// OncallWhoCmd shows who is on call.
type OncallWhoCmd struct {
	Schedule string `help:"Only this schedule (id or name)."`
	Team     string `help:"Only this team's schedules (id or name)."`
	User     string `help:"Only the schedules that have this user on call."`
	At       string `help:"When: RFC 3339 or 'YYYY-MM-DD HH:MM' in your time zone (default: now)."`
}

// Run prints who is on call.
func (c *OncallWhoCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var who oncall.Who
	if c.Schedule != "" {
		if who.ScheduleID, err = e.scheduleID(cl, c.Schedule); err != nil {
			return err
		}
	}
	if c.Team != "" {
		if who.TeamID, err = e.teamID(cl, c.Team); err != nil {
			return err
		}
	}
	if c.User != "" {
		if who.UserID, err = e.userID(cl, c.User); err != nil {
			return err
		}
	}
	at, err := e.parseWhen("at", c.At)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	cur, err := cl.WithRaw(&raw).OnCall(e.ctx, who, at)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(cur) == 0 {
		e.printf("Nobody matching is on call at %s.\n", e.when(at))
		return nil
	}
	ppl := e.people(cl)
	w := table(e.stdout)
	row(w, "SCHEDULE", "ON CALL", "SINCE", "UNTIL", "NEXT")
	for _, c := range cur {
		who := ppl.label(c.UserID)
		if c.UserID == 0 {
			who = "nobody (gap)"
		} else if c.OverrideID != 0 {
			who += " (override)"
		}
		row(w, c.ScheduleName, who, e.when(c.Since), e.when(c.Until), ppl.handle(c.NextUserID))
	}
	return w.Flush()
}

// OncallShiftsCmd lists shifts.
type OncallShiftsCmd struct {
	User string `help:"Whose shifts (default: yours)."`
	From string `help:"From (default: now)."`
	To   string `help:"Until (default: four weeks after --from)."`
}

// Run lists the shifts.
func (c *OncallShiftsCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var uid int64
	if c.User != "" {
		uid, err = e.userID(cl, c.User)
	} else {
		var me client.User
		me, err = cl.Me(e.ctx)
		uid = me.ID
	}
	if err != nil {
		return err
	}
	from, to, err := e.parseWindow(c.From, c.To, 28*24*time.Hour)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	shifts, err := cl.WithRaw(&raw).Shifts(e.ctx, uid, from, to)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(shifts) == 0 {
		e.printf("No shifts from %s to %s.\n", e.when(from), e.when(to))
		return nil
	}
	names := map[int64]string{}
	if scs, err := cl.Schedules(e.ctx); err == nil {
		for _, s := range scs {
			names[s.ID] = s.Name
		}
	}
	w := table(e.stdout)
	row(w, "SCHEDULE", "FROM", "TO", "LENGTH")
	for _, s := range shifts {
		row(w, orDash(names[s.ScheduleID]), e.when(s.Start), e.when(s.End), duration(s.End.Sub(s.Start)))
	}
	return w.Flush()
}

// OncallFeedCmd creates a calendar feed URL.
type OncallFeedCmd struct {
	Schedule string `help:"A schedule's feed (id or name) instead of your own shifts."`
}

// Run creates the feed and prints its URL, once.
func (c *OncallFeedCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var id int64
	if c.Schedule != "" {
		if id, err = e.scheduleID(cl, c.Schedule); err != nil {
			return err
		}
	}
	var raw json.RawMessage
	f, err := cl.WithRaw(&raw).CreateCalendarFeed(e.ctx, id)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("%s\n", f.URL)
	e.printf("Subscribe to this URL in your calendar app. It is shown only now; anyone with it sees the shifts.\n"+
		"Revoke it with 'firebreak oncall revoke %d'.\n", f.ID)
	return nil
}

// OncallFeedsCmd lists the caller's feeds.
type OncallFeedsCmd struct{}

// Run lists the feeds.
func (c *OncallFeedsCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	feeds, err := cl.WithRaw(&raw).CalendarFeeds(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	w := table(e.stdout)
	row(w, "ID", "FEED", "CREATED", "LAST USED")
	for _, f := range feeds {
		what := "my shifts"
		if f.ScheduleID != 0 {
			what = "schedule " + strconv.FormatInt(f.ScheduleID, 10)
		}
		used := "-"
		if f.UsedAt != nil {
			used = e.when(*f.UsedAt)
		}
		row(w, strconv.FormatInt(f.ID, 10), what, e.when(f.CreatedAt), used)
	}
	return w.Flush()
}

// OncallRevokeCmd revokes (or rotates) a feed.
type OncallRevokeCmd struct {
	ID     int64 `arg:"" help:"The feed's id ('firebreak oncall feeds')."`
	Rotate bool  `help:"Replace the URL with a new one instead of only revoking it."`
}

// Run revokes or rotates the feed.
func (c *OncallRevokeCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	if c.Rotate {
		f, err := cl.RotateCalendarFeed(e.ctx, c.ID)
		if err != nil {
			return err
		}
		e.printf("The old URL no longer works. The new one (shown only now):\n%s\n", f.URL)
		return nil
	}
	if err := cl.RevokeCalendarFeed(e.ctx, c.ID); err != nil {
		return err
	}
	e.printf("Calendar feed %d revoked.\n", c.ID)
	return nil
}
