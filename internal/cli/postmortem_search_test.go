package cli

import (
	"context"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

func TestPostmortemSearchCommand(t *testing.T) {
	s := apptest.Start(t)
	idx := s.App.Store.PostmortemSite()
	at := time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, d := range []site.Doc{
		{Number: 7, Title: "Checkout outage in Zürich", Slug: "checkout-zurich", Severity: "SEV1", Services: []string{"checkout"},
			Markdown: "The connection pool was exhausted by a naïve retry loop. x < y & z.", IncidentAt: at, PublishedAt: at.Add(48 * time.Hour)},
		{Number: 9, Title: "Search latency", Slug: "search-latency", Severity: "SEV3", Services: []string{"search"},
			Markdown: "Index rebuild was slow.", IncidentAt: at.AddDate(1, 0, 0), PublishedAt: at.AddDate(1, 0, 2)},
	} {
		if err := idx.Put(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	admin := against(t, s)
	r := admin.run(t, "postmortem", "search", "retry", "loop").want(t, 0)
	has(t, "search", r.stdout, "INC-7-checkout-zurich  SEV1  2025-03-02  Checkout outage in Zürich", "»retry« »loop«", "x < y & z", "1 shown.")
	r = admin.run(t, "pm", "search", "--severity", "SEV3").want(t, 0)
	has(t, "list by severity", r.stdout, "INC-9-search-latency", "1 shown.")
	r = admin.run(t, "postmortem", "search", "rebuild", "--year", "2025").want(t, 0)
	has(t, "year filter", r.stdout, "No published postmortem matches.")
	r = admin.run(t, "postmortem", "search", `"pool connection"`, "--service", "checkout").want(t, 0)
	has(t, "phrase", r.stdout, "No published postmortem matches.")
	r = admin.run(t, "postmortem", "search", "--year", "12").want(t, exitError)
	has(t, "bad year", r.stderr, "firebreak: ", "year")
	r = admin.run(t, "--json", "postmortem", "search", "zurich").want(t, 0)
	has(t, "json", r.stdout, `"permalink":"/library/INC-7-checkout-zurich"`, `x &lt; y &amp; z`)
	r = admin.run(t, "postmortem", "git", "INC-7").want(t, exitError)
	has(t, "git review off", r.stderr, "firebreak: ", "git review")
}
