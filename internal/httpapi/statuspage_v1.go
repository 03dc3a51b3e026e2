package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// A subset of Atlassian Statuspage's REST API v1 (api.statuspage.io/v1), so
// that scripts written for Statuspage keep working when pointed at
// Firebreak: list, create and update incidents; list and update components.
// {pageid} is a status page's id or slug; the API token goes in
// "Authorization: OAuth <token>" as Statuspage expects (Bearer works too).

// v1IncidentFields are the fields of Statuspage's incident body that
// Firebreak reads; the others Statuspage documents are accepted and ignored,
// so a typo is still refused.
type v1IncidentFields struct {
	Name                          string            `json:"name"`
	Status                        string            `json:"status"`
	Body                          string            `json:"body"`
	ComponentIDs                  []string          `json:"component_ids"`
	Components                    map[string]string `json:"components"` // component id → status
	ImpactOverride                string            `json:"impact_override"`
	DeliverNotifications          *bool             `json:"deliver_notifications"`
	AutoTransitionToMaintenance   *bool             `json:"auto_transition_to_maintenance_state"`
	AutoTransitionToOperational   *bool             `json:"auto_transition_to_operational_state"`
	AutoTweetAtBeginning          *bool             `json:"auto_tweet_at_beginning"`
	AutoTweetOnCompletion         *bool             `json:"auto_tweet_on_completion"`
	AutoTweetOnCreation           *bool             `json:"auto_tweet_on_creation"`
	AutoTweetOneHourBefore        *bool             `json:"auto_tweet_one_hour_before"`
	BackfillDate                  string            `json:"backfill_date"`
	Backfilled                    *bool             `json:"backfilled"`
	ScheduledRemindPrior          *bool             `json:"scheduled_remind_prior"`
	ScheduledAutoInProgress       *bool             `json:"scheduled_auto_in_progress"`
	ScheduledAutoCompleted        *bool             `json:"scheduled_auto_completed"`
	Metadata                      map[string]any    `json:"metadata"`
	WantsTwitterUpdate            *bool             `json:"wants_twitter_update"`
	ReminderIntervals             string            `json:"reminder_intervals"`
	ScheduledFor                  string            `json:"scheduled_for"`
	ScheduledUntil                string            `json:"scheduled_until"`
	DeliverNotificationsEmail     *bool             `json:"deliver_notifications_email"`
	AutoTransitionDeliverNotifAtE *bool             `json:"auto_transition_deliver_notifications_at_end"`
	AutoTransitionDeliverNotifAtS *bool             `json:"auto_transition_deliver_notifications_at_start"`
}

type v1IncidentBody struct {
	Incident v1IncidentFields `json:"incident"`
}

type v1ComponentFields struct {
	Name               *string `json:"name"`
	Description        *string `json:"description"`
	Status             *string `json:"status"`
	GroupID            *string `json:"group_id"`
	Showcase           *bool   `json:"showcase"`
	OnlyShowIfDegraded *bool   `json:"only_show_if_degraded"`
	StartDate          *string `json:"start_date"`
}

type v1ComponentBody struct {
	Component v1ComponentFields `json:"component"`
}

// v1Page finds the page named by {pageid}: its id or its slug.
func (s *server) v1Page(r *http.Request) (statuspage.Page, error) {
	ref := r.PathValue("pageid")
	pages, err := s.status.Pages(r.Context())
	if err != nil {
		return statuspage.Page{}, err
	}
	for _, p := range pages {
		if strconv.FormatInt(p.ID, 10) == ref || p.Slug == ref {
			return p, nil
		}
	}
	return statuspage.Page{}, apperr.NotFound("status page " + strconv.Quote(ref))
}

func (s *server) v1Incident(w http.ResponseWriter, r *http.Request, p statuspage.Page, inc *statuspage.Incident, status int) error {
	comps, err := s.status.Components(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, status, statuspage.APIIncidentOf(p, comps, inc, statuspage.PageURL(p, s.baseURL)))
}

