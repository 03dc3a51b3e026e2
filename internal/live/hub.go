// Package live tells open pages that something changed. Publishers name a
// topic (an incident id, "incidents"); subscribers get a signal and re-read
// what they show. On PostgreSQL the signal crosses nodes through
// LISTEN/NOTIFY (listen.go); on SQLite, a single node, it stays in process.
package live

import "sync"

// Hub fans topic signals out to subscribers in this process.
type Hub struct {
	mu     sync.Mutex
	subs   map[string]map[chan struct{}]struct{}
	closed bool
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[chan struct{}]struct{}{}} }

// Subscribe returns a channel that receives a signal after each change of
// topic. Signals coalesce: a slow reader sees one signal for several changes,
// which is all it needs since it re-reads the current state. Call cancel when done.
func (h *Hub) Subscribe(topic string) (signals <-chan struct{}, cancel func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		close(ch)
		return ch, func() {}
	}
	if h.subs[topic] == nil {
		h.subs[topic] = map[chan struct{}]struct{}{}
	}
	h.subs[topic][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return
		}
		delete(h.subs[topic], ch)
		if len(h.subs[topic]) == 0 {
			delete(h.subs, topic)
		}
		h.mu.Unlock()
	}
}

// Publish signals every subscriber of topic without blocking.
func (h *Hub) Publish(topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[topic] {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending
		}
	}
}

// Close ends every subscription by closing its channel, so long-lived
// streams (SSE) return and a graceful shutdown does not wait for them.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for _, subs := range h.subs {
		for ch := range subs {
			close(ch)
		}
	}
	h.subs = nil
}
