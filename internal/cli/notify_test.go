package cli

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
)

func TestNotifyCommandsAgainstServer(t *testing.T) {
	mail := smtptest.Start(t)
	s := apptest.Start(t, apptest.Configure(func(c *config.Config) {
		c.SMTP = config.SMTPConfig{Host: mail.Host + ":" + strconv.Itoa(mail.Port), From: "Firebreak <pager@acme.example>", TLS: "none"}
	}))
	_, token := s.User(t, "ann", "Ann Aardvark", access.Responder, "")
	ann := cli(t).with("FIREBREAK_URL", s.URL).with("FIREBREAK_TOKEN", token)

	r := ann.run(t, "notify", "rule").want(t, 0)
	has(t, "no methods", r.stdout, "A high-urgency notification reaches you nowhere")
	r = ann.run(t, "notify", "contact", "add", "sms", "+49 170 1234567").want(t, 1)
	has(t, "sms not configured", r.stderr, `"sms" contact methods are not available here (available: email, webhook)`)
	r = ann.run(t, "notify", "contact", "add", "email", "ann@example.com", "--name", "Work").want(t, 0)
	has(t, "add", r.stdout, "Added email ann@example.com (id 1)", "firebreak notify contact verify 1 CODE")
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(mail.Wait(t, 1, 20*time.Second)[0].Body)
	r = ann.run(t, "notify", "contact").want(t, 0)
	has(t, "list unverified", r.stdout, "ID", "email", "Work", "no (firebreak notify contact verify 1 CODE)")
	r = ann.run(t, "notify", "contact", "verify", "1", "123").want(t, 1)
	has(t, "wrong code", r.stderr, "code is wrong (4 tries left)")
	r = ann.run(t, "notify", "contact", "verify", "1", code).want(t, 0)
	has(t, "verify", r.stdout, "Verified email ann@example.com")

	r = ann.run(t, "notify", "rule", "add", "1", "--delay", "5").want(t, 0)
	has(t, "rule add", r.stdout, "Added rule 1: high urgency → contact method 1 after 5 min")
	r = ann.run(t, "notify", "rule").want(t, 0)
	has(t, "rules", r.stdout, "5 min", "A high-urgency notification goes to: email ann@example.com at 5 min.",
		"A low-urgency notification goes to: email ann@example.com at 0 min (default: you have no low-urgency rules).")
	r = ann.run(t, "notify", "rule", "add", "1", "--delay", "5000").want(t, 1)
	has(t, "bad delay", r.stderr, "between 0 and 1440 minutes")

	r = ann.run(t, "notify", "digest", "60").want(t, 0)
	has(t, "digest", r.stdout, "every 60 minutes")
	r = ann.run(t, "notify", "contact", "test", "1").want(t, 0)
	has(t, "test", r.stdout, "Test notification queued")
	mail.Wait(t, 2, 20*time.Second)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r = ann.run(t, "notify", "history").want(t, 0)
		if regexp.MustCompile(`sent\s+email ann@example.com\s+high\s+Firebreak test notification`).MatchString(r.stdout) || time.Now().After(deadline) {
			break
		}
	}
	has(t, "history", r.stdout, "sent", "Firebreak test notification")
	r = ann.run(t, "notify", "rule", "remove", "1").want(t, 0)
	r = ann.run(t, "notify", "contact", "remove", "1").want(t, 0)
	has(t, "remove", r.stdout, "Removed contact method 1")
}
