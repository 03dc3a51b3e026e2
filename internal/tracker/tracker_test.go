package tracker_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
	"github.com/firebreak-hq/firebreak/internal/tracker"
	"github.com/firebreak-hq/firebreak/internal/tracker/github"
	"github.com/firebreak-hq/firebreak/internal/tracker/jira"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func eachStore(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := ""
			if d == store.Postgres {
				url = pgtest.NewDatabase(t)
			}
			s, err := store.Open(ctx, url, filepath.Join(t.TempDir(), "f.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, s)
		})
	}
}

type doneCalls map[int64]bool

func (d doneCalls) SetItemDone(_ context.Context, id int64, done bool) error {
	d[id] = done
	return nil
}

func sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func item(id int64, team int64) postmortem.ActionItem {
	return postmortem.ActionItem{ID: id, Number: 169, Title: "Remove the retry loop", Description: "The naïve retry loop amplified the outage.\n\n- delete it\n- add a circuit breaker",
		TeamID: team, Important: true, Urgent: true, Due: time.Date(2025, 11, 11, 0, 0, 0, 0, time.UTC), Status: postmortem.ItemOpen,
		Labels: []string{"pm-action-item", "inc-169", "needs review"}}
}

// TestSyncPerTeamAndStatusBack: items of a Jira team and a GitHub team get
// issues in their tracker (created once, updated only when something
// changed, closed when done), a team without a tracker gets none, and the
// trackers' webhooks and polling bring "done" back to the item.
func TestSyncPerTeamAndStatusBack(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), access.System)
		fj, fg := newFakeJira(t), newFakeGitHub(t)
		jc := &jira.Client{BaseURL: fj.srv.URL, Email: "bot@acme.example", Token: "jira-token", Project: "PM", HTTP: fj.srv.Client()}
		gc := &github.Client{BaseURL: fg.srv.URL, Token: "gh-token", Repo: "acme/platform", HTTP: fg.srv.Client()}
		teams := map[int64]string{1: "payments", 2: "web", 3: "nobody"}
		done := doneCalls{}
		svc := tracker.NewService(s.TrackerLinks(), tracker.Options{
			Teams:    map[string]tracker.Client{"payments": jc, "web": gc},
			TeamName: func(_ context.Context, id int64) (string, error) { return teams[id], nil },
			ItemURL:  func(it postmortem.ActionItem) string { return "https://firebreak.example/actions/7" },
		})
		svc.UseItems(done)

		// Jira: create with labels and ADF, then nothing new to send.
		a := item(7, 1)
		if err := svc.Sync(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := svc.Sync(ctx, a); err != nil {
			t.Fatal(err)
		}
		link, err := svc.Link(ctx, 7)
		if err != nil || link.Tracker != "jira" || link.ExternalID != "PM-24" || link.URL != fj.srv.URL+"/browse/PM-24" || link.State != "To Do" || link.Done {
			t.Fatalf("jira link %+v %v", link, err)
		}
		if n := fj.count("POST /rest/api/3/issue"); n != 1 {
			t.Fatalf("%d creates, want 1", n)
		}
		if n := fj.count("PUT "); n != 0 {
			t.Fatalf("an unchanged item was sent again (%d updates)", n)
		}
		fields := fj.issues["PM-24"]
		if labels := fields["labels"].([]any); len(labels) != 3 || labels[2] != "needs-review" || fields["duedate"] != "2025-11-11" {
			t.Fatalf("jira fields %v", fields)
		}
		desc := fields["description"].(map[string]any)["content"].([]any)
		if len(desc) != 3 || desc[1].(map[string]any)["type"] != "bulletList" {
			t.Fatalf("ADF %v", desc)
		}
		// Done in Firebreak → the issue takes the transition to Done.
		a.Status = postmortem.ItemDone
		if err := svc.Sync(ctx, a); err != nil {
			t.Fatal(err)
		}
		if fj.status["PM-24"] != "Done" {
			t.Fatalf("jira status %q", fj.status["PM-24"])
		}
		// Reopened in Jira: the signed webhook reopens the item.
		body := []byte(strings.Replace(strings.Replace(string(fixture(t, "jira_webhook_issue_updated.json")), `"key": "done"`, `"key": "new"`, 1), `"name": "Done", "id": "10001"`, `"name": "To Do", "id": "10000"`, 1))
		ev, err := readJira(body, sign(body, "jira-secret"), "jira-secret")
		if err != nil || ev.Key != "PM-24" || ev.Project != "PM" || ev.Done {
			t.Fatalf("jira webhook %+v %v", ev, err)
		}
		if _, err := readJira(body, sign(body, "wrong"), "jira-secret"); err != jira.ErrSignature {
			t.Fatalf("a forged jira webhook: %v", err)
		}
		if err := svc.Changed(ctx, "jira", ev.Project, ev.Key, ev.State, ev.Done); err != nil {
			t.Fatal(err)
		}
		if d, ok := done[7]; !ok || d {
			t.Fatalf("item not reopened: %v", done)
		}

		// GitHub: create, close by webhook.
		b := item(8, 2)
		if err := svc.Sync(ctx, b); err != nil {
			t.Fatal(err)
		}
		gl, _ := svc.Link(ctx, 8)
		if gl.Tracker != "github" || gl.ExternalID != "1347" || gl.URL != "https://github.com/acme/platform/issues/1347" {
			t.Fatalf("github link %+v", gl)
		}
		issue := fg.get(1347)
		if labels := issue["labels"].([]any); len(labels) != 3 || !strings.Contains(issue["body"].(string), "due 2025-11-11") {
			t.Fatalf("github issue %v", issue)
		}
		hook := fixture(t, "github_webhook_issues_closed.json")
		r := httptest.NewRequest(http.MethodPost, "/hooks/github-issues", strings.NewReader(string(hook)))
		r.Header.Set("X-GitHub-Event", "issues")
		r.Header.Set("X-Hub-Signature-256", "sha256="+sign(hook, "gh-secret"))
		gev, err := github.ReadWebhook(r, "gh-secret")
		if err != nil || gev.Number != "1347" || gev.Repo != "acme/platform" || !gev.Done {
			t.Fatalf("github webhook %+v %v", gev, err)
		}
		if err := svc.Changed(ctx, "github", gev.Repo, gev.Number, gev.State, gev.Done); err != nil {
			t.Fatal(err)
		}
		if !done[8] {
			t.Fatalf("item 8 not done: %v", done)
		}
		// The item, now done, syncs back: the issue stays closed as completed.
		b.Status = postmortem.ItemDone
		if err := svc.Sync(ctx, b); err != nil {
			t.Fatal(err)
		}
		if st := fg.get(1347); st["state"] != "closed" || st["state_reason"] != "completed" {
			t.Fatalf("github issue after done %v", st)
		}

		// Polling: someone reopens the GitHub issue; the item hears it.
		fg.set(1347, "state", "open")
		if err := svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if done[8] {
			t.Fatal("poll did not reopen item 8")
		}

		// A team without a tracker: nothing is created, no error.
		if err := svc.Sync(ctx, item(9, 3)); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Link(ctx, 9); err == nil {
			t.Fatal("an item of a team without a tracker got an issue")
		}
	})
}

