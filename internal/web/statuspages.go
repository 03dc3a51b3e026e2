package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// Status pages in the settings: pages, groups and components, templates,
// the update cadence and the internal channels. Admins change them (the
// statuspage service enforces it; the pages only hide the forms).

type statusPagesView struct {
	Pages     []statusPageRow
	Templates []statuspage.Template
	Variables []string
	Cadence   []cadenceRow
	Channels  []statuspage.Channel
	IsAdmin   bool
	Secret    string // a new webhook channel's secret, shown once
}

type statusPageRow struct {
	statuspage.Page
	Path       string
	Components int
}

type cadenceRow struct {
	Severity string
	Minutes  int
}

type statusPageView struct {
	Page        statuspage.Page
	Path        string
	Groups      []statuspage.Group
	Components  []statuspage.Component
	Statuses    []statuspage.ComponentStatus
	Subscribers []statuspage.Subscriber
	Maintenance []*statuspage.Incident
	IsAdmin     bool
	CanAct      bool // responders schedule maintenance
}

func (s *server) statusPagesList(w http.ResponseWriter, r *http.Request) error {
	return s.showStatusPages(w, r, http.StatusOK, nil, "")
}

func (s *server) showStatusPages(w http.ResponseWriter, r *http.Request, status int, b *banner, secret string) error {
	ctx := r.Context()
	pages, err := s.status.Pages(ctx)
	if err != nil {
		return err
	}
	v := statusPagesView{IsAdmin: actor(r).IsAdmin(), Variables: statuspage.TemplateVariables, Secret: secret}
	for _, p := range pages {
		comps, err := s.status.Components(ctx, p.ID)
		if err != nil {
			return err
		}
		v.Pages = append(v.Pages, statusPageRow{Page: p, Path: statuspage.PagePath(p), Components: len(comps)})
	}
	if v.Templates, err = s.status.Templates(ctx); err != nil {
		return err
	}
	cad, err := s.status.Cadence(ctx)
	if err != nil {
		return err
	}
	for _, sev := range s.inc.Scale() {
		row := cadenceRow{Severity: sev.Name}
		if d, ok := cad.NextDue(sev.Name, time.Time{}); ok {
			row.Minutes = int(d.Sub(time.Time{}).Minutes())
		}
		v.Cadence = append(v.Cadence, row)
	}
	if v.IsAdmin {
		if v.Channels, err = s.status.Channels(ctx); err != nil {
			return err
		}
	}
	s.render(w, r, status, "status_pages", page{Title: "Status pages", Nav: "settings", Banner: b, Data: v})
	return nil
}

// statusForm runs a settings form: fn's refusal is shown above the list.
func (s *server) statusForm(fn func(r *http.Request) (string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return apperr.Invalid("", "the form could not be read")
		}
		target, err := fn(r)
		if err != nil {
			if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) && !apperr.Is(err, apperr.CodeNotFound) {
				return err
			}
			b := &banner{Kind: "error", Message: s.statusMessage(r, err)}
			if id, perr := strconv.ParseInt(r.PathValue("id"), 10, 64); perr == nil {
				return s.showStatusPage(w, r, id, http.StatusUnprocessableEntity, b)
			}
			return s.showStatusPages(w, r, http.StatusUnprocessableEntity, b, "")
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
}

func formPtr(r *http.Request, name string) *string {
	if _, ok := r.PostForm[name]; !ok {
		return nil
	}
	v := r.PostForm.Get(name)
	return &v
}

func (s *server) createStatusPage(r *http.Request) (string, error) {
	p, err := s.status.CreatePage(r.Context(), statuspage.PageInput{Slug: formPtr(r, "slug"), Name: formPtr(r, "name"), TimeZone: formPtr(r, "time_zone")})
	if err != nil {
		return "", err
	}
	return "/settings/status-pages/" + strconv.FormatInt(p.ID, 10), nil
}

func (s *server) saveTemplates(r *http.Request) (string, error) {
	for _, st := range statuspage.IncidentStatuses {
		title, body := r.PostForm.Get("title_"+string(st)), r.PostForm.Get("body_"+string(st))
		if title == "" && body == "" {
			continue
		}
		if _, err := s.status.SaveTemplate(r.Context(), statuspage.Template{Status: st, Title: title, Body: body}); err != nil {
			return "", err
		}
	}
	return "/settings/status-pages#templates", nil
}

func (s *server) saveCadence(r *http.Request) (string, error) {
	c := statuspage.Cadence{}
	for _, sev := range s.inc.Scale() {
		v := strings.TrimSpace(r.PostForm.Get("minutes_" + sev.Name))
		if v == "" || v == "0" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return "", apperr.Invalid("cadence", "%s: minutes must be a whole number, not %q", sev.Name, v)
		}
		c[sev.Name] = time.Duration(n) * time.Minute
	}
	return "/settings/status-pages#cadence", s.status.SetCadence(r.Context(), c)
}

func (s *server) addChannel(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	c, err := s.status.AddChannel(r.Context(), statuspage.SubscriberKind(r.PostForm.Get("kind")), r.PostForm.Get("address"), r.PostForm.Get("name"))
	if err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
			return err
		}
		return s.showStatusPages(w, r, http.StatusUnprocessableEntity, &banner{Kind: "error", Message: s.statusMessage(r, err)}, "")
	}
	b := &banner{Kind: "ok", Message: "Channel added."}
	return s.showStatusPages(w, r, http.StatusOK, b, c.Secret)
}

func (s *server) removeChannel(r *http.Request) (string, error) {
	id, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil {
		return "", errNotFoundPage
	}
	return "/settings/status-pages#channels", s.status.RemoveChannel(r.Context(), id)
}

