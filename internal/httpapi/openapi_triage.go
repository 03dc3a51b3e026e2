package httpapi

import (
	"maps"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// allOperations is every documented operation: the foundation's and the
// Detect stage's (kept in their own table so each capability owns its file).
func allOperations() map[string]op {
	all := maps.Clone(operations)
	maps.Copy(all, detectOperations)
	maps.Copy(all, statusOperations)
	maps.Copy(all, pagingOperations)
	maps.Copy(all, oncallOperations)
	maps.Copy(all, notificationOperations)
	maps.Copy(all, postmortemOperations)
	maps.Copy(all, publishingOperations)
	maps.Copy(all, chatOperations)
	return all
}

var limitParam = param{name: "limit", desc: "At most this many, 1–500 (default 100).", schema: obj{"type": "integer", "minimum": 1, "maximum": 500}}

// detectOperations describes the Detect stage's routes. The senders'
// endpoints (/integrations/…, /v2/enqueue, /v2/alerts) are not part of this
// API: they follow the formats of Alertmanager, Grafana, PagerDuty and
// Opsgenie, documented by those projects.
var detectOperations = map[string]op{
	"GET /api/v1/triage": {
		tag: "detect", summary: "The triage queue, newest first",
		desc:   "Alert groups waiting for a First Responder to declare an incident or dismiss them, each with its alerts, and the reasons a dismissal may give.",
		status: 200, resp: triageQueue{},
	},
	"POST /api/v1/triage/{id}/declare": {
		tag: "detect", summary: "Declare an incident from a triage item",
		desc: "Title, severity (from the most severe alert) and service are prefilled from the alerts; the caller becomes First Responder. " +
			"409 when the item already left the queue. Needs the responder level.",
		body: detect.DeclareOptions{}, status: 201, resp: incidentView{}, etag: true, errors: []int{409},
	},
	"POST /api/v1/triage/{id}/dismiss": {
		tag: "detect", summary: "Dismiss a triage item with a reason",
		desc: "The reason is one of `dismiss_reasons` (GET /api/v1/triage); the note is free text. Kept for statistics of noisy alerts.",
		body: dismissBody{}, status: 200, resp: detect.Group{}, errors: []int{409},
	},
	"POST /api/v1/triage/{id}/merge": {
		tag: "detect", summary: "Merge a triage item into an open incident",
		desc: "The incident must be in detect or fix; its timeline gets a note.",
		body: mergeBody{}, status: 200, resp: detect.Group{}, errors: []int{409},
	},
	"GET /api/v1/alert-groups": {
		tag: "detect", summary: "Alert groups, newest first",
		query: []param{
			{name: "triage", desc: "Only these triage states; repeat or separate with commas.", schema: obj{"type": "string", "enum": []string{
				detect.TriagePending, detect.TriageDeclaring, detect.TriageDeclared, detect.TriageMerged, detect.TriageDismissed, detect.TriageSelfResolved, detect.TriageSuppressed}}, repeat: true},
			{name: "open", desc: "true: only groups with an unresolved alert.", schema: obj{"type": "boolean"}},
			{name: "service", desc: "Only groups of this catalog service (by name).", schema: obj{"type": "string"}},
			limitParam,
		},
		status: 200, resp: groupList{},
	},
	"GET /api/v1/alert-groups/{id}": {tag: "detect", summary: "One alert group with its alerts", status: 200, resp: detect.Item{}},
	"GET /api/v1/alerts": {
		tag: "detect", summary: "Alerts, newest first",
		query: []param{
			{name: "status", desc: "Only alerts in this status.", schema: obj{"type": "string", "enum": []string{detect.StatusFiring, detect.StatusAcknowledged, detect.StatusResolved}}},
			{name: "group", desc: "Only alerts of this alert group.", schema: obj{"type": "integer"}},
			limitParam,
		},
		status: 200, resp: alertList{},
	},
	"GET /api/v1/alerts/{id}":  {tag: "detect", summary: "One alert", status: 200, resp: detect.Alert{}},
	"GET /api/v1/integrations": {tag: "detect", summary: "Every integration (keys are never shown again)", status: 200, resp: integrationList{}},
	"POST /api/v1/integrations": {
		tag: "detect", summary: "Add an integration (admins)",
		desc: "Kinds: alertmanager, grafana, pagerduty, opsgenie, webhook (needs a CEL `mapping`), heartbeat (needs `heartbeat_minutes`). " +
			"The answer carries the integration key once; only its hash is stored.",
		body: detect.NewIntegration{}, status: 201, resp: detect.CreatedIntegration{},
	},
	"POST /api/v1/integrations/test-mapping": {
		tag: "detect", summary: "Run a webhook mapping on a sample payload",
		desc: "Compiles the CEL expressions and applies them to `payload`, returning the alert event it would make. Nothing is stored.",
		body: testMappingBody{}, status: 200, resp: mappedEvent{},
	},
	"GET /api/v1/integrations/{id}":    {tag: "detect", summary: "One integration", status: 200, resp: detect.Integration{}},
	"DELETE /api/v1/integrations/{id}": {tag: "detect", summary: "Delete an integration and its alerts (admins)", status: 204},
	"GET /api/v1/routing-rules":        {tag: "detect", summary: "The routing rules, in the order they are evaluated: the configuration file's (source: config, read-only), then the stored ones", status: 200, resp: ruleList{}},
	"PUT /api/v1/routing-rules": {
		tag: "detect", summary: "Replace the routing rules (admins)",
		desc: "Rules are evaluated in order; the first whose CEL `condition` (over labels, severity, source, title, integration, kind, service) " +
			"holds decides the service and the action: declare (at `severity`), triage, or suppress. No match: triage. " +
			"Rules from the configuration file (`detect.routing_rules`) come first, marked `\"source\": \"config\"`; they are read-only, " +
			"and skipped when sent here, so a list read with GET may be sent back.",
		body: ruleList{}, status: 200, resp: ruleList{},
	},
	"PUT /api/v1/teams/{id}/triage-hook": {
		tag: "detect", summary: "Set the webhook a team hears new triage items on (admins)",
		desc: "Until on-call paging exists, each new triage item of a service is posted (signed with `secret`, X-Firebreak-Signature) to its owner team's hook. An empty url removes it.",
		body: triageHookBody{}, status: 204,
	},
}
