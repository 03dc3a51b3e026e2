package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// jobBox collects the jobs a notification change enqueues, so the test runs
// them itself at the injected clock's time (no queue, no sleeps).
type jobBox struct {
	mu   sync.Mutex
	jobs []store.Job
}

func (b *jobBox) EnqueueTx(_ context.Context, _ *sql.Tx, j store.Job) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jobs = append(b.jobs, j)
	return nil
}

// due takes the jobs whose time has come.
func (b *jobBox) due(now time.Time) []store.Job {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out, keep []store.Job
	for _, j := range b.jobs {
		if s, ok := j.(interface{ RunAt() time.Time }); ok && s.RunAt().After(now) {
			keep = append(keep, j)
			continue
		}
		out = append(out, j)
	}
	b.jobs = keep
	return out
}

// sentMsg is one message a recording sender got.
type sentMsg struct {
	to  notification.Target
	msg notification.Rendered
}

type recorder struct {
	mu   sync.Mutex
	got  []sentMsg
	fail error // returned (and cleared) by the next Send
}

func (r *recorder) Send(_ context.Context, to notification.Target, m notification.Rendered) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		err := r.fail
		r.fail = nil
		return err
	}
	r.got = append(r.got, sentMsg{to, m})
	return nil
}

func (r *recorder) take() []sentMsg {
	r.mu.Lock()
	defer r.mu.Unlock()
	g := r.got
	r.got = nil
	return g
}

type notifyEnv struct {
	svc   *notification.Service
	box   *jobBox
	clk   *fakeClock
	sent  *recorder
	ann   auth.User
	annCx context.Context
	bob   auth.User
}

func newNotifyEnv(t *testing.T, s *store.Store) *notifyEnv {
	t.Helper()
	asvc, clk, actx, _ := newAuth(t, s)
	ann, err := asvc.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "ann@example.com", Level: "responder"})
	must(t, err)
	bob, err := asvc.CreateUser(actx, auth.UserInput{Handle: "bob", Email: "bob@example.com", Level: "responder"})
	must(t, err)
	box, rec := &jobBox{}, &recorder{}
	svc := notification.NewService(s.Notifications(box), clk.Now, nil)
	for _, k := range []notification.Kind{notification.Email, notification.SMS, notification.Webhook} {
		svc.Register(k, rec)
	}
	return &notifyEnv{svc: svc, box: box, clk: clk, sent: rec, ann: ann, annCx: ctxFor(t, asvc, ann), bob: bob}
}

