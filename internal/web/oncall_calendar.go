package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// A schedule's calendar: a week or a month, each week a block of tracks —
// one per layer, one for the overrides, and the final timeline — with bars
// placed by time, so a person sees what each layer does, where the
// overrides are and who is finally on call, gaps in red.

type calBar struct {
	Left, Width string // CSS percentages
	Label       string
	Title       string
	Class       string
	Hue         int
}

type calTrack struct {
	Label string
	Class string
	Bars  []calBar
}

type calDay struct {
	Label   string
	Today   bool
	Weekend bool
}

type calWeek struct {
	Days   []calDay
	Tracks []calTrack
}

type calShift struct {
	Who, From, To string
	Start, End    string // RFC 3339, for the take-shift form
	Mine, Now     bool
	Override      bool
}

type overrideRow struct {
	ID                  int64
	Kind, Who, Replaces string
	From, To, By, Note  string
}

type scheduleView struct {
	Schedule  oncall.Schedule
	Team      string
	Zone      string
	Mode      string // week or month
	Title     string // the range shown
	Prev      string
	Next      string
	Today     string
	Weeks     []calWeek
	Layers    []layerSummary
	Shifts    []calShift
	Overrides []overrideRow
	Warnings  []string
	Users     []userOption
	CanEdit   bool
	CanAct    bool // responders: overrides, take a shift
	DefFrom   string
	DefTo     string
}

type layerSummary struct {
	Name         string
	Rule         string
	People       string
	Restrictions []string
}

type userOption struct {
	ID     int64
	Handle string
	Name   string
}

// weekStart is the Monday 00:00 (local) of the week holding t.
func weekStart(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func pct(d, total time.Duration) string {
	return strconv.FormatFloat(float64(d)*100/float64(total), 'f', 3, 64) + "%"
}

// bars lays spans out over [from, to).
func bars(spans []oncall.Span, from, to time.Time, d directory, loc *time.Location, final bool) []calBar {
	total := to.Sub(from)
	var out []calBar
	for _, sp := range spans {
		s, e := sp.Start, sp.End
		if !e.After(from) || !s.Before(to) {
			continue
		}
		if s.Before(from) {
			s = from
		}
		if e.After(to) {
			e = to
		}
		b := calBar{Left: pct(s.Sub(from), total), Width: pct(e.Sub(s), total), Hue: hue(sp.UserID), Class: "bar",
			Label: d.name(sp.UserID), Title: fmt.Sprintf("%s: %s – %s", d.name(sp.UserID), localTime(sp.Start, loc), localTime(sp.End, loc))}
		switch {
		case sp.UserID == 0 && final:
			b.Class, b.Label, b.Title = "bar bar-gap", "Nobody", fmt.Sprintf("Gap: nobody is on call %s – %s", localTime(sp.Start, loc), localTime(sp.End, loc))
		case sp.UserID == 0:
			continue
		case sp.OverrideID != 0:
			b.Class += " bar-override"
			b.Title += " (override)"
		}
		out = append(out, b)
	}
	return out
}

func overrideSpans(ovs []oncall.Override) []oncall.Span {
	out := make([]oncall.Span, len(ovs))
	for i, o := range ovs {
		out[i] = oncall.Span{Start: o.Start, End: o.End, UserID: o.UserID, OverrideID: o.ID, Layer: -1}
	}
	return out
}

func describeRotation(r oncall.Rotation) string {
	unit := string(r.Unit)
	if r.Length == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	rule := fmt.Sprintf("Every %d %s, handoff %s", r.Length, unit, r.Handoff)
	if r.Length == 1 {
		rule = fmt.Sprintf("Every %s, handoff %s", unit, r.Handoff)
	}
	if r.Unit == oncall.Weeks {
		rule += " on " + r.HandoffDay.String()
	}
	return rule + ", from " + r.Start
}

func (s *server) schedulePage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	var b *banner
	if msg, ok := doneMessages[r.URL.Query().Get("done")]; ok {
		b = &banner{Kind: "ok", Message: msg}
	}
	return s.showSchedule(w, r, id, http.StatusOK, b)
}

