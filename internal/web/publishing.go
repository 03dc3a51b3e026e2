package web

import (
	"net/http"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
	"github.com/firebreak-hq/firebreak/internal/tracker"
)

// publishingView is a postmortem's way out of Firebreak: its git review
// and its action items' issues in the teams' trackers.
type publishingView struct {
	Ref        string
	GitEnabled bool
	Git        *gitpub.Publication // nil: never submitted
	Trackers   bool
	Items      []itemIssue
}

type itemIssue struct {
	Item  postmortem.ActionItem
	Issue *tracker.Link // nil: not synced (no tracker for its team, or not yet)
}

// publishingPage answers GET /postmortems/{ref}/publishing.
func (s *server) publishingPage(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := publishingView{Ref: incident.Ref(n), GitEnabled: s.gitReview != nil, Trackers: s.tracker != nil}
	if s.gitReview != nil {
		p, err := s.gitReview.Status(ctx, n)
		switch {
		case err == nil:
			v.Git = &p
		case !apperr.Is(err, apperr.CodeNotFound):
			return err
		}
	}
	if s.pm != nil {
		items, err := s.pm.Items(ctx, postmortem.ItemFilter{Number: n})
		if err != nil {
			return err
		}
		for _, it := range items {
			ii := itemIssue{Item: it}
			if s.tracker != nil {
				l, err := s.tracker.Link(ctx, it.ID)
				switch {
				case err == nil:
					ii.Issue = &l
				case !apperr.Is(err, apperr.CodeNotFound):
					return err
				}
			}
			v.Items = append(v.Items, ii)
		}
	}
	s.render(w, r, http.StatusOK, "postmortem_publishing", page{Title: v.Ref + ": review and issues", Nav: "postmortems", Data: v})
	return nil
}
