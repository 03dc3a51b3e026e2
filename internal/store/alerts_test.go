package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// alertsFixture is a store with one service and one integration, and a
// helper that ingests events as one batch.
type alertsFixture struct {
	s     *store.Store
	a     *store.Alerts
	q     *recordingQueue
	svc   catalog.Service
	in    detect.Integration
	now   time.Time
	clock func() time.Time
}

func newAlertsFixture(t *testing.T, s *store.Store) *alertsFixture {
	t.Helper()
	_, clk, actx, _ := newAuth(t, s)
	cat := catalog.NewCatalog(s.Catalog(), clk.Now)
	team, err := cat.CreateTeam(actx, catalog.TeamInput{Name: "shop"})
	must(t, err)
	svc, err := cat.CreateService(actx, catalog.ServiceInput{Name: "checkout", OwnerTeamID: team.ID})
	must(t, err)
	q := &recordingQueue{}
	f := &alertsFixture{s: s, a: s.Alerts(q), q: q, svc: svc, now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	in := detect.Integration{Name: "prometheus", Kind: detect.KindAlertmanager, ServiceID: svc.ID, KeyHint: "abcd", CreatedAt: f.now}
	f.in, err = f.a.CreateIntegration(context.Background(), in, detect.HashKey("the-key"))
	must(t, err)
	return f
}

func (f *alertsFixture) ingest(t *testing.T, evs ...detect.Event) {
	t.Helper()
	f.now = f.now.Add(time.Minute)
	acc := detect.Accepted{IntegrationID: f.in.ID, ReceivedAt: f.now, Body: []byte(`{"raw":true}`)}
	for _, e := range evs {
		if e.GroupKey == "" {
			e.GroupKey = "g1"
		}
		if e.Severity == "" {
			e.Severity = detect.SevWarning
		}
		route := detect.RouteTriage
		if e.Labels["route"] != "" {
			route = detect.Route(e.Labels["route"])
		}
		acc.Events = append(acc.Events, detect.Routed{Event: e, ServiceID: f.svc.ID, Route: route})
	}
	must(t, f.a.Ingest(context.Background(), []detect.Accepted{acc}))
}

func (f *alertsFixture) alerts(t *testing.T) []detect.Alert {
	t.Helper()
	al, err := f.a.ListAlerts(context.Background(), detect.AlertFilter{})
	must(t, err)
	return al
}

func (f *alertsFixture) jobs() []string {
	f.q.mu.Lock()
	defer f.q.mu.Unlock()
	var kinds []string
	for _, j := range f.q.jobs {
		if j.Kind() != "incident_event" {
			kinds = append(kinds, j.Kind())
		}
	}
	return kinds
}

func trig(key string) detect.Event {
	return detect.Event{DedupKey: key, Action: detect.Trigger, Title: "alert " + key, Labels: map[string]string{}}
}

func res(key string) detect.Event {
	return detect.Event{DedupKey: key, Action: detect.Resolve, Labels: map[string]string{}}
}

func TestIntegrationKeysAreStoredHashed(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		ctx := context.Background()
		got, err := f.a.IntegrationByKeyHash(ctx, detect.HashKey("the-key"))
		must(t, err)
		if got.ID != f.in.ID || got.Service != "checkout" || got.Kind != detect.KindAlertmanager {
			t.Fatalf("%+v", got)
		}
		if _, err := f.a.IntegrationByKeyHash(ctx, "the-key"); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("raw key found an integration: %v", err)
		}
		var stored string
		must(t, s.DB().QueryRowContext(ctx, `SELECT key_hash FROM integrations`).Scan(&stored))
		if stored != detect.HashKey("the-key") {
			t.Fatalf("stored %q", stored)
		}
	})
}

