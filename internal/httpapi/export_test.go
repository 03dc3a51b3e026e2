package httpapi

import (
	"bytes"
	"log/slog"
	"net/http/httptest"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// DecodeDeclare runs the strict request decoder on body sent with
// contentType ("" for none) as the body of POST /api/v1/incidents. It
// returns the decoded input, or the problem answer the API would give.
func DecodeDeclare(body []byte, contentType string) (incident.DeclareInput, *httptest.ResponseRecorder) {
	r := httptest.NewRequest("POST", "/api/v1/incidents", bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	in, err := decodeJSON[incident.DeclareInput](rec, r)
	if err != nil {
		(&server{log: slog.New(slog.DiscardHandler)}).fail(rec, r, err)
		return in, rec
	}
	return in, nil
}
