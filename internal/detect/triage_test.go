package detect_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var (
	responder = access.Actor{UserID: 0, Name: "Rita", Level: access.Responder, Source: "test"}
	viewer    = access.Actor{UserID: 0, Name: "Vic", Level: access.Viewer, Source: "test"}
)

func as(a access.Actor) context.Context { return access.With(context.Background(), a) }

type world struct {
	s      *store.Store
	alerts *store.Alerts
	inc    *incident.Service
	triage *detect.Service
	svc    catalog.Service
	in     detect.Integration
	now    time.Time
}

type everyone struct{}

func (everyone) Person(_ context.Context, id int64) (incident.Person, error) {
	return incident.Person{ID: id, Name: "user", Level: access.Responder}, nil
}

func eachStore(t *testing.T, fn func(t *testing.T, w *world)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := ""
			if d == store.Postgres {
				url = pgtest.NewDatabase(t)
			}
			s, err := store.Open(ctx, url, filepath.Join(t.TempDir(), "fb.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			w := &world{s: s, now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
			clock := func() time.Time { return w.now }
			cat := catalog.NewCatalog(s.Catalog(), clock)
			w.svc, err = cat.CreateService(as(access.System), catalog.ServiceInput{Name: "checkout"})
			if err != nil {
				t.Fatal(err)
			}
			w.alerts = s.Alerts(nil)
			w.inc = incident.NewService(s.Incidents(nil), everyone{}, cat, incident.DefaultScale, clock, nil)
			w.triage = detect.NewService(w.alerts, w.inc, incident.DefaultScale.Names(), nil, clock, nil)
			created, err := w.triage.CreateIntegration(as(access.System), detect.NewIntegration{Name: "prom", Kind: detect.KindAlertmanager, ServiceID: w.svc.ID})
			if err != nil {
				t.Fatal(err)
			}
			w.in = created.Integration
			fn(t, w)
		})
	}
}

// fire ingests events for group key "g" and returns the group's id.
func (w *world) fire(t *testing.T, evs ...detect.Event) int64 {
	t.Helper()
	w.now = w.now.Add(time.Minute)
	acc := detect.Accepted{IntegrationID: w.in.ID, ReceivedAt: w.now, Body: []byte(`{}`)}
	for _, e := range evs {
		e.GroupKey = "g"
		if e.Labels == nil {
			e.Labels = map[string]string{}
		}
		acc.Events = append(acc.Events, detect.Routed{Event: e, ServiceID: w.svc.ID, Route: detect.RouteTriage})
	}
	if err := w.alerts.Ingest(context.Background(), []detect.Accepted{acc}); err != nil {
		t.Fatal(err)
	}
	gs, err := w.alerts.ListGroups(context.Background(), detect.GroupFilter{})
	if err != nil || len(gs) == 0 {
		t.Fatal(err)
	}
	return gs[0].ID
}

func trigger(key, sev string) detect.Event {
	return detect.Event{DedupKey: key, Action: detect.Trigger, Title: "Checkout errors above 5%", Severity: sev}
}

