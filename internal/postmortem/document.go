package postmortem

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// DefaultTemplate follows common blameless practice. {{title}}, {{ref}},
// {{basic_info}}, {{timeline}} and {{action_items}} are filled when the
// postmortem is drafted; the last three become blocks Firebreak keeps in
// sync with the incident and its action items.
const DefaultTemplate = `# {{ref}}: {{title}}

{{basic_info}}

## Summary

_What happened, in two or three sentences a newcomer understands._

## Impact and blast radius

_Who was affected, how, and for how long; the numbers (tickets, requests, customers)._

## Timeline

{{timeline}}

## Contributing factors (5 Whys)

_Systems and conditions, not people: why did it happen, and why was that possible? Ask "why?" up to five times._

## What went well

## What went wrong

## Where we got lucky

## Action items

{{action_items}}
`

// Markers around the blocks Firebreak keeps in sync. Everything between a
// pair is rewritten; delete a pair to take the block over by hand.
const (
	basicStart    = "<!-- firebreak:basic-info -->"
	basicEnd      = "<!-- /firebreak:basic-info -->"
	timelineStart = "<!-- firebreak:timeline -->"
	timelineEnd   = "<!-- /firebreak:timeline -->"
	itemsStart    = "<!-- firebreak:action-items -->"
	itemsEnd      = "<!-- /firebreak:action-items -->"
)

// FromTemplate fills a template for an incident: the title, the id and the two
// synced blocks.
func FromTemplate(template string, f Facts, events []incident.Event, now time.Time) string {
	if strings.TrimSpace(template) == "" {
		template = DefaultTemplate
	}
	r := strings.NewReplacer(
		"{{title}}", f.Title, "{{ref}}", f.Ref,
		"{{basic_info}}", basicStart+"\n"+BasicInfo(f, now)+basicEnd,
		"{{timeline}}", timelineStart+"\n"+Timeline(events)+timelineEnd,
		"{{action_items}}", itemsStart+"\n"+ItemsBlock(nil, nil)+itemsEnd,
	)
	return r.Replace(template)
}

// Sync rewrites the synced blocks of body from the current facts and
// timeline, leaving everything people wrote untouched.
func Sync(body string, f Facts, events []incident.Event, now time.Time) string {
	body = replaceBlock(body, basicStart, basicEnd, BasicInfo(f, now))
	return replaceBlock(body, timelineStart, timelineEnd, Timeline(events))
}

func replaceBlock(body, start, end, content string) string {
	i := strings.Index(body, start)
	if i < 0 {
		return body
	}
	j := strings.Index(body[i:], end)
	if j < 0 {
		return body
	}
	return body[:i+len(start)] + "\n" + content + body[i+j:]
}

// SyncItems rewrites the action-items block of body from the items.
func SyncItems(body string, items []ActionItem, owners map[int64]string) string {
	return replaceBlock(body, itemsStart, itemsEnd, ItemsBlock(items, owners))
}

