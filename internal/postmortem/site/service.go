package site

import (
	"context"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// Service is the postmortem site: reading is for every signed-in user
// (viewers included: learning from incidents is for the whole company);
// writing happens only through Index, called by the postmortem core's job
// when a postmortem is published.
type Service struct{ idx Index }

var _ postmortem.Indexer = (*Service)(nil)

// NewService builds the site on idx.
func NewService(idx Index) *Service { return &Service{idx: idx} }

func reader(ctx context.Context) error {
	a, ok := access.From(ctx)
	if !ok || !a.Can(access.Viewer) {
		return apperr.Unauthenticated("sign in to read postmortems")
	}
	return nil
}

// Search finds published postmortems; an empty query lists them newest first.
func (s *Service) Search(ctx context.Context, query string, f Filter) ([]Hit, int, error) {
	if err := reader(ctx); err != nil {
		return nil, 0, err
	}
	if len(query) > 1000 {
		return nil, 0, apperr.Invalid("q", "the search is too long (at most 1000 characters)")
	}
	if f.Year != 0 && (f.Year < 1970 || f.Year > 9999) {
		return nil, 0, apperr.Invalid("year", "%d is not a year", f.Year)
	}
	return s.idx.Search(ctx, ParseQuery(query), f)
}

// Get reads one published postmortem.
func (s *Service) Get(ctx context.Context, number int64) (Doc, error) {
	if err := reader(ctx); err != nil {
		return Doc{}, err
	}
	return s.idx.Get(ctx, number)
}

// Index puts a published postmortem on the site (postmortem.Indexer); an
// unpublished one is taken off.
func (s *Service) Index(ctx context.Context, doc *postmortem.Doc) error {
	if doc.Status != postmortem.Published {
		return s.idx.Remove(ctx, doc.Number)
	}
	return s.idx.Put(ctx, DocOf(doc))
}

// DocOf is the site's view of a postmortem: its facts give the filters
// (services, severity, labels, the incident's year).
func DocOf(doc *postmortem.Doc) Doc {
	d := Doc{Number: doc.Number, Title: doc.Title, Slug: doc.Slug, Severity: doc.Severity, Services: doc.Facts.Services,
		Labels: labelNames(doc.Facts.Labels), Markdown: doc.Body, IncidentAt: doc.Facts.Date, PublishedAt: doc.UpdatedAt}
	if d.Severity == "" {
		d.Severity = doc.Facts.Severity
	}
	if d.IncidentAt.IsZero() {
		d.IncidentAt = doc.CreatedAt
	}
	if p := doc.Publication; p != nil {
		d.PublishedAt, d.Commit, d.URL = p.At, p.Commit, p.URL
	}
	return d
}

// labelNames keeps the incident's labels as "key=value" and adds the keys
// alone, so that filtering by "team" or by "team=payments" both work.
func labelNames(ls []string) []string {
	out := []string{}
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, l := range ls {
		add(l)
		if k, _, ok := strings.Cut(l, "="); ok {
			add(k)
		}
	}
	return out
}
