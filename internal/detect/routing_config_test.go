package detect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
)

// The configuration file's rules are tried before the stored ones, and
// within each list in order; the first match decides.
func TestConfigRulesComeBeforeStoredRules(t *testing.T) {
	config, err := CheckConfigRules([]Rule{
		{Name: "staging is quiet", Condition: `labels["env"] == "staging"`, Action: RouteSuppress},
		{Name: "db pages", Condition: `labels["team"] == "db" && severity == "critical"`, Service: "Database", Action: RouteDeclare, Severity: "sev1"},
	}, map[string]int64{"database": 9}, []string{"SEV1", "SEV2"})
	if err != nil {
		t.Fatal(err)
	}
	if config[1].ServiceID != 9 || config[1].Severity != "SEV1" || config[0].Source != RuleSourceConfig {
		t.Fatalf("checked config rules %+v", config)
	}
	stored := []Rule{
		{Name: "everything critical declares", Condition: `severity == "critical"`, Action: RouteDeclare, Severity: "SEV2"},
		{Name: "db to db triage", Condition: `labels["team"] == "db"`, ServiceID: 4, Action: RouteTriage},
	}
	in := &Integration{Name: "prom", Kind: KindAlertmanager, ServiceID: 1, Service: "shop"}
	cases := []struct {
		name     string
		config   []Rule
		ev       Event
		service  int64
		route    Route
		severity string
	}{
		{"config suppress beats a stored declare", config, Event{Severity: SevCritical, Labels: map[string]string{"env": "staging"}}, 1, RouteSuppress, ""},
		{"second config rule beats the stored ones", config, Event{Severity: SevCritical, Labels: map[string]string{"team": "db"}}, 9, RouteDeclare, "SEV1"},
		{"no config rule matches: the stored ones decide", config, Event{Severity: SevCritical, Labels: map[string]string{"team": "web"}}, 1, RouteDeclare, "SEV2"},
		{"stored rules keep their own order", config, Event{Severity: SevWarning, Labels: map[string]string{"team": "db"}}, 4, RouteTriage, ""},
		{"nothing matches: triage on the integration's service", config, Event{Severity: SevInfo, Labels: map[string]string{}}, 1, RouteTriage, ""},
		{"without config rules the stored ones decide", nil, Event{Severity: SevCritical, Labels: map[string]string{"env": "staging"}}, 1, RouteDeclare, "SEV2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			router, err := NewRouter(Ordered(c.config, stored))
			if err != nil {
				t.Fatal(err)
			}
			r := router.Route(c.ev, in)
			if r.ServiceID != c.service || r.Route != c.route || r.IncidentSeverity != c.severity {
				t.Errorf("got service %d route %s severity %q", r.ServiceID, r.Route, r.IncidentSeverity)
			}
		})
	}
}

func TestConfigRulesAreCheckedNamingTheRule(t *testing.T) {
	services := map[string]int64{"shop": 1}
	cases := []struct {
		name string
		rule Rule
		want string
	}{
		{"bad CEL", Rule{Name: "broken", Condition: `labels[`, Action: RouteTriage}, `detect.routing_rules[0].when: rule "broken"`},
		{"not a boolean", Rule{Name: "sev", Condition: `severity`, Action: RouteTriage}, `detect.routing_rules[0].when: rule "sev"`},
		{"unknown action", Rule{Name: "mute", Condition: `true`, Action: "mute"}, `detect.routing_rules[0].action: rule "mute"`},
		{"unknown service", Rule{Name: "ghost", Condition: `true`, Service: "ghost-svc", Action: RouteTriage}, `detect.routing_rules[0].service: rule "ghost": no service is named "ghost-svc"`},
		{"severity off the scale", Rule{Name: "loud", Condition: `true`, Action: RouteDeclare, Severity: "P0"}, `detect.routing_rules[0].severity: rule "loud": severity must be one of SEV1, SEV2`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CheckConfigRules([]Rule{c.rule}, services, []string{"SEV1", "SEV2"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestStoredRulesCannotBeConfigRules(t *testing.T) {
	s := NewService(nil, nil, []string{"SEV1"}, nil, time.Now, nil)
	ctx := access.With(context.Background(), access.System)
	_, err := s.SetRules(ctx, []Rule{{Name: "x", Condition: "true", Action: RouteTriage, Source: RuleSourceConfig}})
	if err == nil || !strings.Contains(err.Error(), "comes from the configuration file") {
		t.Fatalf("err = %v", err)
	}
}
