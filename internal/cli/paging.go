package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// PageCmd groups the commands on pages: the pager.
type PageCmd struct {
	List     PageListCmd     `cmd:"" aliases:"ls" help:"List pages, newest first (open ones by default)."`
	Show     PageShowCmd     `cmd:"" help:"Show a page and its timeline: steps fired, people notified, deliveries."`
	Ack      PageAckCmd      `cmd:"" aliases:"acknowledge" help:"Acknowledge a page: escalation stops, it is yours."`
	Resolve  PageResolveCmd  `cmd:"" help:"Resolve a page."`
	Escalate PageEscalateCmd `cmd:"" help:"Escalate a page now to its next step."`
	Reassign PageReassignCmd `cmd:"" help:"Hand a page to a person or an escalation policy."`
	User     PageUserCmd     `cmd:"" help:"Page a person now."`
	Team     PageTeamCmd     `cmd:"" help:"Page whoever is on call for a team now."`
}

// PageListCmd lists pages.
type PageListCmd struct {
	All     bool   `help:"Include resolved and suppressed pages."`
	Mine    bool   `help:"Only pages that notified me or that I acknowledged."`
	Service string `help:"Only this service's pages (its page history)."`
	Limit   int    `help:"At most this many (1–500)." default:"50"`
}

// Run lists pages.
func (c *PageListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	pages, err := cl.WithRaw(&raw).Pages(e.ctx, client.PageFilter{Open: !c.All, Mine: c.Mine, Service: c.Service, Limit: c.Limit})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(pages) == 0 {
		e.printf("No pages.\n")
		return nil
	}
	ppl := e.people(cl)
	w := table(e.stdout)
	row(w, "PAGE", "STATUS", "SERVICE", "STEP", "NEXT", "ACKED BY", "SINCE", "SUMMARY")
	for _, p := range pages {
		next := "-"
		if p.NextAt != nil {
			next = "in " + strings.TrimSuffix(ago(*p.NextAt, e.now()), " ago")
		}
		step := "-"
		if p.Last != nil {
			step = fmt.Sprintf("%d/%d", p.Last.Step+1, len(p.Policy.Steps))
		}
		row(w, strconv.FormatInt(p.ID, 10), string(p.Status), orDash(p.Service), step, next, ppl.handle(p.AckedBy), ago(e.now(), p.CreatedAt), truncate(p.Summary, 60))
	}
	return w.Flush()
}

// PageShowCmd shows a page.
type PageShowCmd struct {
	Page int64 `arg:"" help:"The page id."`
}

// Run shows the page.
func (c *PageShowCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	p, err := cl.WithRaw(&raw).Page(e.ctx, c.Page)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	ppl := e.people(cl)
	e.printf("Page %d  %s  %s\n", p.ID, strings.ToUpper(string(p.Status)), p.Summary)
	e.printf("Service:  %s\nPolicy:   %s (%d steps, repeated %d times)\nUrgency:  %s\n", orDash(p.Service), p.Policy.Name, len(p.Policy.Steps), p.Policy.Repeat, p.Urgency)
	if p.IncidentNumber != 0 {
		e.printf("Incident: INC-%d\n", p.IncidentNumber)
	}
	if p.AckedBy != 0 {
		e.printf("Acknowledged by %s\n", ppl.label(p.AckedBy))
	}
	if p.NextAt != nil {
		e.printf("Next:     %s at %s\n", p.Next, p.NextAt.Local().Format("15:04:05"))
	}
	if p.Details != "" {
		e.printf("\n%s\n", strings.TrimSpace(p.Details))
	}
	e.printf("\nTimeline:\n")
	w := table(e.stdout)
	for _, ev := range p.Timeline {
		who := ""
		if ev.UserID != 0 {
			who = ppl.handle(ev.UserID)
		} else if ev.ActorID != 0 {
			who = ppl.handle(ev.ActorID)
		}
		row(w, "  "+ev.At.Local().Format("15:04:05"), ev.Kind, who, ev.Text)
	}
	return w.Flush()
}

