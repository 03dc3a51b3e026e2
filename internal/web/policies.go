package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// Escalation policies: the list, and an editor that shows, before saving,
// who would be paged when by the policy as typed (on the schedules as they
// are now). Steps' targets are typed as "@handle, schedule:Primary,
// team:shop"; a blank step row is always offered for one more step.

// targetNames resolves target names both ways.
type targetNames struct {
	users     map[int64]string // id → handle
	schedules map[int64]string
	teams     map[int64]string
}

func (s *server) targetNames(ctx context.Context) targetNames {
	tn := targetNames{users: map[int64]string{}, schedules: map[int64]string{}, teams: map[int64]string{}}
	if users, err := s.auth.ListUsers(ctx); err == nil {
		for _, u := range users {
			tn.users[u.ID] = u.Handle
		}
	}
	if teams, err := s.catalog.ListTeams(ctx); err == nil {
		for _, t := range teams {
			tn.teams[t.ID] = t.Name
		}
	}
	if s.scheduleNames != nil {
		if m, err := s.scheduleNames(ctx); err == nil {
			tn.schedules = m
		}
	}
	return tn
}

func (tn targetNames) format(ts []paging.Target) string {
	var out []string
	for _, t := range ts {
		switch t.Kind {
		case paging.TargetUser:
			if h, ok := tn.users[t.ID]; ok {
				out = append(out, "@"+h)
				continue
			}
		case paging.TargetSchedule:
			if n, ok := tn.schedules[t.ID]; ok {
				out = append(out, "schedule:"+n)
				continue
			}
		case paging.TargetTeam:
			if n, ok := tn.teams[t.ID]; ok {
				out = append(out, "team:"+n)
				continue
			}
		}
		out = append(out, fmt.Sprintf("%s:%d", t.Kind, t.ID))
	}
	return strings.Join(out, ", ")
}

func lookup(m map[int64]string, name string) (int64, bool) {
	if id, err := strconv.ParseInt(name, 10, 64); err == nil {
		return id, id > 0
	}
	for id, n := range m {
		if strings.EqualFold(n, name) {
			return id, true
		}
	}
	return 0, false
}

// parse reads one step's targets; field names the form field in errors.
func (tn targetNames) parse(field, text string) ([]paging.Target, error) {
	var out []paging.Target
	for _, tok := range strings.Split(text, ",") {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		kind, name, ok := strings.Cut(tok, ":")
		if !ok {
			kind, name = "user", strings.TrimPrefix(tok, "@")
		}
		var (
			t     paging.Target
			found bool
		)
		switch strings.ToLower(strings.TrimSpace(kind)) {
		case "user":
			t.Kind = paging.TargetUser
			t.ID, found = lookup(tn.users, strings.TrimPrefix(strings.TrimSpace(name), "@"))
		case "schedule":
			t.Kind = paging.TargetSchedule
			t.ID, found = lookup(tn.schedules, strings.TrimSpace(name))
		case "team":
			t.Kind = paging.TargetTeam
			t.ID, found = lookup(tn.teams, strings.TrimSpace(name))
		default:
			return nil, apperr.Invalid(field, "%q: a target is @handle, schedule:NAME or team:NAME", tok)
		}
		if !found {
			return nil, apperr.Invalid(field, "there is no %s %q", t.Kind, strings.TrimSpace(name))
		}
		out = append(out, t)
	}
	return out, nil
}

type policyListView struct {
	Policies []policyRow
	IsAdmin  bool
}

type policyRow struct {
	paging.Policy
	Summary string
}

func (s *server) policyList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ps, err := s.paging.Policies(ctx)
	if err != nil {
		return err
	}
	tn := s.targetNames(ctx)
	v := policyListView{IsAdmin: actor(r).IsAdmin()}
	for _, p := range ps {
		var parts []string
		for _, st := range p.Steps {
			parts = append(parts, tn.format(st.Targets))
		}
		v.Policies = append(v.Policies, policyRow{Policy: p, Summary: strings.Join(parts, " → ")})
	}
	s.render(w, r, http.StatusOK, "policies", page{Title: "Escalation policies", Nav: "oncall", Data: v})
	return nil
}

type policyEditView struct {
	Policy  paging.Policy
	Steps   []stepRow
	Preview []previewRow
	IsAdmin bool
	Start   time.Time
}

type previewRow struct {
	paging.PreviewStep
	After   time.Duration
	RoundNo int
	StepNo  int
	Targets string
	People  string
}

