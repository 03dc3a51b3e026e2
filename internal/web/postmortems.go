package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// The Improve stage in the UI: the postmortem page (the document, its
// review, the meeting, the 5-Why forms and the action items), the editor
// with preview, version history, the 5-Why form, the answers side by side,
// the meeting view, the action-item list and the process SLOs. The
// postmortem service decides who may do what; these handlers show it.

// pmView is the data of the postmortem page.
type pmView struct {
	Doc        *postmortem.Doc
	Ref        string
	Inc        *incident.Incident
	HTML       template.HTML
	Warnings   []postmortem.Warning
	Meeting    *postmortem.Meeting
	Deadline   *time.Time // the latest start the policy allows
	Review     *postmortem.Review
	Reviewers  []pmReviewerRow
	Items      []pmItemRow
	Forms      []pmFormRow
	Users      []auth.User
	Teams      []catalog.Team
	IsIM       bool // the actor runs the process (IM, admin, or any responder when there is no IM)
	Involved   bool // the actor has a 5-Why form
	IsReviewer bool
	MayWaive   bool
	Policy     postmortem.Policy
	Now        time.Time
	DefaultDue time.Time // for a new important+urgent item
	From       string    // "meeting" when shown in the meeting view (the item form returns there)
	MaxMeeting string    // the timebox in words
	CanEdit    bool      // the actor may change action items (a responder)
	// ItemStatuses are the statuses an action item may take.
	ItemStatuses []postmortem.ItemStatus
}

type pmReviewerRow struct {
	Name    string
	State   postmortem.ReviewState
	Version int64
}

type pmItemRow struct {
	postmortem.ActionItem
	Owner   string
	Team    string
	Overdue bool
}

type pmFormRow struct {
	Name      string
	Submitted bool
	Started   bool
}

// pmNames maps user ids to names for the views.
func (s *server) pmNames(r *http.Request) (map[int64]auth.User, []auth.User, error) {
	users, err := s.auth.ListUsers(r.Context())
	if err != nil {
		return nil, nil, err
	}
	m := make(map[int64]auth.User, len(users))
	for _, u := range users {
		m[u.ID] = u
	}
	return m, users, nil
}

// pmData gathers the postmortem page.
func (s *server) pmData(r *http.Request, n int64) (*pmView, error) {
	ctx := r.Context()
	doc, err := s.pm.Get(ctx, n)
	if err != nil {
		return nil, err
	}
	inc, err := s.inc.Get(ctx, n)
	if err != nil {
		return nil, err
	}
	names, users, err := s.pmNames(r)
	if err != nil {
		return nil, err
	}
	teams, err := s.catalog.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	a := actor(r)
	now := s.now()
	v := &pmView{Doc: doc, Ref: inc.Ref(), Inc: inc, HTML: postmortem.Render(doc.Body), Warnings: postmortem.Blameless(doc.Body, doc.Facts.Involved),
		Users: users, Teams: teams, Policy: s.pm.Policy(), Now: now, MaxMeeting: postmortem.Spoken(s.pm.Policy().MaxMeeting), Involved: slices.Contains(inc.Involved, a.UserID)}
	v.CanEdit, v.ItemStatuses = a.Can(access.Responder), []postmortem.ItemStatus{postmortem.ItemOpen, postmortem.ItemInProgress, postmortem.ItemDone, postmortem.ItemWontDo}
	v.IsIM = a.IsAdmin() || a.UserID == inc.Roles.IncidentManager || (inc.Roles.IncidentManager == 0 && a.Can(access.Responder))
	v.MayWaive = v.IsIM && s.pm.Policy().MayWaive(inc.Severity) && doc.Status != postmortem.Published && doc.Status != postmortem.Waived
	if inc.Times.Resolved != nil {
		d := s.pm.Policy().MeetingDeadline(*inc.Times.Resolved)
		v.Deadline = &d
	}
	if m, err := s.pm.Meeting(ctx, n); err == nil {
		v.Meeting = m
	} else if !apperr.Is(err, apperr.CodeNotFound) {
		return nil, err
	}
	v.DefaultDue = s.pm.Policy().DefaultDue(v.Meeting, now)
	rv, err := s.pm.Review(ctx, n)
	if err != nil {
		return nil, err
	}
	v.Review = rv
	for _, rr := range rv.Reviewers {
		v.Reviewers = append(v.Reviewers, pmReviewerRow{Name: names[rr.UserID].Name, State: rr.State, Version: rr.ApprovedVersion})
		if rr.UserID == a.UserID {
			v.IsReviewer = true
		}
	}
	items, err := s.pm.Items(ctx, postmortem.ItemFilter{Number: n})
	if err != nil {
		return nil, err
	}
	v.Items = s.pmItemRows(items, names, teams, now)
	if v.IsIM {
		if ans, err := s.pm.Answers(ctx, n); err == nil {
			for i, p := range ans.People {
				f := ans.Forms[i]
				v.Forms = append(v.Forms, pmFormRow{Name: p.Name, Submitted: f.Submitted(), Started: !f.CreatedAt.IsZero()})
			}
		}
	}
	return v, nil
}

