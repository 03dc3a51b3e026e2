package client

import (
	"context"
	"net/http"
	"time"
)

// Team is a group of people that owns services.
type Team struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Members     []int64   `json:"members"` // user ids
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TeamInput is a new team.
type TeamInput struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Members     []int64 `json:"members"`
}

// TeamPatch changes the fields of a team that are not nil.
type TeamPatch struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// Link is a titled URL of a service: a runbook, a dashboard, a repository.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Service is one entry of the service catalog.
type Service struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	OwnerTeamID int64     `json:"owner_team_id,omitempty"` // zero: no owner
	OwnerTeam   string    `json:"owner_team,omitempty"`    // the owner's name
	Links       []Link    `json:"links"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ServiceInput is a new service.
type ServiceInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	OwnerTeamID int64  `json:"owner_team_id,omitempty"`
	Links       []Link `json:"links,omitempty"`
}

// ServicePatch changes the fields of a service that are not nil; an owner
// team id of 0 removes the owner.
type ServicePatch struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	OwnerTeamID *int64  `json:"owner_team_id,omitempty"`
	Links       *[]Link `json:"links,omitempty"`
}

// Teams lists every team.
func (c *Client) Teams(ctx context.Context) ([]Team, error) {
	var out []Team
	err := c.getList(ctx, "/api/v1/teams", nil, "teams", &out)
	return out, err
}

// Team returns one team.
func (c *Client) Team(ctx context.Context, id int64) (Team, error) {
	var out Team
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/teams/" + pathID(id)}, &out)
	return out, err
}

// CreateTeam adds a team.
func (c *Client) CreateTeam(ctx context.Context, in TeamInput) (Team, error) {
	var out Team
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/teams", body: in}, &out)
	return out, err
}

// UpdateTeam changes a team.
func (c *Client) UpdateTeam(ctx context.Context, id int64, in TeamPatch) (Team, error) {
	var out Team
	err := c.do(ctx, request{method: http.MethodPatch, path: "/api/v1/teams/" + pathID(id), body: in}, &out)
	return out, err
}

// DeleteTeam removes a team.
func (c *Client) DeleteTeam(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/teams/" + pathID(id)}, nil)
}

// SetTeamMembers replaces the members of a team.
func (c *Client) SetTeamMembers(ctx context.Context, id int64, userIDs []int64) (Team, error) {
	if userIDs == nil {
		userIDs = []int64{}
	}
	body := struct {
		UserIDs []int64 `json:"user_ids"`
	}{userIDs}
	var out Team
	err := c.do(ctx, request{method: http.MethodPut, path: "/api/v1/teams/" + pathID(id) + "/members", body: body}, &out)
	return out, err
}

// Services lists the service catalog.
func (c *Client) Services(ctx context.Context) ([]Service, error) {
	var out []Service
	err := c.getList(ctx, "/api/v1/services", nil, "services", &out)
	return out, err
}

// Service returns one service.
func (c *Client) Service(ctx context.Context, id int64) (Service, error) {
	var out Service
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/services/" + pathID(id)}, &out)
	return out, err
}

// CreateService adds a service to the catalog.
func (c *Client) CreateService(ctx context.Context, in ServiceInput) (Service, error) {
	var out Service
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/services", body: in}, &out)
	return out, err
}

// UpdateService changes a service.
func (c *Client) UpdateService(ctx context.Context, id int64, in ServicePatch) (Service, error) {
	var out Service
	err := c.do(ctx, request{method: http.MethodPatch, path: "/api/v1/services/" + pathID(id), body: in}, &out)
	return out, err
}

// DeleteService removes a service from the catalog.
func (c *Client) DeleteService(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/services/" + pathID(id)}, nil)
}
