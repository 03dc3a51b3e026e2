package gitpub_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/forge"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// captured is a job queue that keeps the jobs for the test to run.
type captured struct {
	mu   sync.Mutex
	jobs []any
}

func (c *captured) EnqueueTx(_ context.Context, _ *sql.Tx, j store.Job) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jobs = append(c.jobs, j)
	return nil
}

func (c *captured) take() []any {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.jobs
	c.jobs = nil
	return out
}

type marks struct{ got []postmortem.Publication }

func (m *marks) MarkPublished(_ context.Context, number int64, p postmortem.Publication) error {
	m.got = append(m.got, p)
	return nil
}

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

// bareRemote makes a bare repository on disk whose main branch has a README,
// as a team's postmortem repository starts.
func bareRemote(t *testing.T) (string, *git.Repository) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "postmortems.git")
	bare, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	seed := cloneOf(t, dir)
	commitFile(t, seed, "README.md", "# Postmortems\n", nil)
	if err := seed.Push(&git.PushOptions{RefSpecs: []gitconfig.RefSpec{"refs/heads/main:refs/heads/main"}}); err != nil {
		t.Fatal(err)
	}
	return dir, bare
}

func cloneOf(t *testing.T, url string) *git.Repository {
	t.Helper()
	r, err := git.PlainInitWithOptions(t.TempDir(), &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateRemote(&gitconfig.RemoteConfig{Name: "origin", URLs: []string{url}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// commitFile commits a file on the checked-out branch; extra parents make a merge commit.
func commitFile(t *testing.T, r *git.Repository, path, content string, parents []plumbing.Hash) plumbing.Hash {
	t.Helper()
	wt, _ := r.Worktree()
	f, err := wt.Filesystem.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte(content))
	f.Close()
	if _, err := wt.Add(path); err != nil {
		t.Fatal(err)
	}
	sig := &object.Signature{Name: "Reviewer", Email: "r@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	h, err := wt.Commit("change "+path, &git.CommitOptions{Author: sig, Parents: parents, AllowEmptyCommits: true})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func sampleDoc() *postmortem.Doc {
	resolved := time.Date(2025, 9, 30, 11, 0, 0, 0, time.UTC)
	return &postmortem.Doc{
		Postmortem: postmortem.Postmortem{Number: 169, Title: `Analytics data missing on prod-us1: "a title: with YAML"`, Slug: "analytics-data-missing",
			Body: "## Summary\n\nAnalytics data was missing for 2 hours.\n", Severity: "SEV2", Status: postmortem.InReview},
		Facts: postmortem.Facts{Ref: "INC-169", Date: time.Date(2025, 9, 30, 9, 0, 0, 0, time.UTC), Resolved: &resolved,
			IncidentManager: &postmortem.Person{Name: "Theobald Gerard"}, Involved: []postmortem.Person{{Name: "Cedar Geena"}, {Handle: "rex"}},
			ChatChannel: "#inc-169", Services: []string{"analytics"}, BlastRadius: "12 Zendesk tickets"},
	}
}

func only[T any](t *testing.T, jobs []any) T {
	t.Helper()
	if len(jobs) != 1 {
		t.Fatalf("jobs %#v, want one %T", jobs, *new(T))
	}
	j, ok := jobs[0].(T)
	if !ok {
		t.Fatalf("job %#v, want %T", jobs[0], *new(T))
	}
	return j
}

// TestPublishThroughBareRepository is the publish path against a plain bare
// repository: submit → the branch is pushed with the file → nothing is
// published until the branch reaches main → a push of the branch to main
// publishes with that commit → an edit after publishing goes on a new
// branch, and a merge commit on main publishes it again.
func TestPublishThroughBareRepository(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), access.System)
		url, bare := bareRemote(t)
		q := &captured{}
		now := time.Date(2025, 10, 2, 8, 0, 0, 0, time.UTC)
		repo := &gitpub.Repo{URL: url, CacheDir: filepath.Join(t.TempDir(), "cache")}
		svc := gitpub.NewService(repo, s.GitPublications(q), gitpub.Options{Now: func() time.Time { return now }})
		m := &marks{}
		svc.SetMarker(m)

		doc := sampleDoc()
		if err := svc.Submit(ctx, doc); err != nil {
			t.Fatal(err)
		}
		push := only[gitpub.PushJob](t, q.take())
		if err := svc.Push(ctx, push, 1); err != nil {
			t.Fatal(err)
		}
		// A retried job does nothing more.
		if err := svc.Push(ctx, push, 2); err != nil {
			t.Fatal(err)
		}
		p, err := svc.Status(ctx, 169)
		if err != nil || p.State != gitpub.Submitted || p.Branch != "postmortem/inc-169" || p.Path != "postmortems/2025/INC-169-analytics-data-missing.md" {
			t.Fatalf("after push: %+v %v", p, err)
		}
		branchRef, err := bare.Reference(plumbing.NewBranchReferenceName(p.Branch), true)
		if err != nil || branchRef.Hash().String() != p.HeadCommit {
			t.Fatalf("branch in the remote: %v %v", branchRef, err)
		}
		c, _ := bare.CommitObject(branchRef.Hash())
		f, err := c.File(p.Path)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := f.Contents()
		for _, want := range []string{"---\nid: \"INC-169\"\n", `title: "Analytics data missing on prod-us1: \"a title: with YAML\""`, "severity: \"SEV2\"",
			`involved: ["Cedar Geena","rex"]`, "date: 2025-09-30T09:00:00Z", "revision: 1\n---\n\n## Summary"} {
			if !strings.Contains(text, want) {
				t.Fatalf("file lacks %q:\n%s", want, text)
			}
		}
		mainRef, _ := bare.Reference(plumbing.NewBranchReferenceName("main"), true)
		if parent, _ := c.Parent(0); parent == nil || parent.Hash != mainRef.Hash() {
			t.Fatal("the branch does not start from main")
		}

		if err := svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if jobs := q.take(); len(jobs) != 0 {
			t.Fatalf("published before the merge: %#v", jobs)
		}

		// The merge: the branch is pushed to main.
		if err := bare.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), branchRef.Hash())); err != nil {
			t.Fatal(err)
		}
		if err := svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		mark := only[gitpub.MarkJob](t, q.take())
		if mark.Commit != p.HeadCommit {
			t.Fatalf("merge commit %s, want the branch head %s", mark.Commit, p.HeadCommit)
		}
		if err := svc.Mark(ctx, mark, 1); err != nil {
			t.Fatal(err)
		}
		if len(m.got) != 1 || m.got[0].Mode != "git" || m.got[0].Commit != p.HeadCommit {
			t.Fatalf("marked %+v", m.got)
		}
		if err := svc.Poll(ctx); err != nil || len(q.take()) != 0 {
			t.Fatalf("a second poll must not publish again: %v", err)
		}

		// An edit after publishing: revision 2 on its own branch.
		doc.Body += "\n## Follow-up\n\nThe retry loop was removed.\n"
		if err := svc.Submit(ctx, doc); err != nil {
			t.Fatal(err)
		}
		push = only[gitpub.PushJob](t, q.take())
		if push.Revision != 2 {
			t.Fatalf("revision %d", push.Revision)
		}
		if err := svc.Push(ctx, push, 1); err != nil {
			t.Fatal(err)
		}
		p, _ = svc.Status(ctx, 169)
		if p.Branch != "postmortem/inc-169-r2" || p.State != gitpub.Submitted {
			t.Fatalf("revision 2: %+v", p)
		}
		// A reviewer merges with a merge commit after someone else's change on main.
		reviewer := cloneOf(t, url)
		if err := reviewer.Fetch(&git.FetchOptions{RefSpecs: []gitconfig.RefSpec{"+refs/heads/*:refs/remotes/origin/*"}}); err != nil {
			t.Fatal(err)
		}
		wt, _ := reviewer.Worktree()
		mainHash := mark.Commit
		if err := wt.Checkout(&git.CheckoutOptions{Hash: plumbing.NewHash(mainHash), Branch: plumbing.NewBranchReferenceName("main"), Create: true}); err != nil {
			t.Fatal(err)
		}
		other := commitFile(t, reviewer, "other.md", "someone else's change\n", nil)
		merge := commitFile(t, reviewer, "merge-note.md", "merged\n", []plumbing.Hash{other, plumbing.NewHash(p.HeadCommit)})
		if err := reviewer.Push(&git.PushOptions{RefSpecs: []gitconfig.RefSpec{"refs/heads/main:refs/heads/main"}}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		if mark = only[gitpub.MarkJob](t, q.take()); mark.Commit != merge.String() {
			t.Fatalf("revision 2 merged by %s, want the merge commit %s", mark.Commit, merge)
		}
	})
}

