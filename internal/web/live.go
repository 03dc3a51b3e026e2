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

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell nginx not to buffer the stream
	w.WriteHeader(http.StatusOK)

	send := func(version int64) error {
		if _, err := fmt.Fprintf(w, "id: %d\nevent: changed\ndata: %d\n\n", version, version); err != nil {
			return err
		}
		return rc.Flush()
	}
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	if seen != 0 && seen != inc.Version {
		if send(inc.Version) != nil {
			return nil
		}
	} else if rc.Flush() != nil {
		return nil
	}

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-signals:
			if !ok {
				return nil // the server is shutting down
			}
			cur, err := s.inc.Get(ctx, n)
			if err != nil {
				s.log.Warn("web: live update", "incident", incident.Ref(n), "err", err)
				return nil
			}
			if send(cur.Version) != nil {
				return nil
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return nil
			}
			if rc.Flush() != nil {
				return nil
			}
		}
	}
}
