package oncall

import (
	"fmt"
	"strings"
	"time"
)

// The calendar feed is written by hand: RFC 5545 needs little for a list of
// events (CRLF lines folded at 75 octets, escaped text, UTC times), and the
// test reads it back with an independent parser (arran4/golang-ical).

// Event is one shift in a calendar feed.
type Event struct {
	UID         string
	Start, End  time.Time
	Summary     string
	Description string
	URL         string
}

// ShiftUID is a shift's stable identifier: the same shift gets the same UID
// in every fetch of the feed, so calendar clients update instead of
// duplicating. A shift whose start or person changes is a new event.
func ShiftUID(sh Shift, host string) string {
	return fmt.Sprintf("shift-%d-%d-%d@%s", sh.ScheduleID, sh.UserID, sh.Start.Unix(), host)
}

// WriteCalendar renders events as an iCalendar (RFC 5545) document.
func WriteCalendar(name string, stamp time.Time, events []Event) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Firebreak//On-call schedules//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escapeText(name))
	line("REFRESH-INTERVAL;VALUE=DURATION:PT1H")
	line("X-PUBLISHED-TTL:PT1H")
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + escapeText(e.UID))
		line("DTSTAMP:" + icalTime(stamp))
		line("DTSTART:" + icalTime(e.Start))
		line("DTEND:" + icalTime(e.End))
		line("SUMMARY:" + escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION:" + escapeText(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545 §3.3.11).
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold ends a content line with CRLF, folding it into lines of at most 75
// octets without splitting a UTF-8 sequence (RFC 5545 §3.1).
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 { // inside a multi-byte rune
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
