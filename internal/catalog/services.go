package catalog

import (
	"context"
	"fmt"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// ServiceInput is a new service.
type ServiceInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	OwnerTeamID int64  `json:"owner_team_id"` // 0: no owner
	Links       []Link `json:"links"`
}

// ServicePatch changes some fields of a service; nil fields stay as they
// are. OwnerTeamID 0 removes the owner.
type ServicePatch struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	OwnerTeamID *int64  `json:"owner_team_id,omitempty"`
	Links       *[]Link `json:"links,omitempty"`
}

func serviceTarget(id int64) string { return fmt.Sprintf("service %d", id) }

func serviceConflict(err error, name string) error {
	if apperr.Is(err, apperr.CodeConflict) {
		return apperr.Conflict("a service named %q already exists", name)
	}
	return err
}

// owner checks that the owning team exists and returns its name.
func owner(ctx context.Context, tx Tx, teamID int64) (string, error) {
	if teamID == 0 {
		return "", nil
	}
	if teamID < 0 {
		return "", apperr.Invalid("owner_team_id", "%d is not a team id", teamID)
	}
	t, err := tx.TeamByIDTx(ctx, teamID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return "", apperr.Invalid("owner_team_id", "team %d does not exist", teamID)
	}
	return t.Name, err
}

// CreateService adds a service. Admins only.
func (c *Catalog) CreateService(ctx context.Context, in ServiceInput) (Service, error) {
	a, err := admin(ctx)
	if err != nil {
		return Service{}, err
	}
	s := Service{OwnerTeamID: in.OwnerTeamID}
	if s.Name, err = ValidateName(in.Name); err != nil {
		return Service{}, err
	}
	if s.Description, err = validateDescription(in.Description); err != nil {
		return Service{}, err
	}
	if s.Links, err = ValidateLinks(in.Links); err != nil {
		return Service{}, err
	}
	now := c.clock()
	s.CreatedAt, s.UpdatedAt = now, now
	err = c.st.InTx(ctx, func(tx Tx) error {
		if s.OwnerTeam, err = owner(ctx, tx, s.OwnerTeamID); err != nil {
			return err
		}
		id, err := tx.InsertService(ctx, s)
		if err != nil {
			return serviceConflict(err, s.Name)
		}
		s.ID = id
		return tx.Audit(ctx, audit.New(a, now, "service.create", serviceTarget(id), map[string]any{"name": s.Name, "owner_team_id": s.OwnerTeamID}))
	})
	if err != nil {
		return Service{}, err
	}
	return s, nil
}

// UpdateService changes a service. Admins only. Renaming does not rewrite
// the service names recorded on past incidents.
func (c *Catalog) UpdateService(ctx context.Context, id int64, p ServicePatch) (Service, error) {
	a, err := admin(ctx)
	if err != nil {
		return Service{}, err
	}
	var out Service
	err = c.st.InTx(ctx, func(tx Tx) error {
		s, err := tx.ServiceByIDTx(ctx, id)
		if err != nil {
			return err
		}
		changes := map[string]any{}
		if p.Name != nil {
			name, err := ValidateName(*p.Name)
			if err != nil {
				return err
			}
			if name != s.Name {
				s.Name, changes["name"] = name, name
			}
		}
		if p.Description != nil {
			d, err := validateDescription(*p.Description)
			if err != nil {
				return err
			}
			if d != s.Description {
				s.Description, changes["description"] = d, d
			}
		}
		if p.OwnerTeamID != nil && *p.OwnerTeamID != s.OwnerTeamID {
			if s.OwnerTeam, err = owner(ctx, tx, *p.OwnerTeamID); err != nil {
				return err
			}
			s.OwnerTeamID, changes["owner_team_id"] = *p.OwnerTeamID, *p.OwnerTeamID
		}
		if p.Links != nil {
			links, err := ValidateLinks(*p.Links)
			if err != nil {
				return err
			}
			s.Links, changes["links"] = links, len(links)
		}
		out = s
		if len(changes) == 0 {
			return nil
		}
		now := c.clock()
		s.UpdatedAt = now
		if err := tx.UpdateService(ctx, s); err != nil {
			return serviceConflict(err, s.Name)
		}
		out = s
		return tx.Audit(ctx, audit.New(a, now, "service.update", serviceTarget(id), map[string]any{"changes": changes}))
	})
	return out, err
}

// DeleteService removes a service from the catalog. Admins only. Past
// incidents keep the name they recorded.
func (c *Catalog) DeleteService(ctx context.Context, id int64) error {
	a, err := admin(ctx)
	if err != nil {
		return err
	}
	return c.st.InTx(ctx, func(tx Tx) error {
		s, err := tx.ServiceByIDTx(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteService(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, c.clock(), "service.delete", serviceTarget(id), map[string]any{"name": s.Name}))
	})
}

// GetService reads one service. Any signed-in actor.
func (c *Catalog) GetService(ctx context.Context, id int64) (Service, error) {
	if err := reader(ctx); err != nil {
		return Service{}, err
	}
	return c.st.ServiceByID(ctx, id)
}

// ServiceByName reads one service by its exact name. Any signed-in actor.
func (c *Catalog) ServiceByName(ctx context.Context, name string) (Service, error) {
	if err := reader(ctx); err != nil {
		return Service{}, err
	}
	return c.st.ServiceByName(ctx, name)
}

// ListServices lists every service by name. Any signed-in actor.
func (c *Catalog) ListServices(ctx context.Context) ([]Service, error) {
	if err := reader(ctx); err != nil {
		return nil, err
	}
	return c.st.ListServices(ctx)
}

// ServiceExists reports whether the catalog has a service with exactly
// this name (incident.Catalog). Any signed-in actor.
func (c *Catalog) ServiceExists(ctx context.Context, name string) (bool, error) {
	_, err := c.ServiceByName(ctx, name)
	if apperr.Is(err, apperr.CodeNotFound) {
		return false, nil
	}
	return err == nil, err
}
