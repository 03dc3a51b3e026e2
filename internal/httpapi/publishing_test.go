package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/httpapi"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/tracker"
)

// newPublishing builds the publishing services of the API on st, with a
// published postmortem (INC-4242), its git review (pending) and an action
// item's issue (item 77) to read.
func newPublishing(t testing.TB, st *store.Store) httpapi.Publishing {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2025, 9, 30, 9, 0, 0, 0, time.UTC)
	if err := st.PostmortemSite().Put(ctx, site.Doc{Number: 4242, Title: "Analytics data missing", Slug: "analytics-data-missing", Severity: "SEV2",
		Services: []string{"analytics"}, Labels: []string{"team=data"}, Markdown: "## Summary\n\nThe export job <b>stalled</b> for two hours.",
		IncidentAt: at, PublishedAt: at.Add(72 * time.Hour), Commit: "6dcb09b5b57875f334f61aebed695e2e4193db5e"}); err != nil {
		t.Fatal(err)
	}
	if err := st.GitPublications(nil).Request(ctx, 4242, []byte(`{"number":4242}`), at, func(rev int64) gitpub.PushJob {
		return gitpub.PushJob{Number: 4242, Revision: rev}
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.TrackerLinks().SaveLink(ctx, tracker.Link{ItemID: 77, Tracker: "jira", Target: "PM", ExternalID: "PM-24",
		URL: "https://acme.atlassian.net/browse/PM-24", State: "To Do", SyncedAt: at}); err != nil {
		t.Fatal(err)
	}
	return httpapi.Publishing{
		Site:    site.NewService(st.PostmortemSite()),
		Git:     gitpub.NewService(&gitpub.Repo{URL: t.TempDir()}, st.GitPublications(nil), gitpub.Options{}),
		Tracker: tracker.NewService(st.TrackerLinks(), tracker.Options{}),
	}
}

// publishingTour visits the publishing routes for the tour of every route.
func publishingTour(t *testing.T, e *env, step func(r req, status int) map[string]any) {
	t.Helper()
	vic := e.vic.token
	res := step(req{method: "GET", path: "/api/v1/published-postmortems?q=export+stalled&service=analytics&year=2025", token: vic}, 200)
	items, _ := res["items"].([]any)
	if len(items) != 1 || !strings.Contains(items[0].(map[string]any)["snippet"].(string), "<mark>export</mark>") {
		t.Errorf("search: %v", res)
	}
	step(req{method: "GET", path: "/api/v1/published-postmortems", token: vic}, 200)
	step(req{method: "GET", path: "/api/v1/published-postmortems?year=next", token: vic}, 400)
	step(req{method: "GET", path: "/api/v1/published-postmortems/INC-4242", token: vic}, 200)
	step(req{method: "GET", path: "/api/v1/published-postmortems/INC-4243", token: vic}, 404)
	if g := step(req{method: "GET", path: "/api/v1/postmortems/INC-4242/git", token: vic}, 200); g["state"] != "pending" {
		t.Errorf("git review: %v", g)
	}
	if l := step(req{method: "GET", path: "/api/v1/action-items/77/tracker", token: vic}, 200); l["external_id"] != "PM-24" {
		t.Errorf("tracker link: %v", l)
	}
	step(req{method: "GET", path: "/api/v1/action-items/78/tracker", token: vic}, 404)
	step(req{method: "GET", path: "/api/v1/published-postmortems"}, 401)
}