// run works every due job once, as the queue would, then dispatches every
// delivery due at the clock's time, as the node's dispatcher would.
func (e *notifyEnv) run(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for _, j := range e.box.due(e.clk.Now()) {
		var err error
		switch j := j.(type) {
		case notification.BatchJob:
			err = e.svc.SendBatch(ctx, j, 1)
		case notification.VerifyJob:
			err = e.svc.SendCode(ctx, j, 1)
		default:
			t.Fatalf("unexpected job %T", j)
		}
		if err != nil {
			t.Fatalf("%s: %v", j.Kind(), err)
		}
	}
	for {
		n, err := e.svc.Dispatch(ctx, 100)
		if err != nil {
			t.Fatalf("dispatch: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

var codeRE = regexp.MustCompile(`\b(\d{6})\b`)

// addVerified adds a contact method for ann through the real flow: the code
// sent to it is read from what the sender got.
func (e *notifyEnv) addVerified(t *testing.T, kind notification.Kind, addr string) notification.Contact {
	t.Helper()
	c, err := e.svc.AddContact(e.annCx, kind, "", addr)
	must(t, err)
	e.run(t)
	got := e.sent.take()
	if len(got) != 1 || got[0].to.Address != c.Address {
		t.Fatalf("verification sent %+v", got)
	}
	code := codeRE.FindString(got[0].msg.Body)
	c, err = e.svc.Verify(e.annCx, c.ID, code)
	must(t, err)
	if !c.Verified() {
		t.Fatal("not verified by the code it was sent")
	}
	return c
}

func TestNotificationContactVerification(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		e := newNotifyEnv(t, s)
		c, err := e.svc.AddContact(e.annCx, notification.SMS, "Phone", "+49 170 123-4567")
		must(t, err)
		if c.Address != "+491701234567" || c.Verified() {
			t.Fatalf("added %+v", c)
		}
		if _, err := e.svc.AddContact(e.annCx, notification.SMS, "", "+491701234567"); !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("duplicate contact method: %v", err)
		}
		if _, err := e.svc.AddContact(e.annCx, "pigeon", "", "x"); !apperr.Is(err, apperr.CodeInvalid) {
			t.Fatalf("unknown kind: %v", err)
		}
		e.run(t)
		got := e.sent.take()
		if len(got) != 1 {
			t.Fatalf("sent %d verification messages", len(got))
		}
		code := codeRE.FindString(got[0].msg.Body)
		stored, err := s.Notifications(nil).Contact(context.Background(), c.ID)
		must(t, err)
		if stored.CodeHash == "" || strings.Contains(stored.CodeHash, code) || stored.CodeHash != notification.HashCode(c.ID, code) {
			t.Fatalf("the code is not stored as its hash: %q", stored.CodeHash)
		}
		// A verified contact method is required before a test notification.
		if _, err := e.svc.Test(e.annCx, c.ID); !apperr.Is(err, apperr.CodeInvalid) {
			t.Fatalf("test before verification: %v", err)
		}
		// Bob may not verify (or even see) Ann's contact method.
		bobCx := access.With(context.Background(), access.Actor{UserID: e.bob.ID, Level: access.Responder, Source: "test"})
		if _, err := e.svc.Verify(bobCx, c.ID, code); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("bob verifies ann's contact: %v", err)
		}
		// Wrong guesses count, even though the call fails; the fifth kills the code.
		for i := 1; i <= notification.CodeMaxAttempts; i++ {
			if _, err := e.svc.Verify(e.annCx, c.ID, "000000x"); !apperr.Is(err, apperr.CodeInvalid) {
				t.Fatalf("wrong code %d: %v", i, err)
			}
		}
		if _, err := e.svc.Verify(e.annCx, c.ID, code); err == nil || !strings.Contains(err.Error(), "too many") {
			t.Fatalf("right code after the attempts ran out: %v", err)
		}
		// A resend waits a minute, then makes a new code; it expires.
		if err := e.svc.ResendCode(e.annCx, c.ID); !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("resend at once: %v", err)
		}
		e.clk.Advance(notification.ResendGap)
		must(t, e.svc.ResendCode(e.annCx, c.ID))
		e.run(t)
		code2 := codeRE.FindString(e.sent.take()[0].msg.Body)
		e.clk.Advance(notification.CodeLifetime)
		if _, err := e.svc.Verify(e.annCx, c.ID, code2); err == nil || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("expired code: %v", err)
		}
		e.clk.Advance(notification.ResendGap)
		must(t, e.svc.ResendCode(e.annCx, c.ID))
		e.run(t)
		code3 := codeRE.FindString(e.sent.take()[0].msg.Body)
		v, err := e.svc.Verify(e.annCx, c.ID, code3)
		must(t, err)
		if !v.Verified() {
			t.Fatal("not verified")
		}
		// Removing it takes its rules along; it is gone from the list.
		_, err = e.svc.AddRule(e.annCx, notification.Rule{ContactID: c.ID, Urgency: notification.High, Delay: 3 * time.Minute})
		must(t, err)
		must(t, e.svc.RemoveContact(e.annCx, c.ID))
		rules, err := e.svc.Rules(e.annCx, e.ann.ID)
		must(t, err)
		cs, err := e.svc.Contacts(e.annCx, e.ann.ID)
		must(t, err)
		if len(rules) != 0 || len(cs) != 0 {
			t.Fatalf("after removal: %d rules, %d contacts", len(rules), len(cs))
		}
	})
}

type pageStates struct {
	mu       sync.Mutex
	acked    map[int64]bool
	recorded []notification.Delivery
}

func (p *pageStates) StillWanted(_ context.Context, ids []int64) (map[int64]bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = !p.acked[id]
	}
	return out, nil
}

func (p *pageStates) Delivered(_ context.Context, _ notification.Tx, ds []notification.Delivery) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.recorded = append(p.recorded, ds...)
	return nil
}

