package oncall

import (
	"strings"
	"testing"
	"time"
)

func TestRestrictions(t *testing.T) {
	berlin, ny := mustLoc(t, "Europe/Berlin"), mustLoc(t, "America/New_York")
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	always := Rotation{Participants: []int64{1}, Length: 1, Unit: Weeks, Handoff: 0, HandoffDay: time.Monday, Start: "2026-01-05"}
	cases := []struct {
		name     string
		loc      *time.Location
		r        Rotation
		rs       []Restriction
		from, to string
		want     []wantSpan
	}{
		{
			name: "business hours Mon–Fri 09–17 (daily windows on weekdays)",
			loc:  berlin, r: always,
			rs:   []Restriction{{Kind: Daily, Days: weekdays, From: clock(t, "09:00"), To: clock(t, "17:00")}},
			from: "2026-03-27 00:00", to: "2026-03-31 00:00", // Fri to Tue, over the DST change
			want: []wantSpan{
				{"2026-03-27 09:00", "2026-03-27 17:00", 1},
				{"2026-03-30 09:00", "2026-03-30 17:00", 1},
			},
		},
		{
			name: "nights 22–06 cross midnight, and the window open at the start of the range is kept",
			loc:  ny, r: always,
			rs:   []Restriction{{Kind: Daily, From: clock(t, "22:00"), To: clock(t, "06:00")}},
			from: "2026-03-07 03:00", to: "2026-03-09 12:00", // New York springs forward on 8 March
			want: []wantSpan{
				{"2026-03-07 03:00", "2026-03-07 06:00", 1},
				{"2026-03-07 22:00", "2026-03-08 06:00", 1}, // 7 hours of wall clock
				{"2026-03-08 22:00", "2026-03-09 06:00", 1},
			},
		},
		{
			name: "nights restricted to Friday and Saturday starts",
			loc:  berlin, r: always,
			rs:   []Restriction{{Kind: Daily, Days: []time.Weekday{time.Friday, time.Saturday}, From: clock(t, "22:00"), To: clock(t, "06:00")}},
			from: "2026-01-08 00:00", to: "2026-01-12 00:00",
			want: []wantSpan{
				{"2026-01-09 22:00", "2026-01-10 06:00", 1},
				{"2026-01-10 22:00", "2026-01-11 06:00", 1},
			},
		},
		{
			name: "weekly window Fri 18:00 → Mon 09:00 wraps the week",
			loc:  berlin, r: always,
			rs:   []Restriction{{Kind: Weekly, FromDay: time.Friday, From: clock(t, "18:00"), ToDay: time.Monday, To: clock(t, "09:00")}},
			from: "2026-01-10 12:00", to: "2026-01-17 00:00",
			want: []wantSpan{
				{"2026-01-10 12:00", "2026-01-12 09:00", 1}, // opened on Friday the 9th, before the range
				{"2026-01-16 18:00", "2026-01-17 00:00", 1},
			},
		},
		{
			name: "a restriction window crossing a handoff splits at the handoff",
			loc:  berlin,
			r:    Rotation{Participants: []int64{1, 2}, Length: 1, Unit: Days, Handoff: 0, Start: "2026-01-01"},
			rs:   []Restriction{{Kind: Daily, From: clock(t, "22:00"), To: clock(t, "06:00")}},
			from: "2026-01-01 12:00", to: "2026-01-02 12:00",
			want: []wantSpan{
				{"2026-01-01 22:00", "2026-01-02 00:00", 1},
				{"2026-01-02 00:00", "2026-01-02 06:00", 2},
			},
		},
		{
			name: "overlapping windows are one",
			loc:  berlin, r: always,
			rs: []Restriction{
				{Kind: Daily, From: clock(t, "08:00"), To: clock(t, "12:00")},
				{Kind: Daily, From: clock(t, "11:00"), To: clock(t, "14:00")},
			},
			from: "2026-02-02 00:00", to: "2026-02-03 00:00",
			want: []wantSpan{{"2026-02-02 08:00", "2026-02-02 14:00", 1}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := Layer{Rotation: c.r, Restrictions: c.rs}
			checkSpans(t, c.loc, l.Spans(c.loc, at(t, c.loc, c.from), at(t, c.loc, c.to)), c.want)
		})
	}
}

