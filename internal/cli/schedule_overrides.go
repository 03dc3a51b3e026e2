package cli

import (
	"encoding/json"
	"strconv"
	"time"
)

// The override commands of a schedule: override, take, swap, overrides, unoverride.

// rangeFlags are the --from/--to of a stretch of time.
type rangeFlags struct {
	From string `required:"" help:"Start: RFC 3339 or 'YYYY-MM-DD HH:MM' in your time zone."`
	To   string `required:"" help:"End, the same way."`
}

func (r rangeFlags) parse(e *env) (time.Time, time.Time, error) {
	from, err := e.parseWhen("from", r.From)
	if err != nil {
		return from, from, err
	}
	to, err := e.parseWhen("to", r.To)
	return from, to, err
}

// ScheduleOverrideCmd adds an override.
type ScheduleOverrideCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
	User     string `required:"" help:"Who is on call instead (handle)."`
	rangeFlags
	Note string `help:"Why, for the others."`
}

// Run adds the override.
func (c *ScheduleOverrideCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	uid, err := e.userID(cl, c.User)
	if err != nil {
		return err
	}
	from, to, err := c.parse(e)
	if err != nil {
		return err
	}
	o, err := cl.AddOverride(e.ctx, id, uid, from, to, c.Note)
	if err != nil {
		return err
	}
	ppl := e.people(cl)
	e.printf("Override #%d: %s is on call from %s to %s (instead of %s).\n", o.ID, ppl.handle(o.UserID), e.when(o.Start), e.when(o.End), ppl.handle(o.Replaces))
	return nil
}

// ScheduleTakeCmd takes a shift.
type ScheduleTakeCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
	rangeFlags
}

// Run takes the shift.
func (c *ScheduleTakeCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	from, to, err := c.parse(e)
	if err != nil {
		return err
	}
	o, err := cl.TakeShift(e.ctx, id, from, to)
	if err != nil {
		return err
	}
	e.printf("You are on call from %s to %s (override #%d, instead of %s).\n", e.when(o.Start), e.when(o.End), o.ID, e.people(cl).handle(o.Replaces))
	return nil
}

// ScheduleSwapCmd swaps two stretches.
type ScheduleSwapCmd struct {
	Schedule   string `arg:"" help:"The schedule (id or name)."`
	FirstFrom  string `required:"" help:"Start of the first stretch."`
	FirstTo    string `required:"" help:"End of the first stretch."`
	SecondFrom string `required:"" help:"Start of the second stretch."`
	SecondTo   string `required:"" help:"End of the second stretch."`
}

// Run records the swap.
func (c *ScheduleSwapCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	var ts [4]time.Time
	for i, v := range []struct{ flag, val string }{{"first-from", c.FirstFrom}, {"first-to", c.FirstTo}, {"second-from", c.SecondFrom}, {"second-to", c.SecondTo}} {
		if ts[i], err = e.parseWhen(v.flag, v.val); err != nil {
			return err
		}
	}
	out, err := cl.Swap(e.ctx, id, ts[0], ts[1], ts[2], ts[3])
	if err != nil {
		return err
	}
	ppl := e.people(cl)
	e.printf("Swapped: %s covers %s–%s, %s covers %s–%s.\n", ppl.handle(out[0].UserID), e.when(out[0].Start), e.when(out[0].End),
		ppl.handle(out[1].UserID), e.when(out[1].Start), e.when(out[1].End))
	return nil
}

// ScheduleOverridesCmd lists overrides.
type ScheduleOverridesCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
	From     string `help:"From (default: now)."`
	To       string `help:"Until (default: four weeks after --from)."`
}

// Run lists the overrides.
func (c *ScheduleOverridesCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	from, to, err := e.parseWindow(c.From, c.To, 28*24*time.Hour)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	ovs, err := cl.WithRaw(&raw).Overrides(e.ctx, id, from, to)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	ppl := e.people(cl)
	w := table(e.stdout)
	row(w, "ID", "KIND", "ON CALL", "INSTEAD OF", "FROM", "TO", "BY", "NOTE")
	for _, o := range ovs {
		row(w, strconv.FormatInt(o.ID, 10), o.Kind, ppl.handle(o.UserID), ppl.handle(o.Replaces), e.when(o.Start), e.when(o.End), ppl.handle(o.CreatedBy), orDash(o.Note))
	}
	return w.Flush()
}

// ScheduleUnoverrideCmd removes an override.
type ScheduleUnoverrideCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
	ID       int64  `arg:"" help:"The override's id."`
}

// Run removes the override.
func (c *ScheduleUnoverrideCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	if err := cl.DeleteOverride(e.ctx, id, c.ID); err != nil {
		return err
	}
	e.printf("Override #%d removed.\n", c.ID)
	return nil
}
