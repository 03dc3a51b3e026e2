package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// The communications of an incident: the Communications Manager (or the
// Incident Manager) drafts a public update from a template, previews it as
// the status page will show it, publishes it, and sends internal
// stakeholder updates. The statuspage service decides who may.

// commsView is the data of the communications page and of its card on the incident page.
type commsView struct {
	Inc          *incident.Incident
	Ref          string
	C            *statuspage.Communications
	Draft        statuspage.Draft
	Page         statuspage.Page
	Components   []commsComponent // of the draft's page, with the draft's choice
	Statuses     []statuspage.IncidentStatus
	CompStatuses []statuspage.ComponentStatus
	Preview      template.HTML
	Previewed    bool
	Stakeholder  string // text of the stakeholder form as typed
	DueIn        string // "in 12 min", "overdue by 3 min"
	Overdue      bool
	PublicURL    string
	Now          time.Time
	Deliveries   map[int64]deliverySummary // by update id; admins only
}

// deliverySummary says how one update reached the subscribers.
type deliverySummary struct {
	Sent, Pending, Failed int
	LastError             string
}

type commsComponent struct {
	statuspage.Component
	Group   string
	Chosen  bool
	NewStat statuspage.ComponentStatus
}

// commsData gathers the page for incident n with the draft for (pageID, status).
func (s *server) commsData(r *http.Request, n, pageID int64, status statuspage.IncidentStatus) (*commsView, error) {
	inc, err := s.inc.Get(r.Context(), n)
	if err != nil {
		return nil, err
	}
	c, err := s.status.Communications(r.Context(), n, pageID, status)
	if err != nil {
		return nil, err
	}
	v := &commsView{Inc: inc, Ref: inc.Ref(), C: c, Draft: c.Draft, Statuses: statuspage.IncidentStatuses,
		CompStatuses: statuspage.ComponentStatuses, Now: s.now()}
	for _, p := range c.Pages {
		if p.ID == c.Draft.PageID {
			v.Page = p
		}
	}
	v.PublicURL = statuspage.PagePath(v.Page)
	groups, err := s.status.Groups(r.Context(), v.Page.ID)
	if err != nil {
		return nil, err
	}
	for _, comp := range c.Components {
		if comp.PageID != v.Page.ID {
			continue
		}
		cc := commsComponent{Component: comp, NewStat: comp.Status}
		for _, g := range groups {
			if g.ID == comp.GroupID {
				cc.Group = g.Name
			}
		}
		for _, ch := range c.Draft.Components {
			if ch.ComponentID == comp.ID {
				cc.Chosen, cc.NewStat = true, ch.Status
			}
		}
		v.Components = append(v.Components, cc)
	}
	// As the public page orders them: ungrouped first, then group by group.
	groupPos := map[int64]int{0: -1}
	for _, g := range groups {
		groupPos[g.ID] = g.Position
	}
	slices.SortStableFunc(v.Components, func(a, b commsComponent) int {
		if pa, pb := groupPos[a.GroupID], groupPos[b.GroupID]; pa != pb {
			return pa - pb
		}
		if a.GroupID != b.GroupID {
			return int(a.GroupID - b.GroupID)
		}
		return a.Position - b.Position
	})
	if actor(r).IsAdmin() {
		v.Deliveries = map[int64]deliverySummary{}
		for _, p := range c.Public {
			for _, u := range p.Updates {
				ds, err := s.status.Deliveries(r.Context(), u.ID)
				if err != nil {
					return nil, err
				}
				var sum deliverySummary
				for _, d := range ds {
					switch d.State {
					case "sent":
						sum.Sent++
					case "pending":
						sum.Pending++
					default:
						sum.Failed++
						sum.LastError = d.LastError
					}
				}
				v.Deliveries[u.ID] = sum
			}
		}
	}
	if c.NextDue != nil {
		d := time.Until(*c.NextDue).Round(time.Minute)
		if d < 0 {
			v.Overdue, v.DueIn = true, "overdue by "+formatDuration(-d)
		} else {
			v.DueIn = "due in " + formatDuration(d)
		}
	}
	return v, nil
}

// commsPage answers GET /incidents/{ref}/communications.
func (s *server) commsPage(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	page, _ := strconv.ParseInt(r.URL.Query().Get("page"), 10, 64)
	v, err := s.commsData(r, n, page, statuspage.IncidentStatus(r.URL.Query().Get("status")))
	if err != nil {
		return err
	}
	var b *banner
	switch {
	case r.URL.Query().Get("published") != "":
		b = &banner{Kind: "ok", Message: "Published. The status page shows it within seconds, and subscribers are being notified."}
	case r.URL.Query().Get("sent") != "":
		b = &banner{Kind: "ok", Message: "Sent to the internal channels."}
	}
	s.render(w, r, http.StatusOK, "communications", pageData(v, b))
	return nil
}

func pageData(v *commsView, b *banner) page {
	return page{Title: "Communications · " + v.Ref, Nav: "incidents", Banner: b, Data: v}
}

// commsCard answers GET /incidents/{ref}/communications/card: the summary
// the incident page loads into its communications card.
func (s *server) commsCard(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	v, err := s.commsData(r, n, 0, "")
	if err != nil {
		return err
	}
	s.renderPart(w, r, "communications", "comms-summary", v)
	return nil
}

