package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// PostmortemDoc is a postmortem as the API answers it: the document, the
// incident's facts, the agenda and the blameless check's warnings.
type PostmortemDoc struct {
	postmortem.Doc
	Agenda   []string             `json:"agenda"`
	Warnings []postmortem.Warning `json:"warnings"`
}

func pmPath(ref string) string { return "/api/v1/postmortems/" + url.PathEscape(ref) }

// Postmortem reads the postmortem of an incident ("INC-42").
func (c *Client) Postmortem(ctx context.Context, ref string) (PostmortemDoc, error) {
	var out PostmortemDoc
	err := c.do(ctx, request{method: http.MethodGet, path: pmPath(ref)}, &out)
	return out, err
}

// Postmortems lists postmortems; status "" lists all.
func (c *Client) Postmortems(ctx context.Context, status string) ([]postmortem.Postmortem, error) {
	var out []postmortem.Postmortem
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	err := c.getList(ctx, "/api/v1/postmortems", q, "postmortems", &out)
	return out, err
}

// EditPostmortem saves a new body; version is the version it was edited
// from (a newer stored one answers a stale Problem with the current postmortem).
func (c *Client) EditPostmortem(ctx context.Context, ref string, version int64, body, note string) (PostmortemDoc, error) {
	var out PostmortemDoc
	err := c.do(ctx, request{method: http.MethodPut, path: pmPath(ref), header: ifMatch(version),
		body: map[string]any{"body": body, "note": note}}, &out)
	return out, err
}

// ScheduleMeeting schedules or reschedules the postmortem meeting.
func (c *Client) ScheduleMeeting(ctx context.Context, ref string, in postmortem.MeetingInput) (postmortem.Meeting, error) {
	var out postmortem.Meeting
	err := c.do(ctx, request{method: http.MethodPut, path: pmPath(ref) + "/meeting", body: in}, &out)
	return out, err
}

// CancelMeeting cancels the postmortem meeting.
func (c *Client) CancelMeeting(ctx context.Context, ref string) (postmortem.Meeting, error) {
	var out postmortem.Meeting
	err := c.do(ctx, request{method: http.MethodDelete, path: pmPath(ref) + "/meeting"}, &out)
	return out, err
}

// PublishPostmortem publishes (built-in review) or submits (git review) a postmortem.
func (c *Client) PublishPostmortem(ctx context.Context, ref string) (PostmortemDoc, error) {
	var out PostmortemDoc
	err := c.do(ctx, request{method: http.MethodPost, path: pmPath(ref) + "/publish"}, &out)
	return out, err
}

// WaivePostmortem waives the postmortem of a low-severity incident with a reason.
func (c *Client) WaivePostmortem(ctx context.Context, ref, reason string) (PostmortemDoc, error) {
	var out PostmortemDoc
	err := c.do(ctx, request{method: http.MethodPost, path: pmPath(ref) + "/waive", body: map[string]string{"reason": reason}}, &out)
	return out, err
}

// RequestReview asks users to review a postmortem.
func (c *Client) RequestReview(ctx context.Context, ref string, userIDs []int64) (postmortem.Review, error) {
	var out postmortem.Review
	err := c.do(ctx, request{method: http.MethodPost, path: pmPath(ref) + "/reviewers", body: map[string]any{"user_ids": userIDs}}, &out)
	return out, err
}

// ApprovePostmortem approves a postmortem as a requested reviewer.
func (c *Client) ApprovePostmortem(ctx context.Context, ref, comment string) (postmortem.Review, error) {
	var out postmortem.Review
	err := c.do(ctx, request{method: http.MethodPost, path: pmPath(ref) + "/review", body: map[string]string{"state": "approved", "comment": comment}}, &out)
	return out, err
}

// ActionItemFilter selects action items.
type ActionItemFilter struct {
	Mine     bool
	Open     bool
	Incident string // INC-42
}

// ActionItems lists action items.
func (c *Client) ActionItems(ctx context.Context, f ActionItemFilter) ([]postmortem.ActionItem, error) {
	q := url.Values{}
	if f.Mine {
		q.Set("mine", "true")
	}
	if f.Open {
		q.Set("open", "true")
	}
	if f.Incident != "" {
		q.Set("incident", f.Incident)
	}
	var out []postmortem.ActionItem
	err := c.getList(ctx, "/api/v1/action-items", q, "items", &out)
	return out, err
}

// AddActionItem captures an action item of a postmortem.
func (c *Client) AddActionItem(ctx context.Context, ref string, in postmortem.ItemInput) (postmortem.ActionItem, error) {
	var out postmortem.ActionItem
	err := c.do(ctx, request{method: http.MethodPost, path: pmPath(ref) + "/action-items", body: in}, &out)
	return out, err
}

// ActionItemDone marks an action item done.
func (c *Client) ActionItemDone(ctx context.Context, id int64) (postmortem.ActionItem, error) {
	var out postmortem.ActionItem
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/action-items/" + pathID(id) + "/done"}, &out)
	return out, err
}
