package paging

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// StepJob fires step Seq of a page at At. It is enqueued in the transaction
// that makes the step due, carries only ids, and re-reads the page: a job
// that finds the page acknowledged, resolved or moved on does nothing.
type StepJob struct {
	PageID int64     `json:"page_id"`
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
}

// Kind names the job for the queue.
func (StepJob) Kind() string { return "page_step" }

// RunAt holds the job until the step is due.
func (j StepJob) RunAt() time.Time { return j.At }

// AckedJob tells the incident side that a triage page was acknowledged:
// the acknowledger becomes the First Responder of its incident.
type AckedJob struct {
	PageID int64 `json:"page_id"`
}

// Kind names the job for the queue.
func (AckedJob) Kind() string { return "page_acked" }

// ResolveSourceJob resolves the open pages of an alert group or incident
// that is over.
type ResolveSourceJob struct {
	Source   Source `json:"source"`
	SourceID int64  `json:"source_id"`
	Why      string `json:"why"`
}

// Kind names the job for the queue.
func (ResolveSourceJob) Kind() string { return "page_resolve_source" }

// WorkResolveSource is the worker of ResolveSourceJob.
func (s *Service) WorkResolveSource(ctx context.Context, j ResolveSourceJob, attempt int) error {
	return s.resolveSource(ctx, j.Source, j.SourceID, j.Why)
}

// NoticeKey is the idempotency key of one person's notice for one fired
// step: the same on every node and every retry of the job.
func NoticeKey(pageID, seq int64, pos Position, userID int64) string {
	return fmt.Sprintf("page-%d-seq-%d-round-%d-step-%d-user-%d", pageID, seq, pos.Round, pos.Step, userID)
}

// WorkStep is the worker of StepJob. It notifies the step's people first
// (idempotently: a retry after a crash repeats the same keys, which the
// notifier ignores), then records the step as fired and enqueues the next
// one in one transaction. Two runs of one job (a node died after notifying)
// therefore notify once and record once; the row lock and the sequence
// number make the second record a no-op.
func (s *Service) WorkStep(ctx context.Context, j StepJob, attempt int) error {
	p, err := s.store.Page(ctx, j.PageID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	probe := p
	step, pos, _, ok := probe.Fire(j.Seq, s.now())
	if !ok {
		return nil
	}
	now := s.now()
	users, events := s.resolveTargets(ctx, step.Targets, now)
	for _, u := range users {
		if s.notifier == nil {
			break
		}
		n, err := s.notice(ctx, p, j.Seq, pos, u, now)
		if err != nil {
			return err
		}
		if err := s.notifier.Notify(ctx, n); err != nil {
			return fmt.Errorf("notify user %d of page %d: %w", u, p.ID, err)
		}
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		p, err := tx.PageForUpdate(ctx, j.PageID)
		if err != nil {
			return err
		}
		_, pos, due, ok := p.Fire(j.Seq, now)
		if !ok {
			return nil // acknowledged or moved on while we notified; recorded by whoever did it
		}
		targets := make([]string, len(step.Targets))
		for i, t := range step.Targets {
			targets[i] = t.String()
		}
		evs := append([]Event{{At: now, Kind: EvStepFired, Text: fmt.Sprintf("Step %d (%s) fired: %s", pos.Step+1, pos, strings.Join(targets, ", "))}}, events...)
		for _, u := range users {
			evs = append(evs, Event{At: now, Kind: EvNotified, UserID: u, Text: "Notified"})
		}
		if len(users) == 0 {
			evs = append(evs, Event{At: now, Kind: EvNoOne, Text: "No one to notify at this step"})
		}
		if due == nil {
			evs = append(evs, Event{At: now, Kind: EvExhausted, Text: "Every step has fired; the page stays open until someone acknowledges or resolves it"})
		}
		if err := tx.SavePage(ctx, &p); err != nil {
			return err
		}
		if err := tx.AppendEvents(ctx, p.ID, evs); err != nil {
			return err
		}
		if due != nil {
			return tx.Enqueue(ctx, StepJob{PageID: p.ID, Seq: due.Seq, At: due.At})
		}
		return nil
	})
}

// resolveTargets turns a step's targets into the people on call at now,
// each once, with a timeline note for a target that resolved to no one.
func (s *Service) resolveTargets(ctx context.Context, targets []Target, now time.Time) ([]int64, []Event) {
	var users []int64
	var notes []Event
	add := func(ids []int64) {
		for _, id := range ids {
			if !slices.Contains(users, id) {
				users = append(users, id)
			}
		}
	}
	for _, t := range targets {
		switch t.Kind {
		case TargetUser:
			add([]int64{t.ID})
		case TargetSchedule, TargetTeam:
			ids, err := s.whoIsOnCall(ctx, t, now)
			if err != nil {
				notes = append(notes, Event{At: now, Kind: EvNoOne, Text: fmt.Sprintf("Could not tell who is on call for %s: %v", t, err)})
				continue
			}
			if len(ids) == 0 {
				notes = append(notes, Event{At: now, Kind: EvNoOne, Text: fmt.Sprintf("No one is on call for %s", t)})
			}
			add(ids)
		}
	}
	return users, notes
}

