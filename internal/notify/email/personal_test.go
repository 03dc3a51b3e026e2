package email_test

import (
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/notification/notificationtest"
	"github.com/firebreak-hq/firebreak/internal/notify/email"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
)

func TestPersonalConformance(t *testing.T) {
	srv := smtptest.Start(t)
	s, err := email.New(email.Config{Host: srv.Host, Port: srv.Port, From: "Firebreak <pager@acme.example>", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	notificationtest.Run(t, notificationtest.Harness{
		Sender: email.NewPersonal(s),
		Target: notification.Target{Kind: notification.Email, Address: "ann@example.com"},
		Received: func(t testing.TB, n int) []string {
			var out []string
			for _, m := range srv.Wait(t, n, 10*time.Second) {
				subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
				if err != nil {
					t.Fatal(err)
				}
				if m.Header.Get("X-Firebreak-Key") != notificationtest.Message.Key || m.To[0] != "ann@example.com" {
					t.Fatalf("headers %v to %v", m.Header, m.To)
				}
				out = append(out, subject+"\n"+m.Body)
			}
			return out
		},
		Refuse: func(permanent bool) {
			if permanent {
				srv.RefuseNext(550)
				return
			}
			srv.RefuseNext(451)
		},
	})
	if got := srv.Messages()[0]; !strings.Contains(got.Header.Get("Importance"), "high") {
		t.Fatalf("a high-urgency email is not flagged: %v", got.Header)
	}
}
