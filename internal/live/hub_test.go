package live

import (
	"testing"
	"time"
)

func TestPublishReachesSubscribersOfTheTopicOnly(t *testing.T) {
	h := NewHub()
	a, cancelA := h.Subscribe("INC-1")
	b, cancelB := h.Subscribe("INC-2")
	defer cancelB()
	h.Publish("INC-1")
	h.Publish("INC-1") // coalesces with the pending signal
	select {
	case <-a:
	case <-time.After(time.Second):
		t.Fatal("subscriber of INC-1 got no signal")
	}
	select {
	case <-a:
		t.Fatal("two signals were not coalesced")
	case <-b:
		t.Fatal("subscriber of INC-2 got a signal for INC-1")
	default:
	}
	cancelA()
	h.Publish("INC-1") // no subscribers left: must not block or panic
	if len(h.subs) != 1 {
		t.Fatalf("cancelled subscription kept: %v", h.subs)
	}
}

func TestCloseEndsEverySubscription(t *testing.T) {
	h := NewHub()
	a, cancel := h.Subscribe("INC-1")
	h.Close()
	if _, open := <-a; open {
		t.Fatal("channel still open after Close")
	}
	cancel() // safe after Close
	late, _ := h.Subscribe("INC-1")
	if _, open := <-late; open {
		t.Fatal("subscription after Close is open")
	}
	h.Publish("INC-1") // must not panic on closed channels
}