func (s *server) policyNew(w http.ResponseWriter, r *http.Request) error {
	return s.showPolicyEditor(w, r, http.StatusOK, paging.Policy{Repeat: 0}, nil, nil)
}

func (s *server) policyEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	p, err := s.paging.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	return s.showPolicyEditor(w, r, http.StatusOK, p, nil, nil)
}

func (s *server) showPolicyEditor(w http.ResponseWriter, r *http.Request, status int, p paging.Policy, raw []stepRow, b *banner) error {
	ctx := r.Context()
	tn := s.targetNames(ctx)
	v := policyEditView{Policy: p, IsAdmin: actor(r).IsAdmin(), Start: s.now()}
	if raw != nil {
		v.Steps = raw
	} else {
		for i, st := range p.Steps {
			v.Steps = append(v.Steps, stepRow{Number: i + 1, Targets: tn.format(st.Targets), Delay: st.DelayMinutes})
		}
	}
	v.Steps = append(v.Steps, stepRow{Number: len(v.Steps) + 1, Delay: 15})
	if b == nil && len(p.Steps) > 0 {
		steps, err := s.paging.Preview(ctx, p, v.Start)
		if err == nil {
			names := s.userNames(ctx)
			for _, st := range steps {
				var people []string
				for _, u := range st.Users {
					people = append(people, pageUserName(names, u))
				}
				row := previewRow{PreviewStep: st, After: st.At.Sub(v.Start), RoundNo: st.Round + 1, StepNo: st.Step + 1, Targets: tn.format(st.Targets), People: strings.Join(people, ", ")}
				v.Preview = append(v.Preview, row)
			}
		}
	}
	title := "New escalation policy"
	if p.ID != 0 {
		title = "Policy " + p.Name
	}
	s.render(w, r, status, "policy", page{Title: title, Nav: "oncall", Banner: b, Data: v})
	return nil
}

// policyFromForm reads the editor; rows echo what was typed so a refusal
// keeps it.
func (s *server) policyFromForm(r *http.Request) (paging.Policy, []stepRow, error) {
	f := r.PostForm
	p := paging.Policy{Name: strings.TrimSpace(f.Get("name")), Description: strings.TrimSpace(f.Get("description"))}
	p.ID, _ = strconv.ParseInt(f.Get("id"), 10, 64)
	p.Version, _ = strconv.ParseInt(f.Get("version"), 10, 64)
	var err error
	if p.Repeat, err = strconv.Atoi(strings.TrimSpace(f.Get("repeat"))); err != nil {
		return p, nil, apperr.Invalid("repeat", "repeat is a number of times (0 for none)")
	}
	tn := s.targetNames(r.Context())
	targets, delays := f["targets"], f["delay"]
	var rows []stepRow
	var firstErr error
	for i := range targets {
		text := strings.TrimSpace(targets[i])
		delay := 0
		if i < len(delays) {
			delay, _ = strconv.Atoi(strings.TrimSpace(delays[i]))
		}
		if text == "" {
			continue
		}
		rows = append(rows, stepRow{Number: len(rows) + 1, Targets: text, Delay: delay})
		ts, err := tn.parse(fmt.Sprintf("steps[%d].targets", len(rows)-1), text)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		p.Steps = append(p.Steps, paging.Step{Targets: ts, DelayMinutes: delay})
	}
	return p, rows, firstErr
}

