package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// incidentView is everything the incident page shows.
type incidentView struct {
	Inc           *incident.Incident
	Pages         []pageRow // who was paged for it: incident_pages.go
	Ref           string
	Severity      incident.Severity
	Open          bool
	DurationLabel string // "Open for" or "Lasted"
	Duration      string
	Next          []stageAction
	Steps         []step
	Roles         []roleRow
	People        []person // who can be appointed: enabled responders and admins
	Timeline      []eventView
	KeyMoments    int
	Counts        []countView
	Labels        []labelView
	Edit          editForm
	EditOpen      bool // the edit form starts open (it failed and keeps what was typed)
	NoteText      string
	Scale         incident.Scale
	Services      []string // every service name in the catalog, for the edit form
	CanAct        bool     // the actor may change things at all (responder)
	CanEdit       bool     // … and the incident is still open to changes
	CanAppoint    bool     // … and leads it or is an admin
	InvolvedNames []string
}

// step is one stage of the process in the progress bar of the header.
type step struct {
	Label string
	State string // "done", "current" or "todo"
	At    *time.Time
}

// steps shows where the incident stands in Detect → Fix → Resolved →
// Improve → Closed. A dismissed incident shows Detect, then Dismissed.
func steps(inc *incident.Incident) []step {
	t := inc.Times
	if inc.Stage == incident.Dismissed {
		return []step{{"Detect", "done", t.Detected}, {"Dismissed", "current", t.Dismissed}}
	}
	order := []incident.Stage{incident.Detect, incident.Fix, incident.Resolved, incident.Improve, incident.Closed}
	at := []*time.Time{t.Detected, t.Fixing, t.Resolved, t.Improve, t.Closed}
	cur := slices.Index(order, inc.Stage)
	out := make([]step, len(order))
	for i, st := range order {
		state := "todo"
		switch {
		case i < cur:
			state = "done"
		case i == cur:
			state = "current"
		}
		out[i] = step{Label: st.Label(), State: state, At: at[i]}
	}
	return out
}

// stageAction is a button that moves the incident to another stage.
type stageAction struct {
	To          incident.Stage
	Label       string
	Hint        string
	Style       string // "primary", "danger" or ""
	NeedsReason bool
}

// roleRow is one role on the incident page with its holders.
type roleRow struct {
	Role       incident.Role
	Label      string
	Hint       string
	Many       bool
	Holders    []holder
	CanTake    bool // the actor may take it (vacant, taken for oneself)
	CanAppoint bool
}

type holder struct {
	ID        int64
	Name      string
	Handle    string
	Me        bool
	CanRemove bool
}

type person struct {
	ID     int64
	Name   string
	Handle string
}

type countView struct {
	Count int64
	Kind  string
}

type labelView struct{ Key, Value string }

// incidentPage answers GET /incidents/{ref}.
func (s *server) incidentPage(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	return s.showIncident(w, r, n, http.StatusOK, nil, nil)
}

// refParam reads the {ref} path value: INC-42, inc-42 or 42.
func refParam(r *http.Request) (int64, error) {
	n, err := incident.ParseRef(r.PathValue("ref"))
	if err != nil {
		return 0, apperr.NotFound("incident " + r.PathValue("ref"))
	}
	return n, nil
}

// showIncident renders the incident page with status and an optional
// banner; adjust, when given, changes the view before rendering (to keep a
// failed form's input).
func (s *server) showIncident(w http.ResponseWriter, r *http.Request, n int64, status int, b *banner, adjust func(*incidentView)) error {
	v, err := s.incidentView(r, n)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(v)
	}
	s.render(w, r, status, "incident", page{Title: v.Ref + " · " + v.Inc.Title, Nav: "incidents", Banner: b, Data: v})
	return nil
}

