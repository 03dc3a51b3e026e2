package app_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// bareRepository is a team's postmortem repository: bare, on disk, with a
// README on main.
func bareRepository(t *testing.T) (string, *git.Repository) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "postmortems.git")
	bare, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{Bare: true, InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := git.PlainInitWithOptions(t.TempDir(), &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.CreateRemote(&gitconfig.RemoteConfig{Name: "origin", URLs: []string{dir}}); err != nil {
		t.Fatal(err)
	}
	wt, _ := seed.Worktree()
	f, _ := wt.Filesystem.Create("README.md")
	f.Write([]byte("# Postmortems\n"))
	f.Close()
	wt.Add("README.md")
	sig := &object.Signature{Name: "Admin", Email: "admin@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := wt.Commit("start", &git.CommitOptions{Author: sig}); err != nil {
		t.Fatal(err)
	}
	if err := seed.Push(&git.PushOptions{RefSpecs: []gitconfig.RefSpec{"refs/heads/main:refs/heads/main"}}); err != nil {
		t.Fatal(err)
	}
	return dir, bare
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestGitPublishingEndToEnd runs the Git review against a plain bare
// repository on disk, where a merge is a push to main: the postmortem
// drafted on Improve is published for review → its branch appears with the
// file → the incident may not close → the branch is pushed to main →
// polling finds the merge → the postmortem is published with that commit,
// on the site and searchable → the incident closes.
func TestGitPublishingEndToEnd(t *testing.T) {
	dir, bare := bareRepository(t)
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		// Each node gets its own bare repository state: reset main to the README.
		start, _ := bare.Reference(plumbing.NewBranchReferenceName("main"), true)
		t.Cleanup(func() {
			bare.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), start.Hash()))
		})
		ctx := s.AdminContext()
		a := s.App
		inc, err := a.Incidents.Declare(ctx, incident.DeclareInput{Title: "Checkout failing in Zürich", Severity: "SEV2"})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
			if inc, err = a.Incidents.ChangeStage(ctx, inc.Number, inc.Version, st, ""); err != nil {
				t.Fatalf("to %s: %v", st, err)
			}
		}
		var doc *postmortem.Doc
		waitUntil(t, "the postmortem draft", func() bool { doc, err = a.Postmortems.Get(ctx, inc.Number); return err == nil })
		body := doc.Body + "\n\n## What went wrong\n\nThe connection pool of the checkout database was exhausted by a naïve retry loop.\n"
		if _, err := a.Postmortems.Edit(ctx, inc.Number, doc.Version, body, "contributing factors"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Postmortems.Publish(ctx, inc.Number); err != nil {
			t.Fatal(err)
		}
		var pub gitpub.Publication
		waitUntil(t, "the review branch", func() bool {
			pub, err = a.Publishing.Git.Status(ctx, inc.Number)
			return err == nil && pub.State == gitpub.Submitted
		})
		branch, err := bare.Reference(plumbing.NewBranchReferenceName(pub.Branch), true)
		if err != nil || branch.Hash().String() != pub.HeadCommit {
			t.Fatalf("branch %s in the repository: %v %v", pub.Branch, branch, err)
		}
		c, _ := bare.CommitObject(branch.Hash())
		f, err := c.File(pub.Path)
		if err != nil || !strings.HasPrefix(pub.Path, "postmortems/") || !strings.Contains(pub.Path, "/INC-") {
			t.Fatalf("file %s: %v", pub.Path, err)
		}
		text, _ := f.Contents()
		if !strings.HasPrefix(text, "---\nid: \"INC-") || !strings.Contains(text, "naïve retry loop") {
			t.Fatalf("file content:\n%s", text)
		}

		// Not merged yet: polling changes nothing and the incident may not close.
		if err := a.Publishing.Git.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		cur, _ := a.Incidents.Get(ctx, inc.Number)
		if _, err := a.Incidents.ChangeStage(ctx, inc.Number, cur.Version, incident.Closed, ""); err == nil {
			t.Fatal("the incident closed before its postmortem was published")
		}

		// The merge: the branch is pushed to main.
		if err := bare.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), branch.Hash())); err != nil {
			t.Fatal(err)
		}
		if err := a.Publishing.Git.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the publication", func() bool {
			doc, err = a.Postmortems.Get(ctx, inc.Number)
			return err == nil && doc.Status == postmortem.Published
		})
		if doc.Publication == nil || doc.Publication.Mode != "git" || doc.Publication.Commit != pub.HeadCommit {
			t.Fatalf("publication %+v, want git with commit %s", doc.Publication, pub.HeadCommit)
		}
		waitUntil(t, "the site's index", func() bool {
			hits, _, err := a.Publishing.Site.Search(ctx, `"connection pool"`, site.Filter{})
			return err == nil && len(hits) == 1 && hits[0].Number == inc.Number && hits[0].Commit == pub.HeadCommit
		})
		cur, _ = a.Incidents.Get(ctx, inc.Number)
		if _, err := a.Incidents.ChangeStage(ctx, inc.Number, cur.Version, incident.Closed, ""); err != nil {
			t.Fatalf("close after publishing: %v", err)
		}

		// An edit after publishing goes through a new review on its own
		// branch; the site keeps the merged text until that merges.
		body = doc.Body + "\n\n## Follow-up\n\nThe retry loop was replaced by a circuit breaker.\n"
		if _, err := a.Postmortems.Edit(ctx, inc.Number, doc.Version, body, "follow-up"); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the second review", func() bool {
			pub, err = a.Publishing.Git.Status(ctx, inc.Number)
			return err == nil && pub.Revision == 2 && pub.State == gitpub.Submitted
		})
		if !strings.HasSuffix(pub.Branch, "-r2") {
			t.Fatalf("revision 2 on branch %s", pub.Branch)
		}
		if hits, _, _ := a.Publishing.Site.Search(ctx, "breaker", site.Filter{}); len(hits) != 0 {
			t.Fatal("the unreviewed edit is on the site")
		}
		branch, _ = bare.Reference(plumbing.NewBranchReferenceName(pub.Branch), true)
		if err := bare.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), branch.Hash())); err != nil {
			t.Fatal(err)
		}
		if err := a.Publishing.Git.Poll(ctx); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the reviewed edit on the site", func() bool {
			hits, _, err := a.Publishing.Site.Search(ctx, "breaker", site.Filter{})
			return err == nil && len(hits) == 1 && hits[0].Commit == pub.HeadCommit
		})
	}, apptest.Configure(func(c *config.Config) {
		c.Postmortem.Review = "git"
		c.Publishing.Git.URL = dir
	}))
}

// putSample indexes two published postmortems directly.
func putSample(t *testing.T, s *apptest.Server) {
	t.Helper()
	at := time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, d := range []site.Doc{
		{Number: 7, Title: "Checkout outage in Zürich", Slug: "checkout-zurich", Severity: "SEV1", Services: []string{"checkout"},
			Markdown: "The connection pool was exhausted by a naïve retry loop. <b>bold</b> x < y & z.", IncidentAt: at, PublishedAt: at.Add(48 * time.Hour)},
		{Number: 9, Title: "Search latency", Slug: "search-latency", Severity: "SEV3", Services: []string{"search"},
			Markdown: "## Summary\n\nIndex rebuild was slow.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", IncidentAt: at.AddDate(0, 1, 0), PublishedAt: at.AddDate(0, 1, 2)},
	} {
		if err := s.App.Store.PostmortemSite().Put(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
}
