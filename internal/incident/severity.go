package incident

import (
	"strings"
)

// Severity is one level of the installation's severity scale.
type Severity struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Scale is the ordered list of severities, most severe first.
type Scale []Severity

// DefaultScale is SEV1–SEV4, used when the configuration names none.
var DefaultScale = Scale{
	{"SEV1", "Critical: a core service is down or data is at risk for many customers"},
	{"SEV2", "Major: a core feature is unavailable or badly degraded for many customers"},
	{"SEV3", "Minor: a feature is degraded or a few customers are affected"},
	{"SEV4", "Low: cosmetic or internal impact; no customer-facing disruption"},
}

// Lookup finds a severity by name, case-insensitively, and returns its
// canonical spelling.
func (s Scale) Lookup(name string) (Severity, bool) {
	for _, sev := range s {
		if strings.EqualFold(sev.Name, strings.TrimSpace(name)) {
			return sev, true
		}
	}
	return Severity{}, false
}

// Names lists the severity names in order.
func (s Scale) Names() []string {
	names := make([]string, len(s))
	for i, sev := range s {
		names[i] = sev.Name
	}
	return names
}
