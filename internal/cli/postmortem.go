package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// PostmortemCmd groups the commands of the Improve stage's documents.
type PostmortemCmd struct {
	Show     PostmortemShowCmd     `cmd:"" help:"Show an incident's postmortem (its Markdown and status)."`
	Edit     PostmortemEditCmd     `cmd:"" help:"Edit a postmortem in $VISUAL / $EDITOR; refused if someone saved a newer version meanwhile."`
	Schedule PostmortemScheduleCmd `cmd:"" help:"Schedule (or reschedule, or --cancel) the postmortem meeting; everyone involved gets a calendar invitation."`
	Publish  PostmortemPublishCmd  `cmd:"" help:"Publish a postmortem (it needs the configured approvals), or submit it for git review."`
	Waive    PostmortemWaiveCmd    `cmd:"" help:"Waive the postmortem of a low-severity incident, with a reason (its Incident Manager)."`
	Search   PostmortemSearchCmd   `cmd:"" help:"Search the published postmortems (words, \"phrases\", prefix*, -excluded) with --service, --severity, --year, --label."`
	Git      PostmortemGitCmd      `cmd:"" help:"Where a postmortem's git review stands: branch, pull request, merge commit."`
}

// ActionCmd groups the action-item commands.
type ActionCmd struct {
	List ActionListCmd `cmd:"" help:"List action items (open ones unless --all)."`
	Mine ActionMineCmd `cmd:"" help:"List your open action items."`
	Done ActionDoneCmd `cmd:"" help:"Mark an action item done."`
}

// PostmortemShowCmd shows a postmortem.
type PostmortemShowCmd struct {
	Incident string `arg:"" help:"The incident, e.g. INC-42."`
}

// Run shows the postmortem.
func (c *PostmortemShowCmd) Run(e *env) error {
	n, err := parseRef(c.Incident)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	doc, err := cl.WithRaw(&raw).Postmortem(e.ctx, incident.Ref(n))
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	fmt.Fprintf(e.stdout, "%s  %s  (%s, version %d)\n", incident.Ref(n), doc.Title, doc.Status.Label(), doc.Version)
	if doc.Publication != nil {
		fmt.Fprintf(e.stdout, "Published %s (%s)%s\n", e.when(doc.Publication.At), doc.Publication.Mode, orEmpty(" "+doc.Publication.URL))
	}
	if doc.Waiver != nil {
		fmt.Fprintf(e.stdout, "Waived: %s\n", doc.Waiver.Reason)
	}
	for _, w := range doc.Warnings {
		fmt.Fprintf(e.stdout, "Blameless check: %q — %s\n", w.Phrase, w.Why)
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintln(e.stdout, doc.Body)
	return nil
}

func orEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

// PostmortemEditCmd edits a postmortem in the user's editor.
type PostmortemEditCmd struct {
	Incident string `arg:"" help:"The incident, e.g. INC-42."`
	Note     string `help:"What you changed, for the history." short:"m"`
}

// Run opens the editor on the current body and saves the result with the
// version it started from; a stale version keeps the text in a file.
func (c *PostmortemEditCmd) Run(e *env) error {
	n, err := parseRef(c.Incident)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	doc, err := cl.Postmortem(e.ctx, incident.Ref(n))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "firebreak-postmortem-")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, incident.Ref(n)+".md")
	if err := os.WriteFile(path, []byte(doc.Body), 0o600); err != nil {
		return err
	}
	editor := e.getenv("VISUAL")
	if editor == "" {
		editor = e.getenv("EDITOR")
	}
	if editor == "" {
		editor = "vi"
	}
	// The editor setting may carry arguments ("code --wait"): the shell splits it.
	cmd := exec.CommandContext(e.ctx, "/bin/sh", "-c", editor+` "$1"`, "sh", path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.stdout, e.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the editor (%s) failed: %w; your text is in %s", editor, err, path)
	}
	edited, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if string(edited) == doc.Body {
		os.RemoveAll(dir)
		fmt.Fprintln(e.stdout, "No change; nothing saved.")
		return nil
	}
	saved, err := cl.EditPostmortem(e.ctx, incident.Ref(n), doc.Version, string(edited), c.Note)
	if err != nil {
		var p *client.Problem
		if errors.As(err, &p) && p.Stale() {
			return fmt.Errorf("%s; your text is kept in %s", p.Detail, path)
		}
		return fmt.Errorf("%w; your text is kept in %s", err, path)
	}
	os.RemoveAll(dir)
	fmt.Fprintf(e.stdout, "Saved %s as version %d.\n", incident.Ref(n), saved.Version)
	for _, w := range saved.Warnings {
		fmt.Fprintf(e.stdout, "Blameless check: %q — %s\n", w.Phrase, w.Why)
	}
	return nil
}

