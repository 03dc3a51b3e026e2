package smoke

import (
	"context"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// Two nodes share one PostgreSQL database. While both run, each step fires
// once: both nodes' engines race for it, and the one that locks the page
// fires it while the other skips it. Then the first node dies with step 2
// due, and the second node fires step 2 and step 3, once each. A notice
// already written under step 2's key (as by an earlier attempt of a node)
// is not sent again. (A node killed inside a step's transaction leaves
// nothing of the step behind: notices and step commit together; bench/page
// B4 kills a node for real.)
func TestTwoNodesFireEachStepOnce(t *testing.T) {
	h := start(t, apptest.Postgres())
	b := apptest.Start(t, apptest.Database(h.node.App.Config.DatabaseURL),
		apptest.AppOptions(app.Options{Now: h.clock.Now, JobPoll: 20 * time.Millisecond, PageTick: 20 * time.Millisecond}),
		apptest.Configure(func(c *config.Config) {
			c.SMTP = h.node.App.Config.SMTP
			c.Notifications = h.node.App.Config.Notifications
		}))

	ann := h.person("ann", "+15550000011")
	bob := h.person("bob", "+15550000012")
	cid := h.person("cid", "+15550000013")
	h.policy(0,
		paging.Step{Targets: users(ann), DelayMinutes: 5},
		paging.Step{Targets: users(bob), DelayMinutes: 5},
		paging.Step{Targets: users(cid), DelayMinutes: 5},
	)

	h.alert("LoginErrors")
	h.paged(ann, "LoginErrors")
	h.quiet()

	// A notice to bob under step 2's key exists already; node A dies.
	p := h.page()
	sys := access.With(context.Background(), access.System)
	if err := h.node.App.Notifications.Notify(sys, notification.Message{
		Key: paging.NoticeKey(p.ID, p.Seq, p.Next, bob.ID), UserID: bob.ID, Urgency: notification.High,
		Subject: "[Firebreak] Page: LoginErrors", Body: "LoginErrors (node A's notice)", PageID: p.ID,
	}); err != nil {
		t.Fatal(err)
	}
	h.node.Stop()
	h.advance(5 * time.Minute)
	// Node B carries on: it fires step 2 (bob's notice is not repeated:
	// the one under the same key went out) …
	h.paged(bob, "LoginErrors")
	h.quiet()
	if got := b.App.Paging; got == nil {
		t.Fatal("node B has no pager")
	}
	// … and step 3, once.
	h.advance(5 * time.Minute)
	h.paged(cid, "LoginErrors")
	h.advance(time.Hour)
	h.quiet()

	tl, err := b.App.Paging.Timeline(sys, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string]int{}
	for _, e := range tl {
		if e.Kind == paging.EvStepFired {
			fired[e.Text]++
		}
	}
	if len(fired) != 3 {
		t.Fatalf("steps fired: %v (want 3 distinct)", fired)
	}
	for step, n := range fired {
		if n != 1 {
			t.Errorf("%q fired %d times", step, n)
		}
	}
}
