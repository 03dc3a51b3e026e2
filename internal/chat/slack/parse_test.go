package slack

import (
	"encoding/json"
	"net/url"
	"os"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// formPayload wraps an interaction's JSON as Slack posts it: payload=<json>.
func formPayload(js []byte) []byte { return []byte("payload=" + url.QueryEscape(string(js))) }

func TestDocumentedPayloadsParse(t *testing.T) {
	cmd, err := ParseCommand(fixture(t, "slash_command.txt"))
	if err != nil || cmd.Command != "/weather" || cmd.Text != "94070" || cmd.UserID != "U2147483697" ||
		cmd.ChannelID != "C2147483705" || cmd.TriggerID == "" || cmd.ResponseURL != "https://hooks.slack.com/commands/1234/5678" {
		t.Fatalf("slash command = %+v, %v", cmd, err)
	}
	cb, err := ParseInteraction(formPayload(fixture(t, "block_actions.json")))
	if err != nil || cb.Type != slack.InteractionTypeBlockActions || cb.User.ID != "UA8RXUSPL" || cb.Channel.ID != "CBR2V3XEX" ||
		len(cb.ActionCallback.BlockActions) != 1 || cb.ActionCallback.BlockActions[0].ActionID != "WaXA" || cb.ActionCallback.BlockActions[0].Value != "click_me_123" {
		t.Fatalf("block_actions = %+v, %v", cb, err)
	}
	cb, err = ParseInteraction(formPayload(fixture(t, "view_submission.json")))
	if err != nil || cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "modal-with-inputs" ||
		cb.View.State.Values["multi-line"]["ml-value"].Value != "This is my example inputted value" {
		t.Fatalf("view_submission = %+v, %v", cb, err)
	}
	cb, err = ParseInteraction(formPayload(fixture(t, "message_action.json")))
	if err != nil || cb.Type != slack.InteractionTypeMessageAction || cb.Message.Timestamp != "1516229207.000133" || cb.Message.User != "U0MJRG1AL" {
		t.Fatalf("message_action = %+v, %v", cb, err)
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(fixture(t, "event_reaction_added.json")), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	ra, ok := ev.InnerEvent.Data.(*slackevents.ReactionAddedEvent)
	if !ok || ra.Item.Channel != "C0G9QF9GZ" || ra.Item.Timestamp != "1360782400.498405" || ra.Reaction != "thumbsup" {
		t.Fatalf("reaction_added = %#v", ev.InnerEvent.Data)
	}
	ev, err = slackevents.ParseEvent(json.RawMessage(fixture(t, "event_message_changed.json")), slackevents.OptionNoVerifyToken())
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent); !ok || m.SubType != "message_changed" || m.Message == nil || m.Message.Timestamp != "1355517523.000005" {
		t.Fatalf("message_changed = %#v", ev.InnerEvent.Data)
	}
	if got := tsTime("1355517523.000005"); got.Unix() != 1355517523 || got.Nanosecond() != 5000 {
		t.Errorf("tsTime = %v", got)
	}
}

func TestNotSlackPayloadsAreRefused(t *testing.T) {
	for _, b := range []string{"", "payload=", "payload=%7B%7D", "payload=not-json", "command=%2Finc"} {
		if _, err := ParseInteraction([]byte(b)); err == nil {
			t.Errorf("ParseInteraction(%q) accepted", b)
		}
	}
	for _, b := range []string{"", "text=hello", "command=%2Finc", "%zz"} {
		if _, err := ParseCommand([]byte(b)); err == nil {
			t.Errorf("ParseCommand(%q) accepted", b)
		}
	}
}

// FuzzPayloads: nothing Slack (or an attacker past the signature) sends
// makes the parsers panic.
func FuzzPayloads(f *testing.F) {
	for _, name := range []string{"slash_command.txt", "signed_request_docs.txt"} {
		f.Add(fixture(f, name))
	}
	for _, name := range []string{"block_actions.json", "view_submission.json", "message_action.json"} {
		f.Add(formPayload(fixture(f, name)))
	}
	for _, name := range []string{"event_reaction_added.json", "event_message_changed.json", "event_message_deleted.json", "url_verification.json"} {
		f.Add(fixture(f, name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseCommand(b)
		if cb, err := ParseInteraction(b); err == nil {
			_ = declareForm(cb.View)
			_, _ = updateForm(cb.View)
		}
		_, _ = slackevents.ParseEvent(json.RawMessage(b), slackevents.OptionNoVerifyToken())
	})
}
