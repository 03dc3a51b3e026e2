package chat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// Request is one thing a chat user asked for: a slash command's text, or a
// button's action id and value.
type Request struct {
	UserID    string // the chat user
	ChannelID string // where it was asked
	Text      string // slash command: the text after the command
	Action    string // button: one of the Action* ids
	Value     string // button: its value (the incident number)
}

// Reply is the answer shown to the person (or, InChannel, to everyone in
// the channel); Modal asks the platform to open a form instead.
type Reply struct {
	Text      string
	InChannel bool
	Modal     *Modal
}

// Modal is a form chat asks the platform to open.
type Modal struct {
	Kind       string // ModalDeclare or ModalUpdate
	Number     int64  // the incident (update)
	ChannelID  string // where the form was asked for
	Severities []string
	Statuses   []string
	Title      string // declare: a prefilled title; update: the public incident's title
	Status     string // update: the proposed status
	Body       string // update: the drafted text
	PageID     int64  // update: the status page
	Reason     string // update: why this status is proposed
}

// The forms.
const (
	ModalDeclare = "declare"
	ModalUpdate  = "update"
)

// refuse turns an error into the answer people see.
func refuse(err error) Reply {
	e := apperr.As(err)
	if e.Code == apperr.CodeInternal {
		return Reply{Text: ":warning: Something went wrong on the Firebreak side; the operator's log has the details."}
	}
	return Reply{Text: ":no_entry: " + e.Message}
}

// Command runs a slash command as the linked Firebreak user.
func (s *Service) Command(ctx context.Context, r Request) Reply {
	c, err := ParseCommand(r.Text)
	if err != nil {
		return refuse(err)
	}
	if c.Verb == "help" {
		return Reply{Text: Help(s.Config.Command)}
	}
	a, err := s.ActorFor(ctx, r.UserID)
	if err != nil {
		return refuse(err)
	}
	ctx = access.With(ctx, a)
	if c.Verb == "declare" {
		if c.Text == "" {
			return Reply{Modal: &Modal{Kind: ModalDeclare, ChannelID: r.ChannelID, Severities: s.Incidents.Scale().Names()}}
		}
		return s.declare(ctx, DeclareForm{Title: c.Text, Lead: true})
	}
	number := c.Number
	if number == 0 {
		if number, err = s.incidentOf(ctx, r.ChannelID); err != nil {
			return refuse(err)
		}
	}
	var inc *incident.Incident
	switch c.Verb {
	case "sev":
		if len(c.Args) != 1 {
			return refuse(apperr.Invalid("severity", "say which, e.g. %s sev %s", s.Config.Command, s.Incidents.Scale().Names()[0]))
		}
		inc, err = s.Incidents.Update(ctx, number, 0, incident.Patch{Severity: &c.Args[0]})
		if err == nil {
			return Reply{InChannel: true, Text: fmt.Sprintf("%s set the severity of %s to *%s*.", mentionOf(r.UserID), inc.Ref(), inc.Severity)}
		}
	case "resolve":
		return s.move(ctx, r.UserID, number, incident.Resolved, "")
	case "stage":
		if len(c.Args) == 0 {
			return refuse(apperr.Invalid("stage", "say which, e.g. %s stage resolved", s.Config.Command))
		}
		return s.move(ctx, r.UserID, number, incident.Stage(strings.ToLower(c.Args[0])), strings.Join(c.Args[1:], " "))
	case "role":
		return s.appoint(ctx, r.UserID, number, c)
	case "note":
		if _, err = s.Incidents.AddNote(ctx, number, c.Text, false); err == nil {
			return Reply{Text: "Noted on the timeline of " + incident.Ref(number) + "."}
		}
	case "update":
		return s.updateModal(ctx, number, r.ChannelID)
	case "page":
		return s.page(ctx, number, c)
	case "status":
		if inc, err = s.Incidents.Get(ctx, number); err == nil {
			return Reply{Text: s.statusText(ctx, inc)}
		}
	}
	return refuse(err)
}

// incidentOf finds the incident of a channel.
func (s *Service) incidentOf(ctx context.Context, channelID string) (int64, error) {
	st, err := s.Store.ChannelByID(ctx, s.platformName(), channelID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return 0, apperr.Invalid("incident", "this channel belongs to no incident: run the command in an incident's channel, or name the incident, e.g. %s status INC-42", s.Config.Command)
	}
	return st.Number, err
}

// DeclareForm is the declare modal's content.
type DeclareForm struct {
	Title    string
	Severity string
	Summary  string
	Lead     bool // the declarer becomes Incident Manager
}

