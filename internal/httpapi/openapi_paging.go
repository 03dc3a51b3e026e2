package httpapi

import "github.com/firebreak-hq/firebreak/internal/paging"

// pagingOperations describes the pager's routes.
var pagingOperations = map[string]op{
	"GET /api/v1/pages": {
		tag: "paging", summary: "Pages, newest first",
		query: []param{
			{name: "status", desc: "Only these states; repeat or separate with commas.", schema: obj{"type": "string", "enum": []string{"triggered", "acknowledged", "resolved", "suppressed"}}, repeat: true},
			{name: "open", desc: "true: only triggered and acknowledged pages.", schema: obj{"type": "boolean"}},
			{name: "mine", desc: "true: only pages that notified the caller or that the caller acted on.", schema: obj{"type": "boolean"}},
			{name: "service", desc: "Only pages of this catalog service (by name): the service's page history.", schema: obj{"type": "string"}},
			limitParam,
		},
		status: 200, resp: pageList{},
	},
	"POST /api/v1/pages": {
		tag: "paging", summary: "Page a person or a team now",
		desc: "A team is paged through whoever is on call on its schedules. Needs the responder level.",
		body: newPageBody{}, status: 201, resp: paging.Page{},
	},
	"GET /api/v1/pages/{id}": {tag: "paging", summary: "One page with its timeline (steps fired, people notified, delivery outcomes)", status: 200, resp: pageDetail{}},
	"POST /api/v1/pages/{id}/acknowledge": {
		tag: "paging", summary: "Acknowledge a page: escalation stops",
		desc:   "The caller becomes First Responder of the incident declared from the page's triage item. 409 when the page is no longer triggered.",
		status: 200, resp: paging.Page{}, errors: []int{409},
	},
	"POST /api/v1/pages/{id}/resolve":  {tag: "paging", summary: "Resolve a page", status: 200, resp: paging.Page{}, errors: []int{409}},
	"POST /api/v1/pages/{id}/escalate": {tag: "paging", summary: "Escalate a page now to its next step (an acknowledged page is triggered again)", status: 200, resp: paging.Page{}, errors: []int{409}},
	"POST /api/v1/pages/{id}/reassign": {
		tag: "paging", summary: "Hand a page to a person or an escalation policy",
		desc: "Set user_id or policy_id; the page starts again from the first step of the new policy.",
		body: reassignBody{}, status: 200, resp: paging.Page{}, errors: []int{409},
	},
	"GET /api/v1/escalation-policies": {tag: "paging", summary: "Escalation policies by name", status: 200, resp: policyList{}},
	"POST /api/v1/escalation-policies": {
		tag: "paging", summary: "Create an escalation policy",
		desc: "Ordered steps, each with targets (user, schedule, team) and a delay in minutes before the next step; the whole policy repeats `repeat` more times. Admins only.",
		body: paging.Policy{}, status: 201, resp: paging.Policy{}, etag: true,
	},
	"POST /api/v1/escalation-policies/preview": {
		tag: "paging", summary: "What a policy would do, before saving it",
		desc: "Every step of every round with the time it fires for a page raised at `start` (default now) that no one acknowledges, and the people on call then.",
		body: previewBody{}, status: 200, resp: previewResult{},
	},
	"GET /api/v1/escalation-policies/{id}": {tag: "paging", summary: "One escalation policy", status: 200, resp: paging.Policy{}, etag: true},
	"PUT /api/v1/escalation-policies/{id}": {
		tag: "paging", summary: "Replace an escalation policy",
		desc: "Pages under way keep the copy they started with. Admins only.", body: paging.Policy{}, status: 200, resp: paging.Policy{}, etag: true,
		headers: []param{{name: "If-Match", desc: "The version the change is based on (412 when stale).", schema: obj{"type": "string"}}},
	},
	"DELETE /api/v1/escalation-policies/{id}": {tag: "paging", summary: "Delete an escalation policy no service uses", status: 204, errors: []int{409}},
	"GET /api/v1/services/{id}/paging":        {tag: "paging", summary: "How a service is paged: its escalation policy and Incident-Manager schedule", status: 200, resp: paging.ServicePaging{}},
	"PUT /api/v1/services/{id}/paging": {
		tag: "paging", summary: "Set a service's escalation policy and Incident-Manager schedule",
		desc: "0 clears either. Declaring an incident on the service pages the Incident-Manager schedule. Admins only.",
		body: paging.ServicePaging{}, status: 200, resp: paging.ServicePaging{},
	},
	"GET /api/v1/maintenance-windows": {
		tag: "paging", summary: "Maintenance windows that are current or ahead",
		query: []param{
			{name: "service", desc: "Only this catalog service's (by name).", schema: obj{"type": "string"}},
			{name: "all", desc: "true: past windows too.", schema: obj{"type": "boolean"}},
		},
		status: 200, resp: windowList{},
	},
	"POST /api/v1/maintenance-windows": {
		tag: "paging", summary: "Schedule a maintenance window for a service",
		desc: "While it lasts, the service's new pages are suppressed: kept and shown, not sent. Needs the responder level.",
		body: paging.Window{}, status: 201, resp: paging.Window{},
	},
	"POST /api/v1/maintenance-windows/{id}/end": {tag: "paging", summary: "End a maintenance window now", status: 200, resp: paging.Window{}},
}
