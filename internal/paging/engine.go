package paging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// StepJob fired one step when the job queue carried the engine's
// deadlines. The page row's next_at is now the only durable intent (every
// node's engine fires what is due), so jobs of this kind that an earlier
// version queued need nothing more than a nudge of the engine.
type StepJob struct {
	PageID int64     `json:"page_id"`
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
}

// Kind names the job for the queue.
func (StepJob) Kind() string { return "page_step" }

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

// fireBatch is how many due steps one pass of the engine fires, in one
// transaction.
const fireBatch = 200

// retryFiring is how long a page whose step could not be fired waits before
// the engine tries again (a failure alone, after its batch failed).
const retryFiring = 30 * time.Second

// Wake tells Run that a step fell due now (a page was raised, escalated or
// reassigned), so it fires at once rather than at the next tick.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run is the engine: it fires due steps until ctx ends — when the earliest
// deadline comes, at once when Wake says a step fell due, and at least
// every tick. Every node runs it; the page rows are the only schedule, so
// whichever node is up fires what is due — a step whose node died fires on
// another node's next look (or on restart).
func (s *Service) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTimer(tick)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			n, err := s.FireDue(ctx, fireBatch)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("firing due escalation steps", "error", err)
			}
			if n < fireBatch {
				break
			}
		}
		t.Reset(s.untilNextDue(ctx, tick))
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// minWait keeps the engine from spinning on a deadline that passed but
// whose page it could not take (another node is firing it).
const minWait = 10 * time.Millisecond

// untilNextDue is how long Run sleeps: until the earliest deadline, at
// most tick, at least minWait.
func (s *Service) untilNextDue(ctx context.Context, tick time.Duration) time.Duration {
	next, ok, err := s.store.NextDue(ctx)
	if err != nil || !ok {
		return tick
	}
	return min(max(next.Sub(s.now()), minWait), tick)
}

// FireDue fires the steps due at now, at most limit of them, oldest
// deadline first, and reports how many pages it took. It is one
// transaction: the due pages are locked (on PostgreSQL a page another node
// is firing is skipped), each page fires its step — the targets resolved to
// the people on call now —, the notices are written through the notifier,
// and each step is recorded with the next one's deadline. So a step fires
// exactly once across nodes and crashes: either all of it is committed or
// none, and a page is due again until it is.
//
// If the batch fails, each page is tried alone, so one page that cannot be
// fired holds up no other (and a passing failure, such as a deadlock, costs
// nothing); a page that fails alone too is put back retryFiring later, with
// the reason on its timeline.
func (s *Service) FireDue(ctx context.Context, limit int) (int, error) {
	ctx = systemCtx(ctx)
	// The notices' links are signed with a key made on first use; make it
	// before the transaction (on SQLite, making it needs the one writer).
	if _, err := s.linkKey(ctx); err != nil {
		return 0, err
	}
	now := s.now()
	var ids []int64
	err := s.store.InTx(ctx, func(tx Tx) error {
		pages, err := tx.DuePages(ctx, now, limit)
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, p := range pages {
			ids = append(ids, p.ID)
		}
		return s.fire(ctx, tx, pages, now)
	})
	if err == nil || len(ids) == 0 {
		return len(ids), err
	}
	s.log.Warn("firing a batch of due steps failed; firing them one by one", "pages", len(ids), "error", err)
	var errs []error
	for _, id := range ids {
		err := s.store.InTx(ctx, func(tx Tx) error {
			p, err := tx.PageForUpdate(ctx, id)
			if err != nil {
				return err
			}
			if p.Status != Triggered || p.NextAt == nil || p.NextAt.After(now) {
				return nil // moved on meanwhile
			}
			return s.fire(ctx, tx, []Page{p}, now)
		})
		if err != nil {
			s.putBack(ctx, id, now, err)
			errs = append(errs, fmt.Errorf("page %d: %w", id, err))
		}
	}
	return len(ids), errors.Join(errs...)
}

