package httpapi

import "github.com/firebreak-hq/firebreak/internal/postmortem"

// pmPathParams describes the path parameters of the postmortem routes.
var pmPathParams = map[string]string{
	"version":  "A version number of the postmortem's body (1 is the draft from the template).",
	"item":     "An action item id.",
	"template": "A postmortem template id.",
}

var pmRefNote = " `{ref}` is the incident's id (INC-42): a postmortem belongs to its incident."

// postmortemOperations describes the Improve stage's routes.
var postmortemOperations = map[string]op{
	"GET /api/v1/postmortems": {tag: "postmortems", summary: "List postmortems, newest incident first",
		query:  []param{{name: "status", desc: "draft, in_review, published or waived; empty for all.", schema: obj{"type": "string"}}, limitParam},
		status: 200, resp: postmortemList{}},
	"GET /api/v1/postmortems/{ref}": {tag: "postmortems", summary: "A postmortem with the incident's facts, its agenda and the blameless check's warnings",
		desc:   "Drafted from the default template when the incident enters Improve; the basic-information block and the timeline are kept in sync with the incident until it is published." + pmRefNote,
		status: 200, resp: postmortemView{}, etag: true},
	"PUT /api/v1/postmortems/{ref}": {tag: "postmortems", summary: "Save a new version of the body",
		desc: "Send the version you edited (body `version` or If-Match); a newer stored version answers 412 with the current postmortem, so you can merge. The blameless check only warns.",
		body: pmEditBody{}, status: 200, resp: postmortemView{}, etag: true, errors: []int{409, 412}},
	"POST /api/v1/postmortems/{ref}/preview":           {tag: "postmortems", summary: "Render a body as the postmortem page shows it (sanitized HTML) with the blameless warnings", body: pmPreviewBody{}, status: 200, resp: pmPreviewResult{}},
	"GET /api/v1/postmortems/{ref}/versions":           {tag: "postmortems", summary: "Every saved version: who changed it, when, and why (bodies left out)", status: 200, resp: pmVersionList{}},
	"GET /api/v1/postmortems/{ref}/versions/{version}": {tag: "postmortems", summary: "One version with its line diff against the one before", status: 200, resp: pmVersionView{}},
	"GET /api/v1/postmortems/{ref}/meeting":            {tag: "postmortems", summary: "The postmortem meeting", status: 200, resp: postmortem.Meeting{}},
	"PUT /api/v1/postmortems/{ref}/meeting": {tag: "postmortems", summary: "Schedule or reschedule the meeting (the Incident Manager)",
		desc: "At most postmortem.meeting_within (14 days) after the resolve and postmortem.meeting_max (90 minutes) long. Everyone involved is invited by email " +
			"with an iCalendar invitation (METHOD:REQUEST; a reschedule keeps the UID and raises SEQUENCE), and reminded of their 5-Why form before it.",
		body: postmortem.MeetingInput{}, status: 200, resp: postmortem.Meeting{}, errors: []int{409}},
	"DELETE /api/v1/postmortems/{ref}/meeting":     {tag: "postmortems", summary: "Cancel the meeting (METHOD:CANCEL to every invitee)", status: 200, resp: postmortem.Meeting{}, errors: []int{409}},
	"POST /api/v1/postmortems/{ref}/meeting/start": {tag: "postmortems", summary: "Start the meeting's timebox", status: 200, resp: postmortem.Meeting{}, errors: []int{409}},
	"POST /api/v1/postmortems/{ref}/meeting/end":   {tag: "postmortems", summary: "End the meeting", status: 200, resp: postmortem.Meeting{}, errors: []int{409}},
	"PUT /api/v1/postmortems/{ref}/meeting/notes":  {tag: "postmortems", summary: "Save the meeting notes", body: pmNotesBody{}, status: 200, resp: postmortem.Meeting{}, errors: []int{412}},
	"GET /api/v1/postmortems/{ref}/form":           {tag: "postmortems", summary: "Your own 5-Why preparation form (the involved only)", status: 200, resp: postmortem.Form{}},
	"PUT /api/v1/postmortems/{ref}/form":           {tag: "postmortems", summary: "Save your 5-Why form as a draft, or submit it", desc: "What you saw and did, and up to five answers to \"why?\"; `submit` true submits.", body: pmFormBody{}, status: 200, resp: postmortem.Form{}, errors: []int{409}},
	"GET /api/v1/postmortems/{ref}/answers":        {tag: "postmortems", summary: "Everyone's 5-Why answers side by side, disagreements marked (the Incident Manager)", status: 200, resp: postmortem.Answers{}},
	"POST /api/v1/postmortems/{ref}/answers/pull":  {tag: "postmortems", summary: "Pull the submitted answers into the contributing factors, as unnamed perspectives", body: pmVersionBody{}, status: 200, resp: postmortemView{}, errors: []int{409, 412}},
	"GET /api/v1/postmortems/{ref}/action-items":   {tag: "postmortems", summary: "The postmortem's action items", status: 200, resp: pmItemList{}},
	"POST /api/v1/postmortems/{ref}/action-items": {tag: "postmortems", summary: "Capture an action item",
		desc: "Labels pm-action-item and inc-<n> are always set. Important and urgent items are due by default, and at the latest, postmortem.priority_within (6 weeks) after the meeting; " +
			"other items need a due date agreed with a product owner, named in `product_owner`.",
		body: postmortem.ItemInput{}, status: 201, resp: postmortem.ActionItem{}, etag: true, errors: []int{409}},
	"GET /api/v1/action-items": {tag: "postmortems", summary: "Action items across postmortems, soonest due first",
		query: []param{{name: "mine", desc: "true: only yours.", schema: obj{"type": "boolean"}}, {name: "open", desc: "true: only open ones.", schema: obj{"type": "boolean"}},
			{name: "owner", desc: "An owner's user id.", schema: obj{"type": "integer"}}, {name: "team", desc: "A team id.", schema: obj{"type": "integer"}},
			{name: "incident", desc: "An incident id, INC-42.", schema: obj{"type": "string"}}, limitParam},
		status: 200, resp: pmItemList{}},
	"PATCH /api/v1/action-items/{item}":        {tag: "postmortems", summary: "Change an action item (the owner may change its status)", body: pmItemPatch{}, status: 200, resp: postmortem.ActionItem{}, etag: true, errors: []int{412}},
	"POST /api/v1/action-items/{item}/done":    {tag: "postmortems", summary: "Mark an action item done", status: 200, resp: postmortem.ActionItem{}},
	"GET /api/v1/postmortems/{ref}/review":     {tag: "postmortems", summary: "The built-in review: reviewers, comments, approvals", status: 200, resp: postmortem.Review{}},
	"POST /api/v1/postmortems/{ref}/reviewers": {tag: "postmortems", summary: "Request reviewers (it moves to in review)", body: pmReviewersBody{}, status: 200, resp: postmortem.Review{}, errors: []int{409}},
	"POST /api/v1/postmortems/{ref}/review":    {tag: "postmortems", summary: "Approve, or request changes, as a requested reviewer", body: pmDecisionBody{}, status: 200, resp: postmortem.Review{}},
	"POST /api/v1/postmortems/{ref}/comments":  {tag: "postmortems", summary: "Comment on the review", body: pmCommentBody{}, status: 201, resp: postmortem.Comment{}},
	"POST /api/v1/postmortems/{ref}/publish": {tag: "postmortems", summary: "Publish the postmortem",
		desc:   "Built-in review: needs postmortem.approvals approvals, then publishes and records postmortem_published on the incident's timeline (the incident may close). Git review: submits it as a pull request; merging publishes.",
		status: 200, resp: postmortemView{}, errors: []int{409}},
	"POST /api/v1/postmortems/{ref}/waive": {tag: "postmortems", summary: "Waive the postmortem of a low-severity incident, with a reason (the Incident Manager)",
		desc: "Only severities in postmortem.waivable_severities; the two most severe levels never.", body: pmWaiveBody{}, status: 200, resp: postmortemView{}, errors: []int{409}},
	"GET /api/v1/postmortem-templates":               {tag: "postmortems", summary: "The postmortem templates (the built-in default when none is stored)", status: 200, resp: pmTemplateList{}},
	"POST /api/v1/postmortem-templates":              {tag: "postmortems", summary: "Add a template (admins)", desc: "{{ref}}, {{title}}, {{basic_info}}, {{timeline}} and {{action_items}} are filled when a postmortem is drafted.", body: pmTemplateBody{}, status: 201, resp: postmortem.Template{}, errors: []int{409}},
	"PUT /api/v1/postmortem-templates/{template}":    {tag: "postmortems", summary: "Replace a template (admins)", body: pmTemplateBody{}, status: 200, resp: postmortem.Template{}, errors: []int{409}},
	"DELETE /api/v1/postmortem-templates/{template}": {tag: "postmortems", summary: "Delete a template (admins)", status: 204},
	"GET /api/v1/postmortem-slos": {tag: "postmortems", summary: "The process SLOs",
		desc:   "Meetings held within 14 days of the resolve, 5-Why forms submitted before the meeting, resolve-to-publish times, important+urgent items done within 6 weeks, open overdue items by team.",
		query:  []param{{name: "window", desc: "Incidents resolved within this Go duration (default 8760h).", schema: obj{"type": "string"}}},
		status: 200, resp: postmortem.SLOs{}},
}
