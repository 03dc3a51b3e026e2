// Package smoke holds whole-node paging scenarios in the spirit of GoAlert's
// test/smoke: one story per file, a node started in process on a controlled
// clock, a real SMTP server and a fake Twilio that follow their protocols,
// and a harness that fails the test on any notification it was not told to
// expect, and on any duplicate.
package smoke

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
	"github.com/firebreak-hq/firebreak/internal/testkit/twiliotest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// clock is the node's time. It starts a week behind the wall clock and only
// moves when the scenario says, so every job the queue holds for a time of
// the node's is already due for the queue (which runs on the wall clock);
// the pager itself fires nothing before the node's clock reaches it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is one node with its outside world.
type harness struct {
	t     *testing.T
	node  *apptest.Server
	clock *clock
	mail  *smtptest.Server
	sms   *twiliotest.Server
	ctx   context.Context // the admin

	mu          sync.Mutex
	mailSeen    int // messages already accounted for
	smsSeen     int
	svc         catalog.Service
	integration string // the Alertmanager integration's key
}

// person is a user with a verified email address and phone.
type person struct {
	auth.User
	Phone string
}

func start(t *testing.T, opts ...apptest.Option) *harness {
	t.Helper()
	h := &harness{t: t, clock: &clock{t: time.Now().Add(-7 * 24 * time.Hour).UTC().Truncate(time.Second)}}
	h.mail = smtptest.Start(t)
	h.sms = twiliotest.Start(t)
	opts = append([]apptest.Option{
		apptest.AppOptions(app.Options{Now: h.clock.Now, JobPoll: 20 * time.Millisecond, PageTick: 20 * time.Millisecond}),
		apptest.Configure(func(c *config.Config) {
			c.SMTP = config.SMTPConfig{Host: net.JoinHostPort(h.mail.Host, strconv.Itoa(h.mail.Port)), From: "pager@firebreak.example", TLS: "none"}
			c.Notifications.SMS.Provider = "twilio"
			c.Notifications.SMS.Twilio = config.TwilioConfig{AccountSID: h.sms.AccountSID, AuthToken: h.sms.AuthToken, From: "+15005550006", BaseURL: h.sms.URL}
		}),
	}, opts...)
	h.node = apptest.Start(t, opts...)
	h.ctx = h.node.AdminContext()
	var err error
	h.svc, err = h.node.App.Catalog.CreateService(h.ctx, catalog.ServiceInput{Name: "checkout"})
	if err != nil {
		t.Fatal(err)
	}
	in, err := h.node.App.Detect.Triage.CreateIntegration(h.ctx, detect.NewIntegration{Name: "prom", Kind: detect.KindAlertmanager, ServiceID: h.svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	h.integration = in.Key
	t.Cleanup(h.noneLeft)
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for id := int64(1); id < 10; id++ {
			ds, _ := h.node.App.Notifications.History(h.ctx, id, 20)
			for _, d := range ds {
				t.Logf("delivery to user %d by %s: %s %s (due %s, key %s)", id, d.Kind, d.State, d.Error, d.DueAt.Format("Jan 2 15:04:05"), d.Key)
			}
		}
		ps, _ := h.node.App.Paging.List(h.ctx, paging.Filter{Limit: 5})
		for _, p := range ps {
			tl, _ := h.node.App.Paging.Timeline(h.ctx, p.ID)
			for _, e := range tl {
				t.Logf("page %d %s: %s %s (user %d)", p.ID, e.At.Format("Jan 2 15:04:05"), e.Kind, e.Text, e.UserID)
			}
		}
	})
	return h
}

var codeRE = regexp.MustCompile(`\b(\d{6})\b`)

// person creates a responder with an email address and a phone number, and
// verifies both with the codes the real messages carry.
func (h *harness) person(handle string, phone string) person {
	h.t.Helper()
	n := h.node.App
	u, err := n.Auth.CreateUser(h.ctx, auth.UserInput{Handle: handle, Name: strings.ToUpper(handle[:1]) + handle[1:], Email: handle + "@example.com", Level: "responder"})
	if err != nil {
		h.t.Fatal(err)
	}
	uctx := access.With(context.Background(), access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: access.Responder, Source: "smoke"})
	mailC, err := n.Notifications.AddContact(uctx, notification.Email, "work", u.Email)
	if err != nil {
		h.t.Fatal(err)
	}
	m := h.expectEmail(u.Email, "")
	if _, err := n.Notifications.Verify(uctx, mailC.ID, codeRE.FindString(m.Body)); err != nil {
		h.t.Fatalf("verify %s's email with %q: %v", handle, m.Body, err)
	}
	smsC, err := n.Notifications.AddContact(uctx, notification.SMS, "phone", phone)
	if err != nil {
		h.t.Fatal(err)
	}
	s := h.expectSMS(phone, "")
	if _, err := n.Notifications.Verify(uctx, smsC.ID, codeRE.FindString(s.Body)); err != nil {
		h.t.Fatalf("verify %s's phone with %q: %v", handle, s.Body, err)
	}
	return person{User: u, Phone: phone}
}

// policy creates an escalation policy and makes it the service's.
func (h *harness) policy(repeat int, steps ...paging.Step) paging.Policy {
	h.t.Helper()
	p, err := h.node.App.Paging.SavePolicy(h.ctx, paging.Policy{Name: fmt.Sprintf("policy %d", time.Now().UnixNano()), Repeat: repeat, Steps: steps})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.node.App.Paging.SetServicePaging(h.ctx, paging.ServicePaging{ServiceID: h.svc.ID, PolicyID: p.ID}); err != nil {
		h.t.Fatal(err)
	}
	return p
}