func TestNotificationRulesDelaysAndIdempotency(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newNotifyEnv(t, s)
		pages := &pageStates{acked: map[int64]bool{}}
		e.svc.UsePaging(pages, pages)

		// No contact method: one failed delivery says so, on the page's record.
		must(t, e.svc.Notify(ctx, notification.Message{Key: "page:1:step:0", UserID: e.ann.ID, Urgency: notification.High, Subject: "db down", PageID: 1}))
		if len(pages.recorded) != 1 || pages.recorded[0].State != notification.Failed || !strings.Contains(pages.recorded[0].Error, "no verified contact method") {
			t.Fatalf("recorded %+v", pages.recorded)
		}

		push := e.addVerified(t, notification.Webhook, "https://ntfy.example/ann-topic")
		mail := e.addVerified(t, notification.Email, "ann@example.com")
		sms := e.addVerified(t, notification.SMS, "+14155550100")
		for _, r := range []notification.Rule{
			{ContactID: push.ID, Urgency: notification.High},
			{ContactID: mail.ID, Urgency: notification.High},
			{ContactID: sms.ID, Urgency: notification.High, Delay: 3 * time.Minute},
		} {
			_, err := e.svc.AddRule(e.annCx, r)
			must(t, err)
		}
		if _, err := e.svc.AddRule(e.annCx, notification.Rule{ContactID: sms.ID, Urgency: notification.High, Delay: 3 * time.Minute}); !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("duplicate rule: %v", err)
		}

		msg := notification.Message{Key: "page:2:step:0", UserID: e.ann.ID, Urgency: notification.High, Subject: "api 5xx", Body: "p99 high",
			PageID: 2, Actions: []notification.Action{{Label: "Acknowledge", URL: "https://fb.example/a/1"}}}
		must(t, e.svc.Notify(ctx, msg))
		must(t, e.svc.Notify(ctx, msg)) // the same key again: nothing more
		e.run(t)
		got := e.sent.take()
		if len(got) != 2 {
			t.Fatalf("at 0 min sent %d, want push and email", len(got))
		}
		for _, g := range got {
			if g.to.Kind == notification.SMS || g.msg.Subject != "api 5xx" || len(g.msg.Actions) != 1 || !strings.HasPrefix(g.msg.Key, "page:2:step:0/") {
				t.Fatalf("sent %+v", g)
			}
		}
		e.clk.Advance(3 * time.Minute)
		e.run(t)
		got = e.sent.take()
		if len(got) != 1 || got[0].to.Kind != notification.SMS {
			t.Fatalf("at 3 min sent %+v, want the SMS", got)
		}
		// Dispatching again (another node, a later tick) sends nothing twice.
		e.run(t)
		ds, err := s.Notifications(nil).DeliveriesOfPage(ctx, 2)
		must(t, err)
		for _, d := range ds {
			if d.State != notification.Sent || d.SentAt == nil || d.LeaseUntil != nil || d.Attempts != 1 {
				t.Fatalf("delivery %+v", d)
			}
		}
		if got := e.sent.take(); len(got) != 0 || len(ds) != 3 {
			t.Fatalf("rerun sent %d; %d deliveries", len(got), len(ds))
		}

		// Acknowledged before the SMS's delay: the SMS is cancelled.
		must(t, e.svc.Notify(ctx, notification.Message{Key: "page:3:step:0", UserID: e.ann.ID, Urgency: notification.High, Subject: "disk full", PageID: 3}))
		e.run(t)
		e.sent.take()
		pages.mu.Lock()
		pages.acked[3] = true
		pages.mu.Unlock()
		e.clk.Advance(3 * time.Minute)
		e.run(t)
		if got := e.sent.take(); len(got) != 0 {
			t.Fatalf("sent after the page was acknowledged: %+v", got)
		}
		ds, err = s.Notifications(nil).DeliveriesOfPage(ctx, 3)
		must(t, err)
		if ds[2].State != notification.Cancelled {
			t.Fatalf("sms delivery %+v", ds[2])
		}
		last := pages.recorded[len(pages.recorded)-1]
		if last.State != notification.Cancelled || last.Kind != notification.SMS {
			t.Fatalf("page record %+v", last)
		}

		// Low urgency has no rules of its own: the default sends it by email only.
		must(t, e.svc.Notify(ctx, notification.Message{Key: "low:1", UserID: e.ann.ID, Urgency: notification.Low, Subject: "cert expires in 20 days"}))
		e.run(t)
		if got := e.sent.take(); len(got) != 1 || got[0].to.Kind != notification.Email {
			t.Fatalf("low urgency sent %+v", got)
		}

		hist, err := e.svc.History(e.annCx, e.ann.ID, 50)
		must(t, err)
		if len(hist) != 8 || hist[0].Subject != "cert expires in 20 days" {
			t.Fatalf("history has %d entries, first %+v", len(hist), hist[0])
		}
		bobCx := access.With(ctx, access.Actor{UserID: e.bob.ID, Level: access.Responder, Source: "test"})
		if _, err := e.svc.History(bobCx, e.ann.ID, 10); !apperr.Is(err, apperr.CodeForbidden) {
			t.Fatalf("bob reads ann's history: %v", err)
		}
	})
}

