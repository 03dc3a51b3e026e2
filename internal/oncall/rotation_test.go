package oncall

import (
	"strconv"
	"testing"
	"time"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at reads "2006-01-02 15:04" as local time in loc.
func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func clock(t *testing.T, s string) Clock {
	t.Helper()
	c, err := ParseClock(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type wantSpan struct {
	from, to string // local times
	user     int64
}

func checkSpans(t *testing.T, loc *time.Location, got []Span, want []wantSpan) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d spans, want %d:\n%s", len(got), len(want), dump(got, loc))
	}
	for i, w := range want {
		g := got[i]
		if !g.Start.Equal(at(t, loc, w.from)) || !g.End.Equal(at(t, loc, w.to)) || g.UserID != w.user {
			t.Fatalf("span %d = %s, want %s–%s user %d\nall:\n%s", i, dumpOne(g, loc), w.from, w.to, w.user, dump(got, loc))
		}
	}
}

func dumpOne(s Span, loc *time.Location) string {
	return s.Start.In(loc).Format("2006-01-02 15:04 MST") + " – " + s.End.In(loc).Format("2006-01-02 15:04 MST") + " user " + itoa(s.UserID)
}

func dump(spans []Span, loc *time.Location) string {
	out := ""
	for _, s := range spans {
		out += "  " + dumpOne(s, loc) + "\n"
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRotationShifts(t *testing.T) {
	berlin, ny := mustLoc(t, "Europe/Berlin"), mustLoc(t, "America/New_York")
	cases := []struct {
		name     string
		loc      *time.Location
		r        Rotation
		from, to string
		want     []wantSpan
	}{
		{
			name: "daily handoff at 09:00 stays 09:00 across Berlin's spring-forward (29 March 2026)",
			loc:  berlin,
			r:    Rotation{Participants: []int64{1, 2}, Length: 1, Unit: Days, Handoff: 9 * 60, Start: "2026-03-27"},
			from: "2026-03-28 00:00", to: "2026-03-31 00:00",
			want: []wantSpan{
				{"2026-03-28 00:00", "2026-03-28 09:00", 1},
				{"2026-03-28 09:00", "2026-03-29 09:00", 2}, // 23 hours long
				{"2026-03-29 09:00", "2026-03-30 09:00", 1},
				{"2026-03-30 09:00", "2026-03-31 00:00", 2},
			},
		},
		{
			name: "weekly Monday 09:00 handoff in New York across the November fall-back",
			loc:  ny,
			r:    Rotation{Participants: []int64{1, 2, 3}, Length: 1, Unit: Weeks, Handoff: 9 * 60, HandoffDay: time.Monday, Start: "2026-10-21"},
			from: "2026-10-26 00:00", to: "2026-11-17 00:00",
			want: []wantSpan{
				{"2026-10-26 00:00", "2026-10-26 09:00", 1}, // the first shift runs from Wednesday the 21st to the first Monday handoff
				{"2026-10-26 09:00", "2026-11-02 09:00", 2}, // 169 hours: the clocks fall back on 1 November
				{"2026-11-02 09:00", "2026-11-09 09:00", 3},
				{"2026-11-09 09:00", "2026-11-16 09:00", 1},
				{"2026-11-16 09:00", "2026-11-17 00:00", 2},
			},
		},
		{
			name: "12-hour shifts keep 08:00/20:00 on the wall clock across New York's spring-forward",
			loc:  ny,
			r:    Rotation{Participants: []int64{7, 8}, Length: 12, Unit: Hours, Handoff: 8 * 60, Start: "2026-03-01"},
			from: "2026-03-07 20:00", to: "2026-03-09 08:00",
			want: []wantSpan{
				{"2026-03-07 20:00", "2026-03-08 08:00", 8}, // 11 hours: 02:00 does not exist
				{"2026-03-08 08:00", "2026-03-08 20:00", 7},
				{"2026-03-08 20:00", "2026-03-09 08:00", 8},
			},
		},
		{
			name: "single participant is on call throughout",
			loc:  berlin,
			r:    Rotation{Participants: []int64{5}, Length: 1, Unit: Weeks, Handoff: 10 * 60, HandoffDay: time.Wednesday, Start: "2026-01-01"},
			from: "2026-01-14 00:00", to: "2026-01-22 00:00",
			want: []wantSpan{
				{"2026-01-14 00:00", "2026-01-14 10:00", 5},
				{"2026-01-14 10:00", "2026-01-21 10:00", 5},
				{"2026-01-21 10:00", "2026-01-22 00:00", 5},
			},
		},
		{
			name: "nobody before the start date",
			loc:  berlin,
			r:    Rotation{Participants: []int64{1, 2}, Length: 2, Unit: Days, Handoff: 0, Start: "2026-05-10"},
			from: "2026-05-08 00:00", to: "2026-05-13 00:00",
			want: []wantSpan{
				{"2026-05-10 00:00", "2026-05-12 00:00", 1},
				{"2026-05-12 00:00", "2026-05-13 00:00", 2},
			},
		},
		{
			name: "no participants: nobody",
			loc:  berlin,
			r:    Rotation{Length: 1, Unit: Days, Start: "2026-01-01"},
			from: "2026-05-08 00:00", to: "2026-05-13 00:00",
		},
		{
			name: "a window years after the start counts the right participant",
			loc:  berlin,
			r:    Rotation{Participants: []int64{1, 2, 3}, Length: 1, Unit: Days, Handoff: 9 * 60, Start: "2020-01-01"},
			// 2026-07-01 is day 2373 after 2020-01-01: 2373 % 3 = 0 → user 1 from 09:00.
			from: "2026-07-01 12:00", to: "2026-07-02 12:00",
			want: []wantSpan{
				{"2026-07-01 12:00", "2026-07-02 09:00", 1},
				{"2026-07-02 09:00", "2026-07-02 12:00", 2},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.r.Shifts(c.loc, at(t, c.loc, c.from), at(t, c.loc, c.to))
			checkSpans(t, c.loc, got, c.want)
		})
	}
}

func TestWeeklyRotationStartsOnItsStartDate(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	r := Rotation{Participants: []int64{1, 2}, Length: 1, Unit: Weeks, Handoff: 9 * 60, HandoffDay: time.Monday, Start: "2026-11-25"} // a Wednesday
	checkSpans(t, berlin, r.Shifts(berlin, at(t, berlin, "2026-11-25 00:00"), at(t, berlin, "2026-12-08 00:00")), []wantSpan{
		{"2026-11-25 09:00", "2026-11-30 09:00", 1},
		{"2026-11-30 09:00", "2026-12-07 09:00", 2},
		{"2026-12-07 09:00", "2026-12-08 00:00", 1},
	})
	if s, ok := r.ShiftAt(berlin, at(t, berlin, "2026-11-26 12:00")); !ok || s.UserID != 1 || !s.Start.Equal(at(t, berlin, "2026-11-25 09:00")) {
		t.Fatalf("ShiftAt = %+v %v", s, ok)
	}
}

func TestShiftAtAcrossFallBack(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	r := Rotation{Participants: []int64{1, 2}, Length: 1, Unit: Days, Handoff: 9 * 60, Start: "2026-10-01"}
	// Berlin falls back on 25 October 2026: that shift lasts 25 hours.
	s, ok := r.ShiftAt(berlin, at(t, berlin, "2026-10-25 02:30"))
	if !ok || s.End.Sub(s.Start) != 25*time.Hour || s.Start.In(berlin).Hour() != 9 || s.End.In(berlin).Hour() != 9 {
		t.Fatalf("shift across fall-back = %s (%v)", dumpOne(s, berlin), s.End.Sub(s.Start))
	}
	if _, ok := r.ShiftAt(berlin, at(t, berlin, "2026-09-30 12:00")); ok {
		t.Fatal("a shift before the rotation starts")
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]Clock{"09:00": 540, "9:30": 570, "23:59": 1439, "00:00": 0} {
		if got, err := ParseClock(in); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "24:00", "12:60", "noon", "-1:00", "12:00:00", "1200", "09:5x", "+9:00", " 9:00", "9:0"} {
		if _, err := ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q) accepted", bad)
		}
	}
}
