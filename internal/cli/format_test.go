package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestAgo(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "just now"},
		{59 * time.Second, "just now"},
		{12 * time.Minute, "12m ago"},
		{3*time.Hour + 59*time.Minute, "3h ago"},
		{47 * time.Hour, "47h ago"},
		{5 * 24 * time.Hour, "5d ago"},
		{30 * 24 * time.Hour, "4w ago"},
		{800 * 24 * time.Hour, "2y ago"},
		{-3 * time.Hour, "in 3h"},
		{-10 * time.Second, "just now"},
	} {
		if got := ago(now, now.Add(-c.d)); got != c.want {
			t.Errorf("ago(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"},
		{45 * time.Second, "45s"},
		{12*time.Minute + 30*time.Second, "12m"},
		{3*time.Hour + 5*time.Minute, "3h 5m"},
		{52 * time.Hour, "2d 4h"},
	} {
		if got := duration(c.d); got != c.want {
			t.Errorf("duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestClockIsLocalAndShortForToday(t *testing.T) {
	vienna := time.FixedZone("CET", 3600)
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(-time.Hour), "12:00:00"}, // 11:00 UTC is 12:00 in CET
		{now.Add(-3 * 24 * time.Hour), "Feb 26 13:00"},
		{now.AddDate(-1, 0, 0), "2025-03-01 13:00"},
	} {
		if got := clock(now, c.at, vienna); got != c.want {
			t.Errorf("clock(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("Checkout fails for every customer", 12); got != "Checkout fa…" {
		t.Errorf("truncate = %q", got)
	}
	if got := truncate("short", 12); got != "short" {
		t.Errorf("truncate = %q", got)
	}
}

func tp(t time.Time) *time.Time { return &t }

func sampleIncident() *client.Incident {
	return &client.Incident{
		Incident: incident.Incident{
			Number: 4, Title: "Checkout fails for EU customers", Severity: "SEV2", Stage: incident.Fix,
			Services: []string{"api", "web"}, Summary: "Payments time out.\nSince the 1.42 deploy.",
			BlastRadius: incident.BlastRadius{Text: "EU only", Counts: []incident.Count{{Kind: "support_tickets", Count: 12}}},
			ChatChannel: "#inc-4", Labels: map[string]string{"region": "eu"},
			Times:     incident.StageTimes{Detected: tp(now.Add(-50 * time.Minute)), Declared: tp(now.Add(-45 * time.Minute)), Fixing: tp(now.Add(-45 * time.Minute))},
			Roles:     incident.Roles{IncidentManager: 1, FirstResponder: 1, DomainExperts: []int64{2, 9}},
			Involved:  []int64{1, 2},
			CreatedBy: 1, CreatedAt: now.Add(-45 * time.Minute), Version: 5,
		},
		Ref:    "INC-4",
		People: map[int64]client.Person{1: {Handle: "ann", Name: "Ann Example"}, 2: {Handle: "bob", Name: "bob"}},
	}
}

func testEnv(out *bytes.Buffer) *env {
	return &env{stdout: out, now: func() time.Time { return now }, loc: time.UTC}
}

func TestIncidentTable(t *testing.T) {
	var out bytes.Buffer
	inc := sampleIncident()
	other := &client.Incident{Incident: incident.Incident{Number: 12, Title: strings.Repeat("x", 80), Severity: "SEV4", Stage: incident.Resolved, CreatedAt: now.Add(-3 * 24 * time.Hour)}}
	testEnv(&out).writeIncidentTable([]*client.Incident{other, inc})
	want := "" +
		"ID      SEVERITY  STAGE     TITLE                                                         SERVICES  OPENED\n" +
		"INC-12  SEV4      Resolved  " + strings.Repeat("x", 59) + "…  -         3d ago\n" +
		"INC-4   SEV2      Fix       Checkout fails for EU customers                               api, web  50m ago\n"
	if out.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestShowIncident(t *testing.T) {
	var out bytes.Buffer
	inc := sampleIncident()
	var events []incident.Event
	for i := range 12 {
		events = append(events, incident.Event{Seq: int64(i + 1), At: now.Add(time.Duration(i-40) * time.Minute), ActorID: 1, ActorName: "Ann Example", Kind: incident.EventNote, Note: "note " + string(rune('a'+i))})
	}
	testEnv(&out).writeIncident(inc, events, incidentPeople(inc))
	got := out.String()
	for _, want := range []string{
		"INC-4  Checkout fails for EU customers\n",
		"Stage:         Fix (for 45m)\n",
		"Severity:      SEV2\n",
		"Services:      api, web\n",
		"Detected:      2026-03-01 11:10 UTC (50m ago)\n",
		"Impact for:    50m so far\n",
		"Declared by:   ann (Ann Example)\n",
		"Blast radius:  12 support tickets (EU only)\n",
		"Labels:        region=eu\n",
		"Version:       5\n",
		"Summary:\n  Payments time out.\n  Since the 1.42 deploy.\n",
		"  Incident Manager        ann (Ann Example)\n",
		"  Domain Experts          bob, user 9\n",
		"  Communications Manager  -\n",
		"Involved: ann, bob\n",
		"  Chat    #inc-4\n",
		"Timeline (latest 10 of 12; 'firebreak incident timeline INC-4' shows all):\n",
		"  11:31:00  ann  note l\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("show lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "note a") || strings.Contains(got, "note b\n") {
		t.Errorf("show prints more than the latest 10 events:\n%s", got)
	}
}

func TestDescribeEvents(t *testing.T) {
	ppl := people{1: {ID: 1, Handle: "ann"}, 2: {ID: 2, Handle: "bob"}}
	for _, c := range []struct {
		ev   incident.Event
		want string
	}{
		{incident.Event{Kind: incident.EventDeclared, After: map[string]any{"title": "DB slow", "severity": "SEV2", "stage": "fix"}},
			`declared "DB slow" (SEV2, Fix)`},
		{incident.Event{Kind: incident.EventStageChanged, Before: map[string]any{"stage": "fix"}, After: map[string]any{"stage": "resolved"}},
			"stage Fix → Resolved"},
		{incident.Event{Kind: incident.EventStageChanged, Before: map[string]any{"stage": "resolved"}, After: map[string]any{"stage": "fix", "reopened": true}, Note: "errors again"},
			"reopened: stage Resolved → Fix: errors again"},
		{incident.Event{Kind: incident.EventFieldChanged,
			Before: map[string]any{"severity": "SEV3", "summary": "old", "services": []any{"api"}},
			After:  map[string]any{"severity": "SEV2", "summary": "new", "services": []any{"api", "web"}}},
			"changed services: api → api, web; severity: SEV3 → SEV2; summary updated"},
		{incident.Event{Kind: incident.EventFieldChanged,
			Before: map[string]any{"blast_radius": map[string]any{"text": "", "counts": nil}},
			After:  map[string]any{"blast_radius": map[string]any{"text": "", "counts": []any{map[string]any{"kind": "support_tickets", "count": float64(12)}}}}},
			"changed blast radius: - → 12 support tickets"},
		{incident.Event{Kind: incident.EventRoleAssigned, After: map[string]any{"role": "domain_expert", "user_id": float64(2), "user_name": "Bob B"}},
			"bob is a Domain Expert"},
		{incident.Event{Kind: incident.EventRoleAssigned, After: map[string]any{"role": "incident_manager", "user_id": float64(7), "user_name": "Gus"}, Before: map[string]any{"role": "incident_manager", "user_id": float64(1)}},
			"Gus is the Incident Manager (was ann)"},
		{incident.Event{Kind: incident.EventRoleRemoved, Before: map[string]any{"role": "communications_manager", "user_id": float64(2)}},
			"bob is no longer the Communications Manager"},
		{incident.Event{Kind: incident.EventNote, Note: "rolled back"}, "rolled back"},
		{incident.Event{Kind: incident.EventKeyMoment, Ref: 5}, "marked note #5 as a key moment"},
		{incident.Event{Kind: "paged", Note: "on-call paged"}, "paged: on-call paged"},
	} {
		if got := describe(c.ev, ppl); got != c.want {
			t.Errorf("describe(%s) = %q, want %q", c.ev.Kind, got, c.want)
		}
	}
}

func TestTimelineTable(t *testing.T) {
	var out bytes.Buffer
	e := testEnv(&out)
	e.writeTimeline([]incident.Event{
		{At: now.Add(-2 * time.Hour), ActorID: 1, ActorName: "Ann Example", Kind: incident.EventDeclared, After: map[string]any{"title": "DB slow", "severity": "SEV2", "stage": "fix"}},
		{At: now.Add(-time.Hour), ActorID: 3, ActorName: "Carol", Kind: incident.EventNote, Note: "rolled back\nfully", KeyMoment: true},
		{At: now.Add(-time.Minute), Kind: incident.EventNote, Note: "auto"},
	}, people{1: {ID: 1, Handle: "ann"}})
	want := "" +
		"TIME      WHO        WHAT\n" +
		"10:00:00  ann        declared \"DB slow\" (SEV2, Fix)\n" +
		"11:00:00  Carol      ★ rolled back fully\n" +
		"11:59:00  Firebreak  auto\n"
	if out.String() != want {
		t.Errorf("timeline:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestParseArguments(t *testing.T) {
	for in, want := range map[string]int64{"INC-4": 4, "inc-4": 4, "4": 4, " INC-12 ": 12} {
		if n, err := parseRef(in); err != nil || n != want {
			t.Errorf("parseRef(%q) = %d, %v", in, n, err)
		}
	}
	for in, want := range map[string]incident.Role{
		"im": incident.IncidentManager, "incident-manager": incident.IncidentManager, "FR": incident.FirstResponder,
		"de": incident.DomainExpert, "dm": incident.DomainExpert, "domain_expert": incident.DomainExpert,
		"cm": incident.CommunicationsManager, "communications manager": incident.CommunicationsManager,
	} {
		if r, err := parseRole(in); err != nil || r != want {
			t.Errorf("parseRole(%q) = %q, %v", in, r, err)
		}
	}
	for in, want := range map[string]client.UserRef{"@bob": {Handle: "bob"}, "Bob": {Handle: "bob"}, "7": {ID: 7}} {
		if u, err := parseUser(in); err != nil || u != want {
			t.Errorf("parseUser(%q) = %+v, %v", in, u, err)
		}
	}
	counts, err := parseCounts([]string{"support_tickets=12", "refunds = 3"})
	if err != nil || len(counts) != 2 || counts[1] != (incident.Count{Kind: "refunds", Count: 3}) {
		t.Errorf("parseCounts = %+v, %v", counts, err)
	}
	for _, bad := range []string{"tickets", "=3", "x=-1", "x=many"} {
		if _, err := parseCounts([]string{bad}); err == nil {
			t.Errorf("parseCounts(%q) accepted", bad)
		}
	}
	exp, err := parseExpiry("90d", now, time.UTC)
	if err != nil || !exp.Equal(now.Add(90*24*time.Hour)) {
		t.Errorf("parseExpiry(90d) = %v, %v", exp, err)
	}
	exp, err = parseExpiry("2026-12-31", now, time.UTC)
	if err != nil || exp.Format(time.RFC3339) != "2026-12-31T23:59:59Z" {
		t.Errorf("parseExpiry(date) = %v, %v", exp, err)
	}
}

func TestUpdatePatchMergesCountsAndLabels(t *testing.T) {
	cur := sampleIncident().Incident
	cur.BlastRadius.Counts = []incident.Count{{Kind: "support_tickets", Count: 3}, {Kind: "refunds", Count: 1}}
	cur.Labels = map[string]string{"region": "eu", "team": "payments"}
	title := "New title"
	c := &IncidentUpdateCmd{Title: &title, Label: map[string]string{"team": "", "cause": "deploy"}}
	counts, _ := parseCounts([]string{"support_tickets=12", "orders=40"})
	p, changed := c.patch(&cur, counts)
	if strings.Join(changed, ",") != "title,blast radius,labels" {
		t.Errorf("changed %v", changed)
	}
	if *p.Title != "New title" || p.Severity != nil || p.Services != nil {
		t.Errorf("patch %+v", p)
	}
	want := []incident.Count{{Kind: "support_tickets", Count: 12}, {Kind: "refunds", Count: 1}, {Kind: "orders", Count: 40}}
	if p.BlastRadius.Text != "EU only" || len(p.BlastRadius.Counts) != 3 || p.BlastRadius.Counts[0] != want[0] || p.BlastRadius.Counts[2] != want[2] {
		t.Errorf("blast radius %+v", p.BlastRadius)
	}
	if l := *p.Labels; len(l) != 2 || l["region"] != "eu" || l["cause"] != "deploy" {
		t.Errorf("labels %v", l)
	}
	if cur.Labels["team"] != "payments" || cur.BlastRadius.Counts[0].Count != 3 {
		t.Error("patch changed the incident it was built from")
	}
}
