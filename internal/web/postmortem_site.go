package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// libraryView is the postmortem site's list: search results best first, or
// without a query every published postmortem newest first, grouped by month.
type libraryView struct {
	Query    string
	Filter   site.Filter
	Filtered bool
	Scale    incident.Scale
	Services []string
	Years    []int
	Months   []libraryMonth // without a query
	Hits     []libraryHit   // with a query
	Total    int
	Shown    int
	NextURL  string
}

type libraryMonth struct {
	Label string // "September 2025"
	Docs  []libraryHit
}

type libraryHit struct {
	site.Doc
	Snippet template.HTML
}

// libraryPage answers GET /library: the postmortem site, readable by every
// signed-in user.
func (s *server) libraryPage(w http.ResponseWriter, r *http.Request) error {
	if s.site == nil {
		return apperr.NotFound("the postmortem site")
	}
	q := r.URL.Query()
	v := libraryView{Query: strings.TrimSpace(q.Get("q")), Scale: s.inc.Scale()}
	v.Filter = site.Filter{Service: q.Get("service"), Severity: q.Get("severity"), Label: strings.TrimSpace(q.Get("label")), Limit: 50}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return apperr.Invalid("year", "year must be a number like 2025")
		}
		v.Filter.Year = n
	}
	if o, err := strconv.Atoi(q.Get("offset")); err == nil && o > 0 && o < 100000 {
		v.Filter.Offset = o
	}
	v.Filtered = v.Filter.Service != "" || v.Filter.Severity != "" || v.Filter.Year != 0 || v.Filter.Label != ""
	hits, total, err := s.site.Search(r.Context(), v.Query, v.Filter)
	if err != nil {
		return err
	}
	v.Total, v.Shown = total, v.Filter.Offset+len(hits)
	if v.Shown < total {
		next := url.Values{}
		for k, vals := range q {
			next[k] = vals
		}
		next.Set("offset", strconv.Itoa(v.Shown))
		v.NextURL = "/library?" + next.Encode()
	}
	for _, h := range hits {
		lh := libraryHit{Doc: h.Doc, Snippet: site.RenderSnippet(h.Snippet)}
		if v.Query != "" {
			v.Hits = append(v.Hits, lh)
			continue
		}
		label := h.PublishedAt.Format("January 2006")
		if n := len(v.Months); n == 0 || v.Months[n-1].Label != label {
			v.Months = append(v.Months, libraryMonth{Label: label})
		}
		m := &v.Months[len(v.Months)-1]
		m.Docs = append(m.Docs, lh)
	}
	if v.Services, err = s.serviceNames(r); err != nil {
		return err
	}
	for y := s.now().Year(); y >= s.now().Year()-9; y-- {
		v.Years = append(v.Years, y)
	}
	s.render(w, r, http.StatusOK, "library", page{Title: "Postmortems library", Nav: "library", Data: v})
	return nil
}

// libraryDocView is one published postmortem's permalink page.
type libraryDocView struct {
	site.Doc
	Body template.HTML
}

// libraryDoc answers GET /library/{ref}, the permalink INC-<n>-<slug>;
// another spelling (no slug, an old slug) redirects to it.
func (s *server) libraryDoc(w http.ResponseWriter, r *http.Request) error {
	if s.site == nil {
		return apperr.NotFound("the postmortem site")
	}
	n, ok := site.ParseRef(r.PathValue("ref"))
	if !ok {
		return apperr.NotFound("postmortem " + r.PathValue("ref"))
	}
	d, err := s.site.Get(r.Context(), n)
	if err != nil {
		return err
	}
	if r.PathValue("ref") != d.Ref() {
		http.Redirect(w, r, "/library/"+d.Ref(), http.StatusMovedPermanently)
		return nil
	}
	s.render(w, r, http.StatusOK, "library_doc", page{Title: d.Ref() + ": " + d.Title, Nav: "library",
		Data: libraryDocView{Doc: d, Body: site.RenderMarkdown(d.Markdown)}})
	return nil
}