// SubmitDeclare declares an incident from the declare form.
func (s *Service) SubmitDeclare(ctx context.Context, chatUserID string, f DeclareForm) error {
	a, err := s.ActorFor(ctx, chatUserID)
	if err != nil {
		return err
	}
	_, err = s.Incidents.Declare(access.With(ctx, a), incident.DeclareInput{Title: f.Title, Severity: f.Severity, Summary: f.Summary, TakeManager: f.Lead})
	return err
}

func (s *Service) declare(ctx context.Context, f DeclareForm) Reply {
	inc, err := s.Incidents.Declare(ctx, incident.DeclareInput{Title: f.Title, Severity: f.Severity, Summary: f.Summary, TakeManager: f.Lead})
	if err != nil {
		return refuse(err)
	}
	text := fmt.Sprintf(":rotating_light: Declared %s (%s): *%s*. %s", inc.Ref(), inc.Severity, inc.Title, s.incidentURL(inc.Number))
	if s.Platform != nil {
		text += " Its channel is being created; you will be invited."
	}
	return Reply{InChannel: true, Text: text}
}

// move changes the stage and says so in the channel.
func (s *Service) move(ctx context.Context, chatUserID string, number int64, to incident.Stage, reason string) Reply {
	inc, err := s.Incidents.ChangeStage(ctx, number, 0, to, reason)
	if err != nil {
		return refuse(err)
	}
	return Reply{InChannel: true, Text: fmt.Sprintf("%s moved %s to *%s*.", mentionOf(chatUserID), inc.Ref(), inc.Stage.Label())}
}

// appoint runs /inc role <role> @user. A refusal names who can do it.
func (s *Service) appoint(ctx context.Context, chatUserID string, number int64, c Command) Reply {
	if len(c.Args) != 1 || len(c.Users) != 1 {
		return refuse(apperr.Invalid("role", "say which role and whom, e.g. %s role de @ana", s.Config.Command))
	}
	role, err := ParseRole(c.Args[0])
	if err != nil {
		return refuse(err)
	}
	who, err := s.ActorFor(ctx, c.Users[0])
	if err != nil {
		return refuse(apperr.Invalid("user", "%s has no Firebreak account linked to their chat account; an admin can link it", mentionOf(c.Users[0])))
	}
	inc, err := s.Incidents.AssignRole(ctx, number, 0, role, who.UserID)
	if err != nil {
		r := refuse(err)
		if apperr.Is(err, apperr.CodeForbidden) {
			if cur, gerr := s.Incidents.Get(ctx, number); gerr == nil && cur.Roles.IncidentManager != 0 {
				if id, _ := s.chatUserOf(ctx, cur.Roles.IncidentManager); id != "" {
					r.Text += " — ask " + mentionOf(id)
				}
			}
		}
		return r
	}
	return Reply{InChannel: true, Text: fmt.Sprintf("%s made %s the *%s* of %s.", mentionOf(chatUserID), mentionOf(c.Users[0]), role.Label(), inc.Ref())}
}

// updateModal drafts the next public update for the Communications Manager.
func (s *Service) updateModal(ctx context.Context, number int64, channelID string) Reply {
	if s.StatusPages == nil {
		return Reply{Text: "Status pages are not set up on this Firebreak."}
	}
	c, err := s.StatusPages.Communications(ctx, number, 0, "")
	if err != nil {
		return refuse(err)
	}
	if !c.MayPublish {
		return refuse(apperr.Forbidden("only the Communications Manager, the Incident Manager or an admin can publish a status-page update of %s", incident.Ref(number)))
	}
	m := &Modal{Kind: ModalUpdate, Number: number, ChannelID: channelID, Title: c.Draft.Title, Status: string(c.Draft.Status),
		Body: c.Draft.Body, PageID: c.Draft.PageID, Reason: c.Draft.Reason}
	for _, st := range statuspage.IncidentStatuses {
		m.Statuses = append(m.Statuses, string(st))
	}
	return Reply{Modal: m}
}

// UpdateForm is the update modal's content.
type UpdateForm struct {
	Number int64
	PageID int64
	Status string
	Title  string
	Body   string
}

// SubmitUpdate publishes the status-page update from the update form.
func (s *Service) SubmitUpdate(ctx context.Context, chatUserID string, f UpdateForm) error {
	if s.StatusPages == nil {
		return apperr.Unavailable("status pages are not set up")
	}
	a, err := s.ActorFor(ctx, chatUserID)
	if err != nil {
		return err
	}
	_, err = s.StatusPages.Publish(access.With(ctx, a), f.Number, statuspage.UpdateInput{PageID: f.PageID,
		Status: statuspage.IncidentStatus(f.Status), Title: f.Title, Body: f.Body})
	return err
}