// PageAckCmd acknowledges pages.
type PageAckCmd struct {
	Pages []int64 `arg:"" help:"The page ids."`
}

// Run acknowledges.
func (c *PageAckCmd) Run(e *env) error { return e.pageAction(c.Pages, "acknowledge") }

// PageResolveCmd resolves pages.
type PageResolveCmd struct {
	Pages []int64 `arg:"" help:"The page ids."`
}

// Run resolves.
func (c *PageResolveCmd) Run(e *env) error { return e.pageAction(c.Pages, "resolve") }

// PageEscalateCmd escalates pages.
type PageEscalateCmd struct {
	Pages []int64 `arg:"" help:"The page ids."`
}

// Run escalates.
func (c *PageEscalateCmd) Run(e *env) error { return e.pageAction(c.Pages, "escalate") }

// pageAction acts on the pages named, in order; the first refusal stops it.
func (e *env) pageAction(pages []int64, action string) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	for _, id := range pages {
		p, err := cl.PageAction(e.ctx, id, action)
		if err != nil {
			return fmt.Errorf("page %d: %w", id, err)
		}
		if e.json {
			if err := e.printValue(p); err != nil {
				return err
			}
			continue
		}
		switch action {
		case "acknowledge":
			e.printf("Acknowledged page %d: %s. Escalation stopped.\n", p.ID, p.Summary)
		case "resolve":
			e.printf("Resolved page %d.\n", p.ID)
		default:
			e.printf("Escalated page %d to %s.\n", p.ID, p.Next)
		}
	}
	return nil
}

// PageReassignCmd reassigns a page.
type PageReassignCmd struct {
	Page   int64  `arg:"" help:"The page id."`
	User   string `help:"Hand it to this person (handle or id)." xor:"to" required:""`
	Policy int64  `help:"Hand it to this escalation policy (id)." xor:"to" required:""`
}

// Run reassigns.
func (c *PageReassignCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var user int64
	if c.User != "" {
		if user, err = e.userID(cl, c.User); err != nil {
			return err
		}
	}
	p, err := cl.Reassign(e.ctx, c.Page, user, c.Policy)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(p)
	}
	e.printf("Reassigned page %d to %q; its first step fired.\n", p.ID, p.Policy.Name)
	return nil
}

// PageUserCmd pages a person.
type PageUserCmd struct {
	User     string `arg:"" help:"Who (handle or id)."`
	Summary  string `arg:"" help:"What they will read."`
	Incident string `help:"The incident it is about, e.g. INC-42."`
}

// Run pages the person.
func (c *PageUserCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	user, err := e.userID(cl, c.User)
	if err != nil {
		return err
	}
	return e.newPage(cl, user, 0, c.Summary, c.Incident)
}

// PageTeamCmd pages a team's on-call people.
type PageTeamCmd struct {
	Team     string `arg:"" help:"The team (name or id)."`
	Summary  string `arg:"" help:"What they will read."`
	Incident string `help:"The incident it is about, e.g. INC-42."`
}

// Run pages the team.
func (c *PageTeamCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	team, err := e.teamID(cl, c.Team)
	if err != nil {
		return err
	}
	return e.newPage(cl, 0, team, c.Summary, c.Incident)
}

func (e *env) newPage(cl *client.Client, user, team int64, summary, incident string) error {
	var number int64
	if incident != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(incident), "INC-"), 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("--incident: %q is not an incident reference like INC-42", incident)
		}
		number = n
	}
	p, err := cl.NewPage(e.ctx, user, team, summary, number)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(p)
	}
	e.printf("Paged (page %d). Follow it with 'firebreak page show %d'.\n", p.ID, p.ID)
	return nil
}

