package app_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

// In a real browser on a whole node, an admin writes an escalation policy
// in the editor (and sees who it would page, when, before saving), gives it
// to a service; a page raised on the service shows in the pages list; the
// admin opens it, acknowledges it, and sees the status and the timeline
// say so. The list and the page follow changes made elsewhere (another
// person resolving or acknowledging through the service) without a reload.
//
// On both stores: on PostgreSQL the live signal crosses LISTEN/NOTIFY.
func TestBrowserPagingMainPath(t *testing.T) {
	apptest.EachStore(t, testBrowserPagingMainPath)
}

func testBrowserPagingMainPath(t *testing.T, s *apptest.Server) {
	const pw = "correct horse battery staple"
	ada, _ := s.User(t, "ada", "Ada Admin", access.Admin, pw)
	svc, err := s.App.Catalog.CreateService(s.AdminContext(), catalog.ServiceInput{Name: "checkout"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := browser.New(t)

	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(cctx, actions...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage:\n%s", what, err, body)
		}
	}
	// has waits until the text shows in the element (a form post or a
	// live refresh replaces it meanwhile).
	has := func(what, sel, text string) {
		t.Helper()
		var got string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			got, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+strconv.Quote(sel)+`)||{}).innerText||""`))
			if strings.Contains(strings.Join(strings.Fields(got), " "), text) {
				return
			}
		}
		t.Fatalf("%s: %q not in %s:\n%s", what, text, sel, got)
	}

	step("sign in", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), "ada"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.topbar`)))

	// The editor: one step, repeated once, previewed before saving.
	step("open the editor", chromedp.Navigate(s.URL+"/policies/new"), chromedp.WaitVisible(chromedp.ID("policy-form")))
	step("type the policy",
		chromedp.SendKeys(chromedp.CSS(`#policy-form input[name="name"]`), "Checkout on call"),
		chromedp.SetValue(chromedp.CSS(`#policy-form fieldset.step-row:nth-of-type(1) input[name="targets"]`), "@ada"),
		chromedp.SetValue(chromedp.CSS(`#policy-form fieldset.step-row:nth-of-type(1) input[name="delay"]`), "5"),
		chromedp.SetValue(chromedp.CSS(`#policy-form input[name="repeat"]`), "1"),
		chromedp.Click(chromedp.CSS(`#policy-form button[value="preview"]`)))
	has("the preview says who is paged at once", "#policy-preview", "0s step 1 @ada Ada Admin")
	has("and again 5 minutes later", "#policy-preview", "round 2, step 1 @ada Ada Admin")
	// Saving opens the saved policy (which can now be deleted).
	step("save it", chromedp.Click(chromedp.CSS(`#policy-form button[value="save"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/delete"]`)))
	has("titled", "h1", "Checkout on call")
	pols, err := s.App.Paging.Policies(s.AdminContext())
	if err != nil || len(pols) != 1 || pols[0].Name != "Checkout on call" || len(pols[0].Steps) != 1 || pols[0].Repeat != 1 || pols[0].Steps[0].DelayMinutes != 5 {
		t.Fatalf("saved policies %+v, %v", pols, err)
	}

	// The service's paging page.
	svcPaging := s.URL + "/services/" + strconv.FormatInt(svc.ID, 10) + "/paging"
	step("give it to checkout", chromedp.Navigate(svcPaging), chromedp.WaitVisible(chromedp.CSS(`select[name="policy_id"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="policy_id"]`), strconv.FormatInt(pols[0].ID, 10)),
		chromedp.Evaluate[chromedp.Void](`window.beforeSave = true`),
		chromedp.Click(chromedp.CSS(`form[action$="/paging"] button[type="submit"]`)))
	// The form posts and comes back to the same address: wait for the new
	// document, so the next navigation does not abort this one.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.beforeSave !== true && document.readyState === "complete"`)); ok {
			break
		} else if time.Now().After(deadline) {
			t.Fatal("saving the service's paging did not come back")
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if sp, err := s.App.Paging.ServicePaging(s.AdminContext(), svc.ID); err == nil && sp.PolicyID == pols[0].ID {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("service paging %+v, %v", sp, err)
		}
	}
	step("the choice stays", chromedp.Navigate(svcPaging), chromedp.WaitVisible(chromedp.CSS(`select[name="policy_id"]`)))
	chosen, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`select[name="policy_id"]`)))
	if chosen != strconv.FormatInt(pols[0].ID, 10) {
		t.Fatalf("service policy %q, want %d", chosen, pols[0].ID)
	}

	// live waits until the page follows changes (its SSE stream is open)
	// and marks the document; unchanged reports that no reload replaced it.
	live := func(what string) {
		t.Helper()
		step(what, chromedp.WaitVisible(chromedp.CSS(`html.is-live body`)),
			chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`))
	}
	unchanged := func(what string) {
		t.Helper()
		if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.notReloaded === true`)); !ok {
			t.Fatalf("%s: the page was reloaded", what)
		}
	}
	bob, _ := s.User(t, "bob", "Bob Builder", access.Responder, pw)
	asBob := access.With(context.Background(), access.Actor{UserID: bob.ID, Handle: "bob", Name: "Bob Builder", Level: access.Responder, Source: "test"})

	// Something pages the service while the list is open: its policy
	// pages Ada, and the list shows it without a reload.
	step("the pages list", chromedp.Navigate(s.URL+"/pages"), chromedp.WaitVisible(chromedp.ID("page-list")))
	live("the list follows changes")
	has("nothing open yet", "#page-list", "No pages open")
	p, err := s.App.Paging.Raise(s.AdminContext(), paging.Trigger{Source: paging.FromManual, SourceID: 1, ServiceID: svc.ID, Summary: "Checkout error rate above 5%"})
	if err != nil {
		t.Fatal(err)
	}
	has("the page is listed", "#page-list", "Checkout error rate above 5%")
	has("on its policy", "#page-list", "Checkout on call")
	has("triggered", "#page-list", "triggered")
	unchanged("the list")

	step("open it", chromedp.Click(chromedp.CSS(`#page-list a[href="/pages/`+strconv.FormatInt(p.ID, 10)+`"]`)),
		chromedp.WaitVisible(chromedp.ID("page-status")))
	has("the detail shows it triggered", "#page-status", "triggered")
	has("who it paged", "#page-timeline", "Ada Admin")
	step("acknowledge", chromedp.Click(chromedp.CSS(`form[action$="/ack"] button`)))
	has("acknowledged", "#page-status", "acknowledged")
	has("by whom", ".facts-list", "Acknowledged by Ada Admin")
	has("on the timeline", "#page-timeline", "Ada Admin · Acknowledged")
	got, err := s.App.Paging.Get(s.AdminContext(), p.ID)
	if err != nil || got.Status != paging.Acknowledged || got.AckedBy != ada.ID {
		t.Fatalf("stored page %+v, %v", got, err)
	}

	// Bob resolves it elsewhere (the CLI, Slack, a link): Ada's open page
	// shows it without a reload.
	live("the page follows changes")
	if _, err := s.App.Paging.Resolve(asBob, p.ID); err != nil {
		t.Fatal(err)
	}
	has("resolved live", "#page-status", "resolved")
	has("Bob's resolve on the timeline", "#page-timeline", "Bob Builder · Resolved")
	unchanged("the page")

	// A second page, open in Ada's browser, acknowledged by Bob.
	p2, err := s.App.Paging.Raise(s.AdminContext(), paging.Trigger{Source: paging.FromManual, SourceID: 2, ServiceID: svc.ID, Summary: "Checkout latency"})
	if err != nil {
		t.Fatal(err)
	}
	step("open the second page", chromedp.Navigate(s.URL+"/pages/"+strconv.FormatInt(p2.ID, 10)), chromedp.WaitVisible(chromedp.ID("page-status")))
	has("triggered", "#page-status", "triggered")
	live("the second page follows changes")
	if _, err := s.App.Paging.Acknowledge(asBob, p2.ID); err != nil {
		t.Fatal(err)
	}
	has("acknowledged live", "#page-status", "acknowledged")
	has("by Bob", ".facts-list", "Acknowledged by Bob Builder")
	has("on the timeline", "#page-timeline", "Bob Builder · Acknowledged")
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector('form[action$="/ack"]')`)); !ok {
		t.Fatal("the Acknowledge button is still offered")
	}
	unchanged("the second page")
}
