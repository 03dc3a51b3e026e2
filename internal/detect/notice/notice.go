// Package notice tells a service's owner team about a new triage item with
// a signed JSON webhook, until the on-call capability replaces it with
// paging. Email is not used: Firebreak has no mail sender yet.
package notice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/notify/webhook"
)

// Hooks finds the hook of the team that owns a service.
type Hooks interface {
	TriageHook(ctx context.Context, serviceID int64) (url, secret string, err error)
}

// Sender posts triage notices.
type Sender struct {
	hooks   Hooks
	client  *http.Client
	baseURL string
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

// NotifyTriage posts the item to the owner team's hook. A service without
// an owner team, or a team without a hook, is not an error: there is no
// one to tell, and the item waits in the queue.
func (s *Sender) NotifyTriage(ctx context.Context, item detect.Item) error {
	url, secret, err := s.hooks.TriageHook(ctx, item.ServiceID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	body, err := json.Marshal(Payload{Kind: "triage.new", Item: item, URL: s.baseURL + "/triage/" + strconv.FormatInt(item.ID, 10),
		About: fmt.Sprintf("New alert group in triage for %s: %s (%d alerts, %s)", item.Service, item.Title, item.AlertCount, item.Severity)})
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
