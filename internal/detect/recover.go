package detect

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
)

// DeclareStale is how long a declare may hold an item in "declaring"
// before it counts as interrupted (the node died mid-way). A declare takes
// milliseconds; a minute leaves room for a slow database without making
// anyone wait long for the incident.
const DeclareStale = time.Minute

// errDeclareInProgress asks the queue to look again later.
var errDeclareInProgress = errors.New("the declare of this item is still in progress; looking again later")

// WorkDeclareRecover is the worker of DeclareRecoverJob. It re-reads the
// group, so running it twice, or after the declare finished, does nothing.
// An interrupted declare is finished: the incident it made is found by its
// alert_group label and linked, or, when it made none, one is declared
// now (by the system, with the options the declarer chose) and linked.
func (s *Service) WorkDeclareRecover(ctx context.Context, job DeclareRecoverJob, attempt int) error {
	ctx = systemCtx(ctx)
	g, err := s.store.Group(ctx, job.GroupID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if g.Triage != TriageDeclaring {
		return nil // linked, or put back in the queue
	}
	if s.now().Sub(g.UpdatedAt) < DeclareStale {
		// Claimed again since this job was enqueued (after a put-back): that
		// declare is still running, or has its own recovery job.
		return errDeclareInProgress
	}
	number, err := s.store.IncidentOfGroup(ctx, g.ID)
	if err != nil {
		return err
	}
	how := "found the incident it had made"
	if number == 0 {
		inc, err := s.declare(ctx, g, job.Options)
		if err != nil {
			return err
		}
		number, how = inc.Number, "declared the incident"
	}
	g, err = s.store.UpdateGroup(ctx, g.ID, func(g *Group) error {
		if g.Triage != TriageDeclaring {
			return errDeclareInProgress
		}
		g.Link(access.System, number, TriageDeclared, s.now().UTC())
		return nil
	})
	if err != nil {
		return err
	}
	return s.note(ctx, number, fmt.Sprintf("The declare from alert group %s was interrupted; Firebreak %s and linked the alerts.", strconv.FormatInt(g.ID, 10), how))
}
