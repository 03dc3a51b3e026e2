// Package detect is the Detect stage: it turns what monitoring tools send
// (Alertmanager, Grafana, PagerDuty Events v2, Opsgenie, a generic JSON
// webhook mapped with CEL, heartbeats) into alert events with a dedup key,
// routes them to a service and an action, and holds the rules of the triage
// queue, where a First Responder declares an incident or dismisses the item.
// It is pure: decoders take bytes, rules take time as an argument, and
// storage and HTTP live in other packages.
package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Action is what an event asks for its alert.
type Action string

// The actions of an event, as PagerDuty names them.
const (
	Trigger     Action = "trigger"
	Acknowledge Action = "acknowledge"
	Resolve     Action = "resolve"
)

// Severities of alerts, PagerDuty's four, most severe first. Every sender's
// levels map onto these.
const (
	SevCritical = "critical"
	SevError    = "error"
	SevWarning  = "warning"
	SevInfo     = "info"
)

// Severities lists the alert severities, most severe first.
var Severities = []string{SevCritical, SevError, SevWarning, SevInfo}

// AlertLink is a URL that came with an alert (runbook, dashboard, source).
type AlertLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Event is one alert event decoded from a sender: a trigger, an
// acknowledgement or a resolution of the alert named by DedupKey.
type Event struct {
	DedupKey    string            `json:"dedup_key"`
	Action      Action            `json:"action"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Severity    string            `json:"severity"` // one of Severities
	Source      string            `json:"source"`
	GroupKey    string            `json:"group_key"` // alerts with the same group key (within a service) form one alert group
	Labels      map[string]string `json:"labels"`
	Links       []AlertLink       `json:"links"`
	At          time.Time         `json:"at"` // when the sender says it happened; zero: when received
}

// Limits on what an event may carry, so one sender cannot fill the database.
const (
	MaxPayload  = 512 << 10 // bytes of one request body, as PagerDuty allows
	maxTitle    = 1024
	maxDedupKey = 255
	maxLabels   = 64
)

// LabelsKey is the dedup key of an alert that names none: a hash of its
// sorted labels, so the same label set is the same alert whatever the
// order the sender wrote them in. Summaries never take part: their text
// often carries values that change with every evaluation.
func LabelsKey(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(labels[k]))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// normalizeSeverity maps the levels senders use onto Severities; unknown
// or empty levels become warning (someone should look, nothing is burning
// as far as we know).
func normalizeSeverity(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical", "crit", "page", "p1", "sev1", "fatal", "emergency", "alert", "disaster":
		return SevCritical
	case "error", "err", "high", "major", "p2", "sev2":
		return SevError
	case "warning", "warn", "medium", "minor", "p3", "sev3", "average":
		return SevWarning
	case "info", "information", "informational", "low", "none", "notice", "ok", "p4", "p5", "sev4", "debug":
		return SevInfo
	}
	return SevWarning
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// finish applies the rules every decoder shares: limits, a severity from
// the scale, labels never nil.
func (e *Event) finish() {
	e.Title = truncate(strings.TrimSpace(e.Title), maxTitle)
	e.Severity = normalizeSeverity(e.Severity)
	if e.Labels == nil {
		e.Labels = map[string]string{}
	}
	if e.GroupKey == "" {
		e.GroupKey = e.DedupKey
	}
	e.GroupKey = truncate(e.GroupKey, maxDedupKey)
	e.At = e.At.UTC()
}