// page runs /inc page @user|team through paging, when it is wired.
func (s *Service) page(ctx context.Context, number int64, c Command) Reply {
	if s.Pager == nil {
		return Reply{Text: "Paging is not set up on this Firebreak yet, so nobody was paged. Invite people to the channel, or call them."}
	}
	if len(c.Users) == 0 && len(c.Teams) == 0 {
		return refuse(apperr.Invalid("page", "say whom, e.g. %s page @ana or %s page payments", s.Config.Command, s.Config.Command))
	}
	inc, err := s.Incidents.Get(ctx, number)
	if err != nil {
		return refuse(err)
	}
	summary := inc.Ref() + ": " + inc.Title
	var paged []string
	for _, u := range c.Users {
		who, err := s.ActorFor(ctx, u)
		if err != nil {
			return refuse(apperr.Invalid("user", "%s has no Firebreak account linked to their chat account", mentionOf(u)))
		}
		if err := s.Pager.PageUser(ctx, who.UserID, summary, number); err != nil {
			return refuse(err)
		}
		paged = append(paged, mentionOf(u))
	}
	for _, t := range c.Teams {
		if s.Teams == nil {
			return refuse(apperr.Invalid("team", "teams cannot be paged here"))
		}
		id, err := s.Teams.TeamID(ctx, t)
		if err != nil {
			return refuse(err)
		}
		if err := s.Pager.PageTeam(ctx, id, summary, number); err != nil {
			return refuse(err)
		}
		paged = append(paged, "team "+t)
	}
	return Reply{InChannel: true, Text: fmt.Sprintf(":pager: Paged %s for %s.", strings.Join(paged, ", "), inc.Ref())}
}

// statusText is /inc status: the incident in a few lines.
func (s *Service) statusText(ctx context.Context, inc *incident.Incident) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%s: %s*\n%s · %s · %s\n", inc.Ref(), inc.Title, inc.Severity, inc.Stage.Label(), s.incidentURL(inc.Number))
	people, _ := s.people(ctx, inc.Roles.Holders())
	card := CardFor(inc, people, CardLinks{})
	for _, r := range card.Roles {
		names := []string{}
		for _, p := range r.Holders {
			names = append(names, p.Mention())
		}
		if len(names) == 0 {
			names = []string{"vacant"}
		}
		fmt.Fprintf(&b, "%s: %s\n", r.Label, strings.Join(names, ", "))
	}
	if call, err := s.callLink(ctx, inc); err == nil && call != "" {
		fmt.Fprintf(&b, "Call: %s\n", call)
	}
	return strings.TrimSpace(b.String())
}

// Act runs a button pressed on a card.
func (s *Service) Act(ctx context.Context, r Request) Reply {
	number, err := strconv.ParseInt(r.Value, 10, 64)
	if err != nil {
		return refuse(apperr.Invalid("value", "this button names no incident"))
	}
	a, err := s.ActorFor(ctx, r.UserID)
	if err != nil {
		return refuse(err)
	}
	ctx = access.With(ctx, a)
	switch r.Action {
	case ActionAckPage, ActionResolvePage:
		return s.answerPage(ctx, r.Action, number)
	case ActionResolve:
		return s.move(ctx, r.UserID, number, incident.Resolved, "")
	case ActionStartFixing, ActionReopen:
		return s.move(ctx, r.UserID, number, incident.Fix, "")
	case ActionTakeIM:
		inc, err := s.Incidents.AssignRole(ctx, number, 0, incident.IncidentManager, a.UserID)
		if err != nil {
			return refuse(err)
		}
		return Reply{InChannel: true, Text: fmt.Sprintf("%s is now the *Incident Manager* of %s.", mentionOf(r.UserID), inc.Ref())}
	case ActionUpdate:
		return s.updateModal(ctx, number, r.ChannelID)
	}
	return refuse(apperr.Invalid("action", "unknown button %q", r.Action))
}

// answerPage acknowledges or resolves a page from its DM's buttons.
func (s *Service) answerPage(ctx context.Context, action string, pageID int64) Reply {
	if s.Pages == nil {
		return Reply{Text: "Paging is not set up on this Firebreak; use the link in the message instead."}
	}
	if action == ActionAckPage {
		if err := s.Pages.Acknowledge(ctx, pageID); err != nil {
			return refuse(err)
		}
		return Reply{Text: ":white_check_mark: Acknowledged: escalation stopped, the page is yours."}
	}
	if err := s.Pages.Resolve(ctx, pageID); err != nil {
		return refuse(err)
	}
	return Reply{Text: ":white_check_mark: Resolved."}
}

// mentionOf writes a chat user mention.
func mentionOf(chatUserID string) string { return "<@" + chatUserID + ">" }

// Mention is how the person appears in a message: a mention when linked.
func (p Person) Mention() string {
	if p.ChatUserID != "" {
		return mentionOf(p.ChatUserID)
	}
	return p.Name
}
