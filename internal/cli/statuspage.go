package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
)

// StatusCmd groups the commands of status pages and incident communications.
type StatusCmd struct {
	Pages       StatusPagesCmd       `cmd:"" help:"List the status pages."`
	Components  StatusComponentsCmd  `cmd:"" help:"List a page's components and their status."`
	Set         StatusSetCmd         `cmd:"" help:"Set a component's status (responders)."`
	Incidents   StatusIncidentsCmd   `cmd:"" help:"List a page's public incidents and maintenance."`
	Draft       StatusDraftCmd       `cmd:"" help:"Show the proposed next public update of an incident, and when it is due."`
	Publish     StatusPublishCmd     `cmd:"" help:"Publish a public update of an incident (its Communications Manager, Incident Manager, or an admin)."`
	Stakeholder StatusStakeholderCmd `cmd:"" help:"Send an internal stakeholder update of an incident."`
	Maintenance StatusMaintenanceCmd `cmd:"" help:"Schedule a maintenance window (it starts and completes by itself)."`
}

// StatuspageCmd holds the status page's hosting commands.
type StatuspageCmd struct {
	Export StatuspageExportCmd `cmd:"" help:"Write a status page's whole public site (HTML, JSON, feeds) to a directory, once or on every change."`
}

// pageArg resolves a status page given by id or slug ("" is the default page).
func (e *env) pageArg(cl *client.Client, arg string) (client.StatusPage, error) {
	pages, err := cl.StatusPages(e.ctx)
	if err != nil {
		return client.StatusPage{}, err
	}
	if arg == "" {
		arg = "default"
	}
	for _, p := range pages {
		if strconv.FormatInt(p.ID, 10) == arg || strings.EqualFold(p.Slug, arg) {
			return p, nil
		}
	}
	return client.StatusPage{}, fmt.Errorf("there is no status page %q; 'firebreak status pages' lists them", arg)
}

// componentArg resolves a component of a page by id or name.
func (e *env) componentArg(comps []client.StatusComponent, arg string) (client.StatusComponent, error) {
	for _, c := range comps {
		if strconv.FormatInt(c.ID, 10) == arg || strings.EqualFold(c.Name, strings.TrimSpace(arg)) {
			return c, nil
		}
	}
	return client.StatusComponent{}, fmt.Errorf("there is no component %q on this page; 'firebreak status components' lists them", arg)
}

// StatusPagesCmd lists the pages.
type StatusPagesCmd struct{}

