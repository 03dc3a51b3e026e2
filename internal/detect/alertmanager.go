package detect

import (
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// amPayload is Prometheus Alertmanager's webhook body, version 4.
type amPayload struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []amAlert         `json:"alerts"`
	// Grafana's additions (same shape otherwise).
	OrgID   *int64 `json:"orgId"`
	Title   string `json:"title"`
	State   string `json:"state"`
	Message string `json:"message"`
}

type amAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
	// Grafana's additions.
	SilenceURL   string `json:"silenceURL"`
	DashboardURL string `json:"dashboardURL"`
	PanelURL     string `json:"panelURL"`
}

// DecodeAlertmanager reads an Alertmanager webhook (payload version 4).
// Each alert becomes one event whose dedup key is its fingerprint (or a
// hash of its labels when an older Alertmanager sends none).
func DecodeAlertmanager(body []byte) ([]Event, error) {
	var p amPayload
	if err := decodeBody(body, &p); err != nil {
		return nil, err
	}
	if p.Version != "4" {
		return nil, apperr.Invalid("version", "this endpoint reads Alertmanager webhook payload version 4, not %q", p.Version)
	}
	return p.events("alertmanager")
}

func (p *amPayload) events(source string) ([]Event, error) {
	if len(p.Alerts) == 0 {
		return nil, apperr.Invalid("alerts", "alerts is empty: a webhook carries at least one alert")
	}
	out := make([]Event, 0, len(p.Alerts))
	for i, a := range p.Alerts {
		field := "alerts[" + strconv.Itoa(i) + "]"
		if len(a.Labels) == 0 {
			return nil, apperr.Invalid(field+".labels", "%s.labels is empty: an alert is named by its labels", field)
		}
		if len(a.Labels) > maxLabels {
			return nil, apperr.Invalid(field+".labels", "%s has %d labels; at most %d are accepted", field, len(a.Labels), maxLabels)
		}
		var act Action
		switch a.Status {
		case "firing":
			act = Trigger
		case "resolved":
			act = Resolve
		default:
			return nil, apperr.Invalid(field+".status", "%s.status must be firing or resolved, not %q", field, a.Status)
		}
		key := strings.TrimSpace(a.Fingerprint)
		if key == "" {
			key = LabelsKey(a.Labels)
		}
		if len(key) > maxDedupKey {
			return nil, apperr.Invalid(field+".fingerprint", "%s.fingerprint is longer than %d characters", field, maxDedupKey)
		}
		title := firstOf(a.Annotations["summary"], a.Annotations["title"], a.Labels["alertname"], key)
		if name := a.Labels["alertname"]; name != "" && title != name {
			title = name + ": " + title
		}
		ev := Event{
			DedupKey:    key,
			Action:      act,
			Title:       title,
			Description: firstOf(a.Annotations["description"], a.Annotations["message"], p.Message),
			Severity:    firstOf(a.Labels["severity"], a.Labels["priority"]),
			Source:      firstOf(a.Labels["instance"], a.Labels["job"], p.ExternalURL, source),
			GroupKey:    firstOf(p.GroupKey, a.Labels["alertname"]),
			Labels:      a.Labels,
			At:          a.StartsAt,
		}
		if act == Resolve && !a.EndsAt.IsZero() {
			ev.At = a.EndsAt
		}
		ev.Links = appendLink(ev.Links, "Source", a.GeneratorURL)
		ev.Links = appendLink(ev.Links, "Runbook", a.Annotations["runbook_url"])
		ev.Links = appendLink(ev.Links, "Dashboard", a.DashboardURL)
		ev.Links = appendLink(ev.Links, "Panel", a.PanelURL)
		ev.Links = appendLink(ev.Links, "Silence", a.SilenceURL)
		ev.finish()
		out = append(out, ev)
	}
	return out, nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// appendLink keeps only http(s) links, so a sender cannot plant a
// javascript: URL that the UI would render as a link.
func appendLink(links []AlertLink, text, url string) []AlertLink {
	url = strings.TrimSpace(url)
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return links
	}
	return append(links, AlertLink{Text: text, URL: url})
}
