package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// pageList is a list of pages, newest first.
type pageList struct {
	Pages []paging.Page `json:"pages"`
}

// pageDetail is a page with its timeline.
type pageDetail struct {
	paging.Page
	Timeline []paging.Event `json:"timeline"`
}

// newPageBody pages a person or a team by hand.
type newPageBody struct {
	UserID   int64  `json:"user_id,omitempty"`
	TeamID   int64  `json:"team_id,omitempty"`
	Summary  string `json:"summary"`
	Incident int64  `json:"incident,omitempty"` // the incident number, if the page is about one
}

// reassignBody hands a page to a person or a policy.
type reassignBody struct {
	UserID   int64 `json:"user_id,omitempty"`
	PolicyID int64 `json:"policy_id,omitempty"`
}

// listPages lists pages.
func (s *server) listPages(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "status", "open", "service", "mine", "limit"); err != nil {
		return err
	}
	q := r.URL.Query()
	var f paging.Filter
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			switch st := paging.Status(strings.TrimSpace(st)); st {
			case paging.Triggered, paging.Acknowledged, paging.Resolved, paging.Suppressed:
				f.Status = append(f.Status, st)
			case "":
			default:
				return apperr.Invalid("status", "status is triggered, acknowledged, resolved or suppressed, not %q", st)
			}
		}
	}
	for name, dst := range map[string]*bool{"open": &f.Open} {
		switch q.Get(name) {
		case "", "false":
		case "true":
			*dst = true
		default:
			return apperr.Invalid(name, "%s must be true or false", name)
		}
	}
	switch q.Get("mine") {
	case "", "false":
	case "true":
		a, _ := access.From(r.Context())
		f.UserID = a.UserID
	default:
		return apperr.Invalid("mine", "mine must be true or false")
	}
	var err error
	if f.ServiceID, err = s.serviceParam(r); err != nil {
		return err
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	pages, err := s.paging.List(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageList{Pages: pages})
}

// postPage pages a person or a team now.
func (s *server) postPage(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[newPageBody](w, r)
	if err != nil {
		return err
	}
	var p paging.Page
	switch {
	case in.UserID != 0 && in.TeamID != 0, in.UserID == 0 && in.TeamID == 0:
		return apperr.Invalid("user_id", "page a person (user_id) or a team (team_id): one of the two")
	case in.UserID != 0:
		if _, err := s.auth.GetUser(r.Context(), in.UserID); err != nil {
			return apperr.Invalid("user_id", "there is no user %d", in.UserID)
		}
		p, err = s.paging.PageUser(r.Context(), in.UserID, in.Summary, in.Incident)
	default:
		if _, err := s.catalog.GetTeam(r.Context(), in.TeamID); err != nil {
			return apperr.Invalid("team_id", "there is no team %d", in.TeamID)
		}
		p, err = s.paging.PageTeam(r.Context(), in.TeamID, in.Summary, in.Incident)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/pages/"+strconv.FormatInt(p.ID, 10))
	return writeJSON(w, http.StatusCreated, p)
}

// getPage reads a page and its timeline.
func (s *server) getPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "page")
	if err != nil {
		return err
	}
	p, err := s.paging.Get(r.Context(), id)
	if err != nil {
		return err
	}
	tl, err := s.paging.Timeline(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, pageDetail{Page: p, Timeline: tl})
}

