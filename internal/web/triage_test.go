package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// fire writes firing alerts for the service checkout-api through a new
// Alertmanager integration, as the ingest path does, and returns the ids
// of the groups they opened (one per group key, in order).
func (e *env) fire(t *testing.T, groupKeys ...string) []int64 {
	t.Helper()
	ctx := access.With(context.Background(), access.System)
	svc, err := e.Catalog.ServiceByName(ctx, "checkout-api")
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.Triage.CreateIntegration(ctx, detect.NewIntegration{Name: "prom-" + strings.Join(groupKeys, "-"), Kind: detect.KindAlertmanager, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	acc := detect.Accepted{IntegrationID: in.ID, ReceivedAt: time.Now(), Body: []byte(`{}`)}
	for i, k := range groupKeys {
		acc.Events = append(acc.Events, detect.Routed{ServiceID: svc.ID, Route: detect.RouteTriage, Event: detect.Event{
			DedupKey: "fp" + strconv.Itoa(i), Action: detect.Trigger, Title: "HighErrorRate on " + k, Severity: detect.SevCritical,
			GroupKey: k, Labels: map[string]string{"alertname": "HighErrorRate", "shard": k},
			Links: []detect.AlertLink{{Text: "Runbook", URL: "https://runbooks.example.com/errors"}}}})
	}
	if err := e.Store.Alerts(nil).Ingest(context.Background(), []detect.Accepted{acc}); err != nil {
		t.Fatal(err)
	}
	gs, err := e.Triage.Groups(ctx, detect.GroupFilter{Triage: []string{detect.TriagePending}})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, 0, len(groupKeys))
	for i := len(groupKeys) - 1; i >= 0; i-- {
		ids = append(ids, gs[i].ID)
	}
	return ids
}

func TestTriagePageDeclareDismissMerge(t *testing.T) {
	e := start(t)
	ids := e.fire(t, "eu", "us", "ap")
	bob := e.login(t, e.Bob)

	res := bob.get("/triage")
	if res.status != http.StatusOK {
		t.Fatalf("triage: %d", res.status)
	}
	page := text(res.body)
	mustContain(t, "triage page", page, "Triage", "HighErrorRate on eu", "HighErrorRate on us", "checkout-api", "1 alert, 1 open", "Declare incident", "Dismiss")
	mustContain(t, "triage page", res.body, `sse-connect="/live/triage"`)

	// Declare from the first item: the new incident's page, prefilled from the alerts.
	res = bob.post("/triage/"+strconv.FormatInt(ids[0], 10)+"/declare", url.Values{"severity": {""}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/incidents/INC-1" {
		t.Fatalf("declare: %d %s", res.status, res.header.Get("Location"))
	}
	inc := text(bob.get("/incidents/INC-1").body)
	mustContain(t, "declared incident", inc, "HighErrorRate on eu", "SEV1", "checkout-api")

	// Merge the second into it; dismiss the third with a reason.
	res = bob.post("/triage/"+strconv.FormatInt(ids[1], 10)+"/merge", url.Values{"incident": {"INC-1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("merge: %d %s", res.status, text(res.body))
	}
	res = bob.post("/triage/"+strconv.FormatInt(ids[2], 10)+"/dismiss", url.Values{"reason": {"bored"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("dismiss with a bad reason: %d", res.status)
	}
	mustContain(t, "refused dismissal", text(res.body), "Reason must be one of", "false positive")
	res = bob.post("/triage/"+strconv.FormatInt(ids[2], 10)+"/dismiss", url.Values{"reason": {"known issue"}, "note": {"AP shard is being moved"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("dismiss: %d", res.status)
	}
	page = text(bob.get("/triage").body)
	mustContain(t, "triage after", page, "Nothing to triage", "Recently decided", "dismissed: known issue", "merged", "declared")

	// The group page and the alert page.
	res = bob.get("/triage/" + strconv.FormatInt(ids[2], 10))
	mustContain(t, "group page", text(res.body), "dismissed: known issue (AP shard is being moved)", "HighErrorRate on ap")
	item, _ := e.Triage.Item(e.as(e.Bob), ids[2])
	res = bob.get("/alerts/" + strconv.FormatInt(item.Alerts[0].ID, 10))
	mustContain(t, "alert page", text(res.body), "HighErrorRate on ap", "shard=ap", "Runbook", "Seen 1 times")

	// A viewer sees the queue but gets no buttons, and is refused if they post.
	vic := e.login(t, e.Vic)
	ids = e.fire(t, "late")
	res = vic.get("/triage")
	mustContain(t, "viewer's queue", text(res.body), "HighErrorRate on late")
	mustNotContain(t, "viewer's queue", res.body, "/declare")
	if res = vic.post("/triage/"+strconv.FormatInt(ids[0], 10)+"/declare", url.Values{}); res.status != http.StatusForbidden {
		t.Fatalf("viewer declare: %d", res.status)
	}
}

func TestIntegrationSetupPages(t *testing.T) {
	e := start(t)
	alice := e.login(t, e.Alice)
	svc, _ := e.Catalog.ServiceByName(e.as(e.Alice), "payments")
	res := alice.post("/alerting/integrations", url.Values{"name": {"prom-prod"}, "kind": {"alertmanager"}, "service_id": {strconv.FormatInt(svc.ID, 10)}})
	if res.status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.status, text(res.body))
	}
	page := text(res.body)
	mustContain(t, "created integration", page, "Copy its key now", "webhook_configs", "/integrations/alertmanager", "credentials:", "curl -sS -X POST")
	ins, _ := e.Triage.Integrations(e.as(e.Alice))
	// The key on the page works: its hash is what was stored.
	key := between(res.body, `id="integration-key">`, "<")
	if len(key) != 32 || !strings.HasSuffix(key, ins[0].KeyHint) {
		t.Fatalf("key %q, hint %q", key, ins[0].KeyHint)
	}
	// Later the key is not shown again, only its last characters.
	page = text(alice.get("/alerting/integrations/" + strconv.FormatInt(ins[0].ID, 10)).body)
	mustNotContain(t, "integration page", page, key)
	mustContain(t, "integration page", page, "KEY-ENDING-"+ins[0].KeyHint, "shown only when created")

	// A webhook integration with a mapping, and the "test this payload" preview.
	res = alice.post("/alerting/integrations", url.Values{"name": {"uptime"}, "kind": {"webhook"}, "service_id": {strconv.FormatInt(svc.ID, 10)},
		"title": {`payload.check + " is " + payload.state`}, "dedup_key": {"payload.id"}})
	if res.status != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", res.status, text(res.body))
	}
	ins, _ = e.Triage.Integrations(e.as(e.Alice))
	var hook detect.Integration
	for _, in := range ins {
		if in.Kind == detect.KindWebhook {
			hook = in
		}
	}
	res = alice.post("/alerting/integrations/"+strconv.FormatInt(hook.ID, 10)+"/test", url.Values{"payload": {`{"id":"c1","check":"API","state":"down"}`}})
	mustContain(t, "mapping preview", text(res.body), `"title": "API is down"`, `"dedup_key": "c1"`)
	res = alice.post("/alerting/integrations/"+strconv.FormatInt(hook.ID, 10)+"/test", url.Values{"payload": {`{"id":"c1"}`}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("failing preview: %d", res.status)
	}
	mustContain(t, "failing preview", text(res.body), "Mapping.title failed on this payload: no such key: check")

	// A mapping that does not compile is refused with the CEL message.
	res = alice.post("/alerting/integrations", url.Values{"name": {"bad"}, "kind": {"webhook"}, "service_id": {strconv.FormatInt(svc.ID, 10)},
		"title": {"payload.("}, "dedup_key": {"payload.id"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad mapping: %d", res.status)
	}
	mustContain(t, "bad mapping", text(res.body), "Mapping.title", "Syntax error")

	// Routing rules: add, refuse a bad one, move, delete.
	res = alice.post("/alerting/rules", url.Values{"op": {"add"}, "name": {"staging"}, "condition": {`labels["env"] == "staging"`}, "action": {"suppress"}, "service_id": {"0"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("add rule: %d %s", res.status, text(res.body))
	}
	res = alice.post("/alerting/rules", url.Values{"op": {"add"}, "name": {"sev"}, "condition": {`severity`}, "action": {"triage"}, "service_id": {"0"}})
	if res.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad rule: %d", res.status)
	}
	mustContain(t, "bad rule", text(res.body), "must give true or false")
	alice.post("/alerting/rules", url.Values{"op": {"add"}, "name": {"page critical"}, "condition": {`severity == "critical"`}, "action": {"declare"}, "severity": {"SEV1"}, "service_id": {"0"}})
	alice.post("/alerting/rules", url.Values{"op": {"up"}, "index": {"1"}})
	rules, _ := e.Triage.Rules(e.as(e.Alice))
	if len(rules) != 2 || rules[0].Name != "page critical" {
		t.Fatalf("rules %+v", rules)
	}
	mustContain(t, "rules page", text(alice.get("/alerting/rules").body), "page critical", "declare at SEV1", "staging")

	// A responder sees the pages without the forms.
	bob := e.login(t, e.Bob)
	res = bob.get("/alerting/integrations")
	mustContain(t, "responder's integrations", text(res.body), "prom-prod", "uptime")
	mustNotContain(t, "responder's integrations", text(res.body), "Add an integration")
}

func between(s, from, to string) string {
	_, after, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, to)
	return v
}
