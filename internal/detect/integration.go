package detect

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Kind is the sender format an integration speaks.
type Kind string

// The integration kinds.
const (
	KindAlertmanager Kind = "alertmanager"
	KindGrafana      Kind = "grafana"
	KindPagerDuty    Kind = "pagerduty"
	KindOpsgenie     Kind = "opsgenie"
	KindWebhook      Kind = "webhook" // generic JSON mapped with CEL
	KindHeartbeat    Kind = "heartbeat"
)

// Kinds lists every integration kind.
var Kinds = []Kind{KindAlertmanager, KindGrafana, KindPagerDuty, KindOpsgenie, KindWebhook, KindHeartbeat}

// Integration is one configured sender: its events belong to a service, and
// it authenticates with its own key (stored only as a hash).
type Integration struct {
	ID               int64             `json:"id"`
	Name             string            `json:"name"`
	Kind             Kind              `json:"kind"`
	ServiceID        int64             `json:"service_id"`
	Service          string            `json:"service"` // the service's name, filled on read
	KeyHint          string            `json:"key_hint"`
	Config           IntegrationConfig `json:"config"`
	HeartbeatMinutes int               `json:"heartbeat_minutes,omitempty"` // expect a ping at least this often (0: no heartbeat)
	LastSeenAt       *time.Time        `json:"last_seen_at,omitempty"`
	CreatedAt        time.Time         `json:"created_at"`
}

// IntegrationConfig holds the per-kind settings of an integration.
type IntegrationConfig struct {
	Mapping       *Mapping `json:"mapping,omitempty"`         // webhook: how the payload maps to an alert
	GrafanaSecret string   `json:"grafana_secret,omitempty"`  // grafana: HMAC secret; empty: no signature required
	RatePerSecond float64  `json:"rate_per_second,omitempty"` // per-key rate limit; 0: the server default
}

// NewKey returns a fresh integration key: 32 hex characters, the length
// PagerDuty's integration keys have, so clients that check it accept ours.
func NewKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// HashKey is what is stored of a key: its SHA-256, so a database leak does
// not hand out working keys.
func HashKey(key string) string {
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:])
}

// Validate checks a new integration and compiles its mapping.
func (in *Integration) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 100 {
		return apperr.Invalid("name", "name must have 1 to 100 characters")
	}
	known := false
	for _, k := range Kinds {
		known = known || in.Kind == k
	}
	if !known {
		return apperr.Invalid("kind", "kind must be one of alertmanager, grafana, pagerduty, opsgenie, webhook, heartbeat, not %q", in.Kind)
	}
	if in.ServiceID <= 0 {
		return apperr.Invalid("service", "an integration belongs to a service of the catalog")
	}
	if in.Kind == KindWebhook {
		if in.Config.Mapping == nil {
			return apperr.Invalid("config.mapping", "a webhook integration needs a mapping (CEL expressions for title and dedup_key at least)")
		}
		if _, err := in.Config.Mapping.Compile(); err != nil {
			return err
		}
	} else if in.Config.Mapping != nil {
		return apperr.Invalid("config.mapping", "only webhook integrations have a mapping")
	}
	if in.Kind == KindHeartbeat && (in.HeartbeatMinutes < 1 || in.HeartbeatMinutes > 7*24*60) {
		return apperr.Invalid("heartbeat_minutes", "a heartbeat integration expects a ping every 1 to 10080 minutes")
	}
	if in.Config.RatePerSecond < 0 {
		return apperr.Invalid("config.rate_per_second", "rate_per_second cannot be negative")
	}
	return nil
}

// HeartbeatMissed reports whether a heartbeat integration is overdue at
// now: no ping for longer than its interval since the last one (or since
// it was created).
func (in *Integration) HeartbeatMissed(now time.Time) bool {
	if in.HeartbeatMinutes <= 0 {
		return false
	}
	last := in.CreatedAt
	if in.LastSeenAt != nil {
		last = *in.LastSeenAt
	}
	return now.Sub(last) > time.Duration(in.HeartbeatMinutes)*time.Minute
}

// HeartbeatEvent is the alert a missed heartbeat raises (or, with Resolve,
// clears when pings resume); its dedup key is fixed per integration, so a
// heartbeat that stays missing is one alert, not one per check.
func (in *Integration) HeartbeatEvent(act Action, now time.Time) Event {
	e := Event{
		DedupKey: "heartbeat", Action: act, Severity: SevCritical, Source: "firebreak",
		Title: "Heartbeat missed: " + in.Name,
		Description: "No ping received for more than " + strconv.Itoa(in.HeartbeatMinutes) +
			" minutes. The sender, or the path from it to Firebreak, may be down.",
		GroupKey: "heartbeat:" + in.Name,
		Labels:   map[string]string{"alertname": "HeartbeatMissed", "integration": in.Name},
		At:       now,
	}
	e.finish()
	return e
}
