// Package chat runs incidents from a chat: a channel per incident with a
// card kept up to date, slash commands and buttons that act as the matched
// Firebreak user, and messages captured on the timeline. It talks to the
// chat through Platform, so Slack (chat/slack) is one adapter and Microsoft
// Teams or Mattermost can follow without touching the rules here.
package chat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Platform is what Firebreak needs from a chat. Every method may return a
// *RateLimited error, which the job queue honours by waiting.
type Platform interface {
	// Name is the platform's name, stored beside its ids ("slack").
	Name() string
	// CreateChannel creates a public channel; when name is taken it tries
	// name-2, name-3, … and returns the channel it made.
	CreateChannel(ctx context.Context, name string) (Channel, error)
	// SetTopic sets the channel's topic.
	SetTopic(ctx context.Context, channelID, topic string) error
	// Invite adds users to the channel; users already in it are not an error.
	Invite(ctx context.Context, channelID string, userIDs []string) error
	// Post posts a message and returns its id (Slack: ts).
	Post(ctx context.Context, channelID string, m Message) (string, error)
	// Update replaces a message posted earlier.
	Update(ctx context.Context, channelID, ts string, m Message) error
	// Pin pins a message in its channel; a message already pinned is not an error.
	Pin(ctx context.Context, channelID, ts string) error
	// Archive archives the channel; an archived channel is not an error.
	Archive(ctx context.Context, channelID string) error
	// UserByEmail finds the chat user with this email; ErrNoSuchUser if none.
	UserByEmail(ctx context.Context, email string) (string, error)
	// UserEmail returns the email of a chat user ("" when the app may not read it).
	UserEmail(ctx context.Context, userID string) (string, error)
	// Message reads one message (for a reaction, which carries only its id).
	Message(ctx context.Context, channelID, ts string) (ChatMessage, error)
	// Permalink is the link to a message.
	Permalink(ctx context.Context, channelID, ts string) (string, error)
}

// Channel is a chat channel Firebreak created.
type Channel struct {
	ID   string
	Name string
}

// Message is something Firebreak posts: a card, a notice or a summary.
// Text is the plain fallback (notifications, screen readers); Card, when
// set, is rendered by the platform (Block Kit on Slack).
type Message struct {
	Text string
	Card *Card
}

// ChatMessage is a message people wrote in the chat.
type ChatMessage struct {
	ChannelID string
	TS        string
	UserID    string // the author's chat user id
	Text      string
	At        time.Time
}

// RateLimited says the chat refused a call for now; retry after RetryAfter.
type RateLimited struct{ RetryAfter time.Duration }

func (e *RateLimited) Error() string {
	return fmt.Sprintf("chat rate limit: retry after %s", e.RetryAfter)
}

// ErrNoSuchUser: the chat has no user with that email.
var ErrNoSuchUser = errors.New("chat: no such user")

// ChannelState is an incident's channel and what Firebreak already did in
// it; each step is recorded as it completes so a retried job resumes
// instead of repeating (one card, one announcement, one summary).
type ChannelState struct {
	Number      int64     `json:"number"`
	Platform    string    `json:"platform"`
	ChannelID   string    `json:"channel_id"`
	ChannelName string    `json:"channel_name"`
	CardTS      string    `json:"card_ts,omitempty"`
	Pinned      bool      `json:"pinned"`
	Topic       string    `json:"topic"`
	Invited     []string  `json:"invited"`
	Announced   bool      `json:"announced"`
	Summarized  bool      `json:"summarized"`
	Archived    bool      `json:"archived"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// UserLink ties a Firebreak user to a chat user.
type UserLink struct {
	UserID     int64     `json:"user_id"`
	Platform   string    `json:"platform"`
	ChatUserID string    `json:"chat_user_id"`
	How        string    `json:"how"` // "email" (matched automatically) or "manual"
	CreatedAt  time.Time `json:"created_at"`
}

// How a link was made.
const (
	LinkedByEmail  = "email"
	LinkedManually = "manual"
)

// Capture is a chat message captured on an incident's timeline.
type Capture struct {
	Platform   string    `json:"platform"`
	ChannelID  string    `json:"channel_id"`
	MessageTS  string    `json:"message_ts"`
	Number     int64     `json:"number"`
	Author     string    `json:"author"`
	Text       string    `json:"text"`
	Permalink  string    `json:"permalink"`
	Deleted    bool      `json:"deleted"`
	CapturedAt time.Time `json:"captured_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Store is what chat needs from storage.
type Store interface {
	// Channel reads an incident's channel state; apperr NotFound when none.
	Channel(ctx context.Context, number int64) (ChannelState, error)
	// ChannelByID finds the incident of a channel; apperr NotFound when none.
	ChannelByID(ctx context.Context, platform, channelID string) (ChannelState, error)
	// Channels lists every incident channel, newest incident first.
	Channels(ctx context.Context) ([]ChannelState, error)
	// SaveChannel inserts or replaces an incident's channel state.
	SaveChannel(ctx context.Context, c ChannelState) error
	// Link reads the link of a Firebreak user; apperr NotFound when none.
	Link(ctx context.Context, platform string, userID int64) (UserLink, error)
	// LinkByChatUser reads the link of a chat user; apperr NotFound when none.
	LinkByChatUser(ctx context.Context, platform, chatUserID string) (UserLink, error)
	// Links lists every link of the platform.
	Links(ctx context.Context, platform string) ([]UserLink, error)
	// SaveLink links a user, replacing their earlier link; apperr Conflict
	// when the chat user is linked to someone else.
	SaveLink(ctx context.Context, l UserLink) error
	// DeleteLink removes a user's link.
	DeleteLink(ctx context.Context, platform string, userID int64) error
	// Capture reads a captured message; apperr NotFound when none.
	Capture(ctx context.Context, platform, channelID, ts string) (Capture, error)
	// AddCapture records a new capture inside an incident change's
	// transaction; false when the message was captured already.
	AddCapture(ctx context.Context, tx incident.Tx, c Capture) (bool, error)
	// SaveCapture writes a capture inside an incident change's transaction.
	SaveCapture(ctx context.Context, tx incident.Tx, c Capture) error
	// CallLink reads an incident's generated conference link; apperr NotFound when none.
	CallLink(ctx context.Context, number int64) (string, error)
	// AddCallLink records an incident's conference link unless it has one already.
	AddCallLink(ctx context.Context, number int64, url string, at time.Time) error
	// Lock takes the incident's sync lease for holder until until, unless
	// another holder has it beyond now; it reports whether it was taken.
	Lock(ctx context.Context, number int64, holder string, now, until time.Time) (bool, error)
	// Unlock gives the lease back if holder still has it.
	Unlock(ctx context.Context, number int64, holder string) error
}

// Busy says another job is syncing the incident's channel; try again shortly.
type Busy struct{ Number int64 }

func (e *Busy) Error() string {
	return fmt.Sprintf("chat: the channel of INC-%d is being synced by another job", e.Number)
}
