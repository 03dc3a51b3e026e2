package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// ScheduleCmd manages on-call schedules and their overrides.
type ScheduleCmd struct {
	List       ScheduleListCmd       `cmd:"" help:"List the schedules."`
	Show       ScheduleShowCmd       `cmd:"" help:"Show a schedule's layers and who is on call over a range (the final timeline)."`
	Create     ScheduleCreateCmd     `cmd:"" help:"Create a schedule with one rotation from flags, or any schedule from a JSON file."`
	Update     ScheduleUpdateCmd     `cmd:"" help:"Replace a schedule from a JSON file ('firebreak schedule export' writes one)."`
	Export     ScheduleExportCmd     `cmd:"" help:"Print a schedule as JSON, ready to edit and give to 'update --file'."`
	Delete     ScheduleDeleteCmd     `cmd:"" help:"Delete a schedule with its overrides."`
	Override   ScheduleOverrideCmd   `cmd:"" help:"Put someone on call over a range, above every layer (responders)."`
	Take       ScheduleTakeCmd       `cmd:"" help:"Take a shift: put yourself on call over a range."`
	Swap       ScheduleSwapCmd       `cmd:"" help:"Swap two stretches between the people on call at their starts."`
	Overrides  ScheduleOverridesCmd  `cmd:"" help:"List a schedule's overrides."`
	Unoverride ScheduleUnoverrideCmd `cmd:"" help:"Remove an override (both halves of a swap)."`
}

// ScheduleListCmd lists the schedules.
type ScheduleListCmd struct{}

// Run lists the schedules.
func (c *ScheduleListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	scs, err := cl.WithRaw(&raw).Schedules(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	teams := map[int64]string{}
	if ts, err := cl.Teams(e.ctx); err == nil {
		for _, t := range ts {
			teams[t.ID] = t.Name
		}
	}
	cur := map[int64]oncall.Current{}
	if now, err := cl.OnCall(e.ctx, oncall.Who{}, time.Time{}); err == nil {
		for _, c := range now {
			cur[c.ScheduleID] = c
		}
	}
	ppl := e.people(cl)
	w := table(e.stdout)
	row(w, "ID", "NAME", "TEAM", "TIME ZONE", "LAYERS", "ON CALL NOW")
	for _, s := range scs {
		row(w, strconv.FormatInt(s.ID, 10), s.Name, orDash(teams[s.TeamID]), s.TimeZone, strconv.Itoa(len(s.Layers)), ppl.handle(cur[s.ID].UserID))
	}
	return w.Flush()
}

// ScheduleShowCmd shows a schedule.
type ScheduleShowCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
	From     string `help:"From (default: now)."`
	To       string `help:"Until (default: a week after --from)."`
}

// Run prints the layers and the final timeline.
func (c *ScheduleShowCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	from, to, err := e.parseWindow(c.From, c.To, 7*24*time.Hour)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	v, err := cl.WithRaw(&raw).ScheduleTimeline(e.ctx, id, from, to)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	ppl := e.people(cl)
	sc := v.Schedule
	e.printf("%s (#%d, %s)\n", sc.Name, sc.ID, sc.TimeZone)
	if sc.Description != "" {
		e.printf("%s\n", sc.Description)
	}
	for i, l := range sc.Layers {
		r := l.Rotation
		names := make([]string, len(r.Participants))
		for j, p := range r.Participants {
			names[j] = ppl.handle(p)
		}
		handoff := r.Handoff.String()
		if r.Unit == oncall.Weeks {
			handoff = r.HandoffDay.String()[:3] + " " + handoff
		}
		e.printf("Layer %d %s: every %d %s, handoff %s, from %s: %s\n", i+1, orDash(l.Name), r.Length, r.Unit, handoff, r.Start, strings.Join(names, ", "))
		for _, x := range l.Restrictions {
			e.printf("  only %s\n", x)
		}
	}
	e.printf("\n")
	loc := e.loc
	if l, err := time.LoadLocation(sc.TimeZone); err == nil {
		loc = l
	}
	w := table(e.stdout)
	row(w, "FROM ("+sc.TimeZone+")", "TO", "ON CALL", "WHY")
	for _, s := range v.Final {
		who, why := ppl.label(s.UserID), ""
		switch {
		case s.UserID == 0:
			who, why = "nobody", "GAP"
		case s.OverrideID != 0:
			why = "override #" + strconv.FormatInt(s.OverrideID, 10)
		default:
			why = "layer " + strconv.Itoa(s.Layer+1)
		}
		row(w, s.Start.In(loc).Format("Mon 2006-01-02 15:04"), s.End.In(loc).Format("Mon 2006-01-02 15:04"), who, why)
	}
	return w.Flush()
}

