package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// pmListView is the postmortem list.
type pmListView struct {
	Rows   []pmListRow
	Status string
}

type pmListRow struct {
	*postmortem.Postmortem
	Ref string
}

// postmortemList lists postmortems, newest incident first.
func (s *server) postmortemList(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	list, err := s.pm.List(r.Context(), postmortem.Status(status), 200)
	if err != nil {
		return err
	}
	v := pmListView{Status: status}
	for _, p := range list {
		v.Rows = append(v.Rows, pmListRow{Postmortem: p, Ref: incident.Ref(p.Number)})
	}
	s.render(w, r, http.StatusOK, "postmortems", page{Title: "Postmortems", Nav: "postmortems", Data: v})
	return nil
}

// pmEditView is the editor.
type pmEditView struct {
	Ref      string
	Doc      *postmortem.Doc
	Body     string // as typed
	Version  int64  // the version the editor started from
	Note     string
	Preview  template.HTML
	Warnings []postmortem.Warning
}

func (s *server) postmortemEdit(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	doc, err := s.pm.Get(r.Context(), n)
	if err != nil {
		return err
	}
	v := pmEditView{Ref: incident.Ref(n), Doc: doc, Body: doc.Body, Version: doc.Version, Preview: postmortem.Render(doc.Body), Warnings: postmortem.Blameless(doc.Body, doc.Facts.Involved)}
	s.render(w, r, http.StatusOK, "postmortem_edit", page{Title: "Edit postmortem " + v.Ref, Nav: "postmortems", Data: v})
	return nil
}

// postmortemPreview renders the preview fragment (htmx) of the editor.
func (s *server) postmortemPreview(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	doc, err := s.pm.Get(r.Context(), n)
	if err != nil {
		return err
	}
	body := r.PostFormValue("body")
	v := pmEditView{Ref: incident.Ref(n), Doc: doc, Body: body, Preview: postmortem.Render(body), Warnings: postmortem.Blameless(body, doc.Facts.Involved)}
	s.renderPart(w, r, "postmortem_edit", "pm-preview", v)
	return nil
}

// postmortemSave saves the editor; a stale version re-shows the editor with
// what was typed, the message, and the current version to merge from.
func (s *server) postmortemSave(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	body, note := r.PostFormValue("body"), r.PostFormValue("note")
	_, err = s.pm.Edit(r.Context(), n, version, body, note)
	if err == nil {
		http.Redirect(w, r, "/postmortems/"+incident.Ref(n), http.StatusSeeOther)
		return nil
	}
	if !onForm(err) {
		return err
	}
	doc, gerr := s.pm.Get(r.Context(), n)
	if gerr != nil {
		return gerr
	}
	v := pmEditView{Ref: incident.Ref(n), Doc: doc, Body: body, Version: version, Note: note, Preview: postmortem.Render(body), Warnings: postmortem.Blameless(body, doc.Facts.Involved)}
	s.render(w, r, statusOf(apperr.CodeOf(err)), "postmortem_edit", page{Title: "Edit postmortem " + v.Ref, Nav: "postmortems",
		Banner: &banner{Kind: "error", Message: s.messageOf(r, err)}, Data: v})
	return nil
}

// pmVersionsView is the version history, with one version's diff.
type pmVersionsView struct {
	Ref      string
	Versions []postmortem.Version
	Shown    *postmortem.Version
	Diff     []postmortem.DiffLine
}

func (s *server) postmortemVersions(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	vs, err := s.pm.Versions(r.Context(), n)
	if err != nil {
		return err
	}
	v := pmVersionsView{Ref: incident.Ref(n), Versions: vs}
	if len(vs) > 0 {
		want := vs[len(vs)-1].Version
		if q, err := strconv.ParseInt(r.URL.Query().Get("v"), 10, 64); err == nil {
			want = q
		}
		for i := range vs {
			if vs[i].Version == want {
				v.Shown = &vs[i]
				prev := ""
				if i > 0 {
					prev = vs[i-1].Body
				}
				v.Diff = postmortem.Diff(prev, vs[i].Body)
			}
		}
	}
	s.render(w, r, http.StatusOK, "postmortem_versions", page{Title: "History of postmortem " + v.Ref, Nav: "postmortems", Data: v})
	return nil
}

// pmWhy is one "why?" of the form.
type pmWhy struct {
	N    int
	Text string
}

// pmFormView is the 5-Why form.
type pmFormView struct {
	Ref     string
	Inc     *incident.Incident
	Form    *postmortem.Form
	Whys    []pmWhy // always MaxWhys entries
	Meeting *postmortem.Meeting
	Closed  bool
}

