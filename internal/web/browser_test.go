package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

// TestBrowserIncidentStory runs the UI in real headless Chromium: Alice (an
// admin) signs in, adds Dana, declares an incident taking the Incident
// Manager role, appoints Dana as Domain Expert and resolves the incident;
// the timeline tells each step. Bob, in a second browser with its own
// session, watches the incident page and sees the stage change live,
// without reloading. Screenshots of the incident page on a desktop and on
// a phone are saved to $FIREBREAK_SCREENSHOTS (or the test's temp dir).
func TestBrowserIncidentStory(t *testing.T) {
	e := start(t)
	alice := browser.New(t)
	bob := browser.NewTab(t, alice)
	aliceErrs := consoleErrors(alice)
	bobErrs := consoleErrors(bob)

	step := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	waitFor := func(ctx context.Context, what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("waiting until %s: %v\npage:\n%s", what, err, body)
		}
	}
	signIn := func(ctx context.Context, who string) {
		t.Helper()
		step(ctx, who+" opens Firebreak", chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)))
		step(ctx, who+" signs in",
			chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), who),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
			chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`.topbar`)))
	}
	timelineHas := func(ctx context.Context, who, sentence string) {
		t.Helper()
		waitFor(ctx, who+" sees “"+sentence+"”", fmt.Sprintf(
			`(document.querySelector('#inc-timeline')?.innerText ?? '').replace(/\s+/g, ' ').includes(%q)`, sentence))
	}

	// Alice signs in and adds Dana as a responder.
	signIn(alice, "alice")
	step(alice, "open People", chromedp.Navigate(e.URL+"/users"), chromedp.WaitVisible(chromedp.CSS(`input[name="handle"]`)))
	step(alice, "add Dana",
		chromedp.SendKeys(chromedp.CSS(`input[name="handle"]`), "dana"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "Dana Expert"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "dana@example.com"),
		chromedp.Click(chromedp.CSS(`input[name="level"][value="responder"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/users"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)))

	// She declares an incident and takes the Incident Manager role (the default).
	step(alice, "open the declare form", chromedp.Navigate(e.URL+"/incidents/new"), chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
	step(alice, "declare",
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Checkout fails for EU customers"),
		chromedp.Click(chromedp.CSS(`input[name="severity"][value="SEV2"]`)),
		chromedp.Click(chromedp.CSS(`input[name="services"][value="checkout-api"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="summary"]`), "Card payments return 502 since the 14:05 deploy."),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="customer_impact"]`), "EU customers cannot complete checkout."),
		chromedp.Click(chromedp.CSS(`.declare button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.ID("inc-head")))
	loc, err := chromedp.Run(alice, chromedp.Location())
	if err != nil || !strings.HasSuffix(loc, "/incidents/INC-1") {
		t.Fatalf("after declaring, Alice is at %q (%v)", loc, err)
	}
	timelineHas(alice, "alice", "Alice Admin declared the incident as SEV2, in Fix")
	waitFor(alice, "Alice holds the Incident Manager role",
		`document.querySelector('[data-role="incident_manager"] .holder-name')?.innerText.includes('Alice Admin')`)

	// Bob opens the same incident in his own browser and follows it live.
	signIn(bob, "bob")
	step(bob, "Bob opens INC-1", chromedp.Navigate(e.URL+"/incidents/INC-1"), chromedp.WaitVisible(chromedp.ID("inc-head")))
	waitFor(bob, "Bob's page is connected for live updates", `document.documentElement.classList.contains('is-live')`)
	step(bob, "mark Bob's page", chromedp.Evaluate[chromedp.Void](`window.__notReloaded = true`))

	// Acting as Incident Manager, Alice appoints Dana as Domain Expert.
	step(alice, "appoint Dana as Domain Expert",
		chromedp.Click(chromedp.CSS(`[data-role="domain_expert"] .appoint-d summary`)),
		chromedp.SetValue(chromedp.ID("appoint-domain_expert"), fmt.Sprint(userID(t, e, "dana"))),
		chromedp.Click(chromedp.CSS(`[data-role="domain_expert"] .appoint button`)))
	timelineHas(alice, "alice", "Alice Admin appointed Dana Expert as Domain Expert")
	timelineHas(bob, "bob", "Alice Admin appointed Dana Expert as Domain Expert")

	// Alice resolves the incident; Bob sees the stage change without reloading.
	step(alice, "resolve", chromedp.Click(chromedp.CSS(`button[data-stage-to="resolved"]`)))
	timelineHas(alice, "alice", "Alice Admin moved the incident from Fix to Resolved")
	waitFor(alice, "Alice sees Resolved", `document.querySelector('#inc-stage')?.innerText === 'Resolved'`)
	waitFor(bob, "Bob sees Resolved live", `document.querySelector('#inc-stage')?.innerText === 'Resolved'`)
	timelineHas(bob, "bob", "Alice Admin moved the incident from Fix to Resolved")
	if kept, err := chromedp.Run(bob, chromedp.Evaluate[bool](`window.__notReloaded === true`)); err != nil || !kept {
		t.Fatalf("Bob's page was reloaded to show the change (%v)", err)
	}
	// The URL of Alice's page is still the incident's after her actions.
	if loc, _ := chromedp.Run(alice, chromedp.Location()); !strings.HasSuffix(loc, "/incidents/INC-1") {
		t.Errorf("after acting, Alice's address is %q", loc)
	}

	// A note and a key moment, for a fuller screenshot.
	step(alice, "add a note",
		chromedp.SendKeys(chromedp.ID("note-text"), "Rolled back the 14:05 deploy; error rate is back to normal."),
		chromedp.Click(chromedp.CSS(`.note-form input[name="key_moment"]`)),
		chromedp.Click(chromedp.CSS(`.note-form button[type="submit"]`)))
	timelineHas(alice, "alice", "Rolled back the 14:05 deploy")
	timelineHas(bob, "bob", "Rolled back the 14:05 deploy")

	dir := os.Getenv("FIREBREAK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	step(alice, "scroll to top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	browser.Screenshot(t, alice, filepath.Join(dir, "incident-desktop.png"))
	if _, err := chromedp.Call(alice, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	step(alice, "let the colours settle", chromedp.Sleep(300*time.Millisecond))
	browser.Screenshot(t, alice, filepath.Join(dir, "incident-desktop-dark.png"))
	if _, err := chromedp.Call(alice, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	step(alice, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(e.URL+"/incidents/INC-1"), chromedp.WaitVisible(chromedp.ID("inc-head")))
	browser.Screenshot(t, alice, filepath.Join(dir, "incident-phone.png"))
	step(alice, "phone list", chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`.inc-rows`)))
	browser.Screenshot(t, alice, filepath.Join(dir, "list-phone.png"))
	step(alice, "desktop list", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`.inc-rows`)))
	browser.Screenshot(t, alice, filepath.Join(dir, "list-desktop.png"))
	step(alice, "declare form", chromedp.Navigate(e.URL+"/incidents/new"), chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
	browser.Screenshot(t, alice, filepath.Join(dir, "declare-desktop.png"))
	step(alice, "people", chromedp.Navigate(e.URL+"/users"), chromedp.WaitVisible(chromedp.CSS(`.table`)))
	browser.Screenshot(t, alice, filepath.Join(dir, "users-desktop.png"))
	step(alice, "tokens", chromedp.Navigate(e.URL+"/settings/tokens"), chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "deploy-bot"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/tokens"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.token-value`)))
	browser.Screenshot(t, alice, filepath.Join(dir, "tokens-desktop.png"))
	step(alice, "audit", chromedp.Navigate(e.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS(`.table`)))
	browser.Screenshot(t, alice, filepath.Join(dir, "audit-desktop.png"))

	for who, errs := range map[string]func() []string{"alice": aliceErrs, "bob": bobErrs} {
		if msgs := errs(); len(msgs) > 0 {
			t.Errorf("%s's browser reported errors (a CSP violation or a script error):\n%s", who, strings.Join(msgs, "\n"))
		}
	}
}

// consoleErrors collects the errors and exceptions a browser reports, such
// as a script blocked by the Content-Security-Policy.
func consoleErrors(ctx context.Context) func() []string {
	var mu sync.Mutex
	var errs []string
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || string(m.Type) == "error" {
				// A stream cut when a test browser closes is not the page's fault.
				if strings.Contains(m.Text, "/live") {
					continue
				}
				mu.Lock()
				errs = append(errs, fmt.Sprintf("%s:%d %s", m.URL, m.Line+1, m.Text))
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

func userID(t *testing.T, e *env, handle string) int64 {
	t.Helper()
	u, err := e.Auth.UserByHandle(e.as(e.Alice), handle)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
