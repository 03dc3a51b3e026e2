package oncall

import (
	"slices"
	"testing"
	"time"
)

func TestParseRestriction(t *testing.T) {
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	cases := []struct {
		in   string
		want Restriction
		out  string
	}{
		{"mon-fri 09:00-17:00", Restriction{Kind: Daily, Days: weekdays, From: 540, To: 1020}, "mon-fri 09:00-17:00"},
		{"22:00-06:00", Restriction{Kind: Daily, From: 1320, To: 360}, "22:00-06:00"},
		{"Sat,Sun 8:00 – 20:00", Restriction{Kind: Daily, Days: []time.Weekday{time.Saturday, time.Sunday}, From: 480, To: 1200}, "sat,sun 08:00-20:00"},
		{"fri-mon 10:00-11:00", Restriction{Kind: Daily, Days: []time.Weekday{time.Friday, time.Saturday, time.Sunday, time.Monday}, From: 600, To: 660}, "fri-mon 10:00-11:00"},
		{"friday 18:00-monday 09:00", Restriction{Kind: Weekly, FromDay: time.Friday, From: 1080, ToDay: time.Monday, To: 540}, "fri 18:00-mon 09:00"},
	}
	for _, c := range cases {
		got, err := ParseRestriction(c.in)
		if err != nil || got.Kind != c.want.Kind || !slices.Equal(got.Days, c.want.Days) || got.From != c.want.From || got.To != c.want.To || got.FromDay != c.want.FromDay || got.ToDay != c.want.ToDay {
			t.Errorf("ParseRestriction(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
			continue
		}
		if got.String() != c.out {
			t.Errorf("String() = %q, want %q", got.String(), c.out)
		}
	}
	for _, bad := range []string{"", "weekdays", "mon-fri", "09:00", "25:00-06:00", "mon-xyz 09:00-10:00", "mo 09:00-10:00", "fri 18:00-xx 09:00"} {
		if _, err := ParseRestriction(bad); err == nil {
			t.Errorf("ParseRestriction(%q) accepted", bad)
		}
	}
}

func TestParseShift(t *testing.T) {
	for in, want := range map[string]struct {
		n int
		u Unit
	}{"1w": {1, Weeks}, "12h": {12, Hours}, " 3 D ": {3, Days}} {
		n, u, err := ParseShift(in)
		if err != nil || n != want.n || u != want.u {
			t.Errorf("ParseShift(%q) = %d %s %v", in, n, u, err)
		}
	}
	for _, bad := range []string{"", "w", "1m", "-1d", "99999d"} {
		if _, _, err := ParseShift(bad); err == nil {
			t.Errorf("ParseShift(%q) accepted", bad)
		}
	}
}

// FuzzParseRestriction: whatever is typed, parsing does not panic, and what
// it accepts is valid and survives String and parsing again unchanged.
func FuzzParseRestriction(f *testing.F) {
	for _, s := range []string{"mon-fri 09:00-17:00", "22:00-06:00", "fri 18:00-mon 09:00", "sat,sun 0:00-0:00", "x 1:1-2:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRestriction(s)
		if err != nil {
			return
		}
		l := Layer{Rotation: Rotation{Participants: []int64{1}, Length: 1, Unit: Days, Start: "2026-01-01"}, Restrictions: []Restriction{r}}
		if err := l.validate("l"); err != nil {
			t.Fatalf("%q parsed to an invalid %+v: %v", s, r, err)
		}
		again, err := ParseRestriction(r.String())
		if err != nil || again.String() != r.String() {
			t.Fatalf("%q → %q → %q (%v)", s, r.String(), again.String(), err)
		}
	})
}

// FuzzParseClock: a time of day is accepted only in its exact form, and
// what is accepted prints back to the same clock.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"09:00", "9:30", "23:59", "09:5x", "24:00", " 9:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClock(s)
		if err != nil {
			return
		}
		if c < 0 || c >= 24*60 {
			t.Fatalf("%q parsed to %d", s, c)
		}
		if again, err := ParseClock(c.String()); err != nil || again != c {
			t.Fatalf("%q → %v → %v (%v)", s, c, again, err)
		}
	})
}
