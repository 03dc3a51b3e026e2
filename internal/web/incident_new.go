package web

import (
	"net/http"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// declareView is the data of the declare form.
type declareView struct {
	Form     declareForm
	Scale    incident.Scale
	Services []string
}

// declareForm is what the person typed.
type declareForm struct {
	Title          string
	Severity       string
	Summary        string
	CustomerImpact string
	Services       []string
	TakeManager    bool
	Stage          string // "fix" or "detect"
}

// declareForm answers GET /incidents/new.
func (s *server) declareForm(w http.ResponseWriter, r *http.Request) error {
	if !actor(r).Can(access.Responder) {
		return apperr.Forbidden("declaring an incident needs the responder permission; ask an admin to give it to you")
	}
	scale := s.inc.Scale()
	f := declareForm{TakeManager: true, Stage: string(incident.Fix), Title: r.URL.Query().Get("title")}
	if len(scale) > 0 {
		f.Severity = scale[len(scale)/2].Name
	}
	return s.showDeclare(w, r, http.StatusOK, f, nil)
}

func (s *server) showDeclare(w http.ResponseWriter, r *http.Request, status int, f declareForm, b *banner) error {
	services, err := s.serviceNames(r)
	if err != nil {
		return err
	}
	s.render(w, r, status, "declare", page{Title: "Declare an incident", Nav: "incidents", Banner: b,
		Data: declareView{Form: f, Scale: s.inc.Scale(), Services: services}})
	return nil
}

// declare answers POST /incidents.
func (s *server) declare(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	f := declareForm{
		Title: r.PostFormValue("title"), Severity: r.PostFormValue("severity"), Summary: r.PostFormValue("summary"),
		CustomerImpact: r.PostFormValue("customer_impact"), Services: r.PostForm["services"],
		TakeManager: r.PostFormValue("take_manager") != "", Stage: r.PostFormValue("stage"),
	}
	inc, err := s.inc.Declare(r.Context(), incident.DeclareInput{
		Title: f.Title, Summary: f.Summary, Severity: f.Severity, Stage: incident.Stage(f.Stage),
		Services: f.Services, CustomerImpact: f.CustomerImpact, TakeManager: f.TakeManager,
	})
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.CodeUnauthenticated || code == apperr.CodeInternal || code == apperr.CodeForbidden {
			return err
		}
		return s.showDeclare(w, r, statusOf(code), f, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/incidents/"+inc.Ref(), http.StatusSeeOther)
	return nil
}
