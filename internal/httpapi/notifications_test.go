package httpapi_test

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// codeBox keeps what the API test's senders were asked to send: the
// verification codes (no job queue runs under these tests, so the tour
// runs the code job itself).
type codeBox struct {
	mu   sync.Mutex
	sent []notification.Rendered
}

func (b *codeBox) Send(_ context.Context, _ notification.Target, m notification.Rendered) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sent = append(b.sent, m)
	return nil
}

var notifyOf sync.Map // *env → *notifyDeps

type notifyDeps struct {
	svc  *notification.Service
	sent *codeBox
}

func newNotify(st *store.Store, e *env) *notification.Service {
	box := &codeBox{}
	svc := notification.NewService(st.Notifications(nil), time.Now, nil)
	for _, k := range []notification.Kind{notification.Email, notification.Webhook, notification.SMS} {
		svc.Register(k, box)
	}
	notifyOf.Store(e, &notifyDeps{svc: svc, sent: box})
	return svc
}

// notifyTour walks the personal-notification routes for the tour of every
// route: add, a refused number, verify with the code sent, resend refused
// while fresh, rules with the plan, settings, test, history, removal.
func notifyTour(t *testing.T, e *env, step func(r req, status int) map[string]any) {
	t.Helper()
	v, _ := notifyOf.Load(e)
	nd := v.(*notifyDeps)
	ann, adm := e.ann.token, e.admin.token
	list := step(req{method: "GET", path: "/api/v1/me/contact-methods", token: ann}, 200)
	if fmt.Sprint(list["kinds"]) != "[email sms webhook]" {
		t.Errorf("kinds %v", list["kinds"])
	}
	step(req{method: "POST", path: "/api/v1/me/contact-methods", token: ann, body: map[string]any{"kind": "sms", "address": "0170 1234567"}}, 400)
	c := step(req{method: "POST", path: "/api/v1/me/contact-methods", token: ann, body: map[string]any{"kind": "sms", "name": "Phone", "address": "+1 415 555 0100"}}, 201)
	if c["address"] != "+14155550100" || c["verified"] != false {
		t.Errorf("contact %v", c)
	}
	path := fmt.Sprintf("/api/v1/me/contact-methods/%v", c["id"])
	id := int64(c["id"].(float64))
	if err := nd.svc.SendCode(context.Background(), notification.VerifyJob{ContactID: id}, 1); err != nil {
		t.Fatal(err)
	}
	nd.sent.mu.Lock()
	code := regexp.MustCompile(`\d{6}`).FindString(nd.sent.sent[len(nd.sent.sent)-1].Body)
	nd.sent.mu.Unlock()
	step(req{method: "POST", path: path + "/resend-code", token: ann}, 409) // a code went out less than a minute ago
	step(req{method: "POST", path: path + "/test", token: ann}, 400)        // not verified yet
	v2 := step(req{method: "POST", path: path + "/verify", token: ann, body: map[string]any{"code": code}}, 200)
	if v2["verified"] != true {
		t.Errorf("verified %v", v2)
	}
	rule := step(req{method: "POST", path: "/api/v1/me/notification-rules", token: ann, body: map[string]any{"contact_method_id": id, "urgency": "high", "delay_minutes": 3}}, 201)
	step(req{method: "POST", path: "/api/v1/me/notification-rules", token: ann, body: map[string]any{"contact_method_id": id, "urgency": "urgent"}}, 400)
	rules := step(req{method: "GET", path: "/api/v1/me/notification-rules", token: ann}, 200)
	if plan, _ := rules["plan"].(map[string]any); fmt.Sprint(plan["high"]) == "[]" {
		t.Errorf("plan %v", rules)
	}
	step(req{method: "PUT", path: "/api/v1/me/notification-settings", token: ann, body: map[string]any{"digest_minutes": 60}}, 200)
	step(req{method: "GET", path: "/api/v1/me/notification-settings", token: ann}, 200)
	step(req{method: "POST", path: path + "/test", token: ann}, 202)
	step(req{method: "GET", path: "/api/v1/me/deliveries?limit=10", token: ann}, 200)
	step(req{method: "GET", path: fmt.Sprintf("/api/v1/users/%d/deliveries", e.ann.ID), token: adm}, 200)
	step(req{method: "GET", path: fmt.Sprintf("/api/v1/users/%d/deliveries", e.ann.ID), token: e.bob.token}, 403)
	step(req{method: "DELETE", path: path, token: e.bob.token}, 404) // not Bob's
	step(req{method: "DELETE", path: fmt.Sprintf("/api/v1/me/notification-rules/%v", rule["id"]), token: ann}, 204)
	step(req{method: "DELETE", path: path, token: ann}, 204)
}
