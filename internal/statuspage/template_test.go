package statuspage

import (
	"strings"
	"testing"
	"time"
)

func TestTemplateFill(t *testing.T) {
	tmpl := DefaultTemplates[1] // identified
	title, body := tmpl.Fill(Vars{Title: "Analytics is not available on the US infrastructure",
		Components: []string{"Analytics"}, Region: "US", NextUpdate: 30 * time.Minute})
	if title != "Analytics is not available on the US infrastructure" {
		t.Errorf("title %q", title)
	}
	want := "Customers on the US infrastructure can't use Analytics as expected. We already identified the problem and are working on a fix. We will post an update within 30 minutes."
	if body != want {
		t.Errorf("body\n%q\nwant\n%q", body, want)
	}
	_, body = DefaultTemplates[0].Fill(Vars{Components: []string{"Plugins", "Push Notifications", "Login"}})
	if !strings.Contains(body, "Plugins, Push Notifications and Login are not working") || !strings.Contains(body, "within the next hour") {
		t.Errorf("investigating body %q", body)
	}
}

func TestCadence(t *testing.T) {
	last := time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC)
	if due, ok := DefaultCadence.NextDue("sev1", last); !ok || !due.Equal(last.Add(30*time.Minute)) {
		t.Errorf("SEV1 due %v %v", due, ok)
	}
	if _, ok := DefaultCadence.NextDue("SEV4", last); ok {
		t.Error("SEV4 has no cadence")
	}
}

func TestImpactAndOverall(t *testing.T) {
	aff := []Affected{{Status: DegradedPerformance}, {Status: PartialOutage}}
	if got := ImpactOf(KindIncident, aff); got != ImpactMajor {
		t.Errorf("impact %s", got)
	}
	if got := ImpactOf(KindMaintenance, aff); got != ImpactMaintenance {
		t.Errorf("maintenance impact %s", got)
	}
	cases := []struct {
		comps []ComponentStatus
		open  []*Incident
		want  string
	}{
		{[]ComponentStatus{Operational, Operational}, nil, "none"},
		{[]ComponentStatus{Operational, DegradedPerformance}, nil, "minor"},
		{[]ComponentStatus{UnderMaintenance}, nil, "maintenance"},
		{[]ComponentStatus{PartialOutage, UnderMaintenance}, nil, "major"},
		{[]ComponentStatus{MajorOutage}, nil, "critical"},
		{[]ComponentStatus{Operational}, []*Incident{{Kind: KindIncident, Status: Investigating, Impact: ImpactNone}}, "minor"},
		{[]ComponentStatus{Operational}, []*Incident{{Kind: KindIncident, Status: Resolved, Impact: ImpactCritical}}, "none"},
	}
	for _, c := range cases {
		var comps []Component
		for _, s := range c.comps {
			comps = append(comps, Component{Status: s})
		}
		if got := OverallStatus(comps, c.open).Indicator; got != c.want {
			t.Errorf("%v %v: %s, want %s", c.comps, c.open, got, c.want)
		}
	}
}

func TestRenderMarkdownSanitizes(t *testing.T) {
	got := string(RenderMarkdown("**Fixed** <script>alert(1)</script> [x](javascript:alert(1)) see https://example.com"))
	if strings.Contains(got, "<script") || strings.Contains(got, "javascript:") {
		t.Errorf("unsafe output %q", got)
	}
	if !strings.Contains(got, "<strong>Fixed</strong>") || !strings.Contains(got, `href="https://example.com"`) {
		t.Errorf("formatting lost: %q", got)
	}
}
