// Package client is a small typed client of Firebreak's JSON API
// (/api/v1), used by the command-line tool. Every method returns decoded
// values; a refusal by the server is a *Problem carrying the server's
// RFC 9457 problem details.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// UserAgent is sent with every request so the server's access log can tell
// the CLI from browsers and scripts.
const UserAgent = "firebreak-cli"

// maxBody bounds how much of a response is read, so a misdirected URL
// serving a large file cannot exhaust memory.
const maxBody = 32 << 20

// Client talks to one Firebreak server with one API token.
type Client struct {
	base  *url.URL
	token string
	hc    *http.Client
	raw   *json.RawMessage // when set, receives the body of every successful response
}

// New returns a client of the server at baseURL (e.g. https://firebreak.example.com)
// that authenticates with token ("" for none: only login works then). A nil
// hc means a client with a 30-second timeout.
func New(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(baseURL), "/"))
	if err != nil {
		u = &url.URL{Path: baseURL} // the request fails later with a clear message
	}
	return &Client{base: u, token: token, hc: hc}
}

// BaseURL is the server address the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// WithRaw returns a copy of c that stores the body of each successful
// response in dst, so callers can print the API's JSON verbatim.
func (c *Client) WithRaw(dst *json.RawMessage) *Client {
	cc := *c
	cc.raw = dst
	return &cc
}

// Problem is an error answered by the server as RFC 9457 problem details.
type Problem struct {
	Type   string `json:"type,omitempty"`
	Title  string `json:"title,omitempty"`
	Status int    `json:"status,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Field names the input at fault, for validation errors.
	Field string `json:"field,omitempty"`
	// Current is the current state of the resource, for a refused stale write.
	Current json.RawMessage `json:"current,omitempty"`
}

// Error is the server's message for people.
func (p *Problem) Error() string {
	switch {
	case p.Detail != "":
		return p.Detail
	case p.Title != "":
		return p.Title
	case p.Status != 0:
		return fmt.Sprintf("the server answered %d %s", p.Status, http.StatusText(p.Status))
	}
	return "the server refused the request"
}

// Stale reports whether the write was refused because the resource changed
// since the version the caller sent.
func (p *Problem) Stale() bool {
	return p.Status == http.StatusPreconditionFailed || strings.HasSuffix(p.Type, ":stale")
}

// IsStatus reports whether err is a Problem with HTTP status code.
func IsStatus(err error, code int) bool {
	var p *Problem
	return errors.As(err, &p) && p.Status == code
}

// request is one API call.
type request struct {
	method string
	path   string // below the base URL and escaped, e.g. /api/v1/incidents/INC-4
	query  url.Values
	body   any // marshalled as JSON when not nil
	header http.Header
}

// do sends r and decodes a successful JSON response into out (unless nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	if c.base.Scheme != "http" && c.base.Scheme != "https" || c.base.Host == "" {
		return fmt.Errorf("%q is not a server address like https://firebreak.example.com", c.base.String())
	}
	target := c.base.String() + r.path // r.path is escaped already
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return err
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("User-Agent", UserAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is said below; do not repeat it
		}
		return fmt.Errorf("cannot reach %s: %w", c.base.String(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("read the answer of %s %s: %w", r.method, r.path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return problemOf(resp, data)
	}
	if c.raw != nil {
		*c.raw = append(json.RawMessage(nil), data...)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if !isJSON(resp.Header.Get("Content-Type")) {
		return fmt.Errorf("%s %s answered %s, not JSON: is %s a Firebreak server?",
			r.method, r.path, resp.Header.Get("Content-Type"), c.base.String())
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode the answer of %s %s: %w", r.method, r.path, err)
	}
	return nil
}

// problemOf turns an error response into a *Problem, also when the server
// (or a proxy in front of it) did not answer with problem JSON.
func problemOf(resp *http.Response, data []byte) *Problem {
	p := &Problem{}
	if isJSON(resp.Header.Get("Content-Type")) {
		_ = json.Unmarshal(data, p) // a body that is not a problem still yields the status below
	}
	if p.Status == 0 {
		p.Status = resp.StatusCode
	}
	if p.Detail == "" && p.Title == "" {
		text := strings.TrimSpace(string(data))
		if isJSON(resp.Header.Get("Content-Type")) || len(text) > 200 || strings.ContainsAny(text, "<\n") {
			text = "" // HTML error pages and JSON without a message say nothing useful
		}
		if text != "" {
			p.Detail = text
		} else {
			p.Detail = fmt.Sprintf("the server answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
		}
	}
	return p
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// decodeList reads a list answered either as a bare JSON array or as an
// object holding the array under key.
func decodeList(data json.RawMessage, key string, out any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil
	}
	if data[0] == '[' {
		return json.Unmarshal(data, out)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	if v, ok := obj[key]; ok {
		return json.Unmarshal(v, out)
	}
	return fmt.Errorf("the answer holds no %q list", key)
}

// getList GETs path and decodes its list (see decodeList).
func (c *Client) getList(ctx context.Context, path string, query url.Values, key string, out any) error {
	var raw json.RawMessage
	if err := c.do(ctx, request{method: http.MethodGet, path: path, query: query}, &raw); err != nil {
		return err
	}
	if err := decodeList(raw, key, out); err != nil {
		return fmt.Errorf("decode the answer of GET %s: %w", path, err)
	}
	return nil
}

// ifMatch is the precondition header naming the version the caller read.
func ifMatch(version int64) http.Header {
	if version == 0 {
		return nil
	}
	return http.Header{"If-Match": {fmt.Sprintf("%q", fmt.Sprint(version))}}
}

// pathID formats an id for a URL path.
func pathID(id int64) string { return fmt.Sprint(id) }
