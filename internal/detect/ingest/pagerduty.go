package ingest

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// PagerDuty Events API v2: POST /v2/enqueue with the routing key in the
// body. The answers follow PagerDuty's documentation, so its client
// libraries read them: 202 {status, message, dedup_key}; 400 {status,
// message, errors}; 429 when throttled.
func (r *Receiver) postPagerDuty(w http.ResponseWriter, req *http.Request) {
	r.pagerDuty(w, req, "")
}

// postPagerDutyKey serves the same under the integration's own path; the
// key in the path wins over the routing_key of the body.
func (r *Receiver) postPagerDutyKey(w http.ResponseWriter, req *http.Request) {
	r.pagerDuty(w, req, req.PathValue("key"))
}

func (r *Receiver) pagerDuty(w http.ResponseWriter, req *http.Request, key string) {
	if r.pipe.Full() {
		pdError(w, ErrOverloaded)
		return
	}
	body, err := readBody(w, req)
	if err != nil {
		pdError(w, err)
		return
	}
	pe, err := detect.DecodePagerDuty(body, newID)
	if err != nil {
		pdError(w, err)
		return
	}
	if key == "" {
		key = pe.RoutingKey
	}
	c, err := r.integration(req.Context(), key, detect.KindPagerDuty)
	if err != nil {
		pdError(w, err)
		return
	}
	if err := r.submit(req.Context(), c, body, []detect.Event{pe.Event}); err != nil {
		pdError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "success", "message": "Event processed", "dedup_key": pe.Event.DedupKey})
}

func pdError(w http.ResponseWriter, err error) {
	status, detail, _ := classify(err)
	switch {
	case status == http.StatusBadRequest:
		writeJSON(w, status, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": []string{detail}})
		return
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	case errors.Is(err, errTooLarge):
	case apperr.Is(err, apperr.CodeUnauthenticated):
		status = http.StatusBadRequest // PagerDuty answers an unknown routing key with 400
		writeJSON(w, status, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": []string{"Invalid routing key"}})
		return
	}
	writeJSON(w, status, map[string]any{"status": "error", "message": detail})
}