func (s *server) postmortemForm(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	return s.showForm(w, r, n, http.StatusOK, nil, nil)
}

func (s *server) showForm(w http.ResponseWriter, r *http.Request, n int64, status int, b *banner, typed *postmortem.Form) error {
	inc, err := s.inc.Get(r.Context(), n)
	if err != nil {
		return err
	}
	f, err := s.pm.MyForm(r.Context(), n)
	if err != nil {
		return err
	}
	if typed != nil {
		f.Saw, f.Did, f.Whys = typed.Saw, typed.Did, typed.Whys
	}
	v := pmFormView{Ref: inc.Ref(), Inc: inc, Form: f}
	for i := range postmortem.MaxWhys {
		w := pmWhy{N: i + 1}
		if i < len(f.Whys) {
			w.Text = f.Whys[i]
		}
		v.Whys = append(v.Whys, w)
	}
	if m, err := s.pm.Meeting(r.Context(), n); err == nil {
		v.Meeting, v.Closed = m, m.EndedAt != nil
	}
	s.render(w, r, status, "postmortem_form", page{Title: "5 Whys for " + v.Ref, Nav: "postmortems", Banner: b, Data: v})
	return nil
}

func (s *server) postmortemFormSave(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	in := postmortem.FormInput{Saw: r.PostFormValue("saw"), Did: r.PostFormValue("did"), Whys: r.PostForm["why"]}
	submit := r.PostFormValue("submit") == "1"
	_, err = s.pm.SaveForm(r.Context(), n, in, submit)
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showForm(w, r, n, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)},
			&postmortem.Form{Saw: in.Saw, Did: in.Did, Whys: in.Whys})
	}
	msg := "Draft saved. Submit it when you are done."
	if submit {
		msg = "Submitted. Thank you — the Incident Manager sees your answers next to the others'."
	}
	return s.showForm(w, r, n, http.StatusOK, &banner{Kind: "ok", Message: msg}, nil)
}

// pmAnswersView is the answers side by side.
type pmAnswersView struct {
	Ref     string
	A       *postmortem.Answers
	Version int64
}

func (s *server) postmortemAnswers(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	a, err := s.pm.Answers(r.Context(), n)
	if err != nil {
		return err
	}
	doc, err := s.pm.Get(r.Context(), n)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "postmortem_answers", page{Title: "5-Why answers for " + incident.Ref(n), Nav: "postmortems",
		Data: pmAnswersView{Ref: incident.Ref(n), A: a, Version: doc.Version}})
	return nil
}

// pmMeetingView is the meeting view.
type pmMeetingView struct {
	*pmView
	Agenda []string
	End    time.Time // when the timebox runs out
}

// Postmortem is the postmortem page's data, for the parts both pages share.
func (v pmMeetingView) Postmortem() *pmView { return v.pmView }

func (s *server) postmortemMeeting(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	return s.showMeeting(w, r, n, http.StatusOK, nil)
}

func (s *server) showMeeting(w http.ResponseWriter, r *http.Request, n int64, status int, b *banner) error {
	pv, err := s.pmData(r, n)
	if err != nil {
		return err
	}
	if pv.Meeting == nil {
		return apperr.NotFound("the meeting of " + pv.Ref + " (the Incident Manager schedules it on the postmortem page)")
	}
	pv.From = "meeting"
	v := pmMeetingView{pmView: pv, Agenda: postmortem.Agenda(pv.Doc.Body)}
	if pv.Meeting.StartedAt != nil {
		v.End = pv.Meeting.StartedAt.Add(time.Duration(pv.Meeting.Minutes) * time.Minute)
	}
	s.render(w, r, status, "postmortem_meeting", page{Title: "Meeting " + pv.Ref, Nav: "postmortems", Banner: b, Data: v})
	return nil
}

// pmMeetingAction is a meeting-view change: back to the meeting view, or
// the view with the message.
func (s *server) pmMeetingAction(fn func(r *http.Request, n int64) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		n, err := refParam(r)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalid("", "the form could not be read")
		}
		if err := fn(r, n); err != nil {
			if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
				return err
			}
			return s.showMeeting(w, r, n, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
		}
		http.Redirect(w, r, "/postmortems/"+incident.Ref(n)+"/meeting", http.StatusSeeOther)
		return nil
	}
}

func (s *server) pmStart(r *http.Request, n int64) error {
	_, err := s.pm.StartMeeting(r.Context(), n)
	return err
}

