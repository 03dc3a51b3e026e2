package postmortem

import (
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) // the incident was resolved here

func at(d time.Duration) time.Time { return t0.Add(d) }

const day = 24 * time.Hour

func TestMeetingPolicy(t *testing.T) {
	p := DefaultPolicy()
	resolved := t0
	for _, tc := range []struct {
		name    string
		now     time.Time
		start   time.Time
		minutes int
		field   string // "" when allowed
	}{
		{"a meeting three days after the resolve is fine", at(day), at(3 * day), 60, ""},
		{"the fourteenth day is still within the policy", at(day), at(14 * day), 90, ""},
		{"a minute past fourteen days is refused", at(day), at(14*day + time.Minute), 60, "start"},
		{"the timebox is 90 minutes", at(day), at(2 * day), 91, "minutes"},
		{"a meeting needs a duration", at(day), at(2 * day), 0, "minutes"},
		{"a meeting cannot be in the past", at(5 * day), at(4 * day), 60, "start"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := p.CheckMeeting(&resolved, tc.start, tc.minutes, tc.now)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e := apperr.As(err)
			if err == nil || e.Code != apperr.CodeInvalid || e.Field != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
	// Configurable: a team with a seven-day rule and 45-minute meetings.
	short := Policy{MeetingWithin: 7 * day, MaxMeeting: 45 * time.Minute}.withDefaults()
	if err := short.CheckMeeting(&resolved, at(8*day), 30, at(day)); err == nil || !strings.Contains(err.Error(), "7 days") {
		t.Errorf("seven-day policy: %v", err)
	}
	if err := short.CheckMeeting(&resolved, at(2*day), 60, at(day)); err == nil || !strings.Contains(err.Error(), "45 minutes") {
		t.Errorf("45-minute timebox: %v", err)
	}
}

func TestDueDatePolicy(t *testing.T) {
	p := DefaultPolicy()
	meeting := &Meeting{Start: at(3 * day), Minutes: 60}
	held := &Meeting{Start: at(3 * day), StartedAt: ptrTime(at(4 * day)), Minutes: 60}
	sixWeeks := 42 * day
	for _, tc := range []struct {
		name    string
		item    ActionItem
		meeting *Meeting
		field   string
	}{
		{"important+urgent due six weeks after the meeting", ActionItem{Important: true, Urgent: true, Due: at(3*day + sixWeeks)}, meeting, ""},
		{"important+urgent a day later is refused", ActionItem{Important: true, Urgent: true, Due: at(4*day + sixWeeks)}, meeting, "due"},
		{"a held meeting counts from when it started", ActionItem{Important: true, Urgent: true, Due: at(4*day + sixWeeks)}, held, ""},
		{"without a meeting the six weeks start now", ActionItem{Important: true, Urgent: true, Due: at(day + sixWeeks)}, nil, ""},
		{"a cancelled meeting does not count", ActionItem{Important: true, Urgent: true, Due: at(3*day + sixWeeks)}, &Meeting{Start: at(3 * day), Cancelled: true}, "due"},
		{"important only needs a product owner", ActionItem{Important: true, Due: at(90 * day)}, meeting, "product_owner"},
		{"with a product owner any date is fine", ActionItem{Important: true, Due: at(90 * day), ProductOwner: "Petra"}, meeting, ""},
		{"no due date is refused", ActionItem{ProductOwner: "Petra"}, meeting, "due"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := p.CheckDue(&tc.item, tc.meeting, at(day))
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if e := apperr.As(err); err == nil || e.Field != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
	if got := p.DefaultDue(meeting, at(day)); !got.Equal(at(3*day + sixWeeks)) {
		t.Errorf("default due %s", got)
	}
}

func TestCloseGateAndWaivers(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		name string
		pm   *Postmortem
		ok   bool
	}{
		{"no postmortem drafted yet", nil, false},
		{"a draft", &Postmortem{Status: Draft, Severity: "SEV3"}, false},
		{"in review", &Postmortem{Status: InReview, Severity: "SEV3"}, false},
		{"published", &Postmortem{Status: Published, Severity: "SEV1"}, true},
		{"waived SEV3", &Postmortem{Status: Waived, Severity: "SEV3"}, true},
		{"waived SEV4", &Postmortem{Status: Waived, Severity: "sev4"}, true},
		{"waived, but the incident became SEV2", &Postmortem{Status: Waived, Severity: "SEV2"}, false},
		{"waived, but the incident became SEV1", &Postmortem{Status: Waived, Severity: "SEV1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Gate(tc.pm)
			if tc.ok != (err == nil) {
				t.Fatalf("gate: %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !apperr.Is(err, apperr.CodeConflict) {
				t.Errorf("code %s", apperr.CodeOf(err))
			}
		})
	}
	// SEV1–SEV2 never waive, even when the configuration lists them.
	loose := Policy{Waivable: []string{"SEV1", "SEV2", "SEV3"}, NeverWaive: []string{"SEV1", "SEV2"}}.withDefaults()
	for sev, want := range map[string]bool{"SEV1": false, "SEV2": false, "SEV3": true, "SEV4": false} {
		if got := loose.MayWaive(sev); got != want {
			t.Errorf("MayWaive(%s) = %v", sev, got)
		}
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestHumanPolicyWords(t *testing.T) {
	for d, want := range map[time.Duration]string{14 * day: "14 days", 90 * time.Minute: "90 minutes", 42 * day: "6 weeks", 7 * day: "7 days", 48 * time.Hour: "2 days"} {
		if got := Spoken(d); got != want {
			t.Errorf("Spoken(%s) = %q, want %q", d, got, want)
		}
	}
}
