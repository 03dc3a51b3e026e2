package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// recordingNotifier keeps the notices the engine writes once their
// transaction commits; while failures is above zero, a call fails (and the
// transaction with it) with fail.
type recordingNotifier struct {
	mu       sync.Mutex
	keys     []string
	fail     error
	failures int
}

func (n *recordingNotifier) NotifyTx(ctx context.Context, tx paging.Tx, ns []paging.Notice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.failures > 0 {
		n.failures--
		return n.fail
	}
	tx.AfterCommit(func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		for _, m := range ns {
			n.keys = append(n.keys, m.Key)
		}
	})
	return nil
}

func (n *recordingNotifier) count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.keys)
}

func seedPaging(t *testing.T, s *store.Store) (serviceID, userID int64) {
	t.Helper()
	err := s.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		if userID, err = tx.InsertUser(context.Background(), auth.User{Handle: "pat", Name: "Pat", Level: access.Responder, TimeZone: "UTC"}, "x"); err != nil {
			return err
		}
		serviceID, err = tx.InsertService(context.Background(), catalog.Service{Name: "checkout"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return serviceID, userID
}

// TestPagingIsStored: policies, service settings, maintenance windows and a
// page walked through its steps, acknowledged and resolved, on both stores.
func TestPagingIsStored(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		svcID, userID := seedPaging(t, s)
		q := &recordingQueue{}
		clock := &fixedClock{t: time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)}
		n := &recordingNotifier{}
		pg := paging.NewService(s.Paging(q), clock.now, paging.Options{Notifier: n, BaseURL: "https://fb.example"})
		ctx := access.With(context.Background(), admin)

		pol, err := pg.SavePolicy(ctx, paging.Policy{Name: "checkout", Repeat: 1, Steps: []paging.Step{
			{Targets: []paging.Target{{Kind: paging.TargetUser, ID: userID}}, DelayMinutes: 5},
			{Targets: []paging.Target{{Kind: paging.TargetUser, ID: 2}, {Kind: paging.TargetUser, ID: userID}}, DelayMinutes: 10},
		}})
		if err != nil || pol.ID == 0 || pol.Version != 1 {
			t.Fatalf("save policy: %+v %v", pol, err)
		}
		pol.Description = "the shop"
		if pol, err = pg.SavePolicy(ctx, pol); err != nil || pol.Version != 2 {
			t.Fatalf("update policy: %+v %v", pol, err)
		}
		pol.Version = 1
		if _, err := pg.SavePolicy(ctx, pol); !apperr.Is(err, apperr.CodeStale) {
			t.Fatalf("stale update: %v", err)
		}
		got, err := pg.Policy(ctx, pol.ID)
		if err != nil || got.Description != "the shop" || len(got.Steps) != 2 || got.Steps[1].Targets[0].ID != 2 {
			t.Fatalf("read policy: %+v %v", got, err)
		}
		if err := pg.SetServicePaging(ctx, paging.ServicePaging{ServiceID: svcID, PolicyID: pol.ID}); err != nil {
			t.Fatal(err)
		}
		if err := pg.DeletePolicy(ctx, pol.ID); !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("deleting a policy in use: %v", err)
		}

		// Raising makes the first step due at once; the engine fires it
		// and schedules the second.
		p, err := pg.Raise(ctx, paging.Trigger{Source: paging.FromAlertGroup, SourceID: 41, ServiceID: svcID, Summary: "cart is down"})
		if err != nil || p.Status != paging.Triggered || p.NextAt == nil || !p.NextAt.Equal(p.CreatedAt) {
			t.Fatalf("raised %+v %v", p, err)
		}
		again, err := pg.Raise(ctx, paging.Trigger{Source: paging.FromAlertGroup, SourceID: 41, ServiceID: svcID, Summary: "cart is down"})
		if err != nil || again.ID != p.ID {
			t.Fatalf("raising twice for one group made page %d and %d (%v)", p.ID, again.ID, err)
		}
		fire := func(want int) {
			t.Helper()
			n, err := pg.FireDue(ctx, 10)
			if err != nil || n != want {
				t.Fatalf("fire due: %d pages, %v; want %d", n, err, want)
			}
		}
		fire(1)
		p, _ = pg.Get(ctx, p.ID)
		if p.Service != "checkout" || p.Status != paging.Triggered || p.Next != (paging.Position{Round: 0, Step: 1}) || p.NextAt == nil || !p.NextAt.Equal(clock.t.Add(5*time.Minute)) {
			t.Fatalf("after the first step: %+v", p)
		}
		if n.count() != 1 {
			t.Fatalf("notices after step 1: %v", n.keys)
		}
		fire(0) // nothing is due again before the step's delay
		clock.t = clock.t.Add(5 * time.Minute)
		// A step whose notices cannot be written is not fired. One that
		// fails in its batch and alone too is put back, with the reason on
		// its timeline.
		n.fail, n.failures = errors.New("disk full"), 2
		if _, err := pg.FireDue(ctx, 10); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("a failed firing: %v", err)
		}
		if p, _ = pg.Get(ctx, p.ID); n.count() != 1 || p.Next != (paging.Position{Round: 0, Step: 1}) || !p.NextAt.Equal(clock.t.Add(30*time.Second)) {
			t.Fatalf("after a failed firing: %+v, notices %v", p, n.keys)
		}
		// A passing failure (a deadlock, say) costs nothing: the page is
		// tried again alone at once.
		clock.t = clock.t.Add(30 * time.Second)
		n.fail, n.failures = errors.New("deadlock detected"), 1
		fire(1)
		fire(0)
		if n.count() != 3 {
			t.Fatalf("notices after step 2: %v", n.keys)
		}

		uctx := access.With(context.Background(), access.Actor{UserID: userID, Name: "Pat", Level: access.Responder})
		if p, err = pg.Acknowledge(uctx, p.ID); err != nil || p.AckedBy != userID || p.NextAt != nil {
			t.Fatalf("ack: %+v %v", p, err)
		}
		clock.t = clock.t.Add(10 * time.Minute)
		fire(0)
		if n.count() != 3 {
			t.Fatalf("an acknowledged page escalated: %v", n.keys)
		}
		mine, err := pg.List(ctx, paging.Filter{UserID: userID, Open: true})
		if err != nil || len(mine) != 1 {
			t.Fatalf("my open pages: %d %v", len(mine), err)
		}
		if err := pg.WorkResolveSource(ctx, paging.ResolveSourceJob{Source: paging.FromAlertGroup, SourceID: 41, Why: "alerts resolved"}, 1); err != nil {
			t.Fatal(err)
		}
		evs, err := pg.Timeline(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		want := []string{"triggered", "step_fired", "notified", "fire_failed", "step_fired", "notified", "notified", "acknowledged", "resolved"}
		if len(kinds) != len(want) {
			t.Fatalf("timeline %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("timeline %v, want %v", kinds, want)
			}
		}
		if open, _ := pg.List(ctx, paging.Filter{Open: true}); len(open) != 0 {
			t.Fatalf("open pages after resolve: %d", len(open))
		}

		// A maintenance window suppresses the next page, visibly.
		w, err := pg.AddWindow(uctx, paging.Window{ServiceID: svcID, Starts: clock.now().Add(-time.Minute), Ends: clock.now().Add(time.Hour), Reason: "db upgrade"})
		if err != nil {
			t.Fatal(err)
		}
		sup, err := pg.Raise(ctx, paging.Trigger{Source: paging.FromAlertGroup, SourceID: 42, ServiceID: svcID, Summary: "cart slow"})
		fire(0)
		if err != nil || sup.Status != paging.Suppressed || n.count() != 3 {
			t.Fatalf("page in maintenance: %+v %v %v", sup, err, n.keys)
		}
		if ws, _ := pg.Windows(ctx, paging.WindowFilter{ServiceID: svcID, After: clock.now()}); len(ws) != 1 || ws[0].Reason != "db upgrade" {
			t.Fatalf("windows: %+v", ws)
		}
		if w, err = pg.EndWindow(uctx, w.ID); err != nil || !w.Ends.Before(clock.now()) {
			t.Fatalf("end window: %+v %v", w, err)
		}
		if ws, _ := pg.Windows(ctx, paging.WindowFilter{ServiceID: svcID, After: clock.now()}); len(ws) != 0 {
			t.Fatalf("ended window still current: %+v", ws)
		}
	})
}

