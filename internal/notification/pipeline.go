package notification

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// The dispatcher. A pending delivery is a row whose due_at says when it may
// go (a rule's delay, a retry's backoff): the row is the durable intent, and
// no job per delivery is needed. Every node claims the due rows in batches,
// one transaction for many deliveries:
//
//	claim (still wanted? → contact usable? → throttle/digest → lease) → send → record
//
// A claimed delivery carries a lease: the node that claimed it sends it and
// records the outcome before the lease runs out; if that node dies, the
// delivery falls due again when the lease ends and any node takes it. A send
// is therefore at least once: a node killed between the provider's 2xx and
// the recording sends again, with the same key (X-Firebreak-Key), which a
// receiver can deduplicate on.

// DefaultLease is how long a node has to send a delivery it claimed and
// record the outcome before another node may claim it again (Service.Lease):
// what a notice in flight when its node died waits before another node
// sends it. SendTimeout, well within it, bounds one send (the senders' own
// clients give up after 10–15 s). Leases are measured on the wall clock, not
// on the node's: a lease says whether the node that claimed a delivery is
// still at it, which no clock a test moves on should decide.
const (
	DefaultLease = 30 * time.Second
	SendTimeout  = 20 * time.Second
)

// ReleaseLeases makes the deliveries that a node was sending when it
// stopped due again at once. Only for a database one node uses (SQLite): the
// leases found there when the node starts were its own, held by a process
// that is gone; with several nodes a lease may be another node's, live.
func (s *Service) ReleaseLeases(ctx context.Context) (int, error) {
	n := 0
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		n, err = tx.ReleaseLeases(ctx)
		return err
	})
	return n, err
}

// claimBatch is how many deliveries one claim takes; sendParallel how many
// sends a node has in flight at most.
const (
	claimBatch   = 200
	sendParallel = 64
)

// claimed is a delivery this node holds the lease of, ready to send.
type claimed struct {
	d       Delivery
	contact Contact
	sender  Sender
}

// outcome is what sending one claimed delivery came to.
type outcome struct {
	claimed
	err error
}

// Dispatch sends what is due now, in one pass: it claims up to limit due
// deliveries, sends them (sendParallel at a time), records the outcomes,
// and reports how many it claimed. Run does the same continuously; tests
// call Dispatch to run exactly one pass at the injected clock's time.
func (s *Service) Dispatch(ctx context.Context, limit int) (int, error) {
	cs, err := s.claim(ctx, limit)
	if err != nil || len(cs) == 0 {
		return 0, err
	}
	var (
		mu      sync.Mutex
		outs    []outcome
		sending sync.WaitGroup
	)
	s.sendEach(ctx, cs, make(chan struct{}, sendParallel), &sending, func(o outcome) {
		mu.Lock()
		defer mu.Unlock()
		outs = append(outs, o)
	})
	sending.Wait()
	return len(cs), s.recordOutcomes(ctx, outs)
}

// sendEach sends the claimed deliveries in the background, as many at a
// time as sem has room for, and hands each outcome to done. It returns when
// the last send has started; sending tells when they have all ended.
func (s *Service) sendEach(ctx context.Context, cs []claimed, sem chan struct{}, sending *sync.WaitGroup, done func(outcome)) {
	for _, c := range cs {
		sem <- struct{}{} // the rest wait here, leased
		sending.Go(func() {
			defer func() { <-sem }()
			done(outcome{c, s.send(ctx, c)})
		})
	}
}

// Wake tells Run that a delivery fell due now (Notify calls it after its
// commit), so it is claimed at once rather than at the next tick.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run dispatches deliveries until ctx ends: at once when Wake says one fell
// due, and every tick for those whose time came (a rule's delay, a retry, a
// lease that ran out). Sends run in the background, so a slow provider does
// not hold up the next claim; their outcomes are recorded in batches. When
// ctx ends it stops claiming, lets the sends in flight finish (each within
// SendTimeout) and records them before returning.
func (s *Service) Run(ctx context.Context, tick time.Duration) {
	outcomes := make(chan outcome, sendParallel)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		s.recordLoop(outcomes)
	}()
	sendCtx := context.WithoutCancel(ctx) // a send in flight finishes even when the node stops
	sem := make(chan struct{}, sendParallel)
	var sending sync.WaitGroup
	t := time.NewTicker(tick)
	defer t.Stop()
	for ctx.Err() == nil {
		for ctx.Err() == nil {
			cs, err := s.claim(ctx, claimBatch)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("claim due deliveries", "err", err)
				}
				break
			}
			s.sendEach(sendCtx, cs, sem, &sending, func(o outcome) { outcomes <- o })
			if len(cs) < claimBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-t.C:
		}
	}
	sending.Wait()
	close(outcomes)
	<-recorded
}

