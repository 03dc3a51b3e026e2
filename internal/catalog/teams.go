package catalog

import (
	"context"
	"fmt"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// TeamInput is a new team.
type TeamInput struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Members     []int64 `json:"members"`
}

// TeamPatch changes some fields of a team; nil fields stay as they are.
type TeamPatch struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

func teamTarget(id int64) string { return fmt.Sprintf("team %d", id) }

func teamConflict(err error, name string) error {
	if apperr.Is(err, apperr.CodeConflict) {
		return apperr.Conflict("a team named %q already exists", name)
	}
	return err
}

// CreateTeam adds a team. Admins only.
func (c *Catalog) CreateTeam(ctx context.Context, in TeamInput) (Team, error) {
	a, err := admin(ctx)
	if err != nil {
		return Team{}, err
	}
	t := Team{}
	if t.Name, err = ValidateName(in.Name); err != nil {
		return Team{}, err
	}
	if t.Description, err = validateDescription(in.Description); err != nil {
		return Team{}, err
	}
	if t.Members, err = normalizeMembers(in.Members); err != nil {
		return Team{}, err
	}
	now := c.clock()
	t.CreatedAt, t.UpdatedAt = now, now
	err = c.st.InTx(ctx, func(tx Tx) error {
		id, err := tx.InsertTeam(ctx, t)
		if err != nil {
			return teamConflict(err, t.Name)
		}
		t.ID = id
		if err := tx.SetTeamMembers(ctx, id, t.Members); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, "team.create", teamTarget(id), map[string]any{"name": t.Name, "members": t.Members}))
	})
	if err != nil {
		return Team{}, err
	}
	return t, nil
}

// UpdateTeam renames or redescribes a team. Admins only.
func (c *Catalog) UpdateTeam(ctx context.Context, id int64, p TeamPatch) (Team, error) {
	a, err := admin(ctx)
	if err != nil {
		return Team{}, err
	}
	var out Team
	err = c.st.InTx(ctx, func(tx Tx) error {
		t, err := tx.TeamByIDTx(ctx, id)
		if err != nil {
			return err
		}
		changes := map[string]any{}
		if p.Name != nil {
			name, err := ValidateName(*p.Name)
			if err != nil {
				return err
			}
			if name != t.Name {
				t.Name, changes["name"] = name, name
			}
		}
		if p.Description != nil {
			d, err := validateDescription(*p.Description)
			if err != nil {
				return err
			}
			if d != t.Description {
				t.Description, changes["description"] = d, d
			}
		}
		out = t
		if len(changes) == 0 {
			return nil
		}
		now := c.clock()
		t.UpdatedAt = now
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return teamConflict(err, t.Name)
		}
		out = t
		return tx.Audit(ctx, audit.New(a, now, "team.update", teamTarget(id), map[string]any{"changes": changes}))
	})
	return out, err
}

// SetTeamMembers replaces the members of a team. Admins only.
func (c *Catalog) SetTeamMembers(ctx context.Context, id int64, userIDs []int64) (Team, error) {
	a, err := admin(ctx)
	if err != nil {
		return Team{}, err
	}
	members, err := normalizeMembers(userIDs)
	if err != nil {
		return Team{}, err
	}
	var out Team
	err = c.st.InTx(ctx, func(tx Tx) error {
		t, err := tx.TeamByIDTx(ctx, id)
		if err != nil {
			return err
		}
		now := c.clock()
		t.Members, t.UpdatedAt = members, now
		if err := tx.SetTeamMembers(ctx, id, members); err != nil {
			return err
		}
		if err := tx.UpdateTeam(ctx, t); err != nil {
			return err
		}
		out = t
		return tx.Audit(ctx, audit.New(a, now, "team.members", teamTarget(id), map[string]any{"name": t.Name, "members": members}))
	})
	return out, err
}

// DeleteTeam removes a team; the services it owned are left without an owner.
// Admins only.
func (c *Catalog) DeleteTeam(ctx context.Context, id int64) error {
	a, err := admin(ctx)
	if err != nil {
		return err
	}
	return c.st.InTx(ctx, func(tx Tx) error {
		t, err := tx.TeamByIDTx(ctx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteTeam(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, c.clock(), "team.delete", teamTarget(id), map[string]any{"name": t.Name}))
	})
}

// GetTeam reads one team. Any signed-in actor.
func (c *Catalog) GetTeam(ctx context.Context, id int64) (Team, error) {
	if err := reader(ctx); err != nil {
		return Team{}, err
	}
	return c.st.TeamByID(ctx, id)
}

// ListTeams lists every team by name. Any signed-in actor.
func (c *Catalog) ListTeams(ctx context.Context) ([]Team, error) {
	if err := reader(ctx); err != nil {
		return nil, err
	}
	return c.st.ListTeams(ctx)
}
