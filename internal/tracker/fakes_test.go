package tracker_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeJira follows the Jira Cloud REST API v3 endpoints the client uses:
// it checks basic auth and the documented field shapes (ADF description,
// labels without spaces, project and issue type on create), keeps issues
// in memory and answers with the documented payloads.
type fakeJira struct {
	mu       sync.Mutex
	t        *testing.T
	issues   map[string]map[string]any // key → fields as last written
	status   map[string]string         // key → status name
	requests []string
	srv      *httptest.Server
}

var jiraStatuses = map[string]string{"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
var jiraTransitions = map[string]string{"11": "To Do", "21": "In Progress", "31": "Done"}

func newFakeJira(t *testing.T) *fakeJira {
	f := &fakeJira{t: t, issues: map[string]map[string]any{}, status: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /rest/api/3/issue", f.create)
	mux.HandleFunc("PUT /rest/api/3/issue/{key}", f.edit)
	mux.HandleFunc("GET /rest/api/3/issue/{key}", f.get)
	mux.HandleFunc("GET /rest/api/3/issue/{key}/transitions", f.transitions)
	mux.HandleFunc("POST /rest/api/3/issue/{key}/transitions", f.transition)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "bot@acme.example" || p != "jira-token" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}`))
			return
		}
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeJira) bad(w http.ResponseWriter, field, msg string) {
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]any{"errorMessages": []string{}, "errors": map[string]string{field: msg}})
}

func (f *fakeJira) checkFields(w http.ResponseWriter, fields map[string]any) bool {
	desc, _ := fields["description"].(map[string]any)
	if desc["type"] != "doc" || desc["version"] != float64(1) {
		f.bad(w, "description", "Operation value must be an Atlassian Document (see the Atlassian Document Format)")
		return false
	}
	for _, l := range fields["labels"].([]any) {
		if strings.ContainsAny(l.(string), " \t") {
			f.bad(w, "labels", "The label '"+l.(string)+"' contains spaces which is invalid.")
			return false
		}
	}
	if d, ok := fields["duedate"].(string); ok && len(d) != 10 {
		f.bad(w, "duedate", "Error parsing date string: "+d)
		return false
	}
	return true
}

func (f *fakeJira) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Fields map[string]any `json:"fields"`
	}
	json.NewDecoder(r.Body).Decode(&in)
	if p, _ := in.Fields["project"].(map[string]any); p["key"] != "PM" {
		f.bad(w, "project", "Specify a valid project ID or key")
		return
	}
	if it, _ := in.Fields["issuetype"].(map[string]any); it["name"] == nil {
		f.bad(w, "issuetype", "Specify an issue type")
		return
	}
	if s, _ := in.Fields["summary"].(string); s == "" {
		f.bad(w, "summary", "You must specify a summary of the issue.")
		return
	}
	if !f.checkFields(w, in.Fields) {
		return
	}
	f.mu.Lock()
	key := "PM-" + strconv.Itoa(24+len(f.issues))
	f.issues[key], f.status[key] = in.Fields, "To Do"
	f.mu.Unlock()
	var out map[string]any
	json.Unmarshal(fixture(f.t, "jira_create_issue_response.json"), &out)
	out["key"] = key
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(out)
}

func (f *fakeJira) known(w http.ResponseWriter, key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.issues[key]; !ok {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`))
		return false
	}
	return true
}

func (f *fakeJira) edit(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !f.known(w, key) {
		return
	}
	var in struct {
		Fields map[string]any `json:"fields"`
	}
	json.NewDecoder(r.Body).Decode(&in)
	if _, ok := in.Fields["project"]; ok {
		f.bad(w, "project", "Field 'project' cannot be set. It is not on the appropriate screen, or unknown.")
		return
	}
	if !f.checkFields(w, in.Fields) {
		return
	}
	f.mu.Lock()
	f.issues[key] = in.Fields
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeJira) get(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !f.known(w, key) {
		return
	}
	var out map[string]any
	json.Unmarshal(fixture(f.t, "jira_issue_status.json"), &out)
	f.mu.Lock()
	name := f.status[key]
	f.mu.Unlock()
	out["key"] = key
	st := out["fields"].(map[string]any)["status"].(map[string]any)
	st["name"] = name
	st["statusCategory"].(map[string]any)["key"] = jiraStatuses[name]
	json.NewEncoder(w).Encode(out)
}

func (f *fakeJira) transitions(w http.ResponseWriter, r *http.Request) {
	if f.known(w, r.PathValue("key")) {
		w.Write(fixture(f.t, "jira_transitions.json"))
	}
}

func (f *fakeJira) transition(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !f.known(w, key) {
		return
	}
	var in struct {
		Transition struct {
			ID string `json:"id"`
		} `json:"transition"`
	}
	json.NewDecoder(r.Body).Decode(&in)
	to, ok := jiraTransitions[in.Transition.ID]
	if !ok {
		f.bad(w, "transition", "Transition id '"+in.Transition.ID+"' is not valid for this issue.")
		return
	}
	f.mu.Lock()
	f.status[key] = to
	f.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeJira) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

// fakeGitHub follows the GitHub Issues REST endpoints the client uses.
type fakeGitHub struct {
	mu     sync.Mutex
	t      *testing.T
	issues map[int64]map[string]any
	srv    *httptest.Server
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t, issues: map[int64]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /repos/acme/platform/issues", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		if s, _ := in["title"].(string); s == "" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"message":"Validation Failed","errors":[{"resource":"Issue","code":"missing_field","field":"title"}]}`))
			return
		}
		f.mu.Lock()
		n := int64(1347 + len(f.issues))
		in["state"] = "open"
		f.issues[n] = in
		f.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		f.write(w, n)
	})
	mux.HandleFunc("PATCH /repos/acme/platform/issues/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.ParseInt(r.PathValue("n"), 10, 64)
		var in map[string]any
		json.NewDecoder(r.Body).Decode(&in)
		if st := in["state"]; st != nil && st != "open" && st != "closed" {
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"message":"Validation Failed"}`))
			return
		}
		f.mu.Lock()
		if f.issues[n] == nil {
			f.mu.Unlock()
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Not Found"}`))
			return
		}
		f.issues[n] = in
		f.mu.Unlock()
		f.write(w, n)
	})
	mux.HandleFunc("GET /repos/acme/platform/issues/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.ParseInt(r.PathValue("n"), 10, 64)
		f.write(w, n)
	})
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer gh-token" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`))
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) write(w http.ResponseWriter, n int64) {
	var out map[string]any
	json.Unmarshal(fixture(f.t, "github_issue.json"), &out)
	f.mu.Lock()
	in := f.issues[n]
	f.mu.Unlock()
	out["number"], out["html_url"] = n, "https://github.com/acme/platform/issues/"+strconv.FormatInt(n, 10)
	for _, k := range []string{"title", "body", "state"} {
		if in[k] != nil {
			out[k] = in[k]
		}
	}
	if ls, ok := in["labels"].([]any); ok {
		var labels []any
		for _, l := range ls {
			labels = append(labels, map[string]any{"name": l})
		}
		out["labels"] = labels
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeGitHub) set(n int64, key string, v any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issues[n][key] = v
}

func (f *fakeGitHub) get(n int64) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issues[n]
}
