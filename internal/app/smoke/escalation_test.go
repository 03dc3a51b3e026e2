package smoke

import (
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/paging"
)

// An alert pages the first step at once; unacknowledged, the page escalates
// to the second step at its deadline; the second person acknowledges from
// the link in their email, and no one hears anything more.
func TestAlertPagesEscalatesAndAckStops(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ann := h.person("ann", "+15550000001")
		bob := h.person("bob", "+15550000002")
		h.policy(0,
			paging.Step{Targets: users(ann), DelayMinutes: 5},
			paging.Step{Targets: users(bob), DelayMinutes: 10},
		)

		h.alert("CartDown")
		h.paged(ann, "CartDown")
		h.quiet() // step 2 waits for its deadline

		h.advance(4 * time.Minute)
		h.quiet()
		h.advance(time.Minute)
		body := h.paged(bob, "CartDown")

		h.useLink(body, "Acknowledge")
		if p := h.page(); p.Status != paging.Acknowledged || p.AckedBy != bob.ID {
			t.Fatalf("after bob's link: %s by %d", p.Status, p.AckedBy)
		}
		h.advance(time.Hour)
		h.quiet()
	})
}