func (s *server) pmEnd(r *http.Request, n int64) error {
	_, err := s.pm.EndMeeting(r.Context(), n)
	return err
}

func (s *server) pmNotes(r *http.Request, n int64) error {
	_, err := s.pm.SaveNotes(r.Context(), n, pmInt(r, "version"), r.PostFormValue("notes"))
	return err
}

// pmActionsView is the action-item list.
type pmActionsView struct {
	Rows   []pmItemRow
	Filter string // mine, open, overdue, all
}

func (s *server) actionList(w http.ResponseWriter, r *http.Request) error {
	filter := r.URL.Query().Get("filter")
	if filter == "" {
		filter = "mine"
	}
	f := postmortem.ItemFilter{Open: filter != "all"}
	if filter == "mine" {
		f.OwnerID = actor(r).UserID
		if f.OwnerID == 0 {
			f.OwnerID = -1
		}
	}
	items, err := s.pm.Items(r.Context(), f)
	if err != nil {
		return err
	}
	names, _, err := s.pmNames(r)
	if err != nil {
		return err
	}
	teams, err := s.catalog.ListTeams(r.Context())
	if err != nil {
		return err
	}
	rows := s.pmItemRows(items, names, teams, s.now())
	if filter == "overdue" {
		var od []pmItemRow
		for _, row := range rows {
			if row.Overdue {
				od = append(od, row)
			}
		}
		rows = od
	}
	s.render(w, r, http.StatusOK, "actions", page{Title: "Action items", Nav: "postmortems", Data: pmActionsView{Rows: rows, Filter: filter}})
	return nil
}

// actionDone marks an item done from the list or a postmortem page.
func (s *server) actionDone(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	if _, err := s.pm.Done(r.Context(), id); err != nil {
		return err
	}
	back := r.PostFormValue("back")
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
		back = "/actions"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// pmSLOView is the process SLO page.
type pmSLOView struct {
	S                postmortem.SLOs
	Within, Priority string // the policy's windows in words
	Teams            []pmTeamCount
}

type pmTeamCount struct {
	Team  string
	Count int
}

func (s *server) postmortemSLOs(w http.ResponseWriter, r *http.Request) error {
	slo, err := s.pm.SLOs(r.Context(), 0)
	if err != nil {
		return err
	}
	p := s.pm.Policy()
	v := pmSLOView{S: slo, Within: postmortem.Spoken(p.MeetingWithin), Priority: postmortem.Spoken(p.PriorityWithin)}
	for t, c := range slo.OverdueByTeam {
		if t == "" {
			t = "No team"
		}
		v.Teams = append(v.Teams, pmTeamCount{Team: t, Count: c})
	}
	s.render(w, r, http.StatusOK, "postmortem_slos", page{Title: "Postmortem process", Nav: "postmortems", Data: v})
	return nil
}

// pmTemplatesView is the template settings.
type pmTemplatesView struct {
	Templates []postmortem.Template
	IsAdmin   bool
}

func (s *server) postmortemTemplates(w http.ResponseWriter, r *http.Request) error {
	return s.showPMTemplates(w, r, http.StatusOK, nil)
}

func (s *server) showPMTemplates(w http.ResponseWriter, r *http.Request, status int, b *banner) error {
	ts, err := s.pm.Templates(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, status, "postmortem_templates", page{Title: "Postmortem templates", Nav: "settings", Banner: b,
		Data: pmTemplatesView{Templates: ts, IsAdmin: actor(r).IsAdmin()}})
	return nil
}

func (s *server) savePMTemplate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	id := pmInt(r, "id")
	var err error
	if r.PostFormValue("delete") != "" && id != 0 {
		err = s.pm.DeleteTemplate(r.Context(), id)
	} else {
		_, err = s.pm.SaveTemplate(r.Context(), postmortem.Template{ID: id, Name: r.PostFormValue("name"), Body: r.PostFormValue("body"), Default: r.PostFormValue("default") != ""})
	}
	if err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
			return err
		}
		return s.showPMTemplates(w, r, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/settings/postmortem-templates", http.StatusSeeOther)
	return nil
}

// postmortemLive streams a "changed" event after each change of a
// postmortem (its document, meeting, forms, items or review).
func (s *server) postmortemLive(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	signals, cancel := s.hub.Subscribe(postmortem.Topic(n))
	defer cancel()
	var count int64
	s.stream(w, r, signals, false, func() (int64, error) { count++; return count, nil })
	return nil
}