// TestPageLinksAreOneTime: a signed link acts once, for the person it was
// sent to; a forged or expired one is refused.
func TestPageLinksAreOneTime(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		_, userID := seedPaging(t, s)
		clock := &fixedClock{t: time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)}
		pg := paging.NewService(s.Paging(&recordingQueue{}), clock.now, paging.Options{BaseURL: "https://fb.example"})
		ctx := access.With(context.Background(), admin)
		p, err := pg.PageUser(ctx, userID, "come look", 0)
		if err != nil {
			t.Fatal(err)
		}
		link, err := pg.ActionURL(ctx, p.ID, userID, paging.LinkAcknowledge, clock.now())
		if err != nil {
			t.Fatal(err)
		}
		token := link[len("https://fb.example/p/"):]
		if _, _, err := pg.UseLink(context.Background(), token[:len(token)-2]+"xx", access.Actor{}); !apperr.Is(err, apperr.CodeInvalid) {
			t.Fatalf("forged link: %v", err)
		}
		got, l, err := pg.UseLink(context.Background(), token, access.Actor{})
		if err != nil || got.Status != paging.Acknowledged || got.AckedBy != userID || l.UserID != userID {
			t.Fatalf("use link: %+v %v", got, err)
		}
		if _, _, err := pg.UseLink(context.Background(), token, access.Actor{}); !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("second use: %v", err)
		}
		late, _ := pg.ActionURL(ctx, p.ID, userID, paging.LinkResolve, clock.now())
		clock.t = clock.t.Add(25 * time.Hour)
		if _, _, err := pg.UseLink(context.Background(), late[len("https://fb.example/p/"):], access.Actor{}); !apperr.Is(err, apperr.CodeInvalid) {
			t.Fatalf("expired link: %v", err)
		}
	})
}

