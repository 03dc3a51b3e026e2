package cli

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ChatCmd groups the chat (Slack) commands.
type ChatCmd struct {
	Status     ChatStatusCmd     `cmd:"" help:"Show how Slack is connected, who is linked, and the incident channels (admins)."`
	LinkUser   ChatLinkUserCmd   `cmd:"" name:"link-user" help:"Link a Firebreak user to their Slack account by hand, when their emails differ (admins)."`
	UnlinkUser ChatUnlinkUserCmd `cmd:"" name:"unlink-user" help:"Remove a user's Slack link; they are matched by email again (admins)."`
	Links      ChatLinksCmd      `cmd:"" help:"Show an incident's Slack channel and call link."`
}

// ChatLinksCmd prints an incident's channel and call link.
type ChatLinksCmd struct {
	Incident string `arg:"" help:"The incident, e.g. INC-42."`
}

// Run prints them.
func (c *ChatLinksCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	l, err := cl.WithRaw(&raw).IncidentChat(e.ctx, strings.ToUpper(c.Incident))
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	channel := l.Channel
	if channel == "" {
		channel = "—"
	}
	fmt.Fprintf(e.stdout, "Channel: %s\nCall:    %s\n", channel, l.Call)
	return nil
}

// ChatStatusCmd prints the chat settings.
type ChatStatusCmd struct{}

// Run prints the connection, the links and the channels.
func (c *ChatStatusCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	st, err := cl.WithRaw(&raw).ChatStatus(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	conn := "not configured (set chat.slack.bot_token; see docs/slack.md)"
	if st.Connected {
		conn = strings.TrimSpace(st.Mode + " mode: " + st.Detail)
	}
	fmt.Fprintf(e.stdout, "Slack:          %s\n", conn)
	fmt.Fprintf(e.stdout, "Command:        %s   capture reaction: :%s:\n", st.Command, st.Reaction)
	fmt.Fprintf(e.stdout, "Channel names:  %s\n", st.ChannelPattern)
	if st.Announcements != "" {
		fmt.Fprintf(e.stdout, "Announcements:  %s\n", st.Announcements)
	}
	users, err := cl.Users(e.ctx)
	if err != nil {
		return err
	}
	handles := map[int64]string{}
	for _, u := range users {
		handles[u.ID] = "@" + u.Handle
	}
	fmt.Fprintf(e.stdout, "\nLinked users (%d)\n", len(st.Links))
	w := table(e.stdout)
	fmt.Fprintln(w, "USER\tSLACK ID\tHOW")
	for _, l := range st.Links {
		fmt.Fprintf(w, "%s\t%s\t%s\n", handles[l.UserID], l.ChatUserID, l.How)
	}
	w.Flush()
	fmt.Fprintf(e.stdout, "\nIncident channels (%d)\n", len(st.Channels))
	w = table(e.stdout)
	fmt.Fprintln(w, "INCIDENT\tCHANNEL\tID\tARCHIVED")
	for _, ch := range st.Channels {
		fmt.Fprintf(w, "INC-%d\t#%s\t%s\t%v\n", ch.Number, ch.ChannelName, ch.ChannelID, ch.Archived)
	}
	return w.Flush()
}

// ChatLinkUserCmd links a user to a Slack account.
type ChatLinkUserCmd struct {
	User    string `arg:"" help:"The Firebreak user: @handle, email or id."`
	SlackID string `arg:"" name:"slack-id" help:"Their Slack member id, e.g. U024BE7LH (Slack: profile → ⋮ → Copy member ID)."`
}

// Run links them.
func (c *ChatLinkUserCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.userID(cl, c.User)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	l, err := cl.WithRaw(&raw).LinkChatUser(e.ctx, id, c.SlackID)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	fmt.Fprintf(e.stdout, "Linked %s to Slack user %s.\n", c.User, l.ChatUserID)
	return nil
}

// ChatUnlinkUserCmd removes a link.
type ChatUnlinkUserCmd struct {
	User string `arg:"" help:"The Firebreak user: @handle, email or id."`
}

// Run unlinks them.
func (c *ChatUnlinkUserCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.userID(cl, c.User)
	if err != nil {
		return err
	}
	if err := cl.UnlinkChatUser(e.ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Unlinked %s from Slack.\n", c.User)
	return nil
}
