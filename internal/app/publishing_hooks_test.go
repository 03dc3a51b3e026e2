package app_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
)

func hmacHex(body, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

// TestForgeReviewAndWebhook: with a forge configured, the push opens a pull
// request (GitHub's REST shape), and the signed pull_request webhook of its
// merge publishes the postmortem with the forge's merge commit; an unsigned
// or wrongly signed webhook is refused.
func TestForgeReviewAndWebhook(t *testing.T) {
	dir, _ := bareRepository(t)
	var opened atomic.Int32
	forgeSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/repos/acme/postmortems/pulls" || r.Header.Get("Authorization") != "Bearer forge-token" {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		var in struct{ Title, Head, Base string }
		json.NewDecoder(r.Body).Decode(&in)
		opened.Add(1)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"number":1347,"html_url":"https://github.com/acme/postmortems/pull/1347","state":"open","merged":false,"head":{"ref":%q,"sha":"x"},"base":{"ref":%q}}`, in.Head, in.Base)
	}))
	defer forgeSrv.Close()
	t.Setenv("FB_TEST_FORGE_TOKEN", "forge-token")
	s := apptest.Start(t, apptest.Configure(func(c *config.Config) {
		c.Postmortem.Review = "git"
		c.Publishing.Git.URL = dir
		c.Publishing.Forge = config.ForgeConfig{Kind: "github", APIURL: forgeSrv.URL, Repo: "acme/postmortems", Token: "env:FB_TEST_FORGE_TOKEN", WebhookSecret: "hook-secret"}
	}))
	ctx := s.AdminContext()
	a := s.App
	inc, err := a.Incidents.Declare(ctx, incident.DeclareInput{Title: "Queue backlog", Severity: "SEV3"})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
		if inc, err = a.Incidents.ChangeStage(ctx, inc.Number, inc.Version, st, ""); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the draft", func() bool { _, err := a.Postmortems.Get(ctx, inc.Number); return err == nil })
	if _, err := a.Postmortems.Publish(ctx, inc.Number); err != nil {
		t.Fatal(err)
	}
	var pub gitpub.Publication
	waitUntil(t, "the pull request", func() bool {
		pub, err = a.Publishing.Git.Status(ctx, inc.Number)
		return err == nil && pub.State == gitpub.Submitted
	})
	if pub.PRNumber != 1347 || pub.PRURL != "https://github.com/acme/postmortems/pull/1347" || opened.Load() != 1 {
		t.Fatalf("pull request %d %q (opened %d)", pub.PRNumber, pub.PRURL, opened.Load())
	}

	body := fmt.Sprintf(`{"action":"closed","number":1347,"pull_request":{"number":1347,"html_url":"https://github.com/acme/postmortems/pull/1347","state":"closed","merged":true,"merge_commit_sha":"e5bd3914e2e596debea16f433f57875b5b90bcd6","head":{"ref":%q,"sha":%q}},"repository":{"full_name":"acme/postmortems"}}`, pub.Branch, pub.HeadCommit)
	post := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/hooks/forge", strings.NewReader(body))
		req.Header.Set("X-GitHub-Event", "pull_request")
		if sig != "" {
			req.Header.Set("X-Hub-Signature-256", "sha256="+sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Fatalf("unsigned webhook: %d", code)
	}
	if code := post(hmacHex(body, "other")); code != http.StatusUnauthorized {
		t.Fatalf("wrongly signed webhook: %d", code)
	}
	if code := post(hmacHex(body, "hook-secret")); code != http.StatusNoContent {
		t.Fatalf("signed webhook: %d", code)
	}
	waitUntil(t, "the publication", func() bool {
		doc, err := a.Postmortems.Get(ctx, inc.Number)
		return err == nil && doc.Status == postmortem.Published && doc.Publication.Commit == "e5bd3914e2e596debea16f433f57875b5b90bcd6" &&
			doc.Publication.URL == "https://github.com/acme/postmortems/pull/1347"
	})
	if code := post(hmacHex(body, "hook-secret")); code != http.StatusNoContent {
		t.Fatalf("redelivered webhook: %d", code)
	}
	page := webPage(t, s, "/postmortems/"+inc.Ref()+"/publishing")
	for _, want := range []string{"merged", "revision 1", pub.Branch, "https://github.com/acme/postmortems/pull/1347", "e5bd3914e2e596debea16f433f57875b5b90bcd6", "No action items yet."} {
		if !strings.Contains(page, want) {
			t.Errorf("the review page lacks %q:\n%s", want, page)
		}
	}
}

// webPage signs in as the admin through the login form and reads a page.
func webPage(t *testing.T, s *apptest.Server, path string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(s.URL+"/login", url.Values{"login": {"admin"}, "password": {s.AdminPassword}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
	}
	return string(b)
}

// TestSiteAPI: the site's search answers ranked hits with escaped snippets
// to any signed-in user, refuses bad filters with problem JSON, and
// strangers with 401.
func TestSiteAPI(t *testing.T) {
	s := apptest.Start(t)
	putSample(t, s)
	_, viewerToken := s.User(t, "vera", "Vera Viewer", 1, "a-long-password-1")
	get := func(token, path string) (int, string, string) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	code, _, body := get(viewerToken, "/api/v1/published-postmortems?q=retry+loop&service=checkout")
	var res struct {
		Items []struct{ Ref, Snippet, Permalink string }
		Total int
	}
	if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil || res.Total != 1 || res.Items[0].Ref != "INC-7-checkout-zurich" ||
		!strings.Contains(res.Items[0].Snippet, "<mark>retry</mark> <mark>loop</mark>") || strings.Contains(res.Items[0].Snippet, "<b>") {
		t.Fatalf("search: %d %s", code, body)
	}
	code, _, body = get(viewerToken, "/api/v1/published-postmortems/INC-7")
	if code != 200 || !strings.Contains(body, `"markdown":"The connection pool`) {
		t.Fatalf("one: %d %s", code, body)
	}
	code, ctype, body := get(viewerToken, "/api/v1/published-postmortems?year=soon")
	if code != 400 || ctype != "application/problem+json" || !strings.Contains(body, "year") {
		t.Fatalf("bad year: %d %s %s", code, ctype, body)
	}
	if code, _, _ = get("", "/api/v1/published-postmortems?q=x"); code != 401 {
		t.Fatalf("stranger: %d", code)
	}
	if code, _, _ = get(viewerToken, "/api/v1/published-postmortems/INC-99"); code != 404 {
		t.Fatalf("missing: %d", code)
	}
}

