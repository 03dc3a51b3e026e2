package httpapi

import "github.com/firebreak-hq/firebreak/internal/oncall"

// oncallPathParams describes the path parameters of the on-call routes.
var oncallPathParams = map[string]string{
	"schedule": "A schedule id.",
	"override": "An override id.",
	"feed":     "A calendar feed id.",
}

var (
	fromParam = param{name: "from", desc: "Start of the range, RFC 3339 (default: now).", schema: obj{"type": "string", "format": "date-time"}}
	toParam   = param{name: "to", desc: "End of the range, RFC 3339 (default: a week after from; at most 400 days).", schema: obj{"type": "string", "format": "date-time"}}
)

const scheduleDesc = "A schedule is layers in one IANA time zone; the first layer is the top one. Each layer is a rotation " +
	"(participants in order, a shift of `length` `unit`s — hours, days or weeks —, a handoff time `HH:MM` and, for weekly rotations, " +
	"`handoff_day` 0 (Sunday)–6, and a `start` date) with optional restrictions: `daily` windows (on `days`, all when empty) or " +
	"`weekly` windows (`from_day` `from` → `to_day` `to`); a `to` at or before `from` runs past midnight. Handoffs keep their local " +
	"time across DST changes. Admins, and responders who are members of the schedule's team, may create and change schedules. " +
	"The answer carries `warnings`: gaps in coverage over the next four weeks and layers without participants."

// oncallOperations describes the on-call routes for the OpenAPI document.
var oncallOperations = map[string]op{
	"GET /api/v1/schedules": {tag: "on-call", summary: "List schedules by name",
		query: []param{{name: "team", desc: "Only the schedules of this team.", schema: obj{"type": "integer"}}}, status: 200, resp: scheduleList{}},
	"POST /api/v1/schedules":           {tag: "on-call", summary: "Create a schedule", desc: scheduleDesc, body: scheduleInput{}, status: 201, resp: oncall.Saved{}, etag: true, errors: []int{409}},
	"POST /api/v1/schedules/preview":   {tag: "on-call", summary: "What a schedule would do, before saving it", desc: "Validates the schedule and computes its layers, final timeline and gaps over `from`–`to` (default two weeks from now), with the stored overrides of `schedule_id` when it edits an existing one. Nothing is saved.", body: schedulePreviewBody{}, status: 200, resp: schedulePreviewResult{}},
	"GET /api/v1/schedules/{schedule}": {tag: "on-call", summary: "One schedule", status: 200, resp: oncall.Schedule{}, etag: true},
	"PUT /api/v1/schedules/{schedule}": {tag: "on-call", summary: "Replace a schedule", desc: scheduleDesc + " Name the version you read in If-Match or `version` to be refused (412) if it changed since.",
		headers: []param{{name: "If-Match", desc: `The ETag you read, e.g. "3".`, schema: obj{"type": "string"}}}, body: scheduleInput{}, status: 200, resp: oncall.Saved{}, etag: true, errors: []int{409, 412}},
	"DELETE /api/v1/schedules/{schedule}": {tag: "on-call", summary: "Delete a schedule with its overrides and calendar feeds", status: 204},
	"GET /api/v1/schedules/{schedule}/timeline": {tag: "on-call", summary: "A schedule over a range: each layer, the overrides and the final timeline",
		desc:  "`final` is who is on call after layers, restrictions and overrides; a span with `user_id` 0 is a gap. `layer` is the index of the layer that decides (-1 for an override).",
		query: []param{fromParam, toParam}, status: 200, resp: oncall.View{}},
	"GET /api/v1/schedules/{schedule}/overrides": {tag: "on-call", summary: "A schedule's overrides overlapping a range", query: []param{fromParam, toParam}, status: 200, resp: overrideList{}},
	"POST /api/v1/schedules/{schedule}/overrides": {tag: "on-call", summary: "Put someone on call over a range (responders)",
		desc: "Above every layer; among overlapping overrides the last entered wins. Recorded with who entered it and who was on call.", body: overrideBody{}, status: 201, resp: oncall.Override{}},
	"DELETE /api/v1/schedules/{schedule}/overrides/{override}": {tag: "on-call", summary: "Remove an override (both halves of a swap)",
		desc: "Its author, the people it concerns, members of the schedule's team and admins may.", status: 204},
	"POST /api/v1/schedules/{schedule}/take": {tag: "on-call", summary: "Take a shift: put yourself on call over a range (responders)", body: takeBody{}, status: 201, resp: oncall.Override{}},
	"POST /api/v1/schedules/{schedule}/swaps": {tag: "on-call", summary: "Swap two stretches between the people on call at their starts (responders)",
		desc: "Recorded as two linked overrides.", body: swapBody{}, status: 201, resp: swapResult{}},
	"GET /api/v1/oncall": {tag: "on-call", summary: "Who is on call now or at a time",
		desc: "Per schedule (all, or `schedule`, or a `team`'s), with since, until and who is next; with `user`, only the schedules that have that user on call.",
		query: []param{{name: "schedule", desc: "A schedule id.", schema: obj{"type": "integer"}}, {name: "team", desc: "A team id.", schema: obj{"type": "integer"}},
			{name: "user", desc: "A user id.", schema: obj{"type": "integer"}}, {name: "at", desc: "RFC 3339 (default: now).", schema: obj{"type": "string", "format": "date-time"}}},
		status: 200, resp: onCallResult{}},
	"GET /api/v1/oncall/shifts": {tag: "on-call", summary: "A user's shifts in every schedule over a range",
		query: []param{{name: "user", desc: "A user id (required).", schema: obj{"type": "integer"}}, fromParam, toParam}, status: 200, resp: shiftList{}},
	"GET /api/v1/calendar-feeds": {tag: "on-call", summary: "Your calendar feeds (without their secret URLs)", status: 200, resp: feedList{}},
	"POST /api/v1/calendar-feeds": {tag: "on-call", summary: "Create a secret iCalendar feed URL of a schedule, or (schedule_id 0) of your shifts",
		desc: "Calendar clients cannot sign in, so the URL is the credential: shown once, stored hashed, revocable. The feed holds the shifts from 8 weeks back to 26 weeks ahead.",
		body: feedBody{}, status: 201, resp: feedCreated{}},
	"POST /api/v1/calendar-feeds/{feed}/rotate": {tag: "on-call", summary: "Replace a feed's secret URL; the old one stops working", status: 201, resp: feedCreated{}},
	"DELETE /api/v1/calendar-feeds/{feed}":      {tag: "on-call", summary: "Revoke a feed URL", status: 204},
}
