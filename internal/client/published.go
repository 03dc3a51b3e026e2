package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// PublishedPostmortem is a postmortem on the postmortem site (a search hit).
type PublishedPostmortem struct {
	Ref         string    `json:"ref"`
	Number      int64     `json:"number"`
	Title       string    `json:"title"`
	Severity    string    `json:"severity"`
	Services    []string  `json:"services"`
	Labels      []string  `json:"labels"`
	Summary     string    `json:"summary"`
	Snippet     string    `json:"snippet"` // HTML: escaped text, matches in <mark>
	IncidentAt  time.Time `json:"incident_at"`
	PublishedAt time.Time `json:"published_at"`
	Commit      string    `json:"commit,omitempty"`
	URL         string    `json:"url,omitempty"`
	Permalink   string    `json:"permalink"`
	Markdown    string    `json:"markdown,omitempty"` // only when read one by one
}

// SearchResults is a page of the postmortem site's search.
type SearchResults struct {
	Items []PublishedPostmortem `json:"items"`
	Total int                   `json:"total"`
}

// SiteFilter narrows a search of the postmortem site.
type SiteFilter struct {
	Service, Severity, Label string
	Year, Limit              int
}

// SearchPostmortems searches the published postmortems (an empty query lists them, newest first).
func (c *Client) SearchPostmortems(ctx context.Context, query string, f SiteFilter) (SearchResults, error) {
	q := url.Values{}
	for k, v := range map[string]string{"q": query, "service": f.Service, "severity": f.Severity, "label": f.Label} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Year != 0 {
		q.Set("year", strconv.Itoa(f.Year))
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var out SearchResults
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/published-postmortems", query: q}, &out)
	return out, err
}

// PublishedPostmortem reads one published postmortem ("INC-42").
func (c *Client) PublishedPostmortem(ctx context.Context, ref string) (PublishedPostmortem, error) {
	var out PublishedPostmortem
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/published-postmortems/" + url.PathEscape(ref)}, &out)
	return out, err
}

// GitReview is where a postmortem's git review stands.
type GitReview struct {
	Number      int64      `json:"number"`
	Revision    int64      `json:"revision"`
	State       string     `json:"state"`
	Branch      string     `json:"branch,omitempty"`
	Path        string     `json:"path,omitempty"`
	HeadCommit  string     `json:"head_commit,omitempty"`
	PullRequest string     `json:"pull_request,omitempty"`
	MergeCommit string     `json:"merge_commit,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	RequestedAt time.Time  `json:"requested_at"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	MergedAt    *time.Time `json:"merged_at,omitempty"`
}

// GitReview reads a postmortem's git review state.
func (c *Client) GitReview(ctx context.Context, ref string) (GitReview, error) {
	var out GitReview
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/postmortems/" + url.PathEscape(ref) + "/git"}, &out)
	return out, err
}