// ScheduleCreateCmd creates a schedule.
type ScheduleCreateCmd struct {
	Name         string   `arg:"" optional:"" help:"The schedule's name (not needed with --file)."`
	File         string   `help:"A JSON schedule (as 'export' prints; '-' for stdin) instead of the flags below."`
	Team         string   `help:"The team it belongs to (id or name)."`
	TZ           string   `name:"tz" default:"UTC" help:"IANA time zone, e.g. Europe/Berlin."`
	Participants []string `help:"Who rotates, in order (handles), comma-separated."`
	Shift        string   `default:"1w" help:"Shift length: 1w, 2d, 12h…"`
	Handoff      string   `default:"09:00" help:"Handoff time of day, local to --tz."`
	HandoffDay   string   `default:"mon" help:"Handoff weekday of weekly rotations."`
	Start        string   `help:"Date the rotation starts, YYYY-MM-DD (default: today)."`
	Restrict     []string `help:"Only on call in these windows: 'mon-fri 09:00-17:00', '22:00-06:00', 'fri 18:00-mon 09:00'; repeat for more."`
	Description  string   `help:"What the schedule is for."`
}

func (e *env) readScheduleFile(path string) (client.ScheduleInput, error) {
	var in client.ScheduleInput
	var b []byte
	var err error
	if path == "-" {
		var s string
		s, err = e.readAll()
		b = []byte(s)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return in, err
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return in, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// Run creates the schedule and prints its warnings.
func (c *ScheduleCreateCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var in client.ScheduleInput
	if c.File != "" {
		if in, err = e.readScheduleFile(c.File); err != nil {
			return err
		}
	} else {
		if c.Name == "" {
			return fmt.Errorf("give the schedule a name (or use --file)")
		}
		in = client.ScheduleInput{Name: c.Name, Description: c.Description, TimeZone: c.TZ}
		if c.Team != "" {
			if in.TeamID, err = e.teamID(cl, c.Team); err != nil {
				return err
			}
		}
		var r oncall.Rotation
		if r.Length, r.Unit, err = oncall.ParseShift(c.Shift); err != nil {
			return fmt.Errorf("--shift %w", err)
		}
		if r.Handoff, err = oncall.ParseClock(c.Handoff); err != nil {
			return fmt.Errorf("--handoff: %w", err)
		}
		if r.HandoffDay, err = oncall.ParseWeekday(c.HandoffDay); err != nil {
			return fmt.Errorf("--handoff-day: %w", err)
		}
		r.Start = c.Start
		if r.Start == "" {
			loc, err := time.LoadLocation(c.TZ)
			if err != nil {
				return fmt.Errorf("--tz: %q is not an IANA time zone like Europe/Berlin", c.TZ)
			}
			r.Start = e.now().In(loc).Format(time.DateOnly)
		}
		if r.Participants, err = e.userIDs(cl, c.Participants); err != nil {
			return err
		}
		layer := oncall.Layer{Name: "Rotation", Rotation: r}
		for _, s := range c.Restrict {
			x, err := oncall.ParseRestriction(s)
			if err != nil {
				return fmt.Errorf("--restrict %w", err)
			}
			layer.Restrictions = append(layer.Restrictions, x)
		}
		in.Layers = []oncall.Layer{layer}
	}
	var raw json.RawMessage
	saved, err := cl.WithRaw(&raw).CreateSchedule(e.ctx, in)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Created schedule %s (#%d).\n", saved.Schedule.Name, saved.Schedule.ID)
	e.printWarnings(saved.Warnings)
	return nil
}

func (e *env) printWarnings(ws []string) {
	for _, w := range ws {
		e.printf("warning: %s\n", w)
	}
}

// ScheduleUpdateCmd replaces a schedule from a file.
type ScheduleUpdateCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
	File     string `required:"" help:"The JSON schedule ('-' for stdin). Its version, when present, must be current."`
}

// Run replaces the schedule.
func (c *ScheduleUpdateCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	in, err := e.readScheduleFile(c.File)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	saved, err := cl.WithRaw(&raw).UpdateSchedule(e.ctx, id, in)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Saved schedule %s (version %d).\n", saved.Schedule.Name, saved.Schedule.Version)
	e.printWarnings(saved.Warnings)
	return nil
}

// ScheduleExportCmd prints a schedule as an editable JSON document.
type ScheduleExportCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
}

// Run prints the schedule.
func (c *ScheduleExportCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	sc, err := cl.Schedule(e.ctx, id)
	if err != nil {
		return err
	}
	v := sc.Version
	b, err := json.MarshalIndent(client.ScheduleInput{Name: sc.Name, Description: sc.Description, TeamID: sc.TeamID, TimeZone: sc.TimeZone, Layers: sc.Layers, Version: &v}, "", "  ")
	if err != nil {
		return err
	}
	e.printf("%s\n", b)
	return nil
}

// ScheduleDeleteCmd deletes a schedule.
type ScheduleDeleteCmd struct {
	Schedule string `arg:"" help:"The schedule (id or name)."`
}

// Run deletes it.
func (c *ScheduleDeleteCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.scheduleID(cl, c.Schedule)
	if err != nil {
		return err
	}
	if err := cl.DeleteSchedule(e.ctx, id); err != nil {
		return err
	}
	e.printf("Deleted schedule #%d.\n", id)
	return nil
}
