package paging

import (
	"context"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Policies lists the escalation policies.
func (s *Service) Policies(ctx context.Context) ([]Policy, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	return s.store.Policies(ctx)
}

// Policy reads one escalation policy.
func (s *Service) Policy(ctx context.Context, id int64) (Policy, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return Policy{}, err
	}
	return s.store.Policy(ctx, id)
}

// SavePolicy creates (ID 0) or updates a policy; admins only. Pages under
// way keep the copy they started with.
func (s *Service) SavePolicy(ctx context.Context, p Policy) (Policy, error) {
	a, err := actor(ctx, access.Admin)
	if err != nil {
		return Policy{}, err
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	for i := range p.Steps {
		for j := range p.Steps[i].Targets {
			p.Steps[i].Targets[j].Name = ""
		}
	}
	now := s.now()
	action := "policy.update"
	if p.ID == 0 {
		action, p.CreatedAt = "policy.create", now
	}
	p.UpdatedAt = now
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.SavePolicy(ctx, &p); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, action, fmt.Sprintf("policy %d", p.ID), p))
	})
	return p, err
}

// DeletePolicy removes a policy no service uses; admins only.
func (s *Service) DeletePolicy(ctx context.Context, id int64) error {
	a, err := actor(ctx, access.Admin)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.DeletePolicy(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, s.now(), "policy.delete", fmt.Sprintf("policy %d", id), nil))
	})
}

// PreviewStep is one step of a preview: when it would fire and who, on the
// schedules as they are now, would be notified.
type PreviewStep struct {
	Planned
	Users []int64  `json:"users"`
	Notes []string `json:"notes,omitempty"` // targets that resolve to no one
}

// Preview shows the effect of a policy before it is saved: a page raised at
// start that no one acknowledges, step by step, with the people each step
// would notify then.
func (s *Service) Preview(ctx context.Context, p Policy, start time.Time) ([]PreviewStep, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var out []PreviewStep
	for _, st := range p.Plan(start) {
		users, notes := s.resolver(ctx, st.At)(st.Targets)
		ps := PreviewStep{Planned: st, Users: users}
		for _, n := range notes {
			ps.Notes = append(ps.Notes, n.Text)
		}
		out = append(out, ps)
	}
	return out, nil
}

// ServicePaging reads how a service is paged.
func (s *Service) ServicePaging(ctx context.Context, serviceID int64) (ServicePaging, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return ServicePaging{}, err
	}
	return s.store.ServicePaging(ctx, serviceID)
}

// SetServicePaging points a service at a policy and an Incident-Manager
// schedule (0 clears either); admins only.
func (s *Service) SetServicePaging(ctx context.Context, sp ServicePaging) error {
	a, err := actor(ctx, access.Admin)
	if err != nil {
		return err
	}
	if sp.PolicyID != 0 {
		if _, err := s.store.Policy(ctx, sp.PolicyID); err != nil {
			return apperr.Invalid("policy_id", "there is no escalation policy %d", sp.PolicyID)
		}
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.SetServicePaging(ctx, sp); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, s.now(), "service.paging", fmt.Sprintf("service %d", sp.ServiceID), sp))
	})
}

// Windows lists maintenance windows.
func (s *Service) Windows(ctx context.Context, f WindowFilter) ([]Window, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	return s.store.Windows(ctx, f)
}

// AddWindow schedules a maintenance window; responders may, since they
// are the ones doing the maintenance.
func (s *Service) AddWindow(ctx context.Context, w Window) (Window, error) {
	a, err := actor(ctx, access.Responder)
	if err != nil {
		return Window{}, err
	}
	now := s.now()
	switch {
	case w.ServiceID == 0:
		return Window{}, apperr.Invalid("service_id", "a maintenance window belongs to a service")
	case !w.Ends.After(w.Starts):
		return Window{}, apperr.Invalid("ends_at", "the window must end after it starts")
	case !w.Ends.After(now):
		return Window{}, apperr.Invalid("ends_at", "the window is already over")
	case w.Ends.Sub(w.Starts) > 31*24*time.Hour:
		return Window{}, apperr.Invalid("ends_at", "a maintenance window lasts at most 31 days")
	case w.Reason == "":
		return Window{}, apperr.Invalid("reason", "say why (people will see it on the pages it suppresses)")
	}
	w.CreatedBy, w.CreatedAt = a.UserID, now
	err = s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.AddWindow(ctx, &w); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, "maintenance.add", fmt.Sprintf("service %d", w.ServiceID), w))
	})
	return w, err
}

// EndWindow ends a maintenance window now.
func (s *Service) EndWindow(ctx context.Context, id int64) (Window, error) {
	a, err := actor(ctx, access.Responder)
	if err != nil {
		return Window{}, err
	}
	now := s.now()
	var w Window
	err = s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if w, err = tx.EndWindow(ctx, id, now); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, "maintenance.end", fmt.Sprintf("service %d", w.ServiceID), w))
	})
	return w, err
}
