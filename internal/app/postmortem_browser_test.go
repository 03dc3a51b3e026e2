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
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

// pmBrowser drives one signed-in person's tab.
type pmBrowser struct {
	t   *testing.T
	ctx context.Context
	url string
}

func (b pmBrowser) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	cctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, actions...); err != nil {
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText`))
		b.t.Fatalf("%s: %v\npage:\n%s", what, err, body)
	}
}

// has waits until the page (or the element sel) shows text.
func (b pmBrowser) has(what, sel, text string) {
	b.t.Helper()
	var body string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		body, _ = chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector(`+"`"+sel+"`"+`)||{innerText:""}).innerText`))
		// Compared case-insensitively: table headings are upper case by CSS.
		if strings.Contains(strings.ToLower(strings.Join(strings.Fields(body), " ")), strings.ToLower(text)) {
			return
		}
	}
	b.t.Fatalf("%s: %q not in %s:\n%s", what, text, sel, body)
}

func (b pmBrowser) signIn(handle, pw string) {
	b.step("sign in as "+handle, chromedp.Navigate(b.url+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), handle),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		chromedp.Click(chromedp.CSS(`.login-card button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.topbar`)))
}

// fillForm writes a person's 5-Why form and submits it.
func (b pmBrowser) fillForm(ref, saw string, whys ...string) {
	b.step("open the 5-Why form", chromedp.Navigate(b.url+"/postmortems/"+ref+"/form"), chromedp.WaitVisible(chromedp.ID("why-form")),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="saw"]`), saw))
	for i, w := range whys {
		b.step("answer why "+strconv.Itoa(i+1), chromedp.SendKeys(chromedp.CSS(`#why-form label:nth-of-type(`+strconv.Itoa(i+1)+`) input[name="why"]`), w))
	}
	b.step("submit the form", chromedp.Click(chromedp.CSS(`#why-form button[value="1"]`)), chromedp.WaitVisible(chromedp.ID("form-submitted")))
}