// PolicyCmd groups the escalation-policy commands.
type PolicyCmd struct {
	List   PolicyListCmd   `cmd:"" aliases:"ls" help:"List escalation policies."`
	Show   PolicyShowCmd   `cmd:"" help:"Show a policy and who it would page now, step by step."`
	Apply  PolicyApplyCmd  `cmd:"" help:"Create or replace a policy from a JSON file (see 'policy show --json' for the shape); shows its effect first."`
	Delete PolicyDeleteCmd `cmd:"" help:"Delete a policy no service uses."`
	Use    PolicyUseCmd    `cmd:"" help:"Point a service at a policy (and an Incident-Manager schedule)."`
	Maint  MaintenanceCmd  `cmd:"" name:"maintenance" help:"Maintenance windows: a service's pages are suppressed while one lasts."`
}

// PolicyListCmd lists policies.
type PolicyListCmd struct{}

// Run lists.
func (c *PolicyListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	ps, err := cl.WithRaw(&raw).Policies(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	w := table(e.stdout)
	row(w, "POLICY", "NAME", "STEPS", "REPEAT", "DESCRIPTION")
	for _, p := range ps {
		row(w, strconv.FormatInt(p.ID, 10), p.Name, strconv.Itoa(len(p.Steps)), strconv.Itoa(p.Repeat), truncate(p.Description, 60))
	}
	return w.Flush()
}

// PolicyShowCmd shows a policy.
type PolicyShowCmd struct {
	Policy int64 `arg:"" help:"The policy id."`
}

// Run shows the policy and its preview.
func (c *PolicyShowCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	p, err := cl.WithRaw(&raw).Policy(e.ctx, c.Policy)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Policy %d: %s (version %d)\n", p.ID, p.Name, p.Version)
	if p.Description != "" {
		e.printf("%s\n", p.Description)
	}
	return e.writePreview(cl, p)
}

func (e *env) writePreview(cl *client.Client, p paging.Policy) error {
	start := e.now()
	steps, err := cl.PreviewPolicy(e.ctx, p, start)
	if err != nil {
		return err
	}
	ppl := e.people(cl)
	e.printf("\nA page raised now that no one acknowledges:\n")
	w := table(e.stdout)
	row(w, "  AT", "ROUND", "STEP", "TARGETS", "WOULD NOTIFY")
	for _, s := range steps {
		var targets, users []string
		for _, t := range s.Targets {
			targets = append(targets, t.String())
		}
		for _, u := range s.Users {
			users = append(users, ppl.handle(u))
		}
		who := strings.Join(users, ", ")
		if who == "" {
			who = "NO ONE"
		}
		row(w, "  +"+s.At.Sub(start).Round(time.Minute).String(), strconv.Itoa(s.Round+1), strconv.Itoa(s.Step+1), strings.Join(targets, ", "), who)
	}
	return w.Flush()
}

// PolicyApplyCmd creates or replaces a policy from a file.
type PolicyApplyCmd struct {
	File   string `arg:"" help:"A JSON policy: {\"name\", \"repeat\", \"steps\": [{\"targets\": [{\"kind\": \"user|schedule|team\", \"id\": N}], \"delay_minutes\": N}]}; with \"id\" it replaces that policy. - reads stdin." `
	DryRun bool   `help:"Only show who would be paged when; save nothing."`
}

// Run applies the policy.
func (c *PolicyApplyCmd) Run(e *env) error {
	var data []byte
	var err error
	if c.File == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(c.File)
	}
	if err != nil {
		return err
	}
	var p paging.Policy
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	if c.DryRun {
		return e.writePreview(cl, p)
	}
	saved, err := cl.SavePolicy(e.ctx, p)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(saved)
	}
	e.printf("Saved policy %d: %s (version %d).\n", saved.ID, saved.Name, saved.Version)
	return e.writePreview(cl, saved)
}

// PolicyDeleteCmd deletes a policy.
type PolicyDeleteCmd struct {
	Policy int64 `arg:"" help:"The policy id."`
}

// Run deletes.
func (c *PolicyDeleteCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	if err := cl.DeletePolicy(e.ctx, c.Policy); err != nil {
		return err
	}
	e.printf("Deleted policy %d.\n", c.Policy)
	return nil
}