func TestTriageDeclare(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		id := w.fire(t, trigger("a", detect.SevError), trigger("b", detect.SevCritical))

		// A viewer sees the queue but may not declare.
		q, err := w.triage.Queue(as(viewer))
		if err != nil || len(q) != 1 || len(q[0].Alerts) != 2 {
			t.Fatalf("queue %+v %v", q, err)
		}
		if _, err := w.triage.Declare(as(viewer), id, detect.DeclareOptions{}); !apperr.Is(err, apperr.CodeForbidden) {
			t.Fatalf("viewer declared: %v", err)
		}

		inc, err := w.triage.Declare(as(responder), id, detect.DeclareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Prefilled from the alerts: title, severity from the most severe alert, the service, the detection time.
		if inc.Title != "Checkout errors above 5%" || inc.Severity != "SEV1" || len(inc.Services) != 1 || inc.Services[0] != "checkout" ||
			inc.Labels["alert_group"] == "" || !strings.Contains(inc.Summary, "2 alerts") {
			t.Fatalf("incident %+v", inc)
		}
		if inc.Times.Detected == nil || !inc.Times.Detected.Equal(w.now) {
			t.Errorf("detected %v, want the group's first alert %v", inc.Times.Detected, w.now)
		}
		item, err := w.triage.Item(as(viewer), id)
		if err != nil || item.Triage != detect.TriageDeclared || item.IncidentNumber != inc.Number {
			t.Fatalf("item %+v %v", item, err)
		}
		if q, _ := w.triage.Queue(as(viewer)); len(q) != 0 {
			t.Fatalf("declared item still queued: %+v", q)
		}
		linked, _ := w.triage.GroupsOfIncident(as(viewer), inc.Number)
		if len(linked) != 1 {
			t.Fatalf("linked %+v", linked)
		}
		// Declaring again is refused: one item, one incident.
		if _, err := w.triage.Declare(as(responder), id, detect.DeclareOptions{}); !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("second declare: %v", err)
		}
	})
}

func TestTriageDeclareFailureReturnsItemToQueue(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		id := w.fire(t, trigger("a", detect.SevError))
		if _, err := w.triage.Declare(as(responder), id, detect.DeclareOptions{Severity: "SEV9"}); !apperr.Is(err, apperr.CodeInvalid) {
			t.Fatalf("bad severity: %v", err)
		}
		if q, _ := w.triage.Queue(as(viewer)); len(q) != 1 || q[0].Triage != detect.TriagePending {
			t.Fatalf("queue after failed declare %+v", q)
		}
	})
}

func TestTriageDismissMergeSelfResolve(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		cases := []struct {
			name   string
			decide func(t *testing.T, id int64) error
			want   string
		}{
			{"dismissed with a reason", func(t *testing.T, id int64) error {
				g, err := w.triage.Dismiss(as(responder), id, "false positive", "probe flapped")
				if err == nil && (g.DismissReason != "false positive" || g.DismissNote != "probe flapped") {
					t.Errorf("%+v", g)
				}
				return err
			}, detect.TriageDismissed},
			{"merged into an open incident", func(t *testing.T, id int64) error {
				inc, err := w.inc.Declare(as(responder), incident.DeclareInput{Title: "checkout slow", Severity: "SEV2"})
				if err != nil {
					return err
				}
				g, err := w.triage.Merge(as(responder), id, inc.Number)
				if err == nil {
					tl, _ := w.inc.Timeline(as(viewer), inc.Number)
					if g.IncidentNumber != inc.Number || len(tl) != 2 || !strings.Contains(tl[1].Note, "merged") {
						t.Errorf("group %+v timeline %+v", g, tl)
					}
					// Resolved, the incident takes no more alerts of this group key.
					_, err = w.inc.ChangeStage(as(responder), inc.Number, 0, incident.Resolved, "")
				}
				return err
			}, detect.TriageMerged},
			{"self-resolved when every alert resolves first", func(t *testing.T, id int64) error {
				w.fire(t, detect.Event{DedupKey: "a", Action: detect.Resolve})
				return nil
			}, detect.TriageSelfResolved},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				// Each case gets its own group: resolve what is open first.
				if i > 0 {
					w.fire(t, detect.Event{DedupKey: "a", Action: detect.Resolve})
				}
				id := w.fire(t, trigger("a", detect.SevWarning))
				if err := c.decide(t, id); err != nil {
					t.Fatal(err)
				}
				item, err := w.triage.Item(as(viewer), id)
				if err != nil || item.Triage != c.want {
					t.Fatalf("triage %q, want %q (%v)", item.Triage, c.want, err)
				}
			})
		}
	})
}

