package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// people resolves user ids to handles for display.
type people map[int64]client.User

// incidentPeople are the people an incident names, as the API sent them.
func incidentPeople(inc *client.Incident) people {
	p := make(people, len(inc.People))
	for id, u := range inc.People {
		p[id] = client.User{ID: id, Handle: u.Handle, Name: u.Name}
	}
	return p
}

// people fetches the users to name role holders; when the list cannot be
// read, ids are shown instead, which is no reason to fail the command.
func (e *env) people(cl *client.Client) people {
	users, err := cl.Users(e.ctx)
	if err != nil {
		return people{}
	}
	p := make(people, len(users))
	for _, u := range users {
		p[u.ID] = u
	}
	return p
}

// handle names user id: "@ann", "user 7" when unknown, "-" for nobody.
func (p people) handle(id int64) string {
	if id == 0 {
		return "-"
	}
	if u, ok := p[id]; ok {
		return u.Handle
	}
	return "user " + strconv.FormatInt(id, 10)
}

// label is the handle with the name: "ann (Ann Example)".
func (p people) label(id int64) string {
	if u, ok := p[id]; ok {
		return userLabel(u)
	}
	return p.handle(id)
}

// writeIncidentTable writes one line per incident.
func (e *env) writeIncidentTable(incs []*client.Incident) {
	now := e.now()
	w := table(e.stdout)
	row(w, "ID", "SEVERITY", "STAGE", "TITLE", "SERVICES", "OPENED")
	for _, inc := range incs {
		opened := inc.CreatedAt
		if inc.Times.Detected != nil {
			opened = *inc.Times.Detected
		}
		row(w, inc.Incident.Ref(), inc.Severity, inc.Stage.Label(), truncate(inc.Title, 60),
			orDash(truncate(strings.Join(inc.Services, ", "), 30)), ago(now, opened))
	}
	w.Flush()
}

// stageSince is when the incident entered its current stage, if known.
func stageSince(inc *incident.Incident) *time.Time {
	t := inc.Times
	switch inc.Stage {
	case incident.Detect:
		return t.Detected
	case incident.Fix:
		return t.Fixing
	case incident.Resolved:
		return t.Resolved
	case incident.Improve:
		return t.Improve
	case incident.Closed:
		return t.Closed
	case incident.Dismissed:
		return t.Dismissed
	}
	return nil
}

// showEvents is how many of the latest timeline events `incident show` prints.
const showEvents = 10

// writeIncident writes the whole picture of one incident.
func (e *env) writeIncident(inc *client.Incident, events []incident.Event, ppl people) {
	now, loc := e.now(), e.loc
	out := e.stdout
	fmt.Fprintf(out, "%s  %s\n\n", inc.Incident.Ref(), inc.Title)
	w := table(out)
	stage := inc.Stage.Label()
	if since := stageSince(&inc.Incident); since != nil {
		stage += " (for " + duration(now.Sub(*since)) + ")"
	}
	row(w, "Stage:", stage)
	row(w, "Severity:", orDash(inc.Severity))
	row(w, "Services:", orDash(strings.Join(inc.Services, ", ")))
	for _, t := range []struct {
		name string
		at   *time.Time
	}{
		{"Detected:", inc.Times.Detected}, {"Declared:", inc.Times.Declared}, {"Resolved:", inc.Times.Resolved},
		{"Improve:", inc.Times.Improve}, {"Closed:", inc.Times.Closed}, {"Dismissed:", inc.Times.Dismissed},
	} {
		if t.at != nil {
			row(w, t.name, stamp(now, *t.at, loc))
		}
	}
	if inc.Stage != incident.Dismissed {
		d := duration(inc.Duration(now))
		if inc.Times.Resolved == nil {
			d += " so far"
		}
		row(w, "Impact for:", d)
	}
	if inc.DismissReason != "" {
		row(w, "Dismissed because:", inc.DismissReason)
	}
	row(w, "Declared by:", ppl.label(inc.CreatedBy))
	if br := blastRadius(inc.BlastRadius); br != "" {
		row(w, "Blast radius:", br)
	}
	if len(inc.Labels) > 0 {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(inc.Labels)) {
			kv = append(kv, k+"="+inc.Labels[k])
		}
		row(w, "Labels:", strings.Join(kv, ", "))
	}
	row(w, "Version:", strconv.FormatInt(inc.Version, 10))
	w.Flush()
	if inc.Summary != "" {
		fmt.Fprintf(out, "\nSummary:\n%s\n", indent(inc.Summary))
	}
	if inc.CustomerImpact != "" {
		fmt.Fprintf(out, "\nCustomer impact:\n%s\n", indent(inc.CustomerImpact))
	}

	fmt.Fprintf(out, "\nRoles:\n")
	w = table(out)
	row(w, "  Incident Manager", ppl.label(inc.Roles.IncidentManager))
	row(w, "  First Responder", ppl.label(inc.Roles.FirstResponder))
	experts := make([]string, len(inc.Roles.DomainExperts))
	for i, id := range inc.Roles.DomainExperts {
		experts[i] = ppl.handle(id)
	}
	row(w, "  Domain Experts", orDash(strings.Join(experts, ", ")))
	row(w, "  Communications Manager", ppl.label(inc.Roles.CommunicationsManager))
	w.Flush()
	if len(inc.Involved) > 0 {
		involved := make([]string, len(inc.Involved))
		for i, id := range inc.Involved {
			involved[i] = ppl.handle(id)
		}
		fmt.Fprintf(out, "Involved: %s\n", strings.Join(involved, ", "))
	}

	fmt.Fprintf(out, "\nLinks:\n")
	w = table(out)
	row(w, "  Chat", orDash(inc.ChatChannel))
	row(w, "  Call", orDash(inc.ConferenceURL))
	row(w, "  Paging", orDash(inc.PagingRef))
	w.Flush()

	if len(events) > showEvents {
		fmt.Fprintf(out, "\nTimeline (latest %d of %d; 'firebreak incident timeline %s' shows all):\n", showEvents, len(events), inc.Incident.Ref())
		events = events[len(events)-showEvents:]
	} else {
		fmt.Fprintf(out, "\nTimeline:\n")
	}
	e.writeEvents(out, events, ppl, "  ", false)
}

