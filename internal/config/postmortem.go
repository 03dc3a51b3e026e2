package config

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// ImproveConfig sets the postmortem process rules (the Improve stage). Zero values take the
// process's defaults: the meeting within 14 days of the resolve and at most
// 90 minutes, important+urgent action items within 6 weeks, one approval.
type ImproveConfig struct {
	Review             string        `koanf:"review"`               // "builtin" (default: reviewers approve in Firebreak) or "git" (a pull request)
	Approvals          string        `koanf:"approvals"`            // approvals the built-in review needs; default "1"
	MeetingWithin      time.Duration `koanf:"meeting_within"`       // default 336h (14 days)
	MeetingMax         time.Duration `koanf:"meeting_max"`          // default 90m
	PriorityWithin     time.Duration `koanf:"priority_within"`      // default 1008h (6 weeks)
	WaivableSeverities []string      `koanf:"waivable_severities"`  // severities whose postmortem the IM may waive; default the scale's third and lower
	FormReminderBefore time.Duration `koanf:"form_reminder_before"` // remind unanswered 5-Why forms this long before the meeting; default 48h
	OverdueGrace       time.Duration `koanf:"overdue_grace"`        // after this long overdue the IM is reminded too; default 168h
}

// ApprovalsNeeded returns the approvals as a number (1 when unset).
func (p ImproveConfig) ApprovalsNeeded() int {
	n, err := strconv.Atoi(p.Approvals)
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// validate checks the postmortem keys against the severity scale: the two
// most severe levels may never waive their postmortem.
func (p ImproveConfig) validate(sevs []Severity, bad func(key, format string, args ...any)) {
	switch p.Review {
	case "", "builtin", "git":
	default:
		bad("postmortem.review", "%q must be builtin or git", p.Review)
	}
	if p.Approvals != "" {
		if n, err := strconv.Atoi(p.Approvals); err != nil || n < 1 || n > 10 {
			bad("postmortem.approvals", "%q must be a number from 1 to 10", p.Approvals)
		}
	}
	for key, d := range map[string]time.Duration{"postmortem.meeting_within": p.MeetingWithin, "postmortem.meeting_max": p.MeetingMax,
		"postmortem.priority_within": p.PriorityWithin, "postmortem.form_reminder_before": p.FormReminderBefore, "postmortem.overdue_grace": p.OverdueGrace} {
		if d < 0 {
			bad(key, "must not be negative, got %s", d)
		}
	}
	names := []string{"SEV1", "SEV2", "SEV3", "SEV4"}
	if len(sevs) > 0 {
		names = names[:0]
		for _, s := range sevs {
			names = append(names, s.Name)
		}
	}
	for _, w := range p.WaivableSeverities {
		i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, w) })
		switch {
		case i < 0:
			bad("postmortem.waivable_severities", "%q is not a severity of the scale (%s)", w, strings.Join(names, ", "))
		case i < 2:
			bad("postmortem.waivable_severities", "%s is one of the two most severe levels: their postmortems are never waived", w)
		}
	}
}