// Run lists the pages.
func (c *StatusPagesCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	pages, err := cl.WithRaw(&raw).StatusPages(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	w := table(e.stdout)
	row(w, "ID", "SLUG", "NAME", "TIME ZONE", "HOST")
	for _, p := range pages {
		row(w, strconv.FormatInt(p.ID, 10), p.Slug, p.Name, p.TimeZone, orDash(p.Host))
	}
	return w.Flush()
}

// StatusComponentsCmd lists components.
type StatusComponentsCmd struct {
	Page string `help:"The status page (id or slug); default the default page."`
}

// Run lists the components.
func (c *StatusComponentsCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	p, err := e.pageArg(cl, c.Page)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	comps, err := cl.WithRaw(&raw).StatusComponents(e.ctx, p.ID)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(comps) == 0 {
		e.printf("%s has no components yet; admins add them under Settings → Status pages.\n", p.Name)
		return nil
	}
	w := table(e.stdout)
	row(w, "ID", "COMPONENT", "STATUS", "SERVICES")
	for _, cp := range comps {
		row(w, strconv.FormatInt(cp.ID, 10), cp.Name, cp.Status, orDash(strings.Join(cp.Services, ", ")))
	}
	return w.Flush()
}

// StatusSetCmd sets a component's status.
type StatusSetCmd struct {
	Component string `arg:"" help:"The component (id or name)."`
	Status    string `arg:"" help:"operational, degraded_performance, partial_outage, major_outage or under_maintenance."`
	Page      string `help:"The status page (id or slug); default the default page."`
}

// Run sets the status.
func (c *StatusSetCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	p, err := e.pageArg(cl, c.Page)
	if err != nil {
		return err
	}
	comps, err := cl.StatusComponents(e.ctx, p.ID)
	if err != nil {
		return err
	}
	cp, err := e.componentArg(comps, c.Component)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	out, err := cl.WithRaw(&raw).SetComponentStatus(e.ctx, p.ID, cp.ID, c.Status)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("%s is now %s on %s.\n", out.Name, out.Status, p.Name)
	return nil
}

// StatusIncidentsCmd lists public incidents.
type StatusIncidentsCmd struct {
	Page string `help:"The status page (id or slug); default the default page."`
}

// Run lists them.
func (c *StatusIncidentsCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	p, err := e.pageArg(cl, c.Page)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	incs, err := cl.WithRaw(&raw).PublicIncidents(e.ctx, p.ID)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(incs) == 0 {
		e.printf("Nothing published on %s in the past year.\n", p.Name)
		return nil
	}
	w := table(e.stdout)
	row(w, "ID", "KIND", "STATUS", "IMPACT", "INCIDENT", "STARTED", "NAME")
	for _, i := range incs {
		ref := "-"
		if i.IncidentNumber != 0 {
			ref = "INC-" + strconv.FormatInt(i.IncidentNumber, 10)
		}
		row(w, strconv.FormatInt(i.ID, 10), i.Kind, i.Status, i.Impact, ref, e.when(i.CreatedAt), truncate(i.Name, 60))
	}
	return w.Flush()
}

func (e *env) when(t time.Time) string { return t.In(e.loc).Format("2006-01-02 15:04") }

// StatusDraftCmd shows the proposed next update.
type StatusDraftCmd struct {
	Ref    string `arg:"" help:"The incident, e.g. INC-4."`
	Status string `help:"Draft from the template of this status instead of the proposed one."`
	Page   string `help:"The status page (id or slug); default the page it was published on, else the default page."`
}

// Run shows the draft.
func (c *StatusDraftCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var pageID int64
	if c.Page != "" {
		p, err := e.pageArg(cl, c.Page)
		if err != nil {
			return err
		}
		pageID = p.ID
	}
	var raw json.RawMessage
	cm, err := cl.WithRaw(&raw).Communications(e.ctx, c.Ref, pageID, c.Status)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	for _, p := range cm.Public {
		e.printf("Published: %s (%s)\n", p.Name, p.Status)
	}
	if cm.NextDue != nil {
		d := time.Until(*cm.NextDue).Round(time.Minute)
		if d < 0 {
			e.printf("Next public update: OVERDUE by %s (every %d min)\n", -d, cm.CadenceMinutes)
		} else {
			e.printf("Next public update: due in %s (every %d min)\n", d, cm.CadenceMinutes)
		}
	}
	if cm.Draft.Reason != "" {
		e.printf("%s\n", cm.Draft.Reason)
	}
	e.printf("\nProposed update (%s):\n  Title: %s\n  %s\n", cm.Draft.Status, cm.Draft.Title, cm.Draft.Body)
	for _, ch := range cm.Draft.Components {
		e.printf("  component %d → %s\n", ch.ComponentID, ch.Status)
	}
	if cm.MayPublish {
		e.printf("\nPublish it with: firebreak status publish %s --status %s --body '…'\n", c.Ref, cm.Draft.Status)
	}
	return nil
}

// StatusPublishCmd publishes a public update.
type StatusPublishCmd struct {
	Ref       string   `arg:"" help:"The incident, e.g. INC-4."`
	Status    string   `required:"" help:"investigating, identified, monitoring or resolved."`
	Body      string   `help:"The message (Markdown). Default: the template of the status, filled in."`
	Title     string   `help:"The public title (default: the incident's title on the first update)."`
	Component []string `help:"NAME=STATUS, e.g. --component 'Plugins=major_outage'; repeat for several. Default: the draft's components." placeholder:"NAME=STATUS"`
	Page      string   `help:"The status page (id or slug); default the default page."`
}

// Run publishes.
func (c *StatusPublishCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	p, err := e.pageArg(cl, c.Page)
	if err != nil {
		return err
	}
	in := client.StatusUpdateInput{PageID: p.ID, Status: c.Status, Title: c.Title, Body: c.Body}
	if c.Body == "" || len(c.Component) == 0 {
		cm, err := cl.Communications(e.ctx, c.Ref, p.ID, c.Status)
		if err != nil {
			return err
		}
		if in.Body == "" {
			in.Body = cm.Draft.Body
		}
		if in.Title == "" && len(cm.Public) == 0 {
			in.Title = cm.Draft.Title
		}
		if len(c.Component) == 0 {
			in.Components = cm.Draft.Components
		}
	}
	if len(c.Component) > 0 {
		comps, err := cl.StatusComponents(e.ctx, p.ID)
		if err != nil {
			return err
		}
		for _, arg := range c.Component {
			name, st, ok := strings.Cut(arg, "=")
			if !ok {
				return usagef("--component takes NAME=STATUS, e.g. 'Plugins=major_outage', not %q", arg)
			}
			cp, err := e.componentArg(comps, name)
			if err != nil {
				return err
			}
			in.Components = append(in.Components, client.StatusComponentChange{ComponentID: cp.ID, Status: strings.TrimSpace(st)})
		}
	}
	var raw json.RawMessage
	out, err := cl.WithRaw(&raw).PublishStatusUpdate(e.ctx, c.Ref, in)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Published %q (%s) on %s.\n", out.Incident.Name, out.Update.Status, p.Name)
	return nil
}

// StatusStakeholderCmd sends an internal update.
type StatusStakeholderCmd struct {
	Ref  string `arg:"" help:"The incident, e.g. INC-4."`
	Text string `arg:"" help:"The update for internal stakeholders."`
}

// Run sends it.
func (c *StatusStakeholderCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if _, err := cl.WithRaw(&raw).SendStakeholderUpdate(e.ctx, c.Ref, c.Text); err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Sent to the internal channels; it is on the timeline of %s.\n", c.Ref)
	return nil
}

// StatuspageExportCmd writes a page's public site to files.
type StatuspageExportCmd struct {
	Dir      string        `arg:"" help:"The directory to write to (created if missing)."`
	Page     string        `help:"The status page (id or slug); default the default page."`
	Root     string        `help:"Path prefix of the links, when the site is not served at the root of its host (e.g. /status)."`
	Watch    bool          `help:"Keep running and write the site again whenever it changes."`
	Interval time.Duration `default:"5s" help:"How often --watch asks for changes."`
}

// Run exports.
func (c *StatuspageExportCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	p, err := e.pageArg(cl, c.Page)
	if err != nil {
		return err
	}
	etag := ""
	for {
		files, next, err := cl.ExportStatusPage(e.ctx, p.ID, c.Root, etag)
		switch {
		case err != nil && !c.Watch:
			return err
		case err != nil:
			// The server may be down: that is when the exported copy matters; keep it and retry.
			fmt.Fprintf(e.stderr, "export: %v (keeping the files written before)\n", err)
		case files != nil:
			if err := writeSite(c.Dir, files); err != nil {
				return err
			}
			etag = next
			e.printf("Wrote %d files of %s to %s.\n", len(files), p.Name, c.Dir)
		}
		if !c.Watch {
			return nil
		}
		select {
		case <-e.ctx.Done():
			return nil
		case <-time.After(c.Interval):
		}
	}
}

// writeSite writes files under dir, each through a temporary file and a
// rename, so a web server never serves half a file.
func writeSite(dir string, files []client.ExportedFile) error {
	root, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		name := filepath.Join(root, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(name, root+string(filepath.Separator)) {
			return fmt.Errorf("export: the server sent a file outside the directory: %q", f.Name)
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		tmp := name + ".tmp"
		if err := os.WriteFile(tmp, f.Body, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, name); err != nil {
			return err
		}
	}
	return nil
}

// StatusMaintenanceCmd schedules a maintenance.
type StatusMaintenanceCmd struct {
	Title     string        `arg:"" help:"What the maintenance is, e.g. 'Database upgrade'."`
	Start     string        `required:"" help:"When it starts: RFC 3339 (2026-12-01T22:00:00+01:00) or 'YYYY-MM-DD HH:MM' in your time zone."`
	Duration  time.Duration `default:"1h" help:"How long it lasts."`
	Body      string        `help:"What customers should know."`
	Component []string      `help:"A component it affects (id or name); repeat for several."`
	Page      string        `help:"The status page (id or slug); default the default page."`
}

// Run schedules it.
func (c *StatusMaintenanceCmd) Run(e *env) error {
	start, err := time.Parse(time.RFC3339, c.Start)
	if err != nil {
		if start, err = time.ParseInLocation("2006-01-02 15:04", c.Start, e.loc); err != nil {
			return usagef("--start must be like 2026-12-01T22:00:00+01:00 or '2026-12-01 22:00', not %q", c.Start)
		}
	}
	if c.Duration <= 0 {
		return usagef("--duration must be positive")
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	p, err := e.pageArg(cl, c.Page)
	if err != nil {
		return err
	}
	in := client.MaintenanceInput{Title: c.Title, Body: c.Body, ScheduledFor: start, ScheduledUntil: start.Add(c.Duration)}
	if in.Body == "" {
		in.Body = "We will perform scheduled maintenance."
	}
	if len(c.Component) > 0 {
		comps, err := cl.StatusComponents(e.ctx, p.ID)
		if err != nil {
			return err
		}
		for _, a := range c.Component {
			cp, err := e.componentArg(comps, a)
			if err != nil {
				return err
			}
			in.Components = append(in.Components, cp.ID)
		}
	}
	var raw json.RawMessage
	out, err := cl.WithRaw(&raw).ScheduleMaintenance(e.ctx, p.ID, in)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Scheduled %q on %s from %s to %s.\n", out.Incident.Name, p.Name, e.when(start), e.when(start.Add(c.Duration)))
	return nil
}
