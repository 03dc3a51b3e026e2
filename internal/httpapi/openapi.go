package httpapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The OpenAPI 3.1 document is built from Go values: the operations in
// openapi_ops.go say what each route takes and answers, and the schemas of
// request and response bodies are derived by reflection from the very types
// the handlers decode and encode, so the document cannot drift from the
// wire format. A test checks that it names exactly the routes of routes.go.

// obj is a JSON object of the document.
type obj = map[string]any

// getOpenAPI serves the OpenAPI document.
func (s *server) getOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.openapi)
	return nil
}

// mustOpenAPI renders the document; a failure is a programming error caught
// by the tests.
func mustOpenAPI() []byte {
	doc, err := OpenAPI()
	if err != nil {
		panic(err)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// OpenAPI returns the OpenAPI 3.1 document of the API.
func OpenAPI() (map[string]any, error) {
	g := &schemaGen{components: obj{}, names: map[reflect.Type]string{}}
	paths := obj{}
	ops := allOperations()
	for _, pattern := range slices.Sorted(mapKeys(ops)) {
		o := ops[pattern]
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			return nil, fmt.Errorf("operation %q: pattern has no method", pattern)
		}
		item, _ := paths[path].(obj)
		if item == nil {
			item = obj{}
			paths[path] = item
		}
		op, err := g.operation(method, path, o)
		if err != nil {
			return nil, fmt.Errorf("operation %q: %w", pattern, err)
		}
		item[strings.ToLower(method)] = op
	}
	if _, err := g.schema(reflect.TypeFor[Problem]()); err != nil {
		return nil, err
	}
	return obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":   "Firebreak API",
			"version": "1",
			"description": "The JSON API of Firebreak, the self-hosted incident-management server.\n\n" +
				"Authenticate with an API token (`Authorization: Bearer <token>`; `POST /api/v1/login` or " +
				"`firebreak login` creates one) or, from the browser, with the web session cookie.\n\n" +
				"Errors are RFC 9457 problem details (`application/problem+json`). Invalid input is always " +
				"400 (malformed JSON, unknown fields, wrong types, and rules of the process such as a stage " +
				"transition that is not allowed); `field` names the input at fault. A write based on an old " +
				"version (If-Match or `version`) is refused with 412 and the current state in `current`.\n\n" +
				"Request bodies must be `application/json` (415 otherwise), at most 1 MiB (413), one object " +
				"with only the documented fields.",
		},
		"servers":  []obj{{"url": "/"}},
		"security": []obj{{"bearer": []string{}}, {"session": []string{}}},
		"tags": []obj{
			{"name": "incidents", "description": "Declare and run incidents through Detect → Fix → Resolved → Improve → Closed."},
			{"name": "people", "description": "Users and signing in."},
			{"name": "catalog", "description": "Teams and the services they own."},
			{"name": "tokens", "description": "API tokens."},
			{"name": "detect", "description": "The triage queue, alerts and alert groups, integrations (senders' keys) and routing rules."},
			{"name": "status pages", "description": "Status pages, components, public incidents and maintenance, subscribers, and the communications of an incident."},
			{"name": "statuspage v1", "description": "A subset of Atlassian Statuspage's REST API v1, so existing scripts keep working."},
			{"name": "paging", "description": "Pages, escalation policies, how services are paged, and maintenance windows."},
			{"name": "on-call", "description": "Schedules (layers, rotations, restrictions), overrides, swaps, who is on call, and calendar feeds."},
			{"name": "admin", "description": "The audit log."},
			{"name": "chat", "description": "The Slack app: its connection, links between Firebreak users and Slack accounts, incident channels."},
			{"name": "meta", "description": "This document."},
		},
		"paths": paths,
		"components": obj{
			"schemas": g.components,
			"securitySchemes": obj{
				"bearer":  obj{"type": "http", "scheme": "bearer", "description": "An API token, e.g. from `firebreak login` or POST /api/v1/tokens."},
				"session": obj{"type": "apiKey", "in": "cookie", "name": "__Host-firebreak_session", "description": "The web UI's session cookie (firebreak_session when served over plain HTTP on a non-loopback address)."},
			},
			"responses": problemResponses(),
		},
	}, nil
}

func mapKeys[M ~map[K]V, K comparable, V any](m M) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// errorStatuses are the problem responses described once under components.
var errorStatuses = map[int]string{
	400: "Invalid input: malformed JSON, an unknown field, a wrong type, or a rule that refuses the change; `field` names the culprit.",
	401: "No valid API token or session. The answer carries `WWW-Authenticate: Bearer`.",
	403: "The signed-in person may not do this (e.g. a viewer writing, a responder appointing without being Incident Manager).",
	404: "The thing named in the path does not exist.",
	405: "The path exists but not with this method; `Allow` lists the methods.",
	409: "The change clashes with existing state (a name already taken, a role already held).",
	412: "The resource changed since the version sent (If-Match or `version`); `current` holds the current state and `ETag` its version.",
	413: "The request body is larger than 1 MiB.",
	415: "The request body is not `application/json`.",
	429: "Too many attempts from this address; `Retry-After` says when to try again.",
	500: "An internal error; the detail is logged with `request_id`, never sent.",
	503: "Temporarily unavailable; `Retry-After` says when to try again.",
}