func TestTimeline(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	// Top: business hours by 10/11 weekly; bottom: 1/2 daily, round the clock.
	business := Layer{Name: "business", Rotation: Rotation{Participants: []int64{10, 11}, Length: 1, Unit: Weeks, Handoff: 9 * 60, HandoffDay: time.Monday, Start: "2026-01-05"},
		Restrictions: []Restriction{{Kind: Daily, Days: weekdays, From: 9 * 60, To: 17 * 60}}}
	round := Layer{Name: "round the clock", Rotation: Rotation{Participants: []int64{1, 2}, Length: 1, Unit: Days, Handoff: 9 * 60, Start: "2026-01-05"}}
	ov := func(id, user int64, from, to string, created int) Override {
		return Override{ID: id, UserID: user, Start: at(t, berlin, from), End: at(t, berlin, to), Kind: KindOverride,
			CreatedAt: time.Date(2026, 1, 1, 0, 0, created, 0, time.UTC)}
	}
	cases := []struct {
		name     string
		layers   []Layer
		ovs      []Override
		from, to string
		want     []wantSpan
	}{
		{
			name:   "the top layer wins where it has someone; the lower fills the rest",
			layers: []Layer{business, round},
			from:   "2026-01-05 00:00", to: "2026-01-06 12:00",
			want: []wantSpan{
				{"2026-01-05 00:00", "2026-01-05 09:00", 0}, // before both rotations start: a gap
				{"2026-01-05 09:00", "2026-01-05 17:00", 10},
				{"2026-01-05 17:00", "2026-01-06 09:00", 1},
				{"2026-01-06 09:00", "2026-01-06 12:00", 10},
			},
		},
		{
			name:   "an override over a handoff replaces both sides",
			layers: []Layer{round},
			ovs:    []Override{ov(1, 99, "2026-01-06 06:00", "2026-01-06 12:00", 0)},
			from:   "2026-01-06 00:00", to: "2026-01-07 00:00",
			want: []wantSpan{
				{"2026-01-06 00:00", "2026-01-06 06:00", 1},
				{"2026-01-06 06:00", "2026-01-06 12:00", 99},
				{"2026-01-06 12:00", "2026-01-07 00:00", 2},
			},
		},
		{
			name:   "overlapping overrides: the one entered last wins",
			layers: []Layer{round},
			ovs:    []Override{ov(2, 50, "2026-01-06 10:00", "2026-01-06 14:00", 5), ov(1, 40, "2026-01-06 08:00", "2026-01-06 12:00", 1)},
			from:   "2026-01-06 08:00", to: "2026-01-06 16:00",
			want: []wantSpan{
				{"2026-01-06 08:00", "2026-01-06 10:00", 40}, // over the 09:00 handoff
				{"2026-01-06 10:00", "2026-01-06 14:00", 50},
				{"2026-01-06 14:00", "2026-01-06 16:00", 2},
			},
		},
		{
			name:   "an override fills a gap",
			layers: []Layer{business},
			ovs:    []Override{ov(1, 7, "2026-01-05 20:00", "2026-01-05 22:00", 0)},
			from:   "2026-01-05 17:00", to: "2026-01-06 00:00",
			want: []wantSpan{
				{"2026-01-05 17:00", "2026-01-05 20:00", 0},
				{"2026-01-05 20:00", "2026-01-05 22:00", 7},
				{"2026-01-05 22:00", "2026-01-06 00:00", 0},
			},
		},
		{
			name:   "an empty top layer changes nothing",
			layers: []Layer{{Name: "empty", Rotation: Rotation{Length: 1, Unit: Days, Start: "2026-01-01"}}, round},
			from:   "2026-01-06 00:00", to: "2026-01-06 12:00",
			want: []wantSpan{
				{"2026-01-06 00:00", "2026-01-06 09:00", 1},
				{"2026-01-06 09:00", "2026-01-06 12:00", 2},
			},
		},
		{
			name: "no layers: one gap",
			from: "2026-01-06 00:00", to: "2026-01-06 12:00",
			want: []wantSpan{{"2026-01-06 00:00", "2026-01-06 12:00", 0}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkSpans(t, berlin, Timeline(c.layers, c.ovs, berlin, at(t, berlin, c.from), at(t, berlin, c.to)), c.want)
		})
	}

	// Reasons: the span names its layer or override.
	tl := Timeline([]Layer{business, round}, []Override{ov(3, 99, "2026-01-05 18:00", "2026-01-05 19:00", 0)}, berlin,
		at(t, berlin, "2026-01-05 10:00"), at(t, berlin, "2026-01-05 20:00"))
	if tl[0].Layer != 0 || tl[1].Layer != 1 || tl[2].OverrideID != 3 || tl[2].Layer != -1 || tl[3].Layer != 1 {
		t.Fatalf("reasons wrong:\n%s", dump(tl, berlin))
	}
	if At(tl, at(t, berlin, "2026-01-05 18:30")) != 99 || At(tl, at(t, berlin, "2026-01-05 12:00")) != 10 || At(tl, at(t, berlin, "2026-01-05 21:00")) != 0 {
		t.Fatal("At disagrees with the timeline")
	}
}