// ItemsBlock renders the action items as a Markdown table (owners by user id).
func ItemsBlock(items []ActionItem, owners map[int64]string) string {
	if len(items) == 0 {
		return "_None yet: they are captured in the meeting._\n"
	}
	var b strings.Builder
	b.WriteString("| Action item | Owner | Due | Priority | Status |\n|---|---|---|---|---|\n")
	for _, it := range items {
		prio := "normal"
		switch {
		case it.Priority():
			prio = "important, urgent"
		case it.Important:
			prio = "important"
		case it.Urgent:
			prio = "urgent"
		}
		due := it.Due.UTC().Format("2006-01-02")
		if it.ProductOwner != "" {
			due += " (agreed with " + it.ProductOwner + ")"
		}
		owner := owners[it.OwnerID]
		if owner == "" {
			owner = "—"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", escapeCell(it.Title), escapeCell(owner), escapeCell(due), prio, strings.ReplaceAll(string(it.Status), "_", " "))
	}
	return b.String()
}

// BasicInfo renders the basic-information block as a Markdown table.
func BasicInfo(f Facts, now time.Time) string {
	var b strings.Builder
	row := func(k, v string) {
		if v == "" {
			v = "—"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", k, escapeCell(v))
	}
	b.WriteString("| Basic information | |\n|---|---|\n")
	row("Incident", f.Ref)
	row("Date", f.Date.UTC().Format("2006-01-02 15:04 UTC"))
	im := ""
	if f.IncidentManager != nil {
		im = f.IncidentManager.Name
	}
	row("Incident Manager", im)
	var names []string
	for _, p := range f.Involved {
		names = append(names, p.Name)
	}
	row("Involved", strings.Join(names, ", "))
	row("Chat channel", f.ChatChannel)
	row("Call", f.CallLink)
	row("Paging", f.PagingRef)
	row("Blast radius", f.BlastRadius)
	row("Severity", f.Severity)
	dur := ""
	if f.Resolved != nil {
		dur = Human(f.Duration)
	} else {
		dur = Human(f.Duration) + " (ongoing)"
	}
	row("Duration", dur)
	row("Affected services", strings.Join(f.Services, ", "))
	row("Status-page components", strings.Join(f.Components, ", "))
	return b.String()
}

func escapeCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

// Timeline renders the incident's timeline: key moments first, then every
// event folded in a <details> element.
func Timeline(events []incident.Event) string {
	var b strings.Builder
	keys := incident.KeyMoments(events)
	if len(keys) == 0 {
		b.WriteString("_No key moments were marked on the incident's timeline._\n")
	}
	for _, e := range keys {
		fmt.Fprintf(&b, "- **%s** — %s\n", e.At.UTC().Format("2006-01-02 15:04"), oneLine(e.Note))
	}
	b.WriteString("\n<details><summary>Full timeline (" + strconv.Itoa(len(events)) + " events)</summary>\n\n")
	for _, e := range events {
		fmt.Fprintf(&b, "- %s · %s · %s\n", e.At.UTC().Format("2006-01-02 15:04:05"), orFirebreak(e.ActorName), describeEvent(e))
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

func orFirebreak(name string) string {
	if name == "" {
		return "Firebreak"
	}
	return name
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// describeEvent tells one timeline event in words.
func describeEvent(e incident.Event) string {
	switch e.Kind {
	case incident.EventDeclared:
		return fmt.Sprintf("declared the incident (%v)", e.After["severity"])
	case incident.EventStageChanged:
		return fmt.Sprintf("moved it from %v to %v", e.Before["stage"], e.After["stage"])
	case incident.EventFieldChanged:
		var fields []string
		for k := range e.After {
			fields = append(fields, strings.ReplaceAll(k, "_", " "))
		}
		slices.Sort(fields)
		return "changed " + strings.Join(fields, ", ")
	case incident.EventRoleAssigned:
		return fmt.Sprintf("assigned %v", strings.ReplaceAll(fmt.Sprint(e.After["role"]), "_", " "))
	case incident.EventRoleRemoved:
		return fmt.Sprintf("removed %v", strings.ReplaceAll(fmt.Sprint(e.Before["role"]), "_", " "))
	case incident.EventNote:
		return "noted: " + oneLine(e.Note)
	case incident.EventKeyMoment:
		return "marked a key moment"
	}
	s := strings.ReplaceAll(string(e.Kind), "_", " ")
	if e.Note != "" {
		s += ": " + oneLine(e.Note)
	}
	return s
}

// Human writes a duration for people: "2 h 5 min", "3 days 4 h".
func Human(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	days := int(d / (24 * time.Hour))
	h := int(d % (24 * time.Hour) / time.Hour)
	m := int(d % time.Hour / time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, plural(days, "day"))
	}
	if h > 0 {
		parts = append(parts, strconv.Itoa(h)+" h")
	}
	if m > 0 && days == 0 {
		parts = append(parts, strconv.Itoa(m)+" min")
	}
	return strings.Join(parts, " ")
}

// Agenda lists the second-level headings of a document: the meeting's agenda.
func Agenda(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "## ") {
			out = append(out, strings.TrimSpace(line[3:]))
		}
	}
	return out
}

// Section returns the text under the second-level heading whose title
// starts with prefix (case-insensitive), up to the next such heading.
func Section(body, prefix string) string {
	lines := strings.Split(body, "\n")
	var b strings.Builder
	in := false
	for _, line := range lines {
		if strings.HasPrefix(line, "## ") {
			in = strings.HasPrefix(strings.ToLower(strings.TrimSpace(line[3:])), strings.ToLower(prefix))
			continue
		}
		if in {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func humanKind(k string) string { return strings.ReplaceAll(k, "_", " ") }

func sortStrings(s []string) { slices.Sort(s) }

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
