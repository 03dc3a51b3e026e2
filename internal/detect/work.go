package detect

import (
	"context"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// The workers of the Detect stage's jobs. Each re-reads the group and does
// nothing when it has moved on, so a job run twice does no harm. They act
// as the System actor: a routing rule, not a person, decided.

// Notifier tells a service's owner team about a new triage item. Until the
// on-call capability pages people, this is a signed webhook per team.
type Notifier interface {
	NotifyTriage(ctx context.Context, item Item) error
}

func systemCtx(ctx context.Context) context.Context { return access.With(ctx, access.System) }

// WorkTriageNotify is the worker of TriageNotifyJob.
func (s *Service) WorkTriageNotify(n Notifier) func(ctx context.Context, job TriageNotifyJob, attempt int) error {
	return func(ctx context.Context, job TriageNotifyJob, attempt int) error {
		ctx = systemCtx(ctx)
		item, err := s.Item(ctx, job.GroupID)
		if apperr.Is(err, apperr.CodeNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if item.Triage != TriagePending {
			return nil // already decided: no one needs waking
		}
		return n.NotifyTriage(ctx, item)
	}
}

// WorkDeclare is the worker of DeclareJob: a declare rule matched.
func (s *Service) WorkDeclare(ctx context.Context, job DeclareJob, attempt int) error {
	ctx = systemCtx(ctx)
	g, err := s.store.Group(ctx, job.GroupID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if g.Triage != TriagePending {
		return nil
	}
	_, err = s.Declare(ctx, g.ID, DeclareOptions{Severity: job.Severity})
	if apperr.Is(err, apperr.CodeConflict) {
		return nil // someone decided first
	}
	return err
}

// WorkAttach is the worker of AttachJob: a new alert joined a group that
// has an incident; it goes on the incident's timeline.
func (s *Service) WorkAttach(ctx context.Context, job AttachJob, attempt int) error {
	ctx = systemCtx(ctx)
	g, err := s.store.Group(ctx, job.GroupID)
	if err != nil {
		return ignoreNotFound(err)
	}
	al, err := s.store.Alert(ctx, job.AlertID)
	if err != nil {
		return ignoreNotFound(err)
	}
	return s.note(ctx, g.IncidentNumber, fmt.Sprintf("Alert fired: [%s] %s (alert %d, from %s).", al.Severity, al.Title, al.ID, al.Integration))
}

// WorkGroupResolved is the worker of GroupResolvedJob: it records that
// every alert resolved and proposes resolving, without doing it.
func (s *Service) WorkGroupResolved(ctx context.Context, job GroupResolvedJob, attempt int) error {
	ctx = systemCtx(ctx)
	g, err := s.store.Group(ctx, job.GroupID)
	if err != nil {
		return ignoreNotFound(err)
	}
	return s.note(ctx, g.IncidentNumber, fmt.Sprintf("All %d alerts of alert group %d (%s) have resolved. If customers are no longer affected, consider resolving this incident.", g.AlertCount, g.ID, g.Title))
}

func (s *Service) note(ctx context.Context, number int64, text string) error {
	if number == 0 {
		return nil
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return ignoreNotFound(err)
	}
	if inc.Stage != incident.Detect && inc.Stage != incident.Fix {
		return nil // closed incidents take no more notes from alerts
	}
	_, err = s.incidents.AddNote(ctx, number, text, false)
	return err
}

func ignoreNotFound(err error) error {
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	return err
}

// MissedHeartbeats lists heartbeat integrations overdue at now.
func (s *Service) MissedHeartbeats(ctx context.Context, now time.Time) ([]Integration, error) {
	ins, err := s.store.ListIntegrations(systemCtx(ctx))
	if err != nil {
		return nil, err
	}
	var out []Integration
	for _, in := range ins {
		if in.Kind == KindHeartbeat && in.HeartbeatMissed(now) {
			out = append(out, in)
		}
	}
	return out, nil
}
