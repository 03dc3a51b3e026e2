package ingest

import (
	"net/http"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// Opsgenie Alert API subset: create (POST /v2/alerts), close and
// acknowledge by alias, authenticated with "Authorization: GenieKey <key>"
// (or the key in the integration path). Answers are 202 with Opsgenie's
// {result, took, requestId}; errors carry {message, took, requestId}.

func genieKey(req *http.Request) string {
	if k := req.PathValue("key"); k != "" {
		return k
	}
	h := req.Header.Get("Authorization")
	if len(h) > 9 && strings.EqualFold(h[:9], "GenieKey ") {
		return strings.TrimSpace(h[9:])
	}
	return bearer(req)
}

func (r *Receiver) postOpsgenie(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	if r.pipe.Full() {
		ogError(w, ErrOverloaded, start)
		return
	}
	body, err := readBody(w, req)
	if err != nil {
		ogError(w, err, start)
		return
	}
	c, err := r.integration(req.Context(), genieKey(req), detect.KindOpsgenie)
	if err != nil {
		ogError(w, err, start)
		return
	}
	ev, err := detect.DecodeOpsgenieCreate(body, newID)
	if err != nil {
		ogError(w, err, start)
		return
	}
	r.ogSubmit(w, req, c, body, ev, start)
}

func (r *Receiver) postOpsgenieAction(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	if r.pipe.Full() {
		ogError(w, ErrOverloaded, start)
		return
	}
	body, err := readBody(w, req)
	if err != nil {
		ogError(w, err, start)
		return
	}
	c, err := r.integration(req.Context(), genieKey(req), detect.KindOpsgenie)
	if err != nil {
		ogError(w, err, start)
		return
	}
	act := detect.Resolve
	if strings.HasSuffix(req.URL.Path, "/acknowledge") {
		act = detect.Acknowledge
	}
	idType := req.URL.Query().Get("identifierType")
	if idType == "" {
		idType = "id" // Opsgenie's default; refused below with a message saying to use alias
	}
	ev, err := detect.DecodeOpsgenieAction(body, req.PathValue("identifier"), idType, act)
	if err != nil {
		ogError(w, err, start)
		return
	}
	r.ogSubmit(w, req, c, body, ev, start)
}

func (r *Receiver) ogSubmit(w http.ResponseWriter, req *http.Request, c cachedIntegration, body []byte, ev detect.Event, start time.Time) {
	if err := r.submit(req.Context(), c, body, []detect.Event{ev}); err != nil {
		ogError(w, err, start)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"result": "Request will be processed", "took": took(start), "requestId": newID()})
}

func ogError(w http.ResponseWriter, err error, start time.Time) {
	status, detail, _ := classify(err)
	if status == http.StatusBadRequest {
		status = http.StatusUnprocessableEntity // Opsgenie answers validation errors with 422
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, map[string]any{"message": detail, "took": took(start), "requestId": newID()})
}
