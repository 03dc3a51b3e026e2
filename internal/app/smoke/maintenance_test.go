package smoke

import (
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/paging"
)

// During a maintenance window the service's alerts raise a page that is
// suppressed — kept and visible, sent to no one; after the window, paging
// is back.
func TestMaintenanceSuppresses(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		dan := h.person("dan", "+15550000004")
		h.policy(0, paging.Step{Targets: users(dan), DelayMinutes: 5})
		now := h.clock.Now()
		w, err := h.node.App.Paging.AddWindow(h.ctx, paging.Window{ServiceID: h.svc.ID, Starts: now.Add(-time.Minute), Ends: now.Add(time.Hour), Reason: "database upgrade"})
		if err != nil {
			t.Fatal(err)
		}

		h.alert("DiskLatency")
		deadline := time.Now().Add(wait)
		for h.pageCount() == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if p := h.page(); p.Status != paging.Suppressed {
			t.Fatalf("page in maintenance: %s", p.Status)
		}
		h.advance(30 * time.Minute)
		h.quiet()

		if _, err := h.node.App.Paging.EndWindow(h.ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		h.alert("DiskFull")
		h.paged(dan, "DiskFull")
		h.quiet()
	})
}

func (h *harness) pageCount() int {
	ps, _ := h.node.App.Paging.List(h.ctx, paging.Filter{})
	return len(ps)
}
