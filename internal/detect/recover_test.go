package detect_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// claim does what Declare does first and nothing else, as if the node died
// right after: the item is "declaring" and its recovery job is due later.
func (w *world) claim(t *testing.T, id int64, opts detect.DeclareOptions) detect.DeclareRecoverJob {
	t.Helper()
	job := detect.DeclareRecoverJob{GroupID: id, Options: opts, At: w.now.Add(detect.DeclareStale)}
	if _, err := w.alerts.ClaimGroup(context.Background(), id, func(g *detect.Group) error {
		g.Triage, g.UpdatedAt = detect.TriageDeclaring, w.now
		return nil
	}, job); err != nil {
		t.Fatal(err)
	}
	return job
}

func (w *world) incidents(t *testing.T) []*incident.Incident {
	t.Helper()
	page, err := w.inc.List(as(viewer), incident.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return page.Incidents
}

func TestInterruptedDeclareIsRecovered(t *testing.T) {
	cases := []struct {
		name string
		// crash is what the interrupted declare got done after the claim.
		crash        func(t *testing.T, w *world, id int64)
		wantSeverity string
		wantNote     string
	}{
		{"crash before the incident was made: the job declares it", func(*testing.T, *world, int64) {}, "SEV2", "declared the incident"},
		{"crash after the incident was made, before the link: the job finds it", func(t *testing.T, w *world, id int64) {
			// What Service.declare does: the incident carries the group's id.
			if _, err := w.inc.Declare(as(responder), incident.DeclareInput{Title: "made before the crash", Severity: "SEV3",
				Services: []string{"checkout"}, Labels: map[string]string{"alert_group": strconv.FormatInt(id, 10)}}); err != nil {
				t.Fatal(err)
			}
		}, "SEV3", "found the incident it had made"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, w *world) {
				other := w.fire(t, trigger("x", detect.SevWarning)) // another group's incident must not be taken for this one's
				if _, err := w.triage.Declare(as(responder), other, detect.DeclareOptions{}); err != nil {
					t.Fatal(err)
				}
				id := w.fireKey(t, "g2", trigger("a", detect.SevCritical))
				job := w.claim(t, id, detect.DeclareOptions{Severity: "SEV2"})
				c.crash(t, w, id)

				// Too early: the declare might still be running; the job asks to be retried.
				w.now = w.now.Add(detect.DeclareStale / 2)
				if err := w.triage.WorkDeclareRecover(context.Background(), job, 1); err == nil {
					t.Fatal("recovered a declare that may still be running")
				}
				if g, _ := w.alerts.Group(context.Background(), id); g.Triage != detect.TriageDeclaring {
					t.Fatalf("early run changed the item: %+v", g)
				}

				w.now = w.now.Add(detect.DeclareStale)
				if err := w.triage.WorkDeclareRecover(context.Background(), job, 2); err != nil {
					t.Fatal(err)
				}
				g, err := w.alerts.Group(context.Background(), id)
				if err != nil || g.Triage != detect.TriageDeclared || g.IncidentNumber == 0 {
					t.Fatalf("after recovery: %+v %v", g, err)
				}
				inc, err := w.inc.Get(as(viewer), g.IncidentNumber)
				if err != nil || inc.Severity != c.wantSeverity || inc.Labels["alert_group"] != strconv.FormatInt(id, 10) {
					t.Fatalf("linked incident %+v %v", inc, err)
				}
				if n := len(w.incidents(t)); n != 2 {
					t.Fatalf("%d incidents, want one for each group", n)
				}
				tl, err := w.inc.Timeline(as(viewer), g.IncidentNumber)
				if err != nil || !strings.Contains(timelineText(tl), c.wantNote) {
					t.Fatalf("timeline does not tell the recovery (%v): %s", err, timelineText(tl))
				}

				// Run again (a retry, a second node): nothing more happens.
				if err := w.triage.WorkDeclareRecover(context.Background(), job, 3); err != nil {
					t.Fatal(err)
				}
				if n := len(w.incidents(t)); n != 2 {
					t.Fatalf("a second run made another incident: %d", n)
				}
			})
		})
	}
}

// The recovery job of a declare that finished, or was given up (the item
// went back to the queue), does nothing.
func TestDeclareRecoveryOfFinishedOrAbandonedDeclares(t *testing.T) {
	eachStore(t, func(t *testing.T, w *world) {
		id := w.fire(t, trigger("a", detect.SevError))
		inc, err := w.triage.Declare(as(responder), id, detect.DeclareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		w.now = w.now.Add(time.Hour)
		if err := w.triage.WorkDeclareRecover(context.Background(), detect.DeclareRecoverJob{GroupID: id}, 1); err != nil {
			t.Fatal(err)
		}
		if g, _ := w.alerts.Group(context.Background(), id); g.IncidentNumber != inc.Number || len(w.incidents(t)) != 1 {
			t.Fatalf("finished declare changed: %+v", g)
		}

		abandoned := w.fireKey(t, "g2", trigger("b", detect.SevError))
		if _, err := w.triage.Declare(as(responder), abandoned, detect.DeclareOptions{Severity: "SEV9"}); err == nil {
			t.Fatal("bad severity accepted")
		}
		w.now = w.now.Add(time.Hour)
		if err := w.triage.WorkDeclareRecover(context.Background(), detect.DeclareRecoverJob{GroupID: abandoned}, 1); err != nil {
			t.Fatal(err)
		}
		if g, _ := w.alerts.Group(context.Background(), abandoned); g.Triage != detect.TriagePending || len(w.incidents(t)) != 1 {
			t.Fatalf("abandoned declare was finished anyway: %+v", g)
		}
	})
}

func timelineText(evs []incident.Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.Note)
		b.WriteString("\n")
	}
	return b.String()
}

// fireKey ingests events for group key key and returns that group's id.
func (w *world) fireKey(t *testing.T, key string, evs ...detect.Event) int64 {
	t.Helper()
	w.now = w.now.Add(time.Minute)
	acc := detect.Accepted{IntegrationID: w.in.ID, ReceivedAt: w.now, Body: []byte(`{}`)}
	for _, e := range evs {
		e.GroupKey = key
		e.Labels = map[string]string{}
		acc.Events = append(acc.Events, detect.Routed{Event: e, ServiceID: w.svc.ID, Route: detect.RouteTriage})
	}
	if err := w.alerts.Ingest(context.Background(), []detect.Accepted{acc}); err != nil {
		t.Fatal(err)
	}
	gs, err := w.alerts.ListGroups(context.Background(), detect.GroupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gs {
		if g.GroupKey == key {
			return g.ID
		}
	}
	t.Fatalf("no group %q", key)
	return 0
}
