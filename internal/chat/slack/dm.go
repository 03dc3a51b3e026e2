package slack

import (
	"context"
	"errors"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/notification"
)

// KindSlack is the contact-method kind of Slack direct messages; the
// address is the person's Slack member id (U…).
const KindSlack notification.Kind = "slack"

// DMSender delivers notifications (pages, handoff notices) as Slack direct
// messages. A page's message carries Acknowledge and Resolve buttons that
// act through chat (as the linked user), and the signed links as fallback.
type DMSender struct{ c *Client }

var _ notification.Sender = DMSender{}

// NewDMSender builds the sender over the Web API client.
func NewDMSender(c *Client) DMSender { return DMSender{c: c} }

// Send posts the message to the user's DM with the app.
func (d DMSender) Send(ctx context.Context, to notification.Target, msg notification.Rendered) error {
	blocks := []slack.Block{}
	if msg.Subject != "" {
		blocks = append(blocks, slack.NewHeaderBlock(plain(clipText(msg.Subject, 150))))
	}
	if msg.Body != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(escape(clipText(msg.Body, 2900))), nil, nil))
	}
	var els []slack.BlockElement
	if msg.PageID != 0 {
		v := strconv.FormatInt(msg.PageID, 10)
		els = append(els,
			slack.NewButtonBlockElement(chat.ActionAckPage, v, plain("Acknowledge")).WithStyle(slack.StylePrimary),
			slack.NewButtonBlockElement(chat.ActionResolvePage, v, plain("Resolve")))
	}
	for i, a := range msg.Actions {
		if len(els) >= 25 {
			break
		}
		b := slack.NewButtonBlockElement("link_"+strconv.Itoa(i), "", plain(clipText(a.Label, 70)))
		b.URL = a.URL
		els = append(els, b)
	}
	if len(els) > 0 {
		blocks = append(blocks, slack.NewActionBlock("page_actions", els...))
	}
	text := msg.Subject
	if msg.Body != "" {
		text += "\n" + msg.Body
	}
	err := d.c.callKeyed("chat.postMessage "+to.Address, "chat.postMessage", func() error {
		_, _, err := d.c.api.PostMessageContext(ctx, to.Address, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		return err
	})
	switch apiErrOf(err) {
	case "channel_not_found", "user_not_found", "not_authed", "invalid_auth", "account_inactive", "user_disabled":
		return notification.Permanent(errors.New("slack: " + apiErr(err)))
	}
	return err
}
