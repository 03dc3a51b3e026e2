package notification

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Service holds contact methods, rules and the delivery pipeline.
type Service struct {
	store Store
	now   func() time.Time
	log   *slog.Logger

	mu      sync.RWMutex
	senders map[Kind]Sender
	limits  map[Kind]Limit
	state   PageState
	record  DeliveryLog
	wake    chan struct{} // a delivery fell due now: Run claims at once

	// MaxAttempts is how many times a delivery is tried before it is
	// recorded as failed (the dispatcher retries it with backoff in between).
	MaxAttempts int
	// Lease is how long a node that claimed a delivery has to send it (see
	// DefaultLease); tests shorten it.
	Lease time.Duration
}

// NewService returns a Service on st with no senders registered; every
// delivery is wanted and recorded only here until paging sets its
// PageState and DeliveryLog.
func NewService(st Store, now func() time.Time, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	limits := map[Kind]Limit{}
	for k, l := range DefaultLimits {
		limits[k] = l
	}
	return &Service{store: st, now: now, log: log, senders: map[Kind]Sender{}, limits: limits,
		state: Always{}, record: Discard{}, MaxAttempts: 6, Lease: DefaultLease, wake: make(chan struct{}, 1)}
}

// Register makes kind usable: contact methods of that kind may be added,
// and their deliveries go through snd. The chat capability registers "slack".
func (s *Service) Register(kind Kind, snd Sender) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.senders[kind] = snd
}

// Kinds lists the kinds a contact method may have here, sorted.
func (s *Service) Kinds() []Kind {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ks []Kind
	for k := range s.senders {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

func (s *Service) sender(k Kind) (Sender, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snd, ok := s.senders[k]
	return snd, ok
}

// SetLimit sets the throttle of a kind (Max 0: no throttle).
func (s *Service) SetLimit(kind Kind, l Limit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[kind] = l
}

func (s *Service) limit(k Kind) Limit {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if l, ok := s.limits[k]; ok {
		return l
	}
	return fallbackLimit
}

// UsePaging connects the pipeline to paging: each delivery about a page
// first asks state whether it is still wanted and reports its outcome to
// record. Either may be nil (keep the default).
func (s *Service) UsePaging(state PageState, record DeliveryLog) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if state != nil {
		s.state = state
	}
	if record != nil {
		s.record = record
	}
}

func (s *Service) paging() (PageState, DeliveryLog) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.state, s.record
}

// Notify accepts messages, each for one person, in one transaction. When it
// returns nil every message and one delivery per matching rule are stored,
// each due after its rule's delay: it is durable, and the dispatcher (Run)
// sends them when due. It is idempotent on the messages' keys: a message
// whose key was seen before does nothing. A person without a verified
// contact method gets one failed delivery saying so, which is reported to
// the DeliveryLog like any other outcome.
//
// Notify is called by Firebreak itself (paging, handoff notices), not on
// behalf of a person, so it checks no permission.
func (s *Service) Notify(ctx context.Context, msgs ...Message) error {
	return s.store.InTx(ctx, func(tx Tx) error { return s.NotifyTx(ctx, tx, msgs...) })
}

// NotifyTx is Notify inside the caller's transaction: the pager writes a
// step's notices in the transaction that records the step, so a step is
// fired and its people notified together or not at all.
func (s *Service) NotifyTx(ctx context.Context, tx Tx, msgs ...Message) error {
	for _, m := range msgs {
		if err := validateMessage(m); err != nil {
			return err
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	now := s.now().UTC()
	added, err := tx.AddMessages(ctx, msgs, now)
	if err != nil || len(added) == 0 {
		return err
	}
	// Every person's contact methods and rules, read once for all their messages.
	var people []int64
	for _, m := range msgs {
		if _, ok := added[m.Key]; ok && !slices.Contains(people, m.UserID) {
			people = append(people, m.UserID)
		}
	}
	contacts, err := tx.Contacts(ctx, people...)
	if err != nil {
		return err
	}
	rules, err := tx.Rules(ctx, people...)
	if err != nil {
		return err
	}
	contactsOf, rulesOf := map[int64][]Contact{}, map[int64][]Rule{}
	for _, c := range contacts {
		contactsOf[c.UserID] = append(contactsOf[c.UserID], c)
	}
	for _, r := range rules {
		rulesOf[r.UserID] = append(rulesOf[r.UserID], r)
	}
	var deliveries, undeliverable []Delivery
	dueNow := false
	planned := map[string]bool{}
	for _, m := range msgs {
		id, ok := added[m.Key]
		if !ok || planned[m.Key] {
			continue // seen before, or twice in msgs
		}
		planned[m.Key] = true
		steps := Plan(m.Urgency, rulesOf[m.UserID], contactsOf[m.UserID])
		if len(steps) == 0 {
			d := newDelivery(id, m, Contact{UserID: m.UserID}, now)
			d.State, d.Error = Failed, "the person has no verified contact method"
			undeliverable = append(undeliverable, d)
			continue
		}
		for _, st := range steps {
			deliveries = append(deliveries, newDelivery(id, m, st.Contact, now.Add(st.Delay)))
			dueNow = dueNow || st.Delay == 0
		}
	}
	if err := tx.AddDeliveries(ctx, append(deliveries, undeliverable...)); err != nil {
		return err
	}
	if dueNow {
		tx.AfterCommit(s.Wake)
	}
	_, record := s.paging()
	return record.Delivered(ctx, tx, undeliverable)
}

func validateMessage(m Message) error {
	switch {
	case strings.TrimSpace(m.Key) == "" || len(m.Key) > 300:
		return apperr.Invalid("key", "a message needs an idempotency key of 1 to 300 characters")
	case m.UserID <= 0:
		return apperr.Invalid("user_id", "a message needs a person")
	case !m.Urgency.Valid():
		return apperr.Invalid("urgency", "urgency must be high or low, not %q", m.Urgency)
	case strings.TrimSpace(m.Subject) == "":
		return apperr.Invalid("subject", "a message needs a subject")
	}
	for _, a := range m.Actions {
		if a.Label == "" || !(strings.HasPrefix(a.URL, "https://") || strings.HasPrefix(a.URL, "http://")) {
			return apperr.Invalid("actions", "an action needs a label and an http(s) URL")
		}
	}
	return nil
}

func newDelivery(messageID int64, m Message, c Contact, due time.Time) Delivery {
	return Delivery{MessageID: messageID, Key: m.Key, UserID: m.UserID, ContactID: c.ID, Kind: c.Kind,
		Address: c.Address, Urgency: m.Urgency, Subject: m.Subject, Body: m.Body, Actions: m.Actions,
		PageID: m.PageID, State: Pending, DueAt: due, UpdatedAt: due}
}

// DeliveriesOfPage lists every delivery made for a page, oldest first (for
// the page's view). Firebreak-internal: no permission check.
func (s *Service) DeliveriesOfPage(ctx context.Context, pageID int64) ([]Delivery, error) {
	return s.store.DeliveriesOfPage(ctx, pageID)
}