// The whole Improve stage in real Chromium: the IM resolves the incident and
// moves it to Improve, the postmortem is drafted with the basic information
// filled, two involved people submit their 5-Why forms, the IM schedules the
// meeting, pulls the answers in, captures two action items (one important
// and urgent), a reviewer approves, the IM publishes and closes the
// incident, and the postmortem is found in the library by a word of its body.
func TestBrowserPostmortemFromResolveToClose(t *testing.T) {
	s := apptest.Start(t)
	const pw = "correct horse battery staple"
	ann, _ := s.User(t, "ann", "Ann Lee", access.Responder, pw)
	bob, _ := s.User(t, "bob", "Bob Stone", access.Responder, pw)
	s.User(t, "rita", "Rita Review", access.Responder, pw)
	annCtx := access.With(context.Background(), access.Actor{UserID: ann.ID, Name: ann.Name, Level: access.Responder, Source: "test"})
	bobCtx := access.With(context.Background(), access.Actor{UserID: bob.ID, Name: bob.Name, Level: access.Responder, Source: "test"})
	inc, err := s.App.Incidents.Declare(annCtx, incident.DeclareInput{Title: "Checkout fails for EU cards", Severity: "SEV2", TakeManager: true,
		BlastRadius: incident.BlastRadius{Counts: []incident.Count{{Kind: "support_tickets", Count: 12}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Incidents.AddNote(bobCtx, inc.Number, "Rolled back the gateway config", true); err != nil {
		t.Fatal(err)
	}
	ref := inc.Ref()

	root := browser.New(t)
	im := pmBrowser{t, root, s.URL}
	im.signIn("ann", pw)

	// Resolve, then Improve, from the incident page.
	im.step("resolve", chromedp.Navigate(s.URL+"/incidents/"+ref), chromedp.WaitVisible(chromedp.CSS(`[data-stage-to="resolved"]`)),
		chromedp.Click(chromedp.CSS(`[data-stage-to="resolved"]`)))
	im.has("resolved", "#inc-stage", "Resolved")
	im.step("improve", chromedp.WaitVisible(chromedp.CSS(`[data-stage-to="improve"]`)), chromedp.Click(chromedp.CSS(`[data-stage-to="improve"]`)))
	im.has("in improve", "#inc-stage", "Improve")
	im.step("open the postmortem", chromedp.WaitVisible(chromedp.ID("postmortem-link")), chromedp.Click(chromedp.ID("postmortem-link")))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		found, _ := chromedp.Run(root, chromedp.Evaluate[bool](`!!document.getElementById("pm-doc")`))
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the postmortem was not drafted")
		}
		im.step("reload", chromedp.Reload())
	}
	for _, want := range []string{"Incident Manager Ann Lee", "Involved Ann Lee, Bob Stone", "Severity SEV2", "12 support tickets", "Rolled back the gateway config", "Contributing factors (5 Whys)"} {
		im.has("basic information", "#pm-doc", want)
	}

	// Two involved people answer their 5 Whys; Bob in a browser of his own.
	im.fillForm(ref, "Card payments failing in the EU", "The gateway config rejected EU cards", "The config change skipped staging")
	bobTab := pmBrowser{t, browser.NewTab(t, root), s.URL}
	bobTab.signIn("bob", pw)
	bobTab.fillForm(ref, "The error-rate alert fired", "The gateway config rejected EU cards", "Nobody reviews gateway config changes")

	// The IM schedules the meeting within the policy.
	start := time.Now().UTC().Add(72 * time.Hour).Format("2006-01-02T15:04")
	im.step("schedule the meeting", chromedp.Navigate(s.URL+"/postmortems/"+ref), chromedp.WaitVisible(chromedp.ID("schedule-form")),
		chromedp.SetValue(chromedp.CSS(`#schedule-form input[name="start"]`), start),
		chromedp.SetValue(chromedp.CSS(`#schedule-form input[name="minutes"]`), "60"),
		chromedp.SendKeys(chromedp.CSS(`#schedule-form input[name="location"]`), "Room 4"),
		chromedp.Click(chromedp.CSS(`#schedule-form button[type="submit"]`)))
	im.has("scheduled", "#meeting", "2 invited")
	im.has("both answered", "#forms", "Bob Stone — submitted")

	// The answers side by side; the disagreement on the second why is marked; pulled into the document.
	im.step("answers", chromedp.Navigate(s.URL+"/postmortems/"+ref+"/answers"), chromedp.WaitVisible(chromedp.ID("answers")))
	im.has("disagreement", "#answers tbody tr.pm-disagree:last-child", "Why? (2)")
	browser.Screenshot(t, root, filepath.Join(pmShots(t), "postmortem-answers.png"))
	im.step("pull the answers in", chromedp.Click(chromedp.ID("pull")), chromedp.WaitVisible(chromedp.ID("pm-doc")))
	im.has("pulled", "#pm-doc", "Perspective B")

	// Two editors at once: saving over Bob's newer version is refused, and Ann's text is kept to merge.
	im.step("open the editor", chromedp.Navigate(s.URL+"/postmortems/"+ref+"/edit"), chromedp.WaitVisible(chromedp.ID("edit-form")))
	cur, err := s.App.Postmortems.Get(bobCtx, inc.Number)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Postmortems.Edit(bobCtx, inc.Number, cur.Version, cur.Body+"\nBob was here.\n", "bob's edit"); err != nil {
		t.Fatal(err)
	}
	im.step("type and save", chromedp.SendKeys(chromedp.CSS(`#edit-form textarea[name="body"]`), "Ann's sentence."),
		chromedp.Click(chromedp.CSS(`#edit-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`.banner-error`)))
	im.has("refused", ".banner-error", "was changed by someone else")
	if kept, _ := chromedp.Run(root, chromedp.Evaluate[string](`document.querySelector('#edit-form textarea').value`)); !strings.Contains(kept, "Ann's sentence.") {
		t.Errorf("the typed text was lost")
	}

	// Two action items in the meeting view, one important and urgent.
	im.step("meeting view", chromedp.Navigate(s.URL+"/postmortems/"+ref+"/meeting"), chromedp.WaitVisible(chromedp.ID("start-meeting")),
		chromedp.Click(chromedp.ID("start-meeting")), chromedp.WaitVisible(chromedp.CSS(`.pm-countdown`)))
	im.step("first item", chromedp.Click(chromedp.CSS(`#add-item summary`)),
		chromedp.SendKeys(chromedp.CSS(`#item-form input[name="title"]`), "Stage every gateway config change"),
		chromedp.Click(chromedp.CSS(`#item-form input[name="important"]`)), chromedp.Click(chromedp.CSS(`#item-form input[name="urgent"]`)),
		chromedp.Click(chromedp.CSS(`#item-form button[type="submit"]`)))
	im.has("first item", "#meeting-items", "Stage every gateway config change important · urgent")
	due := time.Now().UTC().Add(90 * 24 * time.Hour).Format("2006-01-02")
	im.step("second item", chromedp.WaitVisible(chromedp.CSS(`#add-item summary`)), chromedp.Click(chromedp.CSS(`#add-item summary`)),
		chromedp.SendKeys(chromedp.CSS(`#item-form input[name="title"]`), "Review checklist for config changes"),
		chromedp.SetValue(chromedp.CSS(`#item-form input[name="due"]`), due),
		chromedp.SendKeys(chromedp.CSS(`#item-form input[name="product_owner"]`), "Petra Product"),
		chromedp.Click(chromedp.CSS(`#item-form button[type="submit"]`)))
	im.has("second item", "#meeting-items", "agreed with Petra Product")
	im.has("labels", "#meeting-items", "pm-action-item inc-1")
	im.step("start on the second item", chromedp.Click(chromedp.CSS(`#meeting-items .pm-item:nth-child(2) summary`)),
		chromedp.SetValue(chromedp.CSS(`#meeting-items .pm-item:nth-child(2) select[name="status"]`), "in_progress"),
		chromedp.Click(chromedp.CSS(`#meeting-items .pm-item:nth-child(2) button[type="submit"]`)))
	im.has("item in progress", "#meeting-items .pm-item:nth-child(2)", "Petra Product) · in_progress")
	browser.Screenshot(t, root, filepath.Join(pmShots(t), "postmortem-meeting.png"))

	// Review: Ann asks Rita; Rita approves in her own browser; Ann publishes.
	im.step("request review", chromedp.Navigate(s.URL+"/postmortems/"+ref), chromedp.WaitVisible(chromedp.ID("reviewers-form")),
		chromedp.SetValue(chromedp.CSS(`#reviewers-form select[name="reviewer"]`), "4"),
		chromedp.Click(chromedp.CSS(`#reviewers-form button[type="submit"]`)))
	im.has("requested", "#review", "Rita Review — requested")
	ritaTab := pmBrowser{t, browser.NewTab(t, root), s.URL}
	ritaTab.signIn("rita", pw)
	ritaTab.step("approve", chromedp.Navigate(s.URL+"/postmortems/"+ref), chromedp.WaitVisible(chromedp.ID("decide-form")),
		chromedp.SendKeys(chromedp.CSS(`#decide-form textarea[name="comment"]`), "Clear and blameless."),
		chromedp.Click(chromedp.CSS(`#decide-form button[value="approved"]`)))
	ritaTab.has("approved", "#review", "1/1 approvals")
	im.step("publish", chromedp.Navigate(s.URL+"/postmortems/"+ref), chromedp.WaitVisible(chromedp.ID("publish")), chromedp.Click(chromedp.ID("publish")))
	im.has("published", "#pm-status", "Published")

	// The incident closes.
	im.step("close", chromedp.Navigate(s.URL+"/incidents/"+ref), chromedp.WaitVisible(chromedp.CSS(`[data-stage-to="closed"]`)),
		chromedp.Click(chromedp.CSS(`[data-stage-to="closed"]`)))
	im.has("closed", "#inc-stage", "Closed")
	im.has("on the timeline", "#inc-timeline", "Ann Lee published the postmortem")

	// Found in the library by a word of its body (the publishing capability's search, fed on publish).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		im.step("search", chromedp.Navigate(s.URL+"/library?q=staging"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		body, _ := chromedp.Run(root, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
		if strings.Contains(body, "Checkout fails for EU cards") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the postmortem is not found by a word of its body:\n%s", body)
		}
	}
	// The history shows who changed what, with a diff.
	im.step("history", chromedp.Navigate(s.URL+"/postmortems/"+ref+"/versions"), chromedp.WaitVisible(chromedp.ID("pm-versions")))
	im.has("versions", "#pm-versions", "pulled in the 5-Why answers")
	im.has("versions", "#pm-versions", "action items listed")
	im.step("a version's diff", chromedp.Click(chromedp.CSS(`#pm-versions a[href$="?v=2"]`)), chromedp.WaitVisible(chromedp.CSS(`.pm-diff`)))
	im.has("diff", ".pm-diff", "+ **Perspective A**")
	// The process SLOs, the action-item list and the templates.
	im.step("slos", chromedp.Navigate(s.URL+"/postmortems/slos"), chromedp.WaitVisible(chromedp.ID("slos")))
	im.has("slos", "#slos", "5-Why forms before the meeting 100% 2 of 2")
	im.step("action items", chromedp.Navigate(s.URL+"/actions?filter=open"), chromedp.WaitVisible(chromedp.ID("action-items")))
	im.has("items listed", "#action-items", "Review checklist for config changes")
	im.step("mark one done", chromedp.Click(chromedp.CSS(`#action-items tbody tr:first-child button`)))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(25 * time.Millisecond) {
		// The page comes back with one open item left.
		n, _ := chromedp.Run(root, chromedp.Evaluate[int](`document.readyState === "complete" ? document.querySelectorAll("#action-items tbody tr").length : -1`))
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d open items after marking one done", n)
		}
	}
	im.step("templates", chromedp.Navigate(s.URL+"/settings/postmortem-templates"), chromedp.WaitVisible(chromedp.CSS(`textarea[name="body"]`)))
	im.has("built-in template", "main", "Blameless (built in)")

	dir := pmShots(t)
	im.step("back to the postmortem", chromedp.Navigate(s.URL+"/postmortems/"+ref), chromedp.WaitVisible(chromedp.ID("pm-doc")))
	browser.Screenshot(t, root, filepath.Join(dir, "postmortem-desktop.png"))
}

// pmShots is where the screenshots go (FIREBREAK_SCREENSHOTS, or the test's temporary directory).
func pmShots(t *testing.T) string {
	if dir := os.Getenv("FIREBREAK_SCREENSHOTS"); dir != "" {
		return dir
	}
	return t.TempDir()
}
