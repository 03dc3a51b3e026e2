package smoke

import (
	"context"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// The person who acknowledges a triage page becomes First Responder when
// the item is declared; the declare pages the service's Incident-Manager
// schedule; resolving the incident resolves its pages.
func TestDeclareAppointsAcknowledgerAndPagesIncidentManager(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		gus := h.person("gus", "+15550000021")
		ida := h.person("ida", "+15550000022")
		now := h.clock.Now()
		im, err := h.node.App.OnCall.CreateSchedule(h.ctx, oncall.Schedule{Name: "Incident Managers", TimeZone: "UTC", Layers: []oncall.Layer{{
			Name:     "always ida",
			Rotation: oncall.Rotation{Participants: []int64{ida.ID}, Length: 1, Unit: oncall.Weeks, Start: now.AddDate(0, 0, -14).Format("2006-01-02")},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		pol := h.policy(0, paging.Step{Targets: users(gus), DelayMinutes: 5})
		if err := h.node.App.Paging.SetServicePaging(h.ctx, paging.ServicePaging{ServiceID: h.svc.ID, PolicyID: pol.ID, IMScheduleID: im.Schedule.ID}); err != nil {
			t.Fatal(err)
		}

		h.alert("OrdersFailing")
		body := h.paged(gus, "OrdersFailing")
		h.useLink(body, "Acknowledge")
		triage := h.page()

		// An admin declares from the triage item; gus, who has the page,
		// becomes First Responder, and ida (on the IM schedule) is paged.
		inc, err := h.node.App.Detect.Triage.Declare(h.ctx, triage.SourceID, detect.DeclareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		h.paged(ida, "Incident Manager")
		deadline := time.Now().Add(wait)
		for {
			got, err := h.node.App.Incidents.Get(h.ctx, inc.Number)
			if err != nil {
				t.Fatal(err)
			}
			if got.Roles.FirstResponder == gus.ID {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("First Responder is %d, want gus (%d)", got.Roles.FirstResponder, gus.ID)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if p, _ := h.node.App.Paging.Get(h.ctx, triage.ID); p.IncidentNumber != inc.Number {
			t.Fatalf("the triage page is not linked to %s: %d", inc.Ref(), p.IncidentNumber)
		}
		h.quiet()

		// Resolving the incident resolves both pages.
		if _, err := h.node.App.Incidents.ChangeStage(access.With(context.Background(), h.node.Admin), inc.Number, 0, incident.Resolved, "fixed"); err != nil {
			t.Fatal(err)
		}
		deadline = time.Now().Add(wait)
		for {
			open, _ := h.node.App.Paging.List(h.ctx, paging.Filter{Open: true})
			if len(open) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d pages still open after the incident resolved", len(open))
			}
			time.Sleep(20 * time.Millisecond)
		}
		h.advance(time.Hour)
		h.quiet()
	})
}
