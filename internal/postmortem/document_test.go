package postmortem

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

func facts() Facts {
	res := at(2 * time.Hour)
	return Facts{Ref: "INC-7", Title: "Checkout | EU", Date: t0, IncidentManager: &Person{ID: 1, Name: "Ann Lee"},
		Involved: []Person{{ID: 1, Name: "Ann Lee", Handle: "ann"}, {ID: 2, Name: "Bob Stone", Handle: "bob"}},
		Severity: "SEV2", Duration: 2 * time.Hour, Resolved: &res, Services: []string{"checkout"}, Components: []string{"Payments"},
		BlastRadius: "12 support tickets", ChatChannel: "#inc-7"}
}

func TestDraftAndSyncKeepPeoplesText(t *testing.T) {
	events := []incident.Event{
		{Seq: 1, At: t0, ActorName: "Ann Lee", Kind: incident.EventDeclared, After: map[string]any{"severity": "SEV2"}},
		{Seq: 2, At: t0.Add(time.Minute), ActorName: "Bob Stone", Kind: incident.EventNote, Note: "Rolled back the config", KeyMoment: true},
		{Seq: 3, At: t0.Add(2 * time.Minute), ActorName: "Bob Stone", Kind: incident.EventNote, Note: "Checking dashboards"},
	}
	body := FromTemplate("", facts(), events, t0)
	for _, want := range []string{"# INC-7: Checkout | EU", "| Incident Manager | Ann Lee |", "| Involved | Ann Lee, Bob Stone |",
		"| Duration | 2 h |", "| Status-page components | Payments |", "- **2026-11-02 10:01** — Rolled back the config", "<details><summary>Full timeline (3 events)</summary>",
		"noted: Checking dashboards", "## Where we got lucky"} {
		if !strings.Contains(body, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
	piped := facts()
	piped.BlastRadius = "EU | US"
	if !strings.Contains(BasicInfo(piped, t0), `| Blast radius | EU \| US |`) {
		t.Error("a pipe in a cell breaks the table")
	}
	// People write around the blocks; a sync rewrites only the blocks.
	edited := strings.Replace(body, "## What went well\n", "## What went well\n\nThe rollback was quick.\n", 1)
	f := facts()
	f.Severity = "SEV1"
	f.Involved = append(f.Involved, Person{ID: 3, Name: "Cid Moe"})
	events = append(events, incident.Event{Seq: 4, At: t0.Add(time.Hour), Kind: incident.EventNote, ActorName: "Cid Moe", Note: "Customers confirm", KeyMoment: true})
	synced := Sync(edited, f, events, t0)
	for _, want := range []string{"The rollback was quick.", "| Severity | SEV1 |", "Ann Lee, Bob Stone, Cid Moe", "Customers confirm", "(4 events)"} {
		if !strings.Contains(synced, want) {
			t.Errorf("synced lacks %q", want)
		}
	}
	if Sync(synced, f, events, t0) != synced {
		t.Error("a second sync changed the body")
	}
	// Without the markers, the block is the authors' own.
	manual := strings.NewReplacer(basicStart, "", basicEnd, "").Replace(edited)
	if got := strings.Replace(Sync(manual, f, events, t0), "(4 events)", "(3 events)", 1); strings.Contains(got, "| Severity | SEV1 |") {
		t.Error("sync rewrote a block whose markers were removed")
	}
	if got := Agenda(body); len(got) != 8 || got[0] != "Summary" || got[7] != "Action items" {
		t.Errorf("agenda %q", got)
	}
}

type fixedRefs struct{ ch, page string }

func (f fixedRefs) Channel(context.Context, int64) (string, error)   { return f.ch, nil }
func (f fixedRefs) PagingRef(context.Context, int64) (string, error) { return f.page, nil }
func (f fixedRefs) CallLink(context.Context, int64) (string, error) {
	return "https://meet.jit.si/firebreak-inc-7-x", nil
}

// The chat and paging hooks fill the block when the incident names no channel or page.
func TestFactsAskTheHooks(t *testing.T) {
	s := NewService(nil, nil, nil, Policy{}, func() time.Time { return t0 })
	s.UseChat(fixedRefs{"#inc-7-checkout", "page 41"})
	s.UsePaging(fixedRefs{"#inc-7-checkout", "page 41"})
	f, err := s.facts(context.Background(), &incident.Incident{Number: 7, Title: "x", CreatedAt: t0})
	if err != nil || f.ChatChannel != "#inc-7-checkout" || f.PagingRef != "page 41" || f.CallLink != "https://meet.jit.si/firebreak-inc-7-x" {
		t.Errorf("facts %+v %v", f, err)
	}
	f, _ = s.facts(context.Background(), &incident.Incident{Number: 7, ChatChannel: "#own", PagingRef: "PD-1", ConferenceURL: "https://zoom.example/j/1", CreatedAt: t0})
	if f.ChatChannel != "#own" || f.PagingRef != "PD-1" || f.CallLink != "https://zoom.example/j/1" {
		t.Errorf("the incident's own fields lost: %+v", f)
	}
}

func TestRenderKeepsDetailsAndDropsScripts(t *testing.T) {
	html := string(Render("| a | b |\n|---|---|\n| 1 | 2 |\n\n<details><summary>More</summary>\n\n- x\n\n</details>\n\n<script>alert(1)</script><img src=x onerror=alert(1)>"))
	for _, want := range []string{"<table>", "<details>", "<summary>More</summary>"} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered lacks %s: %s", want, html)
		}
	}
	if strings.Contains(html, "<script") || strings.Contains(html, "onerror") {
		t.Errorf("unsafe HTML survived: %s", html)
	}
}