// TestWebhookMergePublishes: a forge's pull_request closed+merged event for
// Firebreak's branch publishes with the forge's merge commit; other events
// and other branches do nothing.
func TestWebhookMergePublishes(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := access.With(context.Background(), access.System)
		url, _ := bareRemote(t)
		q := &captured{}
		repo := &gitpub.Repo{URL: url, CacheDir: t.TempDir()}
		svc := gitpub.NewService(repo, s.GitPublications(q), gitpub.Options{})
		if err := svc.Submit(ctx, sampleDoc()); err != nil {
			t.Fatal(err)
		}
		if err := svc.Push(ctx, only[gitpub.PushJob](t, q.take()), 1); err != nil {
			t.Fatal(err)
		}
		for _, ev := range []forge.Event{
			{Action: "closed", Merged: false, Branch: "postmortem/inc-169"},
			{Action: "opened", Branch: "postmortem/inc-169"},
			{Action: "closed", Merged: true, Branch: "feature/x", MergeCommit: "abc"},
		} {
			if err := svc.HandleEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		if jobs := q.take(); len(jobs) != 0 {
			t.Fatalf("unrelated events published: %#v", jobs)
		}
		ev := forge.Event{Action: "closed", Merged: true, Branch: "postmortem/inc-169", MergeCommit: "6dcb09b5b57875f334f61aebed695e2e4193db5e", URL: "https://github.com/acme/postmortems/pull/1347"}
		if err := svc.HandleEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
		mark := only[gitpub.MarkJob](t, q.take())
		if mark.Commit != ev.MergeCommit || mark.URL != ev.URL {
			t.Fatalf("mark %+v", mark)
		}
		if err := svc.HandleEvent(ctx, ev); err != nil || len(q.take()) != 0 {
			t.Fatalf("a redelivered webhook published twice: %v", err)
		}
	})
}
