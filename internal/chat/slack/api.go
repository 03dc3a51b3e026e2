// Package slack is the Slack adapter of chat: the Web API calls behind
// chat.Platform (slack-go), the HTTP endpoints Slack calls (/slack/events,
// /slack/commands, /slack/interactions) with request-signature checks, and
// Socket Mode, which needs no public URL.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/firebreak-hq/firebreak/internal/chat"
)

// Client calls Slack's Web API with the bot token (chat.Platform).
type Client struct {
	api *slack.Client
	now func() time.Time

	mu      sync.Mutex
	blocked map[string]time.Time // method → until when Slack asked us to wait
}

var _ chat.Platform = (*Client)(nil)

// Options configure the Web API client.
type Options struct {
	BotToken string       // xoxb-…
	AppToken string       // xapp-…, for Socket Mode
	APIURL   string       // default https://slack.com/api/ (a fake in tests)
	HTTP     *http.Client // default a 15 s timeout client
}

// NewClient builds the Web API client.
func NewClient(o Options) *Client {
	hc := o.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	opts := []slack.Option{slack.OptionHTTPClient(hc)}
	if o.APIURL != "" {
		u := o.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if o.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(o.AppToken))
	}
	return &Client{api: slack.New(o.BotToken, opts...), now: time.Now, blocked: map[string]time.Time{}}
}

// Name is "slack".
func (c *Client) Name() string { return "slack" }

// apiErr returns Slack's error code ("name_taken") of a failed call.
func apiErr(err error) string {
	var r slack.SlackErrorResponse
	if errors.As(err, &r) {
		return r.Err
	}
	return err.Error()
}

// apiErrOf is apiErr that accepts nil ("").
func apiErrOf(err error) string {
	if err == nil {
		return ""
	}
	return apiErr(err)
}

// call runs one Web API method, honouring Retry-After: after a 429, every
// caller of that method (any job) is told to wait until the time Slack
// gave, without calling Slack again, so a burst cannot hammer a limited
// method. slack-go's rate-limit error becomes chat.RateLimited, which the
// job queue honours by snoozing.
func (c *Client) call(method string, f func() error) error {
	return c.callKeyed(method, method, f)
}

// callKeyed is call with the wait remembered under key: Slack limits
// chat.postMessage and chat.update per channel, so a 429 in one incident's
// channel must not hold up the others.
func (c *Client) callKeyed(key, method string, f func() error) error {
	c.mu.Lock()
	until, ok := c.blocked[key]
	c.mu.Unlock()
	if now := c.now(); ok && now.Before(until) {
		return &chat.RateLimited{RetryAfter: until.Sub(now)}
	}
	err := f()
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		c.mu.Lock()
		now := c.now()
		for k, t := range c.blocked { // forget waits that are over
			if now.After(t) {
				delete(c.blocked, k)
			}
		}
		c.blocked[key] = now.Add(rl.RetryAfter)
		c.mu.Unlock()
		return &chat.RateLimited{RetryAfter: rl.RetryAfter}
	}
	return fmt.Errorf("slack %s: %w", method, err)
}

// CreateChannel creates a public channel, adding -2, -3, … when the name is taken.
func (c *Client) CreateChannel(ctx context.Context, name string) (chat.Channel, error) {
	try := name
	for i := 2; ; i++ {
		var ch *slack.Channel
		err := c.call("conversations.create", func() (err error) {
			ch, err = c.api.CreateConversationContext(ctx, slack.CreateConversationParams{ChannelName: try})
			return err
		})
		if err == nil {
			return chat.Channel{ID: ch.ID, Name: ch.Name}, nil
		}
		if apiErr(err) != "name_taken" || i > 20 {
			return chat.Channel{}, err
		}
		suffix := "-" + strconv.Itoa(i)
		try = name
		if len(try)+len(suffix) > 80 {
			try = try[:80-len(suffix)]
		}
		try += suffix
	}
}

// SetTopic sets the channel's topic.
func (c *Client) SetTopic(ctx context.Context, channelID, topic string) error {
	return c.call("conversations.setTopic", func() error {
		_, err := c.api.SetTopicOfConversationContext(ctx, channelID, topic)
		return err
	})
}

// Invite adds users to the channel.
func (c *Client) Invite(ctx context.Context, channelID string, userIDs []string) error {
	err := c.call("conversations.invite", func() error {
		_, err := c.api.InviteUsersToConversationContext(ctx, channelID, userIDs...)
		return err
	})
	switch apiErrOf(err) {
	case "already_in_channel", "cant_invite_self":
		if len(userIDs) == 1 {
			return nil
		}
		// one of them joined by themselves: invite the others one by one
		for _, u := range userIDs {
			if err := c.Invite(ctx, channelID, []string{u}); err != nil {
				return err
			}
		}
		return nil
	}
	return err
}

