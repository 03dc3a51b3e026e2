package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// postmortemView is a postmortem with its facts, its agenda and the
// blameless check's warnings.
type postmortemView struct {
	*postmortem.Doc
	Agenda   []string             `json:"agenda"`
	Warnings []postmortem.Warning `json:"warnings"`
}

func (s *server) writePostmortem(w http.ResponseWriter, r *http.Request, number int64) error {
	doc, err := s.pm.Get(r.Context(), number)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(doc.Version))
	return writeJSON(w, http.StatusOK, postmortemView{Doc: doc, Agenda: postmortem.Agenda(doc.Body), Warnings: warningsOrEmpty(postmortem.Blameless(doc.Body, doc.Facts.Involved))})
}

func warningsOrEmpty(ws []postmortem.Warning) []postmortem.Warning {
	if ws == nil {
		return []postmortem.Warning{}
	}
	return ws
}

// postmortemList is GET /postmortems.
type postmortemList struct {
	Postmortems []*postmortem.Postmortem `json:"postmortems"`
}

func (s *server) listPostmortems(w http.ResponseWriter, r *http.Request) error {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	list, err := s.pm.List(r.Context(), postmortem.Status(r.URL.Query().Get("status")), limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, postmortemList{Postmortems: list})
}

func (s *server) getPostmortem(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	return s.writePostmortem(w, r, n)
}

// pmEditBody is PUT /postmortems/{ref}: the whole new body and the version it was based on.
type pmEditBody struct {
	Body    string `json:"body"`
	Note    string `json:"note"`
	Version *int64 `json:"version"`
}

func (s *server) putPostmortem(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmEditBody](w, r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, body.Version)
	if err != nil {
		return err
	}
	if _, err := s.pm.Edit(r.Context(), n, version, body.Body, body.Note); err != nil {
		return err
	}
	return s.writePostmortem(w, r, n)
}

// pmPreviewBody is POST /postmortems/{ref}/preview.
type pmPreviewBody struct {
	Body string `json:"body"`
}

// pmPreviewResult is the rendered body and the blameless check's warnings.
type pmPreviewResult struct {
	HTML     string               `json:"html"`
	Warnings []postmortem.Warning `json:"warnings"`
}

func (s *server) postPostmortemPreview(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmPreviewBody](w, r)
	if err != nil {
		return err
	}
	doc, err := s.pm.Get(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pmPreviewResult{HTML: string(postmortem.Render(body.Body)), Warnings: warningsOrEmpty(postmortem.Blameless(body.Body, doc.Facts.Involved))})
}

// pmVersionList is GET /postmortems/{ref}/versions (bodies left out).
type pmVersionList struct {
	Versions []postmortem.Version `json:"versions"`
}

func (s *server) listPostmortemVersions(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	vs, err := s.pm.Versions(r.Context(), n)
	if err != nil {
		return err
	}
	for i := range vs {
		vs[i].Body = ""
	}
	return writeJSON(w, http.StatusOK, pmVersionList{Versions: vs})
}

// pmVersionView is one version with its diff against the one before.
type pmVersionView struct {
	postmortem.Version
	Diff []postmortem.DiffLine `json:"diff"`
}

func (s *server) getPostmortemVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	v, err := pathID(r, "version", "version")
	if err != nil {
		return err
	}
	cur, err := s.pm.Version(r.Context(), n, v)
	if err != nil {
		return err
	}
	prev := ""
	if v > 1 {
		p, err := s.pm.Version(r.Context(), n, v-1)
		if err != nil {
			return err
		}
		prev = p.Body
	}
	return writeJSON(w, http.StatusOK, pmVersionView{Version: cur, Diff: postmortem.Diff(prev, cur.Body)})
}

func (s *server) getMeeting(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	m, err := s.pm.Meeting(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *server) putMeeting(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[postmortem.MeetingInput](w, r)
	if err != nil {
		return err
	}
	m, err := s.pm.Schedule(r.Context(), n, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *server) meetingAction(do func(*server, *http.Request, int64) (*postmortem.Meeting, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		n, err := incidentRef(r)
		if err != nil {
			return err
		}
		m, err := do(s, r, n)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, m)
	}
}

func (s *server) deleteMeeting(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(func(s *server, r *http.Request, n int64) (*postmortem.Meeting, error) {
		return s.pm.CancelMeeting(r.Context(), n)
	})(w, r)
}

func (s *server) postMeetingStart(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(func(s *server, r *http.Request, n int64) (*postmortem.Meeting, error) {
		return s.pm.StartMeeting(r.Context(), n)
	})(w, r)
}

func (s *server) postMeetingEnd(w http.ResponseWriter, r *http.Request) error {
	return s.meetingAction(func(s *server, r *http.Request, n int64) (*postmortem.Meeting, error) {
		return s.pm.EndMeeting(r.Context(), n)
	})(w, r)
}

// pmNotesBody is PUT /postmortems/{ref}/meeting/notes.
type pmNotesBody struct {
	Notes   string `json:"notes"`
	Version *int64 `json:"version"`
}

func (s *server) putMeetingNotes(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmNotesBody](w, r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, body.Version)
	if err != nil {
		return err
	}
	m, err := s.pm.SaveNotes(r.Context(), n, version, body.Notes)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *server) getForm(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	f, err := s.pm.MyForm(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

// pmFormBody is PUT /postmortems/{ref}/form: a draft, or the submission when submit is true.
type pmFormBody struct {
	postmortem.FormInput
	Submit bool `json:"submit"`
}

func (s *server) putForm(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmFormBody](w, r)
	if err != nil {
		return err
	}
	f, err := s.pm.SaveForm(r.Context(), n, body.FormInput, body.Submit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, f)
}

func (s *server) getAnswers(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	a, err := s.pm.Answers(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}

// pmVersionBody names the version a write is based on.
type pmVersionBody struct {
	Version *int64 `json:"version"`
}

func (s *server) postPullAnswers(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmVersionBody](w, r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, body.Version)
	if err != nil {
		return err
	}
	if _, err := s.pm.PullAnswers(r.Context(), n, version); err != nil {
		return err
	}
	return s.writePostmortem(w, r, n)
}

// pmItemList is a list of action items.
type pmItemList struct {
	Items []postmortem.ActionItem `json:"items"`
}

func (s *server) listIncidentItems(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	items, err := s.pm.Items(r.Context(), postmortem.ItemFilter{Number: n})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pmItemList{Items: items})
}