func TestShiftsMergeAcrossReasons(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	spans := []Span{
		{Start: at(t, berlin, "2026-01-05 00:00"), End: at(t, berlin, "2026-01-05 09:00"), UserID: 1, Layer: 1},
		{Start: at(t, berlin, "2026-01-05 09:00"), End: at(t, berlin, "2026-01-05 10:00"), UserID: 1, Layer: 0},
		{Start: at(t, berlin, "2026-01-05 10:00"), End: at(t, berlin, "2026-01-05 11:00"), UserID: 0, Layer: -1},
		{Start: at(t, berlin, "2026-01-05 11:00"), End: at(t, berlin, "2026-01-05 12:00"), UserID: 1, Layer: 0},
	}
	got := Shifts(4, spans)
	if len(got) != 2 || got[0].End != spans[1].End || got[1].Start != spans[3].Start || got[0].ScheduleID != 4 {
		t.Fatalf("Shifts = %+v", got)
	}
	if g := Gaps(spans); len(g) != 1 || !g[0].Start.Equal(spans[2].Start) {
		t.Fatalf("Gaps = %+v", g)
	}
}

func TestWarnings(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	s := Schedule{Name: "x", TimeZone: "Europe/Berlin", Layers: []Layer{
		{Name: "days", Rotation: Rotation{Participants: []int64{1}, Length: 1, Unit: Days, Start: "2026-01-01"},
			Restrictions: []Restriction{{Kind: Daily, From: 9 * 60, To: 17 * 60}}},
		{Name: "nobody", Rotation: Rotation{Length: 1, Unit: Days, Start: "2026-01-01"}},
	}}
	w := Warnings(s, nil, at(t, berlin, "2026-01-05 00:00"), at(t, berlin, "2026-01-06 00:00"))
	all := strings.Join(w, "\n")
	if !strings.Contains(all, "Layer 2 (nobody) has no participants") ||
		!strings.Contains(all, "Nobody is on call from Mon 5 Jan 00:00 to Mon 5 Jan 09:00") ||
		!strings.Contains(all, "Nobody is on call from Mon 5 Jan 17:00 to Tue 6 Jan 00:00 CET") {
		t.Fatalf("warnings:\n%s", all)
	}
	if w := Warnings(Schedule{Name: "e"}, nil, time.Now(), time.Now().Add(time.Hour)); len(w) != 1 || !strings.Contains(w[0], "no layers") {
		t.Fatalf("empty schedule warnings = %q", w)
	}
}

func TestValidate(t *testing.T) {
	good := func() Schedule {
		return Schedule{Name: "Primary", TimeZone: "Europe/Berlin", Layers: []Layer{{Rotation: Rotation{Participants: []int64{1}, Length: 1, Unit: Weeks, Start: "2026-01-05"}}}}
	}
	s := good()
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, break_ := range map[string]func(*Schedule){
		"name":                       func(s *Schedule) { s.Name = "  " },
		"time_zone":                  func(s *Schedule) { s.TimeZone = "Mars/Olympus" },
		"layers[0].rotation.unit":    func(s *Schedule) { s.Layers[0].Rotation.Unit = "fortnights" },
		"layers[0].rotation.length":  func(s *Schedule) { s.Layers[0].Rotation.Length = 0 },
		"layers[0].rotation.start":   func(s *Schedule) { s.Layers[0].Rotation.Start = "5 Jan" },
		"layers[0].rotation.handoff": func(s *Schedule) { s.Layers[0].Rotation.Handoff = 24 * 60 },
		"layers[0].restrictions[0].kind": func(s *Schedule) {
			s.Layers[0].Restrictions = []Restriction{{Kind: "monthly"}}
		},
		"layers[0].rotation.participants": func(s *Schedule) { s.Layers[0].Rotation.Participants = []int64{-3} },
	} {
		s := good()
		break_(&s)
		err := s.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), field+":") {
			t.Errorf("%s: got %v", field, err)
		}
	}
}
