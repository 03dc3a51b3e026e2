package client

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// StatusPage is a public status page.
type StatusPage struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Host     string `json:"host,omitempty"`
	TimeZone string `json:"time_zone"`
	URL      string `json:"url,omitempty"`
}

// StatusComponent is a component of a status page.
type StatusComponent struct {
	ID       int64    `json:"id"`
	PageID   int64    `json:"page_id"`
	GroupID  int64    `json:"group_id,omitempty"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Services []string `json:"services"`
}

// StatusComponentChange sets a component's status with an update.
type StatusComponentChange struct {
	ComponentID int64  `json:"component_id"`
	Status      string `json:"status"`
}

// StatusUpdateInput is a public update to publish.
type StatusUpdateInput struct {
	PageID     int64                   `json:"page_id,omitempty"`
	Status     string                  `json:"status"`
	Title      string                  `json:"title,omitempty"`
	Body       string                  `json:"body"`
	Components []StatusComponentChange `json:"components,omitempty"`
}

// PublicUpdate is one published update.
type PublicUpdate struct {
	ID        int64     `json:"id"`
	Status    string    `json:"status"`
	Body      string    `json:"body"`
	ActorName string    `json:"actor_name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// PublicIncident is a public incident or maintenance.
type PublicIncident struct {
	ID             int64          `json:"id"`
	PageID         int64          `json:"page_id"`
	Kind           string         `json:"kind"`
	IncidentNumber int64          `json:"incident_number,omitempty"`
	Name           string         `json:"name"`
	Status         string         `json:"status"`
	Impact         string         `json:"impact"`
	CreatedAt      time.Time      `json:"created_at"`
	Updates        []PublicUpdate `json:"updates"`
}

// Published is what a publish wrote.
type Published struct {
	Incident PublicIncident `json:"incident"`
	Update   PublicUpdate   `json:"update"`
}

// StatusDraft is a proposed public update.
type StatusDraft struct {
	PageID     int64                   `json:"page_id"`
	Status     string                  `json:"status"`
	Title      string                  `json:"title"`
	Body       string                  `json:"body"`
	Components []StatusComponentChange `json:"components"`
	Reason     string                  `json:"reason,omitempty"`
}

// Communications is the communications of an incident.
type Communications struct {
	MayPublish      bool             `json:"may_publish"`
	Public          []PublicIncident `json:"public"`
	LastPublished   *time.Time       `json:"last_published,omitempty"`
	NextDue         *time.Time       `json:"next_due,omitempty"`
	CadenceMinutes  int              `json:"cadence_minutes"`
	Draft           StatusDraft      `json:"draft"`
	ProposeResolved bool             `json:"propose_resolved"`
}

// StakeholderUpdate is an internal update of an incident.
type StakeholderUpdate struct {
	ID        int64     `json:"id"`
	Body      string    `json:"body"`
	ActorName string    `json:"actor_name"`
	CreatedAt time.Time `json:"created_at"`
}

// StatusPages lists the status pages.
func (c *Client) StatusPages(ctx context.Context) ([]StatusPage, error) {
	var out []StatusPage
	err := c.getList(ctx, "/api/v1/status-pages", nil, "pages", &out)
	return out, err
}

// StatusComponents lists a page's components.
func (c *Client) StatusComponents(ctx context.Context, pageID int64) ([]StatusComponent, error) {
	var out []StatusComponent
	err := c.getList(ctx, "/api/v1/status-pages/"+pathID(pageID)+"/components", nil, "components", &out)
	return out, err
}

// SetComponentStatus changes a component's status.
func (c *Client) SetComponentStatus(ctx context.Context, pageID, id int64, status string) (StatusComponent, error) {
	var out StatusComponent
	body := map[string]string{"status": status}
	err := c.do(ctx, request{method: http.MethodPatch, path: "/api/v1/status-pages/" + pathID(pageID) + "/components/" + pathID(id), body: body}, &out)
	return out, err
}

// PublicIncidents lists a page's public incidents and maintenance.
func (c *Client) PublicIncidents(ctx context.Context, pageID int64) ([]PublicIncident, error) {
	var out []PublicIncident
	err := c.getList(ctx, "/api/v1/status-pages/"+pathID(pageID)+"/incidents", nil, "incidents", &out)
	return out, err
}

// Communications returns an incident's communications with a draft of the
// next update (status "" for the proposed one).
func (c *Client) Communications(ctx context.Context, ref string, pageID int64, status string) (Communications, error) {
	q := url.Values{}
	if pageID != 0 {
		q.Set("page", pathID(pageID))
	}
	if status != "" {
		q.Set("status", status)
	}
	var out Communications
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/incidents/" + url.PathEscape(ref) + "/communications", query: q}, &out)
	return out, err
}

// PublishStatusUpdate publishes a public update of an incident.
func (c *Client) PublishStatusUpdate(ctx context.Context, ref string, in StatusUpdateInput) (Published, error) {
	var out Published
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/incidents/" + url.PathEscape(ref) + "/status-updates", body: in}, &out)
	return out, err
}

// SendStakeholderUpdate sends an internal update of an incident.
func (c *Client) SendStakeholderUpdate(ctx context.Context, ref, body string) (StakeholderUpdate, error) {
	var out StakeholderUpdate
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/incidents/" + url.PathEscape(ref) + "/stakeholder-updates",
		body: map[string]string{"body": body}}, &out)
	return out, err
}

// ExportedFile is one file of an exported status page.
type ExportedFile struct {
	Name        string
	ContentType string
	Body        []byte
}

// ExportStatusPage fetches a page's whole public site, with links under
// root. With etag set and nothing changed, it returns (nil, etag, nil).
func (c *Client) ExportStatusPage(ctx context.Context, pageID int64, root, etag string) ([]ExportedFile, string, error) {
	var doc struct {
		ETag  string `json:"etag"`
		Files []struct {
			Name        string `json:"name"`
			ContentType string `json:"content_type"`
			Body        string `json:"body"`
		} `json:"files"`
	}
	h := http.Header{}
	if etag != "" {
		h.Set("If-None-Match", etag)
	}
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/status-pages/" + pathID(pageID) + "/export", query: url.Values{"root": {root}}, header: h}, &doc)
	if IsStatus(err, http.StatusNotModified) {
		return nil, etag, nil
	}
	if err != nil {
		return nil, "", err
	}
	out := make([]ExportedFile, len(doc.Files))
	for i, f := range doc.Files {
		b, err := base64.StdEncoding.DecodeString(f.Body)
		if err != nil {
			return nil, "", fmt.Errorf("export: file %s is not base64: %w", f.Name, err)
		}
		out[i] = ExportedFile{Name: f.Name, ContentType: f.ContentType, Body: b}
	}
	return out, doc.ETag, nil
}

// MaintenanceInput schedules a maintenance.
type MaintenanceInput struct {
	Title          string    `json:"title"`
	Body           string    `json:"body"`
	ScheduledFor   time.Time `json:"scheduled_for"`
	ScheduledUntil time.Time `json:"scheduled_until"`
	Components     []int64   `json:"components,omitempty"`
}

// ScheduleMaintenance announces a maintenance window on a page.
func (c *Client) ScheduleMaintenance(ctx context.Context, pageID int64, in MaintenanceInput) (Published, error) {
	var out Published
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/status-pages/" + pathID(pageID) + "/maintenance", body: in}, &out)
	return out, err
}
