package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// editorScript writes a shell script usable as $EDITOR.
func editorScript(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPostmortemAndActionCommands(t *testing.T) {
	s := apptest.Start(t)
	admin := against(t, s)
	admin.run(t, "incident", "declare", "Typo on the pricing page", "--severity", "SEV4", "--take-manager").want(t, 0)
	admin.run(t, "incident", "stage", "INC-1", "resolved").want(t, 0)
	admin.run(t, "incident", "stage", "INC-1", "improve").want(t, 0)
	var r result
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if r = admin.run(t, "postmortem", "show", "INC-1"); r.code == 0 || time.Now().After(deadline) {
			break
		}
	}
	r.want(t, 0)
	has(t, "show", r.stdout, "INC-1  Typo on the pricing page  (Draft, version 1)", "| Incident Manager |", "## Contributing factors")

	// edit: the editor's text is saved with the version it started from.
	ed := editorScript(t, `printf '\nThe price said 10 instead of 100.\n' >> "$1"`)
	r = admin.with("EDITOR", ed).run(t, "postmortem", "edit", "INC-1", "-m", "what happened").want(t, 0)
	has(t, "edit", r.stdout, "Saved INC-1 as version 2.")
	r = admin.run(t, "postmortem", "show", "pm").want(t, 2)
	r = admin.run(t, "pm", "show", "INC-1").want(t, 0)
	has(t, "edited", r.stdout, "The price said 10 instead of 100.", "version 2")
	r = admin.with("EDITOR", editorScript(t, "true")).run(t, "postmortem", "edit", "INC-1").want(t, 0)
	has(t, "no change", r.stdout, "No change; nothing saved.")

	// A save while someone else saved meanwhile is refused; the text is kept.
	dir := t.TempDir()
	slow := editorScript(t, `printf 'mine\n' >> "$1"; touch `+dir+`/started; while [ ! -f `+dir+`/go ]; do sleep 0.01; done`)
	done := make(chan result, 1)
	go func() { done <- admin.with("EDITOR", slow).run(t, "postmortem", "edit", "INC-1") }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "started")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the editor did not start")
		}
	}
	doc, err := s.App.Postmortems.Get(s.AdminContext(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Postmortems.Edit(s.AdminContext(), 1, doc.Version, doc.Body+"\ntheirs\n", ""); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r = <-done
	r.want(t, 1)
	has(t, "stale edit", r.stderr, "was changed by someone else", "your text is kept in")
	kept := strings.TrimSpace(r.stderr[strings.LastIndex(r.stderr, "kept in ")+len("kept in "):])
	if b, err := os.ReadFile(kept); err != nil || !strings.HasSuffix(string(b), "mine\n") {
		t.Errorf("kept text %q: %v", b, err)
	}

	// schedule: the policy, then a meeting.
	far := time.Now().Add(20 * 24 * time.Hour).UTC().Format(time.RFC3339)
	r = admin.run(t, "postmortem", "schedule", "INC-1", "--at", far).want(t, 1)
	has(t, "too late", r.stderr, "at most 14 days after the incident was resolved")
	r = admin.run(t, "postmortem", "schedule", "INC-1", "--at", time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), "--duration", "120m").want(t, 1)
	has(t, "too long", r.stderr, "timeboxed to 90 minutes")
	r = admin.run(t, "postmortem", "schedule", "INC-1", "--at", time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), "--duration", "45m", "--location", "Room 4").want(t, 0)
	has(t, "scheduled", r.stdout, "Meeting of INC-1:", "45 minutes; 1 people invited.")

	// action items: mine, done, list.
	title := "Spell-check prices"
	yes := true
	it, err := s.App.Postmortems.AddItem(s.AdminContext(), 1, postmortem.ItemInput{Title: &title, OwnerID: &s.Admin.UserID, Important: &yes, Urgent: &yes})
	if err != nil {
		t.Fatal(err)
	}
	r = admin.run(t, "action", "mine").want(t, 0)
	has(t, "mine", r.stdout, strconv.FormatInt(it.ID, 10), "INC-1", "Spell-check prices", "important+urgent", it.Due.Local().Format("2006-01-02"))
	r = admin.run(t, "action", "done", strconv.FormatInt(it.ID, 10)).want(t, 0)
	has(t, "done", r.stdout, "Done: Spell-check prices (INC-1).")
	r = admin.run(t, "action", "list", "--incident", "INC-1").want(t, 0)
	has(t, "list open", r.stdout, "No action items.")
	r = admin.run(t, "--json", "action", "list", "--all").want(t, 0)
	has(t, "list all", r.stdout, `"status":"done"`, `"pm-action-item"`, `"inc-1"`)

	// publish needs an approval; a SEV4's IM may waive instead, and the incident closes.
	r = admin.run(t, "postmortem", "publish", "INC-1").want(t, 1)
	has(t, "publish refused", r.stderr, "publishing needs 1 approval(s)")
	r = admin.run(t, "incident", "stage", "INC-1", "closed").want(t, 1)
	has(t, "close refused", r.stderr, "cannot close before its postmortem is published")
	r = admin.run(t, "postmortem", "waive", "INC-1", "--reason", "cosmetic, fixed in minutes").want(t, 0)
	has(t, "waived", r.stdout, "waived; the incident may close")
	admin.run(t, "incident", "stage", "INC-1", "closed").want(t, 0)
	r = admin.run(t, "incident", "timeline", "INC-1").want(t, 0)
	has(t, "timeline", r.stdout, "waived the postmortem: cosmetic, fixed in minutes")
}
