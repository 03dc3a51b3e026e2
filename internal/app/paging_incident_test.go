package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// The incident page lists the pages linked to the incident, with their
// status and a link to each, and none of another incident's; on both
// stores.
func TestIncidentPageListsItsPages(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		ctx := s.AdminContext()
		inc, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "Checkout down", Severity: "SEV1"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "Search slow", Severity: "SEV3"})
		if err != nil {
			t.Fatal(err)
		}
		me := s.Admin.UserID
		acked, err := s.App.Paging.PageUser(ctx, me, "Look at the payment gateway", inc.Number)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Paging.Acknowledge(ctx, acked.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.App.Paging.PageUser(ctx, me, "Search needs you", other.Number); err != nil {
			t.Fatal(err)
		}

		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(url.Values{"login": {"admin"}, "password": {s.AdminPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		get := func(path string) string {
			t.Helper()
			resp, err := c.Get(s.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
			}
			return string(b)
		}

		body := get("/incidents/" + inc.Ref())
		card := body[strings.Index(body, `id="inc-pages"`):]
		card = card[:strings.Index(card, "</section>")]
		for _, want := range []string{
			fmt.Sprintf(`<a href="/pages/%d">Look at the payment gateway</a>`, acked.ID),
			`<span class="chip page-acknowledged">acknowledged</span>`,
			"acknowledged by " + s.Admin.Name,
		} {
			if !strings.Contains(card, want) {
				t.Errorf("incident page's pages lack %q:\n%s", want, card)
			}
		}
		if strings.Contains(card, "Search needs you") {
			t.Errorf("another incident's page is listed:\n%s", card)
		}
		if body := get("/incidents/" + other.Ref()); !strings.Contains(body, "Search needs you") || !strings.Contains(body, `page-triggered">triggered`) {
			t.Errorf("the other incident's page is missing:\n%s", body)
		}
		third, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "Quiet", Severity: "SEV3"})
		if err != nil {
			t.Fatal(err)
		}
		if body := get("/incidents/" + third.Ref()); !strings.Contains(body, "No one was paged for this incident.") {
			t.Errorf("an incident without pages:\n%s", body)
		}
	})
}
