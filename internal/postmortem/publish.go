package postmortem

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Publish publishes a postmortem. In the built-in mode it needs the
// configured number of approvals and publishes at once; in git mode it
// submits the document for review through the Publisher, and the git
// adapter calls MarkPublished when the pull request merges.
func (s *Service) Publish(ctx context.Context, number int64) (*Postmortem, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := responder(a); err != nil {
		return nil, err
	}
	pm, err := s.store.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	switch pm.Status {
	case Published:
		return pm, nil
	case Waived:
		return nil, apperr.Conflict("the postmortem of %s was waived", incident.Ref(number))
	}
	if s.policy.Mode == ModeGit {
		if s.publisher == nil {
			return nil, apperr.Conflict("git review is configured but no git publisher is set up on this node")
		}
		if err := s.RefreshItems(ctx, number); err != nil {
			return nil, err
		}
		now := s.now().UTC()
		err := s.store.InTx(ctx, func(tx Tx) error {
			pm, err := tx.GetForUpdate(ctx, number)
			if err != nil {
				return err
			}
			if pm.Status == Draft {
				prev := pm.Version
				pm.Status = InReview
				if ok, err := tx.Save(ctx, pm, prev); err != nil || !ok {
					return staleOr(err, pm, prev)
				}
			}
			if err := tx.Enqueue(ctx, SubmitJob{Number: number, Version: pm.Version}); err != nil {
				return err
			}
			return s.audit(ctx, tx, "postmortem.submit", number, map[string]any{"version": pm.Version}, now)
		})
		if err != nil {
			return nil, err
		}
		return s.store.Get(ctx, number)
	}
	rs, err := s.store.Reviewers(ctx, number)
	if err != nil {
		return nil, err
	}
	if got := approvals(rs); got < s.policy.Approvals {
		return nil, apperr.Conflict("publishing needs %d approval(s) from requested reviewers; it has %d", s.policy.Approvals, got)
	}
	if err := s.RefreshItems(ctx, number); err != nil {
		return nil, err
	}
	if err := s.MarkPublished(ctx, number, Publication{Mode: ModeBuiltin}); err != nil {
		return nil, err
	}
	return s.store.Get(ctx, number)
}

// MarkPublished records that a postmortem was published — by the built-in
// review, or by the git adapter when the review merged (mode "git", with the
// merge commit and the pull request's URL) — and appends a timeline event
// to the incident in the same transaction. Publishing again (an edit merged
// after publishing) updates the record. The indexer is called through a job.
func (s *Service) MarkPublished(ctx context.Context, number int64, how Publication) error {
	if how.Mode != ModeBuiltin && how.Mode != ModeGit {
		return apperr.Invalid("mode", "publication mode is builtin or git, not %q", how.Mode)
	}
	_, err := s.incidents.RecordAlongside(ctx, number, func(itx incident.Tx, a access.Actor, inc *incident.Incident, now time.Time) (incident.Event, error) {
		if err := responder(a); err != nil {
			return incident.Event{}, err
		}
		tx, err := s.store.Within(itx)
		if err != nil {
			return incident.Event{}, err
		}
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return incident.Event{}, err
		}
		if pm.Status == Waived {
			return incident.Event{}, apperr.Conflict("the postmortem of %s was waived", inc.Ref())
		}
		how.At = now
		prev := pm.Version
		pm.Status, pm.Publication, pm.UpdatedAt = Published, &how, now
		if ok, err := tx.Save(ctx, pm, prev); err != nil || !ok {
			return incident.Event{}, staleOr(err, pm, prev)
		}
		if err := tx.Enqueue(ctx, IndexJob{Number: number}); err != nil {
			return incident.Event{}, err
		}
		if err := tx.Audit(ctx, audit.New(a, now, "postmortem.publish", inc.Ref(), how)); err != nil {
			return incident.Event{}, err
		}
		if err := tx.Publish(ctx, Topic(number)); err != nil {
			return incident.Event{}, err
		}
		return incident.Event{Kind: EventPublished, After: map[string]any{"mode": how.Mode, "commit": how.Commit, "url": how.URL},
			Note: "Postmortem published"}, nil
	})
	return err
}

// Waive closes the postmortem of a low-severity incident without writing it,
// with a recorded reason; only the IM may, and never for the severities the
// policy protects.
func (s *Service) Waive(ctx context.Context, number int64, reason string) (*Postmortem, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, apperr.Invalid("reason", "waiving the postmortem needs a reason")
	}
	if utf8.RuneCountInString(reason) > 2000 {
		return nil, apperr.Invalid("reason", "is longer than 2,000 characters")
	}
	_, err := s.incidents.RecordAlongside(ctx, number, func(itx incident.Tx, a access.Actor, inc *incident.Incident, now time.Time) (incident.Event, error) {
		if err := manager(a, inc); err != nil {
			return incident.Event{}, err
		}
		if !s.policy.MayWaive(inc.Severity) {
			return incident.Event{}, apperr.Conflict("%s is %s: its postmortem cannot be waived", inc.Ref(), inc.Severity)
		}
		tx, err := s.store.Within(itx)
		if err != nil {
			return incident.Event{}, err
		}
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return incident.Event{}, err
		}
		if pm.Status == Published {
			return incident.Event{}, apperr.Conflict("the postmortem of %s is already published", inc.Ref())
		}
		prev := pm.Version
		pm.Status, pm.Waiver, pm.Severity, pm.UpdatedAt = Waived, &Waiver{Reason: reason, By: a.UserID, At: now}, inc.Severity, now
		if ok, err := tx.Save(ctx, pm, prev); err != nil || !ok {
			return incident.Event{}, staleOr(err, pm, prev)
		}
		if err := tx.Audit(ctx, audit.New(a, now, "postmortem.waive", inc.Ref(), map[string]any{"reason": reason})); err != nil {
			return incident.Event{}, err
		}
		if err := tx.Publish(ctx, Topic(number)); err != nil {
			return incident.Event{}, err
		}
		return incident.Event{Kind: EventWaived, Note: reason}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.store.Get(ctx, number)
}

// ClosePolicy is the close gate for the incident service: Improve → Closed
// only once the postmortem is published, or waived where the severity allows.
func (s *Service) ClosePolicy(ctx context.Context, inc *incident.Incident) error {
	pm, err := s.store.Get(ctx, inc.Number)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return s.policy.Gate(nil)
	}
	if err != nil {
		return err
	}
	pm.Severity = inc.Severity // the incident's current severity decides
	return s.policy.Gate(pm)
}
