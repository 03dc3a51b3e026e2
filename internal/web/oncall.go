package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// The on-call section: who is on call now (its first screen), a schedule's
// calendar (oncall_calendar.go), the schedule editor (oncall_editor.go) and
// "my shifts" with calendar feeds. Permissions are the oncall service's.

// directory names people and teams on on-call pages.
type directory struct {
	users map[int64]auth.User
	teams map[int64]string
}

func (s *server) directory(ctx context.Context) (directory, error) {
	d := directory{users: map[int64]auth.User{}, teams: map[int64]string{}}
	users, err := s.auth.ListUsers(ctx)
	if err != nil {
		return d, err
	}
	for _, u := range users {
		d.users[u.ID] = u
	}
	teams, err := s.catalog.ListTeams(ctx)
	if err != nil {
		return d, err
	}
	for _, t := range teams {
		d.teams[t.ID] = t.Name
	}
	return d, nil
}

func (d directory) name(id int64) string {
	if id == 0 {
		return "Nobody"
	}
	return nameOf(d.users, id)
}

func (d directory) handle(id int64) string {
	if u, ok := d.users[id]; ok {
		return u.Handle
	}
	return strconv.FormatInt(id, 10)
}

// localTime formats t for a schedule's page, in its zone.
func localTime(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan 15:04") }

func scheduleLoc(sc oncall.Schedule) *time.Location {
	if loc, err := sc.Location(); err == nil {
		return loc
	}
	return time.UTC
}

type nowRow struct {
	ScheduleID int64
	Schedule   string
	Team       string
	TeamID     int64
	UserID     int64
	Who        string
	Initials   string
	Hue        int
	Override   bool
	Since      string
	Until      string
	UntilIn    string
	Next       string
	Zone       string
}

type nowView struct {
	Rows    []nowRow
	Teams   []teamOption
	TeamID  int64
	At      time.Time
	CanEdit bool // may create a schedule (admins, team members)
	Mine    []nowRow
}

type teamOption struct {
	ID   int64
	Name string
}

// hue picks one of twelve colours for a person (classes hue-0…hue-11 in
// oncall.css: the Content-Security-Policy allows no inline styles).
func hue(userID int64) int { return int((userID * 5) % 12) }

// oncallNow is /oncall: who is on call now, per schedule, optionally one team's.
func (s *server) oncallNow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.directory(ctx)
	if err != nil {
		return err
	}
	v := nowView{At: s.now()}
	v.TeamID, _ = strconv.ParseInt(r.URL.Query().Get("team"), 10, 64)
	cur, err := s.oncall.OnCall(ctx, oncall.Who{TeamID: v.TeamID}, v.At)
	if err != nil {
		return err
	}
	scs, err := s.oncall.Schedules(ctx)
	if err != nil {
		return err
	}
	zone := map[int64]*time.Location{}
	for _, sc := range scs {
		zone[sc.ID] = scheduleLoc(sc)
	}
	me := actor(r).UserID
	for _, c := range cur {
		loc := zone[c.ScheduleID]
		if loc == nil {
			loc = time.UTC
		}
		row := nowRow{ScheduleID: c.ScheduleID, Schedule: c.ScheduleName, TeamID: c.TeamID, Team: d.teams[c.TeamID], UserID: c.UserID,
			Who: d.name(c.UserID), Initials: initials(d.name(c.UserID)), Hue: hue(c.UserID), Override: c.OverrideID != 0,
			Since: localTime(c.Since, loc), Until: c.Until.In(loc).Format("Mon 2 Jan 15:04 MST"), UntilIn: formatDuration(c.Until.Sub(v.At)), Zone: loc.String()}
		if c.NextUserID != 0 {
			row.Next = d.name(c.NextUserID)
		}
		v.Rows = append(v.Rows, row)
		if c.UserID == me && me != 0 {
			v.Mine = append(v.Mine, row)
		}
	}
	for id, name := range d.teams {
		v.Teams = append(v.Teams, teamOption{id, name})
	}
	sortTeams(v.Teams)
	v.CanEdit = actor(r).IsAdmin()
	if !v.CanEdit && actor(r).Can(access.Responder) {
		for _, t := range v.Teams {
			if s.oncall.MayEdit(ctx, t.ID) {
				v.CanEdit = true
				break
			}
		}
	}
	s.render(w, r, http.StatusOK, "oncall", page{Title: "Who is on call", Nav: "oncall", Data: v})
	return nil
}