func (s *Service) whoIsOnCall(ctx context.Context, t Target, at time.Time) ([]int64, error) {
	if s.oncall == nil {
		return nil, fmt.Errorf("on-call schedules are not available on this node")
	}
	scheds := []int64{t.ID}
	if t.Kind == TargetTeam {
		var err error
		if scheds, err = s.oncall.TeamSchedules(ctx, t.ID); err != nil {
			return nil, err
		}
	}
	var out []int64
	for _, id := range scheds {
		ids, err := s.oncall.OnCallAt(ctx, id, at)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}

// notice builds one person's notice with its signed action links.
func (s *Service) notice(ctx context.Context, p Page, seq int64, pos Position, user int64, now time.Time) (Notice, error) {
	n := Notice{Key: NoticeKey(p.ID, seq, pos, user), UserID: user, Urgency: p.Urgency, PageID: p.ID,
		Subject: fmt.Sprintf("[Firebreak] Page %d: %s", p.ID, p.Summary)}
	var b strings.Builder
	b.WriteString(p.Summary + "\n")
	if p.Details != "" {
		b.WriteString("\n" + p.Details + "\n")
	}
	if p.IncidentNumber != 0 {
		fmt.Fprintf(&b, "\nIncident: %s/incidents/%d\n", s.baseURL, p.IncidentNumber)
	}
	fmt.Fprintf(&b, "\nPage: %s/pages/%d\n", s.baseURL, p.ID)
	n.Body = b.String()
	for _, act := range []LinkAction{LinkAcknowledge, LinkResolve} {
		u, err := s.ActionURL(ctx, p.ID, user, act, now)
		if err != nil {
			return Notice{}, err
		}
		n.Actions = append(n.Actions, Action{Label: act.Label(), URL: u})
	}
	return n, nil
}

// StillWanted tells the notifier, before each delivery, whether the page
// still wants people woken (it is triggered). Not a page (id 0): yes.
func (s *Service) StillWanted(ctx context.Context, pageID int64) (bool, error) {
	if pageID == 0 {
		return true, nil
	}
	p, err := s.store.Page(ctx, pageID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return p.Status == Triggered, nil
}

// Delivered puts a delivery's outcome on the page's timeline.
func (s *Service) Delivered(ctx context.Context, pageID, userID int64, method string, at time.Time, failure string) error {
	if pageID == 0 {
		return nil
	}
	text := "Delivered by " + method
	if failure != "" {
		text = fmt.Sprintf("Delivery by %s failed: %s", method, failure)
	}
	// No live notice: on PostgreSQL a NOTIFY serializes commits, and a
	// storm makes several deliveries per page; lists change on raise, ack
	// and resolve, which do notify.
	return s.store.InTx(ctx, func(tx Tx) error {
		return tx.AppendEvents(ctx, pageID, []Event{{At: at, Kind: EvDelivery, UserID: userID, Text: text}})
	})
}

// fireParallel is how many due steps one node fires at once.
const fireParallel = 8

// DueStep is a step whose time has come: page PageID's step Seq.
type DueStep struct {
	PageID int64
	Seq    int64
	At     time.Time
}

// FireDue fires the steps that are due at now, at most limit of them,
// oldest first, and reports how many it looked at. Every node runs it a few
// times a second: it is the engine's fast path, so a step fires within a
// fraction of a second of its deadline however the job queue polls. The
// step's job stays the durable intent (it fires the step if no node's loop
// did, e.g. while every node was down), and whichever comes second finds
// the step done: the sequence number under the page's row lock and the
// notices' idempotency keys make a step fire once.
func (s *Service) FireDue(ctx context.Context, limit int) (int, error) {
	due, err := s.store.DueSteps(ctx, s.now(), limit)
	if err != nil {
		return 0, err
	}
	ctx = systemCtx(ctx)
	// A few at a time: a step mostly waits on the database (and on the
	// notifier's transaction), and a burst of deadlines must not queue
	// behind one another.
	sem := make(chan struct{}, fireParallel)
	var wg sync.WaitGroup
	for _, d := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.WorkStep(ctx, StepJob{PageID: d.PageID, Seq: d.Seq, At: d.At}, 1); err != nil {
				s.log.Warn("firing a due step failed; its job will retry", "page", d.PageID, "error", err)
			}
		}()
	}
	wg.Wait()
	return len(due), nil
}
