package smoke

import (
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// A step that targets a schedule pages whoever is on call when it fires:
// with daily handoffs, today's person; after the handoff, the next one.
func TestScheduleTargetPagesWhoIsOnCall(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		eve := h.person("eve", "+15550000005")
		fay := h.person("fay", "+15550000006")
		now := h.clock.Now()
		saved, err := h.node.App.OnCall.CreateSchedule(h.ctx, oncall.Schedule{Name: "Primary", TimeZone: "UTC", Layers: []oncall.Layer{{
			Name: "daily",
			Rotation: oncall.Rotation{Participants: []int64{eve.ID, fay.ID}, Length: 1, Unit: oncall.Days,
				Handoff: oncall.Clock(now.Hour()*60 + now.Minute()), Start: now.AddDate(0, 0, -2).Format("2006-01-02")},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		who, err := h.node.App.OnCall.OnCallAt(h.ctx, saved.Schedule.ID, now.Add(time.Minute))
		if err != nil || len(who) != 1 {
			t.Fatalf("on call now: %v %v", who, err)
		}
		first, second := eve, fay
		if who[0] == fay.ID {
			first, second = fay, eve
		}
		h.policy(1, paging.Step{Targets: []paging.Target{{Kind: paging.TargetSchedule, ID: saved.Schedule.ID}}, DelayMinutes: 24 * 60})

		h.advance(time.Minute)
		h.alert("PaymentsSlow")
		h.paged(first, "PaymentsSlow")
		h.quiet()
		// The repeat fires a day later, after the handoff: the other person.
		h.advance(24 * time.Hour)
		h.paged(second, "PaymentsSlow")
		h.quiet()
	})
}
