package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
	"github.com/firebreak-hq/firebreak/internal/testkit/twiliotest"
)

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// pushSink collects what webhook contact methods receive.
type pushSink struct {
	mu   sync.Mutex
	got  []map[string]any
	seen chan struct{}
}

func (p *pushSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m map[string]any
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &m)
	p.mu.Lock()
	p.got = append(p.got, m)
	p.mu.Unlock()
	p.seen <- struct{}{}
}

func (p *pushSink) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		p.mu.Lock()
		got := append([]map[string]any(nil), p.got...)
		p.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-p.seen:
		case <-deadline:
			t.Fatalf("push: %d of %d arrived", len(got), n)
		}
	}
}

// A person sets up email, push and SMS through the API, each verified with
// the code that really arrived (over SMTP, at the webhook, at the fake
// Twilio); a page's message then reaches each exactly once, even when it is
// sent twice, and the history says so.
func TestNotificationsEndToEnd(t *testing.T) {
	mail := smtptest.Start(t)
	twilio := twiliotest.Start(t)
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		ctx := context.Background()
		sink := &pushSink{seen: make(chan struct{}, 100)}
		hook := httptest.NewServer(sink)
		defer hook.Close()
		mailBefore, textsBefore := len(mail.Messages()), len(twilio.Messages())
		ann, token := s.User(t, "ann", "Ann", access.Responder, "")
		cl := client.New(s.URL, token, nil)

		methods, err := cl.ContactMethods(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(methods.Kinds, ",") != "email,sms,webhook" {
			t.Fatalf("kinds %v", methods.Kinds)
		}
		// Bad input is a problem naming the field, in words.
		if _, err := cl.AddContactMethod(ctx, "sms", "", "0170 1234567"); err == nil || !strings.Contains(err.Error(), "country code") {
			t.Fatalf("number without country code: %v", err)
		}

		email, err := cl.AddContactMethod(ctx, "email", "Work", "ann@example.com")
		if err != nil {
			t.Fatal(err)
		}
		code := sixDigits.FindString(mail.Wait(t, mailBefore+1, 20*time.Second)[mailBefore].Body)
		if _, err := cl.VerifyContactMethod(ctx, email.ID, "000000"); err == nil && code != "000000" {
			t.Fatal("a wrong code verified the address")
		}
		if email, err = cl.VerifyContactMethod(ctx, email.ID, code); err != nil || !email.Verified {
			t.Fatalf("verify email: %v %+v", err, email)
		}

		phone, err := cl.AddContactMethod(ctx, "sms", "Phone", "+1 415 555 0100")
		if err != nil {
			t.Fatal(err)
		}
		text := twilio.Wait(t, textsBefore+1, 20*time.Second)[textsBefore]
		if text.To != "+14155550100" {
			t.Fatalf("code texted to %q", text.To)
		}
		if _, err := cl.VerifyContactMethod(ctx, phone.ID, sixDigits.FindString(text.Body)); err != nil {
			t.Fatal(err)
		}

		push, err := cl.AddContactMethod(ctx, "webhook", "ntfy", hook.URL+"/ann-topic")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cl.VerifyContactMethod(ctx, push.ID, sixDigits.FindString(sink.wait(t, 1)[0]["message"].(string))); err != nil {
			t.Fatal(err)
		}

		for _, id := range []int64{push.ID, email.ID, phone.ID} {
			if _, err := cl.AddNotificationRule(ctx, client.NotificationRule{ContactMethodID: id, Urgency: "high"}); err != nil {
				t.Fatal(err)
			}
		}
		rules, err := cl.NotificationRules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rules.Rules) != 3 || len(rules.Plan["high"]) != 3 || len(rules.Plan["low"]) != 1 || !rules.Plan["low"][0].Default {
			t.Fatalf("rules %+v", rules)
		}

		msg := notification.Message{Key: "e2e:page:1", UserID: ann.ID, Urgency: notification.High, Subject: "checkout 5xx",
			Body: "error rate 12 %", Actions: []notification.Action{{Label: "Acknowledge", URL: s.URL + "/p/abc"}}}
		for range 2 {
			if err := s.App.Notifications.Notify(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		pushed := sink.wait(t, 2)[1]
		mails := mail.Wait(t, mailBefore+2, 20*time.Second)
		texts := twilio.Wait(t, textsBefore+2, 20*time.Second)
		if pushed["title"] != "checkout 5xx" || !strings.Contains(mails[mailBefore+1].Body, s.URL+"/p/abc") || !strings.Contains(texts[textsBefore+1].Body, "checkout 5xx") {
			t.Fatalf("push %v\nmail %q\ntext %q", pushed, mails[mailBefore+1].Body, texts[textsBefore+1].Body)
		}

		// The history shows the three, sent; then nothing more arrives.
		var hist []client.Delivery
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if hist, err = cl.Deliveries(ctx, 0, 10); err != nil {
				t.Fatal(err)
			}
			sent := 0
			for _, d := range hist {
				if d.Key == msg.Key && d.State == "sent" {
					sent++
				}
			}
			if sent == 3 {
				break
			}
		}
		if len(hist) != 3 {
			t.Fatalf("history %+v", hist)
		}
		time.Sleep(100 * time.Millisecond)
		if len(mail.Messages()) != mailBefore+2 || len(twilio.Messages()) != textsBefore+2 || len(sink.wait(t, 2)) != 2 {
			t.Fatal("a notification arrived twice")
		}

		// The test button texts the phone; admins see Ann's history, Bob does not.
		if _, err := cl.TestContactMethod(ctx, phone.ID); err != nil {
			t.Fatal(err)
		}
		if got := twilio.Wait(t, textsBefore+3, 20*time.Second); !strings.Contains(got[textsBefore+2].Body, "test notification") {
			t.Fatalf("test text %q", got[textsBefore+2].Body)
		}
		admin := client.New(s.URL, s.AdminToken, nil)
		if _, err := admin.Deliveries(ctx, ann.ID, 5); err != nil {
			t.Fatal(err)
		}
		_, bobToken := s.User(t, "bob", "Bob", access.Responder, "")
		if _, err := client.New(s.URL, bobToken, nil).Deliveries(ctx, ann.ID, 5); err == nil {
			t.Fatal("bob read ann's notifications")
		}
		// Bob cannot remove Ann's contact method either.
		if err := client.New(s.URL, bobToken, nil).RemoveContactMethod(ctx, phone.ID); err == nil || !strings.Contains(err.Error(), strconv.FormatInt(phone.ID, 10)) {
			t.Fatalf("bob removes ann's phone: %v", err)
		}
	}, apptest.Configure(func(c *config.Config) {
		c.Notifications.WebhookAllowPrivate = "true" // the webhook receiver is on loopback
		c.SMTP = config.SMTPConfig{Host: mail.Host + ":" + strconv.Itoa(mail.Port), From: "Firebreak <pager@acme.example>", TLS: "none"}
		c.Notifications.SMS = config.SMSConfig{Provider: "twilio", Twilio: config.TwilioConfig{AccountSID: twilio.AccountSID, AuthToken: twilio.AuthToken, From: "+14155550199", BaseURL: twilio.URL}}
	}))
}