// recordLoop records outcomes as they come, as many per transaction as have
// arrived meanwhile.
func (s *Service) recordLoop(outcomes <-chan outcome) {
	ctx := context.Background()
	for o := range outcomes {
		batch := []outcome{o}
	more:
		for len(batch) < claimBatch {
			select {
			case o, ok := <-outcomes:
				if !ok {
					break more
				}
				batch = append(batch, o)
			default:
				break more
			}
		}
		if err := s.recordOutcomes(ctx, batch); err != nil {
			// The deliveries stay pending and leased: when the lease ends
			// they are claimed and sent again (at least once).
			s.log.Warn("record delivery outcomes", "count", len(batch), "err", err)
		}
	}
}

// claim takes up to limit deliveries that are due and that no node holds,
// in one transaction, and decides each: cancelled when its page no longer
// wants it, failed when its contact method cannot be used, collapsed into a
// summary when its contact method's window is full (or into the person's
// digest), and otherwise leased to this node and returned to be sent.
func (s *Service) claim(ctx context.Context, limit int) ([]claimed, error) {
	now := s.now().UTC()
	state, log := s.paging()
	var out []claimed
	err := s.store.InTx(ctx, func(tx Tx) error {
		out = nil
		ds, err := tx.DueDeliveries(ctx, now, time.Now(), limit)
		if err != nil || len(ds) == 0 {
			return err
		}
		wanted, err := state.StillWanted(ctx, pagesOf(ds))
		if err != nil {
			return fmt.Errorf("ask whether the pages still want their deliveries: %w", err)
		}
		// Locking the contact methods serialises the throttle counts of two
		// nodes claiming for the same person.
		var ids []int64
		for _, d := range ds {
			if d.ContactID != 0 && !slices.Contains(ids, d.ContactID) {
				ids = append(ids, d.ContactID)
			}
		}
		contacts, err := tx.LockContacts(ctx, ids)
		if err != nil {
			return err
		}
		a := &admission{s: s, tx: tx, now: now, wanted: wanted, contacts: contacts,
			settings: map[int64]Settings{}, placesTaken: map[int64]int{}}
		var changed, ended []Delivery
		for _, d := range ds {
			c, err := a.admit(ctx, d)
			if err != nil {
				return err
			}
			changed = append(changed, c.d)
			if c.d.State != Pending {
				ended = append(ended, c.d)
				continue
			}
			out = append(out, c)
		}
		if err := tx.SetDeliveries(ctx, changed); err != nil {
			return err
		}
		return log.Delivered(ctx, tx, ended)
	})
	return out, err
}

func pagesOf(ds []Delivery) []int64 {
	var ids []int64
	for _, d := range ds {
		if d.PageID != 0 && !slices.Contains(ids, d.PageID) {
			ids = append(ids, d.PageID)
		}
	}
	return ids
}

// admission decides the due deliveries of one claim, in its transaction.
type admission struct {
	s        *Service
	tx       Tx
	now      time.Time
	wanted   map[int64]bool    // pages that still want their deliveries
	contacts map[int64]Contact // the deliveries' contact methods, locked
	settings map[int64]Settings
	// placesTaken counts, per contact method, the places in its throttle
	// window taken so far: stored ones, then this claim's.
	placesTaken map[int64]int
}

// admit decides one due delivery; the delivery returned is still pending
// (and leased) when it is to be sent.
func (a *admission) admit(ctx context.Context, d Delivery) (claimed, error) {
	end := func(state DeliveryState, reason string) (claimed, error) {
		d.State, d.Error, d.UpdatedAt, d.LeaseUntil = state, reason, a.now, nil
		return claimed{d: d}, nil
	}
	if d.PageID != 0 && !a.wanted[d.PageID] {
		return end(Cancelled, "the page no longer needs it (acknowledged or resolved)")
	}
	c, ok := a.contacts[d.ContactID]
	if !ok {
		return end(Failed, "the contact method was removed")
	}
	if !c.Verified() {
		return end(Failed, "the contact method is not verified")
	}
	snd, ok := a.s.sender(c.Kind)
	if !ok {
		return end(Failed, fmt.Sprintf("this node cannot send to %s contact methods (not configured)", c.Kind))
	}
	// A delivery claimed before (a retry, or a lease that ran out) keeps
	// its place in the throttle window.
	if d.ClaimedAt == nil {
		batch, err := a.batchFor(ctx, d, c.Kind)
		if err != nil {
			return claimed{}, err
		}
		if batch != nil {
			folded, err := a.collapse(ctx, &d, batch)
			if err != nil || folded {
				return claimed{d: d}, err
			}
		}
		d.ClaimedAt = &a.now
		a.placesTaken[d.ContactID]++
	}
	lease := time.Now().Add(a.s.Lease)
	d.Attempts++
	d.LeaseUntil, d.UpdatedAt = &lease, a.now
	return claimed{d: d, contact: c, sender: snd}, nil
}

