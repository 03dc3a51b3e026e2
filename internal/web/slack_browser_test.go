package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
	"github.com/firebreak-hq/firebreak/internal/testkit/slackfake"
)

// TestBrowserSlackSettings: in real headless Chromium an admin opens
// Settings → Slack, sees the connection, and links a colleague whose Slack
// email differs by filling in the form. A screenshot is saved to
// $FIREBREAK_SCREENSHOTS (or a temp dir).
func TestBrowserSlackSettings(t *testing.T) {
	fake := slackfake.New(t)
	srv := apptest.Start(t, apptest.Configure(func(c *config.Config) {
		c.Chat.Slack = config.SlackConfig{Mode: "http", BotToken: fake.BotToken, SigningSecret: "s", APIURL: fake.APIURL()}
	}))
	carla, _ := srv.User(t, "carla", "Carla Comms", access.Responder, "carla's long password")
	tab := browser.New(t)
	errs := consoleErrors(tab)
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			body, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage:\n%s", what, err, body)
		}
	}
	run("sign in", chromedp.Navigate(srv.URL+"/settings/slack"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), srv.AdminPassword),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#slack-state`)))
	state, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('#slack-state').innerText`))
	if err != nil || state != "http mode — connected to Firebreak Test as firebreak" {
		t.Fatalf("connection state %q %v", state, err)
	}
	run("link Carla", chromedp.SetValue(chromedp.CSS(`select[name="user_id"]`), strconv.FormatInt(carla.ID, 10)),
		chromedp.SendKeys(chromedp.CSS(`input[name="slack_id"]`), "U0CARLA01"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/slack/links"] button[type="submit"]`)))
	// The form posts and the browser navigates to the page again: while it
	// does, an evaluation fails with "navigated or closed", so ask again
	// until the new page lists the link.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		listed, err := chromedp.Run(tab, chromedp.Evaluate[bool](`(document.querySelector('#slack-links')?.innerText ?? '').includes('U0CARLA01')`))
		if err == nil && listed {
			break
		}
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("the link is not listed: %v\n%s", err, body)
		}
	}
	dir := os.Getenv("FIREBREAK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	browser.Screenshot(t, tab, filepath.Join(dir, "slack-settings.png"))
	if got := errs(); len(got) > 0 {
		t.Errorf("console errors: %v", got)
	}
}
