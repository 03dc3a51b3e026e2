package httpapi_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// pmPeople resolves users for the postmortem service of the test server.
type pmPeople struct{ auth *auth.Service }

func (p pmPeople) Person(ctx context.Context, id int64) (postmortem.Person, error) {
	u, err := p.auth.GetUser(access.With(ctx, access.System), id)
	return postmortem.Person{ID: u.ID, Handle: u.Handle, Name: u.Name, Email: u.Email}, err
}

// newPostmortems builds the postmortem service of the test server; the
// incidents' close gate asks it.
func newPostmortems(st *store.Store, inc *incident.Service, a *auth.Service) *postmortem.Service {
	return postmortem.NewService(st.Postmortems(nil), inc, pmPeople{a}, postmortem.Policy{}, time.Now)
}

// pmTour calls every postmortem route once, for the OpenAPI tour: an
// incident in Improve with its postmortem drafted, its meeting, forms,
// action items, review, publication and templates.
func pmTour(t *testing.T, e *env, step func(r req, status int) map[string]any) {
	t.Helper()
	ann, bob, adm := e.ann.token, e.bob.token, e.admin.token
	inc, err := e.inc.Declare(e.ctx(e.ann), incident.DeclareInput{Title: "Checkout fails for EU cards", Severity: "SEV3", TakeManager: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.inc.AddNote(e.ctx(e.bob), inc.Number, "Rolled back", true); err != nil {
		t.Fatal(err)
	}
	for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
		if _, err := e.inc.ChangeStage(e.ctx(e.ann), inc.Number, 0, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.pm.Create(context.Background(), inc.Number); err != nil { // the CreateJob's work (this server has no queue)
		t.Fatal(err)
	}
	p := "/api/v1/postmortems/" + inc.Ref()
	step(req{method: "GET", path: "/api/v1/postmortems?status=draft", token: e.vic.token}, 200)
	doc := step(req{method: "GET", path: p, token: e.vic.token}, 200)
	v := doc["version"]
	doc = step(req{method: "PUT", path: p, token: bob, body: map[string]any{"body": fmt.Sprint(doc["body"]) + "\nMore.\n", "note": "more", "version": v}}, 200)
	step(req{method: "PUT", path: p, token: bob, body: map[string]any{"body": "stale", "version": v}}, 412)
	step(req{method: "POST", path: p + "/preview", token: bob, body: map[string]any{"body": "## Contributing factors\nBob forgot to deploy.\n"}}, 200)
	step(req{method: "GET", path: p + "/versions", token: bob}, 200)
	step(req{method: "GET", path: p + "/versions/2", token: bob}, 200)
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Minute)
	step(req{method: "PUT", path: p + "/meeting", token: ann, body: map[string]any{"start": start.Add(30 * 24 * time.Hour), "minutes": 60}}, 400)
	step(req{method: "PUT", path: p + "/meeting", token: ann, body: map[string]any{"start": start, "minutes": 60, "location": "Room 4"}}, 200)
	step(req{method: "GET", path: p + "/meeting", token: bob}, 200)
	step(req{method: "PUT", path: p + "/form", token: bob, body: map[string]any{"saw": "errors", "did": "rolled back", "whys": []string{"config rejected cards"}, "submit": true}}, 200)
	step(req{method: "GET", path: p + "/form", token: bob}, 200)
	step(req{method: "GET", path: p + "/answers", token: ann}, 200)
	step(req{method: "GET", path: p + "/answers", token: bob}, 403)
	step(req{method: "POST", path: p + "/answers/pull", token: ann, body: map[string]any{}}, 200)
	step(req{method: "POST", path: p + "/meeting/start", token: ann}, 200)
	m := step(req{method: "PUT", path: p + "/meeting/notes", token: bob, body: map[string]any{"notes": "We agreed on staging."}}, 200)
	step(req{method: "PUT", path: p + "/meeting/notes", token: bob, body: map[string]any{"notes": "x", "version": m["version"].(float64) - 1}}, 412)
	item := step(req{method: "POST", path: p + "/action-items", token: ann, body: map[string]any{"title": "Stage config changes", "important": true, "urgent": true, "owner_id": e.bob.ID}}, 201)
	step(req{method: "POST", path: p + "/action-items", token: ann, body: map[string]any{"title": "Checklist", "due": start.Add(90 * 24 * time.Hour)}}, 400)
	step(req{method: "GET", path: p + "/action-items", token: e.vic.token}, 200)
	ip := fmt.Sprintf("/api/v1/action-items/%v", item["id"])
	step(req{method: "PATCH", path: ip, token: ann, body: map[string]any{"labels": []string{"payments"}, "version": item["version"]}}, 200)
	step(req{method: "GET", path: "/api/v1/action-items?mine=true&open=true", token: bob}, 200)
	step(req{method: "POST", path: ip + "/done", token: bob}, 200)
	step(req{method: "POST", path: p + "/meeting/end", token: ann}, 200)
	step(req{method: "POST", path: p + "/publish", token: ann}, 409)
	step(req{method: "POST", path: p + "/reviewers", token: ann, body: map[string]any{"user_ids": []int64{e.admin.ID}}}, 200)
	step(req{method: "POST", path: p + "/comments", token: bob, body: map[string]any{"body": "Looks good"}}, 201)
	step(req{method: "POST", path: p + "/review", token: adm, body: map[string]any{"state": "approved", "comment": "Clear."}}, 200)
	step(req{method: "GET", path: p + "/review", token: e.vic.token}, 200)
	step(req{method: "POST", path: p + "/publish", token: ann}, 200)
	step(req{method: "POST", path: p + "/waive", token: ann, body: map[string]any{"reason": "too late"}}, 409)
	step(req{method: "DELETE", path: p + "/meeting", token: ann}, 409)
	step(req{method: "GET", path: "/api/v1/postmortem-slos?window=8760h", token: e.vic.token}, 200)

	// A second incident's meeting is cancelled; a low-severity one is waived.
	low, err := e.inc.Declare(e.ctx(e.ann), incident.DeclareInput{Title: "Typo", Severity: "SEV4", TakeManager: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
		if _, err := e.inc.ChangeStage(e.ctx(e.ann), low.Number, 0, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.pm.Create(context.Background(), low.Number); err != nil {
		t.Fatal(err)
	}
	lp := "/api/v1/postmortems/" + low.Ref()
	step(req{method: "PUT", path: lp + "/meeting", token: ann, body: map[string]any{"start": start, "minutes": 30}}, 200)
	step(req{method: "DELETE", path: lp + "/meeting", token: ann}, 200)
	step(req{method: "POST", path: lp + "/waive", token: ann, body: map[string]any{"reason": "cosmetic"}}, 200)

	step(req{method: "GET", path: "/api/v1/postmortem-templates", token: ann}, 200)
	step(req{method: "POST", path: "/api/v1/postmortem-templates", token: ann, body: map[string]any{"name": "Short", "body": "# {{ref}}\n"}}, 403)
	tpl := step(req{method: "POST", path: "/api/v1/postmortem-templates", token: adm, body: map[string]any{"name": "Short", "body": "# {{ref}}\n{{basic_info}}\n", "default": true}}, 201)
	tp := fmt.Sprintf("/api/v1/postmortem-templates/%v", tpl["id"])
	step(req{method: "PUT", path: tp, token: adm, body: map[string]any{"name": "Shorter", "body": "# {{ref}}\n"}}, 200)
	step(req{method: "DELETE", path: tp, token: adm}, 204)
}
