package statuspage

import (
	"math"
	"testing"
	"time"
)

func TestComputeUptime(t *testing.T) {
	utc := time.UTC
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ch := func(s string, st ComponentStatus) Change { return Change{ComponentID: 1, Status: st, At: at(s)} }
	type dayWant struct {
		index                               int
		major, partial, maintenance, observ time.Duration
		level                               string
	}
	cases := []struct {
		name    string
		history []Change
		days    int
		now     string
		loc     *time.Location
		want    []dayWant
		percent float64
	}{
		{
			name:    "a component that was operational all along has 100 %",
			history: []Change{ch("2026-01-01T00:00:00Z", Operational)},
			days:    3, now: "2026-03-10T12:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, observ: 24 * time.Hour, level: "operational"}, {index: 2, observ: 12 * time.Hour, level: "operational"}},
			percent: 100,
		},
		{
			name: "a major outage of 6 hours in a full day costs a quarter of it",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
				ch("2026-03-09T06:00:00Z", MajorOutage),
				ch("2026-03-09T12:00:00Z", Operational),
			},
			days: 2, now: "2026-03-10T00:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, major: 6 * time.Hour, observ: 24 * time.Hour, level: "major"}, {index: 1, level: "none"}},
			percent: 75,
		},
		{
			name: "a partial outage weighs 30 % of a major one",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
				ch("2026-03-09T00:00:00Z", PartialOutage),
				ch("2026-03-09T10:00:00Z", Operational),
			},
			days: 1, now: "2026-03-09T20:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, partial: 10 * time.Hour, observ: 20 * time.Hour, level: "partial"}},
			percent: 100 * (1 - 0.3*10/20),
		},
		{
			name: "overlapping outages (partial, then major inside it) count the worst status once",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
				ch("2026-03-09T02:00:00Z", PartialOutage),
				ch("2026-03-09T04:00:00Z", MajorOutage),
				ch("2026-03-09T05:00:00Z", PartialOutage),
				ch("2026-03-09T08:00:00Z", Operational),
			},
			days: 2, now: "2026-03-10T00:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, major: time.Hour, partial: 5 * time.Hour, observ: 24 * time.Hour, level: "major"}},
			percent: 100 * (1 - (1+0.3*5)/24),
		},
		{
			name: "maintenance is excluded from the time measured",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
				ch("2026-03-09T00:00:00Z", UnderMaintenance),
				ch("2026-03-09T12:00:00Z", MajorOutage),
				ch("2026-03-09T18:00:00Z", Operational),
			},
			days: 2, now: "2026-03-10T00:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, major: 6 * time.Hour, maintenance: 12 * time.Hour, observ: 12 * time.Hour, level: "major"}},
			percent: 50,
		},
		{
			name: "an outage across midnight in the page's zone is split between the two days",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
				// 22:30 → 01:30 in Berlin (CET, UTC+1) on 8/9 March.
				ch("2026-03-08T21:30:00Z", MajorOutage),
				ch("2026-03-09T00:30:00Z", Operational),
			},
			days: 3, now: "2026-03-09T23:00:00Z", loc: berlin, // midnight in Berlin: the 10th starts
			want: []dayWant{
				{index: 0, major: 90 * time.Minute, observ: 24 * time.Hour, level: "major"},
				{index: 1, major: 90 * time.Minute, observ: 24 * time.Hour, level: "major"},
				{index: 2, level: "none"},
			},
		},
		{
			name: "a day in UTC that is two days in the page's zone",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
				ch("2026-03-09T22:00:00Z", MajorOutage), // 23:00 Berlin on the 9th
				ch("2026-03-09T23:30:00Z", Operational), // 00:30 Berlin on the 10th
			},
			days: 2, now: "2026-03-10T11:00:00Z", loc: berlin,
			want: []dayWant{
				{index: 0, major: time.Hour, observ: 24 * time.Hour, level: "major"},
				{index: 1, major: 30 * time.Minute, observ: 12 * time.Hour, level: "major"},
			},
		},
		{
			name: "the day the clocks go forward has 23 hours",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
			},
			days: 2, now: "2026-03-29T22:00:00Z", loc: berlin, // midnight of 30 March, Berlin summer time
			want: []dayWant{{index: 0, observ: 23 * time.Hour, level: "operational"}, {index: 1, level: "none"}},
		},
		{
			name:    "days before the component existed have no data and do not count",
			history: []Change{ch("2026-03-09T12:00:00Z", Operational)},
			days:    3, now: "2026-03-10T00:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, level: "none"}, {index: 1, observ: 12 * time.Hour, level: "operational"}, {index: 2, level: "none"}},
			percent: 100,
		},
		{
			name: "changes of other components are ignored",
			history: []Change{
				ch("2026-01-01T00:00:00Z", Operational),
				{ComponentID: 2, Status: MajorOutage, At: at("2026-03-09T01:00:00Z")},
			},
			days: 2, now: "2026-03-10T00:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, observ: 24 * time.Hour, level: "operational"}},
			percent: 100,
		},
		{
			name: "history older than the window counts only from its start",
			history: []Change{
				ch("2025-01-01T00:00:00Z", MajorOutage),
				ch("2026-03-09T12:00:00Z", Operational),
			},
			days: 2, now: "2026-03-10T00:00:00Z", loc: utc,
			want:    []dayWant{{index: 0, major: 12 * time.Hour, observ: 24 * time.Hour, level: "major"}},
			percent: 50,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ComputeUptime(1, c.history, c.days, at(c.now), c.loc)
			if len(got.Days) != c.days {
				t.Fatalf("%d days, want %d", len(got.Days), c.days)
			}
			for _, w := range c.want {
				d := got.Days[w.index]
				if d.Major != w.major || d.Partial != w.partial || d.Maintenance != w.maintenance || d.Observed != w.observ || d.Level() != w.level {
					t.Errorf("day %d (%s): major %v partial %v maintenance %v observed %v level %s; want %v %v %v %v %s",
						w.index, d.Date, d.Major, d.Partial, d.Maintenance, d.Observed, d.Level(), w.major, w.partial, w.maintenance, w.observ, w.level)
				}
				if d.Date.Location() != c.loc || d.Date.Hour() != 0 {
					t.Errorf("day %d starts at %v, not midnight in %v", w.index, d.Date, c.loc)
				}
			}
			if c.percent != 0 && math.Abs(got.Percent-c.percent) > 1e-9 {
				t.Errorf("percent %.6f, want %.6f", got.Percent, c.percent)
			}
		})
	}
}
