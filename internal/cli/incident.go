package cli

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// IncidentCmd groups the incident commands.
type IncidentCmd struct {
	Declare  IncidentDeclareCmd  `cmd:"" help:"Declare an incident."`
	List     IncidentListCmd     `cmd:"" aliases:"ls" help:"List incidents, newest first."`
	Show     IncidentShowCmd     `cmd:"" help:"Show an incident: its fields, roles, links and latest timeline events."`
	Stage    IncidentStageCmd    `cmd:"" help:"Move an incident to another stage (detect, fix, resolved, improve, closed, dismissed)."`
	Role     IncidentRoleCmd     `cmd:"" help:"Assign (or with --remove, take away) an incident role."`
	Note     IncidentNoteCmd     `cmd:"" help:"Add a note to an incident's timeline."`
	Timeline IncidentTimelineCmd `cmd:"" help:"Show an incident's whole timeline."`
	Update   IncidentUpdateCmd   `cmd:"" help:"Change an incident's fields."`
}

// parseRef reads an incident id: INC-4, inc-4 or 4.
func parseRef(s string) (int64, error) {
	n, err := incident.ParseRef(s)
	if err != nil {
		return 0, usagef("%q is not an incident id like INC-4", s)
	}
	return n, nil
}

// parseStage reads a stage name, in any case.
func parseStage(s string) (incident.Stage, error) {
	st := incident.Stage(strings.ToLower(strings.TrimSpace(s)))
	if !st.Valid() {
		return "", usagef("unknown stage %q; stages are detect, fix, resolved, improve, closed, dismissed", s)
	}
	return st, nil
}

// roleNames maps what people type to roles: the API names, with dashes or
// spaces, their initials, and short words.
var roleNames = map[string]incident.Role{
	"incident_manager": incident.IncidentManager, "im": incident.IncidentManager, "manager": incident.IncidentManager,
	"first_responder": incident.FirstResponder, "fr": incident.FirstResponder, "responder": incident.FirstResponder,
	"domain_expert": incident.DomainExpert, "de": incident.DomainExpert, "dm": incident.DomainExpert, "expert": incident.DomainExpert,
	"communications_manager": incident.CommunicationsManager, "cm": incident.CommunicationsManager, "comms": incident.CommunicationsManager,
}

func parseRole(s string) (incident.Role, error) {
	key := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	if r, ok := roleNames[key]; ok {
		return r, nil
	}
	return "", usagef("unknown role %q; roles are incident_manager (im), first_responder (fr), domain_expert (de), communications_manager (cm)", s)
}

// parseUser reads a user given as a handle (with or without @) or a numeric id.
func parseUser(s string) (client.UserRef, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	if s == "" {
		return client.UserRef{}, usagef("name a user by handle (e.g. @bob) or id")
	}
	if id, err := strconv.ParseInt(s, 10, 64); err == nil {
		if id <= 0 {
			return client.UserRef{}, usagef("%q is not a user id", s)
		}
		return client.UserRef{ID: id}, nil
	}
	return client.UserRef{Handle: strings.ToLower(s)}, nil
}

// userArg is how a user given on the command line is named in messages.
func userArg(u client.UserRef) string {
	if u.ID != 0 {
		return "user " + strconv.FormatInt(u.ID, 10)
	}
	return "@" + u.Handle
}

// stageLabel is a stage name for people: "fix" → "Fix".
func stageLabel(s string) string { return incident.Stage(s).Label() }

// IncidentDeclareCmd declares an incident.
type IncidentDeclareCmd struct {
	Title         string            `arg:"" help:"What is wrong, in a few words."`
	Severity      string            `short:"s" help:"Severity, e.g. SEV2 (default: the middle of the scale)." placeholder:"SEV"`
	Service       []string          `help:"An affected service from the catalog; repeat for several." placeholder:"NAME"`
	Summary       string            `help:"What is known so far."`
	Impact        string            `help:"How customers are affected."`
	Stage         string            `help:"detect (still being evaluated) or fix (it is an incident; the default)." placeholder:"STAGE"`
	TakeManager   bool              `help:"Become the Incident Manager yourself."`
	ChatChannel   string            `help:"The chat channel, e.g. #inc-42." placeholder:"CHANNEL"`
	ConferenceURL string            `name:"conference-url" help:"The call's link." placeholder:"URL"`
	PagingRef     string            `help:"The paging tool's incident, e.g. a PagerDuty id." placeholder:"REF"`
	Label         map[string]string `help:"A label KEY=VALUE; repeat for several." placeholder:"KEY=VALUE"`
}

