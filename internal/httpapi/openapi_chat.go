package httpapi

import "github.com/firebreak-hq/firebreak/internal/chat"

// chatOperations describes the chat routes. Slack's own endpoints
// (/slack/events, /slack/commands, /slack/interactions) are not part of this
// API: they speak Slack's formats and are signed with the app's secret.
var chatOperations = map[string]op{
	"GET /api/v1/incidents/{ref}/chat": {
		tag: "chat", summary: "An incident's chat channel and conference link",
		desc:   "The channel Firebreak made for the incident (once made) and its conference link: the one a person set on the incident, else the one generated from `chat.call_link_template`.",
		status: 200, resp: chat.Links{},
	},
	"GET /api/v1/chat": {
		tag: "chat", summary: "The chat connection, linked users and incident channels (admins)",
		desc:   "How Slack is connected (socket or http) and its state, the configured command, reaction and channel pattern, every Firebreak user linked to a Slack account (by email or by hand), and every incident channel with what Firebreak did in it.",
		status: 200, resp: chat.Status{},
	},
	"PUT /api/v1/chat/links/{user}": {
		tag: "chat", summary: "Link a user to a chat account (admins)",
		desc: "For people whose Slack email differs from their Firebreak email. Replaces the user's earlier link; 409 when the chat account is linked to someone else.",
		body: chatLinkBody{}, status: 200, resp: chat.UserLink{}, errors: []int{409},
	},
	"DELETE /api/v1/chat/links/{user}": {
		tag: "chat", summary: "Unlink a user from their chat account (admins)",
		desc: "Firebreak matches them by email again on their next action.", status: 204,
	},
}
