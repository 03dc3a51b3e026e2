package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Incident is an incident as the API shows it: the record, its id as
// people write it ("INC-4"), and the names of the people it mentions.
type Incident struct {
	incident.Incident
	Ref    string           `json:"ref"`
	People map[int64]Person `json:"people"` // by user id: role holders, involved people, the declarer
}

// Person is a user as named on an incident.
type Person struct {
	Handle string `json:"handle"`
	Name   string `json:"name"`
}

// IncidentPage is one page of incidents, newest first.
type IncidentPage struct {
	Incidents []*Incident `json:"incidents"`
	Next      string      `json:"next,omitempty"` // the cursor of the following page; empty at the end
}

// IncidentFilter selects incidents for ListIncidents; zero fields select all.
type IncidentFilter struct {
	Stages     []string
	Severities []string
	Service    string
	Query      string
	Open       bool
	Limit      int
	Cursor     string
}

func (f IncidentFilter) values() url.Values {
	q := url.Values{}
	for _, s := range f.Stages {
		q.Add("stage", s)
	}
	for _, s := range f.Severities {
		q.Add("severity", s)
	}
	if f.Service != "" {
		q.Set("service", f.Service)
	}
	if f.Query != "" {
		q.Set("q", f.Query)
	}
	if f.Open {
		q.Set("open", "true")
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.Cursor != "" {
		q.Set("cursor", f.Cursor)
	}
	return q
}

// incidentPath is the URL path of one incident, with an optional suffix.
func incidentPath(number int64, suffix string) string {
	return "/api/v1/incidents/" + incident.Ref(number) + suffix
}

// DeclareIncident declares a new incident.
func (c *Client) DeclareIncident(ctx context.Context, in incident.DeclareInput) (*Incident, error) {
	var out Incident
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/incidents", body: in}, &out)
	return &out, err
}

// ListIncidents returns one page of incidents, newest first.
func (c *Client) ListIncidents(ctx context.Context, f IncidentFilter) (IncidentPage, error) {
	var out IncidentPage
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/incidents", query: f.values()}, &out)
	return out, err
}

// Incident returns one incident.
func (c *Client) Incident(ctx context.Context, number int64) (*Incident, error) {
	var out Incident
	err := c.do(ctx, request{method: http.MethodGet, path: incidentPath(number, "")}, &out)
	return &out, err
}

// UpdateIncident changes the fields set in p, if the incident is still at
// version (0: whatever its version).
func (c *Client) UpdateIncident(ctx context.Context, number, version int64, p incident.Patch) (*Incident, error) {
	var out Incident
	err := c.do(ctx, request{method: http.MethodPatch, path: incidentPath(number, ""), body: p, header: ifMatch(version)}, &out)
	return &out, err
}

// ChangeStage moves an incident to another stage; reason is needed to dismiss.
func (c *Client) ChangeStage(ctx context.Context, number, version int64, stage incident.Stage, reason string) (*Incident, error) {
	body := struct {
		Stage   incident.Stage `json:"stage"`
		Reason  string         `json:"reason,omitempty"`
		Version int64          `json:"version,omitempty"`
	}{stage, reason, version}
	var out Incident
	err := c.do(ctx, request{method: http.MethodPost, path: incidentPath(number, "/stage"), body: body, header: ifMatch(version)}, &out)
	return &out, err
}

// UserRef names a user either by id or by handle.
type UserRef struct {
	ID     int64
	Handle string
}

// String is the form used in URL paths: the id, or else the handle.
func (u UserRef) String() string {
	if u.ID != 0 {
		return strconv.FormatInt(u.ID, 10)
	}
	return u.Handle
}

// AssignRole gives role to user on the incident.
func (c *Client) AssignRole(ctx context.Context, number, version int64, role incident.Role, user UserRef) (*Incident, error) {
	body := struct {
		Role    incident.Role `json:"role"`
		UserID  int64         `json:"user_id,omitempty"`
		Handle  string        `json:"handle,omitempty"`
		Version int64         `json:"version,omitempty"`
	}{role, user.ID, user.Handle, version}
	var out Incident
	err := c.do(ctx, request{method: http.MethodPost, path: incidentPath(number, "/roles"), body: body, header: ifMatch(version)}, &out)
	return &out, err
}

// UnassignRole removes user from role on the incident.
func (c *Client) UnassignRole(ctx context.Context, number, version int64, role incident.Role, user UserRef) (*Incident, error) {
	var out Incident
	path := incidentPath(number, "/roles/"+url.PathEscape(string(role))+"/"+url.PathEscape(user.String()))
	err := c.do(ctx, request{method: http.MethodDelete, path: path, header: ifMatch(version)}, &out)
	return &out, err
}

// AddNote appends a note to the timeline, optionally as a key moment.
func (c *Client) AddNote(ctx context.Context, number int64, text string, keyMoment bool) (*Incident, error) {
	body := struct {
		Text      string `json:"text"`
		KeyMoment bool   `json:"key_moment"`
	}{text, keyMoment}
	var out Incident
	err := c.do(ctx, request{method: http.MethodPost, path: incidentPath(number, "/notes"), body: body}, &out)
	return &out, err
}

// Timeline returns every event of an incident, oldest first.
func (c *Client) Timeline(ctx context.Context, number int64) ([]incident.Event, error) {
	var out []incident.Event
	err := c.getList(ctx, incidentPath(number, "/timeline"), nil, "events", &out)
	return out, err
}

// Severities returns the installation's severity scale, most severe first.
func (c *Client) Severities(ctx context.Context) (incident.Scale, error) {
	var out incident.Scale
	err := c.getList(ctx, "/api/v1/severities", nil, "severities", &out)
	return out, err
}
