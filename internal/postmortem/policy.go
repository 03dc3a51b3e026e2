package postmortem

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Policy holds the process rules an installation may tune.
type Policy struct {
	MeetingWithin      time.Duration // the meeting is held at most this long after resolve; default 14 days
	MaxMeeting         time.Duration // the meeting's timebox; default 90 minutes
	PriorityWithin     time.Duration // important+urgent items are due at most this long after the meeting; default 6 weeks
	Approvals          int           // approvals the built-in review needs to publish; default 1
	Waivable           []string      // severities whose postmortem the IM may waive; default SEV3, SEV4
	NeverWaive         []string      // severities that may never waive, whatever Waivable says; default SEV1, SEV2
	FormReminderBefore time.Duration // remind unanswered forms this long before the meeting; default 48 h
	OverdueGrace       time.Duration // after this long overdue the IM is told too; default 7 days
	Mode               string        // "builtin" (default) or "git"
}

// DefaultPolicy is the process of the talk Firebreak is built on.
func DefaultPolicy() Policy {
	return Policy{
		MeetingWithin:      14 * 24 * time.Hour,
		MaxMeeting:         90 * time.Minute,
		PriorityWithin:     6 * 7 * 24 * time.Hour,
		Approvals:          1,
		Waivable:           []string{"SEV3", "SEV4"},
		NeverWaive:         []string{"SEV1", "SEV2"},
		FormReminderBefore: 48 * time.Hour,
		OverdueGrace:       7 * 24 * time.Hour,
		Mode:               ModeBuiltin,
	}
}

// withDefaults fills zero fields from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.MeetingWithin <= 0 {
		p.MeetingWithin = d.MeetingWithin
	}
	if p.MaxMeeting <= 0 {
		p.MaxMeeting = d.MaxMeeting
	}
	if p.PriorityWithin <= 0 {
		p.PriorityWithin = d.PriorityWithin
	}
	if p.Approvals <= 0 {
		p.Approvals = d.Approvals
	}
	if p.Waivable == nil {
		p.Waivable = d.Waivable
	}
	if p.NeverWaive == nil {
		p.NeverWaive = d.NeverWaive
	}
	if p.FormReminderBefore <= 0 {
		p.FormReminderBefore = d.FormReminderBefore
	}
	if p.OverdueGrace <= 0 {
		p.OverdueGrace = d.OverdueGrace
	}
	if p.Mode == "" {
		p.Mode = d.Mode
	}
	return p
}

// MeetingDeadline is the latest time the meeting may start.
func (p Policy) MeetingDeadline(resolved time.Time) time.Time { return resolved.Add(p.MeetingWithin) }

// CheckMeeting enforces the meeting policy: it starts in the future, within
// MeetingWithin of the resolve, and lasts at most MaxMeeting.
func (p Policy) CheckMeeting(resolved *time.Time, start time.Time, minutes int, now time.Time) error {
	if minutes <= 0 {
		return apperr.Invalid("minutes", "the meeting needs a duration")
	}
	if time.Duration(minutes)*time.Minute > p.MaxMeeting {
		return apperr.Invalid("minutes", "the meeting is timeboxed to %s; %d minutes is too long", human(p.MaxMeeting), minutes)
	}
	if start.Before(now) {
		return apperr.Invalid("start", "the meeting must start in the future")
	}
	if resolved != nil && start.After(p.MeetingDeadline(*resolved)) {
		return apperr.Invalid("start", "the meeting must be held at most %s after the incident was resolved (by %s)",
			human(p.MeetingWithin), p.MeetingDeadline(*resolved).UTC().Format("2006-01-02 15:04 MST"))
	}
	return nil
}

// DefaultDue is the due date of a new important+urgent item: PriorityWithin
// after the meeting (or after now when no meeting was held or scheduled).
func (p Policy) DefaultDue(meeting *Meeting, now time.Time) time.Time {
	return p.priorityBase(meeting, now).Add(p.PriorityWithin)
}

func (p Policy) priorityBase(meeting *Meeting, now time.Time) time.Time {
	if meeting != nil && !meeting.Cancelled {
		if meeting.StartedAt != nil {
			return *meeting.StartedAt
		}
		return meeting.Start
	}
	return now
}

// CheckDue enforces the due-date policy on an item: important+urgent items
// are due at most PriorityWithin after the meeting; others need a due date
// agreed with a named product owner.
func (p Policy) CheckDue(it *ActionItem, meeting *Meeting, now time.Time) error {
	if it.Due.IsZero() {
		return apperr.Invalid("due", "an action item needs a due date")
	}
	if it.Priority() {
		limit := p.DefaultDue(meeting, now)
		if it.Due.After(limit) {
			return apperr.Invalid("due", "important and urgent items are due within %s of the meeting: by %s at the latest",
				human(p.PriorityWithin), limit.UTC().Format("2006-01-02"))
		}
		return nil
	}
	if strings.TrimSpace(it.ProductOwner) == "" {
		return apperr.Invalid("product_owner", "items that are not both important and urgent need a due date agreed with a product owner: name them")
	}
	return nil
}

// Gate is the close rule for one postmortem (nil when none was drafted): closing needs it published, or waived where the severity allows.
func (p Policy) Gate(pm *Postmortem) error {
	if pm == nil {
		return apperr.Conflict("the incident cannot close before its postmortem is published; none has been drafted yet")
	}
	switch pm.Status {
	case Published:
		return nil
	case Waived:
		if p.MayWaive(pm.Severity) {
			return nil
		}
		return apperr.Conflict("%s incidents cannot waive the postmortem; publish it first", pm.Severity)
	}
	return apperr.Conflict("the incident cannot close before its postmortem is published (it is %s)", strings.ReplaceAll(string(pm.Status), "_", " "))
}

// MayWaive reports whether incidents of severity sev may close without a postmortem.
func (p Policy) MayWaive(sev string) bool {
	eq := func(s string) bool { return strings.EqualFold(s, sev) }
	if slices.ContainsFunc(p.NeverWaive, eq) {
		return false
	}
	return slices.ContainsFunc(p.Waivable, eq)
}

// Spoken writes durations the way the policy is spoken: "14 days", "90 minutes", "6 weeks".
func Spoken(d time.Duration) string { return human(d) }

func human(d time.Duration) string {
	day := 24 * time.Hour
	switch {
	case d%(7*day) == 0 && d >= 21*day: // "6 weeks", but "14 days" as the process says it
		return plural(int(d/(7*day)), "week")
	case d%day == 0 && d >= day:
		return plural(int(d/day), "day")
	case d%time.Hour == 0 && d >= 2*time.Hour:
		return plural(int(d/time.Hour), "hour")
	default:
		return plural(int(d/time.Minute), "minute")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