func users(ps ...person) []paging.Target {
	var out []paging.Target
	for _, p := range ps {
		out = append(out, paging.Target{Kind: paging.TargetUser, ID: p.ID})
	}
	return out
}

// alert fires an Alertmanager alert (critical, so high urgency) through
// the sender's real endpoint.
func (h *harness) alert(name string) {
	h.t.Helper()
	body := fmt.Sprintf(`{"version":"4","groupKey":"smoke-%s","truncatedAlerts":0,"status":"firing","receiver":"firebreak",
		"groupLabels":{"alertname":"%s"},"commonLabels":{"alertname":"%s","severity":"critical"},"commonAnnotations":{},"externalURL":"http://am:9093",
		"alerts":[{"status":"firing","labels":{"alertname":"%s","severity":"critical"},"annotations":{"summary":"%s is failing"},
		"startsAt":"2026-11-25T03:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"%x"}]}`,
		name, name, name, name, name, []byte(name))
	resp, err := http.Post(h.node.URL+"/integrations/alertmanager/"+h.integration, "application/json", bytes.NewBufferString(body))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		h.t.Fatalf("alert: %s: %s", resp.Status, b.String())
	}
}

const wait = 15 * time.Second

// expectEmail waits for the next email, which must be to `to` and contain
// want; any other message arriving first fails the test.
func (h *harness) expectEmail(to, want string) smtptest.Message {
	h.t.Helper()
	h.mu.Lock()
	n := h.mailSeen + 1
	h.mailSeen = n
	h.mu.Unlock()
	msgs := h.mail.Wait(h.t, n, wait)
	m := msgs[n-1]
	if len(m.To) != 1 || m.To[0] != to || !strings.Contains(m.Header.Get("Subject")+m.Body, want) {
		h.t.Fatalf("unexpected email (wanted one to %s with %q): to %v, %q\n%s", to, want, m.To, m.Header.Get("Subject"), m.Body)
	}
	return m
}

// expectSMS is expectEmail for texts.
func (h *harness) expectSMS(to, want string) twiliotest.Message {
	h.t.Helper()
	h.mu.Lock()
	n := h.smsSeen + 1
	h.smsSeen = n
	h.mu.Unlock()
	msgs := h.sms.Wait(h.t, n, wait)
	m := msgs[n-1]
	if m.To != to || !strings.Contains(m.Body, want) {
		h.t.Fatalf("unexpected text (wanted one to %s with %q): to %s: %q", to, want, m.To, m.Body)
	}
	return m
}

// paged expects exactly the email and the text of one notification of p.
func (h *harness) paged(p person, want string) (emailBody string) {
	h.t.Helper()
	m := h.expectEmail(p.Email, want)
	h.expectSMS(p.Phone, want)
	return m.Body
}

// quiet lets the node run for a while and fails on anything sent meanwhile.
func (h *harness) quiet() {
	h.t.Helper()
	time.Sleep(300 * time.Millisecond) // several engine ticks and job polls
	h.noneLeft()
}

// noneLeft fails on any message not expected by the scenario.
func (h *harness) noneLeft() {
	h.t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if m := h.mail.Messages(); len(m) > h.mailSeen {
		for _, x := range m[h.mailSeen:] {
			h.t.Errorf("unexpected email to %v: %q", x.To, x.Header.Get("Subject"))
		}
		h.mailSeen = len(m)
	}
	if m := h.sms.Messages(); len(m) > h.smsSeen {
		for _, x := range m[h.smsSeen:] {
			h.t.Errorf("unexpected text to %s: %q", x.To, x.Body)
		}
		h.smsSeen = len(m)
	}
}

// advance moves the node's clock; the engine notices within a tick.
func (h *harness) advance(d time.Duration) { h.clock.advance(d) }

var linkRE = regexp.MustCompile(`https?://[^\s"<>]+/p/[A-Za-z0-9_\-.]+`)

// useLink opens an action link from a notice (GET shows a button) and
// presses it (POST), as a phone's browser would.
func (h *harness) useLink(body, label string) {
	h.t.Helper()
	for _, l := range linkRE.FindAllString(body, -1) {
		resp, err := http.Get(l)
		if err != nil {
			h.t.Fatal(err)
		}
		var page bytes.Buffer
		_, _ = page.ReadFrom(resp.Body)
		resp.Body.Close()
		if !strings.Contains(page.String(), ">"+label+"</button>") {
			continue
		}
		u, _ := url.Parse(l)
		req, _ := http.NewRequest(http.MethodPost, l, nil)
		req.Header.Set("Origin", u.Scheme+"://"+u.Host)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			h.t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			h.t.Fatalf("%s link: %s", label, resp.Status)
		}
		return
	}
	h.t.Fatalf("no %s link in %q", label, body)
}

// pageOf is the page the alert group of the scenario raised (the newest).
func (h *harness) page() paging.Page {
	h.t.Helper()
	ps, err := h.node.App.Paging.List(h.ctx, paging.Filter{Limit: 1})
	if err != nil || len(ps) == 0 {
		h.t.Fatalf("no page: %v", err)
	}
	return ps[0]
}

// eachStore runs a scenario on SQLite and on PostgreSQL.
func eachStore(t *testing.T, scenario func(t *testing.T, h *harness)) {
	for _, pg := range []bool{false, true} {
		name := "sqlite"
		var opts []apptest.Option
		if pg {
			name, opts = "postgres", []apptest.Option{apptest.Postgres()}
		}
		t.Run(name, func(t *testing.T) {
			if os.Getenv("FIREBREAK_TEST_LOGS") != "" {
				opts = append(opts, apptest.Logs(os.Stderr))
			}
			scenario(t, start(t, opts...))
		})
	}
}
