package config

import (
	"fmt"
	"strings"
)

// ChatConfig connects Firebreak to a chat (Slack) and sets how incident
// channels and call links are made.
type ChatConfig struct {
	ChannelPattern       string      `koanf:"channel_pattern"`       // default "inc-{number}-{slug}"; also {severity}
	AnnouncementsChannel string      `koanf:"announcements_channel"` // channel id (C…) told about every new incident; empty: none
	ArchiveOnClose       string      `koanf:"archive_on_close"`      // "true" (default) or "false"
	CaptureReaction      string      `koanf:"capture_reaction"`      // reaction name that puts a message on the timeline; default "pushpin"
	Command              string      `koanf:"command"`               // the slash command; default "/inc"
	CallLinkTemplate     string      `koanf:"call_link_template"`    // default "https://meet.jit.si/firebreak-inc-{number}-{random}"
	Slack                SlackConfig `koanf:"slack"`
}

// SlackConfig is the Slack app's credentials and how it connects. The
// tokens and the signing secret are secrets: set them by environment
// variable or a file only the server reads; they are never logged.
type SlackConfig struct {
	Mode          string `koanf:"mode"`           // "socket" (default: no public URL needed) or "http"
	BotToken      string `koanf:"bot_token"`      // xoxb-…; empty: Slack is off
	AppToken      string `koanf:"app_token"`      // xapp-…, Socket Mode
	SigningSecret string `koanf:"signing_secret"` // HTTP mode: verifies Slack's requests
	APIURL        string `koanf:"api_url"`        // default https://slack.com/api/ (a proxy, or a fake in tests)
}

// Enabled reports whether Slack is configured.
func (s SlackConfig) Enabled() bool { return s.BotToken != "" }

// Archive reports whether incident channels are archived when the incident closes.
func (c ChatConfig) Archive() bool { return c.ArchiveOnClose != "false" }

// validate checks the chat keys, never repeating a secret.
func (c ChatConfig) validate(bad func(key, format string, args ...any)) {
	switch c.ArchiveOnClose {
	case "", "true", "false":
	default:
		bad("chat.archive_on_close", "%q must be true or false", c.ArchiveOnClose)
	}
	if c.Command != "" && (!strings.HasPrefix(c.Command, "/") || strings.ContainsAny(c.Command, " \t")) {
		bad("chat.command", "%q must be a slash command like /inc", c.Command)
	}
	if c.CallLinkTemplate != "" && !isHTTPURL(strings.NewReplacer("{number}", "1", "{random}", "x").Replace(c.CallLinkTemplate)) {
		bad("chat.call_link_template", "%q must be an http(s) URL; {number} and {random} are filled in", c.CallLinkTemplate)
	}
	s := c.Slack
	if s.APIURL != "" && !isHTTPURL(s.APIURL) {
		bad("chat.slack.api_url", "%q must be an http(s) URL", s.APIURL)
	}
	if !s.Enabled() {
		return
	}
	if !strings.HasPrefix(s.BotToken, "xoxb-") {
		bad("chat.slack.bot_token", "must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)")
	}
	switch s.Mode {
	case "", "socket":
		if !strings.HasPrefix(s.AppToken, "xapp-") {
			bad("chat.slack.app_token", "Socket Mode needs an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write); or set chat.slack.mode to http")
		}
	case "http":
		if s.SigningSecret == "" {
			bad("chat.slack.signing_secret", "HTTP mode needs the app's signing secret (Basic Information → App Credentials)")
		}
	default:
		bad("chat.slack.mode", "%s", fmt.Sprintf("%q must be socket or http", s.Mode))
	}
}
