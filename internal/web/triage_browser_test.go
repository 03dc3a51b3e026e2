package web_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

// TestBrowserTriage: Bob keeps the triage queue open in real headless
// Chromium; an alert arriving shows up without a reload (server-sent
// events), and declaring from it lands him on the new incident. A
// screenshot of the queue is saved to $FIREBREAK_SCREENSHOTS (or a temp dir).
func TestBrowserTriage(t *testing.T) {
	e := start(t)
	e.fire(t, "eu")
	bob := browser.New(t)
	errs := consoleErrors(bob)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(bob, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			body, _ := chromedp.Run(bob, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage:\n%s", what, err, body)
		}
	}
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(bob, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			body, _ := chromedp.Run(bob, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("waiting until %s: %v\npage:\n%s", what, err, body)
		}
	}
	run("sign in", chromedp.Navigate(e.URL+"/triage"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), "bob"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#triage-list`)))
	waitFor("the queue shows the first alert", `document.querySelector('#triage-list').innerText.includes('HighErrorRate on eu')`)

	// A new alert arrives while Bob looks: it appears without a reload.
	time.Sleep(300 * time.Millisecond) // let the event stream connect
	e.fire(t, "us")
	waitFor("the new alert appears live", `document.querySelector('#triage-list').innerText.includes('HighErrorRate on us')`)

	dir := os.Getenv("FIREBREAK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	browser.Screenshot(t, bob, filepath.Join(dir, "triage-desktop.png"))

	// Declaring from the newest item opens the incident, prefilled from its alerts.
	run("declare", chromedp.Click(chromedp.CSS(`#triage-list .triage-item form[action$="/declare"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#inc-timeline`)))
	waitFor("the incident page", `location.pathname === '/incidents/INC-1'`)
	waitFor("the title from the alert", `document.body.innerText.includes('HighErrorRate on us')`)
	if got := errs(); len(got) > 0 {
		t.Errorf("console errors: %v", got)
	}
}
