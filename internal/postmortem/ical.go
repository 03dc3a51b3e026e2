package postmortem

import (
	"strconv"
	"strings"
	"time"
)

// Invite is what an iCalendar invitation says.
type Invite struct {
	Meeting   *Meeting
	Summary   string
	Body      string   // the description
	URL       string   // the postmortem's page
	Organizer Person   // the Incident Manager
	Attendees []Person // everyone invited
	From      string   // the sender's address, used when the organizer has none
	Stamp     time.Time
}

// ICS renders the invitation as an RFC 5546 iTIP message: METHOD:REQUEST for
// a scheduled meeting and its updates (the SEQUENCE grows), METHOD:CANCEL
// when it was cancelled. The UID never changes, so calendar programs
// replace the event instead of adding another.
func (in Invite) ICS() (data []byte, method string) {
	m := in.Meeting
	method = "REQUEST"
	status := "CONFIRMED"
	if m.Cancelled {
		method, status = "CANCEL", "CANCELLED"
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)); b.WriteString("\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Firebreak//Postmortems//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:" + method)
	line("BEGIN:VEVENT")
	line("UID:" + m.UID)
	line("SEQUENCE:" + strconv.Itoa(m.Sequence))
	line("DTSTAMP:" + icsTime(in.Stamp))
	line("DTSTART:" + icsTime(m.Start))
	line("DTEND:" + icsTime(m.End()))
	line("SUMMARY:" + icsText(in.Summary))
	if in.Body != "" {
		line("DESCRIPTION:" + icsText(in.Body))
	}
	if m.Location != "" {
		line("LOCATION:" + icsText(m.Location))
	}
	if in.URL != "" {
		line("URL:" + in.URL)
	}
	line("STATUS:" + status)
	org := in.Organizer.Email
	if org == "" {
		org = in.From
	}
	if org != "" {
		line("ORGANIZER;CN=" + icsParam(orName(in.Organizer)) + ":mailto:" + org)
	}
	for _, p := range in.Attendees {
		if p.Email == "" {
			continue
		}
		line("ATTENDEE;CN=" + icsParam(orName(p)) + ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:" + p.Email)
	}
	line("END:VEVENT")
	line("END:VCALENDAR")
	return []byte(b.String()), method
}

func orName(p Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Handle
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// icsParam quotes a parameter value; DQUOTE cannot appear inside one.
func icsParam(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '"' || r < 0x20 {
			return -1
		}
		return r
	}, s)
	return `"` + s + `"`
}

// fold breaks a content line into lines of at most 75 octets, never inside
// a UTF-8 sequence (RFC 5545 §3.1).
func fold(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	return b.String()
}
