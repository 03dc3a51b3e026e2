// Package push delivers personal notifications to a webhook contact method:
// one JSON POST per message to the URL the person gave. The same request
// suits a plain JSON receiver and an ntfy topic URL (https://ntfy.sh/topic):
// the JSON body carries ntfy's field names (title, message, priority, tags,
// actions, click) beside Firebreak's own, and the ntfy headers (X-Title,
// X-Priority, X-Tags, X-Actions, X-Click, with X-Template so ntfy takes the
// title and message from the JSON body, ntfy ≥ 2.10) make ntfy show a
// proper push notification instead of the raw JSON.
package push

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// Sender posts messages to webhook contact methods.
type Sender struct {
	client *http.Client
}

var _ notification.Sender = (*Sender)(nil)

// New returns a Sender using client (nil: a client with a 10 s timeout).
func New(client *http.Client) *Sender {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Sender{client: client}
}

// Action is an ntfy "view" action button: open URL.
type Action struct {
	Action string `json:"action"` // always "view"
	Label  string `json:"label"`
	URL    string `json:"url"`
	Clear  bool   `json:"clear"`
}

// Payload is the JSON body of a push. The first fields are ntfy's publish
// fields; the rest are Firebreak's.
type Payload struct {
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	Priority int      `json:"priority"` // ntfy: 5 urgent (high), 3 default (low)
	Tags     []string `json:"tags"`
	Actions  []Action `json:"actions"`
	Click    string   `json:"click,omitempty"`

	Key     string `json:"key"` // idempotency key: the same for every attempt of a delivery
	Urgency string `json:"urgency"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	PageID  int64  `json:"page_id,omitempty"`
}

// Build makes the payload of a message.
func Build(m notification.Rendered) Payload {
	p := Payload{Title: m.Subject, Message: m.Body, Priority: 3, Tags: []string{"firebreak"}, Actions: []Action{},
		Key: m.Key, Urgency: string(m.Urgency), Subject: m.Subject, Body: m.Body, PageID: m.PageID}
	if p.Message == "" {
		p.Message = m.Subject
	}
	if m.Urgency == notification.High {
		p.Priority = 5
		p.Tags = append(p.Tags, "rotating_light")
	}
	for _, a := range m.Actions {
		p.Actions = append(p.Actions, Action{Action: "view", Label: a.Label, URL: a.URL, Clear: true})
	}
	if len(m.Actions) > 0 {
		p.Click = m.Actions[0].URL
	}
	return p
}

// Send posts the message. A 4xx answer (but 408 and 429) is permanent: the
// URL or the topic is wrong; others are retried.
func (s *Sender) Send(ctx context.Context, to notification.Target, m notification.Rendered) error {
	p := Build(m)
	body, err := json.Marshal(p)
	if err != nil {
		return notification.Permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to.Address, bytes.NewReader(body))
	if err != nil {
		return notification.Permanent(fmt.Errorf("push: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Firebreak")
	req.Header.Set("X-Firebreak-Key", headerSafe(m.Key))
	// ntfy: take title and message from the JSON body by template, so
	// nothing of the message is read as a template or needs header escaping.
	req.Header.Set("X-Template", "yes")
	req.Header.Set("X-Title", "{{.title}}")
	req.Header.Set("X-Message", "{{.message}}")
	req.Header.Set("X-Priority", fmt.Sprint(p.Priority))
	req.Header.Set("X-Tags", strings.Join(p.Tags, ","))
	if h := actionsHeader(p.Actions); h != "" {
		req.Header.Set("X-Actions", h)
	}
	if p.Click != "" {
		req.Header.Set("X-Click", headerSafe(p.Click))
	}
	resp, err := s.client.Do(req)
	if errors.Is(err, ErrInternalAddress) {
		return notification.Permanent(fmt.Errorf("push to %s: %w", notification.MaskAddress(notification.Webhook, to.Address), ErrInternalAddress))
	}
	if err != nil {
		return fmt.Errorf("push to %s: %w", notification.MaskAddress(notification.Webhook, to.Address), err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("push to %s: %s: %s", notification.MaskAddress(notification.Webhook, to.Address), resp.Status, strings.TrimSpace(string(snippet)))
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		return notification.Permanent(err)
	}
	return err
}

// actionsHeader writes ntfy's short action format:
// "view, Label, URL, clear=true; view, …". Labels lose the characters the
// format and HTTP headers cannot carry.
func actionsHeader(as []Action) string {
	var parts []string
	for _, a := range as {
		label := strings.Map(func(r rune) rune {
			if r == ',' || r == ';' || r == '"' || r < 0x20 || r > 0x7e {
				return -1
			}
			return r
		}, a.Label)
		if label == "" || strings.ContainsAny(a.URL, ",; \r\n") {
			continue
		}
		parts = append(parts, "view, "+label+", "+a.URL+", clear=true")
	}
	return strings.Join(parts, "; ")
}

// headerSafe drops what may not appear in an HTTP header value.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return -1
		}
		return r
	}, s)
}
