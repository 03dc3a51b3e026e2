package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// recorded returns the body of a recorded API response from testdata.
func recorded(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// exchange is one expected request and the answer to give.
type exchange struct {
	method, path string
	check        func(t *testing.T, r *http.Request, body []byte)
	status       int
	contentType  string
	answer       []byte
}

// fakeAPI serves the exchanges in order and fails the test on any other request.
func fakeAPI(t *testing.T, exchanges ...exchange) *Client {
	t.Helper()
	next := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next >= len(exchanges) {
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		x := exchanges[next]
		next++
		if r.Method != x.method || r.URL.EscapedPath() != x.path {
			t.Errorf("request %d: got %s %s, want %s %s", next, r.Method, r.URL.EscapedPath(), x.method, x.path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer fbk_test" {
			t.Errorf("Authorization = %q", got)
		}
		body, _ := io.ReadAll(r.Body)
		if len(body) > 0 && r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
		}
		if x.check != nil {
			x.check(t, r, body)
		}
		ct := x.contentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		status := x.status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		w.Write(x.answer)
	}))
	t.Cleanup(func() {
		srv.Close()
		if next != len(exchanges) {
			t.Errorf("%d of %d expected requests were made", next, len(exchanges))
		}
	})
	return New(srv.URL+"/", "fbk_test", srv.Client())
}

