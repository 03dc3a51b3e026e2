package statuspage

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Template is the starting text of a public update in one status; admins
// edit them. Title and Body may hold variables in double braces, replaced
// by Fill: {{title}}, {{components}}, {{groups}}, {{region}}, {{impact}},
// {{page}}, {{next_update}}, and {{is}} ("is" or "are", agreeing with the
// components).
type Template struct {
	Status    IncidentStatus `json:"status"`
	Title     string         `json:"title"`
	Body      string         `json:"body"`
	UpdatedAt time.Time      `json:"updated_at,omitzero"`
}

// TemplateVariables lists the variables a template may use, for the editor.
var TemplateVariables = []string{"title", "components", "groups", "region", "impact", "page", "next_update", "is"}

// DefaultTemplates are the templates of a fresh installation, one per
// incident status, written the way customers want to read them.
var DefaultTemplates = []Template{
	{Status: Investigating, Title: "{{title}}",
		Body: "We are investigating reports that {{components}} {{region}}{{is}} not working as expected. We will post an update within {{next_update}}."},
	{Status: Identified, Title: "{{title}}",
		Body: "Customers {{region}}can't use {{components}} as expected. We already identified the problem and are working on a fix. We will post an update within {{next_update}}."},
	{Status: Monitoring, Title: "{{title}}",
		Body: "A fix has been applied and {{components}} {{region}}{{is}} recovering. We are monitoring the results."},
	{Status: Resolved, Title: "{{title}}",
		Body: "This incident has been resolved: {{components}} {{region}}{{is}} working normally again. We apologise for the inconvenience."},
}

// Vars are the values a template is filled with.
type Vars struct {
	Title      string
	Components []string
	Groups     []string
	Region     string // e.g. "US"; rendered as "on the US infrastructure "
	Impact     string
	Page       string
	NextUpdate time.Duration // zero: "the next hour"
}

// Fill replaces the variables of t with v.
func (t Template) Fill(v Vars) (title, body string) {
	r := strings.NewReplacer(
		"{{title}}", v.Title,
		"{{components}}", joinWords(v.Components, "the service"),
		"{{groups}}", joinWords(v.Groups, ""),
		"{{region}}", regionWords(v.Region),
		"{{impact}}", v.Impact,
		"{{page}}", v.Page,
		"{{next_update}}", durationWords(v.NextUpdate),
		"{{is}}", map[bool]string{true: "are", false: "is"}[len(v.Components) > 1],
	)
	return strings.TrimSpace(r.Replace(t.Title)), strings.TrimSpace(r.Replace(t.Body))
}

func regionWords(region string) string {
	if strings.TrimSpace(region) == "" {
		return ""
	}
	return "on the " + strings.TrimSpace(region) + " infrastructure "
}

// joinWords writes a list as people do: "A", "A and B", "A, B and C".
func joinWords(items []string, none string) string {
	switch len(items) {
	case 0:
		return none
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func durationWords(d time.Duration) string {
	switch {
	case d <= 0:
		return "the next hour"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d == time.Hour:
		return "the hour"
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}

// Cadence is how often the public must hear from an open incident of each
// severity; a severity that is not listed has no cadence.
type Cadence map[string]time.Duration

// DefaultCadence is the cadence of a fresh installation.
var DefaultCadence = Cadence{"SEV1": 30 * time.Minute, "SEV2": time.Hour, "SEV3": 2 * time.Hour}

// NextDue is when the next public update of an incident of severity is due
// after one published at last; ok is false when the severity has no cadence.
func (c Cadence) NextDue(severity string, last time.Time) (time.Time, bool) {
	for k, d := range c {
		if strings.EqualFold(k, severity) && d > 0 {
			return last.Add(d), true
		}
	}
	return time.Time{}, false
}

// String encodes the cadence as "SEV1=30m,SEV2=1h".
func (c Cadence) String() string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+c[k].String())
	}
	return strings.Join(parts, ",")
}

// parseCadence reads what Cadence.String wrote.
func parseCadence(v string) (Cadence, error) {
	c := Cadence{}
	for p := range strings.SplitSeq(v, ",") {
		k, d, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			continue
		}
		dur, err := time.ParseDuration(d)
		if err != nil {
			return nil, apperr.Invalid("cadence", "%q is not a duration like 30m", d)
		}
		c[k] = dur
	}
	return c, nil
}

// ParseCadence reads "SEV1=30m,SEV2=1h" (for the CLI and forms).
func ParseCadence(v string) (Cadence, error) { return parseCadence(v) }
