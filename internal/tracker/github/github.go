// Package github is a thin client of GitHub Issues (REST) for action items:
// create an issue with labels, update its title, body, labels and state
// (open, or closed as completed), read its state; and the signed issues
// webhook GitHub sends back.
package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/forge"
	"github.com/firebreak-hq/firebreak/internal/tracker"
)

// Client is one repository's issues.
type Client struct {
	BaseURL string // API root; default https://api.github.com (GitHub Enterprise: https://host/api/v3)
	Token   string
	Repo    string // owner/name
	HTTP    *http.Client
}

var _ tracker.Client = (*Client)(nil)

// Kind is "github".
func (c *Client) Kind() string { return "github" }

// Target is owner/name.
func (c *Client) Target() string { return c.Repo }

type issue struct {
	Number  int64  `json:"number"`
	HTMLURL string `json:"html_url"`
	State   string `json:"state"`
}

func remote(i issue) tracker.Remote {
	return tracker.Remote{ID: strconv.FormatInt(i.Number, 10), URL: i.HTMLURL, State: i.State, Done: i.State == "closed"}
}

// body is the description; the due date is in it already (GitHub issues
// have no field for one).
func body(in tracker.Issue) string { return in.Description }

// Create makes the issue: POST /repos/{owner}/{repo}/issues.
func (c *Client) Create(ctx context.Context, in tracker.Issue) (tracker.Remote, error) {
	var out issue
	err := c.do(ctx, http.MethodPost, "/repos/"+c.Repo+"/issues", map[string]any{"title": in.Title, "body": body(in), "labels": nonNil(in.Labels)}, &out)
	return remote(out), err
}

// Update writes title, body, labels and state: PATCH /repos/{owner}/{repo}/issues/{n}.
func (c *Client) Update(ctx context.Context, id string, in tracker.Issue) (tracker.Remote, error) {
	state, reason := "open", "reopened"
	if in.Done {
		state, reason = "closed", "completed"
	}
	var out issue
	err := c.do(ctx, http.MethodPatch, "/repos/"+c.Repo+"/issues/"+id, map[string]any{"title": in.Title, "body": body(in),
		"labels": nonNil(in.Labels), "state": state, "state_reason": reason}, &out)
	return remote(out), err
}

// Get reads the issue: GET /repos/{owner}/{repo}/issues/{n}.
func (c *Client) Get(ctx context.Context, id string) (tracker.Remote, error) {
	var out issue
	err := c.do(ctx, http.MethodGet, "/repos/"+c.Repo+"/issues/"+id, nil, &out)
	return remote(out), err
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var rd io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	base := c.BaseURL
	if base == "" {
		base = "https://api.github.com"
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(base, "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("Authorization", "Bearer "+c.Token)
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
		var m struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &m)
		return &forge.Error{Status: resp.StatusCode, Message: m.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("github answer: %w", err)
	}
	return nil
}

// Event is what Firebreak reads of an issues webhook.
type Event struct {
	Action string // opened, edited, closed, reopened, …
	Repo   string // owner/name
	Number string
	State  string
	Done   bool
}

// ReadWebhook authenticates an issues webhook (X-Hub-Signature-256) and
// decodes it; other events return ErrNotIssues.
func ReadWebhook(r *http.Request, secret string) (Event, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 5<<20))
	if err != nil {
		return Event{}, err
	}
	if !forge.SignatureValid(http.Header{"X-Hub-Signature-256": {r.Header.Get("X-Hub-Signature-256")}}, b, secret) {
		return Event{}, forge.ErrSignature
	}
	if r.Header.Get("X-GitHub-Event") != "issues" {
		return Event{}, ErrNotIssues
	}
	return ParseEvent(b)
}

// ErrNotIssues is a webhook of another event: acknowledge and ignore.
var ErrNotIssues = fmt.Errorf("not an issues event")

// ParseEvent decodes an issues event body.
func ParseEvent(b []byte) (Event, error) {
	var p struct {
		Action     string `json:"action"`
		Issue      issue  `json:"issue"`
		Repository struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return Event{}, err
	}
	return Event{Action: p.Action, Repo: p.Repository.FullName, Number: strconv.FormatInt(p.Issue.Number, 10), State: p.Issue.State, Done: p.Issue.State == "closed"}, nil
}
