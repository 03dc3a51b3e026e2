package requestid

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMiddleware(t *testing.T) {
	var inner string
	h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { inner = From(r.Context()) }))
	cases := []struct {
		name, sent string
		keep       bool
	}{
		{"client id kept", "abc-123", true},
		{"missing id made", "", false},
		{"unsafe id replaced", "a b\nInjected: 1", false},
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", "/", nil)
		if c.sent != "" {
			req.Header.Set(Header, c.sent)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(Header)
		if got == "" || got != inner || (c.keep && got != c.sent) || (!c.keep && got == c.sent) {
			t.Errorf("%s: header %q, context %q", c.name, got, inner)
		}
	}
	// Nested middleware keeps the outer id.
	outer := ""
	nested := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		outer = From(r.Context())
		h.ServeHTTP(w, r)
	}))
	nested.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if outer == "" || inner != outer {
		t.Fatalf("nested ids differ: %q %q", outer, inner)
	}
}
