package statuspage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sampleData is a page with two groups, an open incident, a resolved one
// and a maintenance, at a fixed time.
func sampleData(now time.Time) *Data {
	at := func(h float64) time.Time { return now.Add(time.Duration(h * float64(time.Hour))) }
	p := Page{ID: 1, Slug: DefaultSlug, Name: "Acme", TimeZone: "Europe/Berlin", SupportText: "Questions? support@acme.example", CreatedAt: at(-24 * 100), UpdatedAt: at(-24 * 100)}
	d := &Data{Pages: []Page{p},
		Groups: []Group{{ID: 1, PageID: 1, Name: "Common Features", Position: 1}, {ID: 2, PageID: 1, Name: "Analytics", Position: 2}},
		Components: []Component{
			{ID: 1, PageID: 1, GroupID: 1, Name: "Plugins", Status: MajorOutage, Position: 1, CreatedAt: at(-24 * 100), UpdatedAt: at(-1)},
			{ID: 2, PageID: 1, GroupID: 1, Name: "Push Notifications", Status: PartialOutage, Position: 2, CreatedAt: at(-24 * 100), UpdatedAt: at(-1)},
			{ID: 3, PageID: 1, GroupID: 2, Name: "Analytics Interface", Status: Operational, Position: 1, CreatedAt: at(-24 * 100), UpdatedAt: at(-24 * 100)},
			{ID: 4, PageID: 1, Name: "Website", Status: Operational, Position: 0, CreatedAt: at(-24 * 100), UpdatedAt: at(-24 * 100)},
		},
		History: []Change{
			{1, Operational, at(-24 * 100)}, {2, Operational, at(-24 * 100)}, {3, Operational, at(-24 * 100)}, {4, Operational, at(-24 * 100)},
			{3, PartialOutage, at(-24 * 3)}, {3, Operational, at(-24*3 + 2)},
			{1, MajorOutage, at(-1)}, {2, PartialOutage, at(-1)},
		},
	}
	mf, mu := at(24*3), at(24*3+2)
	d.Incidents = []*Incident{
		{ID: 3, PageID: 1, Kind: KindMaintenance, Name: "Database upgrade", Status: Scheduled, Impact: ImpactMaintenance, ScheduledFor: &mf, ScheduledUntil: &mu,
			Components: []int64{3}, CreatedAt: at(-2), UpdatedAt: at(-2),
			Updates: []Update{{ID: 5, IncidentID: 3, Status: Scheduled, Body: "We will upgrade the analytics database.", CreatedAt: at(-2)}}},
		{ID: 2, PageID: 1, Kind: KindIncident, IncidentNumber: 7, Name: "Analytics is not available on the US infrastructure", Status: Identified, Impact: ImpactCritical,
			Components: []int64{1, 2}, CreatedAt: at(-1), UpdatedAt: at(-0.5),
			Updates: []Update{
				{ID: 4, IncidentID: 2, Status: Identified, Body: "Customers hosted on the US infrastructure can't open the Analytics Interface. We already identified the problem and are working on a fix.", CreatedAt: at(-0.5),
					Affected: []Affected{{1, "Plugins", MajorOutage, MajorOutage}}},
				{ID: 3, IncidentID: 2, Status: Investigating, Body: "We are investigating <script>alert(1)</script> **reports**.", CreatedAt: at(-1),
					Affected: []Affected{{1, "Plugins", Operational, MajorOutage}, {2, "Push Notifications", Operational, PartialOutage}}},
			}},
		{ID: 1, PageID: 1, Kind: KindIncident, Name: "Slow reports", Status: Resolved, Impact: ImpactMajor, Components: []int64{3},
			CreatedAt: at(-24 * 3), UpdatedAt: at(-24*3 + 2), ResolvedAt: ptrTime(at(-24*3 + 2)),
			Updates: []Update{
				{ID: 2, IncidentID: 1, Status: Resolved, Body: "Reports are fast again.", CreatedAt: at(-24*3 + 2)},
				{ID: 1, IncidentID: 1, Status: Investigating, Body: "Reports are slow.", CreatedAt: at(-24 * 3), Affected: []Affected{{3, "Analytics Interface", Operational, PartialOutage}}},
			}},
	}
	return d
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestBuildRendersEveryPage(t *testing.T) {
	now := time.Date(2026, 11, 25, 17, 27, 0, 0, time.UTC)
	snap, err := Build(sampleData(now), now, BuildOptions{BaseURL: "https://firebreak.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	site := snap.Default
	for _, path := range []string{"", "history", "maintenance", "incidents/1", "incidents/2", "incidents/3", "history.atom", "history.rss",
		"api/v2/summary.json", "api/v2/status.json", "api/v2/components.json", "api/v2/incidents.json", "api/v2/incidents/unresolved.json",
		"api/v2/scheduled-maintenances.json", "api/v2/scheduled-maintenances/upcoming.json", "api/v2/scheduled-maintenances/active.json", "static/status.css"} {
		f := site.Files[path]
		if f == nil || len(f.Body) == 0 || f.ETag == "" {
			t.Errorf("no file %q", path)
		}
	}
	home := string(site.Files[""].Body)
	for _, want := range []string{
		"Major System Outage",
		"Analytics is not available on the US infrastructure",
		"We already identified the problem",
		"Posted <time",
		"30 minutes ago",
		"Nov 25, 2026 - 17:57 CET", // 16:57 UTC in Berlin
		"This incident affected: Common Features (Plugins, Push Notifications)",
		"Database upgrade",
		`aria-label="Analytics Interface:`,
		"% uptime over the past 90 days",
		"Days with outages (1)",
		`href="/status/incidents/2"`,
		`action="/status/subscribe"`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	detail := string(site.Files["incidents/2"].Body)
	if strings.Contains(detail, "<script>alert") || !strings.Contains(detail, "<strong>reports</strong>") {
		t.Errorf("update bodies are not sanitized Markdown")
	}
	if strings.Index(detail, "Identified") > strings.Index(detail, "Investigating") {
		t.Errorf("updates are not newest first")
	}
	if out := os.Getenv("STATUSPAGE_SAMPLE_DIR"); out != "" {
		for path, f := range site.Files {
			name := filepath.Join(out, path)
			if path == "" || !strings.Contains(filepath.Base(path), ".") {
				name = filepath.Join(name, "index.html")
			}
			_ = os.MkdirAll(filepath.Dir(name), 0o755)
			_ = os.WriteFile(name, f.Body, 0o644)
		}
	}
}
