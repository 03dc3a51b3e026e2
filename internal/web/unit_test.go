package web

import (
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

func TestSessionCookieNameAndSecureFlag(t *testing.T) {
	for _, c := range []struct {
		base   string
		name   string
		secure bool
	}{
		{"https://firebreak.example.com", "__Host-firebreak_session", true},
		{"http://127.0.0.1:8080", "__Host-firebreak_session", true},
		{"http://localhost:8080", "__Host-firebreak_session", true},
		{"http://[::1]:8080", "__Host-firebreak_session", true},
		{"http://firebreak.internal:8080", "firebreak_session", false},
		{"http://10.0.0.5", "firebreak_session", false},
		{"", "firebreak_session", false},
	} {
		got := cookieFor(c.base)
		if got.name != c.name || got.secure != c.secure {
			t.Errorf("cookieFor(%q) = %+v, want %s secure=%v", c.base, got, c.name, c.secure)
		}
	}
}

func TestSafeNextStaysOnSite(t *testing.T) {
	for in, want := range map[string]string{
		"/incidents/INC-4": "/incidents/INC-4", "/?stage=fix": "/?stage=fix", "": "/",
		"//evil.example": "/", `/\evil.example`: "/", "https://evil.example": "/", "/a\r\nSet-Cookie: x": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0s", 45 * time.Second: "45s", 12 * time.Minute: "12m",
		3*time.Hour + 5*time.Minute: "3h 05m", 52 * time.Hour: "2d 4h",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestParseCountsAndLabels(t *testing.T) {
	counts, err := parseCounts("support_tickets: 12\n\n3 failed payments\n")
	if err != nil || len(counts) != 2 || counts[0] != (incident.Count{Kind: "support_tickets", Count: 12}) || counts[1] != (incident.Count{Kind: "failed_payments", Count: 3}) {
		t.Fatalf("parseCounts = %v, %v", counts, err)
	}
	if _, err := parseCounts("lots of tickets"); err == nil {
		t.Fatalf("parseCounts accepted a line without a number")
	}
	labels, err := parseLabels("region = eu\nteam=payments")
	if err != nil || labels["region"] != "eu" || labels["team"] != "payments" {
		t.Fatalf("parseLabels = %v, %v", labels, err)
	}
	if _, err := parseLabels("no equals sign"); err == nil {
		t.Fatalf("parseLabels accepted a line without =")
	}
}

func TestDescribeEventsInWords(t *testing.T) {
	users := map[int64]auth.User{1: {ID: 1, Name: "Alice"}, 2: {ID: 2, Name: "Bob"}}
	ev := func(kind incident.EventKind, before, after map[string]any) incident.Event {
		return incident.Event{Seq: 2, ActorID: 1, ActorName: "Alice", Kind: kind, Before: before, After: after}
	}
	for _, c := range []struct {
		e    incident.Event
		want string
	}{
		{ev(incident.EventStageChanged, map[string]any{"stage": "fix"}, map[string]any{"stage": "resolved"}), "Alice moved the incident from Fix to Resolved"},
		{ev(incident.EventStageChanged, map[string]any{"stage": "resolved"}, map[string]any{"stage": "fix", "reopened": true}), "Alice reopened the incident (Resolved → Fix)"},
		{ev(incident.EventRoleAssigned, nil, map[string]any{"role": "domain_expert", "user_id": float64(2), "user_name": "Bob"}), "Alice appointed Bob as Domain Expert"},
		{ev(incident.EventRoleAssigned, nil, map[string]any{"role": "incident_manager", "user_id": int64(1)}), "Alice took the Incident Manager role"},
		{ev(incident.EventRoleAssigned, map[string]any{"role": "incident_manager", "user_id": float64(1)}, map[string]any{"role": "incident_manager", "user_id": float64(2), "user_name": "Bob"}), "Alice appointed Bob as Incident Manager, taking over from Alice"},
		{ev(incident.EventRoleRemoved, map[string]any{"role": "domain_expert", "user_id": float64(2)}, nil), "Alice removed Bob from the Domain Expert role"},
		{ev(incident.EventRoleRemoved, map[string]any{"role": "incident_manager", "user_id": float64(1)}, nil), "Alice stepped down as Incident Manager"},
		{ev(incident.EventFieldChanged, map[string]any{"severity": "SEV3"}, map[string]any{"severity": "SEV1"}), "Alice changed the severity from SEV3 to SEV1"},
		{ev(incident.EventFieldChanged, map[string]any{"services": []any{}}, map[string]any{"services": []any{"api", "db"}}), "Alice set the affected services to api, db"},
	} {
		if got := describe(c.e, users, nil).Text; got != c.want {
			t.Errorf("%s: got %q, want %q", c.e.Kind, got, c.want)
		}
	}
}
