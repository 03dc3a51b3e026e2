package httpapi

import "github.com/firebreak-hq/firebreak/internal/statuspage"

// statusPathParams describes the path parameters of the status-page routes.
var statusPathParams = map[string]string{
	"page":        "A status page id.",
	"group":       "A component group id.",
	"component":   "A component id.",
	"incident":    "A public incident (or maintenance) id.",
	"update":      "An update id.",
	"subscriber":  "A subscriber id.",
	"status":      "An incident status: investigating, identified, monitoring or resolved.",
	"pageid":      "A status page id or slug (Statuspage's page_id).",
	"incidentid":  "A public incident id (Statuspage's incident_id).",
	"componentid": "A component id (Statuspage's component_id).",
}

var publishDesc = "Creates or updates the public incident of this incident on the page (`page_id`, default the default page), " +
	"sets the statuses of the components named, records `status_update_published` on the timeline and queues the " +
	"subscriber deliveries and the next-update reminder — all in one transaction. Only the incident's Communications " +
	"Manager or Incident Manager, or an admin, may publish."

// statusOperations describes the status-page routes for the OpenAPI document.
var statusOperations = map[string]op{
	"GET /api/v1/status-pages":                          {tag: "status pages", summary: "List status pages", status: 200, resp: statusPageList{}},
	"POST /api/v1/status-pages":                         {tag: "status pages", summary: "Create a status page (admins)", body: statuspage.PageInput{}, status: 201, resp: statusPageView{}, errors: []int{409}},
	"GET /api/v1/status-pages/{page}":                   {tag: "status pages", summary: "A status page with its groups and components", status: 200, resp: statusPageView{}},
	"PATCH /api/v1/status-pages/{page}":                 {tag: "status pages", summary: "Change a status page (admins)", body: statuspage.PageInput{}, status: 200, resp: statusPageView{}, errors: []int{409}},
	"DELETE /api/v1/status-pages/{page}":                {tag: "status pages", summary: "Delete a status page and everything on it (admins; not the default page)", status: 204},
	"POST /api/v1/status-pages/{page}/groups":           {tag: "status pages", summary: "Add a component group (admins)", body: statuspage.GroupInput{}, status: 201, resp: statuspage.Group{}, errors: []int{409}},
	"PATCH /api/v1/status-pages/{page}/groups/{group}":  {tag: "status pages", summary: "Change a component group (admins)", body: statuspage.GroupInput{}, status: 200, resp: statuspage.Group{}, errors: []int{409}},
	"DELETE /api/v1/status-pages/{page}/groups/{group}": {tag: "status pages", summary: "Delete a component group; its components stay, ungrouped (admins)", status: 204},
	"GET /api/v1/status-pages/{page}/components":        {tag: "status pages", summary: "List a page's components", status: 200, resp: componentList{}},
	"POST /api/v1/status-pages/{page}/components": {tag: "status pages", summary: "Add a component (admins)",
		desc: "`services` links the component to catalog services: a draft for an incident affecting them names the component.", body: statuspage.ComponentInput{}, status: 201, resp: statuspage.Component{}, errors: []int{409}},
	"PATCH /api/v1/status-pages/{page}/components/{component}": {tag: "status pages", summary: "Change a component",
		desc: "Admins change anything; responders may change only `status`. Every status change is kept in the history the uptime bars are computed from.", body: statuspage.ComponentInput{}, status: 200, resp: statuspage.Component{}, errors: []int{409}},
	"DELETE /api/v1/status-pages/{page}/components/{component}": {tag: "status pages", summary: "Delete a component and its history (admins)", status: 204},
	"GET /api/v1/status-pages/{page}/incidents":                 {tag: "status pages", summary: "The page's public incidents and maintenance of the past year, newest first", status: 200, resp: publicIncidentList{}},
	"POST /api/v1/status-pages/{page}/incidents": {tag: "status pages", summary: "Publish a public incident that no internal incident stands behind",
		desc: "For incidents of an internal incident use POST /api/v1/incidents/{ref}/status-updates, which records them on its timeline.", body: statuspage.UpdateInput{}, status: 201, resp: statuspage.Published{}},
	"GET /api/v1/status-pages/{page}/incidents/{incident}":    {tag: "status pages", summary: "A public incident with its updates, newest first", status: 200, resp: statuspage.Incident{}},
	"DELETE /api/v1/status-pages/{page}/incidents/{incident}": {tag: "status pages", summary: "Delete a public incident published by mistake (admins)", status: 204},
	"POST /api/v1/status-pages/{page}/incidents/{incident}/updates": {tag: "status pages", summary: "Post an update of a public incident or maintenance",
		desc: "An incident's statuses are investigating, identified, monitoring, resolved; a maintenance's scheduled, in_progress, verifying, completed. " +
			"Updates of a public incident that an internal incident stands behind follow the rules of POST /api/v1/incidents/{ref}/status-updates.",
		body: statuspage.UpdateInput{}, status: 201, resp: statuspage.Published{}},
	"GET /api/v1/status-pages/{page}/incidents/{incident}/updates/{update}/deliveries": {tag: "status pages", summary: "How an update reached each subscriber (admins)", status: 200, resp: deliveryList{}},
	"POST /api/v1/status-pages/{page}/maintenance": {tag: "status pages", summary: "Schedule a maintenance",
		desc: "It moves to in_progress when its window opens (its components go under maintenance) and to completed when it closes, unless updated by hand before.", body: statuspage.MaintenanceInput{}, status: 201, resp: statuspage.Published{}},
	"GET /api/v1/status-pages/{page}/export": {tag: "status pages", summary: "The whole public site of a page as static files",
		desc: "HTML, JSON and feeds, built with links under `root` (default: the root of a host), for hosting the status page somewhere " +
			"that stays up when Firebreak is down (`firebreak statuspage export DIR`). If-None-Match with the ETag gives 304 while nothing changed.",
		query:   []param{{name: "root", desc: "Path prefix of the links, e.g. /status; empty for a host's root.", schema: obj{"type": "string"}}},
		headers: []param{{name: "If-None-Match", desc: "The ETag of the export you hold.", schema: obj{"type": "string"}}},
		status:  200, resp: exportDoc{}, etag: true, errors: []int{304}},
	"GET /api/v1/status-pages/{page}/subscribers": {tag: "status pages", summary: "List a page's subscribers (admins)", status: 200, resp: subscriberList{}},
	"POST /api/v1/status-pages/{page}/subscribers": {tag: "status pages", summary: "Add a subscriber (admins)",
		desc: "A webhook subscriber is active at once and its signing secret is in the answer, once. An email subscriber still confirms by the link sent to them.", body: statuspage.SubscriberInput{}, status: 201, resp: subscriberCreated{}},
	"DELETE /api/v1/status-pages/{page}/subscribers/{subscriber}": {tag: "status pages", summary: "Remove a subscriber (admins)", status: 204},
	"GET /api/v1/status-templates":                                {tag: "status pages", summary: "The public-update template of each status, and the variables they may use", status: 200, resp: templateList{}},
	"PUT /api/v1/status-templates/{status}":                       {tag: "status pages", summary: "Replace the template of one status (admins)", body: templateBody{}, status: 200, resp: statuspage.Template{}},
	"GET /api/v1/status-cadence":                                  {tag: "status pages", summary: "How often each severity needs a public update", status: 200, resp: cadenceDoc{}},
	"PUT /api/v1/status-cadence": {tag: "status pages", summary: "Replace the update cadence (admins)",
		desc: "Severity → Go duration, e.g. {\"SEV1\": \"30m\"}; a severity not listed has no cadence.", body: cadenceDoc{}, status: 200, resp: cadenceDoc{}},
	"GET /api/v1/status-channels":         {tag: "status pages", summary: "Internal stakeholder channels (admins)", status: 200, resp: channelList{}},
	"POST /api/v1/status-channels":        {tag: "status pages", summary: "Add an internal channel: an email list or a webhook (admins)", body: channelBody{}, status: 201, resp: channelCreated{}, errors: []int{409}},
	"DELETE /api/v1/status-channels/{id}": {tag: "status pages", summary: "Remove an internal channel (admins)", status: 204},
	"GET /api/v1/incidents/{ref}/communications": {tag: "status pages", summary: "The communications of an incident, with a proposed next update",
		desc: "Public incidents and stakeholder updates so far, when the next public update is due, and a draft from the template of the proposed status " +
			"(`status` asks for another one; `page` for another page). When the incident is resolved and its public incident is not, the draft is the Resolved update.",
		query:  []param{{name: "page", desc: "A status page id.", schema: obj{"type": "integer"}}, {name: "status", desc: "The status to draft.", schema: obj{"type": "string"}}},
		status: 200, resp: statuspage.Communications{}},
	"POST /api/v1/incidents/{ref}/status-updates":         {tag: "status pages", summary: "Publish a public update of an incident", desc: publishDesc, body: statuspage.UpdateInput{}, status: 201, resp: statuspage.Published{}},
	"POST /api/v1/incidents/{ref}/status-updates/preview": {tag: "status pages", summary: "Render an update as the public page will show it (sanitized HTML)", body: statuspage.UpdateInput{}, status: 200, resp: statuspage.PreviewResult{}},
	"GET /api/v1/incidents/{ref}/stakeholder-updates":     {tag: "status pages", summary: "An incident's internal stakeholder updates, newest first", status: 200, resp: stakeholderList{}},
	"POST /api/v1/incidents/{ref}/stakeholder-updates": {tag: "status pages", summary: "Send an internal stakeholder update",
		desc: "Sent to every internal channel through the job queue and recorded on the timeline. Same permission as public updates.", body: stakeholderBody{}, status: 201, resp: statuspage.StakeholderUpdate{}},

	"GET /v1/pages/{pageid}/incidents": {tag: "statuspage v1", summary: "Statuspage-compatible: list incidents",
		desc: "Atlassian Statuspage REST v1 shape. Authenticate with \"Authorization: OAuth <API token>\" (or Bearer).", status: 200, respSchema: obj{"type": "array", "items": obj{"type": "object"}}},
	"POST /v1/pages/{pageid}/incidents": {tag: "statuspage v1", summary: "Statuspage-compatible: create an incident",
		desc: "Body {\"incident\": {\"name\", \"status\", \"body\", \"component_ids\", \"components\": {id: status}}}; Statuspage's other fields are accepted and ignored.",
		body: v1IncidentBody{}, status: 201, resp: statuspage.APIIncident{}},
	"PATCH /v1/pages/{pageid}/incidents/{incidentid}": {tag: "statuspage v1", summary: "Statuspage-compatible: update an incident (posts an update)", body: v1IncidentBody{}, status: 200, resp: statuspage.APIIncident{}},
	"GET /v1/pages/{pageid}/components":               {tag: "statuspage v1", summary: "Statuspage-compatible: list components", status: 200, respSchema: obj{"type": "array", "items": obj{"type": "object"}}},
	"PATCH /v1/pages/{pageid}/components/{componentid}": {tag: "statuspage v1", summary: "Statuspage-compatible: update a component",
		body: v1ComponentBody{}, status: 200, resp: statuspage.APIComponent{}},
}
