// Package notice tells a service's owner team about a new triage item, with
// a signed JSON webhook (when the team has one) and an email to each member
// (when email is configured), until the on-call capability replaces it
// with paging.
package notice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/notify/webhook"
)

// Hooks finds the hook of the team that owns a service.
type Hooks interface {
	TriageHook(ctx context.Context, serviceID int64) (url, secret string, err error)
}

// Mailer sends one email; the notify/email Sender is one.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string, header map[string]string) error
}

// Recipients finds the addresses of the members of the team that owns a service.
type Recipients interface {
	OwnerTeamEmails(ctx context.Context, serviceID int64) ([]string, error)
}

// Sender posts triage notices.
type Sender struct {
	hooks   Hooks
	client  *http.Client
	baseURL string
	mail    Mailer
	people  Recipients
}

// WithEmail makes the sender also email the owner team's members.
func (s *Sender) WithEmail(m Mailer, people Recipients) *Sender {
	s.mail, s.people = m, people
	return s
}

var _ detect.Notifier = (*Sender)(nil)

// New returns a sender; baseURL makes the link to the item absolute.
func New(hooks Hooks, client *http.Client, baseURL string) *Sender {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Sender{hooks: hooks, client: client, baseURL: baseURL}
}

// Payload is the body of a triage notice.
type Payload struct {
	Kind  string      `json:"kind"` // "triage.new"
	Item  detect.Item `json:"item"`
	URL   string      `json:"url"`
	About string      `json:"about"`
}

// NotifyTriage posts the item to the owner team's hook and emails its
// members. A service without an owner team, or a team without a hook or
// members, is not an error: there is no one to tell, and the item waits in
// the queue. A failure fails the job, which is retried as a whole
// (receivers deduplicate on X-Firebreak-Delivery; an email may repeat).
func (s *Sender) NotifyTriage(ctx context.Context, item detect.Item) error {
	link := s.baseURL + "/triage/" + strconv.FormatInt(item.ID, 10)
	about := fmt.Sprintf("New alert group in triage for %s: %s (%d alerts, %s)", item.Service, item.Title, item.AlertCount, item.Severity)
	if err := s.post(ctx, item, link, about); err != nil {
		return err
	}
	return s.email(ctx, item, link, about)
}

func (s *Sender) email(ctx context.Context, item detect.Item, link, about string) error {
	if s.mail == nil || s.people == nil {
		return nil
	}
	to, err := s.people.OwnerTeamEmails(ctx, item.ServiceID)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s.\n\nDeclare an incident, merge it into one, or dismiss it:\n%s\n\nAlerts:\n", about, link)
	for _, a := range item.Alerts {
		fmt.Fprintf(&b, "- [%s] %s (%s)\n", a.Severity, a.Title, a.Status)
	}
	for _, addr := range to {
		if err := s.mail.Send(ctx, addr, "[Firebreak] Triage: "+item.Title, b.String(), map[string]string{"X-Firebreak-Delivery": "triage/" + strconv.FormatInt(item.ID, 10)}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sender) post(ctx context.Context, item detect.Item, link, about string) error {
	url, secret, err := s.hooks.TriageHook(ctx, item.ServiceID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	body, err := json.Marshal(Payload{Kind: "triage.new", Item: item, URL: link, About: about})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Firebreak-Webhook/1")
	req.Header.Set("X-Firebreak-Event", "triage.new")
	req.Header.Set("X-Firebreak-Delivery", "triage/"+strconv.FormatInt(item.ID, 10))
	if secret != "" {
		req.Header.Set("X-Firebreak-Signature", webhook.Sign(secret, body))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("triage notice to %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("triage notice to %s answered %s", url, resp.Status)
	}
	return nil
}
