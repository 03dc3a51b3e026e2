// Package catalog is the service catalog: the teams of the organisation and
// the services they own. Incidents name the services they affect.
package catalog

import (
	"context"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Team is a group of people that owns services.
type Team struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Members     []int64   `json:"members"` // user ids, ascending
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Link is a titled URL of a service: a runbook, a dashboard, a repository.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Service is something that can be disrupted: an API, a product, a component.
type Service struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	OwnerTeamID int64     `json:"owner_team_id,omitempty"` // 0: no owner
	OwnerTeam   string    `json:"owner_team,omitempty"`    // the owner's name, filled on read
	Links       []Link    `json:"links"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Store is what the Catalog needs from storage. Reads that find nothing
// return an apperr NotFound error.
type Store interface {
	// InTx runs fn in one transaction: all its writes commit together or not at all.
	InTx(ctx context.Context, fn func(Tx) error) error
	TeamByID(ctx context.Context, id int64) (Team, error)
	ListTeams(ctx context.Context) ([]Team, error)
	ServiceByID(ctx context.Context, id int64) (Service, error)
	ServiceByName(ctx context.Context, name string) (Service, error)
	ListServices(ctx context.Context) ([]Service, error)
}

// Tx is one storage transaction of a catalog change. A name that is taken
// is an apperr Conflict.
type Tx interface {
	TeamByIDTx(ctx context.Context, id int64) (Team, error)
	InsertTeam(ctx context.Context, t Team) (int64, error)
	UpdateTeam(ctx context.Context, t Team) error
	DeleteTeam(ctx context.Context, id int64) error
	// SetTeamMembers replaces the members; an unknown user id is apperr Invalid.
	SetTeamMembers(ctx context.Context, teamID int64, userIDs []int64) error
	ServiceByIDTx(ctx context.Context, id int64) (Service, error)
	InsertService(ctx context.Context, s Service) (int64, error)
	UpdateService(ctx context.Context, s Service) error
	DeleteService(ctx context.Context, id int64) error
	Audit(ctx context.Context, e audit.Entry) error
}

// Catalog holds the use cases of teams and services.
type Catalog struct {
	st  Store
	now func() time.Time
}

var _ incident.Catalog = (*Catalog)(nil)

// NewCatalog builds the catalog; now is the clock (time.Now in production).
func NewCatalog(st Store, now func() time.Time) *Catalog {
	if now == nil {
		now = time.Now
	}
	return &Catalog{st: st, now: now}
}

func (c *Catalog) clock() time.Time { return c.now().UTC().Truncate(time.Microsecond) }

func reader(ctx context.Context) error {
	a, ok := access.From(ctx)
	if !ok || a.Level == 0 {
		return apperr.Unauthenticated("sign in first")
	}
	return nil
}

func admin(ctx context.Context) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok || a.Level == 0 {
		return a, apperr.Unauthenticated("sign in first")
	}
	if !a.IsAdmin() {
		return a, apperr.Forbidden("only admins may change teams and services")
	}
	return a, nil
}
