package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/store"
)

var admin = access.Actor{UserID: 9, Name: "Ada Admin", Level: access.Admin, Source: "test"}

func ptr[T any](v T) *T { return &v }

// TestStatusPagePublishIsOneTransaction: publishing from an incident writes
// the public incident, its update, the component statuses and history, the
// timeline event and the jobs together — and nothing when it is refused.
func TestStatusPagePublishIsOneTransaction(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		q := &recordingQueue{}
		incs := newIncidentService(s, q)
		clock := &fixedClock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
		sp := statuspage.NewService(s.StatusPages(q), incs, clock.now)
		actx := access.With(context.Background(), admin)
		ctx := access.With(context.Background(), alice)

		page, err := sp.DefaultPage(actx)
		if err != nil || page.Slug != "default" || page.TimeZone != "UTC" {
			t.Fatalf("default page %+v %v", page, err)
		}
		group, err := sp.SaveGroup(actx, page.ID, 0, statuspage.GroupInput{Name: ptr("Common Features")})
		if err != nil {
			t.Fatal(err)
		}
		plugins, err := sp.SaveComponent(actx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Plugins"), GroupID: &group.ID, Services: &[]string{"plugins"}})
		if err != nil {
			t.Fatal(err)
		}
		push, err := sp.SaveComponent(actx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Push Notifications"), GroupID: &group.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sp.SaveComponent(actx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Plugins")}); !apperr.Is(err, apperr.CodeConflict) {
			t.Errorf("a second component with the same name: %v", err)
		}

		inc, err := incs.Declare(ctx, incident.DeclareInput{Title: "Analytics down in US", Severity: "SEV1", TakeManager: true})
		if err != nil {
			t.Fatal(err)
		}
		// Bob is neither IM nor CM: refused, and nothing is written.
		bob := access.With(context.Background(), access.Actor{UserID: 2, Name: "Bob", Level: access.Responder})
		jobsBefore := len(q.jobs)
		_, err = sp.Publish(bob, inc.Number, statuspage.UpdateInput{Status: statuspage.Investigating, Body: "Looking", Components: []statuspage.ComponentChange{{ComponentID: plugins.ID, Status: statuspage.MajorOutage}}})
		if !apperr.Is(err, apperr.CodeForbidden) {
			t.Fatalf("bob published: %v", err)
		}
		if len(q.jobs) != jobsBefore {
			t.Errorf("a refused publish enqueued jobs")
		}
		// A bad component rolls everything back, component statuses included.
		_, err = sp.Publish(ctx, inc.Number, statuspage.UpdateInput{Status: statuspage.Investigating, Body: "x",
			Components: []statuspage.ComponentChange{{ComponentID: plugins.ID, Status: statuspage.MajorOutage}, {ComponentID: 999, Status: statuspage.MajorOutage}}})
		if !apperr.Is(err, apperr.CodeInvalid) {
			t.Fatalf("unknown component: %v", err)
		}
		comps, _ := sp.Components(actx, page.ID)
		if comps[0].Status != statuspage.Operational {
			t.Fatalf("rolled-back publish left %s", comps[0].Status)
		}

		pub, err := sp.Publish(ctx, inc.Number, statuspage.UpdateInput{Status: statuspage.Identified, Body: "We already identified the problem.",
			Components: []statuspage.ComponentChange{{ComponentID: plugins.ID, Status: statuspage.MajorOutage}, {ComponentID: push.ID, Status: statuspage.PartialOutage}}})
		if err != nil {
			t.Fatal(err)
		}
		if pub.Incident.Name != "Analytics down in US" || pub.Incident.Impact != statuspage.ImpactCritical || pub.Incident.IncidentNumber != inc.Number {
			t.Errorf("public incident %+v", pub.Incident)
		}
		var fanout, reminder bool
		for _, j := range q.jobs[jobsBefore:] {
			switch j := j.(type) {
			case statuspage.FanoutJob:
				fanout = j.UpdateID == pub.Update.ID
			case statuspage.ReminderJob:
				reminder = j.AfterUpdate == pub.Update.ID && j.Due.Sub(pub.Update.CreatedAt) == 30*time.Minute
			}
		}
		if !fanout || !reminder {
			t.Errorf("jobs %+v: fanout %v reminder %v", q.jobs, fanout, reminder)
		}
		events, err := incs.Timeline(ctx, inc.Number)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if last.Kind != incident.EventStatusUpdatePublished || last.Note != "We already identified the problem." || last.ActorName != "Alice" {
			t.Errorf("timeline event %+v", last)
		}

		// Resolve: same public incident, second update, components back.
		pub2, err := sp.Publish(ctx, inc.Number, statuspage.UpdateInput{Status: statuspage.Resolved, Body: "Resolved.",
			Components: []statuspage.ComponentChange{{ComponentID: plugins.ID, Status: statuspage.Operational}, {ComponentID: push.ID, Status: statuspage.Operational}}})
		if err != nil {
			t.Fatal(err)
		}
		if pub2.Incident.ID != pub.Incident.ID || pub2.Incident.ResolvedAt == nil {
			t.Errorf("resolve %+v", pub2.Incident)
		}
		got, err := sp.Incident(ctx, pub.Incident.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Updates) != 2 || got.Updates[0].Status != statuspage.Resolved || len(got.Updates[1].Affected) != 2 ||
			got.Updates[1].Affected[0].OldStatus != statuspage.Operational || got.Updates[1].Affected[0].Status != statuspage.MajorOutage {
			t.Errorf("read back %+v", got)
		}

		data, err := s.StatusPages(nil).Load(context.Background(), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		// plugins: operational (created), major, operational; push: operational, partial, operational
		if len(data.History) != 6 || len(data.Incidents) != 1 || len(data.Components) != 2 || len(data.Groups) != 1 || len(data.Pages) != 1 {
			t.Errorf("load: %d history, %d incidents, %d components", len(data.History), len(data.Incidents), len(data.Components))
		}
		// The window starts after everything: only each component's last change is kept.
		data, err = s.StatusPages(nil).Load(context.Background(), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if len(data.History) != 2 || data.History[0].Status != statuspage.Operational || len(data.Incidents) != 0 {
			t.Errorf("load later: %+v, %d incidents", data.History, len(data.Incidents))
		}
	})
}

