// Package forge is a thin client of the pull-request API of GitHub and of
// Gitea/Forgejo, which share its shape: open a pull request, read one, find
// the open one of a branch, and read the pull_request webhook they send.
package forge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The kinds of forge.
const (
	GitHub = "github"
	Gitea  = "gitea" // also Forgejo
)

// Client talks to one repository on a forge.
type Client struct {
	Kind    string // github or gitea
	BaseURL string // API root: https://api.github.com, or https://gitea.example/api/v1
	Token   string
	Owner   string
	Repo    string
	HTTP    *http.Client
}

// PullRequest is what Firebreak reads of a pull request.
type PullRequest struct {
	Number      int64  `json:"number"`
	URL         string `json:"html_url"`
	State       string `json:"state"` // open, closed
	Merged      bool   `json:"merged"`
	MergeCommit string `json:"merge_commit_sha"`
	Head        struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	} `json:"head"`
}

// NewPullRequest is what opening one needs.
type NewPullRequest struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	Head  string `json:"head"` // the branch
	Base  string `json:"base"` // the main branch
}

// Error is a forge's refusal, with its status and message.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("forge answered %d: %s", e.Status, e.Message) }

// Open opens a pull request of p.Head into p.Base, or returns the open one
// of that branch when there is one already (a retried job must not fail, nor
// open a second).
func (c *Client) Open(ctx context.Context, p NewPullRequest) (PullRequest, error) {
	var pr PullRequest
	err := c.do(ctx, http.MethodPost, c.repoPath("pulls"), p, &pr)
	var fe *Error
	if err != nil && asError(err, &fe) && (fe.Status == http.StatusUnprocessableEntity || fe.Status == http.StatusConflict) {
		if open, ok, ferr := c.OpenFor(ctx, p.Head); ferr == nil && ok {
			return open, nil
		}
	}
	return pr, err
}

// OpenFor finds the open pull request whose head is branch.
func (c *Client) OpenFor(ctx context.Context, branch string) (PullRequest, bool, error) {
	q := url.Values{"state": {"open"}}
	if c.Kind == GitHub {
		q.Set("head", c.Owner+":"+branch)
	}
	for page := 1; page <= 10; page++ {
		q.Set("page", strconv.Itoa(page))
		var prs []PullRequest
		if err := c.do(ctx, http.MethodGet, c.repoPath("pulls")+"?"+q.Encode(), nil, &prs); err != nil {
			return PullRequest{}, false, err
		}
		for _, pr := range prs {
			if pr.Head.Ref == branch {
				return pr, true, nil
			}
		}
		if len(prs) == 0 {
			break
		}
	}
	return PullRequest{}, false, nil
}

// Get reads one pull request.
func (c *Client) Get(ctx context.Context, number int64) (PullRequest, error) {
	var pr PullRequest
	err := c.do(ctx, http.MethodGet, c.repoPath("pulls/"+strconv.FormatInt(number, 10)), nil, &pr)
	return pr, err
}

func (c *Client) repoPath(rest string) string {
	return "/repos/" + url.PathEscape(c.Owner) + "/" + url.PathEscape(c.Repo) + "/" + rest
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
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch c.Kind {
	case GitHub:
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		if c.Token != "" {
			req.Header.Set("Authorization", "Bearer "+c.Token)
		}
	default:
		if c.Token != "" {
			req.Header.Set("Authorization", "token "+c.Token)
		}
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
		if m.Message == "" {
			m.Message = strings.TrimSpace(string(data[:min(len(data), 200)]))
		}
		return &Error{Status: resp.StatusCode, Message: m.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("forge answer: %w", err)
	}
	return nil
}

func asError(err error, target **Error) bool {
	fe, ok := err.(*Error)
	if ok {
		*target = fe
	}
	return ok
}