func TestDedupResolveRetrigger(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		ctx := context.Background()

		// The same key three times is one alert seen three times, with the latest content.
		f.ingest(t, trig("a"))
		f.ingest(t, trig("a"))
		latest := trig("a")
		latest.Title = "alert a, worse"
		f.ingest(t, latest)
		al := f.alerts(t)
		if len(al) != 1 || al[0].EventCount != 3 || al[0].Title != "alert a, worse" || al[0].Status != detect.StatusFiring {
			t.Fatalf("after repeats: %+v", al)
		}
		if !al[0].LastSeen.After(al[0].FirstSeen) {
			t.Errorf("last seen %v not after first seen %v", al[0].LastSeen, al[0].FirstSeen)
		}

		// A resolve resolves it; a second resolve changes nothing.
		f.ingest(t, res("a"))
		f.ingest(t, res("a"))
		al = f.alerts(t)
		if len(al) != 1 || al[0].Status != detect.StatusResolved || al[0].ResolvedAt == nil || al[0].EventCount != 4 {
			t.Fatalf("after resolve: %+v", al)
		}

		// A trigger after the resolve opens a new alert.
		f.ingest(t, trig("a"))
		al = f.alerts(t)
		if len(al) != 2 || al[0].Status != detect.StatusFiring || al[0].EventCount != 1 || al[1].Status != detect.StatusResolved {
			t.Fatalf("after re-trigger: %+v", al)
		}

		// Acknowledge changes the status but keeps the alert open.
		f.ingest(t, detect.Event{DedupKey: "a", Action: detect.Acknowledge})
		if al = f.alerts(t); al[0].Status != detect.StatusAcknowledged {
			t.Fatalf("after ack: %+v", al[0])
		}

		// Every accepted request body is kept.
		n, err := f.a.CountEvents(ctx)
		must(t, err)
		if n != 7 {
			t.Errorf("%d raw events kept, want 7", n)
		}
		pruned, err := f.a.PruneEvents(ctx, f.now.Add(-2*time.Minute+time.Second))
		must(t, err)
		if pruned != 5 {
			t.Errorf("pruned %d, want 5", pruned)
		}
	})
}

func TestGroupingAndSelfResolve(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		ctx := context.Background()
		b := trig("b")
		b.Severity = detect.SevCritical
		other := trig("c")
		other.GroupKey = "g2"
		f.ingest(t, trig("a"), b, other)

		groups, err := f.a.ListGroups(ctx, detect.GroupFilter{Triage: []string{detect.TriagePending}})
		must(t, err)
		if len(groups) != 2 {
			t.Fatalf("groups %+v", groups)
		}
		g1 := groups[1]
		if g1.GroupKey != "g1" || g1.OpenAlerts != 2 || g1.AlertCount != 2 || g1.Severity != detect.SevCritical || g1.Service != "checkout" {
			t.Fatalf("g1 %+v", g1)
		}
		if got := f.jobs(); len(got) != 2 || got[0] != "triage_notify" {
			t.Fatalf("jobs %v: want one triage notice per new group", got)
		}

		// One alert resolving leaves the item pending; the last one self-resolves it.
		f.ingest(t, res("a"))
		g, err := f.a.Group(ctx, g1.ID)
		must(t, err)
		if g.Triage != detect.TriagePending || g.OpenAlerts != 1 || g.State != "open" {
			t.Fatalf("after one resolve: %+v", g)
		}
		f.ingest(t, res("b"))
		g, err = f.a.Group(ctx, g1.ID)
		must(t, err)
		if g.Triage != detect.TriageSelfResolved || g.OpenAlerts != 0 || g.State != "resolved" || g.ResolvedAt == nil {
			t.Fatalf("after last resolve: %+v", g)
		}

		// The same group key firing again opens a new group, a new triage item.
		f.ingest(t, trig("a"))
		groups, err = f.a.ListGroups(ctx, detect.GroupFilter{Open: true})
		must(t, err)
		if len(groups) != 2 || groups[0].ID == g1.ID || groups[0].GroupKey != "g1" {
			t.Fatalf("open groups %+v", groups)
		}
	})
}

func TestSuppressAndDeclareRoutes(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		ctx := context.Background()
		sup := trig("m")
		sup.GroupKey, sup.Labels = "maint", map[string]string{"route": "suppress"}
		dec := trig("d")
		dec.GroupKey, dec.Labels = "down", map[string]string{"route": "declare"}
		f.ingest(t, sup, dec)
		if got := f.jobs(); len(got) != 1 || got[0] != "alert_group_declare" {
			t.Fatalf("jobs %v: a suppressed group disturbs no one; a declared one asks for an incident", got)
		}
		groups, err := f.a.ListGroups(ctx, detect.GroupFilter{Triage: []string{detect.TriageSuppressed}})
		must(t, err)
		if len(groups) != 1 || groups[0].GroupKey != "maint" {
			t.Fatalf("suppressed %+v", groups)
		}
	})
}

