package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// GatewayConfig describes a generic SMS gateway: an HTTP request whose URL
// and body are templates with the placeholders {to} (the E.164 number) and
// {message} (the text); other braces are literal. Values are
// escaped for where they stand: query-escaped in the URL, JSON-string
// escaped in a JSON body (put the quotes in the template), form-escaped in
// a form body.
type GatewayConfig struct {
	URL         string            // e.g. https://sms.example/send?to={to}
	Method      string            // default POST
	Body        string            // default {"to": "{to}", "message": "{message}"}
	ContentType string            // default application/json
	Headers     map[string]string // e.g. Authorization
	Client      *http.Client
}

// Gateway sends texts through a generic HTTP gateway.
type Gateway struct {
	cfg       GatewayConfig
	url, body Template
}

var _ Provider = (*Gateway)(nil)

// DefaultGatewayBody is the body sent when none is configured.
const DefaultGatewayBody = `{"to": "{to}", "message": "{message}"}`

// NewGateway parses cfg's templates and returns the provider.
func NewGateway(cfg GatewayConfig) (*Gateway, error) {
	if cfg.Method == "" {
		cfg.Method = http.MethodPost
	}
	if cfg.Body == "" && cfg.Method != http.MethodGet {
		cfg.Body = DefaultGatewayBody
	}
	if cfg.ContentType == "" {
		cfg.ContentType = "application/json"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 15 * time.Second}
	}
	ut, err := ParseTemplate(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("sms: gateway url: %w", err)
	}
	probe, _ := ut.Render(func(string) string { return "x" })
	if u, err := url.Parse(probe); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("sms: gateway url %q is not an http(s) URL", cfg.URL)
	}
	bt, err := ParseTemplate(cfg.Body)
	if err != nil {
		return nil, fmt.Errorf("sms: gateway body: %w", err)
	}
	for k, v := range cfg.Headers {
		if strings.ContainsAny(k+v, "\r\n") {
			return nil, fmt.Errorf("sms: gateway header %s has a line break", k)
		}
	}
	return &Gateway{cfg: cfg, url: ut, body: bt}, nil
}

// SendSMS sends one request. 2xx is success; 4xx (but 408 and 429) is a
// permanent refusal. A gateway reports no receipts.
func (g *Gateway) SendSMS(ctx context.Context, to, text string, _ int64) error {
	vals := map[string]string{"to": to, "message": text}
	u, _ := g.url.Render(func(name string) string { return url.QueryEscape(vals[name]) })
	body, _ := g.body.Render(func(name string) string { return escapeFor(g.cfg.ContentType, vals[name]) })
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, g.cfg.Method, u, rd)
	if err != nil {
		return notification.Permanent(fmt.Errorf("sms gateway: %w", err))
	}
	if rd != nil {
		req.Header.Set("Content-Type", g.cfg.ContentType)
	}
	for k, v := range g.cfg.Headers {
		req.Header.Set(k, v)
	}
	resp, err := g.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("sms gateway: %s: %s", resp.Status, strings.TrimSpace(string(snippet)))
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		return notification.Permanent(err)
	}
	return err
}

func escapeFor(contentType, v string) string {
	switch {
	case strings.Contains(contentType, "json"):
		b, _ := json.Marshal(v)
		return string(b[1 : len(b)-1])
	case strings.Contains(contentType, "x-www-form-urlencoded"):
		return url.QueryEscape(v)
	}
	return v
}

// Template is a parsed gateway template: literal text and placeholders.
type Template struct {
	parts []part
}

type part struct {
	lit  string
	name string // a placeholder when set
}

// Placeholders are the names a gateway template may use.
var Placeholders = []string{"to", "message"}

// ParseTemplate parses "text {to} more {message}". A brace followed by a
// lower-case name and a closing brace is a placeholder and must be one of
// Placeholders (so a typo such as {phone} is caught when the node starts);
// every other brace is literal, so JSON bodies need no escaping.
func ParseTemplate(s string) (Template, error) {
	var (
		t   Template
		lit strings.Builder
	)
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			lit.WriteByte(s[i])
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] == '_') {
			j++
		}
		if j == i+1 || j >= len(s) || s[j] != '}' {
			lit.WriteByte('{')
			continue
		}
		name := s[i+1 : j]
		if !slices.Contains(Placeholders, name) {
			return Template{}, fmt.Errorf("unknown placeholder {%s} (use {to} or {message})", name)
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, part{name: name})
		i = j
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, part{lit: lit.String()})
	}
	return t, nil
}

// Render fills the placeholders with value(name).
func (t Template) Render(value func(name string) string) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.name != "" {
			b.WriteString(value(p.name))
			continue
		}
		b.WriteString(p.lit)
	}
	return b.String(), nil
}
