package detect

import (
	"context"
	"fmt"
	"strings"
)

// RuleSourceConfig marks a rule that comes from the configuration file.
const RuleSourceConfig = "config"

// Ordered is the order rules are evaluated in: the configuration file's
// first, so an operator's rules (say, a maintenance window written in the
// file) cannot be overridden from the UI; then the stored ones.
func Ordered(config, stored []Rule) []Rule {
	out := make([]Rule, 0, len(config)+len(stored))
	out = append(out, config...)
	return append(out, stored...)
}

// CheckConfigRules validates the rules of the configuration file when the
// node starts: each must compile, name a known service (by name, in
// services) or none, and a severity on the incident scale. The error names
// the rule by its key and name, since it stops the node.
func CheckConfigRules(rules []Rule, services map[string]int64, scale []string) ([]Rule, error) {
	out := make([]Rule, len(rules))
	for i, r := range rules {
		key := fmt.Sprintf("detect.routing_rules[%d]", i)
		if _, err := NewRouter([]Rule{r}); err != nil {
			// The API's field names (rules[0].condition) become the file's keys.
			msg := strings.Replace(strings.TrimPrefix(err.Error(), "rules[0]"), ".condition:", ".when:", 1)
			return nil, fmt.Errorf("config: %s%s", key, msg)
		}
		r.Source, r.ServiceID = RuleSourceConfig, 0
		if r.Service != "" {
			id, ok := services[strings.ToLower(r.Service)]
			if !ok {
				return nil, fmt.Errorf("config: %s.service: rule %q: no service is named %q (create it first, or leave service empty to keep the integration's)", key, r.Name, r.Service)
			}
			r.ServiceID = id
		}
		if r.Severity != "" {
			sev, ok := onScale(r.Severity, scale)
			if !ok {
				return nil, fmt.Errorf("config: %s.severity: rule %q: severity must be one of %s, not %q", key, r.Name, strings.Join(scale, ", "), r.Severity)
			}
			r.Severity = sev
		}
		out[i] = r
	}
	if _, err := NewRouter(out); err != nil {
		return nil, fmt.Errorf("config: detect.routing_rules: %w", err)
	}
	return out, nil
}

// onScale finds s on the incident scale, ignoring case.
func onScale(s string, scale []string) (string, bool) {
	for _, sev := range scale {
		if strings.EqualFold(sev, s) {
			return sev, true
		}
	}
	return "", false
}

// UseConfigRules sets the rules of the configuration file (checked with
// CheckConfigRules), shown read-only before the stored ones.
func (s *Service) UseConfigRules(rules []Rule) { s.configRules = rules }

// ConfigRules lists the rules of the configuration file.
func (s *Service) ConfigRules() []Rule { return s.configRules }

// AllRules lists every routing rule in the order they are evaluated: the
// configuration file's, then the stored ones.
func (s *Service) AllRules(ctx context.Context) ([]Rule, error) {
	stored, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	return Ordered(s.configRules, stored), nil
}
