package notification

import (
	"fmt"
	"sort"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Rule says: for messages of this urgency, use this contact method this
// long after the message (e.g. push and email at once, SMS after 3 minutes
// if the page is still open).
type Rule struct {
	ID        int64
	UserID    int64
	ContactID int64
	Urgency   Urgency
	Delay     time.Duration
}

// MaxDelay bounds a rule's delay: later than this, escalation is the tool.
const MaxDelay = 24 * time.Hour

// Validate checks a rule's own fields.
func (r Rule) Validate() error {
	if !r.Urgency.Valid() {
		return apperr.Invalid("urgency", "urgency must be high or low, not %q", r.Urgency)
	}
	if r.Delay < 0 || r.Delay > MaxDelay {
		return apperr.Invalid("delay_minutes", "the delay must be between 0 and %d minutes", int(MaxDelay/time.Minute))
	}
	if r.Delay%time.Minute != 0 {
		return apperr.Invalid("delay_minutes", "the delay is counted in whole minutes")
	}
	if r.ContactID == 0 {
		return apperr.Invalid("contact_method_id", "choose a contact method")
	}
	return nil
}

// Settings are a person's notification preferences beyond the rules.
type Settings struct {
	UserID int64
	// DigestEvery collects low-urgency messages into one summary sent at
	// most this often (on the multiples of it since midnight UTC); zero
	// sends each at once.
	DigestEvery time.Duration
}

// Validate checks the settings.
func (s Settings) Validate() error {
	if s.DigestEvery < 0 || s.DigestEvery > 24*time.Hour || s.DigestEvery%time.Minute != 0 {
		return apperr.Invalid("digest_minutes", "the digest interval must be whole minutes between 0 (off) and 1440")
	}
	return nil
}

// Step is one planned delivery of a message: to which contact method, how
// long after the message.
type Step struct {
	Contact Contact
	Delay   time.Duration
	Default bool // from the default plan, not from one of the person's rules
}

// Plan says which verified contact methods get a message of urgency u, and
// when. The person's rules for that urgency decide; when they have none for
// it, the default applies: for high urgency every verified method at once;
// for low urgency the verified email addresses at once (or, without one,
// every verified method). Rules on unverified or removed methods are skipped.
func Plan(u Urgency, rules []Rule, contacts []Contact) []Step {
	byID := map[int64]Contact{}
	for _, c := range contacts {
		if c.Verified() {
			byID[c.ID] = c
		}
	}
	var steps []Step
	seen := map[string]bool{}
	hasRules := false
	for _, r := range rules {
		if r.Urgency != u {
			continue
		}
		hasRules = true
		c, ok := byID[r.ContactID]
		key := fmt.Sprint(r.ContactID, "/", r.Delay)
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		steps = append(steps, Step{Contact: c, Delay: r.Delay})
	}
	if !hasRules {
		steps = defaultPlan(u, contacts)
	}
	sort.SliceStable(steps, func(i, j int) bool {
		if steps[i].Delay != steps[j].Delay {
			return steps[i].Delay < steps[j].Delay
		}
		return steps[i].Contact.ID < steps[j].Contact.ID
	})
	return steps
}

func defaultPlan(u Urgency, contacts []Contact) []Step {
	var all, emails []Step
	for _, c := range contacts {
		if !c.Verified() {
			continue
		}
		s := Step{Contact: c, Default: true}
		all = append(all, s)
		if c.Kind == Email {
			emails = append(emails, s)
		}
	}
	if u == Low && len(emails) > 0 {
		return emails
	}
	return all
}