func (s *server) statusPageDetail(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	return s.showStatusPage(w, r, id, http.StatusOK, nil)
}

func (s *server) showStatusPage(w http.ResponseWriter, r *http.Request, id int64, status int, b *banner) error {
	ctx := r.Context()
	p, err := s.status.Page(ctx, id)
	if err != nil {
		return err
	}
	v := statusPageView{Page: p, Path: statuspage.PagePath(p), Statuses: statuspage.ComponentStatuses, IsAdmin: actor(r).IsAdmin(),
		CanAct: actor(r).Can(access.Responder)}
	incs, err := s.status.PageIncidents(ctx, id)
	if err != nil {
		return err
	}
	for _, inc := range incs {
		if inc.Kind == statuspage.KindMaintenance {
			v.Maintenance = append(v.Maintenance, inc)
		}
	}
	if v.Groups, err = s.status.Groups(ctx, id); err != nil {
		return err
	}
	if v.Components, err = s.status.Components(ctx, id); err != nil {
		return err
	}
	if v.IsAdmin {
		if v.Subscribers, err = s.status.Subscribers(ctx, id); err != nil {
			return err
		}
	}
	s.render(w, r, status, "status_page", page{Title: p.Name + " · Status page", Nav: "settings", Banner: b, Data: v})
	return nil
}

func pageIDParam(r *http.Request) (int64, string, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, "", errNotFoundPage
	}
	return id, "/settings/status-pages/" + strconv.FormatInt(id, 10), nil
}

func (s *server) updateStatusPage(r *http.Request) (string, error) {
	id, back, err := pageIDParam(r)
	if err != nil {
		return "", err
	}
	_, err = s.status.UpdatePage(r.Context(), id, statuspage.PageInput{Name: formPtr(r, "name"), Slug: formPtr(r, "slug"), Host: formPtr(r, "host"),
		LogoURL: formPtr(r, "logo_url"), TimeZone: formPtr(r, "time_zone"), SupportText: formPtr(r, "support_text")})
	return back, err
}

func (s *server) deleteStatusPageForm(r *http.Request) (string, error) {
	id, _, err := pageIDParam(r)
	if err != nil {
		return "", err
	}
	return "/settings/status-pages", s.status.DeletePage(r.Context(), id)
}

func (s *server) addStatusGroup(r *http.Request) (string, error) {
	id, back, err := pageIDParam(r)
	if err != nil {
		return "", err
	}
	_, err = s.status.SaveGroup(r.Context(), id, 0, statuspage.GroupInput{Name: formPtr(r, "name"), Description: formPtr(r, "description")})
	return back, err
}

func (s *server) addStatusComponent(r *http.Request) (string, error) {
	id, back, err := pageIDParam(r)
	if err != nil {
		return "", err
	}
	in := statuspage.ComponentInput{Name: formPtr(r, "name"), Description: formPtr(r, "description")}
	if g, _ := strconv.ParseInt(r.PostForm.Get("group_id"), 10, 64); g > 0 {
		in.GroupID = &g
	}
	if sv := strings.TrimSpace(r.PostForm.Get("services")); sv != "" {
		list := strings.Split(sv, ",")
		in.Services = &list
	}
	_, err = s.status.SaveComponent(r.Context(), id, 0, in)
	return back, err
}

func (s *server) setComponentStatus(r *http.Request) (string, error) {
	id, back, err := pageIDParam(r)
	if err != nil {
		return "", err
	}
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil {
		return "", errNotFoundPage
	}
	st := statuspage.ComponentStatus(r.PostForm.Get("status"))
	_, err = s.status.SaveComponent(r.Context(), id, cid, statuspage.ComponentInput{Status: &st})
	return back, err
}

func (s *server) deleteStatusComponentForm(r *http.Request) (string, error) {
	id, back, err := pageIDParam(r)
	if err != nil {
		return "", err
	}
	cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil {
		return "", errNotFoundPage
	}
	return back, s.status.DeleteComponent(r.Context(), id, cid)
}

// GroupName names a component's group on the page.
func (v statusPageView) GroupName(id int64) string {
	for _, g := range v.Groups {
		if g.ID == id {
			return g.Name
		}
	}
	return ""
}

// scheduleMaintenance answers the maintenance form of a page.
func (s *server) scheduleMaintenance(r *http.Request) (string, error) {
	id, back, err := pageIDParam(r)
	if err != nil {
		return "", err
	}
	p, err := s.status.Page(r.Context(), id)
	if err != nil {
		return "", err
	}
	start, err := time.ParseInLocation("2006-01-02T15:04", r.PostForm.Get("start"), p.Location())
	if err != nil {
		return "", apperr.Invalid("scheduled_for", "the start must be a date and time")
	}
	minutes, err := strconv.Atoi(r.PostForm.Get("minutes"))
	if err != nil || minutes <= 0 {
		return "", apperr.Invalid("scheduled_until", "the duration must be a positive number of minutes")
	}
	in := statuspage.MaintenanceInput{PageID: id, Title: r.PostForm.Get("title"), Body: r.PostForm.Get("body"),
		ScheduledFor: start, ScheduledUntil: start.Add(time.Duration(minutes) * time.Minute)}
	for _, v := range r.PostForm["component"] {
		cid, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", apperr.Invalid("components", "the form named a component that does not exist")
		}
		in.Components = append(in.Components, cid)
	}
	_, err = s.status.ScheduleMaintenance(r.Context(), in)
	return back + "#maintenance", err
}
