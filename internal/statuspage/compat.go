package statuspage

import (
	"strconv"
	"time"
)

// The public JSON under /api/v2/ has the field names and shapes of
// Atlassian Statuspage's public API, so that the tools and scripts that
// already read Statuspage pages (monitoring dashboards, status aggregators)
// read ours unchanged. Ids are strings, times are ISO 8601 with
// milliseconds, absent values are null rather than missing.

// APIPage is the "page" object.
type APIPage struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	TimeZone  string `json:"time_zone"`
	UpdatedAt string `json:"updated_at"`
}

// APIStatus is the "status" object.
type APIStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

// APIComponent is a component or, with Group set, a component group.
type APIComponent struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Status             string   `json:"status"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	Position           int      `json:"position"`
	Description        *string  `json:"description"`
	Showcase           bool     `json:"showcase"`
	StartDate          *string  `json:"start_date"`
	GroupID            *string  `json:"group_id"`
	PageID             string   `json:"page_id"`
	Group              bool     `json:"group"`
	OnlyShowIfDegraded bool     `json:"only_show_if_degraded"`
	Components         []string `json:"components,omitempty"` // groups only: their components' ids
}

// APIAffected is one component an update changed.
type APIAffected struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	OldStatus string `json:"old_status"`
	NewStatus string `json:"new_status"`
}

// APIUpdate is an "incident_updates" entry.
type APIUpdate struct {
	ID                   string        `json:"id"`
	Status               string        `json:"status"`
	Body                 string        `json:"body"`
	IncidentID           string        `json:"incident_id"`
	CreatedAt            string        `json:"created_at"`
	UpdatedAt            string        `json:"updated_at"`
	DisplayAt            string        `json:"display_at"`
	AffectedComponents   []APIAffected `json:"affected_components"`
	DeliverNotifications bool          `json:"deliver_notifications"`
	CustomTweet          *string       `json:"custom_tweet"`
	TweetID              *string       `json:"tweet_id"`
}

// APIIncident is an incident.
type APIIncident struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	MonitoringAt    *string        `json:"monitoring_at"`
	ResolvedAt      *string        `json:"resolved_at"`
	Impact          string         `json:"impact"`
	Shortlink       string         `json:"shortlink"`
	StartedAt       string         `json:"started_at"`
	PageID          string         `json:"page_id"`
	IncidentUpdates []APIUpdate    `json:"incident_updates"`
	Components      []APIComponent `json:"components"`
}

// APIMaintenance is a scheduled maintenance: an incident with its window.
type APIMaintenance struct {
	APIIncident
	ScheduledFor   *string `json:"scheduled_for"`
	ScheduledUntil *string `json:"scheduled_until"`
}

// APISummary is summary.json.
type APISummary struct {
	Page                  APIPage          `json:"page"`
	Components            []APIComponent   `json:"components"`
	Incidents             []APIIncident    `json:"incidents"`
	ScheduledMaintenances []APIMaintenance `json:"scheduled_maintenances"`
	Status                APIStatus        `json:"status"`
}

// APIStatusDoc is status.json.
type APIStatusDoc struct {
	Page   APIPage   `json:"page"`
	Status APIStatus `json:"status"`
}

// APIComponents is components.json.
type APIComponents struct {
	Page       APIPage        `json:"page"`
	Components []APIComponent `json:"components"`
}

// APIIncidents is incidents.json and incidents/unresolved.json.
type APIIncidents struct {
	Page      APIPage       `json:"page"`
	Incidents []APIIncident `json:"incidents"`
}

// APIMaintenances is scheduled-maintenances.json and its upcoming/active subsets.
type APIMaintenances struct {
	Page                  APIPage          `json:"page"`
	ScheduledMaintenances []APIMaintenance `json:"scheduled_maintenances"`
}

// apiTime formats t as Statuspage does.
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func apiTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := apiTime(*t)
	return &s
}

func apiID(id int64) string { return strconv.FormatInt(id, 10) }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (v *view) apiPage() APIPage {
	return APIPage{ID: apiID(v.page.ID), Name: v.page.Name, URL: v.url, TimeZone: v.page.TimeZone, UpdatedAt: apiTime(v.updatedAt)}
}

func (v *view) apiComponent(c Component) APIComponent {
	out := APIComponent{ID: apiID(c.ID), Name: c.Name, Status: string(c.Status), CreatedAt: apiTime(c.CreatedAt),
		UpdatedAt: apiTime(c.UpdatedAt), Position: c.Position, Description: strPtr(c.Description), Showcase: true,
		PageID: apiID(c.PageID)}
	if c.GroupID != 0 {
		out.GroupID = strPtr(apiID(c.GroupID))
	}
	return out
}

// apiComponents lists components and groups in Statuspage's way: the
// components of a group follow it, and the group names them.
func (v *view) apiComponents() []APIComponent {
	out := []APIComponent{}
	for _, sec := range v.sections {
		if sec.Group != nil {
			g := APIComponent{ID: apiID(sec.Group.ID), Name: sec.Group.Name, Status: string(sec.Status), CreatedAt: apiTime(v.page.CreatedAt),
				UpdatedAt: apiTime(sec.UpdatedAt), Position: sec.Group.Position, Description: strPtr(sec.Group.Description),
				PageID: apiID(v.page.ID), Group: true, Components: []string{}}
			for _, c := range sec.Components {
				g.Components = append(g.Components, apiID(c.ID))
			}
			out = append(out, g)
		}
		for _, c := range sec.Components {
			out = append(out, v.apiComponent(c.Component))
		}
	}
	return out
}

func (v *view) apiIncident(inc *Incident) APIIncident {
	out := APIIncident{ID: apiID(inc.ID), Name: inc.Name, Status: string(inc.Status), CreatedAt: apiTime(inc.CreatedAt),
		UpdatedAt: apiTime(inc.UpdatedAt), MonitoringAt: apiTimePtr(inc.MonitoringAt), ResolvedAt: apiTimePtr(inc.ResolvedAt),
		Impact: string(inc.Impact), Shortlink: v.url + "/incidents/" + apiID(inc.ID), StartedAt: apiTime(inc.CreatedAt),
		PageID: apiID(inc.PageID), IncidentUpdates: []APIUpdate{}, Components: []APIComponent{}}
	for _, u := range inc.Updates {
		au := APIUpdate{ID: apiID(u.ID), Status: string(u.Status), Body: u.Body, IncidentID: apiID(inc.ID),
			CreatedAt: apiTime(u.CreatedAt), UpdatedAt: apiTime(u.CreatedAt), DisplayAt: apiTime(u.CreatedAt),
			AffectedComponents: []APIAffected{}, DeliverNotifications: true}
		for _, a := range u.Affected {
			old := a.OldStatus
			if old == "" {
				old = a.Status
			}
			au.AffectedComponents = append(au.AffectedComponents, APIAffected{Code: apiID(a.ComponentID), Name: a.Name, OldStatus: string(old), NewStatus: string(a.Status)})
		}
		out.IncidentUpdates = append(out.IncidentUpdates, au)
	}
	for _, id := range inc.Components {
		if c, ok := v.components[id]; ok {
			out.Components = append(out.Components, v.apiComponent(c))
		}
	}
	return out
}

func (v *view) apiMaintenance(inc *Incident) APIMaintenance {
	return APIMaintenance{APIIncident: v.apiIncident(inc), ScheduledFor: apiTimePtr(inc.ScheduledFor), ScheduledUntil: apiTimePtr(inc.ScheduledUntil)}
}

// APIIncidentOf renders one incident in Statuspage's shape, with comps the
// components of its page (for the REST v1-compatible API).
func APIIncidentOf(p Page, comps []Component, inc *Incident, pageURL string) APIIncident {
	v := &view{page: p, url: pageURL, components: map[int64]Component{}}
	for _, c := range comps {
		v.components[c.ID] = c
	}
	return v.apiIncident(inc)
}

// APIComponentOf renders one component in Statuspage's shape.
func APIComponentOf(c Component) APIComponent { return (&view{}).apiComponent(c) }
