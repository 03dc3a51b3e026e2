package postmortem

import (
	"regexp"
	"slices"
	"strings"
)

// Warning is a gentle hint from the blameless check: a phrase in the
// contributing factors that points at a person rather than at the system.
type Warning struct {
	Phrase string `json:"phrase"`
	Line   string `json:"line"`
	Why    string `json:"why"`
}

// blamingPhrases point at people instead of conditions. Matched as whole
// words, case-insensitively.
var blamingPhrases = []string{
	"human error", "fault", "blame", "blamed", "careless", "carelessly", "negligent", "negligence",
	"should have known", "should have", "failed to", "forgot to", "didn't bother", "sloppy", "incompetent",
	"mistake by", "his mistake", "her mistake", "their mistake", "screwed up", "messed up", "lazy",
}

var blamingRE = func() *regexp.Regexp {
	quoted := make([]string, len(blamingPhrases))
	for i, p := range blamingPhrases {
		quoted[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?i)\b(` + strings.Join(quoted, "|") + `)\b`)
}()

// Blameless checks the contributing-factors section of body for blaming
// language and for the names (and handles) of the people involved. It only
// warns: the authors decide.
func Blameless(body string, people []Person) []Warning {
	section := Section(body, "Contributing factors")
	var out []Warning
	seen := map[string]bool{}
	add := func(phrase, line, why string) {
		k := strings.ToLower(phrase) + "\x00" + line
		if !seen[k] {
			seen[k] = true
			out = append(out, Warning{Phrase: phrase, Line: line, Why: why})
		}
	}
	var names []string
	for _, p := range people {
		for _, n := range append(strings.Fields(p.Name), p.Name, p.Handle, "@"+p.Handle) {
			if len([]rune(n)) >= 3 && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	var nameRE *regexp.Regexp
	if len(names) > 0 {
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = regexp.QuoteMeta(n)
		}
		nameRE = regexp.MustCompile(`(?i)(^|[^\pL\pN])(` + strings.Join(quoted, "|") + `)($|[^\pL\pN])`)
	}
	for _, line := range strings.Split(section, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		for _, m := range blamingRE.FindAllString(t, -1) {
			add(m, t, "this phrase points at a person; describe the condition that made the action possible")
		}
		if nameRE != nil {
			for _, m := range nameRE.FindAllStringSubmatch(t, -1) {
				add(m[2], t, "a person is named; say what the system let happen instead of who did it")
			}
		}
	}
	return out
}