func problemResponses() obj {
	out := obj{}
	for status, desc := range errorStatuses {
		out[strconv.Itoa(status)] = obj{
			"description": desc,
			"content":     obj{"application/problem+json": obj{"schema": ref("Problem")}},
		}
	}
	return out
}

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

// param describes a query parameter or request header.
type param struct {
	name, desc string
	schema     obj
	repeat     bool // may be given several times (and as a comma-separated list)
}

// op describes one operation; see openapi_ops.go.
type op struct {
	tag, summary, desc string
	query              []param
	headers            []param
	body               any // a value of the request body's type; nil for none
	status             int // the success status
	resp               any // a value of the success body's type; nil for none
	respSchema         obj // the success body's schema, when it has no Go type
	etag               bool
	errors             []int // problem statuses beyond those implied by the rest
}

var pathParamRE = regexp.MustCompile(`\{([a-z]+)\}`)

func (g *schemaGen) operation(method, path string, o op) (obj, error) {
	if o.summary == "" || o.status == 0 || o.tag == "" {
		return nil, fmt.Errorf("summary, tag and status are required")
	}
	public := slices.Contains(publicPatterns(), method+" "+path)
	out := obj{
		"operationId": operationID(method, path),
		"summary":     o.summary,
		"tags":        []string{o.tag},
	}
	if o.desc != "" {
		out["description"] = o.desc
	}
	var params []obj
	errs := slices.Clone(o.errors)
	for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
		pd, ok := pathParams[m[1]]
		if !ok {
			return nil, fmt.Errorf("path parameter {%s} is not described", m[1])
		}
		params = append(params, obj{"name": m[1], "in": "path", "required": true, "description": pd.desc, "schema": pd.schema})
		errs = append(errs, 404)
	}
	for _, q := range o.query {
		p := obj{"name": q.name, "in": "query", "description": q.desc, "schema": q.schema}
		if q.repeat {
			p["schema"] = obj{"type": "array", "items": q.schema}
			p["style"], p["explode"] = "form", true
		}
		params = append(params, p)
		errs = append(errs, 400)
	}
	for _, h := range o.headers {
		params = append(params, obj{"name": h.name, "in": "header", "description": h.desc, "schema": h.schema})
	}
	if len(params) > 0 {
		out["parameters"] = params
	}
	if o.body != nil {
		s, err := g.schema(reflect.TypeOf(o.body))
		if err != nil {
			return nil, err
		}
		out["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": s}}}
		errs = append(errs, 400, 413, 415)
	}
	if public {
		out["security"] = []obj{}
	} else {
		errs = append(errs, 401, 403)
	}
	if o.etag {
		errs = append(errs, 412)
	}
	errs = append(errs, 500, 503)
	responses := obj{}
	success := obj{"description": http.StatusText(o.status)}
	if o.resp != nil {
		s, err := g.schema(reflect.TypeOf(o.resp))
		if err != nil {
			return nil, err
		}
		success["content"] = obj{"application/json": obj{"schema": s}}
	} else if o.respSchema != nil {
		success["content"] = obj{"application/json": obj{"schema": o.respSchema}}
	}
	if o.etag && o.resp != nil {
		success["headers"] = obj{"ETag": obj{"description": `The incident's version, e.g. "3"; send it back in If-Match.`, "schema": obj{"type": "string"}}}
	}
	responses[strconv.Itoa(o.status)] = success
	slices.Sort(errs)
	for _, st := range slices.Compact(errs) {
		if _, ok := errorStatuses[st]; !ok {
			if st == http.StatusNotModified {
				responses["304"] = obj{"description": "Not modified: the incident is still at the version in If-None-Match."}
				continue
			}
			return nil, fmt.Errorf("no description of status %d", st)
		}
		responses[strconv.Itoa(st)] = obj{"$ref": "#/components/responses/" + strconv.Itoa(st)}
	}
	out["responses"] = responses
	return out, nil
}

// operationID turns "GET /api/v1/incidents/{ref}/timeline" into
// "get_incidents_ref_timeline".
func operationID(method, path string) string {
	p := strings.TrimPrefix(path, Prefix+"/")
	p = strings.NewReplacer("{", "", "}", "", "/", "_", "-", "_", ".", "_").Replace(p)
	return strings.ToLower(method) + "_" + p
}