func TestDecisionsAndIncidentLink(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		ctx := context.Background()
		f.ingest(t, trig("a"))
		groups, err := f.a.ListGroups(ctx, detect.GroupFilter{})
		must(t, err)
		id := groups[0].ID

		// Declare an incident and link the group to it.
		incs := newIncidentService(s, nil)
		inc, err := incs.Declare(as(alice), incident.DeclareInput{Title: "checkout down", Severity: "SEV2"})
		must(t, err)
		g, err := f.a.UpdateGroup(ctx, id, func(g *detect.Group) error {
			if err := g.CanDecide(alice); err != nil {
				return err
			}
			g.Link(alice, inc.Number, detect.TriageDeclared, f.now)
			return nil
		})
		must(t, err)
		if g.Triage != detect.TriageDeclared || g.IncidentNumber != inc.Number || g.DecidedBy != alice.UserID {
			t.Fatalf("%+v", g)
		}
		// A second decision is refused.
		_, err = f.a.UpdateGroup(ctx, id, func(g *detect.Group) error {
			return g.Dismiss(alice, "duplicate", "", detect.DefaultDismissReasons, f.now)
		})
		if !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("second decision: %v", err)
		}
		linked, err := f.a.GroupsOfIncident(ctx, inc.Number)
		must(t, err)
		if len(linked) != 1 || linked[0].ID != id {
			t.Fatalf("linked %+v", linked)
		}

		// New alerts of the group go onto the incident, not to triage.
		f.q.jobs = nil
		f.ingest(t, trig("b"))
		if got := f.jobs(); len(got) != 1 || got[0] != "alert_attach" {
			t.Fatalf("jobs %v", got)
		}
		// All alerts resolving is recorded for the incident; it is not resolved silently.
		f.q.jobs = nil
		f.ingest(t, res("a"), res("b"))
		if got := f.jobs(); len(got) != 1 || got[0] != "alert_group_resolved" {
			t.Fatalf("jobs %v", got)
		}
		// The key firing again while the incident is open joins the incident.
		f.q.jobs = nil
		f.ingest(t, trig("a"))
		if got := f.jobs(); len(got) != 1 || got[0] != "alert_attach" {
			t.Fatalf("jobs after re-fire %v", got)
		}
		linked, err = f.a.GroupsOfIncident(ctx, inc.Number)
		must(t, err)
		if len(linked) != 2 || linked[1].Triage != detect.TriageMerged {
			t.Fatalf("linked %+v", linked)
		}
	})
}

func TestIngestBatchIsAllOrNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		ctx := context.Background()
		good := detect.Accepted{IntegrationID: f.in.ID, ReceivedAt: f.now, Body: []byte(`{}`),
			Events: []detect.Routed{{Event: trig("x"), ServiceID: f.svc.ID, Route: detect.RouteTriage}}}
		bad := detect.Accepted{IntegrationID: 99999, ReceivedAt: f.now, Body: []byte(`{}`)}
		if err := f.a.Ingest(ctx, []detect.Accepted{good, bad}); err == nil {
			t.Fatal("a batch with an unknown integration committed")
		}
		if al := f.alerts(t); len(al) != 0 {
			t.Fatalf("part of a failed batch was kept: %+v", al)
		}
	})
}

func TestBatchOfRepeatsNewAndMixedKeys(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		f.ingest(t, trig("old"), trig("gone"))
		// One batch of several requests: repeats of an open alert, a new
		// alert sent twice, and a key that fires and resolves within the batch.
		var batch []detect.Accepted
		for _, e := range []detect.Event{trig("old"), trig("new"), trig("old"), trig("new"), trig("flap"), res("flap"), trig("old"), res("gone")} {
			e.GroupKey, e.Severity = "g1", detect.SevWarning
			f.now = f.now.Add(time.Second)
			batch = append(batch, detect.Accepted{IntegrationID: f.in.ID, ReceivedAt: f.now, Body: []byte(`{}`),
				Events: []detect.Routed{{Event: e, ServiceID: f.svc.ID, Route: detect.RouteTriage}}})
		}
		batch[6].Events[0].Title = "old, latest"
		must(t, f.a.Ingest(context.Background(), batch))
		got := map[string]detect.Alert{}
		for _, a := range f.alerts(t) {
			got[a.DedupKey] = a
		}
		if a := got["old"]; a.EventCount != 4 || a.Title != "old, latest" || !a.LastSeen.Equal(f.now.Add(-time.Second)) {
			t.Errorf("old: %+v", a)
		}
		if a := got["new"]; a.EventCount != 2 || a.Status != detect.StatusFiring {
			t.Errorf("new: %+v", a)
		}
		if a := got["flap"]; a.EventCount != 2 || a.Status != detect.StatusResolved {
			t.Errorf("flap: %+v", a)
		}
		if a := got["gone"]; a.Status != detect.StatusResolved {
			t.Errorf("gone: %+v", a)
		}
		n, err := f.a.CountEvents(context.Background())
		must(t, err)
		if n != 9 {
			t.Errorf("%d bodies kept, want 9", n)
		}
		g, err := f.a.ListGroups(context.Background(), detect.GroupFilter{})
		must(t, err)
		if len(g) != 1 || g[0].OpenAlerts != 2 || g[0].AlertCount != 4 {
			t.Errorf("group %+v", g)
		}
	})
}