func (s *server) showSchedule(w http.ResponseWriter, r *http.Request, id int64, status int, b *banner) error {
	ctx := r.Context()
	sc, err := s.oncall.Schedule(ctx, id)
	if err != nil {
		return err
	}
	d, err := s.directory(ctx)
	if err != nil {
		return err
	}
	loc := scheduleLoc(sc)
	now := s.now()
	v := scheduleView{Schedule: sc, Team: d.teams[sc.TeamID], Zone: loc.String(), Mode: "week", CanEdit: s.oncall.MayEdit(ctx, sc.TeamID),
		CanAct: actor(r).Can(access.Responder)}
	if r.URL.Query().Get("view") == "month" {
		v.Mode = "month"
	}
	anchor := now
	if a, err := time.ParseInLocation(time.DateOnly, r.URL.Query().Get("at"), loc); err == nil {
		anchor = a
	}
	// The range: the week of anchor, or the weeks covering its month.
	var from, to time.Time
	if v.Mode == "month" {
		l := anchor.In(loc)
		first := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
		from = weekStart(first, loc)
		to = weekStart(first.AddDate(0, 1, 0).Add(-time.Hour), loc).AddDate(0, 0, 7)
		v.Title = first.Format("January 2006")
		v.Prev = first.AddDate(0, -1, 0).Format(time.DateOnly)
		v.Next = first.AddDate(0, 1, 0).Format(time.DateOnly)
	} else {
		from = weekStart(anchor, loc)
		to = from.AddDate(0, 0, 7)
		v.Title = from.Format("2 Jan") + " – " + to.AddDate(0, 0, -1).Format("2 Jan 2006")
		v.Prev = from.AddDate(0, 0, -7).Format(time.DateOnly)
		v.Next = to.Format(time.DateOnly)
	}
	v.Today = now.In(loc).Format(time.DateOnly)
	view, err := s.oncall.View(ctx, id, from, to)
	if err != nil {
		return err
	}
	v.Weeks = weeksOf(sc, view, from, to, d, loc, now)
	for i, l := range sc.Layers {
		ls := layerSummary{Name: l.Name, Rule: describeRotation(l.Rotation)}
		if ls.Name == "" {
			ls.Name = "Layer " + strconv.Itoa(i+1)
		}
		var names []string
		for _, p := range l.Rotation.Participants {
			names = append(names, d.name(p))
		}
		ls.People = strings.Join(names, " → ")
		for _, x := range l.Restrictions {
			ls.Restrictions = append(ls.Restrictions, x.String())
		}
		v.Layers = append(v.Layers, ls)
	}
	// Upcoming shifts (two weeks), to take; the overrides from now on.
	up, err := s.oncall.View(ctx, id, now, now.Add(14*24*time.Hour))
	if err != nil {
		return err
	}
	me := actor(r).UserID
	for _, sh := range oncall.Shifts(id, up.Final) {
		v.Shifts = append(v.Shifts, calShift{Who: d.name(sh.UserID), From: localTime(sh.Start, loc), To: localTime(sh.End, loc),
			Start: sh.Start.UTC().Format(time.RFC3339), End: sh.End.UTC().Format(time.RFC3339), Mine: sh.UserID == me, Now: !sh.Start.After(now)})
	}
	for _, o := range up.Overrides {
		v.Overrides = append(v.Overrides, overrideRow{ID: o.ID, Kind: o.Kind, Who: d.name(o.UserID), Replaces: d.name(o.Replaces),
			From: localTime(o.Start, loc), To: localTime(o.End, loc), By: d.name(o.CreatedBy), Note: o.Note})
	}
	if p, err := s.oncall.Preview(ctx, sc); err == nil {
		v.Warnings = p.Warnings
	}
	for _, u := range d.users {
		if !u.Disabled {
			v.Users = append(v.Users, userOption{u.ID, u.Handle, u.Name})
		}
	}
	sortUsers(v.Users)
	v.DefFrom = now.In(loc).Truncate(time.Hour).Add(time.Hour).Format("2006-01-02T15:04")
	v.DefTo = now.In(loc).Truncate(time.Hour).Add(9 * time.Hour).Format("2006-01-02T15:04")
	s.render(w, r, status, "schedule", page{Title: sc.Name + " · On-call", Nav: "oncall", Banner: b, Data: v})
	return nil
}

// weeksOf lays a computed view out as week blocks of tracks.
func weeksOf(sc oncall.Schedule, view oncall.View, from, to time.Time, d directory, loc *time.Location, now time.Time) []calWeek {
	today := now.In(loc).Format(time.DateOnly)
	var out []calWeek
	for ws := from; ws.Before(to); ws = ws.AddDate(0, 0, 7) {
		we := ws.AddDate(0, 0, 7)
		wk := calWeek{}
		for i := 0; i < 7; i++ {
			day := ws.AddDate(0, 0, i)
			wk.Days = append(wk.Days, calDay{Label: day.Format("Mon 2 Jan"), Today: day.Format(time.DateOnly) == today, Weekend: day.Weekday() == time.Saturday || day.Weekday() == time.Sunday})
		}
		for i, l := range sc.Layers {
			name := l.Name
			if name == "" {
				name = "Layer " + strconv.Itoa(i+1)
			}
			wk.Tracks = append(wk.Tracks, calTrack{Label: name, Class: "track-layer", Bars: bars(view.Layers[i], ws, we, d, loc, false)})
		}
		ov := calTrack{Label: "Overrides", Class: "track-overrides", Bars: bars(overrideSpans(view.Overrides), ws, we, d, loc, false)}
		for j := range ov.Bars {
			ov.Bars[j].Class += " bar-override"
		}
		wk.Tracks = append(wk.Tracks, ov, calTrack{Label: "On call", Class: "track-final", Bars: bars(view.Final, ws, we, d, loc, true)})
		out = append(out, wk)
	}
	return out
}

