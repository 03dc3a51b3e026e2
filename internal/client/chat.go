package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// ChatStatus is the chat connection, the user links and incident channels.
type ChatStatus struct {
	Platform       string        `json:"platform"`
	Connected      bool          `json:"connected"`
	Mode           string        `json:"mode,omitempty"`
	Detail         string        `json:"detail,omitempty"`
	Command        string        `json:"command"`
	Reaction       string        `json:"reaction"`
	Announcements  string        `json:"announcements_channel,omitempty"`
	ChannelPattern string        `json:"channel_pattern"`
	Links          []ChatLink    `json:"links"`
	Channels       []ChatChannel `json:"channels"`
}

// ChatLink ties a Firebreak user to a chat account.
type ChatLink struct {
	UserID     int64     `json:"user_id"`
	Platform   string    `json:"platform"`
	ChatUserID string    `json:"chat_user_id"`
	How        string    `json:"how"` // email or manual
	CreatedAt  time.Time `json:"created_at"`
}

// ChatChannel is an incident's channel.
type ChatChannel struct {
	Number      int64  `json:"number"`
	ChannelID   string `json:"channel_id"`
	ChannelName string `json:"channel_name"`
	CardTS      string `json:"card_ts"`
	Archived    bool   `json:"archived"`
}

// ChatStatus reads the chat settings (admins).
func (c *Client) ChatStatus(ctx context.Context) (ChatStatus, error) {
	var out ChatStatus
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/chat"}, &out)
	return out, err
}

// LinkChatUser links a user to a chat account (admins).
func (c *Client) LinkChatUser(ctx context.Context, userID int64, chatUserID string) (ChatLink, error) {
	var out ChatLink
	body := struct {
		ChatUserID string `json:"chat_user_id"`
	}{chatUserID}
	err := c.do(ctx, request{method: http.MethodPut, path: "/api/v1/chat/links/" + pathID(userID), body: body}, &out)
	return out, err
}

// UnlinkChatUser removes a user's chat link (admins).
func (c *Client) UnlinkChatUser(ctx context.Context, userID int64) error {
	return c.do(ctx, request{method: http.MethodDelete, path: "/api/v1/chat/links/" + pathID(userID)}, nil)
}

// ChatLinks are an incident's chat channel and conference link.
type ChatLinks struct {
	Channel   string `json:"chat_channel,omitempty"`
	ChannelID string `json:"chat_channel_id,omitempty"`
	Call      string `json:"conference_url,omitempty"`
}

// IncidentChat reads an incident's chat channel and conference link.
func (c *Client) IncidentChat(ctx context.Context, ref string) (ChatLinks, error) {
	var out ChatLinks
	err := c.do(ctx, request{method: http.MethodGet, path: "/api/v1/incidents/" + url.PathEscape(ref) + "/chat"}, &out)
	return out, err
}