// fire fires the due step of each page inside tx.
func (s *Service) fire(ctx context.Context, tx Tx, pages []Page, now time.Time) error {
	var (
		notices []Notice
		events  []Event
		fired   []Page
	)
	resolve := s.resolver(ctx, now)
	for _, p := range pages {
		seq := p.Seq
		step, pos, due, ok := p.Fire(seq, now)
		if !ok {
			// Due, yet nothing to fire (its policy has no such step): clear
			// the deadline rather than find the page due on every pass.
			p.NextAt, p.UpdatedAt = nil, now
			fired = append(fired, p)
			events = append(events, Event{PageID: p.ID, At: now, Kind: EvExhausted,
				Text: fmt.Sprintf("Nothing to fire: the policy has no %s; the page stays open until someone acknowledges or resolves it", p.Next)})
			continue
		}
		users, notes := resolve(step.Targets)
		for _, u := range users {
			n, err := s.notice(ctx, p, seq, pos, u, now)
			if err != nil {
				return err
			}
			notices = append(notices, n)
		}
		targets := make([]string, len(step.Targets))
		for i, t := range step.Targets {
			targets[i] = t.String()
		}
		evs := append([]Event{{At: now, Kind: EvStepFired, Text: fmt.Sprintf("Step %d (%s) fired: %s", pos.Step+1, pos, strings.Join(targets, ", "))}}, notes...)
		for _, u := range users {
			evs = append(evs, Event{At: now, Kind: EvNotified, UserID: u, Text: "Notified"})
		}
		if len(users) == 0 {
			evs = append(evs, Event{At: now, Kind: EvNoOne, Text: "No one to notify at this step"})
		}
		if due == nil {
			evs = append(evs, Event{At: now, Kind: EvExhausted, Text: "Every step has fired; the page stays open until someone acknowledges or resolves it"})
		}
		for i := range evs {
			evs[i].PageID = p.ID
		}
		events = append(events, evs...)
		fired = append(fired, p)
	}
	if err := tx.SaveSteps(ctx, fired); err != nil {
		return err
	}
	if err := tx.AppendEvents(ctx, events); err != nil {
		return err
	}
	if len(notices) == 0 || s.notifier == nil {
		return nil
	}
	return s.notifier.NotifyTx(ctx, tx, notices)
}

// putBack delays a page whose step could not be fired, saying why on its
// timeline, so the engine does not retry it on every tick.
func (s *Service) putBack(ctx context.Context, id int64, now time.Time, cause error) {
	s.log.Warn("could not fire the due step of a page; trying again later", "page", id, "error", cause)
	err := s.store.InTx(ctx, func(tx Tx) error {
		p, err := tx.PageForUpdate(ctx, id)
		if err != nil || p.Status != Triggered || p.NextAt == nil || p.NextAt.After(now) {
			return err
		}
		at := now.Add(retryFiring)
		p.NextAt = &at
		if err := tx.SaveSteps(ctx, []Page{p}); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []Event{{PageID: id, At: now, Kind: EvFireFailed,
			Text: fmt.Sprintf("Could not fire the step (%v); trying again at %s", cause, at.UTC().Format(time.RFC3339))}})
	})
	if err != nil {
		s.log.Warn("could not put back a page whose step failed", "page", id, "error", err)
	}
}

// resolver turns steps' targets into the people on call at now, each once,
// with a timeline note for a target that resolved to no one. It remembers
// each schedule's and team's answer for the pass, so a storm of pages on
// one policy asks on-call once.
func (s *Service) resolver(ctx context.Context, now time.Time) func([]Target) ([]int64, []Event) {
	type answer struct {
		ids []int64
		err error
	}
	seen := map[Target]answer{}
	return func(targets []Target) ([]int64, []Event) {
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
				a, ok := seen[t]
				if !ok {
					a.ids, a.err = s.whoIsOnCall(ctx, t, now)
					seen[t] = a
				}
				if a.err != nil {
					notes = append(notes, Event{At: now, Kind: EvNoOne, Text: fmt.Sprintf("Could not tell who is on call for %s: %v", t, a.err)})
					continue
				}
				if len(a.ids) == 0 {
					notes = append(notes, Event{At: now, Kind: EvNoOne, Text: fmt.Sprintf("No one is on call for %s", t)})
				}
				add(a.ids)
			}
		}
		return users, notes
	}
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

// StillWanted tells the notifier, before deliveries are sent, which of
// their pages still want people woken (they are triggered).
func (s *Service) StillWanted(ctx context.Context, ids []int64) (map[int64]bool, error) {
	if len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	return s.store.Triggered(ctx, ids)
}

// Delivery is the outcome of one notification about a page, for its
// timeline: Failure is empty when it was delivered.
type Delivery struct {
	PageID  int64
	UserID  int64
	Method  string // e.g. "sms to +49…1234"
	At      time.Time
	Failure string
	// Confirmed: the provider reported that it reached the device (an SMS's
	// delivery receipt), after it was delivered to the provider.
	Confirmed bool
}

// RecordDeliveries puts delivery outcomes on their pages' timelines inside
// tx, the transaction that records the outcomes.
func (s *Service) RecordDeliveries(ctx context.Context, tx Tx, ds []Delivery) error {
	// No live notice: on PostgreSQL a NOTIFY serializes commits, and a
	// storm makes several deliveries per page; lists change on raise, ack
	// and resolve, which do notify.
	evs := make([]Event, len(ds))
	for i, d := range ds {
		text := "Delivered by " + d.Method
		switch {
		case d.Failure != "":
			text = fmt.Sprintf("Delivery by %s failed: %s", d.Method, d.Failure)
		case d.Confirmed:
			text = fmt.Sprintf("Delivery by %s confirmed: it reached the device", d.Method)
		}
		evs[i] = Event{PageID: d.PageID, At: d.At, Kind: EvDelivery, UserID: d.UserID, Text: text}
	}
	return tx.AppendEvents(ctx, evs)
}