func TestNotificationThrottleAndDigest(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newNotifyEnv(t, s)
		sms := e.addVerified(t, notification.SMS, "+14155550100")
		_, err := e.svc.AddRule(e.annCx, notification.Rule{ContactID: sms.ID, Urgency: notification.High})
		must(t, err)
		pages := &pageStates{acked: map[int64]bool{}}
		e.svc.UsePaging(pages, pages)

		// A storm: 40 pages in a minute. Three texts, then one "37 more".
		for i := range 40 {
			must(t, e.svc.Notify(ctx, notification.Message{Key: fmt.Sprint("storm:", i), UserID: e.ann.ID, Urgency: notification.High,
				Subject: fmt.Sprint("alert ", i), PageID: int64(100 + i)}))
			e.clk.Advance(time.Second)
		}
		e.run(t)
		if got := e.sent.take(); len(got) != notification.DefaultLimits[notification.SMS].Max {
			t.Fatalf("storm sent %d texts at once", len(got))
		}
		pages.mu.Lock()
		pages.acked[139] = true // one was acknowledged meanwhile: not told again
		pages.mu.Unlock()
		e.clk.Advance(notification.DefaultLimits[notification.SMS].Window)
		e.run(t)
		got := e.sent.take()
		if len(got) != 1 || got[0].msg.Subject != "36 more alerts" || !strings.Contains(got[0].msg.Body, "alert 3\n") {
			t.Fatalf("summary %+v", got)
		}
		e.run(t)
		if got := e.sent.take(); len(got) != 0 {
			t.Fatalf("summary sent twice: %+v", got)
		}
		collapsed := 0
		for _, d := range pages.recorded {
			if d.State == notification.Collapsed {
				collapsed++
			}
		}
		if collapsed != 37 {
			t.Fatalf("%d collapsed deliveries reported to paging", collapsed)
		}

		// The digest: low urgency waits for the next hour boundary.
		_, err = e.svc.SaveSettings(e.annCx, notification.Settings{DigestEvery: time.Hour})
		must(t, err)
		for i := range 3 {
			must(t, e.svc.Notify(ctx, notification.Message{Key: fmt.Sprint("low:", i), UserID: e.ann.ID, Urgency: notification.Low, Subject: fmt.Sprint("note ", i)}))
		}
		e.run(t)
		if got := e.sent.take(); len(got) != 0 {
			t.Fatalf("low urgency sent before the digest: %+v", got)
		}
		e.clk.Advance(time.Hour)
		e.run(t)
		got = e.sent.take()
		if len(got) != 1 || got[0].msg.Subject != "Digest: 3 low-urgency notifications" {
			t.Fatalf("digest %+v", got)
		}
	})
}

