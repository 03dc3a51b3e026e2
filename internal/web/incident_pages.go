package web

import (
	"net/http"

	"github.com/firebreak-hq/firebreak/internal/paging"
)

// incidentPages is the pages linked to incident n (raised for it, or the
// triage item's page it was declared from), newest first, for the
// incident page's "Pages" card. A node without paging shows none.
func (s *server) incidentPages(r *http.Request, n int64) ([]pageRow, error) {
	if s.paging == nil {
		return nil, nil
	}
	ctx := r.Context()
	pages, err := s.paging.List(ctx, paging.Filter{IncidentNumber: n, Limit: 50})
	if err != nil || len(pages) == 0 {
		return nil, err
	}
	names := s.userNames(ctx)
	out := make([]pageRow, 0, len(pages))
	for _, p := range pages {
		out = append(out, pageRow{Page: p, AckedByName: pageUserName(names, p.AckedBy)})
	}
	return out, nil
}
