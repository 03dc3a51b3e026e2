package email

import (
	"bytes"
	"context"
	"fmt"

	"github.com/wneessen/go-mail"
)

// SendCalendar sends a plain-text message with an iCalendar invitation:
// the calendar is a text/calendar alternative with its iTIP method (the way
// calendar programs recognise an invitation, an update or a cancellation),
// and is also attached as invite.ics for programs that only see attachments.
func (s *Sender) SendCalendar(ctx context.Context, to, subject, body string, ics []byte, method string) error {
	switch method {
	case "REQUEST", "CANCEL", "PUBLISH":
	default:
		return fmt.Errorf("email: unknown iTIP method %q", method)
	}
	m := mail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return fmt.Errorf("email: from %q: %w", s.cfg.From, err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("email: to %q: %w", to, err)
	}
	m.Subject(subject)
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(mail.TypeTextPlain, body)
	m.AddAlternativeString(mail.ContentType("text/calendar; method="+method), string(ics))
	m.AttachReadSeeker("invite.ics", bytes.NewReader(ics), mail.WithFileContentType(mail.ContentType("application/ics")))
	c, err := s.client()
	if err != nil {
		return fmt.Errorf("email: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("email to %s: %w", to, err)
	}
	return nil
}