// A page due with nothing to fire (its copy of the policy has no such step)
// has its deadline cleared, so the engine does not find it on every pass.
func TestEngineClearsAPageWithNothingToFire(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		svcID, userID := seedPaging(t, s)
		clock := &fixedClock{t: time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)}
		n := &recordingNotifier{}
		pg := paging.NewService(s.Paging(&recordingQueue{}), clock.now, paging.Options{Notifier: n, BaseURL: "https://fb.example"})
		ctx := access.With(context.Background(), admin)
		due := clock.now()
		p := paging.Page{ServiceID: svcID, Summary: "odd", Urgency: paging.High, Source: paging.FromManual, Status: paging.Triggered,
			Policy: paging.Direct("one step", paging.Target{Kind: paging.TargetUser, ID: userID}), Next: paging.Position{Step: 3},
			NextAt: &due, Seq: 4, CreatedAt: due, UpdatedAt: due}
		must(t, s.Paging(nil).InTx(ctx, func(tx paging.Tx) error { return tx.InsertPage(ctx, &p) }))
		if got, err := pg.FireDue(ctx, 10); err != nil || got != 1 {
			t.Fatalf("fire due: %d %v", got, err)
		}
		if got, err := pg.FireDue(ctx, 10); err != nil || got != 0 {
			t.Fatalf("the page is due again: %d %v", got, err)
		}
		p, err := pg.Get(ctx, p.ID)
		must(t, err)
		tl, err := pg.Timeline(ctx, p.ID)
		must(t, err)
		if p.NextAt != nil || p.Status != paging.Triggered || n.count() != 0 || len(tl) != 1 || tl[0].Kind != paging.EvExhausted {
			t.Fatalf("page %+v, timeline %+v, notices %v", p, tl, n.keys)
		}
	})
}

// NextDue is what the engine sleeps until: the earliest deadline of a
// triggered page, acknowledged and resolved pages aside.
func TestPagingNextDue(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		svcID, userID := seedPaging(t, s)
		ctx := access.With(context.Background(), admin)
		r := s.Paging(nil)
		if _, ok, err := r.NextDue(ctx); err != nil || ok {
			t.Fatalf("no pages: %v %v", ok, err)
		}
		base := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
		for i, st := range []paging.Status{paging.Acknowledged, paging.Triggered, paging.Triggered, paging.Resolved} {
			due := base.Add(time.Duration(10-3*i) * time.Minute) // the resolved page is due first, then the 2nd triggered
			p := paging.Page{ServiceID: svcID, Summary: "p", Urgency: paging.High, Source: paging.FromManual, Status: st,
				Policy: paging.Direct("one step", paging.Target{Kind: paging.TargetUser, ID: userID}), NextAt: &due, CreatedAt: base, UpdatedAt: base}
			must(t, r.InTx(ctx, func(tx paging.Tx) error { return tx.InsertPage(ctx, &p) }))
		}
		next, ok, err := r.NextDue(ctx)
		if err != nil || !ok || !next.Equal(base.Add(4*time.Minute)) {
			t.Fatalf("next due %v %v %v, want %v", next, ok, err, base.Add(4*time.Minute))
		}
	})
}
