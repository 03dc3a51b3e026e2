package oncall

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The short text forms people type for restrictions and shift lengths, in
// the CLI and the schedule editor: "mon-fri 09:00-17:00", "22:00-06:00",
// "fri 18:00-mon 09:00"; "1w", "2d", "12h".

var weekdayNames = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseWeekday reads a weekday by its first three letters or more ("mon", "Monday").
func ParseWeekday(s string) (time.Weekday, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) >= 3 {
		if d, ok := weekdayNames[s[:3]]; ok && strings.HasPrefix(strings.ToLower(time.Weekday(d).String()), s) {
			return d, nil
		}
	}
	return 0, fmt.Errorf("%q is not a weekday like mon", s)
}

// parseDays reads "mon-fri", "sat,sun" or "mon".
func parseDays(s string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, part := range strings.Split(s, ",") {
		if a, b, ok := strings.Cut(part, "-"); ok {
			from, err := ParseWeekday(a)
			if err != nil {
				return nil, err
			}
			to, err := ParseWeekday(b)
			if err != nil {
				return nil, err
			}
			for d := from; ; d = (d + 1) % 7 {
				out = append(out, d)
				if d == to {
					break
				}
			}
			continue
		}
		d, err := ParseWeekday(part)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

var restrictRE = regexp.MustCompile(`^(?:(\S+)\s+)?(\d{1,2}:\d{2})\s*[-–]\s*(?:([A-Za-z]+)\s+)?(\d{1,2}:\d{2})$`)

// ParseRestriction reads "mon-fri 09:00-17:00" (daily windows on those
// days), "22:00-06:00" (every day, here across midnight) or
// "fri 18:00-mon 09:00" (a weekly window).
func ParseRestriction(s string) (Restriction, error) {
	m := restrictRE.FindStringSubmatch(strings.TrimSpace(s))
	bad := fmt.Errorf("%q: write a window like 'mon-fri 09:00-17:00', '22:00-06:00' or 'fri 18:00-mon 09:00'", s)
	if m == nil {
		return Restriction{}, bad
	}
	from, err1 := ParseClock(m[2])
	to, err2 := ParseClock(m[4])
	if err1 != nil || err2 != nil {
		return Restriction{}, bad
	}
	if m[3] != "" {
		fd, err := ParseWeekday(m[1])
		if err != nil {
			return Restriction{}, bad
		}
		td, err := ParseWeekday(m[3])
		if err != nil {
			return Restriction{}, bad
		}
		return Restriction{Kind: Weekly, FromDay: fd, From: from, ToDay: td, To: to}, nil
	}
	r := Restriction{Kind: Daily, From: from, To: to}
	if m[1] != "" {
		days, err := parseDays(m[1])
		if err != nil {
			return r, bad
		}
		r.Days = days
	}
	return r, nil
}

// String writes the restriction in the form ParseRestriction reads.
func (r Restriction) String() string {
	short := func(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }
	if r.Kind == Weekly {
		return fmt.Sprintf("%s %s-%s %s", short(r.FromDay), r.From, short(r.ToDay), r.To)
	}
	if len(r.Days) == 0 {
		return fmt.Sprintf("%s-%s", r.From, r.To)
	}
	names := make([]string, len(r.Days))
	for i, d := range r.Days {
		names[i] = short(d)
	}
	days := strings.Join(names, ",")
	if len(r.Days) > 2 { // a run of consecutive days reads as a range
		run := true
		for i := 1; i < len(r.Days); i++ {
			run = run && r.Days[i] == (r.Days[i-1]+1)%7
		}
		if run {
			days = names[0] + "-" + names[len(names)-1]
		}
	}
	return fmt.Sprintf("%s %s-%s", days, r.From, r.To)
}

var shiftRE = regexp.MustCompile(`^(\d{1,4})\s*([hdw])$`)

// ParseShift reads a shift length: "1w", "2d", "12h".
func ParseShift(s string) (int, Unit, error) {
	m := shiftRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, "", fmt.Errorf("%q: write a count and h, d or w, e.g. 1w, 2d, 12h", s)
	}
	n, _ := strconv.Atoi(m[1])
	return n, map[string]Unit{"h": Hours, "d": Days, "w": Weeks}[m[2]], nil
}
