// Package email sends plain-text email over SMTP (wneessen/go-mail). It is
// an adapter: consumers declare the small interface they need (for example
// statuspage.Mailer) and the composition root hands them a Sender.
package email

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// Config says how to reach the mail server.
type Config struct {
	Host     string
	Port     int    // default 587 (25 with TLS "none")
	Username string // empty: no authentication
	Password string
	From     string // e.g. "Acme Status <status@acme.example>"
	TLS      string // "starttls" (default: required), "tls" (implicit, port 465), "opportunistic", "none"
	Timeout  time.Duration
}

// Sender sends email through one SMTP server.
type Sender struct {
	cfg Config
}

// New checks cfg and returns a Sender.
func New(cfg Config) (*Sender, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("email: the SMTP host is not set")
	}
	if cfg.From == "" {
		return nil, fmt.Errorf("email: the sender address (from) is not set")
	}
	switch cfg.TLS {
	case "", "starttls", "tls", "opportunistic", "none":
	default:
		return nil, fmt.Errorf("email: tls must be starttls, tls, opportunistic or none, not %q", cfg.TLS)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	return &Sender{cfg: cfg}, nil
}

func (s *Sender) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case "none":
		opts = append(opts, mail.WithTLSPortPolicy(mail.NoTLS))
	case "opportunistic":
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSOpportunistic))
	case "tls":
		opts = append(opts, mail.WithSSLPort(false))
	default:
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSMandatory))
	}
	if s.cfg.Port != 0 {
		opts = append(opts, mail.WithPort(s.cfg.Port))
	}
	if s.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	return mail.NewClient(s.cfg.Host, opts...)
}

// Send sends one plain-text message to one recipient.
func (s *Sender) Send(ctx context.Context, to, subject, body string, header map[string]string) error {
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
	for k, v := range header {
		if strings.ContainsAny(k+v, "\r\n") {
			return fmt.Errorf("email: header %s has a line break", k)
		}
		m.SetGenHeaderPreformatted(mail.Header(k), v)
	}
	m.SetBodyString(mail.TypeTextPlain, body)
	c, err := s.client()
	if err != nil {
		return fmt.Errorf("email: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return fmt.Errorf("email to %s: %w", to, err)
	}
	return nil
}
