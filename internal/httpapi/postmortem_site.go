package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
	"github.com/firebreak-hq/firebreak/internal/tracker"
)

// Publishing is the publishing capability's part of the API: the
// postmortem site's search, the git review state and action items' issues.
// Any of them may be nil (not configured): its routes then answer 404.
type Publishing struct {
	Site    *site.Service
	Git     *gitpub.Service
	Tracker *tracker.Service
}

// siteHit is one published postmortem in a list or search result.
type siteHit struct {
	Ref         string    `json:"ref"` // INC-<n>-<slug>, the permalink's name
	Number      int64     `json:"number"`
	Title       string    `json:"title"`
	Severity    string    `json:"severity"`
	Services    []string  `json:"services"`
	Labels      []string  `json:"labels"`
	Summary     string    `json:"summary"`
	Snippet     string    `json:"snippet"` // HTML: the text escaped, matches in <mark>
	IncidentAt  time.Time `json:"incident_at"`
	PublishedAt time.Time `json:"published_at"`
	Commit      string    `json:"commit,omitempty"`
	URL         string    `json:"url,omitempty"`
	Permalink   string    `json:"permalink"`
}

// siteResults is a page of search results.
type siteResults struct {
	Items []siteHit `json:"items"`
	Total int       `json:"total"`
}

// sitePostmortem is one published postmortem with its Markdown.
type sitePostmortem struct {
	siteHit
	Markdown string `json:"markdown"`
}

func hitView(h site.Hit) siteHit {
	snippet := string(site.RenderSnippet(h.Snippet))
	return siteHit{Ref: h.Ref(), Number: h.Number, Title: h.Title, Severity: h.Severity, Services: h.Services, Labels: h.Labels,
		Summary: h.Summary, Snippet: snippet, IncidentAt: h.IncidentAt, PublishedAt: h.PublishedAt, Commit: h.Commit, URL: h.URL,
		Permalink: "/library/" + h.Ref()}
}

// searchPostmortems searches (or, without q, lists) published postmortems.
func (s *server) searchPostmortems(w http.ResponseWriter, r *http.Request) error {
	if s.pub.Site == nil {
		return apperr.NotFound("the postmortem site")
	}
	if err := checkQuery(r, "q", "service", "severity", "year", "label", "limit", "offset"); err != nil {
		return err
	}
	f, err := siteFilter(r)
	if err != nil {
		return err
	}
	hits, total, err := s.pub.Site.Search(r.Context(), r.URL.Query().Get("q"), f)
	if err != nil {
		return err
	}
	out := siteResults{Items: make([]siteHit, len(hits)), Total: total}
	for i, h := range hits {
		out.Items[i] = hitView(h)
	}
	return writeJSON(w, http.StatusOK, out)
}

// siteFilter reads the filters shared by the API and the web page.
func siteFilter(r *http.Request) (site.Filter, error) {
	q := r.URL.Query()
	f := site.Filter{Service: q.Get("service"), Severity: q.Get("severity"), Label: q.Get("label")}
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return f, apperr.Invalid("year", "year must be a number like 2025")
		}
		f.Year = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return f, apperr.Invalid("limit", "limit must be a number from 1 to 200")
		}
		f.Limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100000 {
			return f, apperr.Invalid("offset", "offset must be a number from 0")
		}
		f.Offset = n
	}
	return f, nil
}

// getPublishedPostmortem reads one published postmortem.
func (s *server) getPublishedPostmortem(w http.ResponseWriter, r *http.Request) error {
	if s.pub.Site == nil {
		return apperr.NotFound("the postmortem site")
	}
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	d, err := s.pub.Site.Get(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sitePostmortem{siteHit: hitView(site.Hit{Doc: d, Snippet: site.Clean(d.Summary)}), Markdown: d.Markdown})
}

// gitReview is the state of a postmortem's git review.
type gitReview struct {
	Number      int64      `json:"number"`
	Revision    int64      `json:"revision"`
	State       string     `json:"state"` // pending, submitted, merged
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

// getGitReview reads where a postmortem's git review stands.
func (s *server) getGitReview(w http.ResponseWriter, r *http.Request) error {
	if s.pub.Git == nil {
		return apperr.NotFound("git review (postmortem.review is not git)")
	}
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	p, err := s.pub.Git.Status(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, gitReview{Number: p.Number, Revision: p.Revision, State: p.State, Branch: p.Branch, Path: p.Path,
		HeadCommit: p.HeadCommit, PullRequest: p.PRURL, MergeCommit: p.MergeCommit, LastError: p.LastError, RequestedAt: p.RequestedAt,
		SubmittedAt: p.SubmittedAt, MergedAt: p.MergedAt})
}

// getTrackerLink reads an action item's issue in the outside tracker.
func (s *server) getTrackerLink(w http.ResponseWriter, r *http.Request) error {
	if s.pub.Tracker == nil {
		return apperr.NotFound("tracker sync (no tracker is configured)")
	}
	id, err := pathID(r, "id", "action item")
	if err != nil {
		return err
	}
	l, err := s.pub.Tracker.Link(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}