// savePolicy previews (button "preview") or saves the editor's policy.
func (s *server) savePolicy(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	p, rows, err := s.policyFromForm(r)
	if err == nil {
		err = p.Validate()
	}
	if err != nil {
		return s.showPolicyEditor(w, r, http.StatusUnprocessableEntity, p, rows, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	if r.PostForm.Get("action") == "preview" {
		return s.showPolicyEditor(w, r, http.StatusOK, p, rows, nil)
	}
	saved, err := s.paging.SavePolicy(r.Context(), p)
	if err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
			return err
		}
		return s.showPolicyEditor(w, r, statusOf(apperr.CodeOf(err)), p, rows, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/policies/"+strconv.FormatInt(saved.ID, 10), http.StatusSeeOther)
	return nil
}

func (s *server) deletePolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	if err := s.paging.DeletePolicy(r.Context(), id); err != nil {
		if !onForm(err) {
			return err
		}
		p, _ := s.paging.Policy(r.Context(), id)
		return s.showPolicyEditor(w, r, statusOf(apperr.CodeOf(err)), p, nil, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/policies", http.StatusSeeOther)
	return nil
}

// A service's paging: its policy, its Incident-Manager schedule, its
// maintenance windows and its page history.

type servicePagingView struct {
	ServiceID   int64
	Service     string
	Paging      paging.ServicePaging
	Policies    []paging.Policy
	Schedules   []pickOption
	Windows     []paging.Window
	InWindow    bool
	Pages       []pageRow
	IsAdmin     bool
	CanAct      bool
	DefaultFrom string
}

func (s *server) servicePaging(w http.ResponseWriter, r *http.Request) error {
	return s.showServicePaging(w, r, http.StatusOK, nil)
}

func (s *server) showServicePaging(w http.ResponseWriter, r *http.Request, status int, b *banner) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	svc, err := s.catalog.GetService(ctx, id)
	if err != nil {
		return err
	}
	now := s.now()
	v := servicePagingView{ServiceID: id, Service: svc.Name, IsAdmin: actor(r).IsAdmin(), CanAct: actor(r).Can(access.Responder),
		DefaultFrom: now.UTC().Format("2006-01-02T15:04")}
	if v.Paging, err = s.paging.ServicePaging(ctx, id); err != nil {
		return err
	}
	if v.Policies, err = s.paging.Policies(ctx); err != nil {
		return err
	}
	for sid, n := range s.targetNames(ctx).schedules {
		v.Schedules = append(v.Schedules, pickOption{ID: sid, Label: n})
	}
	sortOptions(v.Schedules)
	if v.Windows, err = s.paging.Windows(ctx, paging.WindowFilter{ServiceID: id, After: now.Add(-7 * 24 * time.Hour)}); err != nil {
		return err
	}
	for _, w := range v.Windows {
		v.InWindow = v.InWindow || w.Covers(now)
	}
	pages, err := s.paging.List(ctx, paging.Filter{ServiceID: id, Limit: 50})
	if err != nil {
		return err
	}
	names := s.userNames(ctx)
	for _, p := range pages {
		v.Pages = append(v.Pages, pageRow{Page: p, AckedByName: pageUserName(names, p.AckedBy)})
	}
	s.render(w, r, status, "service_paging", page{Title: svc.Name + " · paging", Nav: "catalog", Banner: b, Data: v})
	return nil
}

// serviceForm runs a form of the service's paging page.
func (s *server) serviceForm(fn func(r *http.Request, serviceID int64) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return errNotFoundPage
		}
		if err := r.ParseForm(); err != nil {
			return apperr.Invalid("", "the form could not be read")
		}
		if err := fn(r, id); err != nil {
			if !onForm(err) && !apperr.Is(err, apperr.CodeForbidden) {
				return err
			}
			return s.showServicePaging(w, r, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
		}
		http.Redirect(w, r, fmt.Sprintf("/services/%d/paging", id), http.StatusSeeOther)
		return nil
	}
}

func (s *server) setServicePaging(r *http.Request, id int64) error {
	pol, _ := strconv.ParseInt(r.PostForm.Get("policy_id"), 10, 64)
	im, _ := strconv.ParseInt(r.PostForm.Get("im_schedule_id"), 10, 64)
	return s.paging.SetServicePaging(r.Context(), paging.ServicePaging{ServiceID: id, PolicyID: pol, IMScheduleID: im})
}

func (s *server) addMaintenance(r *http.Request, id int64) error {
	from, err := time.ParseInLocation("2006-01-02T15:04", r.PostForm.Get("starts_at"), time.UTC)
	if err != nil {
		return apperr.Invalid("starts_at", "when does it start? (date and time, UTC)")
	}
	hours, err := strconv.ParseFloat(r.PostForm.Get("hours"), 64)
	if err != nil || hours <= 0 {
		return apperr.Invalid("hours", "how many hours does it last?")
	}
	_, err = s.paging.AddWindow(r.Context(), paging.Window{ServiceID: id, Starts: from, Ends: from.Add(time.Duration(hours * float64(time.Hour))),
		Reason: strings.TrimSpace(r.PostForm.Get("reason"))})
	return err
}

func (s *server) endMaintenance(r *http.Request, id int64) error {
	wid, err := strconv.ParseInt(r.PostForm.Get("window"), 10, 64)
	if err != nil {
		return apperr.Invalid("window", "which window?")
	}
	_, err = s.paging.EndWindow(r.Context(), wid)
	return err
}

func sortOptions(o []pickOption) {
	slices.SortFunc(o, func(a, b pickOption) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) })
}
