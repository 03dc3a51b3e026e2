package detect

import (
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// pdEvent is a PagerDuty Events API v2 event.
type pdEvent struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"`
	DedupKey    string     `json:"dedup_key"`
	Payload     *pdPayload `json:"payload"`
	Client      string     `json:"client"`
	ClientURL   string     `json:"client_url"`
	Links       []struct {
		Href string `json:"href"`
		Text string `json:"text"`
	} `json:"links"`
	Images []struct {
		Src  string `json:"src"`
		Href string `json:"href"`
		Alt  string `json:"alt"`
	} `json:"images"`
}

type pdPayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     string         `json:"timestamp"`
	Component     string         `json:"component"`
	Group         string         `json:"group"`
	Class         string         `json:"class"`
	CustomDetails map[string]any `json:"custom_details"`
}

// PagerDutyEvent is a decoded Events API v2 event and the routing key it
// was sent with (the integration key, when posted to /v2/enqueue).
type PagerDutyEvent struct {
	RoutingKey string
	Event      Event
}

// PagerDutyErrors is the list of problems PagerDuty's API answers a 400
// with; Message of the returned error joins them.
type PagerDutyErrors []string

// DecodePagerDuty reads one Events API v2 event, checking it the way
// PagerDuty documents: event_action is trigger, acknowledge or resolve; a
// trigger needs payload.summary, payload.source and payload.severity
// (critical, error, warning or info); acknowledge and resolve need a
// dedup_key. A trigger without a dedup_key gets newKey(), which the
// response returns so the sender can resolve it later.
func DecodePagerDuty(body []byte, newKey func() string) (PagerDutyEvent, error) {
	var p pdEvent
	if err := decodeBody(body, &p); err != nil {
		return PagerDutyEvent{}, err
	}
	var act Action
	switch p.EventAction {
	case "trigger":
		act = Trigger
	case "acknowledge":
		act = Acknowledge
	case "resolve":
		act = Resolve
	default:
		return PagerDutyEvent{}, apperr.Invalid("event_action", "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')")
	}
	if strings.TrimSpace(p.RoutingKey) == "" {
		return PagerDutyEvent{}, apperr.Invalid("routing_key", "'routing_key' is missing or blank")
	}
	if len(p.DedupKey) > maxDedupKey {
		return PagerDutyEvent{}, apperr.Invalid("dedup_key", "'dedup_key' is longer than %d characters", maxDedupKey)
	}
	ev := Event{DedupKey: p.DedupKey, Action: act, Labels: map[string]string{}}
	if act != Trigger {
		if p.DedupKey == "" {
			return PagerDutyEvent{}, apperr.Invalid("dedup_key", "'dedup_key' is required to %s an alert", p.EventAction)
		}
		ev.finish()
		return PagerDutyEvent{RoutingKey: p.RoutingKey, Event: ev}, nil
	}
	pl := p.Payload
	if pl == nil {
		return PagerDutyEvent{}, apperr.Invalid("payload", "'payload' is missing: a trigger needs payload.summary, payload.source and payload.severity")
	}
	switch {
	case strings.TrimSpace(pl.Summary) == "":
		return PagerDutyEvent{}, apperr.Invalid("payload.summary", "'payload.summary' is missing or blank")
	case len(pl.Summary) > maxTitle:
		return PagerDutyEvent{}, apperr.Invalid("payload.summary", "'payload.summary' is longer than %d characters", maxTitle)
	case strings.TrimSpace(pl.Source) == "":
		return PagerDutyEvent{}, apperr.Invalid("payload.source", "'payload.source' is missing or blank")
	}
	switch pl.Severity {
	case SevCritical, SevError, SevWarning, SevInfo:
	default:
		return PagerDutyEvent{}, apperr.Invalid("payload.severity", "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')")
	}
	if pl.Timestamp != "" {
		t, ok := parsePDTime(pl.Timestamp)
		if !ok {
			return PagerDutyEvent{}, apperr.Invalid("payload.timestamp", "'payload.timestamp' is not an ISO 8601 time: %q", pl.Timestamp)
		}
		ev.At = t
	}
	if ev.DedupKey == "" {
		ev.DedupKey = newKey()
	}
	ev.Title, ev.Source, ev.Severity = pl.Summary, pl.Source, pl.Severity
	ev.GroupKey = firstOf(pl.Group, pl.Component, p.DedupKey, ev.DedupKey)
	for k, v := range map[string]string{"source": pl.Source, "component": pl.Component, "group": pl.Group, "class": pl.Class} {
		if v != "" {
			ev.Labels[k] = v
		}
	}
	for k, v := range pl.CustomDetails {
		if s, ok := v.(string); ok && len(ev.Labels) < maxLabels {
			ev.Labels["custom_details."+k] = s
		}
	}
	for _, l := range p.Links {
		ev.Links = appendLink(ev.Links, firstOf(l.Text, l.Href), l.Href)
	}
	for _, im := range p.Images {
		ev.Links = appendLink(ev.Links, firstOf(im.Alt, "Image"), firstOf(im.Href, im.Src))
	}
	ev.Links = appendLink(ev.Links, firstOf(p.Client, "Client"), p.ClientURL)
	ev.finish()
	return PagerDutyEvent{RoutingKey: p.RoutingKey, Event: ev}, nil
}

// parsePDTime reads the ISO 8601 forms PagerDuty's examples use, including
// offsets without a colon ("2015-07-17T08:42:58.315+0000").
func parsePDTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
