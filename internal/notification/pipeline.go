package notification

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The delivery pipeline, in the spirit of Alertmanager's notify stages: each
// stage looks at one delivery and answers (retry, err). A nil error passes
// the delivery on; errDone ends the run with the delivery's state already
// recorded; any other error either fails the job so the queue retries it
// with backoff (retry true) or is recorded as the delivery's failure.
//
//	load (re-read; dedup) → still wanted → contact usable → throttle/digest → send → record
type stage func(ctx context.Context, r *run) (retry bool, err error)

// errDone ends a run early without an error: the delivery was already
// handled, cancelled or collapsed.
var errDone = errors.New("done")

// run is one attempt at one delivery.
type run struct {
	id      int64
	attempt int
	d       Delivery
	contact Contact
}

// Deliver is the worker of DeliverJob.
func (s *Service) Deliver(ctx context.Context, j DeliverJob, attempt int) error {
	r := &run{id: j.DeliveryID, attempt: attempt}
	for _, st := range []stage{s.load, s.stillWanted, s.usable, s.throttle, s.send} {
		retry, err := st(ctx, r)
		switch {
		case err == nil:
			continue
		case errors.Is(err, errDone):
			return nil
		case retry && attempt < s.MaxAttempts:
			s.setError(ctx, r, err)
			return err
		default:
			return s.finish(ctx, r, Failed, err.Error())
		}
	}
	return s.finish(ctx, r, Sent, "")
}

// load re-reads the delivery. One that is no longer pending was handled by
// an earlier run (the job ran twice, or the node died after sending and
// before the job completed): nothing is sent again.
func (s *Service) load(ctx context.Context, r *run) (bool, error) {
	d, err := s.store.Delivery(ctx, r.id)
	if err != nil {
		return true, err
	}
	if d.State != Pending {
		return false, errDone
	}
	r.d = d
	return false, nil
}

// stillWanted asks paging whether the page still needs this person.
func (s *Service) stillWanted(ctx context.Context, r *run) (bool, error) {
	if r.d.PageID == 0 {
		return false, nil
	}
	state, _ := s.paging()
	ok, err := state.StillWanted(ctx, r.d.PageID)
	if err != nil {
		return true, fmt.Errorf("ask whether page %d still wants it: %w", r.d.PageID, err)
	}
	if !ok {
		return false, s.stop(ctx, r, Cancelled, "the page no longer needs it (acknowledged or resolved)")
	}
	return false, nil
}

// usable checks the contact method still exists, is verified and has the
// address the delivery was planned for.
func (s *Service) usable(ctx context.Context, r *run) (bool, error) {
	if r.d.ContactID == 0 {
		return false, errors.New("the contact method was removed")
	}
	c, err := s.store.Contact(ctx, r.d.ContactID)
	if err != nil {
		return false, errors.New("the contact method was removed")
	}
	if !c.Verified() {
		return false, errors.New("the contact method is not verified")
	}
	if _, ok := s.sender(c.Kind); !ok {
		return false, fmt.Errorf("this node cannot send to %s contact methods (not configured)", c.Kind)
	}
	r.contact = c
	return false, nil
}