// TestSecretReferences: credentials written as env:NAME or file:/path are
// read at start; a missing one stops the node with an error naming the key
// and the variable, never the secret.
func TestSecretReferences(t *testing.T) {
	dir, _ := bareRepository(t)
	base := func(c *config.Config) {
		c.DataDir = t.TempDir()
		c.Postmortem.Review = "git"
		c.Publishing.Git.URL = dir
	}
	cfg := config.Default()
	base(&cfg)
	cfg.Publishing.Forge = config.ForgeConfig{Kind: "github", Repo: "acme/pm", Token: "env:FB_TEST_UNSET_TOKEN", WebhookSecret: "x"}
	_, err := app.New(context.Background(), cfg, io.Discard, app.Options{})
	if err == nil || !strings.Contains(err.Error(), "publishing.forge.token") || !strings.Contains(err.Error(), "FB_TEST_UNSET_TOKEN") {
		t.Fatalf("missing variable: %v", err)
	}
	secretFile := filepath.Join(t.TempDir(), "hook")
	os.WriteFile(secretFile, []byte("from-a-file\nignored\n"), 0o600)
	t.Setenv("FB_TEST_FORGE_TOKEN2", "tok")
	s := apptest.Start(t, apptest.Configure(func(c *config.Config) {
		base(c)
		c.Publishing.Forge = config.ForgeConfig{Kind: "github", Repo: "acme/pm", Token: "env:FB_TEST_FORGE_TOKEN2", WebhookSecret: "file:" + secretFile}
	}))
	body := `{"zen":"ok"}`
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/hooks/forge", strings.NewReader(body))
	req.Header.Set("X-GitHub-Event", "ping")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hmacHex(body, "from-a-file"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("a ping signed with the file's secret: %d", resp.StatusCode)
	}
}
