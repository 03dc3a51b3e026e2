package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// TriageQueue is the triage queue and the reasons a dismissal may give.
type TriageQueue struct {
	Items          []detect.Item `json:"items"`
	DismissReasons []string      `json:"dismiss_reasons"`
}

// Triage returns the triage queue, newest first.
func (c *Client) Triage(ctx context.Context) (TriageQueue, error) {
	var out TriageQueue
	var raw json.RawMessage
	if err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/triage"}, &raw); err != nil {
		return out, err
	}
	err := json.Unmarshal(raw, &out)
	return out, err
}

func triagePath(id int64, action string) string {
	return "/api/v1/triage/" + strconv.FormatInt(id, 10) + "/" + action
}

// DeclareFromTriage declares an incident from a triage item; in corrects
// what the alerts prefill (empty fields keep it).
func (c *Client) DeclareFromTriage(ctx context.Context, id int64, in detect.DeclareOptions) (*Incident, error) {
	var out Incident
	err := c.do(ctx, request{method: http.MethodPost, path: triagePath(id, "declare"), body: in}, &out)
	return &out, err
}

// DismissTriage dismisses a triage item with a reason and an optional note.
func (c *Client) DismissTriage(ctx context.Context, id int64, reason, note string) (detect.Group, error) {
	var out detect.Group
	err := c.do(ctx, request{method: http.MethodPost, path: triagePath(id, "dismiss"), body: map[string]string{"reason": reason, "note": note}}, &out)
	return out, err
}

// MergeTriage merges a triage item into an open incident ("INC-42").
func (c *Client) MergeTriage(ctx context.Context, id int64, incidentRef string) (detect.Group, error) {
	var out detect.Group
	err := c.do(ctx, request{method: http.MethodPost, path: triagePath(id, "merge"), body: map[string]string{"incident": incidentRef}}, &out)
	return out, err
}

// AlertGroup returns one alert group with its alerts.
func (c *Client) AlertGroup(ctx context.Context, id int64) (detect.Item, error) {
	var out detect.Item
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/alert-groups/" + strconv.FormatInt(id, 10)}, &out)
	return out, err
}

// Alerts lists alerts, newest first; status and group narrow the list.
func (c *Client) Alerts(ctx context.Context, status string, group int64, limit int) ([]detect.Alert, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if group != 0 {
		q.Set("group", strconv.FormatInt(group, 10))
	}
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out []detect.Alert
	err := c.getList(ctx, "/api/v1/alerts", q, "alerts", &out)
	return out, err
}

// Alert returns one alert.
func (c *Client) Alert(ctx context.Context, id int64) (detect.Alert, error) {
	var out detect.Alert
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/alerts/" + strconv.FormatInt(id, 10)}, &out)
	return out, err
}

// CreateIntegration adds an integration; the answer carries its key once.
func (c *Client) CreateIntegration(ctx context.Context, in detect.NewIntegration) (detect.CreatedIntegration, error) {
	var out detect.CreatedIntegration
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/integrations", body: in}, &out)
	return out, err
}
