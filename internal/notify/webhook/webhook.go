// Package webhook delivers incident timeline events to outgoing webhooks:
// a JSON POST per event, signed with HMAC-SHA256 when a secret is set, so
// other systems can follow incidents without polling.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Target is one receiver of incident events.
type Target struct {
	URL    string
	Secret string // empty: the request is not signed
}

// Source reads what a delivery sends; the store satisfies it.
type Source interface {
	Get(ctx context.Context, number int64) (*incident.Incident, error)
	TimelineEvent(ctx context.Context, number, seq int64) (incident.Event, error)
}

// Deliverer is the worker of incident.EventJob.
type Deliverer struct {
	targets []Target
	source  Source
	client  *http.Client
}

// New returns a deliverer for targets.
func New(targets []Target, source Source, client *http.Client) *Deliverer {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Deliverer{targets: targets, source: source, client: client}
}

// Payload is the body of a delivery.
type Payload struct {
	Event    incident.Event     `json:"event"`
	Incident *incident.Incident `json:"incident"`
	Ref      string             `json:"ref"`
}

// Deliver sends the event to every target. Any failure makes the job fail
// and be retried as a whole; receivers deduplicate on X-Firebreak-Delivery,
// which is the same for every attempt.
func (d *Deliverer) Deliver(ctx context.Context, job incident.EventJob, attempt int) error {
	if len(d.targets) == 0 {
		return nil
	}
	ev, err := d.source.TimelineEvent(ctx, job.Number, job.Seq)
	if err != nil {
		return err
	}
	inc, err := d.source.Get(ctx, job.Number)
	if err != nil {
		return err
	}
	body, err := json.Marshal(Payload{Event: ev, Incident: inc, Ref: inc.Ref()})
	if err != nil {
		return err
	}
	delivery := fmt.Sprintf("%s/%d", inc.Ref(), ev.Seq)
	for _, t := range d.targets {
		if err := d.post(ctx, t, body, string(ev.Kind), delivery); err != nil {
			return err
		}
	}
	return nil
}

func (d *Deliverer) post(ctx context.Context, t Target, body []byte, kind, delivery string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Firebreak-Webhook/1")
	req.Header.Set("X-Firebreak-Event", kind)
	req.Header.Set("X-Firebreak-Delivery", delivery)
	if t.Secret != "" {
		req.Header.Set("X-Firebreak-Signature", Sign(t.Secret, body))
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", t.URL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook %s answered %s", t.URL, resp.Status)
	}
	return nil
}

// Sign returns the signature header value of body: "sha256=" + hex HMAC.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is the right one for body (for receivers and tests).
func Verify(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}
