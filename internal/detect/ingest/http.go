package ingest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// RetryAfter is what an overloaded or rate-limited sender is told to wait, in seconds.
const RetryAfter = 1

// Routes lists the ingest endpoints, outside /api/v1 because the senders'
// formats fix them: PagerDuty clients post to {base}/v2/enqueue and
// Opsgenie clients to {base}/v2/alerts.
func (r *Receiver) Routes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"POST /integrations/{kind}/{key}":                                      r.postIntegration,
		"POST /integrations/{kind}":                                            r.postIntegration, // key in Authorization: Bearer
		"POST /integrations/pagerduty/{key}/v2/enqueue":                        r.postPagerDutyKey,
		"GET /integrations/heartbeat/{key}":                                    r.postIntegration,
		"POST /v2/enqueue":                                                     r.postPagerDuty,
		"POST /v2/alerts":                                                      r.postOpsgenie,
		"POST /v2/alerts/{identifier}/close":                                   r.postOpsgenieAction,
		"POST /v2/alerts/{identifier}/acknowledge":                             r.postOpsgenieAction,
		"POST /integrations/opsgenie/{key}/v2/alerts":                          r.postOpsgenie,
		"POST /integrations/opsgenie/{key}/v2/alerts/{identifier}/close":       r.postOpsgenieAction,
		"POST /integrations/opsgenie/{key}/v2/alerts/{identifier}/acknowledge": r.postOpsgenieAction,
	}
}

// Handler serves the ingest endpoints.
func (r *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	for p, h := range r.Routes() {
		mux.HandleFunc(p, h)
	}
	return mux
}

// readBody reads at most MaxPayload bytes.
func readBody(w http.ResponseWriter, req *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, detect.MaxPayload))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, apperr.Invalid("", "the body could not be read: %s", err.Error())
	}
	return body, nil
}

var errTooLarge = errors.New("payload too large")

func bearer(req *http.Request) string {
	h := req.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// postIntegration serves Alertmanager, Grafana, generic webhooks and
// heartbeat pings at /integrations/{kind}/{key}.
func (r *Receiver) postIntegration(w http.ResponseWriter, req *http.Request) {
	if r.pipe.Full() {
		problem(w, req, ErrOverloaded)
		return
	}
	kind := detect.Kind(req.PathValue("kind"))
	key := req.PathValue("key")
	if key == "" {
		key = bearer(req)
	}
	switch kind {
	case detect.KindAlertmanager, detect.KindGrafana, detect.KindWebhook, detect.KindHeartbeat:
	case detect.KindPagerDuty:
		r.postPagerDutyKey(w, req)
		return
	case detect.KindOpsgenie:
		r.postOpsgenie(w, req)
		return
	default:
		problem(w, req, apperr.NotFound("integration kind "+strconv.Quote(string(kind))))
		return
	}
	body, err := readBody(w, req)
	if err != nil {
		problem(w, req, err)
		return
	}
	c, err := r.integration(req.Context(), key, kind)
	if err != nil {
		problem(w, req, err)
		return
	}
	var events []detect.Event
	switch kind {
	case detect.KindHeartbeat:
		if err := r.ping(req.Context(), c); err != nil {
			problem(w, req, err)
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"status": "ok"})
		return
	case detect.KindAlertmanager:
		events, err = detect.DecodeAlertmanager(body)
	case detect.KindGrafana:
		if !detect.VerifyGrafanaSignature(c.in.Config.GrafanaSecret, req.Header.Get(detect.GrafanaSignatureHeader), req.Header.Get("X-Grafana-Alerting-Signature-Timestamp"), body) {
			problem(w, req, apperr.Unauthenticated("the "+detect.GrafanaSignatureHeader+" header is missing or does not match the body: set the same HMAC secret in Grafana's contact point and in Firebreak"))
			return
		}
		events, err = detect.DecodeGrafana(body)
	case detect.KindWebhook:
		var e detect.Event
		e, err = c.mapper.Decode(body)
		events = []detect.Event{e}
	}
	if err != nil {
		problem(w, req, err)
		return
	}
	if err := r.submit(req.Context(), c, body, events); err != nil {
		problem(w, req, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "accepted", "events": len(events)})
}

// problem answers an RFC 9457 problem naming the field at fault.
func problem(w http.ResponseWriter, req *http.Request, err error) {
	status, detail, field := classify(err)
	h := w.Header()
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		h.Set("Retry-After", strconv.Itoa(RetryAfter))
	}
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="firebreak-integrations"`)
	}
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	p := map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail, "instance": req.URL.Path}
	if field != "" {
		p["field"] = field
	}
	_ = json.NewEncoder(w).Encode(p)
}

// classify maps an ingest error to a status, a message and a field.
func classify(err error) (int, string, string) {
	switch {
	case errors.Is(err, ErrOverloaded):
		return http.StatusTooManyRequests, "Firebreak is receiving more events than it can write right now; nothing of this request was kept, send it again after the Retry-After delay", ""
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "this integration is over its rate limit; nothing of this request was kept, send it again after the Retry-After delay", ""
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, "the body is larger than " + strconv.Itoa(detect.MaxPayload/1024) + " KiB", ""
	}
	e := apperr.As(err)
	switch e.Code {
	case apperr.CodeInvalid:
		return http.StatusBadRequest, e.Message, e.Field
	case apperr.CodeUnauthenticated:
		return http.StatusUnauthorized, e.Message, ""
	case apperr.CodeNotFound:
		return http.StatusNotFound, e.Message, ""
	case apperr.CodeUnavailable:
		return http.StatusServiceUnavailable, e.Message, ""
	}
	return http.StatusServiceUnavailable, "the event could not be stored; nothing of this request was kept, send it again", ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// took formats Opsgenie's "took" field: seconds spent.
func took(start time.Time) float64 { return float64(time.Since(start).Microseconds()) / 1e6 }
