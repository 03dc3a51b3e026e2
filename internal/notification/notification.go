// Package notification reaches a person: their contact methods (email,
// webhook/ntfy push, SMS; Slack DM added by the chat capability), verified
// with a code before use; their personal rules (which method, after how long,
// per urgency); and the delivery pipeline every message goes through —
// still wanted? → deduplicated → throttled → sent → recorded — claimed from
// the deliveries table in batches by every node's dispatcher. Paging calls Notify; senders are adapters under
// internal/notify/<kind> registered per kind by the composition root.
package notification

import (
	"context"
	"errors"
	"time"
)

// Urgency says how hard to try: high pages wake people, low ones may wait
// for a digest.
type Urgency string

// The urgencies.
const (
	High Urgency = "high"
	Low  Urgency = "low"
)

// Valid reports whether u is high or low.
func (u Urgency) Valid() bool { return u == High || u == Low }

// Kind names a kind of contact method and the Sender that serves it.
type Kind string

// The built-in kinds; the chat capability registers "slack".
const (
	Email   Kind = "email"
	Webhook Kind = "webhook" // JSON POST; ntfy-compatible push
	SMS     Kind = "sms"
)

// Action is a link offered with a message, e.g. a signed one-time
// acknowledge or resolve link of a page.
type Action struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Message is what a caller wants a person to know. Notify is idempotent on
// Key: a second message with the same key does nothing.
type Message struct {
	Key     string  // stable idempotency key, e.g. "page:42:step:1:rep:0"
	UserID  int64   // the person
	Urgency Urgency // high or low
	Subject string
	Body    string
	PageID  int64    // the page this message is about; 0 if none
	Actions []Action // links offered with it
}

// Target is where a Sender delivers: one verified contact method.
type Target struct {
	ContactID int64
	UserID    int64
	Kind      Kind
	Address   string // an email address, a URL, an E.164 phone number, a Slack user id
}

// Rendered is the message as one delivery sends it.
type Rendered struct {
	Key     string // idempotency key of this delivery (message key + contact method)
	Urgency Urgency
	Subject string
	Body    string
	Actions []Action
	PageID  int64
	// DeliveryID is the delivery sent (0 for a message that is not one,
	// such as a verification code): a provider that reports later what
	// became of the message (an SMS's delivery receipt) names it in its
	// Receipt.
	DeliveryID int64
}

// Receipt is a provider's later report on a message it accepted: it
// reached the person's device, or it did not and why (the carrier could not
// deliver an SMS: the phone is off, the number is a landline …).
type Receipt struct {
	DeliveryID int64
	Delivered  bool
	Failure    string // why not, when not Delivered
}

// Sender delivers to one kind of contact method. It returns a Permanent
// error when retrying cannot help (the number is invalid, the provider
// refused the address); any other error is retried with backoff.
type Sender interface {
	Send(ctx context.Context, to Target, msg Rendered) error
}

// PageState tells, just before deliveries are sent, which of their pages
// still want them: a page acknowledged or resolved since the message was
// queued needs no more notifications. The paging capability implements it.
type PageState interface {
	// StillWanted returns the pages among ids that still want people
	// notified (a page missing from the map does not).
	StillWanted(ctx context.Context, ids []int64) (map[int64]bool, error)
}

// DeliveryLog hears the outcomes of deliveries (sent, failed with its
// reason, cancelled, collapsed) inside the transaction that records them,
// e.g. to put those about a page on the page's timeline. The paging
// capability implements it.
type DeliveryLog interface {
	Delivered(ctx context.Context, tx Tx, ds []Delivery) error
}

// DeliveryState is where a delivery stands.
type DeliveryState string

// The states of a delivery.
const (
	Pending   DeliveryState = "pending"   // waiting for its time, or being retried
	Sent      DeliveryState = "sent"      // the sender (the provider) accepted it
	Failed    DeliveryState = "failed"    // given up; Error says why
	Cancelled DeliveryState = "cancelled" // no longer wanted (the page was acknowledged or resolved)
	Collapsed DeliveryState = "collapsed" // throttled or digested: told in a summary message instead
	Delivered DeliveryState = "delivered" // sent, and the provider reported that it reached the device
)

// Delivery is one message to one contact method.
type Delivery struct {
	ID        int64
	MessageID int64
	Key       string // the message's key
	UserID    int64
	ContactID int64 // 0 once the contact method was removed
	Kind      Kind
	Address   string
	Urgency   Urgency
	Subject   string
	Body      string
	Actions   []Action
	PageID    int64
	State     DeliveryState
	Attempts  int
	Error     string
	DueAt     time.Time  // when the rule's delay (or a retry's backoff) lets it go
	ClaimedAt *time.Time // when it took its place in the contact method's throttle window
	// LeaseUntil is set while a node sends it: no other node claims it
	// before then.
	LeaseUntil *time.Time
	SentAt     *time.Time
	BatchID    int64 // the summary it was collapsed into
	UpdatedAt  time.Time
}

// ErrPermanent marks a send that retrying cannot fix.
var ErrPermanent = errors.New("permanent")

// Permanent wraps err so the pipeline records the failure without retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (p permanentError) Error() string        { return p.err.Error() }
func (p permanentError) Unwrap() error        { return p.err }
func (p permanentError) Is(target error) bool { return target == ErrPermanent }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool { return errors.Is(err, ErrPermanent) }

// Always is the PageState used when paging is absent: every delivery is wanted.
type Always struct{}

// StillWanted always says yes.
func (Always) StillWanted(_ context.Context, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// Discard is the DeliveryLog used when paging is absent.
type Discard struct{}

// Delivered does nothing; the delivery is recorded in this package's own history anyway.
func (Discard) Delivered(context.Context, Tx, []Delivery) error { return nil }
