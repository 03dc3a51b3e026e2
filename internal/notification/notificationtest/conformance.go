// Package notificationtest holds the one conformance test every
// notification.Sender passes (email, push, SMS through each provider, and
// later Slack DMs), in the spirit of Alertmanager's notify/test: the same
// message, the same refusals, the same expectations of what arrives.
package notificationtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// Harness connects the conformance test to one sender and the far end it
// talks to (a real SMTP server in the process, or an httptest fake that
// follows the provider's documented API).
type Harness struct {
	Sender notification.Sender
	Target notification.Target
	// Received waits until n messages arrived in all at the far end and
	// returns each as the text a person would read (subject, body, links).
	Received func(t testing.TB, n int) []string
	// Refuse makes the far end refuse the next message: permanently
	// (no such recipient) or temporarily (try again later).
	Refuse func(permanent bool)
	// Short says the channel carries only the start of a long body (SMS).
	Short bool
}

// Message is the message every sender is tested with: non-ASCII text, a
// multi-line body and two action links with query strings.
var Message = notification.Rendered{
	Key:     "page:7:step:0:rep:0/12",
	Urgency: notification.High,
	Subject: "[FIRING] Zahlungen: Fehlerquote 12 % — api-gateway",
	Body:    "Error rate above 5 % for 10 minutes.\nRunbook: see the service page.",
	Actions: []notification.Action{
		{Label: "Acknowledge", URL: "https://firebreak.example/p/7/ack?sig=abc&exp=123"},
		{Label: "Resolve", URL: "https://firebreak.example/p/7/resolve?sig=def&exp=123"},
	},
	PageID: 7,
}

// Run runs the conformance test on h.
func Run(t *testing.T, h Harness) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	t.Run("delivers subject, body and every action link", func(t *testing.T) {
		if err := h.Sender.Send(ctx, h.Target, Message); err != nil {
			t.Fatalf("Send: %v", err)
		}
		got := h.Received(t, 1)
		text := got[0]
		want := []string{Message.Subject, "Error rate above 5 % for 10 minutes."}
		if !h.Short {
			want = append(want, "Runbook: see the service page.")
		}
		for _, a := range Message.Actions {
			want = append(want, a.Label, a.URL)
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the far end did not get %q in:\n%s", w, text)
			}
		}
	})

	t.Run("a temporary refusal is an error to retry", func(t *testing.T) {
		h.Refuse(false)
		err := h.Sender.Send(ctx, h.Target, Message)
		if err == nil || notification.IsPermanent(err) {
			t.Fatalf("Send after a temporary refusal = %v, want a retryable error", err)
		}
		if err := h.Sender.Send(ctx, h.Target, Message); err != nil {
			t.Fatalf("the retry: %v", err)
		}
		h.Received(t, 2)
	})

	t.Run("a permanent refusal is marked permanent", func(t *testing.T) {
		h.Refuse(true)
		err := h.Sender.Send(ctx, h.Target, Message)
		if !notification.IsPermanent(err) {
			t.Fatalf("Send after a permanent refusal = %v, want a permanent error", err)
		}
	})

	t.Run("a cancelled context sends nothing", func(t *testing.T) {
		cctx, stop := context.WithCancel(ctx)
		stop()
		if err := h.Sender.Send(cctx, h.Target, Message); err == nil {
			t.Fatal("Send with a cancelled context succeeded")
		}
	})

	t.Run("nothing unexpected arrived", func(t *testing.T) {
		if got := h.Received(t, 2); len(got) != 2 {
			t.Fatalf("the far end got %d messages, want exactly 2", len(got))
		}
	})
}
