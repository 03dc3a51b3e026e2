package notification_test

import (
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func verified(id int64, k notification.Kind) notification.Contact {
	return notification.Contact{ID: id, Kind: k, VerifiedAt: &t0}
}

func TestPlan(t *testing.T) {
	push, mail, sms := verified(1, notification.Webhook), verified(2, notification.Email), verified(3, notification.SMS)
	unverified := notification.Contact{ID: 4, Kind: notification.SMS}
	all := []notification.Contact{push, mail, sms, unverified}
	rules := []notification.Rule{
		{ContactID: 3, Urgency: notification.High, Delay: 3 * time.Minute},
		{ContactID: 1, Urgency: notification.High},
		{ContactID: 2, Urgency: notification.High},
		{ContactID: 4, Urgency: notification.High}, // unverified: skipped
	}
	ids := func(steps []notification.Step) string {
		var b strings.Builder
		for _, s := range steps {
			b.WriteString(string(s.Contact.Kind) + "@" + s.Delay.String() + " ")
		}
		return strings.TrimSpace(b.String())
	}
	for _, c := range []struct {
		name     string
		u        notification.Urgency
		rules    []notification.Rule
		contacts []notification.Contact
		want     string
	}{
		{"push and email at once, SMS after three minutes", notification.High, rules, all, "webhook@0s email@0s sms@3m0s"},
		{"no low rules: low urgency goes by email only", notification.Low, rules, all, "email@0s"},
		{"no rules at all: high urgency to every verified method", notification.High, nil, all, "webhook@0s email@0s sms@0s"},
		{"no email: low urgency to every verified method", notification.Low, nil, []notification.Contact{push, unverified}, "webhook@0s"},
		{"nothing verified: nothing planned", notification.High, nil, []notification.Contact{unverified}, ""},
		{"rules only on an unverified method: nothing, not the default", notification.High, rules[3:], all, ""},
	} {
		if got := ids(notification.Plan(c.u, c.rules, c.contacts)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCheckCode(t *testing.T) {
	exp := t0.Add(notification.CodeLifetime)
	c := notification.Contact{ID: 9, CodeHash: notification.HashCode(9, "123456"), CodeExpiresAt: &exp}
	if _, err := notification.CheckCode(notification.Contact{ID: 10, CodeHash: c.CodeHash, CodeExpiresAt: &exp}, "123456", t0); err == nil {
		t.Fatal("a hash copied to another contact method verified it")
	}
	got, err := notification.CheckCode(c, "654321", t0)
	if err == nil || got.CodeAttempts != 1 || got.Verified() {
		t.Fatalf("wrong code: %+v %v", got, err)
	}
	if _, err := notification.CheckCode(c, "123456", exp); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("at expiry: %v", err)
	}
	got, err = notification.CheckCode(c, " 123456 ", t0)
	if err != nil || !got.Verified() || got.CodeHash != "" {
		t.Fatalf("right code: %+v %v", got, err)
	}
}

func TestWindow(t *testing.T) {
	s, e := notification.Window(t0.Add(7*time.Minute+3*time.Second), 5*time.Minute)
	if !s.Equal(t0.Add(5*time.Minute)) || !e.Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("window %v–%v", s, e)
	}
	if notification.DefaultLimits[notification.SMS].Throttled(2) || !notification.DefaultLimits[notification.SMS].Throttled(3) {
		t.Fatal("SMS limit is not three per window")
	}
}

func TestHandoffMessage(t *testing.T) {
	m := notification.HandoffMessage(notification.Handoff{ScheduleID: 4, ScheduleName: "Primary", UserID: 7, TimeZone: "Europe/Berlin",
		Start: time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 6, 7, 0, 0, 0, time.UTC)})
	if m.Key != "handoff/4/7/1774854000" || m.Subject != "You are on call for Primary from Mon 30 Mar 09:00" ||
		!strings.Contains(m.Body, "to Mon 6 Apr 09:00 (Europe/Berlin)") || m.Urgency != notification.Low {
		t.Fatalf("%+v", m)
	}
}

func TestNormalizeAddress(t *testing.T) {
	for _, c := range []struct {
		kind notification.Kind
		in   string
		want string
	}{
		{notification.SMS, "+49 (170) 123-4567", "+491701234567"},
		{notification.SMS, "0170 1234567", ""},
		{notification.SMS, "+1 415 555 0100 ext 2", ""},
		{notification.Email, "Ann <ann@example.com>", ""},
		{notification.Email, " ann@example.com ", "ann@example.com"},
		{notification.Webhook, "https://ntfy.sh/ann-x81", "https://ntfy.sh/ann-x81"},
		{notification.Webhook, "https://user:pw@ntfy.sh/x", ""},
		{notification.Webhook, "file:///etc/passwd", ""},
	} {
		got, err := notification.NormalizeAddress(c.kind, c.in)
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("%s %q = %q, %v; want %q", c.kind, c.in, got, err, c.want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+49 170 1234567", "+1 (415) 555-0100", "0049", "++1", "+", "+4917012345678901234", "+٣٣٣٣٣٣٣٣٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := notification.NormalizePhone(s)
		if err != nil {
			return
		}
		if n[0] != '+' || len(n) < 9 || len(n) > 16 || n[1] == '0' {
			t.Fatalf("NormalizePhone(%q) = %q, not E.164", s, n)
		}
		for _, r := range n[1:] {
			if r < '0' || r > '9' {
				t.Fatalf("NormalizePhone(%q) = %q has %q", s, n, r)
			}
		}
		if again, err := notification.NormalizePhone(n); err != nil || again != n {
			t.Fatalf("not idempotent: %q → %q, %v", n, again, err)
		}
	})
}
