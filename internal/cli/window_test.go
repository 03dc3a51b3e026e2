package cli

import (
	"testing"
	"time"
)

// --from defaults to now and --to to a span after --from; a bad --to is
// named in the error.
func TestParseWindow(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e := &env{now: func() time.Time { return now }, loc: time.UTC}
	week := 7 * 24 * time.Hour
	for _, c := range []struct {
		from, to   string
		start, end time.Time
		err        string
	}{
		{"", "", now, now.Add(week), ""},
		{"2026-03-05", "", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), ""},
		{"", "2026-03-03 12:00", now, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), ""},
		{"", "tomorrow", now, time.Time{}, `--to: "tomorrow" is not a time`},
		{"soon", "", time.Time{}, time.Time{}, `--from: "soon" is not a time`},
	} {
		start, end, err := e.parseWindow(c.from, c.to, week)
		if c.err != "" {
			if err == nil || len(err.Error()) < len(c.err) || err.Error()[:len(c.err)] != c.err {
				t.Errorf("%q..%q: error %v, want %s", c.from, c.to, err, c.err)
			}
			continue
		}
		if err != nil || !start.Equal(c.start) || !end.Equal(c.end) {
			t.Errorf("%q..%q: %v..%v %v, want %v..%v", c.from, c.to, start, end, err, c.start, c.end)
		}
	}
}
