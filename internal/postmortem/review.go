package postmortem

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Review is the state of the built-in review of one postmortem.
type Review struct {
	Reviewers []Reviewer `json:"reviewers"`
	Comments  []Comment  `json:"comments"`
	Approvals int        `json:"approvals"`
	Needed    int        `json:"needed"` // approvals the policy asks for
}

// Review returns the reviewers, comments and approval count.
func (s *Service) Review(ctx context.Context, number int64) (*Review, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	rs, err := s.store.Reviewers(ctx, number)
	if err != nil {
		return nil, err
	}
	cs, err := s.store.Comments(ctx, number)
	if err != nil {
		return nil, err
	}
	return &Review{Reviewers: rs, Comments: cs, Approvals: approvals(rs), Needed: s.policy.Approvals}, nil
}

func approvals(rs []Reviewer) int {
	n := 0
	for _, r := range rs {
		if r.State == ReviewApproved {
			n++
		}
	}
	return n
}

// RequestReview asks users to review the postmortem; it moves to in review.
func (s *Service) RequestReview(ctx context.Context, number int64, userIDs []int64) (*Review, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := responder(a); err != nil {
		return nil, err
	}
	if len(userIDs) == 0 {
		return nil, apperr.Invalid("reviewers", "name at least one reviewer")
	}
	for _, id := range userIDs {
		if _, err := s.people.Person(ctx, id); err != nil {
			return nil, apperr.Invalid("reviewers", "there is no user with id %d", id)
		}
	}
	now := s.now().UTC()
	err = s.store.InTx(ctx, func(tx Tx) error {
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if pm.Status == Published || pm.Status == Waived {
			return apperr.Conflict("the postmortem of %s is %s", incident.Ref(number), pm.Status)
		}
		have, err := tx.Reviewers(ctx, number)
		if err != nil {
			return err
		}
		for _, id := range userIDs {
			if slices.ContainsFunc(have, func(r Reviewer) bool { return r.UserID == id }) {
				continue
			}
			if err := tx.SaveReviewer(ctx, Reviewer{Number: number, UserID: id, State: ReviewRequested, RequestedBy: a.UserID, RequestedAt: now}); err != nil {
				return err
			}
			if err := tx.Enqueue(ctx, ReviewRequestJob{Number: number, UserID: id}); err != nil {
				return err
			}
		}
		if pm.Status == Draft {
			prev := pm.Version
			pm.Status = InReview
			if ok, err := tx.Save(ctx, pm, prev); err != nil || !ok {
				return staleOr(err, pm, prev)
			}
		}
		return s.audit(ctx, tx, "postmortem.review.request", number, map[string]any{"reviewers": userIDs}, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Review(ctx, number)
}

func staleOr(err error, pm *Postmortem, prev int64) error {
	if err != nil {
		return err
	}
	return stale(pm, prev)
}

// Decide records a requested reviewer's approval (or request for changes)
// of the current version, with an optional comment.
func (s *Service) Decide(ctx context.Context, number int64, state ReviewState, comment string) (*Review, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if state != ReviewApproved && state != ReviewChanges {
		return nil, apperr.Invalid("state", "approve or request changes")
	}
	now := s.now().UTC()
	err = s.store.InTx(ctx, func(tx Tx) error {
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		rs, err := tx.Reviewers(ctx, number)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(rs, func(r Reviewer) bool { return r.UserID == a.UserID })
		if i < 0 {
			return apperr.Forbidden("only the requested reviewers of %s may approve it", incident.Ref(number))
		}
		r := rs[i]
		r.State, r.DecidedAt = state, &now
		r.ApprovedVersion = 0
		if state == ReviewApproved {
			r.ApprovedVersion = pm.Version
		}
		if err := tx.SaveReviewer(ctx, r); err != nil {
			return err
		}
		if c := strings.TrimSpace(comment); c != "" {
			if err := s.addComment(ctx, tx, a, number, c, now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, "postmortem.review."+string(state), number, map[string]any{"version": pm.Version}, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Review(ctx, number)
}

// Comment adds a review comment; every responder may comment.
func (s *Service) Comment(ctx context.Context, number int64, body string) (*Comment, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := responder(a); err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, apperr.Invalid("body", "the comment is empty")
	}
	var out *Comment
	now := s.now().UTC()
	err = s.store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.GetForUpdate(ctx, number); err != nil {
			return err
		}
		c, err := s.addCommentRet(ctx, tx, a, number, body, now)
		out = c
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, "postmortem.review.comment", number, nil, now)
	})
	return out, err
}

func (s *Service) addComment(ctx context.Context, tx Tx, a access.Actor, number int64, body string, now time.Time) error {
	_, err := s.addCommentRet(ctx, tx, a, number, body, now)
	return err
}

func (s *Service) addCommentRet(ctx context.Context, tx Tx, a access.Actor, number int64, body string, now time.Time) (*Comment, error) {
	if utf8.RuneCountInString(body) > 20000 {
		return nil, apperr.Invalid("body", "the comment is longer than 20,000 characters")
	}
	c := &Comment{Number: number, AuthorID: a.UserID, AuthorName: a.Name, Body: body, At: now}
	return c, tx.AddComment(ctx, c)
}
