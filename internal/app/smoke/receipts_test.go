package smoke

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// Twilio reports what became of each text. One that reached the phone is
// confirmed on the page's timeline; one the carrier could not deliver fails
// there with Twilio's reason — and the page escalates as before, since no
// one acknowledged it.
func TestSMSDeliveryReceipts(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ann := h.person("ann", "+15550000021")
		bob := h.person("bob", "+15550000022")
		h.policy(0,
			paging.Step{Targets: users(ann), DelayMinutes: 5},
			paging.Step{Targets: users(bob), DelayMinutes: 5},
		)

		h.sms.UndeliverNext("30003")
		h.alert("DiskFull")
		h.paged(ann, "DiskFull")
		h.sms.WaitCallbacks(t, 2, wait) // sent, then undelivered
		p := h.page()
		h.waitDelivery(p.ID, ann.ID, notification.SMS, notification.Failed, "error 30003: unreachable destination handset")
		h.waitEvent(p.ID, "Delivery by sms to +15550000021 failed: not delivered: Twilio reports undelivered, error 30003")
		h.quiet()

		h.advance(5 * time.Minute)
		h.paged(bob, "DiskFull")
		h.sms.WaitCallbacks(t, 4, wait) // sent, then delivered
		h.waitDelivery(p.ID, bob.ID, notification.SMS, notification.Delivered, "")
		h.waitEvent(p.ID, "Delivery by sms to +15550000022 confirmed: it reached the device")
		h.quiet()
	})
}

// waitDelivery waits until the page's delivery to the person by kind is in
// state, its error containing errText.
func (h *harness) waitDelivery(pageID, userID int64, kind notification.Kind, state notification.DeliveryState, errText string) {
	h.t.Helper()
	h.eventually(fmt.Sprintf("a %s delivery to user %d in state %s with %q", kind, userID, state, errText), func() (bool, any) {
		ds, err := h.node.App.Notifications.DeliveriesOfPage(h.ctx, pageID)
		if err != nil {
			h.t.Fatal(err)
		}
		return slices.ContainsFunc(ds, func(d notification.Delivery) bool {
			return d.UserID == userID && d.Kind == kind && d.State == state && strings.Contains(d.Error, errText)
		}), ds
	})
}

// waitEvent waits until the page's timeline has an event whose text starts with text.
func (h *harness) waitEvent(pageID int64, text string) {
	h.t.Helper()
	h.eventually(fmt.Sprintf("an event %q on page %d", text, pageID), func() (bool, any) {
		tl, err := h.node.App.Paging.Timeline(h.ctx, pageID)
		if err != nil {
			h.t.Fatal(err)
		}
		return slices.ContainsFunc(tl, func(e paging.Event) bool { return strings.HasPrefix(e.Text, text) }), tl
	})
}

// eventually polls check until it holds, failing with what it last saw
// once wait has passed.
func (h *harness) eventually(what string, check func() (ok bool, seen any)) {
	h.t.Helper()
	var seen any
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var ok bool
		if ok, seen = check(); ok {
			return
		}
	}
	h.t.Fatalf("no %s: %+v", what, seen)
}
