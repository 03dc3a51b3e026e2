// Package sms delivers personal notifications as text messages through a
// Provider: Twilio's Messages API (twilio.go; any Twilio-compatible API by
// its base URL) or a generic HTTP gateway described by a template
// (gateway.go). Sender renders a message into one short text.
package sms

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// Provider sends one text to one E.164 number. It returns
// notification.Permanent errors for refusals retrying cannot fix. delivery
// is the delivery sent (0 for a text that is none, such as a verification
// code): a provider that reports delivery receipts names it in them.
type Provider interface {
	SendSMS(ctx context.Context, to, body string, delivery int64) error
}

// MaxLen is the longest text sent (Twilio's limit; ten segments).
const MaxLen = 1600

// bodyLen is how much of a message's body a text carries: SMS is for
// knowing something is wrong, the details are a link away.
const bodyLen = 300

// Sender renders messages into texts and hands them to a Provider.
type Sender struct {
	p Provider
}

var _ notification.Sender = (*Sender)(nil)

// New returns a Sender over p.
func New(p Provider) *Sender { return &Sender{p: p} }

// Send texts the message to the target's number.
func (s *Sender) Send(ctx context.Context, to notification.Target, m notification.Rendered) error {
	return s.p.SendSMS(ctx, to.Address, Text(m), m.DeliveryID)
}

// Text renders a message as one text: "Firebreak: subject", the start of
// the body, then each action as "Label: URL".
func Text(m notification.Rendered) string {
	var b strings.Builder
	b.WriteString("Firebreak: ")
	b.WriteString(oneLine(m.Subject))
	if body := strings.TrimSpace(m.Body); body != "" {
		b.WriteString("\n")
		b.WriteString(cut(body, bodyLen))
	}
	for _, a := range m.Actions {
		b.WriteString("\n")
		b.WriteString(oneLine(a.Label) + ": " + a.URL)
	}
	return cut(b.String(), MaxLen)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cut shortens s to at most n characters, ending with "…" when it cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
