package jira

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/firebreak-hq/firebreak/internal/forge"
)

// Event is what Firebreak reads of a Jira issue webhook.
type Event struct {
	Kind    string // webhookEvent, e.g. jira:issue_updated
	Key     string
	Project string
	State   string
	Done    bool
}

// ErrSignature is a webhook whose X-Hub-Signature is missing or wrong.
var ErrSignature = errors.New("jira webhook signature missing or wrong")

// ReadWebhook authenticates a Jira admin webhook (X-Hub-Signature:
// sha256=<hex HMAC-SHA256 of the body with the webhook's secret>) and
// decodes the issue's status.
func ReadWebhook(r *http.Request, secret string) (Event, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 5<<20))
	if err != nil {
		return Event{}, err
	}
	h := http.Header{"X-Hub-Signature-256": {r.Header.Get("X-Hub-Signature")}}
	if !forge.SignatureValid(h, body, secret) {
		return Event{}, ErrSignature
	}
	return ParseEvent(body)
}

// ParseEvent decodes a jira:issue_* webhook body.
func ParseEvent(body []byte) (Event, error) {
	var p struct {
		WebhookEvent string `json:"webhookEvent"`
		Issue        struct {
			Key    string `json:"key"`
			Fields struct {
				Status  status `json:"status"`
				Project struct {
					Key string `json:"key"`
				} `json:"project"`
			} `json:"fields"`
		} `json:"issue"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return Event{}, err
	}
	return Event{Kind: p.WebhookEvent, Key: p.Issue.Key, Project: p.Issue.Fields.Project.Key,
		State: p.Issue.Fields.Status.Name, Done: p.Issue.Fields.Status.StatusCategory.Key == "done"}, nil
}