func TestStatusPageAdminAndSubscribers(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		q := &recordingQueue{}
		clock := &fixedClock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
		sp := statuspage.NewService(s.StatusPages(q), newIncidentService(s, q), clock.now)
		actx := access.With(context.Background(), admin)
		ctx := access.With(context.Background(), alice)

		if _, err := sp.CreatePage(ctx, statuspage.PageInput{Slug: ptr("us"), Name: ptr("US")}); !apperr.Is(err, apperr.CodeForbidden) {
			t.Errorf("responder created a page: %v", err)
		}
		us, err := sp.CreatePage(actx, statuspage.PageInput{Slug: ptr("us"), Name: ptr("US infrastructure"), TimeZone: ptr("Europe/Berlin"), Host: ptr("status-us.example.com")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sp.CreatePage(actx, statuspage.PageInput{Slug: ptr("history"), Name: ptr("x")}); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("reserved slug: %v", err)
		}
		if _, err := sp.UpdatePage(actx, us.ID, statuspage.PageInput{TimeZone: ptr("Mars/Olympus")}); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("bad zone: %v", err)
		}
		def, _ := sp.DefaultPage(actx)
		if err := sp.DeletePage(actx, def.ID); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("deleted the default page: %v", err)
		}
		c, err := sp.SaveComponent(actx, us.ID, 0, statuspage.ComponentInput{Name: ptr("API")})
		if err != nil {
			t.Fatal(err)
		}
		// A responder may change a status, not rename.
		if _, err := sp.SaveComponent(ctx, us.ID, c.ID, statuspage.ComponentInput{Status: ptr(statuspage.DegradedPerformance)}); err != nil {
			t.Errorf("responder status change: %v", err)
		}
		if _, err := sp.SaveComponent(ctx, us.ID, c.ID, statuspage.ComponentInput{Name: ptr("x")}); !apperr.Is(err, apperr.CodeForbidden) {
			t.Errorf("responder rename: %v", err)
		}
		if _, err := sp.SaveComponent(actx, def.ID, c.ID, statuspage.ComponentInput{Name: ptr("x")}); !apperr.Is(err, apperr.CodeNotFound) {
			t.Errorf("component of another page: %v", err)
		}

		// Email subscribers: subscribe twice (one row, one job each), confirm, unsubscribe.
		if err := sp.Subscribe(context.Background(), us.ID, "Reader@Example.com", []int64{c.ID}, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if err := sp.Subscribe(context.Background(), us.ID, "reader@example.com", nil, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if err := sp.Subscribe(context.Background(), us.ID, "not an address", nil, ""); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("bad address: %v", err)
		}
		subs, err := sp.Subscribers(actx, us.ID)
		if err != nil || len(subs) != 1 || subs[0].Address != "reader@example.com" || subs[0].ConfirmedAt != nil || len(subs[0].Components) != 0 {
			t.Fatalf("subscribers %+v %v", subs, err)
		}
		confirm, err := sp.Token(actx, statuspage.PurposeConfirm, subs[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sp.Confirm(context.Background(), confirm+"x"); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("forged confirm: %v", err)
		}
		if _, err := sp.Unsubscribe(context.Background(), confirm); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("a confirm link unsubscribed: %v", err)
		}
		sub, err := sp.Confirm(context.Background(), confirm)
		if err != nil || sub.ConfirmedAt == nil {
			t.Fatalf("confirm %+v %v", sub, err)
		}
		// A second service (another node) signs with the same stored key.
		other := statuspage.NewService(s.StatusPages(q), nil, clock.now)
		unsub, err := other.Token(actx, statuspage.PurposeUnsubscribe, sub)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sp.Unsubscribe(context.Background(), unsub); err != nil {
			t.Fatal(err)
		}
		if subs, _ := sp.Subscribers(actx, us.ID); len(subs) != 0 {
			t.Errorf("still subscribed: %+v", subs)
		}
		wh, secret, err := sp.AddSubscriber(actx, us.ID, statuspage.SubscriberInput{Kind: statuspage.ByWebhook, Address: "https://hooks.example.com/status"})
		if err != nil || wh.ConfirmedAt == nil || len(secret) < 32 {
			t.Fatalf("webhook subscriber %+v %q %v", wh, secret, err)
		}

		// Templates and cadence.
		tm, err := sp.SaveTemplate(actx, statuspage.Template{Status: statuspage.Monitoring, Title: "{{title}}", Body: "Recovering: {{components}}"})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := sp.Templates(actx)
		if len(all) != 4 || all[2].Body != tm.Body || all[0].Body != statuspage.DefaultTemplates[0].Body {
			t.Errorf("templates %+v", all)
		}
		if err := sp.SetCadence(actx, statuspage.Cadence{"SEV1": 15 * time.Minute}); err != nil {
			t.Fatal(err)
		}
		if c, _ := sp.Cadence(actx); c["SEV1"] != 15*time.Minute || len(c) != 1 {
			t.Errorf("cadence %v", c)
		}
		if err := sp.DeletePage(actx, us.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := sp.Page(actx, us.ID); !errors.Is(err, err) || !apperr.Is(err, apperr.CodeNotFound) {
			t.Errorf("deleted page: %v", err)
		}
	})
}
