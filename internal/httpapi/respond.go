package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

// writeJSON answers v as JSON with status. Once the status is sent there
// is nothing left to report to the client, so a failed write (the client
// went away) is not returned as an error.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	if err := jsonEncoder(&buf).Encode(v); err != nil {
		return apperr.Internal(err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// etag is the entity tag of a versioned resource: the version in quotes.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatchVersion reads the version a write is based on from If-Match
// ("3", W/"3" or *) and from the body's version field; either may be absent,
// and when both are present they must agree. Zero means "do not check".
func ifMatchVersion(r *http.Request, body *int64) (int64, error) {
	var header int64
	if h := strings.TrimSpace(r.Header.Get("If-Match")); h != "" && h != "*" {
		v := strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, apperr.Invalid("If-Match", `the If-Match header must be the ETag you read, such as "3"`)
		}
		header = n
	}
	if body == nil {
		return header, nil
	}
	if *body <= 0 {
		return 0, apperr.Invalid("version", "must be the positive version you read (the ETag of the incident)")
	}
	if header != 0 && header != *body {
		return 0, apperr.Invalid("version", "the If-Match header says version %d but the body says %d; send one", header, *body)
	}
	return *body, nil
}

// pathID parses a numeric path parameter.
func pathID(r *http.Request, name, what string) (int64, error) {
	v := r.PathValue(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, &apperr.Error{Code: apperr.CodeNotFound, Message: "there is no " + what + " " + strconv.Quote(v) + "; " + what + " ids are positive numbers"}
	}
	return n, nil
}

// checkQuery refuses query parameters the route does not know, so a typo
// ("stauts=fix") does not silently return everything.
func checkQuery(r *http.Request, known ...string) error {
	q, err := parseQuery(r)
	if err != nil {
		return err
	}
	for k := range q {
		found := false
		for _, n := range known {
			if k == n {
				found = true
			}
		}
		if !found {
			if len(known) == 0 {
				return apperr.Invalid(k, "unknown query parameter %q; this endpoint takes none", k)
			}
			return apperr.Invalid(k, "unknown query parameter %q; use %s", k, strings.Join(known, ", "))
		}
	}
	return nil
}

func parseQuery(r *http.Request) (map[string][]string, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, apperr.Invalid("", "the query string is malformed: %v", err)
	}
	return q, nil
}

// invalidRequired reports a missing required field.
func invalidRequired(field, what string) error {
	return apperr.Invalid(field, "is required: %s", what)
}
