package notification

import (
	"fmt"
	"strings"
	"time"
)

// Limit caps the messages sent to one contact method per window; beyond it
// the rest of the window's messages are collapsed into one "N more" summary
// sent when the window ends.
type Limit struct {
	Max    int
	Window time.Duration
}

// DefaultLimits are the throttles per kind: a storm of forty pages sends an
// SMS user three texts and one "37 more alerts" text, not forty.
var DefaultLimits = map[Kind]Limit{
	SMS:     {Max: 3, Window: 5 * time.Minute},
	Email:   {Max: 10, Window: 5 * time.Minute},
	Webhook: {Max: 20, Window: 5 * time.Minute},
}

// fallbackLimit applies to kinds without a limit of their own (e.g. slack).
var fallbackLimit = Limit{Max: 10, Window: 5 * time.Minute}

// Window returns the fixed window of length w containing t: [start, end).
// Fixed windows (multiples of w since the Unix epoch) give every node the
// same summary time for a contact method without coordination.
func Window(t time.Time, w time.Duration) (start, end time.Time) {
	start = t.UTC().Truncate(w)
	return start, start.Add(w)
}

// Throttled reports whether one more message may not go out now, given
// how many were already claimed for the contact method in the window.
func (l Limit) Throttled(claimedInWindow int) bool {
	return l.Max > 0 && claimedInWindow >= l.Max
}

// BatchReason says why deliveries were collapsed into a batch.
type BatchReason string

// The reasons for a batch.
const (
	Throttle BatchReason = "throttle" // more than the limit in a window: "N more alerts"
	Digest   BatchReason = "digest"   // low urgency collected for the person's digest
)

// Batch is one summary message for deliveries collapsed on one contact method.
type Batch struct {
	ID        int64
	ContactID int64
	UserID    int64
	Reason    BatchReason
	DueAt     time.Time
	State     DeliveryState // pending, sent, failed, cancelled (nothing left to tell)
	Count     int           // how many deliveries it told about
	Attempts  int
	Error     string
	SentAt    *time.Time
}

// Summarize renders the one message a batch sends for its deliveries.
func Summarize(reason BatchReason, items []Delivery) Rendered {
	n := len(items)
	var b strings.Builder
	urgency := Low
	for i, d := range items {
		if d.Urgency == High {
			urgency = High
		}
		if i < 20 {
			fmt.Fprintf(&b, "- %s\n", d.Subject)
		}
	}
	if n > 20 {
		fmt.Fprintf(&b, "- … and %d more\n", n-20)
	}
	var subject string
	switch reason {
	case Throttle:
		subject = fmt.Sprintf("%d more alert%s", n, plural(n))
		b.WriteString("\nThese arrived faster than this contact method is used; open Firebreak to see them all.\n")
	default:
		subject = fmt.Sprintf("Digest: %d low-urgency notification%s", n, plural(n))
	}
	return Rendered{Urgency: urgency, Subject: subject, Body: b.String()}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