func TestTriageRefusals(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		id := w.fire(t, trigger("a", detect.SevWarning))
		closed, _ := w.inc.Declare(as(responder), incident.DeclareInput{Title: "old", Severity: "SEV3"})
		if _, err := w.inc.ChangeStage(as(responder), closed.Number, 0, incident.Resolved, ""); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			err  error
			code apperr.Code
		}{
			{"dismiss with an unknown reason", second(w.triage.Dismiss(as(responder), id, "meh", "")), apperr.CodeInvalid},
			{"merge into a resolved incident", second(w.triage.Merge(as(responder), id, closed.Number)), apperr.CodeInvalid},
			{"merge into a missing incident", second(w.triage.Merge(as(responder), id, 999)), apperr.CodeNotFound},
			{"a viewer dismisses", second(w.triage.Dismiss(as(viewer), id, "duplicate", "")), apperr.CodeForbidden},
			{"a missing item", second(w.triage.Dismiss(as(responder), 999, "duplicate", "")), apperr.CodeNotFound},
			{"a responder creates an integration", second(w.triage.CreateIntegration(as(responder), detect.NewIntegration{Name: "x", Kind: detect.KindGrafana, ServiceID: w.svc.ID})), apperr.CodeForbidden},
			{"a declare rule with an unknown severity", second(w.triage.SetRules(as(access.System), []detect.Rule{{Name: "x", Condition: "true", Action: detect.RouteDeclare, Severity: "SEV9"}})), apperr.CodeInvalid},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if !apperr.Is(c.err, c.code) {
					t.Fatalf("got %v, want %s", c.err, c.code)
				}
			})
		}
	})
}

func second[T any](_ T, err error) error { return err }

func TestRulesAndWorkers(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		rules, err := w.triage.SetRules(as(access.System), []detect.Rule{
			{Name: "declare critical", Condition: `severity == "critical"`, Action: detect.RouteDeclare, Severity: "sev2"},
		})
		if err != nil || len(rules) != 1 || rules[0].Severity != "SEV2" {
			t.Fatalf("%+v %v", rules, err)
		}
		// The declare worker declares the group a declare rule routed.
		id := w.fire(t, trigger("a", detect.SevCritical))
		if err := w.triage.WorkDeclare(context.Background(), detect.DeclareJob{GroupID: id, Severity: "SEV2"}, 1); err != nil {
			t.Fatal(err)
		}
		item, _ := w.triage.Item(as(viewer), id)
		if item.Triage != detect.TriageDeclared || item.IncidentNumber == 0 {
			t.Fatalf("%+v", item)
		}
		inc, _ := w.inc.Get(as(viewer), item.IncidentNumber)
		if inc.Severity != "SEV2" {
			t.Errorf("severity %s", inc.Severity)
		}
		// Running it again does nothing.
		if err := w.triage.WorkDeclare(context.Background(), detect.DeclareJob{GroupID: id}, 2); err != nil {
			t.Fatal(err)
		}
		// Attach and group-resolved put notes on the timeline.
		alerts, _ := w.triage.Alerts(as(viewer), detect.AlertFilter{GroupID: id})
		if err := w.triage.WorkAttach(context.Background(), detect.AttachJob{GroupID: id, AlertID: alerts[0].ID}, 1); err != nil {
			t.Fatal(err)
		}
		if err := w.triage.WorkGroupResolved(context.Background(), detect.GroupResolvedJob{GroupID: id}, 1); err != nil {
			t.Fatal(err)
		}
		tl, _ := w.inc.Timeline(as(viewer), inc.Number)
		if len(tl) != 3 || !strings.Contains(tl[1].Note, "Alert fired") || !strings.Contains(tl[2].Note, "consider resolving") {
			t.Fatalf("timeline %+v", tl)
		}
		if inc, _ := w.inc.Get(as(viewer), inc.Number); inc.Stage != incident.Fix {
			t.Fatalf("incident resolved silently: %s", inc.Stage)
		}
		// The mapping preview runs a mapping on a payload without storing.
		ev, err := w.triage.TestMapping(as(viewer), detect.Mapping{Title: `"x " + payload.a`, DedupKey: "payload.a"}, []byte(`{"a":"1"}`))
		if err != nil || ev.Title != "x 1" {
			t.Fatalf("%+v %v", ev, err)
		}
	})
}
