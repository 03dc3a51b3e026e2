package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// The triage queue: the Detect stage made visible. Responders declare an
// incident from an item, dismiss it with a reason, or merge it into an
// open incident; the triage service decides who may.

// triageView is the data of the queue page.
type triageView struct {
	Items     []detect.Item
	Reasons   []string
	Scale     []string
	Open      []*incident.Incident // open incidents, for merging
	CanDecide bool
	Recent    []detect.Group // recently decided items
}

func (s *server) triagePage(w http.ResponseWriter, r *http.Request) error {
	return s.showTriage(w, r, http.StatusOK, nil)
}

func (s *server) showTriage(w http.ResponseWriter, r *http.Request, status int, b *banner) error {
	ctx := r.Context()
	items, err := s.triage.Queue(ctx)
	if err != nil {
		return err
	}
	open, err := s.inc.List(ctx, incident.Filter{Open: true, Limit: 50})
	if err != nil {
		return err
	}
	recent, err := s.triage.Groups(ctx, detect.GroupFilter{Triage: []string{detect.TriageDeclared, detect.TriageMerged, detect.TriageDismissed, detect.TriageSelfResolved}, Limit: 10})
	if err != nil {
		return err
	}
	v := triageView{Items: items, Reasons: s.triage.DismissReasons(), Scale: s.inc.Scale().Names(), Open: open.Incidents,
		CanDecide: actor(r).Can(access.Responder), Recent: recent}
	s.render(w, r, status, "triage", page{Title: "Triage", Nav: "triage", Banner: b, Data: v})
	return nil
}

// triageLive streams a "changed" event whenever the queue or an alert changes.
func (s *server) triageLive(w http.ResponseWriter, r *http.Request) error {
	signals, cancel := s.hub.Subscribe(detect.TriageTopic)
	defer cancel()
	var n int64
	s.stream(w, r, signals, false, func() (int64, error) { n++; return n, nil })
	return nil
}

// triageDecision runs one decision and shows the queue again, with the
// refusal next to it when the service refused.
func (s *server) triageDecision(decide func(r *http.Request, id int64) (string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := idParam(r, "triage item")
		if err != nil {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalid("", "the form could not be read")
		}
		target, err := decide(r, id)
		if err != nil {
			if apperr.CodeOf(err) == apperr.CodeInternal || apperr.CodeOf(err) == apperr.CodeForbidden {
				return err
			}
			return s.showTriage(w, r, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
}

func (s *server) declareFromTriage(r *http.Request, id int64) (string, error) {
	inc, err := s.triage.Declare(r.Context(), id, detect.DeclareOptions{
		Title: strings.TrimSpace(r.PostFormValue("title")), Severity: r.PostFormValue("severity")})
	if err != nil {
		return "", err
	}
	return "/incidents/" + inc.Ref(), nil
}

func (s *server) dismissFromTriage(r *http.Request, id int64) (string, error) {
	reason := r.PostFormValue("reason")
	if reason == "" {
		return "", apperr.Invalid("reason", "choose why this item is dismissed")
	}
	_, err := s.triage.Dismiss(r.Context(), id, reason, r.PostFormValue("note"))
	return "/triage", err
}

func (s *server) mergeFromTriage(r *http.Request, id int64) (string, error) {
	n, err := incident.ParseRef(r.PostFormValue("incident"))
	if err != nil {
		return "", apperr.Invalid("incident", "choose the open incident to merge into")
	}
	_, err = s.triage.Merge(r.Context(), id, n)
	return "/incidents/" + incident.Ref(n), err
}

// groupView is the data of an alert group's page.
type groupView struct {
	Item      detect.Item
	Reasons   []string
	Scale     []string
	Open      []*incident.Incident
	CanDecide bool
}

func (s *server) groupPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "alert group")
	if err != nil {
		return err
	}
	item, err := s.triage.Item(r.Context(), id)
	if err != nil {
		return err
	}
	open, err := s.inc.List(r.Context(), incident.Filter{Open: true, Limit: 50})
	if err != nil {
		return err
	}
	v := groupView{Item: item, Reasons: s.triage.DismissReasons(), Scale: s.inc.Scale().Names(), Open: open.Incidents,
		CanDecide: actor(r).Can(access.Responder) && item.Triage == detect.TriagePending}
	s.render(w, r, http.StatusOK, "alert_group", page{Title: "Alert group " + strconv.FormatInt(id, 10), Nav: "triage", Data: v})
	return nil
}

func (s *server) alertPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "alert")
	if err != nil {
		return err
	}
	a, err := s.triage.Alert(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "alert", page{Title: a.Title, Nav: "triage", Data: a})
	return nil
}
