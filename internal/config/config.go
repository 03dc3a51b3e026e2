// Package config loads the settings of a Firebreak installation.
//
// Settings come in layers, each overriding the one before: built-in
// defaults, a YAML file, FIREBREAK_* environment variables, and values set
// explicitly on the command line. A key that Firebreak does not know is an
// error in every layer, so that a typo never silently leaves a default in
// place. docs/configuration.md lists every key.
package config

import (
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Config is every setting of a Firebreak installation.
type Config struct {
	Listen          string        `koanf:"listen"`           // default "127.0.0.1:8080"
	DataDir         string        `koanf:"data_dir"`         // default "./firebreak-data"
	DatabaseURL     string        `koanf:"database_url"`     // default "" = SQLite file <data_dir>/firebreak.db; "postgres://..." = PostgreSQL
	BaseURL         string        `koanf:"base_url"`         // public URL used in links; default "http://" + Listen
	Log             LogConfig     `koanf:"log"`              // logging
	Severities      []Severity    `koanf:"severities"`       // default SEV1..SEV4
	Webhooks        WebhookConfig `koanf:"webhooks"`         // outgoing webhooks
	ShutdownTimeout time.Duration `koanf:"shutdown_timeout"` // default 15s
	SMTP            SMTPConfig    `koanf:"smtp"`             // outgoing email (status-page subscribers, reminders); unset host: no email
	StatusListen    string        `koanf:"status_listen"`    // optional second listener serving only the public status pages, e.g. ":8081"
	Detect          DetectConfig  `koanf:"detect"`           // alert triage and routing
	Chat            ChatConfig    `koanf:"chat"`             // Slack, incident channels and call links
	Postmortem      ImproveConfig `koanf:"postmortem"`       // the Improve stage: postmortem process rules
	Notifications   NotifyConfig  `koanf:"notifications"`    // personal notifications: the SMS provider

	// Publishing is git review, trackers for action items (publishing.go).
	Publishing PublishingConfig `koanf:"publishing"`
}

// DetectConfig sets how alerts are triaged and routed.
type DetectConfig struct {
	// DismissReasons are the reasons a responder picks from when dismissing
	// a triage item; noisy-alert statistics count by them.
	DismissReasons []string `koanf:"dismiss_reasons"`
	// RoutingRules are evaluated before the rules kept in the database
	// (API/UI), in order; the first that matches decides.
	RoutingRules []RoutingRule `koanf:"routing_rules"`
}

// RoutingRule is a routing rule written in the configuration file.
type RoutingRule struct {
	Name     string `koanf:"name"`
	When     string `koanf:"when"`     // CEL over labels, severity, source, title, integration, kind, service
	Service  string `koanf:"service"`  // a service's name; empty: keep the integration's service
	Action   string `koanf:"action"`   // declare, triage or suppress
	Severity string `koanf:"severity"` // declare only: the incident severity; empty: from the alert
}

// SMTPConfig is the mail server Firebreak sends email through.
type SMTPConfig struct {
	Host     string `koanf:"host"`     // "smtp.example.com" or "smtp.example.com:2525"; default port 587 (465 with tls, 25 with none)
	Username string `koanf:"username"` // empty: no authentication
	Password string `koanf:"password"`
	From     string `koanf:"from"` // e.g. "Acme Status <status@acme.example>"
	TLS      string `koanf:"tls"`  // starttls (default), tls, opportunistic, none
}

// LogConfig sets how the server logs.
type LogConfig struct {
	Level  string `koanf:"level"`  // debug|info|warn|error, default info
	Format string `koanf:"format"` // json|text, default json
}

// Severity is one level of incident severity, most severe first in Config.Severities.
type Severity struct {
	Name        string `koanf:"name"`
	Description string `koanf:"description"`
}

// WebhookConfig lists outgoing webhooks that receive every incident timeline event.
type WebhookConfig struct {
	IncidentEvents []Webhook `koanf:"incident_events"`
}

// Webhook is one outgoing webhook endpoint.
type Webhook struct {
	URL    string `koanf:"url"`
	Secret string `koanf:"secret"` // HMAC-SHA256 signing key; the signature goes in header X-Firebreak-Signature
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	c := defaults()
	c.BaseURL = defaultBaseURL(c.Listen)
	return c
}

// defaults is Default without the settings derived from others (base_url),
// which Load fills in only after every layer is merged.
func defaults() Config {
	return Config{
		Listen:      "127.0.0.1:8080",
		DataDir:     "./firebreak-data",
		DatabaseURL: "",
		Log:         LogConfig{Level: "info", Format: "json"},
		Severities: []Severity{
			{Name: "SEV1", Description: "Critical: a core service is down or data is at risk for many customers"},
			{Name: "SEV2", Description: "Major: a core feature is unavailable or badly degraded for many customers"},
			{Name: "SEV3", Description: "Minor: a feature is degraded or a few customers are affected"},
			{Name: "SEV4", Description: "Low: cosmetic or internal impact; no customer-facing disruption"},
		},
		ShutdownTimeout: 15 * time.Second,
		Detect: DetectConfig{
			DismissReasons: []string{"false positive", "duplicate", "known issue", "no customer impact", "maintenance", "test"},
		},
	}
}

// SQLitePath is the SQLite database file used when DatabaseURL is empty.
func (c Config) SQLitePath() string {
	return filepath.Join(c.DataDir, "firebreak.db")
}

// IsPostgres reports whether the store is PostgreSQL (DatabaseURL is a
// postgres:// or postgresql:// URL) rather than the SQLite file.
func (c Config) IsPostgres() bool {
	if c.DatabaseURL == "" {
		return false
	}
	u, err := url.Parse(c.DatabaseURL)
	if err != nil {
		return false
	}
	return isPostgresScheme(u.Scheme)
}

func isPostgresScheme(scheme string) bool {
	s := strings.ToLower(scheme)
	return s == "postgres" || s == "postgresql"
}
