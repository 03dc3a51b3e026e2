// Package jira is a thin client of the Jira Cloud REST API v3 for action
// items: create an issue (labels, description in Atlassian Document Format,
// due date), update its fields, move it through a transition to a done or an
// open status, read its status; and the signed webhook Jira sends back.
package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/tracker"
)

// Client is one Jira project.
type Client struct {
	BaseURL   string // https://your-domain.atlassian.net
	Email     string // basic auth: the account's email and an API token
	Token     string
	Project   string // project key, e.g. PM
	IssueType string // default "Task"
	HTTP      *http.Client
}

var _ tracker.Client = (*Client)(nil)

// Kind is "jira".
func (c *Client) Kind() string { return "jira" }

// Target is the project key.
func (c *Client) Target() string { return c.Project }

type status struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"` // new, indeterminate, done
	} `json:"statusCategory"`
}

func (c *Client) fields(in tracker.Issue, create bool) map[string]any {
	f := map[string]any{
		"summary":     in.Title,
		"description": ADF(in.Description),
		"labels":      labels(in.Labels),
	}
	if !in.Due.IsZero() {
		f["duedate"] = in.Due.UTC().Format(time.DateOnly)
	}
	if create {
		it := c.IssueType
		if it == "" {
			it = "Task"
		}
		f["project"] = map[string]string{"key": c.Project}
		f["issuetype"] = map[string]string{"name": it}
	}
	return f
}

// labels makes labels valid for Jira, which refuses spaces in them.
func labels(ls []string) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, strings.Join(strings.Fields(l), "-"))
	}
	return out
}

// Create makes the issue: POST /rest/api/3/issue.
func (c *Client) Create(ctx context.Context, in tracker.Issue) (tracker.Remote, error) {
	var out struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	if err := c.do(ctx, http.MethodPost, "/rest/api/3/issue", map[string]any{"fields": c.fields(in, true)}, &out); err != nil {
		return tracker.Remote{}, err
	}
	return c.Get(ctx, out.Key)
}

// Update writes the fields (PUT /rest/api/3/issue/{key}) and, when the
// status's category disagrees with in.Done, takes the first transition to a
// status of the wanted category (done, or else a not-done one).
func (c *Client) Update(ctx context.Context, key string, in tracker.Issue) (tracker.Remote, error) {
	if err := c.do(ctx, http.MethodPut, "/rest/api/3/issue/"+url.PathEscape(key), map[string]any{"fields": c.fields(in, false)}, nil); err != nil {
		return tracker.Remote{}, err
	}
	r, err := c.Get(ctx, key)
	if err != nil || r.Done == in.Done {
		return r, err
	}
	var ts struct {
		Transitions []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			To   status `json:"to"`
		} `json:"transitions"`
	}
	if err := c.do(ctx, http.MethodGet, "/rest/api/3/issue/"+url.PathEscape(key)+"/transitions", nil, &ts); err != nil {
		return r, err
	}
	for _, t := range ts.Transitions {
		if (t.To.StatusCategory.Key == "done") == in.Done {
			if err := c.do(ctx, http.MethodPost, "/rest/api/3/issue/"+url.PathEscape(key)+"/transitions",
				map[string]any{"transition": map[string]string{"id": t.ID}}, nil); err != nil {
				return r, err
			}
			return c.Get(ctx, key)
		}
	}
	return r, fmt.Errorf("jira: no transition of %s leads to a %s status", key, map[bool]string{true: "done", false: "not-done"}[in.Done])
}

// Get reads the issue's status: GET /rest/api/3/issue/{key}?fields=status.
func (c *Client) Get(ctx context.Context, key string) (tracker.Remote, error) {
	var out struct {
		Key    string `json:"key"`
		Fields struct {
			Status status `json:"status"`
		} `json:"fields"`
	}
	if err := c.do(ctx, http.MethodGet, "/rest/api/3/issue/"+url.PathEscape(key)+"?fields=status", nil, &out); err != nil {
		return tracker.Remote{}, err
	}
	return tracker.Remote{ID: out.Key, URL: strings.TrimRight(c.BaseURL, "/") + "/browse/" + out.Key,
		State: out.Fields.Status.Name, Done: out.Fields.Status.StatusCategory.Key == "done"}, nil
}

// Error is Jira's refusal with its messages.
type Error struct {
	Status   int
	Messages []string
}

func (e *Error) Error() string {
	return fmt.Sprintf("jira answered %d: %s", e.Status, strings.Join(e.Messages, "; "))
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(c.Email, c.Token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			ErrorMessages []string          `json:"errorMessages"`
			Errors        map[string]string `json:"errors"`
		}
		_ = json.Unmarshal(data, &e)
		msgs := e.ErrorMessages
		for k, v := range e.Errors {
			msgs = append(msgs, k+": "+v)
		}
		if len(msgs) == 0 {
			msgs = []string{http.StatusText(resp.StatusCode)}
		}
		return &Error{Status: resp.StatusCode, Messages: msgs}
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	return json.Unmarshal(data, out)
}
