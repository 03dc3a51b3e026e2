package httpapi

import (
	"reflect"
	"time"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// operations describes every route of routes.go for the OpenAPI document,
// keyed by the same method pattern.
var operations = map[string]op{
	"GET /api/v1/openapi.json": {
		tag: "meta", summary: "This OpenAPI document", status: 200,
		respSchema: obj{"type": "object", "description": "An OpenAPI 3.1 document."},
	},
	"POST /api/v1/login": {
		tag: "people", summary: "Sign in and get an API token",
		desc: "Checks a handle or email and password, starts a web session (set as the session cookie) and " +
			"creates an API token named `token_name` (default `cli`), which `firebreak login` stores. " +
			"Attempts are rate-limited per client address (429 with Retry-After). A wrong login or password is 401.",
		body: loginBody{}, status: 200, resp: loginResult{}, errors: []int{429},
	},
	"GET /api/v1/me": {
		tag: "people", summary: "The signed-in user", status: 200, resp: auth.User{},
	},

	"POST /api/v1/incidents": {
		tag: "incidents", summary: "Declare an incident",
		desc: "The declarer becomes First Responder (and Incident Manager with `take_incident_manager`). " +
			"Stage is `fix` unless `detect` is asked for; severity defaults to the middle of the scale " +
			"(GET /api/v1/severities); services must exist in the catalog. Needs the responder level.",
		body: incident.DeclareInput{}, status: 201, resp: incidentView{}, etag: true,
	},
	"GET /api/v1/incidents": {
		tag: "incidents", summary: "List incidents, newest first",
		query: []param{
			{name: "stage", desc: "Only these stages; repeat the parameter or separate with commas.", schema: obj{"type": "string", "enum": stageNames()}, repeat: true},
			{name: "severity", desc: "Only these severities; repeat or separate with commas.", schema: obj{"type": "string"}, repeat: true},
			{name: "service", desc: "Only incidents affecting this catalog service.", schema: obj{"type": "string"}},
			{name: "q", desc: "Words in the title.", schema: obj{"type": "string"}},
			{name: "open", desc: "true: only incidents in detect or fix.", schema: obj{"type": "boolean"}},
			{name: "limit", desc: "Incidents per page, 1–200 (default 50).", schema: obj{"type": "integer", "minimum": 1, "maximum": 200}},
			{name: "cursor", desc: "The `next` value of the previous page.", schema: obj{"type": "string"}},
		},
		status: 200, resp: incidentList{},
	},
	"GET /api/v1/incidents/{ref}": {
		tag: "incidents", summary: "One incident",
		headers: []param{{name: "If-None-Match", desc: "The ETag you hold; 304 when unchanged.", schema: obj{"type": "string"}}},
		status:  200, resp: incidentView{}, etag: true, errors: []int{304},
	},
	"PATCH /api/v1/incidents/{ref}": {
		tag: "incidents", summary: "Change fields of an incident",
		desc: "Only the fields present change. Name the version you read in If-Match (its ETag) or `version`; " +
			"without either the change is unconditional. Closed and dismissed incidents cannot change.",
		headers: []param{ifMatch},
		body:    patchBody{}, status: 200, resp: incidentView{}, etag: true,
	},
	"POST /api/v1/incidents/{ref}/stage": {
		tag: "incidents", summary: "Move an incident to another stage",
		desc: "Allowed: detect → fix or dismissed (with a reason); fix → resolved; resolved → fix (reopen) or improve; " +
			"improve → closed. Any other move is 400 with a message saying what is allowed next.",
		headers: []param{ifMatch},
		body:    stageBody{}, status: 200, resp: incidentView{}, etag: true,
	},
	"POST /api/v1/incidents/{ref}/roles": {
		tag: "incidents", summary: "Give a role to a person",
		desc: "Name the person by `user_id` or `handle`. A responder may take a vacant Incident Manager or First " +
			"Responder role; the Incident Manager (or an admin) appoints everyone else.",
		headers: []param{ifMatch},
		body:    roleBody{}, status: 200, resp: incidentView{}, etag: true, errors: []int{409},
	},
	"DELETE /api/v1/incidents/{ref}/roles/{role}/{user}": {
		tag: "incidents", summary: "Remove a person from a role",
		desc:    "The Incident Manager or an admin may remove anyone; a holder may step down.",
		headers: []param{ifMatch},
		status:  200, resp: incidentView{}, etag: true,
	},
	"POST /api/v1/incidents/{ref}/notes": {
		tag: "incidents", summary: "Add a note to the timeline",
		desc: "Notes never conflict, so no version is needed. Answers the incident; the note is the newest event of its timeline.",
		body: noteBody{}, status: 201, resp: incidentView{},
	},
	"POST /api/v1/incidents/{ref}/notes/{seq}/key-moment": {
		tag: "incidents", summary: "Mark a note as a key moment for the postmortem",
		status: 200, resp: incidentView{}, errors: []int{400},
	},
	"GET /api/v1/incidents/{ref}/timeline": {
		tag: "incidents", summary: "Every event of an incident, oldest first", status: 200, resp: timeline{},
	},
	"GET /api/v1/severities": {
		tag: "incidents", summary: "The severity scale, most severe first", status: 200, resp: severityList{},
	},

	"GET /api/v1/users": {tag: "people", summary: "Every user", status: 200, resp: userList{}},
	"POST /api/v1/users": {
		tag: "people", summary: "Add a user (admins)",
		body: auth.UserInput{}, status: 201, resp: auth.User{}, errors: []int{409},
	},
	"GET /api/v1/users/{id}": {tag: "people", summary: "One user", status: 200, resp: auth.User{}},
	"PATCH /api/v1/users/{id}": {
		tag: "people", summary: "Change a user",
		desc: "Admins may change anything; people may change their own name, email and time zone.",
		body: auth.UserPatch{}, status: 200, resp: auth.User{}, errors: []int{409},
	},
	"DELETE /api/v1/users/{id}": {tag: "people", summary: "Delete a user (admins)", status: 204, errors: []int{409}},

	"GET /api/v1/teams": {tag: "catalog", summary: "Every team", status: 200, resp: teamList{}},
	"POST /api/v1/teams": {
		tag: "catalog", summary: "Add a team (admins)",
		body: catalog.TeamInput{}, status: 201, resp: catalog.Team{}, errors: []int{409},
	},
	"GET /api/v1/teams/{id}": {tag: "catalog", summary: "One team", status: 200, resp: catalog.Team{}},
	"PATCH /api/v1/teams/{id}": {
		tag: "catalog", summary: "Rename or redescribe a team (admins)",
		body: catalog.TeamPatch{}, status: 200, resp: catalog.Team{}, errors: []int{409},
	},
	"DELETE /api/v1/teams/{id}": {tag: "catalog", summary: "Delete a team (admins)", status: 204},
	"PUT /api/v1/teams/{id}/members": {
		tag: "catalog", summary: "Replace the members of a team (admins)",
		body: membersBody{}, status: 200, resp: catalog.Team{},
	},
	"GET /api/v1/services": {tag: "catalog", summary: "The service catalog", status: 200, resp: serviceList{}},
	"POST /api/v1/services": {
		tag: "catalog", summary: "Add a service (admins)",
		body: catalog.ServiceInput{}, status: 201, resp: catalog.Service{}, errors: []int{409},
	},
	"GET /api/v1/services/{id}": {tag: "catalog", summary: "One service", status: 200, resp: catalog.Service{}},
	"PATCH /api/v1/services/{id}": {
		tag: "catalog", summary: "Change a service (admins)",
		body: catalog.ServicePatch{}, status: 200, resp: catalog.Service{}, errors: []int{409},
	},
	"DELETE /api/v1/services/{id}": {tag: "catalog", summary: "Delete a service (admins)", status: 204},

	"GET /api/v1/tokens": {tag: "tokens", summary: "Your API tokens (every token, for admins)", status: 200, resp: tokenList{}},
	"POST /api/v1/tokens": {
		tag: "tokens", summary: "Create an API token",
		desc: "The secret is in `token` of this answer only; it is never shown again.",
		body: tokenBody{}, status: 201, resp: createdToken{},
	},
	"DELETE /api/v1/tokens/{id}": {tag: "tokens", summary: "Revoke an API token", status: 204},
	"GET /api/v1/audit": {
		tag: "admin", summary: "The audit log, newest first (admins)",
		query: []param{
			{name: "before", desc: "The `next` value of the previous page.", schema: obj{"type": "integer"}},
			{name: "limit", desc: "Entries per page, 1–500 (default 100).", schema: obj{"type": "integer", "minimum": 1, "maximum": 500}},
		},
		status: 200, resp: auditPage{},
	},
}

var ifMatch = param{name: "If-Match", desc: `The ETag of the version you read, e.g. "3"; 412 if the incident changed since.`, schema: obj{"type": "string"}}

// pathParams describes the path parameters of every route.
var pathParams = map[string]struct {
	desc   string
	schema obj
}{
	"ref":  {"An incident: INC-4, inc-4 or 4.", obj{"type": "string", "pattern": "^([iI][nN][cC]-)?[0-9]+$"}},
	"id":   {"A numeric id (for users, also the handle).", obj{"type": "string"}},
	"role": {"An incident role.", obj{"type": "string", "enum": roleNames()}},
	"user": {"A user id or handle.", obj{"type": "string"}},
	"seq":  {"The sequence number of a note on the timeline.", obj{"type": "integer", "minimum": 1}},

	// Status pages (descriptions in openapi_statuspage.go).
	"page": {statusPathParams["page"], obj{"type": "integer"}}, "group": {statusPathParams["group"], obj{"type": "integer"}},
	"component": {statusPathParams["component"], obj{"type": "integer"}}, "incident": {statusPathParams["incident"], obj{"type": "integer"}},
	"update": {statusPathParams["update"], obj{"type": "integer"}}, "subscriber": {statusPathParams["subscriber"], obj{"type": "integer"}},
	"status": {statusPathParams["status"], obj{"type": "string"}}, "pageid": {statusPathParams["pageid"], obj{"type": "string"}},
	"incidentid": {statusPathParams["incidentid"], obj{"type": "string"}}, "componentid": {statusPathParams["componentid"], obj{"type": "string"}},

	// Postmortems (descriptions in openapi_postmortem.go).
	"version": {pmPathParams["version"], obj{"type": "integer"}}, "item": {pmPathParams["item"], obj{"type": "integer"}},
	"template": {pmPathParams["template"], obj{"type": "integer"}},
	// On-call (descriptions in openapi_oncall.go).
	"schedule": {oncallPathParams["schedule"], obj{"type": "integer"}}, "override": {oncallPathParams["override"], obj{"type": "integer"}},
	"feed": {oncallPathParams["feed"], obj{"type": "integer"}},

	// Notifications (descriptions in openapi_notification.go).
	"contact": {notificationPathParams["contact"], obj{"type": "integer"}}, "rule": {notificationPathParams["rule"], obj{"type": "integer"}},
}

func stageNames() []string {
	var out []string
	for _, s := range incident.Stages {
		out = append(out, string(s))
	}
	return out
}

func roleNames() []string {
	var out []string
	for _, r := range incident.AllRoles {
		out = append(out, string(r))
	}
	return out
}

func eventKinds() []string {
	return []string{string(incident.EventDeclared), string(incident.EventStageChanged), string(incident.EventFieldChanged),
		string(incident.EventRoleAssigned), string(incident.EventRoleRemoved), string(incident.EventNote), string(incident.EventKeyMoment),
		string(incident.EventStatusUpdatePublished), string(incident.EventStakeholderUpdate)}
}

// userDoc is the wire form of auth.User (which marshals its level as a
// name); a test checks that it matches what auth.User really writes.
type userDoc struct {
	ID        int64     `json:"id"`
	Handle    string    `json:"handle"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	TimeZone  string    `json:"time_zone"`
	Level     level     `json:"level"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type level string

// schemaOverrides describe types whose JSON form is not their Go fields.
var schemaOverrides = map[reflect.Type]reflect.Type{
	reflect.TypeFor[auth.User](): reflect.TypeFor[userDoc](),
}

// enums lists the values of string types with a fixed set.
var enums = map[reflect.Type][]string{
	reflect.TypeFor[incident.Stage]():     stageNames(),
	reflect.TypeFor[incident.Role]():      roleNames(),
	reflect.TypeFor[incident.EventKind](): eventKinds(),
	reflect.TypeFor[level]():              {"viewer", "responder", "admin"},
}

// required lists the fields a request body must have.
var required = map[reflect.Type][]string{
	reflect.TypeFor[incident.DeclareInput](): {"title"},
	reflect.TypeFor[loginBody]():             {"login", "password"},
	reflect.TypeFor[stageBody]():             {"stage"},
	reflect.TypeFor[roleBody]():              {"role"},
	reflect.TypeFor[noteBody]():              {"text"},
	reflect.TypeFor[auth.UserInput]():        {"handle", "email", "level"},
	reflect.TypeFor[catalog.TeamInput]():     {"name"},
	reflect.TypeFor[catalog.ServiceInput]():  {"name"},
	reflect.TypeFor[tokenBody]():             {"name"},
	reflect.TypeFor[membersBody]():           {"user_ids"},
}

// typeDocs describe component schemas.
var typeDocs = map[reflect.Type]string{
	reflect.TypeFor[incidentView](): "An incident: the record, `ref` (its id as people write it) and `people`, the handle and name of each user it mentions, by user id.",
	reflect.TypeFor[Problem]():      "RFC 9457 problem details. `type` is urn:firebreak:problem:<code> (invalid, not_found, conflict, stale, forbidden, unauthenticated, unavailable, internal, or an HTTP-level code such as unsupported_media_type).",
	reflect.TypeFor[patchBody]():    "The fields to change (absent fields stay as they are) and optionally the version they are based on.",
	reflect.TypeFor[roleBody]():     "The role and the person, by user_id or by handle (one of them).",
}