func (s *server) postItem(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[postmortem.ItemInput](w, r)
	if err != nil {
		return err
	}
	it, err := s.pm.AddItem(r.Context(), n, in)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(it.Version))
	return writeJSON(w, http.StatusCreated, it)
}

func (s *server) listItems(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := postmortem.ItemFilter{Open: q.Get("open") == "true"}
	if q.Get("mine") == "true" {
		a, _ := access.From(r.Context())
		if a.UserID == 0 {
			return apperr.Invalid("mine", "this token belongs to no user")
		}
		f.OwnerID = a.UserID
	}
	for name, dst := range map[string]*int64{"owner": &f.OwnerID, "team": &f.TeamID} {
		if v := q.Get(name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return apperr.Invalid(name, "must be an id")
			}
			*dst = id
		}
	}
	if v := q.Get("incident"); v != "" {
		r.SetPathValue("ref", v)
		n, err := incidentRef(r)
		if err != nil {
			return err
		}
		f.Number = n
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	items, err := s.pm.Items(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pmItemList{Items: items})
}

// pmItemPatch is PATCH /action-items/{item}.
type pmItemPatch struct {
	postmortem.ItemInput
	Version *int64 `json:"version"`
}

func (s *server) patchItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "item", "action item")
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmItemPatch](w, r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, body.Version)
	if err != nil {
		return err
	}
	it, err := s.pm.UpdateItem(r.Context(), id, version, body.ItemInput)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(it.Version))
	return writeJSON(w, http.StatusOK, it)
}

func (s *server) postItemDone(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "item", "action item")
	if err != nil {
		return err
	}
	it, err := s.pm.Done(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, it)
}

func (s *server) getReview(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	rv, err := s.pm.Review(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rv)
}

// pmReviewersBody is POST /postmortems/{ref}/reviewers.
type pmReviewersBody struct {
	UserIDs []int64 `json:"user_ids"`
}

func (s *server) postReviewers(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmReviewersBody](w, r)
	if err != nil {
		return err
	}
	rv, err := s.pm.RequestReview(r.Context(), n, body.UserIDs)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rv)
}

// pmDecisionBody is POST /postmortems/{ref}/review: approved or changes_requested.
type pmDecisionBody struct {
	State   postmortem.ReviewState `json:"state"`
	Comment string                 `json:"comment"`
}

func (s *server) postDecision(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmDecisionBody](w, r)
	if err != nil {
		return err
	}
	rv, err := s.pm.Decide(r.Context(), n, body.State, body.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rv)
}

// pmCommentBody is POST /postmortems/{ref}/comments.
type pmCommentBody struct {
	Body string `json:"body"`
}

func (s *server) postComment(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmCommentBody](w, r)
	if err != nil {
		return err
	}
	c, err := s.pm.Comment(r.Context(), n, body.Body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (s *server) postPublish(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	if _, err := s.pm.Publish(r.Context(), n); err != nil {
		return err
	}
	return s.writePostmortem(w, r, n)
}

// pmWaiveBody is POST /postmortems/{ref}/waive.
type pmWaiveBody struct {
	Reason string `json:"reason"`
}

func (s *server) postWaive(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmWaiveBody](w, r)
	if err != nil {
		return err
	}
	if _, err := s.pm.Waive(r.Context(), n, body.Reason); err != nil {
		return err
	}
	return s.writePostmortem(w, r, n)
}

// pmTemplateList is GET /postmortem-templates.
type pmTemplateList struct {
	Templates []postmortem.Template `json:"templates"`
}

func (s *server) listPMTemplates(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.pm.Templates(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pmTemplateList{Templates: ts})
}

// pmTemplateBody creates or replaces a template.
type pmTemplateBody struct {
	Name    string `json:"name"`
	Body    string `json:"body"`
	Default bool   `json:"default"`
}

func (s *server) postPMTemplate(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeJSON[pmTemplateBody](w, r)
	if err != nil {
		return err
	}
	t, err := s.pm.SaveTemplate(r.Context(), postmortem.Template{Name: body.Name, Body: body.Body, Default: body.Default})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

func (s *server) putPMTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "template", "template")
	if err != nil {
		return err
	}
	body, err := decodeJSON[pmTemplateBody](w, r)
	if err != nil {
		return err
	}
	t, err := s.pm.SaveTemplate(r.Context(), postmortem.Template{ID: id, Name: body.Name, Body: body.Body, Default: body.Default})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (s *server) deletePMTemplate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "template", "template")
	if err != nil {
		return err
	}
	if err := s.pm.DeleteTemplate(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) getPMSLOs(w http.ResponseWriter, r *http.Request) error {
	var window time.Duration
	if v := r.URL.Query().Get("window"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return apperr.Invalid("window", "must be a duration such as 2160h")
		}
		window = d
	}
	slo, err := s.pm.SLOs(r.Context(), window)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, slo)
}
