// Package site is the postmortem site: every published postmortem, newest
// first and grouped by month, full-text searchable with highlighted snippets
// and filters, readable by every signed-in user. The index itself is SQL
// (SQLite FTS5 or PostgreSQL tsvector) behind the Index interface; this
// package holds the documents, the query language and the rendering of
// snippets, which are the same for both.
package site

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Doc is one published postmortem as the site shows and indexes it.
type Doc struct {
	Number      int64     `json:"number"`
	Title       string    `json:"title"`
	Slug        string    `json:"slug"`
	Severity    string    `json:"severity"`
	Services    []string  `json:"services"`
	Labels      []string  `json:"labels"`
	Summary     string    `json:"summary"`  // the first paragraph, plain text
	Markdown    string    `json:"markdown"` // the document as written
	IncidentAt  time.Time `json:"incident_at"`
	PublishedAt time.Time `json:"published_at"`
	Commit      string    `json:"commit,omitempty"` // the merge commit, in Git review mode
	URL         string    `json:"url,omitempty"`    // the pull request or file in the forge
}

// Ref is the permalink name of a postmortem: INC-<n>-<slug>.
func (d Doc) Ref() string {
	if d.Slug == "" {
		return "INC-" + strconv.FormatInt(d.Number, 10)
	}
	return "INC-" + strconv.FormatInt(d.Number, 10) + "-" + d.Slug
}

// ParseRef reads the incident number from a permalink name ("INC-169-slug",
// "INC-169" or "169"); ok is false when there is none.
func ParseRef(ref string) (int64, bool) {
	s := strings.TrimPrefix(strings.ToUpper(ref), "INC-")
	if i := strings.IndexByte(s, '-'); i >= 0 {
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// Filter narrows the list or a search. Zero values do not filter.
type Filter struct {
	Service  string
	Severity string
	Year     int
	Label    string
	Limit    int // default 50, at most 200
	Offset   int
}

// Hit is one search result: the document and a snippet of where it matched,
// as sanitized HTML whose only markup is <mark>.
type Hit struct {
	Doc
	Snippet string  `json:"snippet"`
	Rank    float64 `json:"rank"`
}

// Index stores published postmortems and searches them (internal/store).
type Index interface {
	// Put adds or replaces a document.
	Put(ctx context.Context, d Doc) error
	// Remove drops a document (unpublished); absent is not an error.
	Remove(ctx context.Context, number int64) error
	// Get reads one document.
	Get(ctx context.Context, number int64) (Doc, error)
	// List returns documents newest first, and the total matching f.
	List(ctx context.Context, f Filter) ([]Doc, int, error)
	// Search returns documents matching q best first, with raw snippets
	// (the matched words between Mark and EndMark), and the total (at most
	// CountCap+1, meaning more than CountCap).
	Search(ctx context.Context, q Query, f Filter) ([]Hit, int, error)
}

// CountCap bounds the counting of matches: a search's total is exact up to
// CountCap, and CountCap+1 means "more" (counting every match of a common
// word in a large library costs more than the search itself).
const CountCap = 1000

// RankWindow is how many matches a search ranks: the newest RankWindow
// (by incident number). Up to there the ranking is exact; beyond, a common
// word ranks the recent postmortems that contain it — which is what a
// reader of a chronological library wants — instead of costing a scan of
// every match (see bench/search, B7).
const RankWindow = 2000

// Mark and EndMark delimit matched words in the snippets the index returns.
// They are private-use characters, removed from every indexed text, so a
// document can never forge a highlight; RenderSnippet turns them into <mark>.
const (
	Mark    = "\uE000"
	EndMark = "\uE001"
)

// Clean removes the highlight delimiters from text before it is indexed.
func Clean(s string) string {
	return strings.NewReplacer(Mark, "", EndMark, "").Replace(s)
}

// NormalLimit applies the default and the cap to f.Limit.
func (f Filter) NormalLimit() int {
	switch {
	case f.Limit <= 0:
		return 50
	case f.Limit > 200:
		return 200
	}
	return f.Limit
}
