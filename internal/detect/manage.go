package detect

import (
	"context"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// NewIntegration is what an admin gives to create an integration.
type NewIntegration struct {
	Name             string            `json:"name"`
	Kind             Kind              `json:"kind"`
	ServiceID        int64             `json:"service_id"`
	Config           IntegrationConfig `json:"config"`
	HeartbeatMinutes int               `json:"heartbeat_minutes,omitempty"`
}

// CreatedIntegration carries the key, shown once: only its hash is kept.
type CreatedIntegration struct {
	Integration
	Key string `json:"key"`
}

// CreateIntegration adds an integration with a fresh key.
func (s *Service) CreateIntegration(ctx context.Context, n NewIntegration) (CreatedIntegration, error) {
	if _, err := actor(ctx, access.Admin); err != nil {
		return CreatedIntegration{}, err
	}
	in := Integration{Name: n.Name, Kind: n.Kind, ServiceID: n.ServiceID, Config: n.Config, HeartbeatMinutes: n.HeartbeatMinutes, CreatedAt: s.now().UTC()}
	if err := in.Validate(); err != nil {
		return CreatedIntegration{}, err
	}
	key := NewKey()
	in.KeyHint = key[len(key)-4:]
	saved, err := s.store.CreateIntegration(ctx, in, HashKey(key))
	if err != nil {
		return CreatedIntegration{}, err
	}
	s.changed()
	return CreatedIntegration{Integration: saved, Key: key}, nil
}

// Integrations lists the integrations; secrets are not shown.
func (s *Service) Integrations(ctx context.Context) ([]Integration, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	ins, err := s.store.ListIntegrations(ctx)
	for i := range ins {
		ins[i].Config.GrafanaSecret = maskSecret(ins[i].Config.GrafanaSecret)
	}
	return ins, err
}

// Integration reads one integration; the Grafana secret is masked.
func (s *Service) Integration(ctx context.Context, id int64) (Integration, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return Integration{}, err
	}
	in, err := s.store.Integration(ctx, id)
	in.Config.GrafanaSecret = maskSecret(in.Config.GrafanaSecret)
	return in, err
}

func maskSecret(s string) string {
	if s == "" {
		return ""
	}
	return "(set)"
}

// DeleteIntegration removes an integration; its key stops working.
func (s *Service) DeleteIntegration(ctx context.Context, id int64) error {
	if _, err := actor(ctx, access.Admin); err != nil {
		return err
	}
	if err := s.store.DeleteIntegration(ctx, id); err != nil {
		return err
	}
	s.changed()
	return nil
}

// TestMapping runs a mapping on a sample payload without storing anything:
// the "test this payload" preview.
func (s *Service) TestMapping(ctx context.Context, m Mapping, payload []byte) (Event, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return Event{}, err
	}
	mp, err := m.Compile()
	if err != nil {
		return Event{}, err
	}
	return mp.Decode(payload)
}

// Rules lists the routing rules in order.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	return s.store.Rules(ctx)
}

// SetRules replaces the routing rules after checking every one; severities
// of declare rules must be on the incident scale.
func (s *Service) SetRules(ctx context.Context, rules []Rule) ([]Rule, error) {
	if _, err := actor(ctx, access.Admin); err != nil {
		return nil, err
	}
	for i, r := range rules {
		if r.Source == RuleSourceConfig {
			return nil, invalidRule(i, "source", "rule %q comes from the configuration file (detect.routing_rules); change it there", r.Name)
		}
	}
	if _, err := NewRouter(rules); err != nil {
		return nil, err
	}
	for i, r := range rules {
		if r.Severity == "" {
			continue
		}
		ok := false
		for _, sev := range s.scale {
			if strings.EqualFold(sev, r.Severity) {
				rules[i].Severity, ok = sev, true
			}
		}
		if !ok {
			return nil, invalidRule(i, "severity", "rule %q: severity must be one of %s", r.Name, strings.Join(s.scale, ", "))
		}
	}
	if err := s.store.ReplaceRules(ctx, rules); err != nil {
		return nil, err
	}
	s.changed()
	return s.store.Rules(ctx)
}

// SetTriageHook sets where a team hears about new triage items of the
// services it owns (until on-call paging exists); an empty URL removes it.
func (s *Service) SetTriageHook(ctx context.Context, teamID int64, url, secret string) error {
	if _, err := actor(ctx, access.Admin); err != nil {
		return err
	}
	url = strings.TrimSpace(url)
	if url != "" && !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return apperr.Invalid("url", "url must start with https:// or http://")
	}
	return s.store.SetTriageHook(ctx, teamID, url, secret)
}