// updateFromForm reads the draft form.
func updateFromForm(r *http.Request) (statuspage.UpdateInput, error) {
	if err := r.ParseForm(); err != nil {
		return statuspage.UpdateInput{}, apperr.Invalid("", "the form could not be read")
	}
	f := r.PostForm
	in := statuspage.UpdateInput{Status: statuspage.IncidentStatus(f.Get("status")), Title: strings.TrimSpace(f.Get("title")), Body: f.Get("body")}
	in.PageID, _ = strconv.ParseInt(f.Get("page_id"), 10, 64)
	for _, v := range f["component"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, apperr.Invalid("components", "the form named a component that does not exist")
		}
		in.Components = append(in.Components, statuspage.ComponentChange{ComponentID: id,
			Status: statuspage.ComponentStatus(f.Get("component_status_" + v))})
	}
	return in, nil
}

// keepDraft puts what was typed back into the view.
func keepDraft(v *commsView, in statuspage.UpdateInput) {
	v.Draft.Status, v.Draft.Title, v.Draft.Body = in.Status, in.Title, in.Body
	for i := range v.Components {
		v.Components[i].Chosen = false
		for _, ch := range in.Components {
			if ch.ComponentID == v.Components[i].ID {
				v.Components[i].Chosen, v.Components[i].NewStat = true, ch.Status
			}
		}
	}
}

// commsPreview answers POST /incidents/{ref}/communications/preview.
func (s *server) commsPreview(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	in, err := updateFromForm(r)
	if err != nil {
		return err
	}
	v, err := s.commsData(r, n, in.PageID, in.Status)
	if err != nil {
		return err
	}
	keepDraft(v, in)
	p, err := s.status.Preview(r.Context(), in)
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "communications", pageData(v, &banner{Kind: "error", Message: s.statusMessage(r, err)}))
		return nil
	}
	v.Preview, v.Previewed = template.HTML(p.HTML), true //nolint:gosec // sanitized by the statuspage service
	s.render(w, r, http.StatusOK, "communications", pageData(v, nil))
	return nil
}

// commsPublish answers POST /incidents/{ref}/communications/publish.
func (s *server) commsPublish(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	in, err := updateFromForm(r)
	if err != nil {
		return err
	}
	if _, err := s.status.Publish(r.Context(), n, in); err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
			return err
		}
		v, verr := s.commsData(r, n, in.PageID, in.Status)
		if verr != nil {
			return verr
		}
		keepDraft(v, in)
		status := http.StatusUnprocessableEntity
		if apperr.Is(err, apperr.CodeForbidden) {
			status = http.StatusForbidden
		}
		s.render(w, r, status, "communications", pageData(v, &banner{Kind: "error", Message: s.statusMessage(r, err)}))
		return nil
	}
	http.Redirect(w, r, "/incidents/"+incident.Ref(n)+"/communications?published=1", http.StatusSeeOther)
	return nil
}

// commsStakeholder answers POST /incidents/{ref}/communications/stakeholders.
func (s *server) commsStakeholder(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	body := r.PostForm.Get("body")
	if _, err := s.status.SendStakeholderUpdate(r.Context(), n, body); err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
			return err
		}
		v, verr := s.commsData(r, n, 0, "")
		if verr != nil {
			return verr
		}
		v.Stakeholder = body
		s.render(w, r, http.StatusUnprocessableEntity, "communications", pageData(v, &banner{Kind: "error", Message: s.statusMessage(r, err)}))
		return nil
	}
	http.Redirect(w, r, "/incidents/"+incident.Ref(n)+"/communications?sent=1#stakeholders", http.StatusSeeOther)
	return nil
}

// Current returns the public incident on the draft's page, or nil.
func (v *commsView) Current() *statuspage.Incident {
	for _, p := range v.C.Public {
		if p.PageID == v.Page.ID {
			return p
		}
	}
	return nil
}

// PageOf names the page of a public incident.
func (v *commsView) PageOf(id int64) statuspage.Page {
	i := slices.IndexFunc(v.C.Pages, func(p statuspage.Page) bool { return p.ID == id })
	if i < 0 {
		return statuspage.Page{}
	}
	return v.C.Pages[i]
}

// renderPart writes one template of a page's set, without the layout (for
// the parts htmx loads into a page).
func (s *server) renderPart(w http.ResponseWriter, r *http.Request, pageName, name string, data any) {
	t, ok := s.pages.byName[pageName]
	if !ok {
		http.Error(w, "Something went wrong", http.StatusInternalServerError)
		return
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("web: render part", "page", pageName, "part", name, "err", err)
		http.Error(w, "Something went wrong", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(buf.String()))
}

// PathOf is where a page is served.
func (v *commsView) PathOf(id int64) string { return statuspage.PagePath(v.PageOf(id)) }

// MD renders an update body as the public page does (sanitized).
func (v *commsView) MD(s string) template.HTML { return statuspage.RenderMarkdown(s) }

// statusFieldLabels name the fields of the communications and status-page
// forms in messages ("Message is required").
var statusFieldLabels = map[string]string{
	"body":            "Message",
	"slug":            "Slug",
	"host":            "Host name",
	"logo_url":        "Logo URL",
	"support_text":    "Support text",
	"components":      "Components:",
	"address":         "Address:",
	"status":          "Status:",
	"cadence":         "Cadence:",
	"scheduled_for":   "Maintenance:",
	"scheduled_until": "Maintenance:",
}

// statusMessage is messageOf with the labels of these forms.
func (s *server) statusMessage(r *http.Request, err error) string {
	if e := apperr.As(err); e.Code == apperr.CodeInvalid && e.Field != "" {
		if _, ok := fieldLabels[e.Field]; !ok {
			if l, ok := statusFieldLabels[e.Field]; ok {
				return l + " " + e.Message
			}
		}
	}
	return s.messageOf(r, err)
}
