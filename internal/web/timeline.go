package web

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// eventView is one timeline entry in words.
type eventView struct {
	Seq     int64
	Day     string // set on the first event of each day: "Tue 25 Nov 2026"
	At      time.Time
	Actor   string
	Kind    string // CSS hook: declared, stage, field, role, note, key
	Text    string // "Alice moved the incident from Fix to Resolved"
	Note    string // a note's text, or a dismissal's reason
	Details []string
	Key     bool // a note that is a key moment
	CanMark bool // the actor may mark this note as a key moment
}

// timelineView puts the events into words, newest last, and counts the key
// moments.
func timelineView(events []incident.Event, users map[int64]auth.User, canMark bool) ([]eventView, int) {
	key := map[int64]bool{}
	for _, e := range incident.KeyMoments(events) {
		key[e.Seq] = true
	}
	bySeq := make(map[int64]incident.Event, len(events))
	for _, e := range events {
		bySeq[e.Seq] = e
	}
	out := make([]eventView, 0, len(events))
	lastDay := ""
	for _, e := range events {
		v := describe(e, users, bySeq)
		if d := e.At.UTC().Format("Mon 2 Jan 2006"); d != lastDay {
			v.Day, lastDay = d, d
		}
		if e.Kind == incident.EventNote {
			v.Key = key[e.Seq]
			v.CanMark = canMark && !v.Key
		}
		out = append(out, v)
	}
	return out, len(key)
}

// describe writes one event as a sentence a person can read at 3 a.m.
func describe(e incident.Event, users map[int64]auth.User, bySeq map[int64]incident.Event) eventView {
	who := e.ActorName
	if who == "" {
		who = nameOf(users, e.ActorID)
	}
	v := eventView{Seq: e.Seq, At: e.At, Actor: who}
	switch e.Kind {
	case incident.EventDeclared:
		v.Kind = "declared"
		v.Text = fmt.Sprintf("%s declared the incident as %s, in %s", who, str(e.After, "severity"), stageLabel(e.After))
		if t := str(e.After, "title"); t != "" {
			v.Details = []string{"“" + t + "”"}
		}
	case incident.EventStageChanged:
		v.Kind = "stage"
		from, to := stageLabel(e.Before), stageLabel(e.After)
		switch {
		case truthy(e.After, "reopened"):
			v.Text = fmt.Sprintf("%s reopened the incident (%s → %s)", who, from, to)
		case incident.Stage(str(e.After, "stage")) == incident.Dismissed:
			v.Text = fmt.Sprintf("%s dismissed the incident: it is not an incident", who)
		default:
			v.Text = fmt.Sprintf("%s moved the incident from %s to %s", who, from, to)
		}
		v.Note = e.Note
	case incident.EventFieldChanged:
		v.Kind = "field"
		v.Details = fieldChanges(e.Before, e.After)
		switch len(v.Details) {
		case 0:
			v.Text = who + " edited the incident"
		case 1:
			v.Text = who + " " + v.Details[0]
			v.Details = nil
		default:
			v.Text = fmt.Sprintf("%s edited the incident:", who)
		}
	case incident.EventRoleAssigned:
		v.Kind = "role"
		role := incident.Role(str(e.After, "role")).Label()
		to := num(e.After, "user_id")
		toName := str(e.After, "user_name")
		if toName == "" {
			toName = nameOf(users, to)
		}
		prev := num(e.Before, "user_id")
		switch {
		case to == e.ActorID && e.ActorID != 0 && prev == 0:
			v.Text = fmt.Sprintf("%s took the %s role", who, role)
		case to == e.ActorID && e.ActorID != 0:
			v.Text = fmt.Sprintf("%s took over the %s role from %s", who, role, nameOf(users, prev))
		case prev != 0:
			v.Text = fmt.Sprintf("%s appointed %s as %s, taking over from %s", who, toName, role, nameOf(users, prev))
		default:
			v.Text = fmt.Sprintf("%s appointed %s as %s", who, toName, role)
		}
	case incident.EventRoleRemoved:
		v.Kind = "role"
		role := incident.Role(str(e.Before, "role")).Label()
		id := num(e.Before, "user_id")
		if id == e.ActorID && id != 0 {
			v.Text = fmt.Sprintf("%s stepped down as %s", who, role)
		} else {
			v.Text = fmt.Sprintf("%s removed %s from the %s role", who, nameOf(users, id), role)
		}
	case incident.EventNote:
		v.Kind = "note"
		v.Text = who
		v.Note = e.Note
	case incident.EventKeyMoment:
		v.Kind = "key"
		author := "a note"
		if n, ok := bySeq[e.Ref]; ok {
			author = n.ActorName + "’s note"
			if n.ActorID == e.ActorID {
				author = "their note"
			}
		}
		v.Text = fmt.Sprintf("%s marked %s as a key moment", who, author)
	case incident.EventStatusUpdatePublished:
		v.Kind = "other"
		v.Text = fmt.Sprintf("%s published a public update: %s", who, statusWord(str(e.After, "status")))
		if t := str(e.After, "title"); t != "" {
			v.Details = []string{"“" + t + "”"}
		}
		v.Note = e.Note
	case incident.EventStakeholderUpdate:
		v.Kind = "other"
		v.Text = fmt.Sprintf("%s sent an update to internal stakeholders", who)
		v.Note = e.Note
	case postmortem.EventPublished:
		v.Kind = "other"
		v.Text = fmt.Sprintf("%s published the postmortem", who)
		if c := str(e.After, "commit"); c != "" {
			v.Details = []string{"merge commit " + c}
		}
	case postmortem.EventWaived:
		v.Kind = "other"
		v.Text = fmt.Sprintf("%s waived the postmortem", who)
		v.Note = e.Note
	case chat.EventMessageEdited, chat.EventMessageDeleted:
		v.Kind = "note"
		verb := "edited in Slack; it now reads"
		if e.Kind == chat.EventMessageDeleted {
			verb = "deleted in Slack; it read"
		}
		v.Text = fmt.Sprintf("A message of %s captured on the timeline was %s", str(e.After, "author"), verb)
		v.Note = e.Note
	default:
		v.Kind = "other"
		v.Text = fmt.Sprintf("%s: %s", who, strings.ReplaceAll(string(e.Kind), "_", " "))
	}
	return v
}