func sortUsers(us []userOption) {
	for i := 1; i < len(us); i++ {
		for j := i; j > 0 && strings.ToLower(us[j].Handle) < strings.ToLower(us[j-1].Handle); j-- {
			us[j], us[j-1] = us[j-1], us[j]
		}
	}
}

// doneMessages confirm an action after its redirect (by key, so a link
// cannot put words of its own on the page).
var doneMessages = map[string]string{
	"saved":    "Schedule saved.",
	"override": "Override added.",
	"take":     "You took the shift.",
	"removed":  "Override removed.",
	"swap":     "Shifts swapped.",
}

// scheduleAction runs a form on a schedule page: on success back to the
// page, on a refusal the page again with the message.
func (s *server) scheduleAction(fn func(r *http.Request, sc oncall.Schedule) (string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return errNotFoundPage
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalid("", "the form could not be read")
		}
		sc, err := s.oncall.Schedule(r.Context(), id)
		if err != nil {
			return err
		}
		msg, err := fn(r, sc)
		if err != nil {
			if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
				return err
			}
			return s.showSchedule(w, r, id, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
		}
		http.Redirect(w, r, "/oncall/schedules/"+strconv.FormatInt(id, 10)+"?done="+url.QueryEscape(msg), http.StatusSeeOther)
		return nil
	}
}

// formTime reads a datetime-local field in the schedule's zone (or RFC 3339).
func formTime(r *http.Request, field string, loc *time.Location) (time.Time, error) {
	v := strings.TrimSpace(r.PostForm.Get(field))
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
	if err != nil {
		return t, apperr.Invalid(field, "%q is not a date and time", v)
	}
	return t, nil
}

func (s *server) addOverrideForm(r *http.Request, sc oncall.Schedule) (string, error) {
	loc := scheduleLoc(sc)
	from, err := formTime(r, "start", loc)
	if err != nil {
		return "", err
	}
	to, err := formTime(r, "end", loc)
	if err != nil {
		return "", err
	}
	uid, _ := strconv.ParseInt(r.PostForm.Get("user_id"), 10, 64)
	_, err = s.oncall.AddOverride(r.Context(), oncall.OverrideInput{ScheduleID: sc.ID, UserID: uid, Start: from, End: to, Note: r.PostForm.Get("note")})
	return "override", err
}

func (s *server) takeShiftForm(r *http.Request, sc oncall.Schedule) (string, error) {
	loc := scheduleLoc(sc)
	from, err := formTime(r, "start", loc)
	if err != nil {
		return "", err
	}
	to, err := formTime(r, "end", loc)
	if err != nil {
		return "", err
	}
	_, err = s.oncall.TakeShift(r.Context(), sc.ID, from, to)
	return "take", err
}

// swapForm swaps two upcoming shifts; each field is "start,end" (RFC 3339).
func (s *server) swapForm(r *http.Request, sc oncall.Schedule) (string, error) {
	var ts [4]time.Time
	for i, f := range []string{"first", "second"} {
		a, b, ok := strings.Cut(r.PostForm.Get(f), ",")
		var err1, err2 error
		ts[2*i], err1 = time.Parse(time.RFC3339, a)
		ts[2*i+1], err2 = time.Parse(time.RFC3339, b)
		if !ok || err1 != nil || err2 != nil {
			return "", apperr.Invalid(f, "choose a shift to swap")
		}
	}
	_, err := s.oncall.Swap(r.Context(), oncall.SwapInput{ScheduleID: sc.ID, FirstStart: ts[0], FirstEnd: ts[1], SecondStart: ts[2], SecondEnd: ts[3]})
	return "swap", err
}

func (s *server) deleteOverrideForm(r *http.Request, sc oncall.Schedule) (string, error) {
	oid, err := strconv.ParseInt(r.PathValue("oid"), 10, 64)
	if err != nil {
		return "", errNotFoundPage
	}
	return "removed", s.oncall.DeleteOverride(r.Context(), oid)
}
