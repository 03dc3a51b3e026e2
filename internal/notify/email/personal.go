package email

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wneessen/go-mail"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// Personal sends personal notifications (pages, verification codes,
// handoff notices) to email contact methods through a Sender.
type Personal struct {
	mail Mailer
}

// Mailer sends one plain-text email; *Sender is one.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string, header map[string]string) error
}

var (
	_ notification.Sender = (*Personal)(nil)
	_ Mailer              = (*Sender)(nil)
)

// NewPersonal returns the notification sender over m.
func NewPersonal(m Mailer) *Personal { return &Personal{mail: m} }

// Send mails the message: the body, then each action as "Label: URL". The
// delivery key goes in X-Firebreak-Key so mail rules can thread or
// deduplicate; high urgency is flagged with the usual priority headers.
func (p *Personal) Send(ctx context.Context, to notification.Target, m notification.Rendered) error {
	var b strings.Builder
	b.WriteString(m.Body)
	if len(m.Actions) > 0 {
		b.WriteString("\n\n")
		for _, a := range m.Actions {
			fmt.Fprintf(&b, "%s: %s\n", a.Label, a.URL)
		}
	}
	b.WriteString("\n-- \nFirebreak. Change how you are notified under Notifications in your menu.\n")
	header := map[string]string{"X-Firebreak-Key": strings.Map(dropControl, m.Key), "Auto-Submitted": "auto-generated"}
	if m.Urgency == notification.High {
		header["X-Priority"] = "1 (Highest)"
		header["Importance"] = "high"
	}
	err := p.mail.Send(ctx, to.Address, strings.Map(dropControl, m.Subject), b.String(), header)
	// A 5xx answer (no such mailbox, refused) will not change on retry.
	var se *mail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		return notification.Permanent(err)
	}
	return err
}

func dropControl(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return ' '
	}
	return r
}
