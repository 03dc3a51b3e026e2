package postmortem

import (
	"strings"
	"testing"
)

func TestComputeSLOs(t *testing.T) {
	now := at(60 * day)
	r1, r2, r3 := t0, at(-30*day), at(59*day)
	pub := &Publication{Mode: ModeBuiltin, At: at(5 * day)}
	facts := ProcessFacts{
		Postmortems: []*Postmortem{
			{Number: 1, Status: Published, ResolvedAt: &r1, Publication: pub},
			{Number: 2, Status: Draft, ResolvedAt: &r2},    // its 14 days passed without a meeting: a miss
			{Number: 3, Status: InReview, ResolvedAt: &r3}, // still within its 14 days: not counted yet
			{Number: 4, Status: Waived, ResolvedAt: &r1},
		},
		Meetings: []Meeting{
			{Number: 1, Start: at(3 * day), StartedAt: ptrTime(at(3 * day)), Minutes: 60},
			{Number: 2, Start: at(-10 * day), Cancelled: true},
		},
		Forms: []Form{
			{Number: 1, UserID: 1, SubmittedAt: ptrTime(at(2 * day))},
			{Number: 1, UserID: 2, SubmittedAt: ptrTime(at(4 * day))}, // after the meeting
			{Number: 1, UserID: 3}, // never
			{Number: 3, UserID: 1, SubmittedAt: ptrTime(at(59 * day))}, // no meeting yet: not counted
		},
		Items: []ActionItem{
			{Number: 1, Important: true, Urgent: true, Status: ItemDone, DoneAt: ptrTime(at(30 * day)), Due: at(45 * day)}, // in time
			{Number: 1, Important: true, Urgent: true, Status: ItemOpen, Due: at(45 * day), TeamID: 7},                     // past 6 weeks, open: a miss, overdue
			{Number: 1, Status: ItemOpen, Due: at(50 * day), ProductOwner: "Petra"},                                        // overdue, no team
			{Number: 1, Status: ItemOpen, Due: at(90 * day), ProductOwner: "Petra", TeamID: 7},                             // not due yet
			{Number: 3, Important: true, Urgent: true, Status: ItemOpen, Due: at(100 * day), CreatedAt: at(59 * day)},      // not due: not counted
		},
		Teams: map[int64]string{7: "payments"},
	}
	s := ComputeSLOs(DefaultPolicy(), facts, now)
	check := func(name string, got Share, met, of int) {
		t.Helper()
		if got.Met != met || got.Of != of {
			t.Errorf("%s = %d/%d, want %d/%d", name, got.Met, got.Of, met, of)
		}
	}
	check("meetings in time", s.MeetingsInTime, 1, 2)
	check("forms before the meeting", s.FormsBeforeMeeting, 1, 3)
	check("priority items done in time", s.PriorityDoneInTime, 1, 2)
	if s.MeetingsInTime.Percent() != "50%" || s.FormsBeforeMeeting.Percent() != "33%" {
		t.Errorf("percent %s %s", s.MeetingsInTime.Percent(), s.FormsBeforeMeeting.Percent())
	}
	if len(s.ResolveToPublish) != 1 || s.ResolveToPublish[0] != (5*day).Seconds() || s.MedianToPublish != 5*day {
		t.Errorf("resolve to publish %v %s", s.ResolveToPublish, s.MedianToPublish)
	}
	if s.OverdueByTeam["payments"] != 1 || s.OverdueByTeam[""] != 1 || len(s.OverdueByTeam) != 2 {
		t.Errorf("overdue by team %v", s.OverdueByTeam)
	}
	if s.Published != 1 || s.Waived != 1 || s.Open != 2 {
		t.Errorf("counts %d %d %d", s.Published, s.Waived, s.Open)
	}
	if empty := ComputeSLOs(DefaultPolicy(), ProcessFacts{}, now); empty.MeetingsInTime.Ratio != 1 || empty.MeetingsInTime.Of != 0 {
		t.Errorf("a share of nothing: %+v", empty.MeetingsInTime)
	}
}

// FuzzDocument: whatever people type, syncing, the blameless check, the
// agenda and the diff neither panic nor lose the text outside the blocks.
func FuzzDocument(f *testing.F) {
	f.Add(FromTemplate("", facts(), nil, t0), "## Contributing factors\nBob forgot to.\n")
	f.Add("<!-- firebreak:basic-info -->", "<!-- /firebreak:timeline -->")
	f.Add("## \n##x", "\x00\xff")
	f.Fuzz(func(t *testing.T, body, extra string) {
		doc := body + "\n" + extra
		synced := Sync(doc, facts(), nil, t0)
		if !strings.Contains(doc, basicStart) && !strings.Contains(doc, timelineStart) && synced != doc {
			t.Fatalf("a body without blocks changed")
		}
		_ = Blameless(synced, facts().Involved)
		_ = Agenda(synced)
		_ = SyncItems(synced, nil, nil)
		if len(doc) < 2000 {
			d := Diff(doc, synced)
			var rebuilt []string
			for _, l := range d {
				if l.Op != '-' {
					rebuilt = append(rebuilt, l.Text)
				}
			}
			if strings.Join(rebuilt, "\n") != synced {
				t.Fatalf("the diff does not rebuild the new text")
			}
		}
	})
}