func TestNotificationRetryAndFailure(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newNotifyEnv(t, s)
		mail := e.addVerified(t, notification.Email, "ann@example.com")
		must(t, e.svc.Notify(ctx, notification.Message{Key: "k1", UserID: e.ann.ID, Urgency: notification.High, Subject: "s"}))
		e.sent.fail = errors.New("421 try later")
		e.run(t)
		ds, err := e.svc.History(e.annCx, e.ann.ID, 1)
		must(t, err)
		d := ds[0]
		if d.State != notification.Pending || d.Attempts != 1 || !strings.Contains(d.Error, "421") || d.LeaseUntil != nil ||
			!d.DueAt.Equal(e.clk.Now().Add(2*time.Second)) {
			t.Fatalf("after a failed attempt %+v", d)
		}
		e.run(t) // not due again before its backoff
		e.clk.Advance(2 * time.Second)
		e.run(t)
		if got := e.sent.take(); len(got) != 1 || got[0].to.ContactID != mail.ID {
			t.Fatalf("retry sent %+v", got)
		}

		must(t, e.svc.Notify(ctx, notification.Message{Key: "k2", UserID: e.ann.ID, Urgency: notification.High, Subject: "s"}))
		e.sent.fail = notification.Permanent(errors.New("550 no such user"))
		e.run(t)
		ds, err = e.svc.History(e.annCx, e.ann.ID, 1)
		must(t, err)
		if d := ds[0]; d.State != notification.Failed || !strings.Contains(d.Error, "550") {
			t.Fatalf("after a permanent failure %+v", d)
		}

		// A provider that keeps failing: given up after MaxAttempts.
		must(t, e.svc.Notify(ctx, notification.Message{Key: "k3", UserID: e.ann.ID, Urgency: notification.High, Subject: "s"}))
		for range e.svc.MaxAttempts {
			e.sent.fail = errors.New("503 unavailable")
			e.run(t)
			e.clk.Advance(time.Minute)
		}
		ds, err = e.svc.History(e.annCx, e.ann.ID, 1)
		must(t, err)
		if d := ds[0]; d.State != notification.Failed || d.Attempts != e.svc.MaxAttempts || !strings.Contains(d.Error, "503") {
			t.Fatalf("after %d failed attempts %+v", e.svc.MaxAttempts, d)
		}
		if got := e.sent.take(); len(got) != 0 {
			t.Fatalf("sent %+v", got)
		}

		// The test notification goes through the same pipeline.
		td, err := e.svc.Test(e.annCx, mail.ID)
		must(t, err)
		e.run(t)
		if got := e.sent.take(); len(got) != 1 || got[0].msg.Subject != "Firebreak test notification" {
			t.Fatalf("test notification %+v", got)
		}
		td, err = s.Notifications(nil).Delivery(ctx, td.ID)
		must(t, err)
		if td.State != notification.Sent {
			t.Fatalf("test delivery %+v", td)
		}
	})
}

// blockingSender holds every send until released, as a node that dies
// mid-send would hold it forever.
type blockingSender struct {
	started chan struct{}
	release chan struct{}
}

func (b *blockingSender) Send(ctx context.Context, _ notification.Target, _ notification.Rendered) error {
	b.started <- struct{}{}
	<-b.release
	return nil
}

// A delivery a node claimed is that node's until its lease runs out; then
// another node sends it (at least once), and only one outcome is recorded.
func TestNotificationLease(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newNotifyEnv(t, s)
		mail := e.addVerified(t, notification.Email, "ann@example.com")
		pages := &pageStates{acked: map[int64]bool{}}
		stuck := &blockingSender{started: make(chan struct{}, 1), release: make(chan struct{})}
		nodeA := notification.NewService(s.Notifications(e.box), e.clk.Now, nil)
		nodeA.Lease = 100 * time.Millisecond // leases run on the wall clock
		nodeA.Register(notification.Email, stuck)
		nodeA.UsePaging(pages, pages)
		e.svc.UsePaging(pages, pages)

		must(t, e.svc.Notify(ctx, notification.Message{Key: "lease", UserID: e.ann.ID, Urgency: notification.High, Subject: "held", PageID: 7}))
		doneA := make(chan error, 1)
		go func() {
			_, err := nodeA.Dispatch(ctx, 10)
			doneA <- err
		}()
		<-stuck.started // node A holds the lease and is sending
		e.run(t)
		if got := e.sent.take(); len(got) != 0 {
			t.Fatalf("node B sent a delivery node A holds: %+v", got)
		}
		e.clk.Advance(time.Hour) // the node's clock does not end a lease …
		e.run(t)
		if got := e.sent.take(); len(got) != 0 {
			t.Fatalf("node B sent a delivery node A holds: %+v", got)
		}
		time.Sleep(nodeA.Lease) // … the wall clock does
		e.run(t)
		if got := e.sent.take(); len(got) != 1 || got[0].to.ContactID != mail.ID {
			t.Fatalf("after the lease ran out node B sent %+v", got)
		}
		close(stuck.release)
		must(t, <-doneA)
		ds, err := s.Notifications(nil).DeliveriesOfPage(ctx, 7)
		must(t, err)
		if len(ds) != 1 || ds[0].State != notification.Sent || ds[0].Attempts != 2 {
			t.Fatalf("delivery %+v", ds)
		}
		if len(pages.recorded) != 1 || pages.recorded[0].State != notification.Sent {
			t.Fatalf("outcomes recorded %+v", pages.recorded)
		}
	})
}

