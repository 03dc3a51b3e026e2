package oncall

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

func TestCalendarParsesAndMatchesTimeline(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	layers := []Layer{{Rotation: Rotation{Participants: []int64{1, 2, 3}, Length: 1, Unit: Days, Handoff: 9 * 60, Start: "2026-03-01"}}}
	from, to := at(t, berlin, "2026-03-20 09:00"), at(t, berlin, "2026-04-05 09:00") // over the DST change
	shifts := Shifts(7, Timeline(layers, nil, berlin, from, to))
	events := make([]Event, len(shifts))
	long := strings.Repeat("Ünïcödé, with; commas\\ and\nnewlines ", 5)
	for i, sh := range shifts {
		events[i] = Event{UID: ShiftUID(sh, "fb.example"), Start: sh.Start, End: sh.End, Summary: "On call: user", Description: long, URL: "https://fb.example/oncall/schedules/7"}
	}
	doc := WriteCalendar("On call: Primary, Berlin", time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), events)
	for _, l := range strings.Split(strings.TrimSuffix(string(doc), "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Fatalf("line of %d octets or cut inside a character: %q", len(l), l)
		}
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(doc)))
	if err != nil {
		t.Fatal(err)
	}
	got := cal.Events()
	if len(got) != len(shifts) || len(shifts) != 16 {
		t.Fatalf("%d events for %d shifts", len(got), len(shifts))
	}
	for i, e := range got {
		s, err := e.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		en, err := e.GetEndAt()
		if err != nil {
			t.Fatal(err)
		}
		if !s.Equal(shifts[i].Start) || !en.Equal(shifts[i].End) || e.Id() != ShiftUID(shifts[i], "fb.example") {
			t.Fatalf("event %d = %s %v–%v, want %v–%v", i, e.Id(), s, en, shifts[i].Start, shifts[i].End)
		}
		if d := e.GetProperty(ics.ComponentPropertyDescription); d == nil || unescape(d.Value) != long {
			t.Fatalf("description did not survive: %+v", d)
		}
		if s.In(berlin).Hour() != 9 {
			t.Fatalf("a handoff at %v, not 09:00 Berlin", s.In(berlin))
		}
	}
	if n := cal.CalendarProperties; len(n) == 0 {
		t.Fatal("no calendar properties")
	}
}

// unescape undoes RFC 5545 TEXT escaping (the parser leaves values escaped).
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(s)
}

func TestShiftUIDStable(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	layers := []Layer{{Rotation: Rotation{Participants: []int64{1, 2}, Length: 1, Unit: Weeks, Handoff: 9 * 60, HandoffDay: time.Monday, Start: "2026-01-05"}}}
	// Two fetches a day apart see the same shifts with the same UIDs.
	a := Shifts(1, Timeline(layers, nil, berlin, at(t, berlin, "2026-01-01 00:00"), at(t, berlin, "2026-03-01 00:00")))
	b := Shifts(1, Timeline(layers, nil, berlin, at(t, berlin, "2026-01-02 00:00"), at(t, berlin, "2026-03-02 00:00")))
	uids := map[string]bool{}
	for _, s := range a[:len(a)-1] {
		uids[ShiftUID(s, "h")] = true
	}
	for _, s := range b[:len(b)-1] {
		if !uids[ShiftUID(s, "h")] {
			t.Fatalf("shift %v has a new UID in the second fetch", s)
		}
	}
}
