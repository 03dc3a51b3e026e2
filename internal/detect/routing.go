package detect

import (
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Rule is one routing rule. Rules are evaluated in order; the first whose
// condition holds for an alert decides its service and route. An alert no
// rule matches stays with its integration's service and goes to triage.
type Rule struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Condition string `json:"condition"`            // CEL over labels, severity, source, title, integration, kind, service
	ServiceID int64  `json:"service_id,omitempty"` // 0: keep the integration's service
	Service   string `json:"service,omitempty"`    // the service's name, filled on read
	Action    Route  `json:"action"`
	Severity  string `json:"severity,omitempty"` // declare: the incident severity; empty: from the alert
	// Source is "config" for a rule from the configuration file
	// (detect.routing_rules), read-only and evaluated before the stored
	// ones; empty for a rule stored through the API or UI.
	Source string `json:"source,omitempty"`
}

// Router runs compiled rules.
type Router struct {
	rules []compiledRule
}

type compiledRule struct {
	Rule
	prg cel.Program
}

func ruleEnv() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("labels", cel.MapType(cel.StringType, cel.StringType)),
		cel.Variable("severity", cel.StringType),
		cel.Variable("source", cel.StringType),
		cel.Variable("title", cel.StringType),
		cel.Variable("integration", cel.StringType),
		cel.Variable("kind", cel.StringType),
		cel.Variable("service", cel.StringType),
	)
}

// NewRouter checks and compiles rules; an error names the rule by position.
func NewRouter(rules []Rule) (*Router, error) {
	env, err := ruleEnv()
	if err != nil {
		return nil, err
	}
	r := &Router{}
	for i, rule := range rules {
		field := "rules[" + strconv.Itoa(i) + "]"
		rule.Name = strings.TrimSpace(rule.Name)
		if rule.Name == "" {
			return nil, apperr.Invalid(field+".name", "rule %d needs a name", i+1)
		}
		switch rule.Action {
		case RouteTriage, RouteDeclare, RouteSuppress:
		default:
			return nil, apperr.Invalid(field+".action", "rule %q: action must be triage, declare or suppress, not %q", rule.Name, rule.Action)
		}
		if rule.Severity != "" && rule.Action != RouteDeclare {
			return nil, apperr.Invalid(field+".severity", "rule %q: only a declare rule sets a severity", rule.Name)
		}
		ast, iss := env.Compile(rule.Condition)
		if iss.Err() != nil {
			return nil, apperr.Invalid(field+".condition", "rule %q: %s", rule.Name, iss.Err().Error())
		}
		if !ast.OutputType().IsExactType(cel.BoolType) {
			return nil, apperr.Invalid(field+".condition", "rule %q: the condition gives %s; it must give true or false", rule.Name, ast.OutputType())
		}
		prg, err := env.Program(ast, cel.CostLimit(celCostLimit))
		if err != nil {
			return nil, apperr.Invalid(field+".condition", "rule %q: %s", rule.Name, err.Error())
		}
		r.rules = append(r.rules, compiledRule{rule, prg})
	}
	return r, nil
}

// Route decides where an event of integration in goes. A rule whose
// condition fails to evaluate on this alert (a missing label in a
// comparison, say) does not match; routing never drops an alert.
func (r *Router) Route(e Event, in *Integration) Routed {
	out := Routed{Event: e, ServiceID: in.ServiceID, Route: RouteTriage}
	if r == nil {
		return out
	}
	vars := map[string]any{
		"labels": e.Labels, "severity": e.Severity, "source": e.Source, "title": e.Title,
		"integration": in.Name, "kind": string(in.Kind), "service": in.Service,
	}
	for _, rule := range r.rules {
		v, _, err := rule.prg.Eval(vars)
		if err != nil {
			continue
		}
		if b, ok := v.Value().(bool); ok && b {
			out.Route, out.IncidentSeverity = rule.Action, rule.Severity
			if rule.ServiceID != 0 {
				out.ServiceID = rule.ServiceID
			}
			return out
		}
	}
	return out
}

func invalidRule(i int, field, format string, args ...any) error {
	return apperr.Invalid("rules["+strconv.Itoa(i)+"]."+field, format, args...)
}