type shiftsAt []notification.Handoff

func (s shiftsAt) ShiftsStarting(_ context.Context, from, to time.Time) ([]notification.Handoff, error) {
	var out []notification.Handoff
	for _, h := range s {
		if !h.Start.Before(from) && h.Start.Before(to) {
			out = append(out, h)
		}
	}
	return out, nil
}

// Every node looks for shifts every minute; each incoming person gets one notice.
func TestNotificationHandoffNoticesOncePerShift(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newNotifyEnv(t, s)
		e.addVerified(t, notification.Email, "ann@example.com")
		start := e.clk.Now().Add(20 * time.Minute)
		src := shiftsAt{{ScheduleID: 3, ScheduleName: "Primary", UserID: e.ann.ID, TimeZone: "Europe/Berlin", Start: start, End: start.Add(7 * 24 * time.Hour)}}
		for range 30 { // half an hour of passes, on two nodes
			for range 2 {
				if _, err := e.svc.SendHandoffs(ctx, src); err != nil {
					t.Fatal(err)
				}
			}
			e.run(t)
			e.clk.Advance(time.Minute)
		}
		got := e.sent.take()
		if len(got) != 1 || got[0].msg.Subject != "You are on call for Primary from Mon 2 Mar 10:20" {
			t.Fatalf("handoff notices %+v", got)
		}
	})
}

// Codes cannot be sprayed: five a day per contact method, three contact
// methods waiting for their code per person.
func TestNotificationCodeLimits(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		e := newNotifyEnv(t, s)
		c, err := e.svc.AddContact(e.annCx, notification.SMS, "", "+14155550100")
		must(t, err)
		e.run(t)
		for i := 2; i <= notification.MaxCodesPerDay; i++ {
			e.clk.Advance(notification.ResendGap)
			must(t, e.svc.ResendCode(e.annCx, c.ID))
			e.run(t)
		}
		if got := len(e.sent.take()); got != notification.MaxCodesPerDay {
			t.Fatalf("%d codes sent", got)
		}
		e.clk.Advance(notification.ResendGap)
		if err := e.svc.ResendCode(e.annCx, c.ID); !apperr.Is(err, apperr.CodeConflict) || !strings.Contains(err.Error(), "today") {
			t.Fatalf("sixth code: %v", err)
		}
		e.clk.Advance(24 * time.Hour)
		must(t, e.svc.ResendCode(e.annCx, c.ID))
		e.run(t)
		if got := len(e.sent.take()); got != 1 {
			t.Fatalf("next day: %d codes", got)
		}

		for i := range notification.MaxUnverified - 1 {
			_, err := e.svc.AddContact(e.annCx, notification.SMS, "", fmt.Sprintf("+1415555020%d", i))
			must(t, err)
		}
		if _, err := e.svc.AddContact(e.annCx, notification.SMS, "", "+14155550299"); !apperr.Is(err, apperr.CodeConflict) || !strings.Contains(err.Error(), "waiting for their code") {
			t.Fatalf("fourth unverified: %v", err)
		}
	})
}