func sortTeams(ts []teamOption) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Name < ts[j-1].Name; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

type myShift struct {
	ScheduleID int64
	Schedule   string
	From, To   string
	Length     string
	Now        bool
}

type feedRow struct {
	ID       int64
	What     string
	Created  time.Time
	Used     *time.Time
	Schedule int64
}

type myView struct {
	Shifts    []myShift
	Feeds     []feedRow
	Schedules []oncall.Schedule
	NewURL    string // a feed's secret URL, shown once
}

// myShifts is /oncall/my: my shifts of the next four weeks and my feeds.
func (s *server) myShifts(w http.ResponseWriter, r *http.Request) error {
	return s.showMyShifts(w, r, http.StatusOK, nil, "")
}

func (s *server) showMyShifts(w http.ResponseWriter, r *http.Request, status int, b *banner, newURL string) error {
	ctx := r.Context()
	a := actor(r)
	now := s.now()
	v := myView{NewURL: newURL}
	scs, err := s.oncall.Schedules(ctx)
	if err != nil {
		return err
	}
	v.Schedules = scs
	byID := map[int64]oncall.Schedule{}
	for _, sc := range scs {
		byID[sc.ID] = sc
	}
	shifts, err := s.oncall.UserShifts(ctx, a.UserID, now, now.Add(28*24*time.Hour))
	if err != nil {
		return err
	}
	for _, sh := range shifts {
		sc := byID[sh.ScheduleID]
		loc := scheduleLoc(sc)
		v.Shifts = append(v.Shifts, myShift{ScheduleID: sc.ID, Schedule: sc.Name, From: localTime(sh.Start, loc), To: localTime(sh.End, loc) + " " + loc.String(),
			Length: formatDuration(sh.End.Sub(sh.Start)), Now: !sh.Start.After(now)})
	}
	feeds, err := s.oncall.CalendarTokens(ctx)
	if err != nil {
		return err
	}
	for _, f := range feeds {
		what := "My shifts"
		if f.ScheduleID != 0 {
			what = "Schedule " + byID[f.ScheduleID].Name
		}
		v.Feeds = append(v.Feeds, feedRow{ID: f.ID, What: what, Created: f.CreatedAt, Used: f.UsedAt, Schedule: f.ScheduleID})
	}
	s.render(w, r, status, "oncall_my", page{Title: "My shifts", Nav: "oncall", Banner: b, Data: v})
	return nil
}

func (s *server) feedURL(r *http.Request, token string) string {
	base := s.publicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	return base + oncall.FeedPath + token + ".ics"
}

// createFeed makes a calendar feed URL (mine, or a schedule's) and shows it once.
func (s *server) createFeed(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("schedule_id"), 10, 64)
	token, _, err := s.oncall.NewCalendarToken(r.Context(), id)
	if err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) && !apperr.Is(err, apperr.CodeNotFound) {
			return err
		}
		return s.showMyShifts(w, r, http.StatusUnprocessableEntity, &banner{Kind: "error", Message: s.messageOf(r, err)}, "")
	}
	return s.showMyShifts(w, r, http.StatusOK, &banner{Kind: "ok", Message: "Calendar feed created. Copy its address now: it is shown only once."}, s.feedURL(r, token))
}

// feedAction revokes or rotates a feed.
func (s *server) feedAction(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	if r.PathValue("action") == "rotate" {
		token, _, err := s.oncall.RotateCalendarToken(r.Context(), id)
		if err != nil {
			return err
		}
		return s.showMyShifts(w, r, http.StatusOK, &banner{Kind: "ok", Message: "The old address no longer works. Copy the new one now."}, s.feedURL(r, token))
	}
	if err := s.oncall.RevokeCalendarToken(r.Context(), id); err != nil {
		return err
	}
	return s.showMyShifts(w, r, http.StatusOK, &banner{Kind: "ok", Message: "Calendar feed revoked."}, "")
}
