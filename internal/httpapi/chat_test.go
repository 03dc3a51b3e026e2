package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// newChat is the chat service of the test stack: no Slack connected, so
// the settings, links and call links work and nothing is posted.
func newChat(st *store.Store, e *env) *chat.Service {
	return chat.NewService(chat.Deps{Store: st.Chat(), Incidents: e.inc, Users: e.auth, Now: time.Now})
}

// chatTour walks the chat routes for the tour of every route: the
// settings (admins only), linking a user by hand, a chat account linked
// twice refused, unlinking.
func chatTour(t *testing.T, e *env, step func(r req, status int) map[string]any) {
	t.Helper()
	ann, adm := e.ann.token, e.admin.token
	st := step(req{method: "GET", path: "/api/v1/chat", token: adm}, 200)
	if st["connected"] != false || st["command"] != "/inc" {
		t.Errorf("chat status %v", st)
	}
	step(req{method: "GET", path: "/api/v1/chat", token: ann}, 403)
	annLink := fmt.Sprintf("/api/v1/chat/links/%d", e.ann.ID)
	l := step(req{method: "PUT", path: annLink, token: adm, body: map[string]any{"chat_user_id": "<@U024BE7LH|ann>"}}, 200)
	if l["chat_user_id"] != "U024BE7LH" || l["how"] != "manual" {
		t.Errorf("link %v", l)
	}
	step(req{method: "PUT", path: fmt.Sprintf("/api/v1/chat/links/%d", e.bob.ID), token: adm, body: map[string]any{"chat_user_id": "U024BE7LH"}}, 409)
	step(req{method: "PUT", path: annLink, token: adm, body: map[string]any{"chat_user_id": "not an id"}}, 400)
	step(req{method: "PUT", path: annLink, token: ann, body: map[string]any{"chat_user_id": "U0ANN"}}, 403)
	step(req{method: "DELETE", path: annLink, token: adm}, 204)
	step(req{method: "DELETE", path: annLink, token: adm}, 404)

	inc, err := e.inc.Declare(e.ctx(e.ann), incident.DeclareInput{Title: "Chat links"})
	if err != nil {
		t.Fatal(err)
	}
	l = step(req{method: "GET", path: "/api/v1/incidents/" + inc.Ref() + "/chat", token: ann}, 200)
	if call, _ := l["conference_url"].(string); !strings.HasPrefix(call, "https://meet.jit.si/firebreak-inc-") {
		t.Errorf("incident chat links %v", l)
	}
	if again := step(req{method: "GET", path: "/api/v1/incidents/" + inc.Ref() + "/chat", token: ann}, 200); again["conference_url"] != l["conference_url"] {
		t.Errorf("the call link changed: %v then %v", l, again)
	}
}