// publicPatterns are the routes that need no credentials.
func publicPatterns() []string {
	var s server
	var out []string
	for _, r := range s.routes() {
		if r.auth == public {
			out = append(out, r.pattern)
		}
	}
	return out
}

// schemaGen derives JSON Schemas from Go types; named struct types become
// components.
type schemaGen struct {
	components obj
	names      map[reflect.Type]string
}

func (g *schemaGen) schema(t reflect.Type) (obj, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if o, ok := schemaOverrides[t]; ok {
		name, err := g.componentName(t)
		if err != nil {
			return nil, err
		}
		if _, done := g.components[name]; !done {
			g.components[name] = obj{} // placeholder against recursion
			s, err := g.structSchema(o)
			if err != nil {
				return nil, err
			}
			g.components[name] = s
		}
		return ref(name), nil
	}
	if vals, ok := enums[t]; ok {
		return obj{"type": "string", "enum": vals}, nil
	}
	switch {
	case t == reflect.TypeFor[time.Time]():
		return obj{"type": "string", "format": "date-time"}, nil
	case t.Implements(reflect.TypeFor[encoding.TextMarshaler]()):
		return obj{"type": "string"}, nil // e.g. a time of day "09:00"
	case t.Kind() == reflect.Interface:
		return obj{}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return obj{"type": "string"}, nil
	case reflect.Bool:
		return obj{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := obj{"type": "integer"}
		if t.Kind() == reflect.Int64 {
			s["format"] = "int64"
		}
		return s, nil
	case reflect.Float32, reflect.Float64:
		return obj{"type": "number"}, nil
	case reflect.Slice, reflect.Array:
		items, err := g.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return obj{"type": "array", "items": items}, nil
	case reflect.Map:
		vals, err := g.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		s := obj{"type": "object", "additionalProperties": vals}
		if k := t.Key().Kind(); k >= reflect.Int && k <= reflect.Uint64 {
			s["propertyNames"] = obj{"pattern": "^[0-9]+$"}
		}
		return s, nil
	case reflect.Struct:
		name, err := g.componentName(t)
		if err != nil {
			return nil, err
		}
		if _, done := g.components[name]; !done {
			g.components[name] = obj{}
			s, err := g.structSchema(t)
			if err != nil {
				return nil, err
			}
			if d, ok := typeDocs[t]; ok {
				s["description"] = d
			}
			g.components[name] = s
		}
		return ref(name), nil
	}
	return nil, fmt.Errorf("no JSON schema for %s", t)
}

func (g *schemaGen) componentName(t reflect.Type) (string, error) {
	if n, ok := g.names[t]; ok {
		return n, nil
	}
	name := t.Name()
	if name == "" {
		return "", fmt.Errorf("anonymous struct %s: give response and request bodies a named type", t)
	}
	name = strings.ToUpper(name[:1]) + name[1:]
	taken := func(name string) reflect.Type {
		for other, n := range g.names {
			if n == name && other != t {
				return other
			}
		}
		return nil
	}
	if taken(name) != nil {
		// Two capabilities name a type alike (detect.Group, statuspage.Group):
		// the one met second is qualified by its package, e.g. StatuspageGroup.
		pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
		qualified := strings.ToUpper(pkg[:1]) + pkg[1:] + name
		if other := taken(qualified); other != nil || pkg == "" {
			return "", fmt.Errorf("two types are both called %s: %s and %s", name, t, taken(name))
		}
		name = qualified
	}
	g.names[t] = name
	return name, nil
}

func (g *schemaGen) structSchema(t reflect.Type) (obj, error) {
	props := obj{}
	var order []string
	var ferr error
	walkFields(t, "", func(name string, ft reflect.Type) {
		if ferr != nil {
			return
		}
		s, err := g.schema(ft)
		if err != nil {
			ferr = fmt.Errorf("%s.%s: %w", t, name, err)
			return
		}
		// Pointers, and slices and maps (which Go writes as null when nil),
		// may be null.
		if k := ft.Kind(); k == reflect.Pointer || k == reflect.Slice || k == reflect.Map {
			if typ, ok := s["type"].(string); ok {
				s = cloneObj(s)
				s["type"] = []string{typ, "null"}
			}
		}
		props[name] = s
		order = append(order, name)
	}, false)
	if ferr != nil {
		return nil, ferr
	}
	s := obj{"type": "object", "properties": props, "additionalProperties": false}
	if req := required[t]; len(req) > 0 {
		for _, r := range req {
			if _, ok := props[r]; !ok {
				return nil, fmt.Errorf("%s: required field %q does not exist", t, r)
			}
		}
		s["required"] = req
	}
	return s, nil
}

func cloneObj(o obj) obj {
	c := make(obj, len(o))
	for k, v := range o {
		c[k] = v
	}
	return c
}
