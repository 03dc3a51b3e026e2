package chat

import (
	"regexp"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Command is a parsed slash command: "/inc role de @ana" is
// {Verb: "role", Args: ["de"], Users: ["U123"]}.
type Command struct {
	Verb   string
	Args   []string // words other than mentions and the incident id
	Users  []string // chat user ids mentioned, in order
	Teams  []string // words after "page" that are not mentions: team names
	Number int64    // an INC-42 named in the command; 0: the channel's incident
	Text   string   // the rest of the text after the verb, for declare/note
}

// Verbs lists the commands in the order help shows them.
var Verbs = []string{"declare", "sev", "stage", "resolve", "role", "note", "update", "page", "status", "help"}

// mention matches Slack's escaped user mention <@U123> or <@U123|name>.
var mention = regexp.MustCompile(`^<@([A-Z0-9]+)(\|[^>]*)?>$`)

// ParseCommand splits the text of a slash command.
func ParseCommand(text string) (Command, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Command{Verb: "help"}, nil
	}
	verb, rest, _ := strings.Cut(text, " ")
	c := Command{Verb: strings.ToLower(verb), Text: strings.TrimSpace(rest)}
	switch c.Verb {
	case "declare":
		return c, nil // free text: the title
	case "note":
		// free text; a leading INC-n names the incident
		first, after, _ := strings.Cut(c.Text, " ")
		if strings.HasPrefix(strings.ToUpper(first), "INC-") {
			if n, err := incident.ParseRef(first); err == nil {
				c.Number, c.Text = n, strings.TrimSpace(after)
			}
		}
		return c, nil
	}
	for _, w := range strings.Fields(rest) {
		if m := mention.FindStringSubmatch(w); m != nil {
			c.Users = append(c.Users, m[1])
			continue
		}
		if strings.HasPrefix(strings.ToUpper(w), "INC-") {
			n, err := incident.ParseRef(w)
			if err != nil {
				return Command{}, apperr.Invalid("incident", "%v", err)
			}
			c.Number = n
			continue
		}
		c.Args = append(c.Args, w)
	}
	if c.Verb == "page" {
		c.Teams, c.Args = c.Args, nil
	}
	for _, v := range Verbs {
		if v == c.Verb {
			return c, nil
		}
	}
	return Command{}, apperr.Invalid("command", "there is no command %q; try help", verb)
}

// ParseRole accepts a role's name or a short form: im, fr, de, cm, expert, comms.
func ParseRole(s string) (incident.Role, error) {
	switch strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s))) {
	case "im", "incident_manager", "manager", "lead":
		return incident.IncidentManager, nil
	case "fr", "first_responder", "responder":
		return incident.FirstResponder, nil
	case "de", "domain_expert", "expert":
		return incident.DomainExpert, nil
	case "cm", "communications_manager", "comms", "communications":
		return incident.CommunicationsManager, nil
	}
	return "", apperr.Invalid("role", "unknown role %q; use im, fr, de or cm (incident_manager, first_responder, domain_expert, communications_manager)", s)
}

// Help is the answer to /inc help; cmd is the configured command name.
func Help(cmd string) string {
	return strings.NewReplacer("/inc", cmd).Replace("*Firebreak incident commands*\n" +
		"`/inc declare [title]` declare an incident (no title: a form)\n" +
		"`/inc sev SEV1` change the severity\n" +
		"`/inc stage fix|resolved|improve|closed` move the incident on; `/inc resolve` resolves it\n" +
		"`/inc role im|fr|de|cm @someone` appoint a role (the Incident Manager appoints Domain Experts and the Communications Manager)\n" +
		"`/inc note text` add a note to the timeline (or react to a message with :pushpin:)\n" +
		"`/inc update` draft a status-page update\n" +
		"`/inc page @someone|team` page a person or a team's on-call\n" +
		"`/inc status` show the incident\n" +
		"In an incident channel the commands act on its incident; elsewhere add its id, e.g. `/inc sev SEV1 INC-42`.")
}
