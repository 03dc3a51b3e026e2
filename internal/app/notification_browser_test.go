package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
	"github.com/firebreak-hq/firebreak/internal/testkit/twiliotest"
)

// In a real browser, a person opens "My notifications" from the menu, adds
// their phone, types the code it received, adds a rule "SMS after 3
// minutes", sees what a page would now do, sends a test and finds it in
// the history.
func TestBrowserMyNotifications(t *testing.T) {
	mail := smtptest.Start(t)
	twilio := twiliotest.Start(t)
	s := apptest.Start(t, apptest.Configure(func(c *config.Config) {
		c.SMTP = config.SMTPConfig{Host: mail.Host + ":" + strconv.Itoa(mail.Port), From: "Firebreak <pager@acme.example>", TLS: "none"}
		c.Notifications.SMS = config.SMSConfig{Provider: "twilio", Twilio: config.TwilioConfig{AccountSID: twilio.AccountSID, AuthToken: twilio.AuthToken, From: "+14155550199", BaseURL: twilio.URL}}
	}))
	const pw = "correct horse battery staple"
	s.User(t, "ann", "Ann Example", access.Responder, pw)
	ctx := browser.New(t)

	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(cctx, actions...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			t.Fatalf("%s: %v\npage:\n%s", what, err, body)
		}
	}
	pageHas := func(what, text string) {
		t.Helper()
		var body string
		// Evaluate until the text shows: a form post navigates meanwhile.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			body, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			if strings.Contains(strings.Join(strings.Fields(body), " "), text) {
				return
			}
		}
		t.Fatalf("%s: %q not on the page:\n%s", what, text, body)
	}

	step("sign in", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), "ann"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.topbar`)))
	step("open My notifications from the menu", chromedp.Click(chromedp.CSS(`.me a[href="/settings/notifications"]`)),
		chromedp.WaitVisible(chromedp.ID("contacts")))
	pageHas("no method yet", "A high-urgency notification reaches you nowhere")

	step("a number without its country code", chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "sms"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "0170 1234567"),
		chromedp.Click(chromedp.CSS(`form.add-contact button[type="submit"]`)))
	pageHas("refused in words", "has no country code: start it with +")
	step("add the phone", chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "sms"),
		chromedp.SetValue(chromedp.CSS(`input[name="address"]`), "+1 (415) 555-0100"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "Phone"),
		chromedp.Click(chromedp.CSS(`form.add-contact button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)))
	pageHas("added", "+14155550100")
	code := sixDigits.FindString(twilio.Wait(t, 1, 20*time.Second)[0].Body)
	step("a wrong code", chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), "000000"),
		chromedp.Click(chromedp.CSS(`form[action$="/verify"] button`)))
	if code != "000000" {
		pageHas("wrong code refused", "code is wrong (4 tries left)")
	}
	step("the right code", chromedp.SetValue(chromedp.CSS(`input[name="code"]`), code),
		chromedp.Click(chromedp.CSS(`form[action$="/verify"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.banner-ok`)))
	pageHas("verified", "Verified: Firebreak notifies you there now")
	pageHas("default plan", "This is the default: you have no high-urgency rules.")

	step("add a rule: SMS after 3 minutes", chromedp.SetValue(chromedp.CSS(`form[action="/settings/notifications/rules"] input[name="delay"]`), "3"),
		chromedp.Click(chromedp.CSS(`form[action="/settings/notifications/rules"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`table.rules-high`)))
	pageHas("the plan follows the rule", "sms +14155550100 after 3 min if still open")

	step("send a test", chromedp.Click(chromedp.CSS(`form[action$="/test"] button`)))
	if got := twilio.Wait(t, 2, 20*time.Second)[1].Body; !strings.Contains(got, "Firebreak test notification") {
		t.Fatalf("test text %q", got)
	}
	// The text can arrive before the form's own navigation is over: a
	// reload then fails with "navigated or closed", so reload until the
	// history shows the delivery as delivered.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("history")))
		body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#history')?.innerText ?? ''`))
		// The fake Twilio confirms each text: the delivery ends "delivered".
		if err == nil && strings.Contains(body, "delivered") && strings.Contains(body, "Firebreak test notification") && strings.Contains(body, "•••••••0100") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("history: %v\n%s", err, body)
		}
	}
	dir := os.Getenv("FIREBREAK_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	browser.Screenshot(t, ctx, filepath.Join(dir, "my-notifications-desktop.png"))
}