// Post posts a message (a card is rendered as Block Kit) and returns its ts.
func (c *Client) Post(ctx context.Context, channelID string, m chat.Message) (string, error) {
	var ts string
	err := c.callKeyed("chat.postMessage "+channelID, "chat.postMessage", func() (err error) {
		_, ts, err = c.api.PostMessageContext(ctx, channelID, msgOptions(m)...)
		return err
	})
	return ts, err
}

// Update replaces a message.
func (c *Client) Update(ctx context.Context, channelID, ts string, m chat.Message) error {
	return c.callKeyed("chat.update "+channelID, "chat.update", func() error {
		_, _, _, err := c.api.UpdateMessageContext(ctx, channelID, ts, msgOptions(m)...)
		return err
	})
}

func msgOptions(m chat.Message) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false)}
	if m.Card != nil {
		opts = append(opts, slack.MsgOptionBlocks(CardBlocks(*m.Card)...))
	}
	return opts
}

// Pin pins a message.
func (c *Client) Pin(ctx context.Context, channelID, ts string) error {
	err := c.call("pins.add", func() error {
		return c.api.AddPinContext(ctx, channelID, slack.NewRefToMessage(channelID, ts))
	})
	if apiErrOf(err) == "already_pinned" {
		return nil
	}
	return err
}

// Archive archives the channel.
func (c *Client) Archive(ctx context.Context, channelID string) error {
	err := c.call("conversations.archive", func() error { return c.api.ArchiveConversationContext(ctx, channelID) })
	if apiErrOf(err) == "already_archived" {
		return nil
	}
	return err
}

// UserByEmail finds a Slack user by email (users.lookupByEmail).
func (c *Client) UserByEmail(ctx context.Context, email string) (string, error) {
	if email == "" {
		return "", chat.ErrNoSuchUser
	}
	var u *slack.User
	err := c.call("users.lookupByEmail", func() (err error) {
		u, err = c.api.GetUserByEmailContext(ctx, email)
		return err
	})
	if apiErrOf(err) == "users_not_found" {
		return "", chat.ErrNoSuchUser
	}
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// UserEmail reads a Slack user's email (users.info; needs users:read.email).
func (c *Client) UserEmail(ctx context.Context, userID string) (string, error) {
	var u *slack.User
	err := c.call("users.info", func() (err error) {
		u, err = c.api.GetUserInfoContext(ctx, userID)
		return err
	})
	if err != nil {
		return "", err
	}
	return u.Profile.Email, nil
}

// Message reads one message: from the channel's history, or, for a reply
// in a thread, from the thread.
func (c *Client) Message(ctx context.Context, channelID, ts string) (chat.ChatMessage, error) {
	var h *slack.GetConversationHistoryResponse
	err := c.call("conversations.history", func() (err error) {
		h, err = c.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channelID, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1})
		return err
	})
	if err != nil {
		return chat.ChatMessage{}, err
	}
	for _, m := range h.Messages {
		if m.Timestamp == ts {
			return chatMessage(channelID, m.Msg), nil
		}
	}
	var msgs []slack.Message
	err = c.call("conversations.replies", func() (err error) {
		msgs, _, _, err = c.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: channelID, Timestamp: ts, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1})
		return err
	})
	if err != nil {
		return chat.ChatMessage{}, err
	}
	for _, m := range msgs {
		if m.Timestamp == ts {
			return chatMessage(channelID, m.Msg), nil
		}
	}
	return chat.ChatMessage{}, fmt.Errorf("slack: message %s in %s not found", ts, channelID)
}

func chatMessage(channelID string, m slack.Msg) chat.ChatMessage {
	return chat.ChatMessage{ChannelID: channelID, TS: m.Timestamp, UserID: m.User, Text: m.Text, At: tsTime(m.Timestamp)}
}

// tsTime reads the time in a Slack message id ("1700000000.000100").
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}
	}
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000).UTC()
}

// Permalink is the link to a message.
func (c *Client) Permalink(ctx context.Context, channelID, ts string) (string, error) {
	var link string
	err := c.call("chat.getPermalink", func() (err error) {
		link, err = c.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channelID, Ts: ts})
		return err
	})
	return link, err
}

// Ephemeral shows a message to one person in a channel.
func (c *Client) Ephemeral(ctx context.Context, channelID, userID, text string) error {
	return c.call("chat.postEphemeral", func() error {
		_, err := c.api.PostEphemeralContext(ctx, channelID, userID, slack.MsgOptionText(text, false))
		return err
	})
}

// OpenView opens a modal in answer to an interaction (views.open).
func (c *Client) OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) error {
	return c.call("views.open", func() error {
		_, err := c.api.OpenViewContext(ctx, triggerID, v)
		return err
	})
}

// Check verifies the bot token (auth.test) and says where it is connected.
func (c *Client) Check(ctx context.Context) (string, error) {
	var r *slack.AuthTestResponse
	err := c.call("auth.test", func() (err error) {
		r, err = c.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("connected to %s as %s", r.Team, r.User), nil
}
