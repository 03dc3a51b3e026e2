package detect

import (
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// ogCreate is the body of Opsgenie's Create Alert request (POST /v2/alerts);
// responders, visibleTo, actions and user are accepted and ignored.
type ogCreate struct {
	Message     string            `json:"message"`
	Alias       string            `json:"alias"`
	Description string            `json:"description"`
	Tags        []string          `json:"tags"`
	Details     map[string]string `json:"details"`
	Entity      string            `json:"entity"`
	Source      string            `json:"source"`
	Priority    string            `json:"priority"`
	User        string            `json:"user"`
	Note        string            `json:"note"`
}

// ogAction is the body of close and acknowledge requests; all optional.
type ogAction struct {
	User   string `json:"user"`
	Source string `json:"source"`
	Note   string `json:"note"`
}

// DecodeOpsgenieCreate reads a Create Alert request with Opsgenie's limits
// (message up to 130 characters, alias up to 512, description up to 15,000).
// Its dedup key is the alias; an alert without one is new every time, as
// in Opsgenie, so newKey() names it.
func DecodeOpsgenieCreate(body []byte, newKey func() string) (Event, error) {
	var c ogCreate
	if err := decodeBody(body, &c); err != nil {
		return Event{}, err
	}
	switch {
	case strings.TrimSpace(c.Message) == "":
		return Event{}, apperr.Invalid("message", "message is required")
	case len([]rune(c.Message)) > 130:
		return Event{}, apperr.Invalid("message", "message is longer than 130 characters")
	case len(c.Alias) > 512:
		return Event{}, apperr.Invalid("alias", "alias is longer than 512 characters")
	case len(c.Description) > 15000:
		return Event{}, apperr.Invalid("description", "description is longer than 15000 characters")
	case len(c.Tags) > 20:
		return Event{}, apperr.Invalid("tags", "at most 20 tags are accepted")
	case len(c.Details) > maxLabels:
		return Event{}, apperr.Invalid("details", "at most %d details are accepted", maxLabels)
	}
	sev := SevWarning
	switch c.Priority {
	case "P1":
		sev = SevCritical
	case "P2":
		sev = SevError
	case "", "P3":
	case "P4", "P5":
		sev = SevInfo
	default:
		return Event{}, apperr.Invalid("priority", "priority must be one of P1, P2, P3, P4, P5, not %q", c.Priority)
	}
	key := c.Alias
	if key == "" {
		key = newKey()
	}
	if len(key) > maxDedupKey {
		key = "alias:" + LabelsKey(map[string]string{"alias": key})
	}
	ev := Event{DedupKey: key, Action: Trigger, Title: c.Message, Description: c.Description, Severity: sev,
		Source: firstOf(c.Source, c.Entity, "opsgenie"), GroupKey: firstOf(c.Entity, key), Labels: map[string]string{}}
	for k, v := range c.Details {
		ev.Labels[k] = v
	}
	if c.Entity != "" {
		ev.Labels["entity"] = c.Entity
	}
	if len(c.Tags) > 0 {
		ev.Labels["tags"] = strings.Join(c.Tags, ",")
	}
	ev.finish()
	return ev, nil
}

// DecodeOpsgenieAction reads a close or acknowledge request for the alert
// with the given alias. Opsgenie lets callers name alerts by id, tiny id or
// alias; Firebreak has only aliases, so identifierType must be alias.
func DecodeOpsgenieAction(body []byte, alias, identifierType string, act Action) (Event, error) {
	if identifierType != "alias" {
		return Event{}, apperr.Invalid("identifierType", "identifierType must be alias: Firebreak finds Opsgenie alerts by alias only")
	}
	if alias == "" || len(alias) > 512 {
		return Event{}, apperr.Invalid("identifier", "the alert alias must have 1 to 512 characters")
	}
	var a ogAction
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := decodeBody(body, &a); err != nil {
			return Event{}, err
		}
	}
	key := alias
	if len(key) > maxDedupKey {
		key = "alias:" + LabelsKey(map[string]string{"alias": key})
	}
	ev := Event{DedupKey: key, Action: act, Source: a.Source, Description: a.Note}
	ev.finish()
	return ev, nil
}
