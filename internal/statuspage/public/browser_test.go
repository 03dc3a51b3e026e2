package public_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/mmcdole/gofeed"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

// screenshotDir is where the screenshots go for people to look at:
// $FIREBREAK_SCREENSHOTS, or a fixed folder under the temp directory.
func screenshotDir() string {
	if d := os.Getenv("FIREBREAK_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "firebreak-screenshots")
}

// TestBrowserCommunicationsStory runs in real headless Chromium: Carla, the
// Communications Manager of an incident affecting two components of a
// group, publishes Investigating, then Identified, then — after the
// incident is resolved and the Resolved update is proposed — Resolved, all
// from the incident's communications page. The public page, the incident
// page, the uptime bars and the feeds show it; screenshots of the public
// page are saved.
func TestBrowserCommunicationsStory(t *testing.T) {
	s := apptest.Start(t)
	ctx := s.AdminContext()
	sp := s.App.StatusPages
	const password = "correct horse battery staple"

	// The setting: a page with a group of two components, standing for the
	// catalog service the incident affects, and a third one that stays fine.
	page, err := sp.DefaultPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.UpdatePage(ctx, page.ID, statuspage.PageInput{Name: ptr("Acme Cloud"), TimeZone: ptr("Europe/Berlin"),
		SupportText: ptr("Questions? Write to support@acme.example — we answer around the clock.")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Catalog.CreateService(ctx, catalog.ServiceInput{Name: "analytics"}); err != nil {
		t.Fatal(err)
	}
	web, _ := sp.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Website")})
	_ = web
	g, _ := sp.SaveGroup(ctx, page.ID, 0, statuspage.GroupInput{Name: ptr("Common Features"), Position: ptr(1)})
	if _, err := sp.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Plugins"), GroupID: &g.ID, Position: ptr(1), Services: &[]string{"analytics"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Push Notifications"), GroupID: &g.ID, Position: ptr(2), Services: &[]string{"analytics"}}); err != nil {
		t.Fatal(err)
	}
	g2, _ := sp.SaveGroup(ctx, page.ID, 0, statuspage.GroupInput{Name: ptr("Analytics"), Position: ptr(2)})
	if _, err := sp.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: ptr("Analytics Interface"), GroupID: &g2.ID}); err != nil {
		t.Fatal(err)
	}

	carla, _ := s.User(t, "carla", "Carla Comms", access.Responder, password)
	inc, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "Analytics is not available on the US infrastructure",
		Severity: "SEV1", Services: []string{"analytics"}, Labels: map[string]string{"region": "US"}, TakeManager: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Incidents.AssignRole(ctx, inc.Number, 0, incident.CommunicationsManager, carla.ID); err != nil {
		t.Fatal(err)
	}

	b := browser.New(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(b, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(c, actions...); err != nil {
			body, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage:\n%s", what, err, body)
		}
	}
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(b, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			body, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("waiting until %s: %v\npage:\n%s", what, err, body)
		}
	}
	pageHas := func(what, text string) {
		t.Helper()
		waitFor(what, fmt.Sprintf(`document.body.innerText.replace(/\s+/g, ' ').includes(%q)`, text))
	}
	// showing reloads a public page until it shows text: the snapshot is
	// rebuilt right after a publish commits, a few milliseconds later.
	showing := func(what, path, text string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			step("open "+path, chromedp.Navigate(s.URL+path), chromedp.WaitVisible(chromedp.CSS(`body`)))
			got, _ := chromedp.Run(b, chromedp.Evaluate[bool](fmt.Sprintf(`document.body.innerText.replace(/\s+/g, ' ').includes(%q)`, text)))
			if got {
				return
			}
			if time.Now().After(deadline) {
				pageHas(what, text) // fails with the page
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	comms := s.URL + "/incidents/" + inc.Ref() + "/communications"
	publish := func(what string) {
		t.Helper()
		// The banner of the page after the redirect says it went through.
		step(what, chromedp.Evaluate[chromedp.Void](`document.querySelector('.banner-ok')?.remove()`),
			chromedp.Click(chromedp.CSS(`#draft-form button.btn-primary`)), chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)))
	}

	step("Carla signs in", chromedp.Navigate(s.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), "carla"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`.topbar`)))

	// Investigating: the template names both components and the region.
	step("open communications", chromedp.Navigate(comms), chromedp.WaitVisible(chromedp.ID("draft-form")))
	waitFor("the investigating draft", `document.querySelector('textarea[name="body"]').value.includes("We are investigating reports that Plugins and Push Notifications on the US infrastructure are not working")`)
	step("Plugins is down", chromedp.SetValue(chromedp.CSS(`select[aria-label="Status of Plugins"]`), "major_outage"))
	step("preview", chromedp.Click(chromedp.CSS(`#draft-form button[formaction]`)), chromedp.WaitVisible(chromedp.CSS(`.comms-preview`)))
	publish("publish Investigating")
	pageHas("the published update", "Investigating")

	// Identified.
	step("choose Identified", chromedp.Click(chromedp.CSS(`input[name="status"][value="identified"]`)),
		chromedp.SetValue(chromedp.CSS(`textarea[name="body"]`), "Customers hosted on the US infrastructure can't open the Analytics Interface. "+
			"We already identified the problem and are working on a fix."))
	publish("publish Identified")
	pageHas("Identified on the list", "Identified")
	step("desktop for the panel", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(comms), chromedp.WaitVisible(chromedp.ID("draft-form")))
	browser.Screenshot(t, b, filepath.Join(screenshotDir(), "communications.png"))

	// The public page shows it, with the incident, the group and the bars.
	dir := screenshotDir()
	showing("the Identified update", "/status", "We already identified the problem")
	pageHas("the banner", "Major System Outage")
	pageHas("the incident", "Analytics is not available on the US infrastructure")
	pageHas("the affected components", "This incident affected: Common Features (Plugins, Push Notifications)")
	waitFor("today's bar of Plugins is red", `document.querySelectorAll('.bar-major').length > 0`)
	step("desktop viewport", chromedp.EmulateViewport(1200, 900), chromedp.Navigate(s.URL+"/status"), chromedp.WaitVisible(chromedp.CSS(`.banner`)))
	browser.Screenshot(t, b, filepath.Join(dir, "statuspage-identified.png"))
	step("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)), chromedp.Navigate(s.URL+"/status"), chromedp.WaitVisible(chromedp.CSS(`.banner`)))
	browser.Screenshot(t, b, filepath.Join(dir, "statuspage-phone.png"))
	if _, err := chromedp.Call(b, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	step("dark desktop", chromedp.EmulateViewport(1200, 900), chromedp.Navigate(s.URL+"/status"), chromedp.WaitVisible(chromedp.CSS(`.banner`)))
	browser.Screenshot(t, b, filepath.Join(dir, "statuspage-dark.png"))
	if _, err := chromedp.Call(b, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	// The incident is resolved: the Resolved update is proposed, not published.
	if _, err := s.App.Incidents.ChangeStage(ctx, inc.Number, 0, incident.Resolved, ""); err != nil {
		t.Fatal(err)
	}
	step("back to communications", chromedp.Navigate(comms), chromedp.WaitVisible(chromedp.CSS(`.comms-propose`)))
	waitFor("the Resolved status is proposed", `document.querySelector('input[name="status"][value="resolved"]').checked`)
	waitFor("components go back to operational", `[...document.querySelectorAll('.comp-row select')].every(s => s.value === 'operational')`)
	publish("publish Resolved")

	step("desktop again", chromedp.EmulateViewport(1200, 900))
	showing("all good again", "/status", "All Systems Operational")
	pageHas("the past incident", "Resolved")
	waitFor("the outage stays on today's bar", `document.querySelectorAll('.bar-major').length > 0`)
	browser.Screenshot(t, b, filepath.Join(dir, "statuspage-resolved.png"))

	pubs, _ := sp.PublicIncidentsOf(ctx, inc.Number)
	step("incident page", chromedp.Navigate(fmt.Sprintf("%s/status/incidents/%d", s.URL, pubs[0].ID)), chromedp.WaitVisible(chromedp.CSS(`.updates`)))
	order, err := chromedp.Run(b, chromedp.Evaluate[string](`[...document.querySelectorAll('.updates .update h2')].map(h => h.innerText).join(',')`))
	if err != nil || order != "Resolved,Identified,Investigating" {
		t.Errorf("updates on the incident page: %q (%v)", order, err)
	}
	browser.Screenshot(t, b, filepath.Join(dir, "statuspage-incident.png"))

	step("status page settings", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(fmt.Sprintf("%s/settings/status-pages/%d", s.URL, page.ID)), chromedp.WaitVisible(chromedp.CSS(`.table`)))
	browser.Screenshot(t, b, filepath.Join(dir, "status-page-settings.png"))

	// The feeds, read by an independent parser.
	for _, f := range []string{"/status/history.atom", "/status/history.rss"} {
		_, body := get(t, s.URL+f)
		feed, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(feed.Items) != 1 || feed.Items[0].Title != inc.Title ||
			!strings.Contains(feed.Items[0].Content+feed.Items[0].Description, "Resolved") {
			t.Errorf("%s: %+v", f, feed.Items)
		}
	}
	t.Logf("screenshots of the public page: %s", dir)
}