func (s *server) pmItemRows(items []postmortem.ActionItem, names map[int64]auth.User, teams []catalog.Team, now time.Time) []pmItemRow {
	var out []pmItemRow
	for _, it := range items {
		row := pmItemRow{ActionItem: it, Owner: names[it.OwnerID].Name, Overdue: it.Overdue(now)}
		for _, t := range teams {
			if t.ID == it.TeamID {
				row.Team = t.Name
			}
		}
		out = append(out, row)
	}
	return out
}

// postmortemPage shows a postmortem.
func (s *server) postmortemPage(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	return s.showPostmortem(w, r, n, http.StatusOK, nil)
}

func (s *server) showPostmortem(w http.ResponseWriter, r *http.Request, n int64, status int, b *banner) error {
	v, err := s.pmData(r, n)
	if err != nil {
		if apperr.Is(err, apperr.CodeNotFound) {
			return s.pmMissing(w, r, n)
		}
		return err
	}
	s.render(w, r, status, "postmortem", page{Title: "Postmortem " + v.Ref, Nav: "postmortems", Banner: b, Data: v})
	return nil
}

// pmMissing explains why an incident has no postmortem yet.
func (s *server) pmMissing(w http.ResponseWriter, r *http.Request, n int64) error {
	inc, err := s.inc.Get(r.Context(), n)
	if err != nil {
		return err
	}
	msg := inc.Ref() + " is in " + inc.Stage.Label() + ". Its postmortem is drafted when it moves to Improve."
	if inc.Stage == incident.Improve || inc.Stage == incident.Closed {
		msg = "The postmortem of " + inc.Ref() + " is being drafted; reload in a moment."
	}
	s.render(w, r, http.StatusNotFound, "notfound", page{Title: "No postmortem yet", Nav: "postmortems", Data: msg})
	return nil
}

