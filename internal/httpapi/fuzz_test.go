package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/httpapi"
)

// seeds are request bodies for the fuzz tests: valid ones, and each kind
// of mistake a client makes.
var seeds = []string{
	`{"title": "Checkout fails"}`,
	`{"title": "x", "severity": "SEV1", "stage": "detect", "services": [], "labels": {"a": "b"}}`,
	`{"title": "x", "blast_radius": {"text": "12 tickets", "counts": [{"kind": "support_tickets", "count": 12}]}}`,
	`{"title": "x", "detected_at": "2024-05-01T12:00:00Z", "take_incident_manager": true}`,
	`{"titel": "x"}`,
	`{"title": 5}`,
	`{"title": "x",}`,
	`{"title": "x"`,
	`{"title": "x"} {}`,
	`[]`,
	`null`,
	`"x"`,
	``,
	`{"blast_radius": {"counts": [{"count": 1e400}]}}`,
	`{"detected_at": "2024-13-45T99:00:00Z"}`,
	`{"labels": {"a": 1}}`,
	"{\"title\": \"\xff\xfe\"}",
	`{"title": "\ud800"}`,
	`{"TITLE": "case"}`,
	`{"title": "a", "title": "b"}`,
	strings.Repeat("[", 10000),
}

var contentTypes = []string{"application/json", "", "text/plain", "application/json; charset=utf-8", "application/problem+json", "application/json; =bad"}

// FuzzDecodeDeclare: the strict decoder never panics, and every body yields
// either a valid input (which survives a round trip through JSON) or a 4xx
// problem with a message.
func FuzzDecodeDeclare(f *testing.F) {
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i%len(contentTypes)))
	}
	f.Fuzz(func(t *testing.T, body []byte, ct uint8) {
		contentType := contentTypes[int(ct)%len(contentTypes)]
		in, rec := httpapi.DecodeDeclare(body, contentType)
		if rec == nil {
			// Accepted: the input says the same when encoded and decoded again.
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatalf("accepted input does not encode: %v", err)
			}
			again, rec2 := httpapi.DecodeDeclare(b, "application/json")
			if rec2 != nil {
				t.Fatalf("re-encoded input %s refused: %s", b, rec2.Body)
			}
			if !reflect.DeepEqual(normalize(t, in), normalize(t, again)) {
				t.Fatalf("round trip changed the input: %+v → %+v", in, again)
			}
			return
		}
		checkProblem(t, rec.Code, rec.Header(), rec.Body.Bytes())
	})
}

// normalize compares inputs by their JSON form (times lose monotonic clocks).
func normalize(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func checkProblem(t *testing.T, status int, h http.Header, body []byte) {
	t.Helper()
	if status < 400 || status > 499 {
		t.Fatalf("status %d, want a 4xx: %s", status, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Type   string `json:"type"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem %s: %v", body, err)
	}
	if p.Status != status || p.Title == "" || p.Detail == "" || p.Type == "" {
		t.Fatalf("incomplete problem %s", body)
	}
}

// FuzzDeclareAPI sends arbitrary bodies to POST /api/v1/incidents on the
// real stack: the answer is 201 or a 4xx problem, never a 5xx.
func FuzzDeclareAPI(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	e := newEnv(f, "sqlite")
	f.Fuzz(func(t *testing.T, body []byte) {
		got := e.do(t, req{method: "POST", path: "/api/v1/incidents", token: e.ann.token, body: body})
		if got.status == http.StatusCreated {
			var inc incidentJSON
			if err := json.Unmarshal(got.body, &inc); err != nil || inc.Ref == "" || strings.TrimSpace(inc.Title) == "" {
				t.Fatalf("created %s (%v)", got.body, err)
			}
			return
		}
		checkProblem(t, got.status, got.header, got.body)
		if bytes.Contains(got.body, []byte("internal error")) {
			t.Fatalf("internal error for %q", body)
		}
	})
}
