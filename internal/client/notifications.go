package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// ContactMethod is one of the caller's contact methods.
type ContactMethod struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	Name       string     `json:"name"`
	Address    string     `json:"address"`
	Verified   bool       `json:"verified"`
	VerifiedAt *time.Time `json:"verified_at"`
	CreatedAt  time.Time  `json:"created_at"`
}

// ContactMethods is the caller's contact methods and the kinds the server sends to.
type ContactMethods struct {
	ContactMethods []ContactMethod `json:"contact_methods"`
	Kinds          []string        `json:"kinds"`
}

// NotificationRule is one of the caller's rules.
type NotificationRule struct {
	ID              int64  `json:"id"`
	ContactMethodID int64  `json:"contact_method_id"`
	Urgency         string `json:"urgency"`
	DelayMinutes    int    `json:"delay_minutes"`
}

// PlannedStep is one delivery a message would get now.
type PlannedStep struct {
	ContactMethodID int64  `json:"contact_method_id"`
	Kind            string `json:"kind"`
	Name            string `json:"name"`
	DelayMinutes    int    `json:"delay_minutes"`
	Default         bool   `json:"default"`
}

// NotificationRules is the caller's rules and the plan per urgency.
type NotificationRules struct {
	Rules []NotificationRule       `json:"rules"`
	Plan  map[string][]PlannedStep `json:"plan"`
}

// NotificationSettings is the caller's settings.
type NotificationSettings struct {
	DigestMinutes int `json:"digest_minutes"`
}

// Delivery is one notification in a person's history.
type Delivery struct {
	ID              int64      `json:"id"`
	Key             string     `json:"key"`
	ContactMethodID int64      `json:"contact_method_id"`
	Kind            string     `json:"kind"`
	Address         string     `json:"address"`
	Urgency         string     `json:"urgency"`
	Subject         string     `json:"subject"`
	PageID          int64      `json:"page_id"`
	State           string     `json:"state"`
	Attempts        int        `json:"attempts"`
	Error           string     `json:"error"`
	DueAt           time.Time  `json:"due_at"`
	SentAt          *time.Time `json:"sent_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

func contactPath(id int64) string { return "/api/v1/me/contact-methods/" + pathID(id) }

// ContactMethods lists the caller's contact methods.
func (c *Client) ContactMethods(ctx context.Context) (ContactMethods, error) {
	var out ContactMethods
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/me/contact-methods"}, &out)
	return out, err
}

// AddContactMethod adds a contact method; a verification code is sent to it.
func (c *Client) AddContactMethod(ctx context.Context, kind, name, address string) (ContactMethod, error) {
	var out ContactMethod
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/me/contact-methods",
		body: map[string]string{"kind": kind, "name": name, "address": address}}, &out)
	return out, err
}

// VerifyContactMethod verifies a contact method with the code sent to it.
func (c *Client) VerifyContactMethod(ctx context.Context, id int64, code string) (ContactMethod, error) {
	var out ContactMethod
	err := c.do(ctx, request{method: http.MethodPost, path: contactPath(id) + "/verify", body: map[string]string{"code": code}}, &out)
	return out, err
}

// ResendCode sends a new verification code.
func (c *Client) ResendCode(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodPost, path: contactPath(id) + "/resend-code"}, nil)
}

// TestContactMethod sends a test notification.
func (c *Client) TestContactMethod(ctx context.Context, id int64) (Delivery, error) {
	var out Delivery
	err := c.do(ctx, request{method: http.MethodPost, path: contactPath(id) + "/test"}, &out)
	return out, err
}

// RemoveContactMethod removes a contact method and its rules.
func (c *Client) RemoveContactMethod(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: contactPath(id)}, nil)
}

// NotificationRules lists the caller's rules with the plan per urgency.
func (c *Client) NotificationRules(ctx context.Context) (NotificationRules, error) {
	var out NotificationRules
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/me/notification-rules"}, &out)
	return out, err
}

// AddNotificationRule adds a rule.
func (c *Client) AddNotificationRule(ctx context.Context, r NotificationRule) (NotificationRule, error) {
	var out NotificationRule
	body := struct {
		ContactMethodID int64  `json:"contact_method_id"`
		Urgency         string `json:"urgency"`
		DelayMinutes    int    `json:"delay_minutes"`
	}{r.ContactMethodID, r.Urgency, r.DelayMinutes}
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/me/notification-rules", body: body}, &out)
	return out, err
}

// RemoveNotificationRule removes a rule.
func (c *Client) RemoveNotificationRule(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/me/notification-rules/" + pathID(id)}, nil)
}

// NotificationSettings reads the caller's settings.
func (c *Client) NotificationSettings(ctx context.Context) (NotificationSettings, error) {
	var out NotificationSettings
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/me/notification-settings"}, &out)
	return out, err
}

// SetNotificationSettings stores the caller's settings.
func (c *Client) SetNotificationSettings(ctx context.Context, s NotificationSettings) (NotificationSettings, error) {
	var out NotificationSettings
	err := c.do(ctx, request{method: http.MethodPut, path: "/api/v1/me/notification-settings", body: s}, &out)
	return out, err
}

// Deliveries lists notifications, newest first: the caller's, or (userID
// not 0) a person's, which needs the admin level unless it is the caller.
func (c *Client) Deliveries(ctx context.Context, userID int64, limit int) ([]Delivery, error) {
	path := "/api/v1/me/deliveries"
	if userID != 0 {
		path = "/api/v1/users/" + pathID(userID) + "/deliveries"
	}
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out []Delivery
	err := c.getList(ctx, path, q, "deliveries", &out)
	return out, err
}