// throttle claims the delivery's place in its contact method's window, or
// collapses it into a batch: the window's "N more" summary when the window
// is full, the person's digest for a low-urgency message when they asked
// for one. A delivery already claimed (a retry) keeps its place.
func (s *Service) throttle(ctx context.Context, r *run) (bool, error) {
	if r.d.ClaimedAt != nil {
		return false, nil
	}
	now := s.now().UTC()
	var collapsed *Delivery
	err := s.store.InTx(ctx, func(tx Tx) error {
		collapsed = nil
		if _, err := tx.ContactForUpdate(ctx, r.d.ContactID); err != nil {
			return err
		}
		d, err := tx.DeliveryForUpdate(ctx, r.id)
		if err != nil {
			return err
		}
		if d.State != Pending {
			return errDone
		}
		var batch *Batch
		if d.Urgency == Low {
			set, err := tx.Settings(ctx, d.UserID)
			if err != nil {
				return err
			}
			if set.DigestEvery > 0 {
				_, end := Window(now, set.DigestEvery)
				batch = &Batch{ContactID: d.ContactID, UserID: d.UserID, Reason: Digest, DueAt: end, State: Pending}
			}
		}
		if batch == nil {
			lim := s.limit(r.contact.Kind)
			if lim.Max > 0 {
				start, end := Window(now, lim.Window)
				n, err := tx.ClaimedSince(ctx, d.ContactID, start)
				if err != nil {
					return err
				}
				if lim.Throttled(n) {
					batch = &Batch{ContactID: d.ContactID, UserID: d.UserID, Reason: Throttle, DueAt: end, State: Pending}
				}
			}
		}
		claim := func() error {
			d.ClaimedAt = &now
			d.UpdatedAt = now
			r.d = d
			return tx.SetDelivery(ctx, d)
		}
		if batch == nil {
			return claim()
		}
		added, err := tx.AddBatch(ctx, batch)
		if err != nil {
			return err
		}
		if batch.State != Pending {
			// The window's summary went out already (this run came late):
			// send the message itself rather than fold it into nothing.
			return claim()
		}
		if added {
			if err := tx.Enqueue(ctx, BatchJob{BatchID: batch.ID, At: batch.DueAt}); err != nil {
				return err
			}
		}
		d.State, d.BatchID, d.UpdatedAt = Collapsed, batch.ID, now
		d.Error = fmt.Sprintf("collapsed into the %s summary due %s", batch.Reason, batch.DueAt.Format(time.RFC3339))
		collapsed = &d
		return tx.SetDelivery(ctx, d)
	})
	if errors.Is(err, errDone) {
		return false, errDone
	}
	if err != nil {
		return true, err
	}
	if collapsed != nil {
		r.d = *collapsed
		s.report(ctx, r.d)
		return false, errDone
	}
	return false, nil
}

// send hands the delivery to the sender of its kind.
func (s *Service) send(ctx context.Context, r *run) (bool, error) {
	snd, _ := s.sender(r.contact.Kind)
	err := snd.Send(ctx, Target{ContactID: r.contact.ID, UserID: r.contact.UserID, Kind: r.contact.Kind, Address: r.contact.Address},
		Rendered{Key: fmt.Sprintf("%s/%d", r.d.Key, r.d.ID), Urgency: r.d.Urgency, Subject: r.d.Subject, Body: r.d.Body, Actions: r.d.Actions, PageID: r.d.PageID})
	if err != nil {
		return !IsPermanent(err), err
	}
	return false, nil
}

// stop records a final state and ends the run.
func (s *Service) stop(ctx context.Context, r *run, state DeliveryState, reason string) error {
	if err := s.finish(ctx, r, state, reason); err != nil {
		return err
	}
	return errDone
}

// finish records the delivery's final state (the record stage) and tells
// the DeliveryLog. The state changes only if the delivery is still pending,
// so two runs of one job record one outcome.
func (s *Service) finish(ctx context.Context, r *run, state DeliveryState, reason string) error {
	now := s.now().UTC()
	changed := false
	err := s.store.InTx(ctx, func(tx Tx) error {
		d, err := tx.DeliveryForUpdate(ctx, r.id)
		if err != nil {
			return err
		}
		if d.State != Pending {
			return nil
		}
		d.State, d.Error, d.UpdatedAt = state, reason, now
		d.Attempts = max(d.Attempts, r.attempt)
		if state == Sent {
			d.SentAt = &now
		}
		r.d, changed = d, true
		return tx.SetDelivery(ctx, d)
	})
	if err != nil {
		return err
	}
	if changed {
		s.report(ctx, r.d)
	}
	return nil
}

// setError keeps the reason of a failed attempt that will be retried.
func (s *Service) setError(ctx context.Context, r *run, cause error) {
	err := s.store.InTx(ctx, func(tx Tx) error {
		d, err := tx.DeliveryForUpdate(ctx, r.id)
		if err != nil || d.State != Pending {
			return err
		}
		d.Attempts, d.Error, d.UpdatedAt = r.attempt, "attempt "+fmt.Sprint(r.attempt)+": "+cause.Error(), s.now().UTC()
		return tx.SetDelivery(ctx, d)
	})
	if err != nil {
		s.log.Warn("record a failed attempt", "delivery", r.id, "err", err)
	}
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
	var wanted []Delivery
	for _, d := range items {
		if d.PageID != 0 {
			ok, err := state.StillWanted(ctx, d.PageID)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		wanted = append(wanted, d)
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