func TestDeclareSendsInputAndDecodesIncidentView(t *testing.T) {
	c := fakeAPI(t, exchange{
		method: "POST", path: "/api/v1/incidents", status: http.StatusCreated, answer: recorded(t, "incident.json"),
		check: func(t *testing.T, r *http.Request, body []byte) {
			var in incident.DeclareInput
			if err := json.Unmarshal(body, &in); err != nil {
				t.Fatal(err)
			}
			if in.Title != "Checkout fails" || in.Severity != "SEV2" || !in.TakeManager || len(in.Services) != 2 {
				t.Errorf("sent %+v", in)
			}
		},
	})
	inc, err := c.DeclareIncident(context.Background(), incident.DeclareInput{
		Title: "Checkout fails", Severity: "SEV2", Services: []string{"api", "web"}, TakeManager: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if inc.Ref != "INC-4" || inc.Number != 4 || inc.Version != 3 || inc.Stage != incident.Fix {
		t.Errorf("decoded %+v", inc)
	}
	if inc.People[1].Handle != "admin" || inc.Roles.IncidentManager != 1 {
		t.Errorf("people %+v roles %+v", inc.People, inc.Roles)
	}
}

func TestProblemCarriesDetailAndField(t *testing.T) {
	c := fakeAPI(t, exchange{
		method: "POST", path: "/api/v1/incidents/INC-4/stage", status: http.StatusBadRequest,
		contentType: "application/problem+json", answer: recorded(t, "problem_invalid.json"),
	})
	_, err := c.ChangeStage(context.Background(), 4, 3, incident.Closed, "")
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("err = %T %v, want *Problem", err, err)
	}
	if p.Status != 400 || p.Field != "stage" || p.Stale() {
		t.Errorf("problem %+v", p)
	}
	if want := "INC-4 is in Fix and cannot move to Closed; from Fix it can move to Resolved"; err.Error() != want {
		t.Errorf("Error() = %q, want the detail %q", err.Error(), want)
	}
	if !IsStatus(err, http.StatusBadRequest) {
		t.Error("IsStatus(400) = false")
	}
}

func TestStaleWriteCarriesCurrentVersion(t *testing.T) {
	answer := `{"type":"urn:firebreak:problem:stale","title":"Changed by someone else","status":412,` +
		`"detail":"INC-4 was changed by someone else (you edited version 3, it is now at version 5); reload it and try again",` +
		`"current":` + string(recorded(t, "incident.json")) + `}`
	c := fakeAPI(t, exchange{
		method: "PATCH", path: "/api/v1/incidents/INC-4", status: http.StatusPreconditionFailed,
		contentType: "application/problem+json", answer: []byte(answer),
		check: func(t *testing.T, r *http.Request, body []byte) {
			if got := r.Header.Get("If-Match"); got != `"3"` {
				t.Errorf("If-Match = %q, want \"3\"", got)
			}
			var p map[string]any
			json.Unmarshal(body, &p)
			if p["severity"] != "SEV1" || p["title"] != nil {
				t.Errorf("patch body %s", body)
			}
		},
	})
	sev := "SEV1"
	_, err := c.UpdateIncident(context.Background(), 4, 3, incident.Patch{Severity: &sev})
	var p *Problem
	if !errors.As(err, &p) || !p.Stale() {
		t.Fatalf("err = %v, want a stale problem", err)
	}
	var cur Incident
	if err := json.Unmarshal(p.Current, &cur); err != nil || cur.Version != 3 {
		t.Errorf("current = %s (%v)", p.Current, err)
	}
}

func TestWritesNameTheVersionRead(t *testing.T) {
	inc := recorded(t, "incident.json")
	c := fakeAPI(t,
		exchange{method: "POST", path: "/api/v1/incidents/INC-4/stage", answer: inc,
			check: func(t *testing.T, r *http.Request, body []byte) {
				if r.Header.Get("If-Match") != `"3"` || string(body) != `{"stage":"resolved","reason":"rolled back","version":3}` {
					t.Errorf("If-Match %q body %s", r.Header.Get("If-Match"), body)
				}
			}},
		exchange{method: "POST", path: "/api/v1/incidents/INC-4/roles", answer: inc,
			check: func(t *testing.T, r *http.Request, body []byte) {
				if string(body) != `{"role":"domain_expert","handle":"bob","version":3}` {
					t.Errorf("body %s", body)
				}
			}},
		exchange{method: "POST", path: "/api/v1/incidents/INC-4/roles", answer: inc,
			check: func(t *testing.T, r *http.Request, body []byte) {
				if string(body) != `{"role":"incident_manager","user_id":2,"version":3}` {
					t.Errorf("body %s", body)
				}
			}},
		exchange{method: "DELETE", path: "/api/v1/incidents/INC-4/roles/domain_expert/bob", answer: inc,
			check: func(t *testing.T, r *http.Request, body []byte) {
				if r.Header.Get("If-Match") != `"3"` || len(body) != 0 {
					t.Errorf("If-Match %q body %s", r.Header.Get("If-Match"), body)
				}
			}},
		exchange{method: "POST", path: "/api/v1/incidents/INC-4/notes", status: http.StatusCreated, answer: inc,
			check: func(t *testing.T, r *http.Request, body []byte) {
				if r.Header.Get("If-Match") != "" || string(body) != `{"text":"rolled back","key_moment":true}` {
					t.Errorf("If-Match %q body %s", r.Header.Get("If-Match"), body)
				}
			}},
	)
	ctx := context.Background()
	if _, err := c.ChangeStage(ctx, 4, 3, incident.Resolved, "rolled back"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssignRole(ctx, 4, 3, incident.DomainExpert, UserRef{Handle: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssignRole(ctx, 4, 3, incident.IncidentManager, UserRef{ID: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UnassignRole(ctx, 4, 3, incident.DomainExpert, UserRef{Handle: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddNote(ctx, 4, "rolled back", true); err != nil {
		t.Fatal(err)
	}
}

func TestListIncidentsSendsFilters(t *testing.T) {
	c := fakeAPI(t, exchange{
		method: "GET", path: "/api/v1/incidents",
		answer: []byte(`{"incidents":[` + string(recorded(t, "incident.json")) + `],"next":"abc"}`),
		check: func(t *testing.T, r *http.Request, _ []byte) {
			q := r.URL.Query()
			if strings.Join(q["stage"], ",") != "fix,detect" || q.Get("severity") != "SEV1" || q.Get("service") != "api" ||
				q.Get("open") != "true" || q.Get("limit") != "20" || q.Get("q") != "checkout" || q.Get("cursor") != "xyz" {
				t.Errorf("query %s", r.URL.RawQuery)
			}
		},
	})
	page, err := c.ListIncidents(context.Background(), IncidentFilter{
		Stages: []string{"fix", "detect"}, Severities: []string{"SEV1"}, Service: "api", Open: true, Limit: 20, Query: "checkout", Cursor: "xyz",
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Incidents) != 1 || page.Incidents[0].Ref != "INC-4" || page.Next != "abc" {
		t.Errorf("page %+v", page)
	}
}

func TestListsDecodeWrappedAnswers(t *testing.T) {
	c := fakeAPI(t,
		exchange{method: "GET", path: "/api/v1/incidents/INC-4/timeline", answer: recorded(t, "timeline.json")},
		exchange{method: "GET", path: "/api/v1/users", answer: recorded(t, "users.json")},
		exchange{method: "GET", path: "/api/v1/severities", answer: []byte(`{"severities":[{"name":"SEV1","description":"Critical"}]}`)},
		exchange{method: "GET", path: "/api/v1/teams", answer: []byte(`{"teams":[{"id":1,"name":"Payments","description":"","members":[2]}]}`)},
		exchange{method: "GET", path: "/api/v1/services", answer: []byte(`{"services":[{"id":3,"name":"api","owner_team_id":1,"owner_team":"Payments","links":[]}]}`)},
		exchange{method: "GET", path: "/api/v1/tokens", answer: []byte(`{"tokens":[{"id":7,"user_id":1,"user_handle":"admin","name":"ci","created_at":"2026-03-01T10:00:00Z"}]}`)},
	)
	ctx := context.Background()
	events, err := c.Timeline(ctx, 4)
	if err != nil || len(events) != 2 || events[1].Kind != incident.EventNote || !events[1].KeyMoment {
		t.Fatalf("timeline %+v, %v", events, err)
	}
	users, err := c.Users(ctx)
	if err != nil || len(users) != 2 || users[1].Handle != "bob" || users[1].Level != "responder" {
		t.Fatalf("users %+v, %v", users, err)
	}
	scale, err := c.Severities(ctx)
	if err != nil || len(scale) != 1 || scale[0].Name != "SEV1" {
		t.Fatalf("severities %+v, %v", scale, err)
	}
	teams, err := c.Teams(ctx)
	if err != nil || len(teams) != 1 || teams[0].Members[0] != 2 {
		t.Fatalf("teams %+v, %v", teams, err)
	}
	svcs, err := c.Services(ctx)
	if err != nil || len(svcs) != 1 || svcs[0].OwnerTeam != "Payments" {
		t.Fatalf("services %+v, %v", svcs, err)
	}
	tokens, err := c.Tokens(ctx)
	if err != nil || len(tokens) != 1 || tokens[0].UserHandle != "admin" {
		t.Fatalf("tokens %+v, %v", tokens, err)
	}
}

func TestCreateTokenReturnsSecretOnce(t *testing.T) {
	c := fakeAPI(t, exchange{method: "POST", path: "/api/v1/tokens", status: http.StatusCreated, answer: recorded(t, "token_created.json"),
		check: func(t *testing.T, r *http.Request, body []byte) {
			if string(body) != `{"name":"ci"}` {
				t.Errorf("body %s", body)
			}
		}})
	tok, err := c.CreateToken(context.Background(), "ci", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Secret != "fbk_secretvalue" || tok.Token.ID != 7 || tok.Token.Name != "ci" {
		t.Errorf("token %+v", tok)
	}
}

func TestWithRawKeepsTheAnswerVerbatim(t *testing.T) {
	answer := recorded(t, "incident.json")
	c := fakeAPI(t, exchange{method: "GET", path: "/api/v1/incidents/INC-4", answer: answer})
	var raw json.RawMessage
	if _, err := c.WithRaw(&raw).Incident(context.Background(), 4); err != nil {
		t.Fatal(err)
	}
	if string(raw) != string(answer) {
		t.Errorf("raw = %s", raw)
	}
}

func TestErrorsWithoutProblemJSON(t *testing.T) {
	c := fakeAPI(t,
		exchange{method: "GET", path: "/api/v1/me", status: http.StatusBadGateway, contentType: "text/html", answer: []byte("<html>bad gateway</html>")},
		exchange{method: "GET", path: "/api/v1/me", status: http.StatusOK, contentType: "text/html", answer: []byte("<html>hello</html>")},
	)
	_, err := c.Me(context.Background())
	var p *Problem
	if !errors.As(err, &p) || p.Status != 502 || err.Error() != "the server answered 502 Bad Gateway" {
		t.Errorf("err = %v", err)
	}
	_, err = c.Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("err = %v, want a not-JSON error", err)
	}
}

func TestUnreachableServerSaysWhere(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := New(url, "fbk_test", nil).Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot reach "+url) {
		t.Errorf("err = %v", err)
	}
	_, err = New("firebreak.example.com", "fbk_test", nil).Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "not a server address") {
		t.Errorf("err = %v", err)
	}
}

func TestLoginSendsNoTokenAndDecodesResult(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("login sent Authorization %q", r.Header.Get("Authorization"))
		}
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		if body["login"] != "admin" || body["password"] != "pw" || body["token_name"] != "cli@host" {
			t.Errorf("body %v", body)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"token":"fbk_new","api_token":{"id":9,"name":"cli@host"},"user":{"id":1,"handle":"admin","level":"admin"}}`))
	}))
	defer srv.Close()
	res, err := New(srv.URL, "", nil).Login(context.Background(), "admin", "pw", "cli@host")
	if err != nil {
		t.Fatal(err)
	}
	if res.Token != "fbk_new" || res.User.Handle != "admin" {
		t.Errorf("result %+v", res)
	}
}
