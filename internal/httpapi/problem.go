package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// problemTypePrefix starts the type URI of every problem; the rest is the
// apperr code (or an HTTP-level code such as "unsupported_media_type"), so
// clients can switch on it without parsing titles.
const problemTypePrefix = "urn:firebreak:problem:"

// Problem is an RFC 9457 problem detail, the body of every error answer.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance,omitempty"`
	Field     string `json:"field,omitempty"`      // for invalid input: the field at fault
	Current   any    `json:"current,omitempty"`    // for stale writes: the current state
	RequestID string `json:"request_id,omitempty"` // quote it when reporting a problem
}

// httpError is a refusal that belongs to HTTP rather than to the domain
// (wrong content type, body too large, rate limited, unknown route).
type httpError struct {
	status int
	code   string
	detail string
	header http.Header
}

func (e *httpError) Error() string { return e.detail }

func newHTTPError(status int, code, format string, args ...any) *httpError {
	return &httpError{status: status, code: code, detail: fmt.Sprintf(format, args...)}
}

// statusOf is the one mapping from apperr codes to HTTP statuses.
//
// Invalid input is always 400, whether the JSON is malformed or a rule of the
// domain refuses it (an unknown severity, a stage transition the process does
// not allow); we do not use 422.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.CodeInvalid:
		return http.StatusBadRequest
	case apperr.CodeNotFound:
		return http.StatusNotFound
	case apperr.CodeConflict:
		return http.StatusConflict
	case apperr.CodeStale:
		return http.StatusPreconditionFailed
	case apperr.CodeForbidden:
		return http.StatusForbidden
	case apperr.CodeUnauthenticated:
		return http.StatusUnauthorized
	case apperr.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

var titles = map[apperr.Code]string{
	apperr.CodeInvalid:         "Invalid input",
	apperr.CodeNotFound:        "Not found",
	apperr.CodeConflict:        "Conflict",
	apperr.CodeStale:           "Changed by someone else",
	apperr.CodeForbidden:       "Not allowed",
	apperr.CodeUnauthenticated: "Sign in first",
	apperr.CodeUnavailable:     "Temporarily unavailable",
	apperr.CodeInternal:        "Internal error",
}

// retryAfterSeconds is what 503 answers tell clients to wait.
const retryAfterSeconds = "5"

// fail answers err as a problem. Unknown errors become a 500 "internal
// error" for the client and are logged with the request id for the operator.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := Problem{Instance: r.URL.Path, RequestID: requestID(r.Context())}
	h := w.Header()

	var he *httpError
	switch {
	case errors.As(err, &he):
		p.Type, p.Status, p.Detail = problemTypePrefix+he.code, he.status, he.detail
		p.Title = http.StatusText(he.status)
		for k, v := range he.header {
			h[k] = v
		}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// The request ran out of time or the client went away mid-request.
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "api request interrupted",
			slog.String("request_id", p.RequestID), slog.String("path", r.URL.Path), slog.Any("err", err))
		p.Type, p.Title, p.Status = problemTypePrefix+string(apperr.CodeUnavailable), titles[apperr.CodeUnavailable], http.StatusServiceUnavailable
		p.Detail = "the request took too long; try again"
		h.Set("Retry-After", retryAfterSeconds)
	default:
		e := apperr.As(err)
		p.Type, p.Title, p.Status = problemTypePrefix+string(e.Code), titles[e.Code], statusOf(e.Code)
		p.Detail, p.Field = detailOf(e), e.Field
		switch e.Code {
		case apperr.CodeInternal:
			cause := err
			if c := e.Unwrap(); c != nil {
				cause = c
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "api internal error",
				slog.String("request_id", p.RequestID), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.String("err", cause.Error()))
			p.Title, p.Detail, p.Field = titles[apperr.CodeInternal], "internal error", ""
		case apperr.CodeStale:
			if inc, ok := e.Current.(*incident.Incident); ok && inc != nil {
				p.Current = s.viewIncident(r.Context(), inc)
				h.Set("ETag", etag(inc.Version))
			} else {
				p.Current = e.Current
			}
		case apperr.CodeUnavailable:
			h.Set("Retry-After", retryAfterSeconds)
		case apperr.CodeUnauthenticated:
			h.Set("WWW-Authenticate", `Bearer realm="firebreak"`)
		}
	}
	if p.Status == http.StatusUnauthorized && h.Get("WWW-Authenticate") == "" {
		h.Set("WWW-Authenticate", `Bearer realm="firebreak"`)
	}
	writeProblem(w, p)
}

// detailOf is the message of e for people; it names the field when the
// message does not already.
func detailOf(e *apperr.Error) string {
	if e.Field == "" || strings.Contains(e.Message, strconv.Quote(e.Field)) {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func writeProblem(w http.ResponseWriter, p Problem) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(p.Status)
	_ = jsonEncoder(w).Encode(p)
}
