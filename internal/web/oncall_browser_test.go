package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

// TestBrowserOnCallStory runs the on-call section in headless Chromium under
// the production CSP: Alice opens On-call from the main nav, creates a
// business-hours schedule, sees its effect (the gaps) in the preview before
// saving, saves it, reads the week calendar, enters an override for Bob
// from now, and the first screen then says Bob is on call.
func TestBrowserOnCallStory(t *testing.T) {
	e, _ := startOnCall(t)
	ctx := browser.New(t)
	errs := consoleErrors(ctx)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(c, actions...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage:\n%s", what, err, body)
		}
	}
	waitFor := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("waiting until %s: %v\npage:\n%s", what, err, body)
		}
	}

	step("open Firebreak", chromedp.Navigate(e.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)))
	step("sign in",
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), "alice"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.topbar`)))
	step("open On-call from the nav", chromedp.Click(chromedp.CSS(`nav.nav a[href="/oncall"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href^="/oncall/schedules/new"]`)))
	step("new schedule", chromedp.Click(chromedp.CSS(`a[href^="/oncall/schedules/new"]`)), chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)))
	step("fill the schedule",
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "Checkout primary"),
		chromedp.SetValue(chromedp.CSS(`input[name="time_zone"]`), "Europe/Berlin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="layer0_name"]`), "Business hours"),
		chromedp.SendKeys(chromedp.CSS(`input[name="layer0_people"]`), "alice, bob"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="layer0_restrictions"]`), "mon-fri 09:00-17:00"))
	step("preview", chromedp.Click(chromedp.CSS(`#preview-button`)))
	waitFor("the preview shows the gaps", `(document.querySelector('#preview')?.innerText ?? '').includes('Nobody is on call from')`)
	waitFor("the preview draws the final timeline", `document.querySelectorAll('#preview .track-final svg.bar').length > 0`)
	shots := os.Getenv("FIREBREAK_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	browser.Screenshot(t, ctx, filepath.Join(shots, "oncall-editor-desktop.png"))
	step("save", chromedp.Click(chromedp.CSS(`#save-button`)), chromedp.WaitVisible(chromedp.CSS(`.cal-nav`)))
	waitFor("the schedule page confirms and warns", `document.body.innerText.includes('Schedule saved.') && document.body.innerText.includes('Coverage in the next four weeks')`)
	waitFor("the calendar has a layer track, an overrides track and the final one",
		`document.querySelectorAll('.track-layer').length === 1 && document.querySelectorAll('.track-overrides').length === 1 && document.querySelectorAll('.track-final .bar').length > 0`)

	// Reload without the "saved" banner, so the next banner is the override's.
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	step("reload the schedule", chromedp.Navigate(e.URL+path), chromedp.WaitVisible(chromedp.CSS(`.cal-nav`)))

	// An override for Bob from now: the form's defaults start in the next hour, so set them.
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now().In(berlin)
	step("open the override form", chromedp.Click(chromedp.CSS(`#add-override summary`)), chromedp.WaitVisible(chromedp.CSS(`#add-override select[name="user_id"]`)))
	step("enter an override",
		chromedp.SetValue(chromedp.CSS(`#add-override select[name="user_id"]`), itoa(e.Bob.ID)),
		chromedp.SetValue(chromedp.CSS(`#add-override input[name="start"]`), now.Add(-time.Minute).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.CSS(`#add-override input[name="end"]`), now.Add(2*time.Hour).Format("2006-01-02T15:04")),
		chromedp.SendKeys(chromedp.CSS(`#add-override input[name="note"]`), "Alice at the dentist"),
		chromedp.Click(chromedp.CSS(`#add-override button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)))
	waitFor("the override is listed and highlighted", `document.body.innerText.includes('Override added.') && document.body.innerText.includes('Alice at the dentist') && document.querySelectorAll('.track-final .bar-override').length > 0`)

	browser.Screenshot(t, ctx, filepath.Join(shots, "oncall-schedule-desktop.png"))

	step("who is on call now", chromedp.Navigate(e.URL+"/oncall"), chromedp.WaitVisible(chromedp.CSS(`.oncall-card`)))
	waitFor("Bob is on call, by override", `(document.querySelector('.oncall-card')?.innerText ?? '').includes('Bob Builder') && document.querySelector('.oncall-card').innerText.includes('override')`)
	browser.Screenshot(t, ctx, filepath.Join(shots, "oncall-now-desktop.png"))

	if msgs := errs(); len(msgs) > 0 {
		t.Errorf("the browser reported errors (a CSP violation or a script error):\n%s", strings.Join(msgs, "\n"))
	}
}