// writeTimeline writes events as a table, oldest first.
func (e *env) writeTimeline(events []incident.Event, ppl people) {
	e.writeEvents(e.stdout, events, ppl, "", true)
}

// writeEvents writes events as table rows, each starting with prefix.
func (e *env) writeEvents(out io.Writer, events []incident.Event, ppl people, prefix string, header bool) {
	now := e.now()
	w := table(out)
	if header {
		row(w, prefix+"TIME", "WHO", "WHAT")
	}
	for _, ev := range events {
		who := ev.ActorName
		if ev.ActorID != 0 {
			if u, ok := ppl[ev.ActorID]; ok {
				who = u.Handle
			}
		}
		if who == "" {
			who = "Firebreak"
		}
		what := describe(ev, ppl)
		if ev.KeyMoment {
			what = "★ " + what
		}
		row(w, prefix+clock(now, ev.At, e.loc), who, what)
	}
	w.Flush()
}

// describe says what a timeline event recorded, in one line.
func describe(ev incident.Event, ppl people) string {
	switch ev.Kind {
	case incident.EventDeclared:
		s := fmt.Sprintf("declared %q", str(ev.After["title"]))
		if sev, st := str(ev.After["severity"]), str(ev.After["stage"]); sev != "" || st != "" {
			s += fmt.Sprintf(" (%s, %s)", sev, stageLabel(st))
		}
		return s
	case incident.EventStageChanged:
		s := fmt.Sprintf("stage %s → %s", stageLabel(str(ev.Before["stage"])), stageLabel(str(ev.After["stage"])))
		if b, _ := ev.After["reopened"].(bool); b {
			s = "reopened: " + s
		}
		if ev.Note != "" {
			s += ": " + ev.Note
		}
		return s
	case incident.EventFieldChanged:
		keys := slices.Sorted(maps.Keys(ev.After))
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fieldChange(k, ev.Before[k], ev.After[k]))
		}
		return "changed " + strings.Join(parts, "; ")
	case incident.EventRoleAssigned:
		who := roleHolder(ev.After, ppl)
		s := fmt.Sprintf("%s is %s", who, roleArticle(incident.Role(str(ev.After["role"]))))
		if prev := int64Of(ev.Before["user_id"]); prev != 0 {
			s += " (was " + ppl.handle(prev) + ")"
		}
		return s
	case incident.EventRoleRemoved:
		return fmt.Sprintf("%s is no longer %s", roleHolder(ev.Before, ppl), roleArticle(incident.Role(str(ev.Before["role"]))))
	case incident.EventNote:
		return ev.Note
	case incident.EventKeyMoment:
		return fmt.Sprintf("marked note #%d as a key moment", ev.Ref)
	case incident.EventStatusUpdatePublished:
		return fmt.Sprintf("published a public update (%s): %s", str(ev.After["status"]), ev.Note)
	case incident.EventStakeholderUpdate:
		return "sent a stakeholder update: " + ev.Note
	case postmortem.EventPublished:
		if c := str(ev.After["commit"]); c != "" {
			return "published the postmortem (merge commit " + c + ")"
		}
		return "published the postmortem"
	case postmortem.EventWaived:
		return "waived the postmortem: " + ev.Note
	}
	s := string(ev.Kind)
	if ev.Note != "" {
		s += ": " + ev.Note
	}
	return s
}

// roleHolder names the user of a role event's before/after map.
func roleHolder(m map[string]any, ppl people) string {
	id := int64Of(m["user_id"])
	if _, ok := ppl[id]; !ok {
		if name := str(m["user_name"]); name != "" {
			return name
		}
	}
	return ppl.handle(id)
}

// longFields are shown as "changed" rather than with their text.
var longFields = map[string]bool{"summary": true, "customer_impact": true}

func fieldChange(field string, before, after any) string {
	name := strings.ReplaceAll(field, "_", " ")
	if longFields[field] {
		return name + " updated"
	}
	b, a := value(before), value(after)
	if b == "" {
		return fmt.Sprintf("%s: %s", name, a)
	}
	return fmt.Sprintf("%s: %s → %s", name, b, a)
}

// value formats a decoded JSON value briefly.
func value(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, y := range x {
			parts[i] = value(y)
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if _, ok := x["counts"]; ok {
			var br incident.BlastRadius
			if b, err := json.Marshal(x); err == nil && json.Unmarshal(b, &br) == nil {
				return orDash(blastRadius(br))
			}
		}
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			kv = append(kv, k+"="+value(x[k]))
		}
		if len(kv) == 0 {
			return "none"
		}
		return strings.Join(kv, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// blastRadius is "12 support tickets, 3 refunds (EU customers only)".
func blastRadius(br incident.BlastRadius) string {
	var parts []string
	for _, c := range br.Counts {
		parts = append(parts, fmt.Sprintf("%d %s", c.Count, strings.ReplaceAll(c.Kind, "_", " ")))
	}
	s := strings.Join(parts, ", ")
	switch {
	case br.Text == "":
	case s == "":
		s = br.Text
	default:
		s += " (" + br.Text + ")"
	}
	return s
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func int64Of(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case json.Number:
		n, _ := x.Int64()
		return n
	}
	return 0
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}
