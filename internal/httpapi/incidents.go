package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// incidentRef parses the {ref} path parameter: "INC-4", "inc-4" or "4".
func incidentRef(r *http.Request) (int64, error) {
	v := r.PathValue("ref")
	n, err := incident.ParseRef(v)
	if err != nil {
		return 0, &apperr.Error{Code: apperr.CodeNotFound,
			Message: "there is no incident " + strconv.Quote(v) + "; incident ids look like INC-42"}
	}
	return n, nil
}

// writeIncident answers one incident with its ETag.
func (s *server) writeIncident(w http.ResponseWriter, r *http.Request, status int, inc *incident.Incident) error {
	w.Header().Set("ETag", etag(inc.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/incidents/"+inc.Ref())
	}
	return writeJSON(w, status, s.viewIncident(r.Context(), inc))
}

// postIncident declares an incident.
func (s *server) postIncident(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[incident.DeclareInput](w, r)
	if err != nil {
		return err
	}
	inc, err := s.inc.Declare(r.Context(), in)
	if err != nil {
		return err
	}
	return s.writeIncident(w, r, http.StatusCreated, inc)
}

// incidentList is one page of incidents, newest first.
type incidentList struct {
	Incidents []incidentView `json:"incidents"`
	Next      string         `json:"next,omitempty"` // pass as ?cursor= for the following page; absent at the end
}

// timeline is every event of an incident, oldest first.
type timeline struct {
	Ref    string           `json:"ref"`
	Events []incident.Event `json:"events"`
}

// severityList is the severity scale, most severe first.
type severityList struct {
	Severities incident.Scale `json:"severities"`
}

// listQuery is the query of GET /incidents.
var listQuery = []string{"stage", "severity", "service", "q", "open", "limit", "cursor"}

// listIncidents returns a page of incidents, newest first.
func (s *server) listIncidents(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, listQuery...); err != nil {
		return err
	}
	q := r.URL.Query()
	f := incident.Filter{
		Service: strings.TrimSpace(q.Get("service")),
		Query:   strings.TrimSpace(q.Get("q")),
		Cursor:  strings.TrimSpace(q.Get("cursor")),
	}
	for _, st := range splitList(q["stage"]) {
		f.Stages = append(f.Stages, incident.Stage(strings.ToLower(st)))
	}
	f.Severities = splitList(q["severity"])
	if v := q.Get("open"); v != "" {
		open, err := strconv.ParseBool(v)
		if err != nil {
			return apperr.Invalid("open", "must be true or false, not %q", v)
		}
		f.Open = open
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apperr.Invalid("limit", "must be a number from 1 to 200, not %q", v)
		}
		f.Limit = n
	}
	page, err := s.inc.List(r.Context(), f)
	if err != nil {
		return err
	}
	views := s.viewIncidents(r.Context(), page.Incidents)
	return writeJSON(w, http.StatusOK, incidentList{views, page.Next})
}

// splitList flattens repeated and comma-separated values: ?stage=fix&stage=detect,resolved.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// getIncident returns one incident; If-None-Match with its ETag gives 304.
func (s *server) getIncident(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	inc, err := s.inc.Get(r.Context(), n)
	if err != nil {
		return err
	}
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag(inc.Version)) {
		w.Header().Set("ETag", etag(inc.Version))
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return s.writeIncident(w, r, http.StatusOK, inc)
}

// patchBody is PATCH /incidents/{ref}: the fields to change and, instead of
// If-Match, the version they are based on.
type patchBody struct {
	incident.Patch
	Version *int64 `json:"version"`
}

// patchIncident changes fields of an incident.
func (s *server) patchIncident(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[patchBody](w, r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, body.Version)
	if err != nil {
		return err
	}
	inc, err := s.inc.Update(r.Context(), n, version, body.Patch)
	if err != nil {
		return err
	}
	return s.writeIncident(w, r, http.StatusOK, inc)
}

// stageBody is POST /incidents/{ref}/stage.
type stageBody struct {
	Stage   incident.Stage `json:"stage"`
	Reason  string         `json:"reason"`
	Version *int64         `json:"version"`
}

