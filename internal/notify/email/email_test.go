package email_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notify/email"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
)

func TestSendReachesARealSMTPServer(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := email.New(email.Config{Host: srv.Host, Port: srv.Port, From: "Acme Status <status@acme.example>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Customers can't open the Analytics Interface. ", 5) + "Grüße"
	err = s.Send(context.Background(), "reader@example.com", "[Acme] Identified: Analytics down", long,
		map[string]string{"List-Unsubscribe": "<https://status.acme.example/unsubscribe?token=1.abc>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Wait(t, 1, 5*time.Second)[0]
	if m.From != "status@acme.example" || len(m.To) != 1 || m.To[0] != "reader@example.com" {
		t.Errorf("envelope %q %v", m.From, m.To)
	}
	if got := m.Header.Get("Subject"); got != "[Acme] Identified: Analytics down" {
		t.Errorf("subject %q", got)
	}
	if got := m.Header.Get("List-Unsubscribe"); got != "<https://status.acme.example/unsubscribe?token=1.abc>" {
		t.Errorf("List-Unsubscribe %q", got)
	}
	if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || m.Header.Get("Message-Id") == "" {
		t.Errorf("headers %v", m.Header)
	}
	if !strings.Contains(strings.ReplaceAll(m.Body, "\r\n", "\n"), long) {
		t.Errorf("body %q", m.Body)
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	s, _ := email.New(email.Config{Host: "127.0.0.1", Port: 1, From: "a@example.com", TLS: "none"})
	if err := s.Send(context.Background(), "b@example.com", "x", "y", map[string]string{"X-A": "a\r\nBcc: evil@example.com"}); err == nil {
		t.Fatal("a header with a line break was accepted")
	}
	if _, err := email.New(email.Config{Host: "h", From: "a@example.com", TLS: "ssl"}); err == nil {
		t.Error("unknown tls mode accepted")
	}
}