// pageAction runs one of the page's actions (no body).
func (s *server) pageAction(w http.ResponseWriter, r *http.Request, do func(context.Context, int64) (paging.Page, error)) error {
	id, err := pathID(r, "id", "page")
	if err != nil {
		return err
	}
	if err := checkQuery(r); err != nil {
		return err
	}
	p, err := do(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *server) postAcknowledgePage(w http.ResponseWriter, r *http.Request) error {
	return s.pageAction(w, r, s.paging.Acknowledge)
}

func (s *server) postResolvePage(w http.ResponseWriter, r *http.Request) error {
	return s.pageAction(w, r, s.paging.Resolve)
}

func (s *server) postEscalatePage(w http.ResponseWriter, r *http.Request) error {
	return s.pageAction(w, r, s.paging.EscalateNow)
}

// postReassignPage hands a page to a person or a policy.
func (s *server) postReassignPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "page")
	if err != nil {
		return err
	}
	in, err := decodeJSON[reassignBody](w, r)
	if err != nil {
		return err
	}
	if in.UserID != 0 {
		if _, err := s.auth.GetUser(r.Context(), in.UserID); err != nil {
			return apperr.Invalid("user_id", "there is no user %d", in.UserID)
		}
	}
	p, err := s.paging.Reassign(r.Context(), id, in.UserID, in.PolicyID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// policyList lists escalation policies.
type policyList struct {
	Policies []paging.Policy `json:"policies"`
}

// previewBody asks what a policy would do.
type previewBody struct {
	Policy paging.Policy `json:"policy"`
	Start  *time.Time    `json:"start,omitempty"` // default now
}

// previewResult is a policy's plan with the people each step would page.
type previewResult struct {
	Steps []paging.PreviewStep `json:"steps"`
}

func (s *server) listPolicies(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	ps, err := s.paging.Policies(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, policyList{Policies: ps})
}

func (s *server) postPolicy(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[paging.Policy](w, r)
	if err != nil {
		return err
	}
	in.ID, in.Version = 0, 0
	p, err := s.paging.SavePolicy(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/escalation-policies/"+strconv.FormatInt(p.ID, 10))
	w.Header().Set("ETag", etag(p.Version))
	return writeJSON(w, http.StatusCreated, p)
}

func (s *server) getPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "escalation policy")
	if err != nil {
		return err
	}
	p, err := s.paging.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	return writeJSON(w, http.StatusOK, p)
}

func (s *server) putPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "escalation policy")
	if err != nil {
		return err
	}
	in, err := decodeJSON[paging.Policy](w, r)
	if err != nil {
		return err
	}
	var body *int64
	if in.Version != 0 {
		body = &in.Version
	}
	if in.Version, err = ifMatchVersion(r, body); err != nil {
		return err
	}
	in.ID = id
	p, err := s.paging.SavePolicy(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(p.Version))
	return writeJSON(w, http.StatusOK, p)
}

func (s *server) deletePolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "escalation policy")
	if err != nil {
		return err
	}
	if err := s.paging.DeletePolicy(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) postPolicyPreview(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[previewBody](w, r)
	if err != nil {
		return err
	}
	start := s.paging.Now()
	if in.Start != nil {
		start = *in.Start
	}
	steps, err := s.paging.Preview(r.Context(), in.Policy, start)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, previewResult{Steps: steps})
}

func (s *server) getServicePaging(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "service")
	if err != nil {
		return err
	}
	if _, err := s.catalog.GetService(r.Context(), id); err != nil {
		return err
	}
	sp, err := s.paging.ServicePaging(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sp)
}

func (s *server) putServicePaging(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "service")
	if err != nil {
		return err
	}
	if _, err := s.catalog.GetService(r.Context(), id); err != nil {
		return err
	}
	in, err := decodeJSON[paging.ServicePaging](w, r)
	if err != nil {
		return err
	}
	in.ServiceID = id
	if err := s.paging.SetServicePaging(r.Context(), in); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}

// windowList lists maintenance windows.
type windowList struct {
	Windows []paging.Window `json:"windows"`
}

func (s *server) listMaintenance(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "service", "all"); err != nil {
		return err
	}
	var f paging.WindowFilter
	var err error
	if f.ServiceID, err = s.serviceParam(r); err != nil {
		return err
	}
	if r.URL.Query().Get("all") != "true" {
		f.After = s.paging.Now()
	}
	ws, err := s.paging.Windows(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, windowList{Windows: ws})
}

func (s *server) postMaintenanceWindow(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[paging.Window](w, r)
	if err != nil {
		return err
	}
	if in.ServiceID != 0 {
		if _, err := s.catalog.GetService(r.Context(), in.ServiceID); err != nil {
			return apperr.Invalid("service_id", "there is no service %d", in.ServiceID)
		}
	}
	win, err := s.paging.AddWindow(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, win)
}

func (s *server) postEndMaintenance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "maintenance window")
	if err != nil {
		return err
	}
	win, err := s.paging.EndWindow(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, win)
}
