package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// The schedule editor shows the effect before saving: "Preview" computes the
// draft's layers, final timeline and gaps over the next two weeks (with the
// schedule's overrides), and the page shows them with the warnings; "Save"
// stores it. Without JavaScript both are ordinary submits; with htmx the
// preview refreshes in place as fields change.

type layerForm struct {
	Index        int
	Order        int // the position asked for in the stack, from 1 at the top
	Name         string
	People       string // handles in rotation order
	Length       int
	Unit         string
	Handoff      string
	HandoffDay   int
	Start        string
	Restrictions string // one per line
	Blank        bool   // the empty "add a layer" form
}

type weekdayOption struct {
	Value int
	Label string
}

type editorView struct {
	ID          int64
	Version     int64
	Name        string
	Description string
	TeamID      int64
	TimeZone    string
	Teams       []teamOption
	Users       []userOption
	Layers      []layerForm
	LayerCount  int
	Weekdays    []weekdayOption
	Units       []string
	Previewed   bool
	Weeks       []calWeek
	Warnings    []string
	Error       string
}

var weekdays = func() []weekdayOption {
	var out []weekdayOption
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		out = append(out, weekdayOption{int(d), d.String()})
	}
	return out
}()

func (s *server) editorBase(r *http.Request) (editorView, directory, error) {
	d, err := s.directory(r.Context())
	v := editorView{Weekdays: weekdays, Units: []string{string(oncall.Hours), string(oncall.Days), string(oncall.Weeks)}}
	if err != nil {
		return v, d, err
	}
	for id, name := range d.teams {
		v.Teams = append(v.Teams, teamOption{id, name})
	}
	sortTeams(v.Teams)
	for _, u := range d.users {
		if !u.Disabled {
			v.Users = append(v.Users, userOption{u.ID, u.Handle, u.Name})
		}
	}
	sortUsers(v.Users)
	return v, d, nil
}

func formOf(sc oncall.Schedule, d directory) []layerForm {
	var out []layerForm
	for i, l := range sc.Layers {
		r := l.Rotation
		var people []string
		for _, p := range r.Participants {
			people = append(people, d.handle(p))
		}
		var rs []string
		for _, x := range l.Restrictions {
			rs = append(rs, x.String())
		}
		out = append(out, layerForm{Index: i, Name: l.Name, People: strings.Join(people, ", "), Length: r.Length, Unit: string(r.Unit),
			Handoff: r.Handoff.String(), HandoffDay: int(r.HandoffDay), Start: r.Start, Restrictions: strings.Join(rs, "\n")})
	}
	return out
}

func (s *server) withBlankLayer(v *editorView, loc *time.Location) {
	v.Layers = append(v.Layers, layerForm{Index: len(v.Layers), Length: 1, Unit: string(oncall.Weeks), Handoff: "09:00", HandoffDay: int(time.Monday),
		Start: s.now().In(loc).Format(time.DateOnly), Blank: true})
	v.LayerCount = len(v.Layers)
}

// newSchedulePage is the editor of a new schedule.
func (s *server) newSchedulePage(w http.ResponseWriter, r *http.Request) error {
	v, _, err := s.editorBase(r)
	if err != nil {
		return err
	}
	v.TimeZone = "UTC"
	v.TeamID, _ = strconv.ParseInt(r.URL.Query().Get("team"), 10, 64)
	s.withBlankLayer(&v, time.UTC)
	v.Layers[0].Blank = false
	s.render(w, r, http.StatusOK, "schedule_edit", page{Title: "New schedule", Nav: "oncall", Data: v})
	return nil
}

// editSchedulePage is the editor of a stored schedule.
func (s *server) editSchedulePage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	sc, err := s.oncall.Schedule(r.Context(), id)
	if err != nil {
		return err
	}
	v, d, err := s.editorBase(r)
	if err != nil {
		return err
	}
	v.ID, v.Version, v.Name, v.Description, v.TeamID, v.TimeZone = sc.ID, sc.Version, sc.Name, sc.Description, sc.TeamID, sc.TimeZone
	v.Layers = formOf(sc, d)
	s.withBlankLayer(&v, scheduleLoc(sc))
	s.render(w, r, http.StatusOK, "schedule_edit", page{Title: "Edit " + sc.Name, Nav: "oncall", Data: v})
	return nil
}