// batchFor is the summary a delivery is to be collapsed into, or nil when it
// goes out itself: the person's digest for a low-urgency message when they
// asked for one, the window's "N more" when the contact method's window is
// full.
func (a *admission) batchFor(ctx context.Context, d Delivery, kind Kind) (*Batch, error) {
	if d.Urgency == Low {
		set, ok := a.settings[d.UserID]
		if !ok {
			var err error
			if set, err = a.tx.Settings(ctx, d.UserID); err != nil {
				return nil, err
			}
			a.settings[d.UserID] = set
		}
		if set.DigestEvery > 0 {
			_, end := Window(a.now, set.DigestEvery)
			return &Batch{ContactID: d.ContactID, UserID: d.UserID, Reason: Digest, DueAt: end, State: Pending}, nil
		}
	}
	lim := a.s.limit(kind)
	if lim.Max == 0 {
		return nil, nil
	}
	start, end := Window(a.now, lim.Window)
	n, ok := a.placesTaken[d.ContactID]
	if !ok {
		var err error
		if n, err = a.tx.ClaimedSince(ctx, d.ContactID, start); err != nil {
			return nil, err
		}
		a.placesTaken[d.ContactID] = n
	}
	if !lim.Throttled(n) {
		return nil, nil
	}
	return &Batch{ContactID: d.ContactID, UserID: d.UserID, Reason: Throttle, DueAt: end, State: Pending}, nil
}

// collapse folds d into batch (creating it, with its job, if it is new).
// When the batch's summary went out already (this delivery came late), it
// folds nothing and reports false: d is sent itself rather than folded into
// nothing.
func (a *admission) collapse(ctx context.Context, d *Delivery, batch *Batch) (bool, error) {
	added, err := a.tx.AddBatch(ctx, batch)
	if err != nil || batch.State != Pending {
		return false, err
	}
	if added {
		if err := a.tx.Enqueue(ctx, BatchJob{BatchID: batch.ID, At: batch.DueAt}); err != nil {
			return false, err
		}
	}
	d.State, d.BatchID, d.UpdatedAt, d.LeaseUntil = Collapsed, batch.ID, a.now, nil
	d.Error = fmt.Sprintf("collapsed into the %s summary due %s", batch.Reason, batch.DueAt.Format(time.RFC3339))
	return true, nil
}

// send hands a claimed delivery to the sender of its kind.
func (s *Service) send(ctx context.Context, c claimed) error {
	ctx, cancel := context.WithTimeout(ctx, SendTimeout)
	defer cancel()
	return c.sender.Send(ctx, Target{ContactID: c.contact.ID, UserID: c.contact.UserID, Kind: c.contact.Kind, Address: c.contact.Address},
		Rendered{Key: fmt.Sprintf("%s/%d", c.d.Key, c.d.ID), Urgency: c.d.Urgency, Subject: c.d.Subject, Body: c.d.Body, Actions: c.d.Actions,
			PageID: c.d.PageID, DeliveryID: c.d.ID})
}

// recordOutcomes stores the outcomes of sends in one transaction: sent;
// failed for good (a permanent error, or the last attempt); or due again
// after the retry's backoff, its lease given up. A delivery no longer
// pending was recorded by another node (its lease had run out) and is left
// alone.
func (s *Service) recordOutcomes(ctx context.Context, outs []outcome) error {
	now := s.now().UTC()
	_, log := s.paging()
	errs := make(map[int64]error, len(outs))
	ids := make([]int64, len(outs))
	for i, o := range outs {
		ids[i], errs[o.d.ID] = o.d.ID, o.err
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		ds, err := tx.DeliveriesForUpdate(ctx, ids)
		if err != nil {
			return err
		}
		var changed, ended []Delivery
		for _, d := range ds {
			if d.State != Pending {
				continue
			}
			d.LeaseUntil, d.UpdatedAt = nil, now
			switch err := errs[d.ID]; {
			case err == nil:
				d.State, d.SentAt, d.Error = Sent, &now, ""
			case IsPermanent(err) || d.Attempts >= s.MaxAttempts:
				d.State, d.Error = Failed, err.Error()
			default:
				d.Error = fmt.Sprintf("attempt %d: %v", d.Attempts, err)
				d.DueAt = now.Add(retryAfter(d.Attempts))
			}
			changed = append(changed, d)
			if d.State != Pending {
				ended = append(ended, d)
			}
		}
		if err := tx.SetDeliveries(ctx, changed); err != nil {
			return err
		}
		return log.Delivered(ctx, tx, ended)
	})
}

