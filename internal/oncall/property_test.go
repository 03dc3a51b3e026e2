package oncall

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestTimelineInvariants: for many generated schedules in zones with DST
// (and one without), over ranges that cross the changes, the final timeline
// tiles [from, to) exactly — in order, no overlap, no hole, no empty span —
// and computing a sub-range gives the same answer as cutting the big one
// (expanding only the window does not change who is on call).
func TestTimelineInvariants(t *testing.T) {
	zones := []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"}
	rng := rand.New(rand.NewPCG(4, 2))
	units := []Unit{Hours, Days, Weeks}
	for n := 0; n < 300; n++ {
		loc := mustLoc(t, zones[n%len(zones)])
		var layers []Layer
		for i := 0; i < 1+rng.IntN(3); i++ {
			r := Rotation{Length: 1 + rng.IntN(3), Unit: units[rng.IntN(3)], Handoff: Clock(rng.IntN(48) * 30), HandoffDay: time.Weekday(rng.IntN(7)),
				Start: time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)}
			if r.Unit == Hours {
				r.Length = 1 + rng.IntN(24)
			}
			for p := 0; p < rng.IntN(4); p++ {
				r.Participants = append(r.Participants, int64(1+rng.IntN(5)))
			}
			l := Layer{Rotation: r}
			if rng.IntN(2) == 0 {
				l.Restrictions = append(l.Restrictions, Restriction{Kind: Daily, Days: []time.Weekday{time.Weekday(rng.IntN(7)), time.Weekday(rng.IntN(7))},
					From: Clock(rng.IntN(48) * 30), To: Clock(rng.IntN(48) * 30)})
			}
			if rng.IntN(3) == 0 {
				l.Restrictions = append(l.Restrictions, Restriction{Kind: Weekly, FromDay: time.Weekday(rng.IntN(7)), ToDay: time.Weekday(rng.IntN(7)),
					From: Clock(rng.IntN(48) * 30), To: Clock(rng.IntN(48) * 30)})
			}
			layers = append(layers, l)
		}
		from := time.Date(2026, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), 0, 0, 0, time.UTC)
		to := from.Add(time.Duration(1+rng.IntN(60*24)) * time.Hour)
		var ovs []Override
		for o := 0; o < rng.IntN(4); o++ {
			s := from.Add(time.Duration(rng.IntN(int(to.Sub(from)/time.Hour)+1)) * time.Hour)
			ovs = append(ovs, Override{ID: int64(o + 1), UserID: int64(10 + o), Start: s, End: s.Add(time.Duration(1+rng.IntN(72)) * time.Hour)})
		}
		spans := Timeline(layers, ovs, loc, from, to)
		if len(spans) == 0 || !spans[0].Start.Equal(from) || !spans[len(spans)-1].End.Equal(to) {
			t.Fatalf("case %d: timeline does not cover [%v, %v): %v", n, from, to, spans)
		}
		for i, s := range spans {
			if !s.End.After(s.Start) || (i > 0 && !spans[i-1].End.Equal(s.Start)) {
				t.Fatalf("case %d (%s): span %d %v–%v breaks the tiling", n, loc, i, s.Start, s.End)
			}
		}
		// A sub-range computed alone agrees with the big timeline everywhere.
		mid := from.Add(to.Sub(from) / 3)
		end := mid.Add(to.Sub(from) / 3)
		sub := Timeline(layers, ovs, loc, mid, end)
		for _, s := range sub {
			for _, probe := range []time.Time{s.Start, s.End.Add(-time.Nanosecond)} {
				if a, b := At(sub, probe), At(spans, probe); a != b {
					t.Fatalf("case %d (%s): at %v the sub-range says %d, the whole range %d", n, loc, probe, a, b)
				}
			}
		}
	}
}

func TestHandoffInTheSkippedHour(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	// 02:30 does not exist in Berlin on 29 March 2026: that handoff happens
	// at 03:30 CEST, the others at 02:30; no shift is empty or negative.
	r := Rotation{Participants: []int64{1, 2}, Length: 1, Unit: Days, Handoff: 150, Start: "2026-03-27"}
	spans := r.Shifts(berlin, at(t, berlin, "2026-03-27 00:00"), at(t, berlin, "2026-04-01 00:00"))
	for i, s := range spans {
		if !s.End.After(s.Start) || (i > 0 && !spans[i-1].End.Equal(s.Start)) {
			t.Fatalf("span %d: %s", i, dump(spans, berlin))
		}
	}
	if got := spans[2].Start.In(berlin).Format("15:04 MST"); got != "03:30 CEST" || spans[3].Start.In(berlin).Format("15:04") != "02:30" {
		t.Fatalf("handoffs around the skipped hour:\n%s", dump(spans, berlin))
	}
}