func (s *server) v1ListIncidents(w http.ResponseWriter, r *http.Request) error {
	p, err := s.v1Page(r)
	if err != nil {
		return err
	}
	incs, err := s.status.PageIncidents(r.Context(), p.ID)
	if err != nil {
		return err
	}
	comps, err := s.status.Components(r.Context(), p.ID)
	if err != nil {
		return err
	}
	out := []statuspage.APIIncident{}
	for _, inc := range incs {
		if inc.Kind == statuspage.KindIncident {
			out = append(out, statuspage.APIIncidentOf(p, comps, inc, statuspage.PageURL(p, s.baseURL)))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// v1Update turns Statuspage's incident fields into an update.
func v1Update(f v1IncidentFields) (statuspage.UpdateInput, error) {
	in := statuspage.UpdateInput{Status: statuspage.IncidentStatus(f.Status), Title: f.Name, Body: f.Body}
	seen := map[string]bool{}
	for id, st := range f.Components {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return in, apperr.Invalid("incident.components", "%q is not a component id", id)
		}
		seen[id] = true
		in.Components = append(in.Components, statuspage.ComponentChange{ComponentID: n, Status: statuspage.ComponentStatus(st)})
	}
	for _, id := range f.ComponentIDs {
		if seen[id] {
			continue
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return in, apperr.Invalid("incident.component_ids", "%q is not a component id", id)
		}
		// Named without a status: Statuspage leaves it as it is; so do we,
		// but the incident still lists it.
		in.Components = append(in.Components, statuspage.ComponentChange{ComponentID: n})
	}
	if in.Body == "" && in.Status != "" {
		in.Body = statuspage.IncidentStatus(f.Status).Label() + "."
	}
	return in, nil
}

func (s *server) v1PostIncident(w http.ResponseWriter, r *http.Request) error {
	p, err := s.v1Page(r)
	if err != nil {
		return err
	}
	b, err := decodeJSON[v1IncidentBody](w, r)
	if err != nil {
		return err
	}
	in, err := v1Update(b.Incident)
	if err != nil {
		return err
	}
	if err := s.keepStatuses(r, p.ID, &in); err != nil {
		return err
	}
	out, err := s.status.CreateIncident(r.Context(), p.ID, in)
	if err != nil {
		return err
	}
	return s.v1Incident(w, r, p, out.Incident, http.StatusCreated)
}

// keepStatuses fills in the current status of components named without one.
func (s *server) keepStatuses(r *http.Request, pageID int64, in *statuspage.UpdateInput) error {
	var comps []statuspage.Component
	for i, ch := range in.Components {
		if ch.Status != "" {
			continue
		}
		if comps == nil {
			var err error
			if comps, err = s.status.Components(r.Context(), pageID); err != nil {
				return err
			}
		}
		for _, c := range comps {
			if c.ID == ch.ComponentID {
				in.Components[i].Status = c.Status
			}
		}
		if in.Components[i].Status == "" {
			return apperr.Invalid("incident.component_ids", "there is no component %d on this page", ch.ComponentID)
		}
	}
	return nil
}

func (s *server) v1PatchIncident(w http.ResponseWriter, r *http.Request) error {
	p, err := s.v1Page(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("incidentid"), 10, 64)
	if err != nil {
		return apperr.NotFound("incident " + strconv.Quote(r.PathValue("incidentid")))
	}
	inc, err := s.status.Incident(r.Context(), id)
	if err != nil {
		return err
	}
	if inc.PageID != p.ID {
		return apperr.NotFound("incident " + strconv.FormatInt(id, 10) + " of this page")
	}
	b, err := decodeJSON[v1IncidentBody](w, r)
	if err != nil {
		return err
	}
	in, err := v1Update(b.Incident)
	if err != nil {
		return err
	}
	if in.Status == "" {
		in.Status = inc.Status
	}
	if err := s.keepStatuses(r, p.ID, &in); err != nil {
		return err
	}
	out, err := s.status.PostUpdate(r.Context(), id, in)
	if err != nil {
		return err
	}
	return s.v1Incident(w, r, p, out.Incident, http.StatusOK)
}

func (s *server) v1ListComponents(w http.ResponseWriter, r *http.Request) error {
	p, err := s.v1Page(r)
	if err != nil {
		return err
	}
	comps, err := s.status.Components(r.Context(), p.ID)
	if err != nil {
		return err
	}
	out := []statuspage.APIComponent{}
	for _, c := range comps {
		out = append(out, statuspage.APIComponentOf(c))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) v1PatchComponent(w http.ResponseWriter, r *http.Request) error {
	p, err := s.v1Page(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("componentid"), 10, 64)
	if err != nil {
		return apperr.NotFound("component " + strconv.Quote(r.PathValue("componentid")))
	}
	b, err := decodeJSON[v1ComponentBody](w, r)
	if err != nil {
		return err
	}
	in := statuspage.ComponentInput{Name: b.Component.Name, Description: b.Component.Description}
	if b.Component.Status != nil {
		st := statuspage.ComponentStatus(strings.TrimSpace(*b.Component.Status))
		in.Status = &st
	}
	if b.Component.GroupID != nil {
		g := int64(0)
		if *b.Component.GroupID != "" {
			if g, err = strconv.ParseInt(*b.Component.GroupID, 10, 64); err != nil {
				return apperr.Invalid("component.group_id", "%q is not a group id", *b.Component.GroupID)
			}
		}
		in.GroupID = &g
	}
	c, err := s.status.SaveComponent(r.Context(), p.ID, id, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, statuspage.APIComponentOf(c))
}
