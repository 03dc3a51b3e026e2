package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

// TestLibraryInBrowser: a signed-in person opens the postmortems library in
// real Chromium (under the production CSP), sees the postmortems grouped by
// month, searches a word of a body, gets the snippet with the word marked
// and the document's own markup shown as text, filters, and follows the
// permalink to the rendered document.
func TestLibraryInBrowser(t *testing.T) {
	s := apptest.Start(t)
	putSample(t, s)
	ctx := browser.New(t)
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
			t.Fatalf("%s: %v\npage: %s", what, err, body)
		}
	}
	textOf := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+"`"+sel+"`"+`).innerText`))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}
	step("sign in", chromedp.Navigate(s.URL+"/library"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), s.AdminPassword),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.topbar`)))
	step("open the library", chromedp.Navigate(s.URL+"/library"), chromedp.WaitVisible(chromedp.CSS(`input[name="q"]`)))
	main := textOf("main")
	if i, j := strings.Index(main, "April 2025"), strings.Index(main, "March 2025"); i < 0 || j < 0 || i > j {
		t.Fatalf("months, newest first:\n%s", main)
	}
	step("search a word of a body", chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "retry"),
		chromedp.Click(chromedp.CSS(`.filters button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("library-count")))
	marked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('.library-snippet mark')).map(m => m.textContent).join(',')`))
	if err != nil || marked != "retry" {
		t.Fatalf("marked words %q %v", marked, err)
	}
	if got := textOf("main"); !strings.Contains(got, "1 postmortem match") || !strings.Contains(got, "INC-7-checkout-zurich: Checkout outage in Zürich") ||
		!strings.Contains(got, "x < y & z") || strings.Contains(got, "Search latency") {
		t.Fatalf("results:\n%s", got)
	}
	scripts, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main script, main b').length`))
	if scripts != 0 {
		t.Fatal("the document's markup reached the page")
	}
	step("filter by a severity that does not match", chromedp.Navigate(s.URL+"/library?q=retry&severity=SEV3"), chromedp.WaitVisible(chromedp.ID("library-count")))
	if got := textOf("main"); !strings.Contains(got, "No published postmortem matches") {
		t.Fatalf("filtered:\n%s", got)
	}
	step("follow the permalink", chromedp.Navigate(s.URL+"/library/INC-9"), chromedp.WaitVisible(chromedp.ID("postmortem-body")))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/library/INC-9-search-latency") {
		t.Fatalf("permalink %s", loc)
	}
	cells, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#postmortem-body table td').length`))
	if cells != 2 {
		t.Fatalf("rendered table cells: %d", cells)
	}
}