// readScheduleForm turns the editor's fields into a schedule; the form as
// typed comes back too, to show again.
func (s *server) readScheduleForm(r *http.Request, v *editorView, d directory) (oncall.Schedule, error) {
	f := r.PostForm
	v.ID, _ = strconv.ParseInt(f.Get("id"), 10, 64)
	v.Version, _ = strconv.ParseInt(f.Get("version"), 10, 64)
	v.Name, v.Description, v.TimeZone = f.Get("name"), f.Get("description"), strings.TrimSpace(f.Get("time_zone"))
	v.TeamID, _ = strconv.ParseInt(f.Get("team_id"), 10, 64)
	sc := oncall.Schedule{ID: v.ID, Name: v.Name, Description: v.Description, TeamID: v.TeamID, TimeZone: v.TimeZone, Layers: []oncall.Layer{}}
	byHandle := map[string]int64{}
	for id, u := range d.users {
		byHandle[strings.ToLower(u.Handle)] = id
	}
	n, _ := strconv.Atoi(f.Get("layer_count"))
	if n > oncall.MaxLayers+1 {
		n = oncall.MaxLayers + 1
	}
	var firstErr error
	keep := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	for i := 0; i < n; i++ {
		p := "layer" + strconv.Itoa(i) + "_"
		lf := layerForm{Index: len(v.Layers), Name: f.Get(p + "name"), People: f.Get(p + "people"), Unit: f.Get(p + "unit"),
			Handoff: f.Get(p + "handoff"), Start: f.Get(p + "start"), Restrictions: f.Get(p + "restrictions")}
		lf.Length, _ = strconv.Atoi(f.Get(p + "length"))
		lf.HandoffDay, _ = strconv.Atoi(f.Get(p + "handoff_day"))
		if f.Get(p+"remove") != "" || (strings.TrimSpace(lf.People) == "" && strings.TrimSpace(lf.Name) == "" && f.Get(p+"blank") != "") {
			continue // removed, or the untouched "add a layer" form
		}
		field := "layers[" + strconv.Itoa(lf.Index) + "]"
		l := oncall.Layer{Name: lf.Name, Rotation: oncall.Rotation{Length: lf.Length, Unit: oncall.Unit(lf.Unit), HandoffDay: time.Weekday(lf.HandoffDay), Start: lf.Start}}
		if c, err := oncall.ParseClock(strings.TrimSpace(lf.Handoff)); err == nil {
			l.Rotation.Handoff = c
		} else {
			keep(apperr.Invalid(field+".rotation.handoff", "%v", err))
		}
		for _, h := range strings.FieldsFunc(lf.People, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
			id, ok := byHandle[strings.ToLower(strings.TrimPrefix(h, "@"))]
			if !ok {
				keep(apperr.Invalid(field+".rotation.participants", "there is no user @%s", strings.TrimPrefix(h, "@")))
				continue
			}
			l.Rotation.Participants = append(l.Rotation.Participants, id)
		}
		for _, line := range strings.Split(lf.Restrictions, "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			x, err := oncall.ParseRestriction(line)
			if err != nil {
				keep(apperr.Invalid(field+".restrictions", "%v", err))
				continue
			}
			l.Restrictions = append(l.Restrictions, x)
		}
		lf.Order, _ = strconv.Atoi(f.Get(p + "order"))
		if lf.Order == 0 {
			lf.Order = len(v.Layers) + 1 // the "add a layer" form goes below the others
		}
		v.Layers = append(v.Layers, lf)
		sc.Layers = append(sc.Layers, l)
	}
	// "Position" moves a layer up or down the stack; ties keep the form's order.
	idx := make([]int, len(v.Layers))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v.Layers[idx[a]].Order < v.Layers[idx[b]].Order })
	forms, layers := make([]layerForm, len(idx)), make([]oncall.Layer, len(idx))
	for to, from := range idx {
		forms[to], layers[to] = v.Layers[from], sc.Layers[from]
		forms[to].Index, forms[to].Order = to, to+1
	}
	v.Layers, sc.Layers = forms, layers
	return sc, firstErr
}

// saveSchedule is the editor's submit: preview (show the effect) or save.
func (s *server) saveSchedule(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	ctx := r.Context()
	v, d, err := s.editorBase(r)
	if err != nil {
		return err
	}
	sc, err := s.readScheduleForm(r, &v, d)
	loc := time.UTC
	if l, lerr := time.LoadLocation(v.TimeZone); lerr == nil && v.TimeZone != "" {
		loc = l
	}
	again := func(status int, err error) error {
		if err != nil {
			v.Error = s.messageOf(r, err)
		}
		s.withBlankLayer(&v, loc)
		title := "New schedule"
		if v.ID != 0 {
			title = "Edit " + v.Name
		}
		s.render(w, r, status, "schedule_edit", page{Title: title, Nav: "oncall", Data: v})
		return nil
	}
	if err != nil {
		return again(http.StatusUnprocessableEntity, err)
	}
	if r.PostForm.Get("action") == "preview" {
		now := s.now()
		from := weekStart(now, loc)
		view, warnings, err := s.oncall.Draft(ctx, sc, from, from.AddDate(0, 0, 14))
		if err != nil {
			return again(statusOf(apperr.CodeOf(err)), err)
		}
		v.Previewed, v.Warnings = true, warnings
		v.Weeks = weeksOf(view.Schedule, view, from, from.AddDate(0, 0, 14), d, loc, now)
		return again(http.StatusOK, nil)
	}
	var saved oncall.Saved
	if v.ID == 0 {
		saved, err = s.oncall.CreateSchedule(ctx, sc)
	} else {
		saved, err = s.oncall.UpdateSchedule(ctx, sc, v.Version)
	}
	if err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
			return err
		}
		return again(statusOf(apperr.CodeOf(err)), err)
	}
	http.Redirect(w, r, "/oncall/schedules/"+strconv.FormatInt(saved.Schedule.ID, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}

// deleteScheduleForm deletes a schedule from its editor.
func (s *server) deleteScheduleForm(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	if err := s.oncall.DeleteSchedule(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/oncall", http.StatusSeeOther)
	return nil
}

// Number is the layer's position for people, from 1 at the top.
func (l layerForm) Number() int { return l.Index + 1 }
