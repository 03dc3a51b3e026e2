package client

import (
	"context"
	"net/http"
	"time"
)

// User is a person who can sign in, as the API shows them.
type User struct {
	ID        int64     `json:"id"`
	Handle    string    `json:"handle"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	TimeZone  string    `json:"time_zone"`
	Level     string    `json:"level"` // viewer, responder or admin
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// UserInput is a new user.
type UserInput struct {
	Handle   string `json:"handle"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email"`
	TimeZone string `json:"time_zone,omitempty"`
	Level    string `json:"level"`
	Password string `json:"password,omitempty"`
}

// UserPatch changes the fields that are not nil.
type UserPatch struct {
	Name     *string `json:"name,omitempty"`
	Email    *string `json:"email,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
	Level    *string `json:"level,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
}

// Token is an API token; its secret value is only ever in CreatedToken.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	UserHandle string     `json:"user_handle"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// CreatedToken is a new token with its secret, shown only this once.
type CreatedToken struct {
	Secret string `json:"token"`
	Token  Token  `json:"api_token"`
}

// LoginResult is a new API token for the person who signed in.
type LoginResult struct {
	Token string `json:"token"`
	User  User   `json:"user"`
}

// Login exchanges a handle or email and a password for an API token named tokenName.
func (c *Client) Login(ctx context.Context, login, password, tokenName string) (LoginResult, error) {
	body := struct {
		Login     string `json:"login"`
		Password  string `json:"password"`
		TokenName string `json:"token_name"`
	}{login, password, tokenName}
	var out LoginResult
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/login", body: body}, &out)
	return out, err
}

// Me returns the user the token belongs to.
func (c *Client) Me(ctx context.Context) (User, error) {
	var out User
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/me"}, &out)
	return out, err
}

// Users lists every user.
func (c *Client) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := c.getList(ctx, "/api/v1/users", nil, "users", &out)
	return out, err
}

// User returns one user.
func (c *Client) User(ctx context.Context, id int64) (User, error) {
	var out User
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/users/" + pathID(id)}, &out)
	return out, err
}

// CreateUser adds a user.
func (c *Client) CreateUser(ctx context.Context, in UserInput) (User, error) {
	var out User
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/users", body: in}, &out)
	return out, err
}

// UpdateUser changes a user.
func (c *Client) UpdateUser(ctx context.Context, id int64, p UserPatch) (User, error) {
	var out User
	err := c.do(ctx, request{method: http.MethodPatch, path: "/api/v1/users/" + pathID(id), body: p}, &out)
	return out, err
}

// DeleteUser removes a user.
func (c *Client) DeleteUser(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/users/" + pathID(id)}, nil)
}

// Tokens lists API tokens: the caller's own, or every token for an admin.
func (c *Client) Tokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := c.getList(ctx, "/api/v1/tokens", nil, "tokens", &out)
	return out, err
}

// CreateToken creates an API token for the caller.
func (c *Client) CreateToken(ctx context.Context, name string, expiresAt *time.Time) (CreatedToken, error) {
	body := struct {
		Name      string     `json:"name"`
		ExpiresAt *time.Time `json:"expires_at,omitempty"`
	}{name, expiresAt}
	var out CreatedToken
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/tokens", body: body}, &out)
	return out, err
}

// RevokeToken deletes an API token.
func (c *Client) RevokeToken(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/tokens/" + pathID(id)}, nil)
}
