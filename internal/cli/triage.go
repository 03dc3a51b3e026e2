package cli

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// TriageCmd groups the triage queue commands: the Detect stage.
type TriageCmd struct {
	List    TriageListCmd    `cmd:"" aliases:"ls" help:"List the alert groups waiting for someone to declare or dismiss them."`
	Declare TriageDeclareCmd `cmd:"" help:"Declare an incident from a triage item (you become its First Responder)."`
	Dismiss TriageDismissCmd `cmd:"" help:"Dismiss a triage item with a reason: no incident."`
	Merge   TriageMergeCmd   `cmd:"" help:"Merge a triage item into an open incident."`
}

// AlertCmd groups the alert commands.
type AlertCmd struct {
	List AlertListCmd `cmd:"" aliases:"ls" help:"List alerts, newest first."`
	Show AlertShowCmd `cmd:"" help:"Show one alert, or an alert group with --group."`
}

// TriageListCmd lists the triage queue.
type TriageListCmd struct{}

// Run lists the queue.
func (c *TriageListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	q, err := cl.WithRaw(&raw).Triage(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(q.Items) == 0 {
		e.printf("The triage queue is empty: nothing is waiting for a decision.\n")
		return nil
	}
	w := table(e.stdout)
	row(w, "ITEM", "SEVERITY", "SERVICE", "ALERTS", "OPEN", "SINCE", "TITLE")
	for _, it := range q.Items {
		row(w, strconv.FormatInt(it.ID, 10), it.Severity, it.Service, strconv.FormatInt(it.AlertCount, 10),
			strconv.FormatInt(it.OpenAlerts, 10), ago(e.now(), it.CreatedAt), truncate(it.Title, 70))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	e.printf("\nDecide with 'firebreak triage declare ITEM' or 'firebreak triage dismiss ITEM --reason \"%s\"'.\n", q.DismissReasons[0])
	return nil
}

// TriageDeclareCmd declares from a triage item.
type TriageDeclareCmd struct {
	Item     int64  `arg:"" help:"The triage item (alert group) id."`
	Title    string `help:"The incident's title (default: the alerts')."`
	Severity string `help:"The incident's severity (default: from the most severe alert)."`
}

// Run declares.
func (c *TriageDeclareCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	inc, err := cl.WithRaw(&raw).DeclareFromTriage(e.ctx, c.Item, detect.DeclareOptions{Title: c.Title, Severity: c.Severity})
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Declared %s (%s): %s\nYou are its First Responder. Follow it with 'firebreak incident show %s'.\n", inc.Ref, inc.Severity, inc.Title, inc.Ref)
	return nil
}

// TriageDismissCmd dismisses a triage item.
type TriageDismissCmd struct {
	Item   int64  `arg:"" help:"The triage item (alert group) id."`
	Reason string `required:"" help:"Why: one of the server's dismiss reasons (e.g. \"false positive\", \"duplicate\", \"known issue\")."`
	Note   string `help:"Anything else worth keeping."`
}

// Run dismisses.
func (c *TriageDismissCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	g, err := cl.WithRaw(&raw).DismissTriage(e.ctx, c.Item, c.Reason, c.Note)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Dismissed item %d (%s) as %q.\n", g.ID, g.Title, g.DismissReason)
	return nil
}

// TriageMergeCmd merges a triage item into an incident.
type TriageMergeCmd struct {
	Item     int64  `arg:"" help:"The triage item (alert group) id."`
	Incident string `arg:"" help:"The open incident, e.g. INC-42."`
}

// Run merges.
func (c *TriageMergeCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	g, err := cl.WithRaw(&raw).MergeTriage(e.ctx, c.Item, c.Incident)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Merged item %d (%s) into INC-%d.\n", g.ID, g.Title, g.IncidentNumber)
	return nil
}

// AlertListCmd lists alerts.
type AlertListCmd struct {
	Status string `help:"Only alerts in this status: firing, acknowledged or resolved." enum:",firing,acknowledged,resolved" default:""`
	Group  int64  `help:"Only alerts of this alert group."`
	Limit  int    `help:"At most this many (1–500)." default:"50"`
}

// Run lists alerts.
func (c *AlertListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	alerts, err := cl.WithRaw(&raw).Alerts(e.ctx, c.Status, c.Group, c.Limit)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(alerts) == 0 {
		e.printf("No alerts.\n")
		return nil
	}
	w := table(e.stdout)
	row(w, "ID", "STATUS", "SEVERITY", "GROUP", "SEEN", "LAST", "TITLE")
	for _, a := range alerts {
		row(w, strconv.FormatInt(a.ID, 10), a.Status, a.Severity, strconv.FormatInt(a.GroupID, 10),
			strconv.FormatInt(a.EventCount, 10)+"×", ago(e.now(), a.LastSeen), truncate(a.Title, 70))
	}
	return w.Flush()
}

// AlertShowCmd shows an alert or an alert group.
type AlertShowCmd struct {
	ID    int64 `arg:"" help:"The alert id (or the group id with --group)."`
	Group bool  `help:"Show the alert group with this id and its alerts."`
}

// Run shows it.
func (c *AlertShowCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if c.Group {
		it, err := cl.WithRaw(&raw).AlertGroup(e.ctx, c.ID)
		if err != nil {
			return err
		}
		if e.json {
			return e.printJSON(raw)
		}
		e.printf("Alert group %d: %s\n", it.ID, it.Title)
		e.printf("Service:   %s\nSeverity:  %s\nTriage:    %s\n", it.Service, it.Severity, strings.ReplaceAll(it.Triage, "_", "-"))
		if it.IncidentNumber != 0 {
			e.printf("Incident:  INC-%d\n", it.IncidentNumber)
		}
		if it.DismissReason != "" {
			e.printf("Dismissed: %s %s\n", it.DismissReason, it.DismissNote)
		}
		e.printf("Alerts:    %d (%d open)\n\n", it.AlertCount, it.OpenAlerts)
		w := table(e.stdout)
		row(w, "ID", "STATUS", "SEVERITY", "SEEN", "TITLE")
		for _, a := range it.Alerts {
			row(w, strconv.FormatInt(a.ID, 10), a.Status, a.Severity, strconv.FormatInt(a.EventCount, 10)+"×", truncate(a.Title, 70))
		}
		return w.Flush()
	}
	a, err := cl.WithRaw(&raw).Alert(e.ctx, c.ID)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Alert %d: %s\n", a.ID, a.Title)
	e.printf("Status:      %s\nSeverity:    %s\nSource:      %s\nIntegration: %s\nDedup key:   %s\nGroup:       %d\n",
		a.Status, a.Severity, orDash(a.Source), a.Integration, a.DedupKey, a.GroupID)
	e.printf("Seen:        %d times, first %s, last %s\n", a.EventCount, stamp(e.now(), a.FirstSeen, e.loc), stamp(e.now(), a.LastSeen, e.loc))
	if a.ResolvedAt != nil {
		e.printf("Resolved:    %s\n", stamp(e.now(), *a.ResolvedAt, e.loc))
	}
	if a.Description != "" {
		e.printf("\n%s\n", a.Description)
	}
	if len(a.Labels) > 0 {
		e.printf("\nLabels:\n")
		for _, k := range sortedKeys(a.Labels) {
			e.printf("  %s=%s\n", k, a.Labels[k])
		}
	}
	for _, l := range a.Links {
		e.printf("%s: %s\n", l.Text, l.URL)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