// pmAction turns a change into a POST handler: on success it redirects to
// the page the change belongs to (the postmortem page unless fn says
// otherwise); on a refusal it shows the postmortem page with the message.
func (s *server) pmAction(fn func(r *http.Request, n int64) (string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		n, err := refParam(r)
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalid("", "the form could not be read")
		}
		target, err := fn(r, n)
		if err == nil {
			if target == "" {
				target = "/postmortems/" + incident.Ref(n)
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return nil
		}
		code := apperr.CodeOf(err)
		if code == apperr.CodeUnauthenticated || code == apperr.CodeInternal || code == apperr.CodeNotFound {
			return err
		}
		w.Header().Set("HX-Replace-Url", "/postmortems/"+incident.Ref(n))
		return s.showPostmortem(w, r, n, statusOf(code), &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
}

// pmTime reads a datetime-local field (in UTC) or an RFC 3339 time.
func pmTime(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, apperr.Invalid(name, "pick a date and time")
}

func pmInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return n
}

func (s *server) pmSchedule(r *http.Request, n int64) (string, error) {
	start, err := pmTime(r, "start")
	if err != nil {
		return "", err
	}
	_, err = s.pm.Schedule(r.Context(), n, postmortem.MeetingInput{Start: start, Minutes: int(pmInt(r, "minutes")), Location: r.PostFormValue("location")})
	return "", err
}

func (s *server) pmCancelMeeting(r *http.Request, n int64) (string, error) {
	_, err := s.pm.CancelMeeting(r.Context(), n)
	return "", err
}

func (s *server) pmRequestReview(r *http.Request, n int64) (string, error) {
	var ids []int64
	for _, v := range r.PostForm["reviewer"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	_, err := s.pm.RequestReview(r.Context(), n, ids)
	return "", err
}

func (s *server) pmDecide(r *http.Request, n int64) (string, error) {
	_, err := s.pm.Decide(r.Context(), n, postmortem.ReviewState(r.PostFormValue("state")), r.PostFormValue("comment"))
	return "", err
}

func (s *server) pmComment(r *http.Request, n int64) (string, error) {
	_, err := s.pm.Comment(r.Context(), n, r.PostFormValue("body"))
	return "", err
}

func (s *server) pmPublish(r *http.Request, n int64) (string, error) {
	_, err := s.pm.Publish(r.Context(), n)
	return "", err
}

func (s *server) pmWaive(r *http.Request, n int64) (string, error) {
	_, err := s.pm.Waive(r.Context(), n, r.PostFormValue("reason"))
	return "", err
}

func (s *server) pmPull(r *http.Request, n int64) (string, error) {
	_, err := s.pm.PullAnswers(r.Context(), n, pmInt(r, "version"))
	return "", err
}

// pmItemInput reads the action-item form.
func pmItemInput(r *http.Request) (postmortem.ItemInput, error) {
	var in postmortem.ItemInput
	title, desc, po := r.PostFormValue("title"), r.PostFormValue("description"), r.PostFormValue("product_owner")
	in.Title, in.Description, in.ProductOwner = &title, &desc, &po
	owner, team := pmInt(r, "owner_id"), pmInt(r, "team_id")
	in.OwnerID, in.TeamID = &owner, &team
	imp, urg := r.PostFormValue("important") != "", r.PostFormValue("urgent") != ""
	in.Important, in.Urgent = &imp, &urg
	if strings.TrimSpace(r.PostFormValue("due")) != "" {
		due, err := pmTime(r, "due")
		if err != nil {
			return in, err
		}
		in.Due = &due
	}
	var labels []string
	for _, l := range strings.FieldsFunc(r.PostFormValue("labels"), func(c rune) bool { return c == ',' || c == ' ' }) {
		labels = append(labels, l)
	}
	in.Labels = &labels
	return in, nil
}

func (s *server) pmAddItem(r *http.Request, n int64) (string, error) {
	in, err := pmItemInput(r)
	if err != nil {
		return "", err
	}
	_, err = s.pm.AddItem(r.Context(), n, in)
	if r.PostFormValue("from") == "meeting" {
		return "/postmortems/" + incident.Ref(n) + "/meeting#items", err
	}
	return "/postmortems/" + incident.Ref(n) + "#items", err
}

// pmUpdateItem changes an action item from its "Change" form.
func (s *server) pmUpdateItem(r *http.Request, n int64) (string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return "", errNotFoundPage
	}
	st := postmortem.ItemStatus(r.PostFormValue("status"))
	owner, po := pmInt(r, "owner_id"), r.PostFormValue("product_owner")
	in := postmortem.ItemInput{Status: &st, OwnerID: &owner, ProductOwner: &po}
	if strings.TrimSpace(r.PostFormValue("due")) != "" {
		due, err := pmTime(r, "due")
		if err != nil {
			return "", err
		}
		in.Due = &due
	}
	_, err = s.pm.UpdateItem(r.Context(), id, pmInt(r, "version"), in)
	target := "/postmortems/" + incident.Ref(n) + "#items"
	if r.PostFormValue("from") == "meeting" {
		target = "/postmortems/" + incident.Ref(n) + "/meeting#items"
	}
	return target, err
}