// PolicyUseCmd sets a service's paging.
type PolicyUseCmd struct {
	Service    string `arg:"" help:"The service (name or id)."`
	Policy     int64  `arg:"" help:"The policy id (0: none — the owner team's triage notice is used instead)."`
	IMSchedule int64  `name:"im-schedule" help:"The schedule of the service's Incident Managers, paged when an incident is declared (0: none)."`
}

// Run sets it.
func (c *PolicyUseCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	svc, err := e.serviceID(cl, c.Service)
	if err != nil {
		return err
	}
	sp, err := cl.SetServicePaging(e.ctx, paging.ServicePaging{ServiceID: svc, PolicyID: c.Policy, IMScheduleID: c.IMSchedule})
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(sp)
	}
	e.printf("Service %s pages with policy %d (Incident-Manager schedule: %d).\n", c.Service, sp.PolicyID, sp.IMScheduleID)
	return nil
}

// MaintenanceCmd groups maintenance-window commands.
type MaintenanceCmd struct {
	List MaintenanceListCmd `cmd:"" aliases:"ls" help:"List current and coming maintenance windows."`
	Add  MaintenanceAddCmd  `cmd:"" help:"Suppress a service's pages for a while."`
	End  MaintenanceEndCmd  `cmd:"" help:"End a maintenance window now."`
}

// MaintenanceListCmd lists windows.
type MaintenanceListCmd struct {
	Service string `help:"Only this service's (name)."`
	All     bool   `help:"Past windows too."`
}

// Run lists.
func (c *MaintenanceListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	ws, err := cl.WithRaw(&raw).MaintenanceWindows(e.ctx, c.Service, c.All)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	w := table(e.stdout)
	row(w, "WINDOW", "SERVICE", "FROM", "UNTIL", "REASON")
	for _, x := range ws {
		row(w, strconv.FormatInt(x.ID, 10), strconv.FormatInt(x.ServiceID, 10), x.Starts.Local().Format("2006-01-02 15:04"), x.Ends.Local().Format("2006-01-02 15:04"), x.Reason)
	}
	return w.Flush()
}

// MaintenanceAddCmd adds a window.
type MaintenanceAddCmd struct {
	Service string        `arg:"" help:"The service (name or id)."`
	For     time.Duration `required:"" help:"How long, e.g. 2h."`
	Start   string        `help:"When it starts (RFC 3339; default now)."`
	Reason  string        `required:"" help:"Why; shown on the pages it suppresses."`
}

// Run adds it.
func (c *MaintenanceAddCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	svc, err := e.serviceID(cl, c.Service)
	if err != nil {
		return err
	}
	start := e.now()
	if c.Start != "" {
		if start, err = time.Parse(time.RFC3339, c.Start); err != nil {
			return fmt.Errorf("--start: %q is not a time like 2026-11-25T22:00:00Z", c.Start)
		}
	}
	w, err := cl.AddMaintenance(e.ctx, paging.Window{ServiceID: svc, Starts: start, Ends: start.Add(c.For), Reason: c.Reason})
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(w)
	}
	e.printf("Maintenance window %d: %s's pages are suppressed from %s until %s.\n", w.ID, c.Service, w.Starts.Local().Format("15:04"), w.Ends.Local().Format("2006-01-02 15:04"))
	return nil
}

// MaintenanceEndCmd ends a window.
type MaintenanceEndCmd struct {
	Window int64 `arg:"" help:"The window id."`
}

// Run ends it.
func (c *MaintenanceEndCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	if _, err := cl.EndMaintenance(e.ctx, c.Window); err != nil {
		return err
	}
	e.printf("Ended maintenance window %d.\n", c.Window)
	return nil
}

// printValue prints v as the API's JSON would (for --json after a write
// whose raw answer was not kept).
func (e *env) printValue(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return e.printJSON(b)
}