// On a database one node uses, the deliveries it was sending when it
// stopped are due again at once when it starts (ReleaseLeases), not when
// their leases run out.
func TestNotificationReleaseLeasesAtStart(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newNotifyEnv(t, s)
		e.addVerified(t, notification.Email, "ann@example.com")
		stuck := &blockingSender{started: make(chan struct{}, 1), release: make(chan struct{})}
		before := notification.NewService(s.Notifications(e.box), e.clk.Now, nil) // the node before its stop
		before.Register(notification.Email, stuck)
		must(t, e.svc.Notify(ctx, notification.Message{Key: "in-flight", UserID: e.ann.ID, Urgency: notification.High, Subject: "held"}))
		done := make(chan error, 1)
		go func() {
			_, err := before.Dispatch(ctx, 10)
			done <- err
		}()
		<-stuck.started
		n, err := e.svc.ReleaseLeases(ctx)
		if err != nil || n != 1 {
			t.Fatalf("released %d leases: %v", n, err)
		}
		e.run(t)
		if got := e.sent.take(); len(got) != 1 || got[0].msg.Subject != "held" {
			t.Fatalf("after the restart sent %+v", got)
		}
		close(stuck.release)
		must(t, <-done)
	})
}

// A provider's receipt decides a delivery it reports on: delivered, or
// failed with the provider's reason — even when it comes before the send's
// own outcome is recorded. A receipt for a delivery that has ended, or for
// none at all, changes nothing.
func TestNotificationReceipts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		e := newNotifyEnv(t, s)
		e.addVerified(t, notification.SMS, "+14155550100")
		pages := &pageStates{acked: map[int64]bool{}}
		e.svc.UsePaging(pages, pages)
		state := func(page int64) notification.Delivery {
			t.Helper()
			ds, err := s.Notifications(nil).DeliveriesOfPage(ctx, page)
			must(t, err)
			if len(ds) != 1 {
				t.Fatalf("deliveries of page %d: %+v", page, ds)
			}
			return ds[0]
		}

		must(t, e.svc.Notify(ctx, notification.Message{Key: "r1", UserID: e.ann.ID, Urgency: notification.High, Subject: "one", PageID: 1}))
		e.run(t)
		d := state(1)
		must(t, e.svc.Receive(ctx, notification.Receipt{DeliveryID: d.ID, Delivered: true}))
		if d = state(1); d.State != notification.Delivered || d.SentAt == nil {
			t.Fatalf("after a delivered receipt: %+v", d)
		}
		// A late or repeated receipt does not undo it.
		must(t, e.svc.Receive(ctx, notification.Receipt{DeliveryID: d.ID, Failure: "late"}))
		if d = state(1); d.State != notification.Delivered {
			t.Fatalf("after a late receipt: %+v", d)
		}

		// The carrier's failure arrives while the node is still sending (its
		// lease held, no outcome recorded): it decides the outcome, and the
		// send's own "sent" is not recorded over it.
		stuck := &blockingSender{started: make(chan struct{}, 1), release: make(chan struct{})}
		node := notification.NewService(s.Notifications(e.box), e.clk.Now, nil)
		node.Register(notification.SMS, stuck)
		node.UsePaging(pages, pages)
		must(t, e.svc.Notify(ctx, notification.Message{Key: "r2", UserID: e.ann.ID, Urgency: notification.High, Subject: "two", PageID: 2}))
		done := make(chan error, 1)
		go func() {
			_, err := node.Dispatch(ctx, 10)
			done <- err
		}()
		<-stuck.started
		d = state(2)
		must(t, e.svc.Receive(ctx, notification.Receipt{DeliveryID: d.ID, Failure: "error 30003: unreachable destination handset"}))
		close(stuck.release)
		must(t, <-done)
		if d = state(2); d.State != notification.Failed || d.Error != "not delivered: error 30003: unreachable destination handset" || d.LeaseUntil != nil {
			t.Fatalf("after a failure receipt: %+v", d)
		}
		last := pages.recorded[len(pages.recorded)-1]
		if last.State != notification.Failed || last.PageID != 2 {
			t.Fatalf("the page was told %+v", last)
		}
		must(t, e.svc.Receive(ctx, notification.Receipt{DeliveryID: 999999, Delivered: true})) // none such: ignored
	})
}
