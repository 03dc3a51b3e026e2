package smoke

import (
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/paging"
)

// A one-step policy repeated twice pages three times, a step's delay apart,
// then stops; the page stays open, and says so.
func TestPolicyRepeats(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		cat := h.person("cat", "+15550000003")
		h.policy(2, paging.Step{Targets: users(cat), DelayMinutes: 10})

		h.alert("QueueStuck")
		h.expectEmail(cat.Email, "QueueStuck")
		h.expectSMS(cat.Phone, "QueueStuck")
		for round := 2; round <= 3; round++ {
			h.advance(9 * time.Minute)
			h.quiet()
			h.advance(time.Minute)
			h.expectEmail(cat.Email, "QueueStuck")
			h.expectSMS(cat.Phone, "QueueStuck")
		}
		h.advance(2 * time.Hour)
		h.quiet()
		p := h.page()
		if p.Status != paging.Triggered || p.NextAt != nil {
			t.Fatalf("after every round: %s, next %v", p.Status, p.NextAt)
		}
		tl, err := h.node.App.Paging.Timeline(h.ctx, p.ID)
		fired, exhausted := 0, 0
		for _, e := range tl {
			switch e.Kind {
			case paging.EvStepFired:
				fired++
			case paging.EvExhausted:
				exhausted++
			}
		}
		if err != nil || fired != 3 || exhausted != 1 {
			t.Fatalf("timeline: %d steps fired, %d exhausted (want 3, 1): %v", fired, exhausted, err)
		}
	})
}