// postStage moves an incident to another stage.
func (s *server) postStage(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[stageBody](w, r)
	if err != nil {
		return err
	}
	if strings.TrimSpace(string(body.Stage)) == "" {
		return apperr.Invalid("stage", "is required: one of detect, fix, resolved, improve, closed, dismissed")
	}
	version, err := ifMatchVersion(r, body.Version)
	if err != nil {
		return err
	}
	stage := incident.Stage(strings.ToLower(strings.TrimSpace(string(body.Stage))))
	inc, err := s.inc.ChangeStage(r.Context(), n, version, stage, body.Reason)
	if err != nil {
		return err
	}
	return s.writeIncident(w, r, http.StatusOK, inc)
}

// roleBody is POST /incidents/{ref}/roles: the person is named by id or handle.
type roleBody struct {
	Role    incident.Role `json:"role"`
	UserID  *int64        `json:"user_id"`
	Handle  string        `json:"handle"`
	Version *int64        `json:"version"`
}

// postRole gives a role to a person.
func (s *server) postRole(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[roleBody](w, r)
	if err != nil {
		return err
	}
	if body.Role == "" {
		return apperr.Invalid("role", "is required: one of incident_manager, first_responder, domain_expert, communications_manager")
	}
	version, err := ifMatchVersion(r, body.Version)
	if err != nil {
		return err
	}
	var userID int64
	switch {
	case body.UserID != nil && body.Handle != "":
		return apperr.Invalid("user_id", "name the person by user_id or by handle, not both")
	case body.UserID != nil:
		if *body.UserID <= 0 {
			return apperr.Invalid("user_id", "must be a positive user id")
		}
		userID = *body.UserID
	case strings.TrimSpace(body.Handle) != "":
		u, err := s.auth.UserByHandle(r.Context(), body.Handle)
		if apperr.Is(err, apperr.CodeNotFound) {
			return apperr.Invalid("handle", "there is no user with the handle %q", body.Handle)
		}
		if err != nil {
			return err
		}
		userID = u.ID
	default:
		return apperr.Invalid("user_id", "name the person who takes the role, by user_id or handle")
	}
	inc, err := s.inc.AssignRole(r.Context(), n, version, incident.Role(strings.ToLower(string(body.Role))), userID)
	if err != nil {
		if apperr.Is(err, apperr.CodeNotFound) && body.UserID != nil {
			// The person is looked up first: say which of the two is missing.
			if _, gerr := s.inc.Get(r.Context(), n); gerr != nil {
				return gerr
			}
			return apperr.Invalid("user_id", "there is no user with id %d", userID)
		}
		return err
	}
	return s.writeIncident(w, r, http.StatusOK, inc)
}

// deleteRole removes a person (by id or handle) from a role.
func (s *server) deleteRole(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, nil)
	if err != nil {
		return err
	}
	userID, err := s.userIDOf(r, r.PathValue("user"))
	if err != nil {
		return err
	}
	inc, err := s.inc.UnassignRole(r.Context(), n, version, incident.Role(strings.ToLower(r.PathValue("role"))), userID)
	if err != nil {
		return err
	}
	return s.writeIncident(w, r, http.StatusOK, inc)
}

// noteBody is POST /incidents/{ref}/notes.
type noteBody struct {
	Text      string `json:"text"`
	KeyMoment bool   `json:"key_moment"`
}

// postNote appends a note to the timeline; it answers the incident.
func (s *server) postNote(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[noteBody](w, r)
	if err != nil {
		return err
	}
	inc, err := s.inc.AddNote(r.Context(), n, body.Text, body.KeyMoment)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(inc.Version))
	w.Header().Set("Location", Prefix+"/incidents/"+inc.Ref()+"/timeline")
	return writeJSON(w, http.StatusCreated, s.viewIncident(r.Context(), inc))
}

// postKeyMoment marks an earlier note as a key moment for the postmortem.
func (s *server) postKeyMoment(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq <= 0 {
		return apperr.Invalid("seq", "must be the positive sequence number of a note on the timeline, not %q", r.PathValue("seq"))
	}
	inc, err := s.inc.MarkKeyMoment(r.Context(), n, seq)
	if err != nil {
		return err
	}
	return s.writeIncident(w, r, http.StatusOK, inc)
}

// getTimeline returns every event of an incident, oldest first.
func (s *server) getTimeline(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	events, err := s.inc.Timeline(r.Context(), n)
	if err != nil {
		return err
	}
	if events == nil {
		events = []incident.Event{}
	}
	return writeJSON(w, http.StatusOK, timeline{incident.Ref(n), events})
}

// getSeverities returns the severity scale, most severe first.
func (s *server) getSeverities(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, severityList{s.inc.Scale()})
}