// statusWord writes a public update's status as people read it ("in_progress" → "In progress").
func statusWord(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldNames says which field changed, in words.
var fieldNames = map[string]string{
	"title":           "title",
	"summary":         "summary",
	"severity":        "severity",
	"customer_impact": "customer impact",
	"blast_radius":    "blast radius",
	"chat_channel":    "chat channel",
	"conference_url":  "conference link",
	"paging_ref":      "paging reference",
	"services":        "affected services",
	"labels":          "labels",
}

// shortFields are shown with their old and new values; long text is only
// said to have changed.
var shortFields = map[string]bool{"title": true, "severity": true, "chat_channel": true, "conference_url": true, "paging_ref": true}

func fieldChanges(before, after map[string]any) []string {
	keys := make([]string, 0, len(after))
	for k := range after {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fieldOrder(keys[i]) < fieldOrder(keys[j]) })
	var out []string
	for _, k := range keys {
		name := fieldNames[k]
		if name == "" {
			name = strings.ReplaceAll(k, "_", " ")
		}
		switch {
		case k == "services":
			list := strList(after[k])
			if len(list) == 0 {
				out = append(out, "removed every affected service")
			} else {
				out = append(out, "set the affected services to "+strings.Join(list, ", "))
			}
		case shortFields[k]:
			old, neu := fmt.Sprint(before[k]), fmt.Sprint(after[k])
			switch {
			case neu == "":
				out = append(out, "cleared the "+name)
			case old == "":
				out = append(out, fmt.Sprintf("set the %s to %s", name, quoteIf(k, neu)))
			default:
				out = append(out, fmt.Sprintf("changed the %s from %s to %s", name, quoteIf(k, old), quoteIf(k, neu)))
			}
		default:
			out = append(out, "updated the "+name)
		}
	}
	return out
}

func fieldOrder(k string) int {
	for i, f := range []string{"title", "severity", "summary", "customer_impact", "blast_radius", "services", "labels", "chat_channel", "conference_url", "paging_ref"} {
		if f == k {
			return i
		}
	}
	return 100
}

func quoteIf(field, s string) string {
	if field == "title" {
		return "“" + s + "”"
	}
	return s
}

// The event maps come straight from Go values when fresh and from JSON when
// read back; these helpers read both.

func str(m map[string]any, k string) string {
	if m == nil {
		return ""
	}
	if s, ok := m[k].(string); ok {
		return s
	}
	return ""
}

func num(m map[string]any, k string) int64 {
	if m == nil {
		return 0
	}
	switch v := m[k].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

func truthy(m map[string]any, k string) bool {
	b, _ := m[k].(bool)
	return b
}

func stageLabel(m map[string]any) string { return incident.Stage(str(m, "stage")).Label() }

func strList(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		out := make([]string, 0, len(l))
		for _, x := range l {
			out = append(out, fmt.Sprint(x))
		}
		return out
	}
	return nil
}
