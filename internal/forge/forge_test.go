package forge

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
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

// fakeForge serves the documented pulls endpoints of GitHub (kind github,
// at the root as api.github.com) or Gitea (under /api/v1), and refuses a
// second pull request for the same head as both do.
func fakeForge(t *testing.T, kind string) (*httptest.Server, *int) {
	created := 0
	prefix := ""
	if kind == Gitea {
		prefix = "/api/v1"
	}
	mux := http.NewServeMux()
	auth := func(r *http.Request) bool {
		if kind == GitHub {
			return r.Header.Get("Authorization") == "Bearer tok" && r.Header.Get("Accept") == "application/vnd.github+json" && r.Header.Get("X-GitHub-Api-Version") != ""
		}
		return r.Header.Get("Authorization") == "token tok"
	}
	mux.HandleFunc("POST "+prefix+"/repos/octocat/postmortems/pulls", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r) {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in["title"] == "" || in["head"] != "postmortem/inc-169" || in["base"] != "main" {
			http.Error(w, `{"message":"Validation Failed"}`, http.StatusUnprocessableEntity)
			return
		}
		created++
		if created > 1 {
			if kind == GitHub {
				w.WriteHeader(http.StatusUnprocessableEntity)
				w.Write(fixture(t, "github_pull_exists.json"))
			} else {
				w.WriteHeader(http.StatusConflict)
				w.Write([]byte(`{"message":"pull request already exists for these targets"}`))
			}
			return
		}
		w.WriteHeader(http.StatusCreated)
		w.Write(fixture(t, "github_pull_created.json"))
	})
	mux.HandleFunc("GET "+prefix+"/repos/octocat/postmortems/pulls", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r) || r.URL.Query().Get("state") != "open" {
			http.Error(w, `{"message":"Bad request"}`, http.StatusBadRequest)
			return
		}
		if kind == GitHub && r.URL.Query().Get("head") != "octocat:postmortem/inc-169" {
			w.Write([]byte(`[]`))
			return
		}
		if r.URL.Query().Get("page") != "1" {
			w.Write([]byte(`[]`))
			return
		}
		w.Write([]byte("[" + string(fixture(t, "github_pull_created.json")) + "]"))
	})
	mux.HandleFunc("GET "+prefix+"/repos/octocat/postmortems/pulls/1347", func(w http.ResponseWriter, r *http.Request) {
		var pr map[string]any
		json.Unmarshal(fixture(t, "github_pull_created.json"), &pr)
		pr["merged"], pr["state"] = true, "closed"
		json.NewEncoder(w).Encode(pr)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &created
}

func TestOpenGetAndRetry(t *testing.T) {
	for _, kind := range []string{GitHub, Gitea} {
		t.Run(kind, func(t *testing.T) {
			srv, created := fakeForge(t, kind)
			base := srv.URL
			if kind == Gitea {
				base += "/api/v1"
			}
			c := &Client{Kind: kind, BaseURL: base, Token: "tok", Owner: "octocat", Repo: "postmortems", HTTP: srv.Client()}
			ctx := context.Background()
			p := NewPullRequest{Title: "Postmortem INC-169", Head: "postmortem/inc-169", Base: "main"}
			pr, err := c.Open(ctx, p)
			if err != nil || pr.Number != 1347 || pr.URL != "https://github.com/octocat/postmortems/pull/1347" || pr.Head.Ref != "postmortem/inc-169" {
				t.Fatalf("open: %+v %v", pr, err)
			}
			// A retried job finds the pull request it opened.
			again, err := c.Open(ctx, p)
			if err != nil || again.Number != 1347 || *created != 2 {
				t.Fatalf("open again: %+v %v (created %d)", again, err, *created)
			}
			got, err := c.Get(ctx, 1347)
			if err != nil || !got.Merged || got.MergeCommit != "e5bd3914e2e596debea16f433f57875b5b90bcd6" {
				t.Fatalf("get: %+v %v", got, err)
			}
			bad := *c
			bad.Token = "wrong"
			_, err = bad.Open(ctx, p)
			var fe *Error
			if !errors.As(err, &fe) || fe.Status != http.StatusUnauthorized || fe.Message != "Bad credentials" {
				t.Fatalf("bad token: %v", err)
			}
		})
	}
}

func sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func TestReadWebhook(t *testing.T) {
	gh := fixture(t, "github_webhook_pull_request_merged.json")
	gt := fixture(t, "gitea_webhook_pull_request_merged.json")
	cases := []struct {
		name    string
		body    []byte
		headers map[string]string
		want    Event
		err     error
	}{
		{"github merged", gh, map[string]string{"X-GitHub-Event": "pull_request", "X-Hub-Signature-256": "sha256=" + sign(gh, "s3cret")},
			Event{Action: "closed", Merged: true, Number: 1347, Branch: "postmortem/inc-169", HeadSHA: "6dcb09b5b57875f334f61aebed695e2e4193db5e",
				MergeCommit: "e5bd3914e2e596debea16f433f57875b5b90bcd6", URL: "https://github.com/octocat/postmortems/pull/1347", Repo: "octocat/postmortems"}, nil},
		{"gitea merged", gt, map[string]string{"X-Gitea-Event": "pull_request", "X-Gitea-Signature": sign(gt, "s3cret")},
			Event{Action: "closed", Merged: true, Number: 12, Branch: "postmortem/inc-7", HeadSHA: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
				MergeCommit: "2c0b8e0a3f4d5e6f708192a3b4c5d6e7f8091a2b", URL: "https://gitea.example/acme/postmortems/pulls/12", Repo: "acme/postmortems"}, nil},
		{"forgejo merged", gt, map[string]string{"X-Forgejo-Event": "pull_request", "X-Forgejo-Signature": sign(gt, "s3cret")},
			Event{Action: "closed", Merged: true, Number: 12, Branch: "postmortem/inc-7", HeadSHA: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
				MergeCommit: "2c0b8e0a3f4d5e6f708192a3b4c5d6e7f8091a2b", URL: "https://gitea.example/acme/postmortems/pulls/12", Repo: "acme/postmortems"}, nil},
		{"wrong secret", gh, map[string]string{"X-GitHub-Event": "pull_request", "X-Hub-Signature-256": "sha256=" + sign(gh, "other")}, Event{}, ErrSignature},
		{"no signature", gh, map[string]string{"X-GitHub-Event": "pull_request"}, Event{}, ErrSignature},
		{"body changed", append([]byte(" "), gh...), map[string]string{"X-GitHub-Event": "pull_request", "X-Hub-Signature-256": "sha256=" + sign(gh, "s3cret")}, Event{}, ErrSignature},
		{"a ping", []byte(`{"zen":"Keep it logically awesome."}`), map[string]string{"X-GitHub-Event": "ping", "X-Hub-Signature-256": "sha256=" + sign([]byte(`{"zen":"Keep it logically awesome."}`), "s3cret")}, Event{}, ErrNotPullRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/hooks/forge", strings.NewReader(string(c.body)))
			for k, v := range c.headers {
				r.Header.Set(k, v)
			}
			ev, err := ReadWebhook(r, "s3cret")
			if !errors.Is(err, c.err) || ev != c.want {
				t.Fatalf("got %+v, %v; want %+v, %v", ev, err, c.want, c.err)
			}
		})
	}
	if SignatureValid(http.Header{"X-Hub-Signature-256": {"sha256=" + sign(gh, "")}}, gh, "") {
		t.Fatal("an empty secret must never authenticate")
	}
}

// FuzzParseEvent: any body decodes or errors, never panics.
func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(`{"action":"closed","pull_request":{"merged":true,"head":{"ref":"x"}}}`))
	f.Add([]byte(`{"pull_request":null}`))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseEvent(b) })
}