func TestOwnerTeamEmails(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		users, clk, actx, _ := newAuth(t, s)
		cat := catalog.NewCatalog(s.Catalog(), clk.Now)
		ann, err := users.CreateUser(actx, auth.UserInput{Handle: "ann", Email: "ann@example.com", Level: "responder"})
		must(t, err)
		bob, err := users.CreateUser(actx, auth.UserInput{Handle: "bob", Email: "bob@example.com", Level: "viewer"})
		must(t, err)
		team, err := cat.CreateTeam(actx, catalog.TeamInput{Name: "shop", Members: []int64{bob.ID, ann.ID}})
		must(t, err)
		owned, err := cat.CreateService(actx, catalog.ServiceInput{Name: "checkout", OwnerTeamID: team.ID})
		must(t, err)
		orphan, err := cat.CreateService(actx, catalog.ServiceInput{Name: "legacy"})
		must(t, err)
		a := s.Alerts(nil)
		got, err := a.OwnerTeamEmails(context.Background(), owned.ID)
		must(t, err)
		if len(got) != 2 || got[0] != "ann@example.com" || got[1] != "bob@example.com" {
			t.Fatalf("owner team emails %v", got)
		}
		got, err = a.OwnerTeamEmails(context.Background(), orphan.ID)
		must(t, err)
		if len(got) != 0 {
			t.Fatalf("a service without owner: %v", got)
		}
	})
}

// The triage items a batch opens are handed, with their alerts, to the
// follower inside the batch's transaction; what it writes commits with the
// alerts. When it fails, its writes are rolled back to a savepoint, the
// alerts are kept, and each item gets a TriageNotifyJob instead.
func TestTriageFollowerInTheIngestTransaction(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		f := newAlertsFixture(t, s)
		ctx := context.Background()
		var (
			seen []detect.Item
			fail error
		)
		f.a.FollowTriage(func(ctx context.Context, tx *store.Tx, items []detect.Item) error {
			seen = append(seen, items...)
			for _, it := range items {
				p := paging.Page{ServiceID: it.ServiceID, Summary: it.Title, Urgency: paging.High, Source: paging.FromAlertGroup,
					SourceID: it.ID, Status: paging.Triggered, CreatedAt: f.now, UpdatedAt: f.now}
				if err := s.Paging(f.q).In(tx).InsertPage(ctx, &p); err != nil {
					return err
				}
			}
			return fail
		})
		pages := func() int {
			var n int
			must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM pages`).Scan(&n))
			return n
		}

		// Two alerts of one new group in one batch: one item with both.
		f.ingest(t, trig("a"), trig("b"))
		if len(seen) != 1 || len(seen[0].Alerts) != 2 || seen[0].Service != "checkout" || seen[0].Triage != detect.TriagePending {
			t.Fatalf("follower saw %+v", seen)
		}
		if pages() != 1 || len(f.jobs()) != 0 {
			t.Fatalf("after following: %d pages, jobs %v", pages(), f.jobs())
		}
		// A repeat opens nothing: the follower is not called.
		f.ingest(t, trig("a"))
		if len(seen) != 1 {
			t.Fatalf("follower called for a repeat: %+v", seen)
		}

		// The follower fails: its page is rolled back, the alert is kept,
		// and the item's job is enqueued instead.
		fail = errors.New("policy store unreachable")
		c := trig("c")
		c.GroupKey = "g2"
		f.ingest(t, c)
		if len(seen) != 2 || pages() != 1 || len(f.alerts(t)) != 3 {
			t.Fatalf("after a failed follower: seen %d items, %d pages, %d alerts", len(seen), pages(), len(f.alerts(t)))
		}
		if jobs := f.jobs(); len(jobs) != 1 || jobs[0] != (detect.TriageNotifyJob{}).Kind() {
			t.Fatalf("jobs after a failed follower: %v", jobs)
		}
	})
}