func (s *server) incidentView(r *http.Request, n int64) (*incidentView, error) {
	ctx := r.Context()
	a := actor(r)
	inc, err := s.inc.Get(ctx, n)
	if err != nil {
		return nil, err
	}
	events, err := s.inc.Timeline(ctx, n)
	if err != nil {
		return nil, err
	}
	users, err := s.auth.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	services, err := s.serviceNames(r)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]auth.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	now := s.now()
	v := &incidentView{
		Inc:      s.withChatLinks(ctx, inc), // slack.go: the channel and call link kept beside it
		Ref:      inc.Ref(),
		Open:     inc.Stage.Open(),
		Duration: formatDuration(inc.Duration(now)),
		Scale:    s.inc.Scale(),
		Services: services,
		Edit:     editFormOf(inc),
	}
	for _, name := range inc.Services {
		if !slices.Contains(v.Services, name) {
			v.Services = append(v.Services, name) // gone from the catalog, still named here
		}
	}
	v.Severity, _ = v.Scale.Lookup(inc.Severity)
	v.Severity.Name = inc.Severity
	v.DurationLabel = "Lasted"
	if inc.Times.Resolved == nil && inc.Stage != incident.Dismissed {
		v.DurationLabel = "Open for"
	}
	changeable := inc.Stage != incident.Closed && inc.Stage != incident.Dismissed
	v.CanAct = a.Can(access.Responder)
	v.CanEdit = v.CanAct && changeable
	v.CanAppoint = v.CanEdit && (a.IsAdmin() || (a.UserID != 0 && inc.Roles.IncidentManager == a.UserID))
	if v.CanAct {
		v.Next = stageActions(inc.Stage)
	}
	v.Steps = steps(inc)
	for _, u := range users {
		if !u.Disabled && u.Level >= access.Responder {
			v.People = append(v.People, person{ID: u.ID, Name: u.Name, Handle: u.Handle})
		}
	}
	v.Roles = roleRows(inc, a, byID, v.CanEdit, v.CanAppoint)
	v.Timeline, v.KeyMoments = timelineView(events, byID, v.CanAct)
	for _, c := range inc.BlastRadius.Counts {
		v.Counts = append(v.Counts, countView{Count: c.Count, Kind: strings.ReplaceAll(c.Kind, "_", " ")})
	}
	v.Labels = sortedLabels(inc.Labels)
	for _, id := range inc.Involved {
		v.InvolvedNames = append(v.InvolvedNames, nameOf(byID, id))
	}
	if v.Pages, err = s.incidentPages(r, n); err != nil {
		return nil, err
	}
	return v, nil
}

// stageActions are the buttons for the stages the incident may move to,
// in the order people most often want them.
func stageActions(from incident.Stage) []stageAction {
	var out []stageAction
	for _, to := range from.Next() {
		a := stageAction{To: to, Label: "Move to " + to.Label()}
		switch {
		case from == incident.Detect && to == incident.Fix:
			a.Label, a.Hint, a.Style = "Confirm incident → Fix", "It is an incident: start fixing it", "primary"
		case to == incident.Dismissed:
			a.Label, a.Hint, a.Style, a.NeedsReason = "Dismiss", "Not an incident: end here, keeping the reason", "", true
		case to == incident.Resolved:
			a.Label, a.Hint, a.Style = "Resolve", "No more disruption: tell stakeholders, back to regular work", "primary"
		case from == incident.Resolved && to == incident.Fix:
			a.Label, a.Hint, a.Style = "Reopen", "The disruption is back: return to Fix", "danger"
		case to == incident.Improve:
			a.Label, a.Hint, a.Style = "Start Improve", "Learn from it: begin the postmortem", "primary"
		case to == incident.Closed:
			a.Label, a.Hint, a.Style = "Close", "The postmortem is published", "primary"
		}
		out = append(out, a)
	}
	return out
}

// roleHints say in one line what each role does (from the process).
var roleHints = map[incident.Role]string{
	incident.IncidentManager:       "Drives the incident, coordinates, appoints the others",
	incident.FirstResponder:        "Reacted first to the alert or report",
	incident.DomainExpert:          "Analyses and mitigates",
	incident.CommunicationsManager: "Writes internal and external updates",
}

func roleRows(inc *incident.Incident, a access.Actor, users map[int64]auth.User, canEdit, canAppoint bool) []roleRow {
	var rows []roleRow
	for _, role := range incident.AllRoles {
		row := roleRow{Role: role, Label: role.Label(), Hint: roleHints[role], Many: role == incident.DomainExpert, CanAppoint: canAppoint}
		var ids []int64
		switch role {
		case incident.IncidentManager:
			ids = nonZero(inc.Roles.IncidentManager)
		case incident.FirstResponder:
			ids = nonZero(inc.Roles.FirstResponder)
		case incident.CommunicationsManager:
			ids = nonZero(inc.Roles.CommunicationsManager)
		case incident.DomainExpert:
			ids = inc.Roles.DomainExperts
		}
		for _, id := range ids {
			u := users[id]
			row.Holders = append(row.Holders, holder{
				ID: id, Name: nameOf(users, id), Handle: u.Handle, Me: id == a.UserID,
				CanRemove: canEdit && (canAppoint || id == a.UserID),
			})
		}
		vacant := len(ids) == 0
		row.CanTake = canEdit && vacant && a.UserID != 0 && (role == incident.IncidentManager || role == incident.FirstResponder)
		rows = append(rows, row)
	}
	return rows
}

func nonZero(id int64) []int64 {
	if id == 0 {
		return nil
	}
	return []int64{id}
}

// nameOf is a user's name for people, or a placeholder for an unknown id.
func nameOf(users map[int64]auth.User, id int64) string {
	if u, ok := users[id]; ok {
		if u.Name != "" {
			return u.Name
		}
		return u.Handle
	}
	if id == 0 {
		return "Firebreak"
	}
	return "a former user"
}

// serviceNames lists the catalog's services by name.
func (s *server) serviceNames(r *http.Request) ([]string, error) {
	svcs, err := s.catalog.ListServices(r.Context())
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(svcs))
	for _, sv := range svcs {
		names = append(names, sv.Name)
	}
	return names, nil
}