// Receive records a provider's receipt on its delivery — delivered, or
// failed with the provider's reason, on the page's timeline too. A receipt
// may come before the send's outcome is recorded (the provider answered
// quickly); it then decides the outcome, and the recording leaves it. A
// receipt for a delivery that ended otherwise (a repeated or late receipt)
// or that Firebreak does not know changes nothing.
func (s *Service) Receive(ctx context.Context, r Receipt) error {
	now := s.now().UTC()
	_, log := s.paging()
	return s.store.InTx(ctx, func(tx Tx) error {
		ds, err := tx.DeliveriesForUpdate(ctx, []int64{r.DeliveryID})
		if err != nil || len(ds) == 0 {
			return err
		}
		d := ds[0]
		if d.State != Pending && d.State != Sent {
			return nil
		}
		if d.SentAt == nil {
			d.SentAt = &now
		}
		d.LeaseUntil, d.UpdatedAt, d.Error = nil, now, ""
		d.State = Delivered
		if !r.Delivered {
			d.State, d.Error = Failed, "not delivered: "+r.Failure
		}
		if err := tx.SetDeliveries(ctx, []Delivery{d}); err != nil {
			return err
		}
		return log.Delivered(ctx, tx, []Delivery{d})
	})
}

// retryAfter is the wait before a failed send is tried again: a page cannot
// wait long when a provider blips (2 s, 5 s, 15 s, 30 s, then every minute).
func retryAfter(attempt int) time.Duration {
	steps := []time.Duration{2 * time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute}
	return steps[min(max(attempt, 1), len(steps))-1]
}

// SendBatch is the worker of BatchJob: when its window ends it sends one
// summary of the deliveries collapsed into it that are still wanted.
func (s *Service) SendBatch(ctx context.Context, j BatchJob, attempt int) error {
	b, err := s.store.Batch(ctx, j.BatchID)
	if err != nil {
		return err
	}
	if b.State != Pending {
		return nil
	}
	var items []Delivery
	if err := s.store.InTx(ctx, func(tx Tx) error {
		items, err = tx.Collapsed(ctx, b.ID)
		return err
	}); err != nil {
		return err
	}
	state, _ := s.paging()
	wantedPages, err := state.StillWanted(ctx, pagesOf(items))
	if err != nil {
		return err
	}
	var wanted []Delivery
	for _, d := range items {
		if d.PageID == 0 || wantedPages[d.PageID] {
			wanted = append(wanted, d)
		}
	}
	if len(wanted) == 0 {
		return s.finishBatch(ctx, b.ID, Cancelled, 0, attempt, "nothing left to tell: every page was acknowledged or resolved")
	}
	c, err := s.store.Contact(ctx, b.ContactID)
	if err != nil || !c.Verified() {
		return s.finishBatch(ctx, b.ID, Failed, len(wanted), attempt, "the contact method was removed or is not verified")
	}
	snd, ok := s.sender(c.Kind)
	if !ok {
		return s.finishBatch(ctx, b.ID, Failed, len(wanted), attempt, fmt.Sprintf("this node cannot send to %s contact methods", c.Kind))
	}
	msg := Summarize(b.Reason, wanted)
	msg.Key = fmt.Sprintf("batch/%d", b.ID)
	if err := snd.Send(ctx, Target{ContactID: c.ID, UserID: c.UserID, Kind: c.Kind, Address: c.Address}, msg); err != nil {
		if !IsPermanent(err) && attempt < s.MaxAttempts {
			return err
		}
		return s.finishBatch(ctx, b.ID, Failed, len(wanted), attempt, err.Error())
	}
	return s.finishBatch(ctx, b.ID, Sent, len(wanted), attempt, "")
}

func (s *Service) finishBatch(ctx context.Context, id int64, state DeliveryState, count, attempt int, reason string) error {
	now := s.now().UTC()
	return s.store.InTx(ctx, func(tx Tx) error {
		b, err := tx.BatchForUpdate(ctx, id)
		if err != nil || b.State != Pending {
			return err
		}
		b.State, b.Count, b.Attempts, b.Error = state, count, attempt, reason
		if state == Sent {
			b.SentAt = &now
		}
		return tx.SetBatch(ctx, b)
	})
}
