package statuspage

import (
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// SubscriberKind says how a subscriber is reached.
type SubscriberKind string

// The kinds of subscribers and internal channels.
const (
	ByEmail   SubscriberKind = "email"
	ByWebhook SubscriberKind = "webhook"
)

// Subscriber receives every published update of a page (or of the
// components chosen) once confirmed. Email subscribers confirm by the link
// sent to them (double opt-in); webhook subscribers are added by admins and
// are confirmed at once.
type Subscriber struct {
	ID          int64          `json:"id"`
	PageID      int64          `json:"page_id"`
	Kind        SubscriberKind `json:"kind"`
	Address     string         `json:"address"`    // an email address or an https URL
	Components  []int64        `json:"components"` // empty: every component
	Secret      string         `json:"-"`          // webhook signing key
	ConfirmedAt *time.Time     `json:"confirmed_at,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
}

// Wants reports whether an update affecting components should reach s.
func (s Subscriber) Wants(affected []Affected) bool {
	if len(s.Components) == 0 || len(affected) == 0 {
		return true
	}
	for _, a := range affected {
		for _, id := range s.Components {
			if id == a.ComponentID {
				return true
			}
		}
	}
	return false
}

// Delivery is the state of one update sent to one subscriber.
type Delivery struct {
	ID           int64     `json:"id"`
	UpdateID     int64     `json:"update_id"`
	SubscriberID int64     `json:"subscriber_id"`
	Address      string    `json:"address"` // filled in when listed
	State        string    `json:"state"`   // pending, sent, failed (retrying), gave_up
	Attempts     int       `json:"attempts"`
	LastError    string    `json:"last_error,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Channel is an internal stakeholder channel: an email list or a webhook.
type Channel struct {
	ID        int64          `json:"id"`
	Kind      SubscriberKind `json:"kind"`
	Address   string         `json:"address"`
	Name      string         `json:"name"`
	Secret    string         `json:"-"`
	CreatedAt time.Time      `json:"created_at"`
}

// StakeholderUpdate is an internal update about an incident, sent to the channels.
type StakeholderUpdate struct {
	ID             int64     `json:"id"`
	IncidentNumber int64     `json:"incident_number"`
	Body           string    `json:"body"`
	ActorName      string    `json:"actor_name"`
	CreatedAt      time.Time `json:"created_at"`
}

// CheckAddress validates an email address or webhook URL and returns it cleaned.
func CheckAddress(kind SubscriberKind, address string) (string, error) {
	address = strings.TrimSpace(address)
	switch kind {
	case ByEmail:
		a, err := mail.ParseAddress(address)
		if err != nil || a.Name != "" || len(address) > 254 {
			return "", apperr.Invalid("address", "%q is not an email address", address)
		}
		return strings.ToLower(a.Address), nil
	case ByWebhook:
		u, err := url.Parse(address)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(address) > 2000 {
			return "", apperr.Invalid("address", "%q is not an http(s) URL", address)
		}
		return u.String(), nil
	}
	return "", apperr.Invalid("kind", "must be email or webhook, not %q", kind)
}
