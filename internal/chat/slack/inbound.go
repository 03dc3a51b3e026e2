package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/chat"
)

// App turns what Slack sends (slash commands, interactions, events) into
// chat.Service calls, the same way for HTTP and Socket Mode: each handler
// returns the body to answer with (nil for an empty 200 / a bare ack).
type App struct {
	chat    *chat.Service
	client  *Client
	command string
	http    *http.Client // for response_url answers
	log     *slog.Logger
}

// NewApp builds the Slack app over the chat service; command is the slash
// command's name ("/inc").
func NewApp(svc *chat.Service, client *Client, command string, hc *http.Client, log *slog.Logger) *App {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	if log == nil {
		log = slog.Default()
	}
	return &App{chat: svc, client: client, command: command, http: hc, log: log}
}

// commandReply is the JSON answer to a slash command.
type commandReply struct {
	ResponseType   string `json:"response_type"` // "in_channel" or "ephemeral"
	Text           string `json:"text"`
	ReplaceOrginal bool   `json:"replace_original,omitempty"`
}

func replyBody(r chat.Reply) *commandReply {
	if r.Text == "" {
		return nil
	}
	t := "ephemeral"
	if r.InChannel {
		t = "in_channel"
	}
	return &commandReply{ResponseType: t, Text: r.Text}
}

// Command handles a slash command.
func (a *App) Command(ctx context.Context, cmd slack.SlashCommand) any {
	if a.command != "" && cmd.Command != a.command {
		return replyBody(chat.Reply{Text: fmt.Sprintf("This app answers %s, not %s.", a.command, cmd.Command)})
	}
	r := a.chat.Command(ctx, chat.Request{UserID: cmd.UserID, ChannelID: cmd.ChannelID, Text: cmd.Text})
	if r.Modal != nil {
		if err := a.client.OpenView(ctx, cmd.TriggerID, ModalView(*r.Modal)); err != nil {
			a.log.Warn("slack: open modal", "err", err)
			return replyBody(chat.Reply{Text: ":warning: Slack did not open the form; try again in a moment."})
		}
		return nil
	}
	return replyBody(r)
}

// Interaction handles a button, a modal submission or a message shortcut.
func (a *App) Interaction(ctx context.Context, cb slack.InteractionCallback) any {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		for _, act := range cb.ActionCallback.BlockActions {
			r := a.chat.Act(ctx, chat.Request{UserID: cb.User.ID, ChannelID: cb.Channel.ID, Action: act.ActionID, Value: act.Value})
			if r.Modal != nil {
				if err := a.client.OpenView(ctx, cb.TriggerID, ModalView(*r.Modal)); err != nil {
					a.log.Warn("slack: open modal", "err", err)
					r = chat.Reply{Text: ":warning: Slack did not open the form; try again in a moment."}
				}
			}
			a.respond(ctx, cb.ResponseURL, r)
		}
		return nil
	case slack.InteractionTypeViewSubmission:
		var err error
		switch cb.View.CallbackID {
		case callbackDeclare:
			err = a.chat.SubmitDeclare(ctx, cb.User.ID, declareForm(cb.View))
		case callbackUpdate:
			var f chat.UpdateForm
			if f, err = updateForm(cb.View); err == nil {
				err = a.chat.SubmitUpdate(ctx, cb.User.ID, f)
			}
		default:
			return nil
		}
		if err != nil {
			return viewErrors(err)
		}
		return nil // closes the modal
	case slack.InteractionTypeMessageAction:
		if cb.CallbackID != callbackCapture {
			return nil
		}
		msg := chat.ChatMessage{ChannelID: cb.Channel.ID, TS: cb.Message.Timestamp, UserID: cb.Message.User, Text: cb.Message.Text, At: tsTime(cb.Message.Timestamp)}
		text := "Added to the incident's timeline."
		if err := a.chat.Capture(ctx, cb.User.ID, msg); err != nil {
			text = replyText(err)
		}
		a.respond(ctx, cb.ResponseURL, chat.Reply{Text: text})
		return nil
	}
	return nil
}

// viewErrors answers a refused modal: the message beside the field at
// fault, or beside the first input when no field is named.
func viewErrors(err error) any {
	e := apperr.As(err)
	block := fieldBlock(e.Field)
	if block == "" {
		block = blockTitle
	}
	msg := e.Message
	if e.Code == apperr.CodeInternal {
		msg = "Something went wrong on the Firebreak side; try again."
	}
	return map[string]any{"response_action": "errors", "errors": map[string]string{block: msg}}
}

func replyText(err error) string {
	e := apperr.As(err)
	if e.Code == apperr.CodeInternal {
		return ":warning: Something went wrong on the Firebreak side; the operator's log has the details."
	}
	return ":no_entry: " + e.Message
}

// respond answers an interaction through its response_url (Slack's way
// of replying to a button press or a shortcut, ephemerally or in channel).
func (a *App) respond(ctx context.Context, url string, r chat.Reply) {
	body := replyBody(r)
	if url == "" || body == nil {
		return
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		a.log.Warn("slack: response_url", "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.http.Do(req)
	if err != nil {
		a.log.Warn("slack: response_url", "err", err)
		return
	}
	resp.Body.Close()
}

// Event handles an Events API callback (reactions, message edits and deletions).
func (a *App) Event(ctx context.Context, ev slackevents.EventsAPIEvent) {
	var err error
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.ReactionAddedEvent:
		if e.Item.Type == "message" {
			err = a.chat.Reaction(ctx, e.User, e.Item.Channel, e.Item.Timestamp, e.Reaction)
			if err != nil && apperr.CodeOf(err) != apperr.CodeInternal {
				// tell the person why their 📌 did nothing
				if eerr := a.client.Ephemeral(ctx, e.Item.Channel, e.User, replyText(err)); eerr != nil {
					a.log.Warn("slack: ephemeral", "err", eerr)
				}
			}
		}
	case *slackevents.MessageEvent:
		switch e.SubType {
		case "message_changed":
			if e.Message != nil {
				err = a.chat.Edited(ctx, e.Channel, e.Message.Timestamp, e.Message.Text)
			}
		case "message_deleted":
			err = a.chat.Deleted(ctx, e.Channel, e.DeletedTimeStamp)
		}
	}
	if err != nil {
		a.log.Warn("slack: event", "type", ev.InnerEvent.Type, "err", err)
	}
}
