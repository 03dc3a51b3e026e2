package detect

import (
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

func TestRoutingFirstMatchWins(t *testing.T) {
	router, err := NewRouter([]Rule{
		{Name: "maintenance", Condition: `labels["maintenance"] == "true"`, Action: RouteSuppress},
		{Name: "payments critical", Condition: `severity == "critical" && labels["team"] == "payments"`, ServiceID: 7, Action: RouteDeclare, Severity: "SEV1"},
		{Name: "all payments", Condition: `labels["team"] == "payments"`, ServiceID: 7, Action: RouteTriage},
	})
	if err != nil {
		t.Fatal(err)
	}
	in := &Integration{Name: "prom", Kind: KindAlertmanager, ServiceID: 1, Service: "shop"}
	cases := []struct {
		name     string
		ev       Event
		service  int64
		route    Route
		severity string
	}{
		{"no rule matches: default triage on the integration's service", Event{Severity: SevWarning, Labels: map[string]string{}}, 1, RouteTriage, ""},
		{"a rule missing a label does not match", Event{Severity: SevCritical, Labels: map[string]string{"x": "y"}}, 1, RouteTriage, ""},
		{"maintenance is suppressed even when critical", Event{Severity: SevCritical, Labels: map[string]string{"maintenance": "true", "team": "payments"}}, 1, RouteSuppress, ""},
		{"critical payments alert is declared at SEV1", Event{Severity: SevCritical, Labels: map[string]string{"team": "payments"}}, 7, RouteDeclare, "SEV1"},
		{"other payments alerts go to payments' triage", Event{Severity: SevInfo, Labels: map[string]string{"team": "payments"}}, 7, RouteTriage, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := router.Route(c.ev, in)
			if r.ServiceID != c.service || r.Route != c.route || r.IncidentSeverity != c.severity {
				t.Errorf("got service %d route %s severity %q", r.ServiceID, r.Route, r.IncidentSeverity)
			}
		})
	}
}

func TestRoutingRulesAreValidated(t *testing.T) {
	cases := []struct {
		name  string
		rule  Rule
		field string
	}{
		{"no name", Rule{Condition: "true", Action: RouteTriage}, "rules[0].name"},
		{"unknown action", Rule{Name: "x", Condition: "true", Action: "page"}, "rules[0].action"},
		{"syntax error", Rule{Name: "x", Condition: "labels[", Action: RouteTriage}, "rules[0].condition"},
		{"not a boolean", Rule{Name: "x", Condition: "severity", Action: RouteTriage}, "rules[0].condition"},
		{"unknown variable", Rule{Name: "x", Condition: "foo == 1", Action: RouteTriage}, "rules[0].condition"},
		{"severity on a triage rule", Rule{Name: "x", Condition: "true", Action: RouteTriage, Severity: "SEV1"}, "rules[0].severity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewRouter([]Rule{c.rule})
			if e := apperr.As(err); e == nil || e.Field != c.field {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
}

func TestTriageDecisions(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	responder := access.Actor{UserID: 3, Level: access.Responder}
	viewer := access.Actor{UserID: 4, Level: access.Viewer}
	pending := func() *Group { return &Group{ID: 1, Triage: TriagePending} }

	t.Run("a responder may dismiss with a listed reason and a note", func(t *testing.T) {
		g := pending()
		if err := g.Dismiss(responder, "False Positive", " flapping probe ", DefaultDismissReasons, now); err != nil {
			t.Fatal(err)
		}
		if g.Triage != TriageDismissed || g.DismissReason != "false positive" || g.DismissNote != "flapping probe" || g.DecidedBy != 3 || !g.DecidedAt.Equal(now) {
			t.Errorf("%+v", g)
		}
	})
	t.Run("a reason outside the list is refused", func(t *testing.T) {
		if err := pending().Dismiss(responder, "bored", "", DefaultDismissReasons, now); !apperr.Is(err, apperr.CodeInvalid) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a viewer may not work the queue", func(t *testing.T) {
		if err := pending().Dismiss(viewer, "duplicate", "", DefaultDismissReasons, now); !apperr.Is(err, apperr.CodeForbidden) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a decided item cannot be decided again", func(t *testing.T) {
		g := pending()
		g.Link(responder, 12, TriageDeclared, now)
		if err := g.Dismiss(responder, "duplicate", "", DefaultDismissReasons, now); !apperr.Is(err, apperr.CodeConflict) {
			t.Errorf("got %v", err)
		}
		if g.IncidentNumber != 12 {
			t.Errorf("%+v", g)
		}
	})
	t.Run("suppressed routes open suppressed groups", func(t *testing.T) {
		g := NewGroup(Routed{Route: RouteSuppress}, now)
		if g.Triage != TriageSuppressed || g.CanDecide(responder) == nil {
			t.Errorf("%+v", g)
		}
	})
}

func TestIncidentSeverity(t *testing.T) {
	scale := []string{"SEV1", "SEV2", "SEV3"}
	for alert, want := range map[string]string{SevCritical: "SEV1", SevError: "SEV2", SevWarning: "SEV3", SevInfo: "SEV3", "odd": "SEV3"} {
		if got := IncidentSeverity(alert, scale); got != want {
			t.Errorf("%s → %s, want %s", alert, got, want)
		}
	}
}

func TestHeartbeat(t *testing.T) {
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := &Integration{Name: "cron", HeartbeatMinutes: 10, CreatedAt: created}
	if in.HeartbeatMissed(created.Add(10 * time.Minute)) {
		t.Error("missed at exactly the interval")
	}
	if !in.HeartbeatMissed(created.Add(11 * time.Minute)) {
		t.Error("not missed after the interval")
	}
	seen := created.Add(30 * time.Minute)
	in.LastSeenAt = &seen
	if in.HeartbeatMissed(created.Add(35 * time.Minute)) {
		t.Error("missed right after a ping")
	}
	e := in.HeartbeatEvent(Trigger, seen)
	checkEvent(t, e)
}
