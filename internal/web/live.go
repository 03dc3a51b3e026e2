package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// heartbeat is how often an idle stream sends a comment, so proxies and
// browsers keep it open and a dead client is noticed.
const heartbeat = 20 * time.Second

// incidentLive answers GET /incidents/{ref}/live with Server-Sent Events: a
// "changed" event, carrying the incident's version, after each change. The
// page re-fetches what it shows when one arrives. ?v= (or the Last-Event-ID
// of a reconnecting browser) is the version the page shows: when the
// incident has moved on since, the event is sent at once, so nothing is
// missed between rendering the page and subscribing.
func (s *server) incidentLive(w http.ResponseWriter, r *http.Request) error {
	n, err := refParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	// Subscribe before reading, so a change in between is not lost.
	signals, cancel := s.hub.Subscribe(incident.Topic(n))
	defer cancel()
	inc, err := s.inc.Get(ctx, n)
	if err != nil {
		return err
	}
	seen, _ := strconv.ParseInt(r.URL.Query().Get("v"), 10, 64)
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		seen, _ = strconv.ParseInt(id, 10, 64)
	}

	version := func() (int64, error) {
		cur, err := s.inc.Get(ctx, n)
		if err != nil {
			return 0, err
		}
		return cur.Version, nil
	}
	s.stream(w, r, signals, seen != 0 && seen != inc.Version, version)
	return nil
}

// incidentListLive answers GET /live/incidents: a "changed" event after any
// change to any incident, for the incident list.
func (s *server) incidentListLive(w http.ResponseWriter, r *http.Request) error {
	signals, cancel := s.hub.Subscribe(incident.ListTopic)
	defer cancel()
	var n int64
	s.stream(w, r, signals, false, func() (int64, error) { n++; return n, nil })
	return nil
}

// stream writes Server-Sent Events until the client leaves or the hub
// closes: a "changed" event (with id and data from version) after each
// signal, at once when now is set, and a comment every heartbeat.
func (s *server) stream(w http.ResponseWriter, r *http.Request, signals <-chan struct{}, now bool, version func() (int64, error)) {
	ctx := r.Context()
	rc := http.NewResponseController(w)
	// A stream outlives the server's read and write timeouts; a read
	// deadline passing would cancel the request.
	_ = rc.SetWriteDeadline(time.Time{})
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell nginx not to buffer the stream
	w.WriteHeader(http.StatusOK)

	send := func() error {
		v, err := version()
		if err != nil {
			s.log.Warn("web: live update", "path", r.URL.Path, "err", err)
			return err
		}
		if _, err := fmt.Fprintf(w, "id: %d\nevent: changed\ndata: %d\n\n", v, v); err != nil {
			return err
		}
		return rc.Flush()
	}
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return
	}
	if now {
		if send() != nil {
			return
		}
	} else if rc.Flush() != nil {
		return
	}

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-signals:
			if !ok {
				return // the server is shutting down
			}
			if send() != nil {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
		}
	}
}