func TestBlamelessCheckWarnsInContributingFactorsOnly(t *testing.T) {
	body := "## Summary\nBob fixed it.\n\n## Contributing factors (5 Whys)\n\n- Bob forgot to run the migration.\n- Human error during the deploy.\n- The deploy script does not check the schema version.\n\n## What went well\nBob was fast.\n"
	ws := Blameless(body, facts().Involved)
	var phrases []string
	for _, w := range ws {
		phrases = append(phrases, strings.ToLower(w.Phrase))
	}
	got := strings.Join(phrases, ",")
	if !strings.Contains(got, "bob") || !strings.Contains(got, "forgot to") || !strings.Contains(got, "human error") {
		t.Errorf("warnings %q", got)
	}
	if len(ws) != 3 {
		t.Errorf("%d warnings, want 3 (nothing from the summary or what went well): %+v", len(ws), ws)
	}
	if len(Blameless("## Contributing factors\nThe schema check was missing.\n", facts().Involved)) != 0 {
		t.Error("a blameless section was flagged")
	}
}

func TestDiff(t *testing.T) {
	d := Diff("a\nb\nc\nd", "a\nB\nc\nd\ne")
	var ops strings.Builder
	for _, l := range d {
		ops.WriteByte(l.Op)
	}
	if ops.String() != " -+  +" {
		t.Errorf("ops %q: %+v", ops.String(), d)
	}
}

func TestCompareMarksDisagreement(t *testing.T) {
	rows := Compare([]Form{
		{Saw: "Checkout errors", Whys: []string{"the gateway config rejected EU cards", "the change skipped staging"}},
		{Saw: "Checkout errors in the EU", Whys: []string{"gateway config rejected EU cards", "nobody reviews config changes"}},
		{Saw: ""},
	})
	if len(rows) != 4 || rows[0].Disagree || rows[2].Disagree || !rows[3].Disagree {
		t.Errorf("rows %+v", rows)
	}
}

// The invitation parses with an independent iCalendar parser, folds long
// lines, escapes text, and says REQUEST, then CANCEL, with one UID.
func TestInviteParses(t *testing.T) {
	m := &Meeting{Number: 7, UID: "postmortem-INC-7-abc@firebreak", Start: at(3 * day), Minutes: 60, Sequence: 2,
		Location: "Room 4; the big one, upstairs"}
	in := Invite{Meeting: m, Summary: "Postmortem: INC-7 Checkout, EU", Body: strings.Repeat("Grüße, long line. ", 20) + "\nsecond line",
		URL: "https://firebreak.example/postmortems/INC-7", Organizer: Person{Name: "Ann \"IM\" Lee", Email: "ann@example.com"},
		Attendees: []Person{{Name: "Ann Lee", Email: "ann@example.com"}, {Name: "Bob", Email: "bob@example.com"}}, Stamp: t0}
	data, method := in.ICS()
	if method != "REQUEST" {
		t.Fatalf("method %s", method)
	}
	for _, line := range bytes.Split(data, []byte("\r\n")) {
		if len(line) > 75 {
			t.Errorf("unfolded line of %d octets: %q", len(line), line)
		}
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := cal.CalendarProperties; len(got) == 0 {
		t.Fatal("no calendar properties")
	}
	var calMethod string
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == "METHOD" {
			calMethod = p.Value
		}
	}
	ev := cal.Events()[0]
	start, _ := ev.GetStartAt()
	end, _ := ev.GetEndAt()
	if calMethod != "REQUEST" || ev.Id() != m.UID || !start.Equal(m.Start) || end.Sub(start) != time.Hour {
		t.Errorf("method %s uid %s %s–%s", calMethod, ev.Id(), start, end)
	}
	if v := ev.GetProperty(ics.ComponentPropertySequence).Value; v != "2" {
		t.Errorf("sequence %s", v)
	}
	if v := ev.GetProperty(ics.ComponentPropertyLocation).Value; v != `Room 4\; the big one\, upstairs` && v != "Room 4; the big one, upstairs" {
		t.Errorf("location %q", v)
	}
	if len(ev.Attendees()) != 2 || ev.GetProperty(ics.ComponentPropertyDescription) == nil {
		t.Errorf("attendees %d", len(ev.Attendees()))
	}
	m.Cancelled, m.Sequence = true, 3
	data, method = in.ICS()
	cal, err = ics.ParseCalendar(bytes.NewReader(data))
	if err != nil || method != "CANCEL" {
		t.Fatalf("cancel %s %v", method, err)
	}
	if ev := cal.Events()[0]; ev.Id() != m.UID || ev.GetProperty(ics.ComponentPropertyStatus).Value != "CANCELLED" {
		t.Errorf("cancel event %v", ev.Id())
	}
}