func readJira(body []byte, sig, secret string) (jira.Event, error) {
	r := httptest.NewRequest(http.MethodPost, "/hooks/jira", strings.NewReader(string(body)))
	r.Header.Set("X-Hub-Signature", "sha256="+sig)
	return jira.ReadWebhook(r, secret)
}

func TestTrackerErrorsAreReadable(t *testing.T) {
	fj := newFakeJira(t)
	jc := &jira.Client{BaseURL: fj.srv.URL, Email: "bot@acme.example", Token: "wrong", Project: "PM", HTTP: fj.srv.Client()}
	_, err := jc.Create(context.Background(), tracker.Issue{Title: "x"})
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "not authenticated") {
		t.Fatalf("jira error %v", err)
	}
	jc.Token, jc.Project = "jira-token", "NOPE"
	_, err = jc.Create(context.Background(), tracker.Issue{Title: "x"})
	if err == nil || !strings.Contains(err.Error(), "project: Specify a valid project ID or key") {
		t.Fatalf("jira validation error %v", err)
	}
}

func FuzzJiraParseEvent(f *testing.F) {
	f.Add([]byte(`{"webhookEvent":"jira:issue_updated","issue":{"key":"PM-1","fields":{"status":{"statusCategory":{"key":"done"}}}}}`))
	f.Add([]byte(`{"issue":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = jira.ParseEvent(b)
		_, _ = github.ParseEvent(b)
	})
}
