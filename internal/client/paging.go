package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/paging"
)

// PageDetail is a page with its timeline.
type PageDetail struct {
	paging.Page
	Timeline []paging.Event `json:"timeline"`
}

// PageFilter narrows a list of pages.
type PageFilter struct {
	Status  []string
	Open    bool
	Mine    bool
	Service string
	Limit   int
}

// Pages lists pages, newest first.
func (c *Client) Pages(ctx context.Context, f PageFilter) ([]paging.Page, error) {
	q := url.Values{}
	for _, s := range f.Status {
		q.Add("status", s)
	}
	if f.Open {
		q.Set("open", "true")
	}
	if f.Mine {
		q.Set("mine", "true")
	}
	if f.Service != "" {
		q.Set("service", f.Service)
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var out []paging.Page
	err := c.getList(ctx, "/api/v1/pages", q, "pages", &out)
	return out, err
}

func pagePath(id int64, action string) string {
	p := "/api/v1/pages/" + strconv.FormatInt(id, 10)
	if action != "" {
		p += "/" + action
	}
	return p
}

// Page reads a page and its timeline.
func (c *Client) Page(ctx context.Context, id int64) (PageDetail, error) {
	var out PageDetail
	err := c.do(ctx, request{method: http.MethodGet, path: pagePath(id, "")}, &out)
	return out, err
}

// PageAction acknowledges, resolves or escalates a page ("acknowledge",
// "resolve", "escalate").
func (c *Client) PageAction(ctx context.Context, id int64, action string) (paging.Page, error) {
	var out paging.Page
	err := c.do(ctx, request{method: http.MethodPost, path: pagePath(id, action)}, &out)
	return out, err
}

// Reassign hands a page to a person or a policy (one of the two).
func (c *Client) Reassign(ctx context.Context, id, userID, policyID int64) (paging.Page, error) {
	var out paging.Page
	body := map[string]int64{}
	if userID != 0 {
		body["user_id"] = userID
	}
	if policyID != 0 {
		body["policy_id"] = policyID
	}
	err := c.do(ctx, request{method: http.MethodPost, path: pagePath(id, "reassign"), body: body}, &out)
	return out, err
}

// NewPage pages a person (userID) or a team (teamID) now.
func (c *Client) NewPage(ctx context.Context, userID, teamID int64, summary string, incident int64) (paging.Page, error) {
	var out paging.Page
	body := map[string]any{"summary": summary}
	if userID != 0 {
		body["user_id"] = userID
	}
	if teamID != 0 {
		body["team_id"] = teamID
	}
	if incident != 0 {
		body["incident"] = incident
	}
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/pages", body: body}, &out)
	return out, err
}

// Policies lists escalation policies.
func (c *Client) Policies(ctx context.Context) ([]paging.Policy, error) {
	var out []paging.Policy
	err := c.getList(ctx, "/api/v1/escalation-policies", nil, "policies", &out)
	return out, err
}

// Policy reads one escalation policy.
func (c *Client) Policy(ctx context.Context, id int64) (paging.Policy, error) {
	var out paging.Policy
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/escalation-policies/" + strconv.FormatInt(id, 10)}, &out)
	return out, err
}

// SavePolicy creates (ID 0) or replaces a policy.
func (c *Client) SavePolicy(ctx context.Context, p paging.Policy) (paging.Policy, error) {
	var out paging.Policy
	r := request{method: http.MethodPost, path: "/api/v1/escalation-policies", body: p}
	if p.ID != 0 {
		r.method, r.path = http.MethodPut, "/api/v1/escalation-policies/"+strconv.FormatInt(p.ID, 10)
	}
	err := c.do(ctx, r, &out)
	return out, err
}

// DeletePolicy deletes a policy no service uses.
func (c *Client) DeletePolicy(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/escalation-policies/" + strconv.FormatInt(id, 10)}, nil)
}

// PreviewPolicy shows what a policy would do for a page raised at start.
func (c *Client) PreviewPolicy(ctx context.Context, p paging.Policy, start time.Time) ([]paging.PreviewStep, error) {
	var out struct {
		Steps []paging.PreviewStep `json:"steps"`
	}
	body := map[string]any{"policy": p}
	if !start.IsZero() {
		body["start"] = start
	}
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/escalation-policies/preview", body: body}, &out)
	return out.Steps, err
}

// ServicePaging reads how a service is paged.
func (c *Client) ServicePaging(ctx context.Context, serviceID int64) (paging.ServicePaging, error) {
	var out paging.ServicePaging
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/services/" + strconv.FormatInt(serviceID, 10) + "/paging"}, &out)
	return out, err
}

// SetServicePaging sets a service's policy and Incident-Manager schedule.
func (c *Client) SetServicePaging(ctx context.Context, sp paging.ServicePaging) (paging.ServicePaging, error) {
	var out paging.ServicePaging
	err := c.do(ctx, request{method: http.MethodPut, path: "/api/v1/services/" + strconv.FormatInt(sp.ServiceID, 10) + "/paging",
		body: map[string]int64{"policy_id": sp.PolicyID, "im_schedule_id": sp.IMScheduleID}}, &out)
	return out, err
}

// MaintenanceWindows lists current and coming maintenance windows (all: past ones too).
func (c *Client) MaintenanceWindows(ctx context.Context, service string, all bool) ([]paging.Window, error) {
	q := url.Values{}
	if service != "" {
		q.Set("service", service)
	}
	if all {
		q.Set("all", "true")
	}
	var out []paging.Window
	err := c.getList(ctx, "/api/v1/maintenance-windows", q, "windows", &out)
	return out, err
}

// AddMaintenance schedules a maintenance window.
func (c *Client) AddMaintenance(ctx context.Context, w paging.Window) (paging.Window, error) {
	var out paging.Window
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/maintenance-windows",
		body: map[string]any{"service_id": w.ServiceID, "starts_at": w.Starts, "ends_at": w.Ends, "reason": w.Reason}}, &out)
	return out, err
}

// EndMaintenance ends a maintenance window now.
func (c *Client) EndMaintenance(ctx context.Context, id int64) (paging.Window, error) {
	var out paging.Window
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/maintenance-windows/" + strconv.FormatInt(id, 10) + "/end"}, &out)
	return out, err
}
