package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// ScheduleInput is the body of creating or replacing a schedule.
type ScheduleInput struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	TeamID      int64          `json:"team_id"`
	TimeZone    string         `json:"time_zone"`
	Layers      []oncall.Layer `json:"layers"`
	Version     *int64         `json:"version,omitempty"`
}

// CalendarFeed is a feed with its secret URL (only when just created).
type CalendarFeed struct {
	oncall.CalendarToken
	URL string `json:"url"`
}

func rangeQuery(from, to time.Time) url.Values {
	q := url.Values{}
	if !from.IsZero() {
		q.Set("from", from.UTC().Format(time.RFC3339))
	}
	if !to.IsZero() {
		q.Set("to", to.UTC().Format(time.RFC3339))
	}
	return q
}

func schedulePath(id int64) string { return "/api/v1/schedules/" + pathID(id) }

// Schedules lists every schedule.
func (c *Client) Schedules(ctx context.Context) ([]oncall.Schedule, error) {
	var out []oncall.Schedule
	err := c.getList(ctx, "/api/v1/schedules", nil, "schedules", &out)
	return out, err
}

// Schedule returns one schedule.
func (c *Client) Schedule(ctx context.Context, id int64) (oncall.Schedule, error) {
	var out oncall.Schedule
	err := c.do(ctx, request{method: http.MethodGet, path: schedulePath(id)}, &out)
	return out, err
}

// CreateSchedule adds a schedule and returns it with its gap warnings.
func (c *Client) CreateSchedule(ctx context.Context, in ScheduleInput) (oncall.Saved, error) {
	var out oncall.Saved
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/schedules", body: in}, &out)
	return out, err
}

// UpdateSchedule replaces a schedule (in.Version, when set, must be current).
func (c *Client) UpdateSchedule(ctx context.Context, id int64, in ScheduleInput) (oncall.Saved, error) {
	var out oncall.Saved
	err := c.do(ctx, request{method: http.MethodPut, path: schedulePath(id), body: in}, &out)
	return out, err
}

// DeleteSchedule removes a schedule.
func (c *Client) DeleteSchedule(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: schedulePath(id)}, nil)
}

// ScheduleTimeline computes a schedule's layers and final timeline over a range.
func (c *Client) ScheduleTimeline(ctx context.Context, id int64, from, to time.Time) (oncall.View, error) {
	var out oncall.View
	err := c.do(ctx, request{method: http.MethodGet, path: schedulePath(id) + "/timeline", query: rangeQuery(from, to)}, &out)
	return out, err
}

// Overrides lists a schedule's overrides over a range.
func (c *Client) Overrides(ctx context.Context, id int64, from, to time.Time) ([]oncall.Override, error) {
	var out []oncall.Override
	err := c.getList(ctx, schedulePath(id)+"/overrides", rangeQuery(from, to), "overrides", &out)
	return out, err
}

// AddOverride puts a user on call over a range.
func (c *Client) AddOverride(ctx context.Context, id, userID int64, start, end time.Time, note string) (oncall.Override, error) {
	body := map[string]any{"user_id": userID, "start": start, "end": end, "note": note}
	var out oncall.Override
	err := c.do(ctx, request{method: http.MethodPost, path: schedulePath(id) + "/overrides", body: body}, &out)
	return out, err
}

// TakeShift puts the caller on call over a range.
func (c *Client) TakeShift(ctx context.Context, id int64, start, end time.Time) (oncall.Override, error) {
	var out oncall.Override
	err := c.do(ctx, request{method: http.MethodPost, path: schedulePath(id) + "/take", body: map[string]any{"start": start, "end": end}}, &out)
	return out, err
}

// Swap exchanges two stretches between the people on call at their starts.
func (c *Client) Swap(ctx context.Context, id int64, firstStart, firstEnd, secondStart, secondEnd time.Time) ([2]oncall.Override, error) {
	var out struct {
		Overrides [2]oncall.Override `json:"overrides"`
	}
	body := map[string]any{"first_start": firstStart, "first_end": firstEnd, "second_start": secondStart, "second_end": secondEnd}
	err := c.do(ctx, request{method: http.MethodPost, path: schedulePath(id) + "/swaps", body: body}, &out)
	return out.Overrides, err
}

// DeleteOverride removes an override (both halves of a swap).
func (c *Client) DeleteOverride(ctx context.Context, scheduleID, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: schedulePath(scheduleID) + "/overrides/" + pathID(id)}, nil)
}

// OnCall answers who is on call at a time (zero: now).
func (c *Client) OnCall(ctx context.Context, who oncall.Who, at time.Time) ([]oncall.Current, error) {
	q := url.Values{}
	for k, v := range map[string]int64{"schedule": who.ScheduleID, "team": who.TeamID, "user": who.UserID} {
		if v != 0 {
			q.Set(k, strconv.FormatInt(v, 10))
		}
	}
	if !at.IsZero() {
		q.Set("at", at.UTC().Format(time.RFC3339))
	}
	var out []oncall.Current
	err := c.getList(ctx, "/api/v1/oncall", q, "oncall", &out)
	return out, err
}

// Shifts lists a user's shifts over a range.
func (c *Client) Shifts(ctx context.Context, userID int64, from, to time.Time) ([]oncall.Shift, error) {
	q := rangeQuery(from, to)
	q.Set("user", strconv.FormatInt(userID, 10))
	var out []oncall.Shift
	err := c.getList(ctx, "/api/v1/oncall/shifts", q, "shifts", &out)
	return out, err
}

// CalendarFeeds lists the caller's calendar feeds.
func (c *Client) CalendarFeeds(ctx context.Context) ([]oncall.CalendarToken, error) {
	var out []oncall.CalendarToken
	err := c.getList(ctx, "/api/v1/calendar-feeds", nil, "feeds", &out)
	return out, err
}

// CreateCalendarFeed makes a secret feed URL of a schedule, or (0) of the caller's shifts.
func (c *Client) CreateCalendarFeed(ctx context.Context, scheduleID int64) (CalendarFeed, error) {
	var out CalendarFeed
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/calendar-feeds", body: map[string]int64{"schedule_id": scheduleID}}, &out)
	return out, err
}

// RotateCalendarFeed replaces a feed's secret URL.
func (c *Client) RotateCalendarFeed(ctx context.Context, id int64) (CalendarFeed, error) {
	var out CalendarFeed
	err := c.do(ctx, request{method: http.MethodPost, path: "/api/v1/calendar-feeds/" + pathID(id) + "/rotate"}, &out)
	return out, err
}

// RevokeCalendarFeed stops a feed URL from working.
func (c *Client) RevokeCalendarFeed(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/calendar-feeds/" + pathID(id)}, nil)
}
