package chat

import (
	"fmt"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Card is the incident card pinned in its channel: what it is, where it
// stands, who holds which role, the links, and the buttons for the common
// actions. Platforms render it (Block Kit on Slack) and edit it in place.
type Card struct {
	Number   int64
	Ref      string
	Title    string
	Severity string
	Stage    string // label, e.g. "Fix"
	Summary  string
	Roles    []RoleLine
	Links    []Link
	Actions  []Action
}

// RoleLine is one role and the people holding it (mentions or names).
type RoleLine struct {
	Role    incident.Role
	Label   string
	Holders []Person
}

// Person is someone shown on a card: a chat mention when linked, else a name.
type Person struct {
	Name       string
	ChatUserID string
}

// Link is a labelled URL on a card.
type Link struct {
	Label string
	URL   string
}

// Action is a button on a card; ID names what it does (see the Action* constants).
type Action struct {
	ID    string
	Label string
	Style string // "primary", "danger" or ""
	Value string // the incident number
}

// The card's buttons.
const (
	ActionResolve     = "inc_resolve"      // Fix → Resolved
	ActionStartFixing = "inc_fix"          // Detect → Fix
	ActionReopen      = "inc_reopen"       // Resolved → Fix
	ActionTakeIM      = "inc_take_im"      // take the vacant Incident Manager role
	ActionUpdate      = "inc_update"       // open the status-page update modal
	ActionAckPage     = "page_acknowledge" // a page DM's acknowledge button
	ActionResolvePage = "page_resolve"     // a page DM's resolve button
)

// CardLinks are the links a card shows besides the incident's own fields.
type CardLinks struct {
	Incident   string // the incident page in Firebreak
	Call       string // the conference link
	StatusPage string // the public status page telling about it, when published
	Postmortem string // the postmortem, once there is one
}

// CardFor builds the card of inc. people maps user ids to how they are
// shown; a missing id is shown as "user <id>".
func CardFor(inc *incident.Incident, people map[int64]Person, links CardLinks) Card {
	c := Card{Number: inc.Number, Ref: inc.Ref(), Title: inc.Title, Severity: inc.Severity,
		Stage: inc.Stage.Label(), Summary: inc.Summary}
	who := func(id int64) Person {
		if p, ok := people[id]; ok {
			return p
		}
		return Person{Name: "user " + strconv.FormatInt(id, 10)}
	}
	for _, r := range incident.AllRoles {
		line := RoleLine{Role: r, Label: r.Label()}
		var ids []int64
		switch r {
		case incident.IncidentManager:
			ids = nonZero(inc.Roles.IncidentManager)
		case incident.FirstResponder:
			ids = nonZero(inc.Roles.FirstResponder)
		case incident.CommunicationsManager:
			ids = nonZero(inc.Roles.CommunicationsManager)
		case incident.DomainExpert:
			ids = inc.Roles.DomainExperts
		}
		for _, id := range ids {
			line.Holders = append(line.Holders, who(id))
		}
		c.Roles = append(c.Roles, line)
	}
	add := func(label, url string) {
		if url != "" {
			c.Links = append(c.Links, Link{label, url})
		}
	}
	add("Incident", links.Incident)
	add("Call", links.Call)
	add("Status page", links.StatusPage)
	add("Postmortem", links.Postmortem)

	v := strconv.FormatInt(inc.Number, 10)
	switch inc.Stage {
	case incident.Detect:
		c.Actions = append(c.Actions, Action{ActionStartFixing, "Declare: start fixing", "primary", v})
	case incident.Fix:
		c.Actions = append(c.Actions, Action{ActionResolve, "Resolve", "primary", v})
	case incident.Resolved:
		c.Actions = append(c.Actions, Action{ActionReopen, "Reopen", "danger", v})
	}
	if inc.Stage.Open() {
		if inc.Roles.IncidentManager == 0 {
			c.Actions = append(c.Actions, Action{ActionTakeIM, "Take Incident Manager", "", v})
		}
		c.Actions = append(c.Actions, Action{ActionUpdate, "Status-page update", "", v})
	}
	return c
}

func nonZero(id int64) []int64 {
	if id == 0 {
		return nil
	}
	return []int64{id}
}

// Text is the card as one plain line, the fallback of notifications.
func (c Card) Text() string {
	return fmt.Sprintf("%s [%s · %s] %s", c.Ref, c.Severity, c.Stage, c.Title)
}

// Announcement is the message in the announcements channel when an incident starts.
func Announcement(inc *incident.Incident, channelID, incidentURL string) Message {
	return Message{Text: fmt.Sprintf(":rotating_light: %s declared: *%s* (%s). Join <#%s>. %s",
		inc.Ref(), inc.Title, inc.Severity, channelID, incidentURL)}
}

// Summary is the final message in the channel when an incident is closed
// (or dismissed), before the channel is archived.
func Summary(inc *incident.Incident, postmortemURL, incidentURL string) Message {
	var text string
	if inc.Stage == incident.Dismissed {
		text = fmt.Sprintf("%s was dismissed: %s.", inc.Ref(), inc.DismissReason)
	} else {
		text = fmt.Sprintf("%s is closed. Customers were affected for %s.", inc.Ref(), inc.Duration(*inc.Times.Closed).Round(60e9))
	}
	if postmortemURL != "" {
		text += " Postmortem: " + postmortemURL
	}
	text += " Timeline: " + incidentURL
	return Message{Text: text}
}
