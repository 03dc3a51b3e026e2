package statuspage

import (
	"sort"
	"time"
)

// Weights of each status in downtime: a major outage counts in full, a
// partial outage as 30 % (as Statuspage does), degraded performance is shown
// but is not downtime, and maintenance is excluded from the time measured.
const (
	majorWeight   = 1.0
	partialWeight = 0.3
)

// Day is one bar of the uptime chart: a calendar day in the page's time zone.
type Day struct {
	Date        time.Time     `json:"date"`        // midnight at the start of the day, in the page's zone
	Observed    time.Duration `json:"observed"`    // time the component existed that day, maintenance excluded
	Major       time.Duration `json:"major"`       // time in major outage
	Partial     time.Duration `json:"partial"`     // time in partial outage
	Degraded    time.Duration `json:"degraded"`    // time in degraded performance
	Maintenance time.Duration `json:"maintenance"` // time under maintenance
	Uptime      float64       `json:"uptime"`      // 0–1; 1 when nothing was observed
}

// NoData reports whether the component did not exist at all that day.
func (d Day) NoData() bool { return d.Observed == 0 && d.Maintenance == 0 }

// Level classifies the day for its colour: "none", "operational",
// "degraded", "partial", "major" or "maintenance".
func (d Day) Level() string {
	switch {
	case d.NoData():
		return "none"
	case d.Major > 0:
		return "major"
	case d.Partial > 0:
		return "partial"
	case d.Degraded > 0:
		return "degraded"
	case d.Maintenance > 0:
		return "maintenance"
	}
	return "operational"
}

// Uptime is a component's uptime over the last days calendar days.
type Uptime struct {
	Days    []Day   `json:"days"`    // oldest first; the last one is today
	Percent float64 `json:"percent"` // over every observed moment of Days, 0–100
}

// ComputeUptime computes the uptime bars of one component from its status
// history (in any order; changes of other components are ignored). Before
// its first change the component did not exist and nothing is counted;
// between changes it keeps the status of the last one; the last change holds
// until now. Days are calendar days in loc, so a day is 23 or 25 hours long
// when the clocks change.
func ComputeUptime(componentID int64, history []Change, days int, now time.Time, loc *time.Location) Uptime {
	var hs []Change
	for _, c := range history {
		if c.ComponentID == componentID {
			hs = append(hs, c)
		}
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].At.Before(hs[j].At) })

	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	out := Uptime{Days: make([]Day, days)}
	for i := range out.Days {
		out.Days[i].Date = today.AddDate(0, 0, i-days+1)
	}
	if days == 0 {
		return out
	}
	start := out.Days[0].Date
	var totalObserved, totalDown float64
	for i, c := range hs {
		from, to := c.At, now
		if i+1 < len(hs) {
			to = hs[i+1].At
		}
		if !to.After(start) || !from.Before(now) {
			continue
		}
		if from.Before(start) {
			from = start
		}
		if to.After(now) {
			to = now
		}
		// Split the segment at midnights of the page's zone.
		for from.Before(to) {
			d := dayIndex(out.Days, from)
			end := to
			if d+1 < len(out.Days) && out.Days[d+1].Date.Before(end) {
				end = out.Days[d+1].Date
			}
			add(&out.Days[d], c.Status, end.Sub(from))
			from = end
		}
	}
	for i := range out.Days {
		d := &out.Days[i]
		down := majorWeight*float64(d.Major) + partialWeight*float64(d.Partial)
		d.Uptime = 1
		if d.Observed > 0 {
			d.Uptime = 1 - down/float64(d.Observed)
		}
		totalObserved += float64(d.Observed)
		totalDown += down
	}
	out.Percent = 100
	if totalObserved > 0 {
		out.Percent = 100 * (1 - totalDown/totalObserved)
	}
	return out
}

// dayIndex finds the day t falls in (days are sorted and cover t).
func dayIndex(days []Day, t time.Time) int {
	i := sort.Search(len(days), func(i int) bool { return days[i].Date.After(t) })
	return max(i-1, 0)
}

func add(d *Day, s ComponentStatus, dur time.Duration) {
	if s == UnderMaintenance {
		d.Maintenance += dur
		return
	}
	d.Observed += dur
	switch s {
	case MajorOutage:
		d.Major += dur
	case PartialOutage:
		d.Partial += dur
	case DegradedPerformance:
		d.Degraded += dur
	}
}