// Run declares the incident.
func (c *IncidentDeclareCmd) Run(e *env) error {
	in := incident.DeclareInput{
		Title: c.Title, Summary: c.Summary, Severity: c.Severity, Services: c.Service, Labels: c.Label,
		CustomerImpact: c.Impact, ChatChannel: c.ChatChannel, ConferenceURL: c.ConferenceURL,
		PagingRef: c.PagingRef, TakeManager: c.TakeManager,
	}
	if strings.TrimSpace(c.Title) == "" {
		return usagef("an incident needs a title: firebreak incident declare \"Checkout fails for EU customers\"")
	}
	if c.Stage != "" {
		st, err := parseStage(c.Stage)
		if err != nil {
			return err
		}
		in.Stage = st
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	inc, err := cl.WithRaw(&raw).DeclareIncident(e.ctx, in)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Declared %s: %s\n", inc.Incident.Ref(), inc.Title)
	e.printf("  %s, %s", inc.Severity, inc.Stage.Label())
	if len(inc.Services) > 0 {
		e.printf(", affecting %s", strings.Join(inc.Services, ", "))
	}
	e.printf("\n")
	if c.TakeManager && inc.Roles.IncidentManager != 0 {
		e.printf("  You are its Incident Manager.\n")
	}
	return nil
}

// IncidentListCmd lists incidents.
type IncidentListCmd struct {
	Stage    []string `help:"Only incidents in this stage; repeat for several." placeholder:"STAGE"`
	Severity []string `help:"Only incidents of this severity; repeat for several." placeholder:"SEV"`
	Service  string   `help:"Only incidents affecting this service." placeholder:"NAME"`
	Query    string   `short:"q" help:"Only incidents whose title or summary matches." placeholder:"TEXT"`
	Open     bool     `help:"Only open incidents (detect and fix)."`
	Limit    int      `default:"20" help:"How many to show (at most 200)."`
	Cursor   string   `help:"Continue a previous list where it stopped." placeholder:"CURSOR"`
}

// Run lists the incidents.
func (c *IncidentListCmd) Run(e *env) error {
	f := client.IncidentFilter{Severities: c.Severity, Service: c.Service, Query: c.Query, Open: c.Open, Limit: c.Limit, Cursor: c.Cursor}
	for _, s := range c.Stage {
		st, err := parseStage(s)
		if err != nil {
			return err
		}
		f.Stages = append(f.Stages, string(st))
	}
	if c.Limit < 1 || c.Limit > 200 {
		return usagef("--limit must be between 1 and 200")
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	page, err := cl.WithRaw(&raw).ListIncidents(e.ctx, f)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(page.Incidents) == 0 {
		e.printf("No incidents match.\n")
		return nil
	}
	e.writeIncidentTable(page.Incidents)
	if page.Next != "" {
		fmt.Fprintf(e.stderr, "More incidents: add --cursor %s\n", page.Next)
	}
	return nil
}

// IncidentShowCmd shows one incident.
type IncidentShowCmd struct {
	Ref string `arg:"" help:"The incident, e.g. INC-4."`
}

// Run shows the incident.
func (c *IncidentShowCmd) Run(e *env) error {
	n, err := parseRef(c.Ref)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	inc, err := cl.WithRaw(&raw).Incident(e.ctx, n)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	events, err := cl.Timeline(e.ctx, n)
	if err != nil {
		return err
	}
	ppl := incidentPeople(inc)
	if mentionsOthers(events, ppl) {
		ppl = e.people(cl)
	}
	e.writeIncident(inc, events, ppl)
	return nil
}

// mentionsOthers reports whether the events name users that ppl does not
// know (people removed from a role are no longer on the incident).
func mentionsOthers(events []incident.Event, ppl people) bool {
	for _, ev := range events {
		for _, m := range []map[string]any{ev.Before, ev.After} {
			if id := int64Of(m["user_id"]); id != 0 {
				if _, ok := ppl[id]; !ok {
					return true
				}
			}
		}
	}
	return false
}

// IncidentStageCmd changes an incident's stage.
type IncidentStageCmd struct {
	Ref    string `arg:"" help:"The incident, e.g. INC-4."`
	Stage  string `arg:"" help:"The stage to move to: detect, fix, resolved, improve, closed or dismissed."`
	Reason string `short:"r" help:"Why (required to dismiss)."`
}

// Run moves the incident, refusing if someone changed it meanwhile.
func (c *IncidentStageCmd) Run(e *env) error {
	n, err := parseRef(c.Ref)
	if err != nil {
		return err
	}
	to, err := parseStage(c.Stage)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	cur, err := cl.Incident(e.ctx, n)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	inc, err := cl.WithRaw(&raw).ChangeStage(e.ctx, n, cur.Version, to, c.Reason)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if cur.Stage == inc.Stage {
		e.printf("%s is in %s already.\n", inc.Incident.Ref(), inc.Stage.Label())
		return nil
	}
	e.printf("%s moved from %s to %s.\n", inc.Incident.Ref(), cur.Stage.Label(), inc.Stage.Label())
	return nil
}

// IncidentRoleCmd assigns or removes an incident role.
type IncidentRoleCmd struct {
	Ref    string `arg:"" help:"The incident, e.g. INC-4."`
	Role   string `arg:"" help:"incident_manager (im), first_responder (fr), domain_expert (de) or communications_manager (cm)."`
	User   string `arg:"" help:"The person: a handle such as @bob, or a user id."`
	Remove bool   `help:"Take the role away instead of giving it."`
}

// Run assigns or removes the role, refusing if someone changed the incident meanwhile.
func (c *IncidentRoleCmd) Run(e *env) error {
	n, err := parseRef(c.Ref)
	if err != nil {
		return err
	}
	role, err := parseRole(c.Role)
	if err != nil {
		return err
	}
	user, err := parseUser(c.User)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	cur, err := cl.Incident(e.ctx, n)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if c.Remove {
		_, err = cl.WithRaw(&raw).UnassignRole(e.ctx, n, cur.Version, role, user)
	} else {
		_, err = cl.WithRaw(&raw).AssignRole(e.ctx, n, cur.Version, role, user)
	}
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if c.Remove {
		e.printf("%s is no longer %s of %s.\n", userArg(user), roleArticle(role), cur.Incident.Ref())
	} else {
		e.printf("%s is now %s of %s.\n", userArg(user), roleArticle(role), cur.Incident.Ref())
	}
	return nil
}

// roleArticle is "the Incident Manager", or "a Domain Expert" (there can be several).
func roleArticle(r incident.Role) string {
	if r == incident.DomainExpert {
		return "a " + r.Label()
	}
	return "the " + r.Label()
}

// IncidentNoteCmd adds a note.
type IncidentNoteCmd struct {
	Ref       string `arg:"" help:"The incident, e.g. INC-4."`
	Text      string `arg:"" help:"The note; - reads it from standard input."`
	KeyMoment bool   `short:"k" help:"Mark the note as a key moment for the postmortem."`
}

// Run adds the note. Notes never conflict, so no version is sent.
func (c *IncidentNoteCmd) Run(e *env) error {
	n, err := parseRef(c.Ref)
	if err != nil {
		return err
	}
	text := c.Text
	if text == "-" {
		if text, err = e.readAll(); err != nil {
			return fmt.Errorf("read the note: %w", err)
		}
	}
	if strings.TrimSpace(text) == "" {
		return usagef("the note is empty")
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	inc, err := cl.WithRaw(&raw).AddNote(e.ctx, n, text, c.KeyMoment)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if c.KeyMoment {
		e.printf("Added a key moment to %s.\n", inc.Incident.Ref())
	} else {
		e.printf("Added a note to %s.\n", inc.Incident.Ref())
	}
	return nil
}

// IncidentTimelineCmd shows a whole timeline.
type IncidentTimelineCmd struct {
	Ref        string `arg:"" help:"The incident, e.g. INC-4."`
	KeyMoments bool   `help:"Only the notes marked as key moments."`
}

// Run prints the timeline, oldest first.
func (c *IncidentTimelineCmd) Run(e *env) error {
	n, err := parseRef(c.Ref)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	events, err := cl.WithRaw(&raw).Timeline(e.ctx, n)
	if err != nil {
		return err
	}
	if e.json && !c.KeyMoments {
		return e.printJSON(raw)
	}
	if c.KeyMoments {
		events = incident.KeyMoments(events)
	}
	if e.json {
		b, err := json.Marshal(events)
		if err != nil {
			return err
		}
		return e.printJSON(b)
	}
	if len(events) == 0 {
		e.printf("%s has no such events.\n", incident.Ref(n))
		return nil
	}
	e.writeTimeline(events, e.people(cl))
	return nil
}

// IncidentUpdateCmd changes fields of an incident.
type IncidentUpdateCmd struct {
	Ref             string            `arg:"" help:"The incident, e.g. INC-4."`
	Title           *string           `help:"A new title."`
	Summary         *string           `help:"A new summary."`
	Severity        *string           `short:"s" help:"A new severity, e.g. SEV1." placeholder:"SEV"`
	Impact          *string           `help:"How customers are affected."`
	BlastRadiusText *string           `help:"How far the impact reached, in words." placeholder:"TEXT"`
	Count           []string          `help:"A blast-radius count KIND=N, e.g. support_tickets=12; repeat for several; others are kept." placeholder:"KIND=N"`
	Service         []string          `help:"The affected services (replaces the list); repeat for several." placeholder:"NAME"`
	Label           map[string]string `help:"Set a label KEY=VALUE (KEY= removes it); others are kept." placeholder:"KEY=VALUE"`
	ChatChannel     *string           `help:"The chat channel." placeholder:"CHANNEL"`
	ConferenceURL   *string           `name:"conference-url" help:"The call's link." placeholder:"URL"`
	PagingRef       *string           `help:"The paging tool's incident." placeholder:"REF"`
}

// Run reads the incident, applies the flags to what it read, and writes the
// change naming the version read, so a concurrent change is refused.
func (c *IncidentUpdateCmd) Run(e *env) error {
	n, err := parseRef(c.Ref)
	if err != nil {
		return err
	}
	counts, err := parseCounts(c.Count)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	cur, err := cl.Incident(e.ctx, n)
	if err != nil {
		return err
	}
	p, changed := c.patch(&cur.Incident, counts)
	if len(changed) == 0 {
		return usagef("nothing to change: give at least one of --title, --summary, --severity, --impact, --blast-radius-text, --count, --service, --label, --chat-channel, --conference-url, --paging-ref")
	}
	var raw json.RawMessage
	inc, err := cl.WithRaw(&raw).UpdateIncident(e.ctx, n, cur.Version, p)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if inc.Version == cur.Version {
		e.printf("%s already had those values; nothing changed.\n", inc.Incident.Ref())
		return nil
	}
	e.printf("Updated %s (%s); it is now at version %d.\n", inc.Incident.Ref(), strings.Join(changed, ", "), inc.Version)
	return nil
}

// patch builds the change from the flags; counts and labels merge into the
// incident's current ones.
func (c *IncidentUpdateCmd) patch(cur *incident.Incident, counts []incident.Count) (incident.Patch, []string) {
	var p incident.Patch
	var changed []string
	set := func(dst **string, v *string, name string) {
		if v != nil {
			*dst = v
			changed = append(changed, name)
		}
	}
	set(&p.Title, c.Title, "title")
	set(&p.Summary, c.Summary, "summary")
	set(&p.Severity, c.Severity, "severity")
	set(&p.CustomerImpact, c.Impact, "impact")
	set(&p.ChatChannel, c.ChatChannel, "chat channel")
	set(&p.ConferenceURL, c.ConferenceURL, "conference link")
	set(&p.PagingRef, c.PagingRef, "paging reference")
	if c.BlastRadiusText != nil || len(counts) > 0 {
		br := incident.BlastRadius{Text: cur.BlastRadius.Text, Counts: slices.Clone(cur.BlastRadius.Counts)}
		if c.BlastRadiusText != nil {
			br.Text = *c.BlastRadiusText
		}
		for _, nc := range counts {
			i := slices.IndexFunc(br.Counts, func(x incident.Count) bool { return x.Kind == nc.Kind })
			if i >= 0 {
				br.Counts[i] = nc
			} else {
				br.Counts = append(br.Counts, nc)
			}
		}
		p.BlastRadius = &br
		changed = append(changed, "blast radius")
	}
	if len(c.Service) > 0 {
		svcs := slices.Clone(c.Service)
		p.Services = &svcs
		changed = append(changed, "services")
	}
	if len(c.Label) > 0 {
		labels := maps.Clone(cur.Labels)
		if labels == nil {
			labels = map[string]string{}
		}
		for k, v := range c.Label {
			if v == "" {
				delete(labels, k)
			} else {
				labels[k] = v
			}
		}
		p.Labels = &labels
		changed = append(changed, "labels")
	}
	return p, changed
}

// parseCounts reads KIND=N blast-radius counts.
func parseCounts(args []string) ([]incident.Count, error) {
	var out []incident.Count
	for _, a := range args {
		kind, num, ok := strings.Cut(a, "=")
		kind = strings.TrimSpace(kind)
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if !ok || kind == "" || err != nil || n < 0 {
			return nil, usagef("--count %q: write KIND=N with a whole number, e.g. support_tickets=12", a)
		}
		out = append(out, incident.Count{Kind: kind, Count: n})
	}
	return out, nil
}