// PostmortemScheduleCmd schedules the meeting.
type PostmortemScheduleCmd struct {
	Incident string        `arg:"" help:"The incident, e.g. INC-42."`
	At       string        `help:"When, e.g. 2026-12-01T14:00 (in your local time zone) or 2026-12-01T13:00Z."`
	Duration time.Duration `help:"How long (at most the configured timebox, 90m by default)." default:"60m"`
	Location string        `help:"A room or a call link."`
	Cancel   bool          `help:"Cancel the meeting instead (everyone invited gets the cancellation)."`
}

// Run schedules or cancels the meeting.
func (c *PostmortemScheduleCmd) Run(e *env) error {
	n, err := parseRef(c.Incident)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	if c.Cancel {
		if _, err := cl.CancelMeeting(e.ctx, incident.Ref(n)); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "The meeting of %s is cancelled; the invitees are told.\n", incident.Ref(n))
		return nil
	}
	if c.At == "" {
		return usagef("say when: --at 2026-12-01T14:00")
	}
	start, err := parseWhen(c.At, e.loc)
	if err != nil {
		return err
	}
	m, err := cl.ScheduleMeeting(e.ctx, incident.Ref(n), postmortem.MeetingInput{Start: start, Minutes: int(c.Duration / time.Minute), Location: c.Location})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Meeting of %s: %s, %d minutes; %d people invited.\n", incident.Ref(n), e.when(m.Start), m.Minutes, len(m.Attendees))
	return nil
}

// parseWhen reads a time in RFC 3339 or as a local "2006-01-02T15:04".
func parseWhen(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04Z"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usagef("%q is not a time like 2026-12-01T14:00", s)
}

// PostmortemPublishCmd publishes a postmortem.
type PostmortemPublishCmd struct {
	Incident string `arg:"" help:"The incident, e.g. INC-42."`
}

// Run publishes.
func (c *PostmortemPublishCmd) Run(e *env) error {
	n, err := parseRef(c.Incident)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	doc, err := cl.PublishPostmortem(e.ctx, incident.Ref(n))
	if err != nil {
		return err
	}
	if doc.Status == postmortem.Published {
		fmt.Fprintf(e.stdout, "The postmortem of %s is published; the incident may close.\n", incident.Ref(n))
	} else {
		fmt.Fprintf(e.stdout, "The postmortem of %s is submitted for review (%s).\n", incident.Ref(n), doc.Status.Label())
	}
	return nil
}

// PostmortemWaiveCmd waives a postmortem.
type PostmortemWaiveCmd struct {
	Incident string `arg:"" help:"The incident, e.g. INC-42."`
	Reason   string `help:"Why no postmortem is needed." required:""`
}

// Run waives.
func (c *PostmortemWaiveCmd) Run(e *env) error {
	n, err := parseRef(c.Incident)
	if err != nil {
		return err
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	if _, err := cl.WaivePostmortem(e.ctx, incident.Ref(n), c.Reason); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "The postmortem of %s is waived; the incident may close.\n", incident.Ref(n))
	return nil
}

// ActionListCmd lists action items.
type ActionListCmd struct {
	Incident string `help:"Only this incident's items, e.g. INC-42."`
	All      bool   `help:"Include done and won't-do items."`
}

// Run lists.
func (c *ActionListCmd) Run(e *env) error {
	f := client.ActionItemFilter{Open: !c.All}
	if c.Incident != "" {
		n, err := parseRef(c.Incident)
		if err != nil {
			return err
		}
		f.Incident = incident.Ref(n)
	}
	return e.listActions(f)
}

// ActionMineCmd lists your open items.
type ActionMineCmd struct{}

// Run lists.
func (c *ActionMineCmd) Run(e *env) error {
	return e.listActions(client.ActionItemFilter{Mine: true, Open: true})
}

func (e *env) listActions(f client.ActionItemFilter) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	items, err := cl.WithRaw(&raw).ActionItems(e.ctx, f)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(items) == 0 {
		fmt.Fprintln(e.stdout, "No action items.")
		return nil
	}
	now := e.now()
	w := table(e.stdout)
	row(w, "ID", "INCIDENT", "TITLE", "PRIORITY", "DUE", "STATUS")
	for _, it := range items {
		prio := "-"
		if it.Priority() {
			prio = "important+urgent"
		}
		due := it.Due.In(e.loc).Format("2006-01-02")
		if it.Overdue(now) {
			due += " OVERDUE"
		}
		row(w, strconv.FormatInt(it.ID, 10), incident.Ref(it.Number), it.Title, prio, due, string(it.Status))
	}
	return w.Flush()
}

// ActionDoneCmd marks an item done.
type ActionDoneCmd struct {
	ID int64 `arg:"" help:"The action item's id (see 'firebreak action list')."`
}

// Run marks it done.
func (c *ActionDoneCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	it, err := cl.ActionItemDone(e.ctx, c.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Done: %s (%s).\n", it.Title, incident.Ref(it.Number))
	return nil
}
