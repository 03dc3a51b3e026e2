package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/chat"
	chatslack "github.com/firebreak-hq/firebreak/internal/chat/slack"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/testkit/slackfake"
)

const slackSecret = "test-signing-secret"

// Slack users of the documented payloads, matched to Firebreak users by email.
var (
	steve = slackfake.User{ID: "U2147483697", Name: "steve", Email: "steve@example.com"}  // the slash-command example's user
	jack  = slackfake.User{ID: "UA8RXUSPL", Name: "jtorrance", Email: "jack@example.com"} // the block_actions example's user
	dr    = slackfake.User{ID: "U024BE7LH", Name: "dr", Email: "dr@example.com"}          // the reaction_added example's user
)

func slackFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../chat/slack/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// slackPost sends a request to the node as Slack does: signed with the
// signing secret and the current time.
func slackPost(t *testing.T, s *apptest.Server, path, contentType, body string) (int, string) {
	t.Helper()
	ts := time.Now().Unix()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Slack-Signature", chatslack.Sign(slackSecret, ts, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var reply struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && json.Unmarshal(b, &reply) == nil && reply.Text != "" {
		return resp.StatusCode, reply.ResponseType + ": " + reply.Text
	}
	return resp.StatusCode, string(b)
}

// slashCommand is the documented slash-command payload with our command, text, user and channel.
func slashCommand(t *testing.T, fake *slackfake.Server, user, channel, text string) string {
	v, err := url.ParseQuery(slackFixture(t, "slash_command.txt"))
	if err != nil {
		t.Fatal(err)
	}
	v.Set("command", "/inc")
	v.Set("text", text)
	v.Set("user_id", user)
	v.Set("channel_id", channel)
	v.Set("response_url", fake.ResponseURL())
	return v.Encode()
}

// interaction is a documented interaction payload with fields replaced, form-encoded as Slack posts it.
func interaction(t *testing.T, fixture string, edit func(m map[string]any)) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(slackFixture(t, fixture)), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ := json.Marshal(m)
	return "payload=" + url.QueryEscape(string(b))
}

func event(t *testing.T, fixture string, edit func(ev map[string]any)) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(slackFixture(t, fixture)), &m); err != nil {
		t.Fatal(err)
	}
	edit(m["event"].(map[string]any))
	b, _ := json.Marshal(m)
	return string(b)
}

func waitFor(t *testing.T, what string, ok func() bool, fakes ...*slackfake.Server) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			for _, f := range fakes {
				for _, c := range f.Calls("") {
					t.Logf("slack call %s %d %v", c.Method, c.Status, c.Params)
				}
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func startWithSlack(t *testing.T, fake *slackfake.Server, announce string, opts ...apptest.Option) *apptest.Server {
	opts = append(opts, apptest.Configure(func(c *config.Config) {
		c.Chat.Slack = config.SlackConfig{Mode: "http", BotToken: fake.BotToken, SigningSecret: slackSecret, APIURL: fake.APIURL()}
		c.Chat.AnnouncementsChannel = announce
	}))
	return apptest.Start(t, opts...)
}

// A team runs an incident from Slack: declared by slash command, the
// channel appears with the pinned card and the IM in it; a Domain Expert
// is appointed (and refused to someone who may not); a 📌 puts a message on
// the timeline and its edit follows; the card's Resolve button resolves
// it and the card follows; closing posts the summary and archives.
func TestSlackRunsAnIncident(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, _ *apptest.Server) {
		fake := slackfake.New(t, steve, jack, dr)
		announce := fake.AddChannel("incidents")
		s := startWithSlack(t, fake, announce)
		for _, u := range []slackfake.User{steve, jack, dr} {
			s.User(t, strings.Split(u.Email, "@")[0], u.Name, access.Responder, "")
		}
		ctx := s.AdminContext()

		code, body := slackPost(t, s, "/slack/commands", "application/x-www-form-urlencoded", slashCommand(t, fake, steve.ID, "C2147483705", "declare Checkout is down"))
		if code != 200 || !strings.HasPrefix(body, "in_channel: ") || !strings.Contains(body, "Declared INC-1") {
			t.Fatalf("declare: %d %s", code, body)
		}
		var ch *slackfake.Channel
		waitFor(t, "the incident channel with its pinned card and the IM", func() bool {
			ch = fake.Channel("inc-1-checkout-is-down")
			return ch != nil && len(ch.Pins) == 1 && strings.Contains(strings.Join(ch.Members, ","), steve.ID)
		})
		inc, err := s.App.Incidents.Get(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Roles.IncidentManager == 0 {
			t.Fatalf("the declarer did not become IM: %+v", inc.Roles)
		}
		links, err := s.App.Chat.Service.IncidentLinks(ctx, 1)
		if err != nil || links.Channel != "#inc-1-checkout-is-down" || links.ChannelID != ch.ID || !strings.HasPrefix(links.Call, "https://meet.jit.si/firebreak-inc-1-") {
			t.Fatalf("incident links %+v %v", links, err)
		}
		if msgs := fake.Messages(ch.ID); !strings.Contains(msgs[0].Blocks, links.Call) || !strings.Contains(fake.Channel(ch.Name).Topic, links.Call) {
			t.Fatalf("the card or topic lacks the call link %s: %+v", links.Call, msgs[0])
		}
		// Chat never writes the incident itself, so nobody editing it is told it changed under them.
		if inc, _ = s.App.Incidents.Get(ctx, 1); inc.Version != 1 || inc.ConferenceURL != "" || inc.ChatChannel != "" {
			t.Fatalf("the incident was written by chat: version %d, %q, %q", inc.Version, inc.ConferenceURL, inc.ChatChannel)
		}
		if card := fake.Messages(ch.ID)[0]; ch.Pins[0] != card.TS || !strings.Contains(card.Blocks, "INC-1: Checkout is down") || !strings.Contains(card.Blocks, "inc_resolve") {
			t.Fatalf("card %+v pins %v", card, ch.Pins)
		}
		waitFor(t, "the announcement", func() bool {
			ann := fake.Messages(announce)
			return len(ann) == 1 && strings.Contains(ann[0].Text, "INC-1") && strings.Contains(ann[0].Text, ch.ID)
		}, fake)
		if topic := fake.Channel(ch.Name).Topic; !strings.Contains(topic, "INC-1") || !strings.Contains(topic, "Checkout is down") {
			t.Errorf("topic %q", topic)
		}

		// Jack is no Incident Manager: refused, with whom to ask.
		_, body = slackPost(t, s, "/slack/commands", "application/x-www-form-urlencoded", slashCommand(t, fake, jack.ID, ch.ID, "role de <@"+dr.ID+"|dr>"))
		if !strings.Contains(body, "only the Incident Manager or an admin can appoint a Domain Expert") || !strings.Contains(body, "ask <@"+steve.ID+">") || !strings.HasPrefix(body, "ephemeral: ") {
			t.Fatalf("refused appointment: %s", body)
		}
		_, body = slackPost(t, s, "/slack/commands", "application/x-www-form-urlencoded", slashCommand(t, fake, steve.ID, ch.ID, "role de <@"+dr.ID+"|dr>"))
		if !strings.Contains(body, "Domain Expert") || !strings.HasPrefix(body, "in_channel: ") {
			t.Fatalf("appointment: %s", body)
		}
		inc, _ = s.App.Incidents.Get(ctx, 1)
		if len(inc.Roles.DomainExperts) != 1 {
			t.Fatalf("domain experts %v", inc.Roles.DomainExperts)
		}
		waitFor(t, "the Domain Expert invited", func() bool {
			return strings.Contains(strings.Join(fake.Channel(ch.Name).Members, ","), dr.ID)
		})

		// 📌 on Dr's message: a note with author, text and permalink.
		said := fake.Say(ch.ID, dr.ID, "Rolled back deploy 41; errors falling")
		code, _ = slackPost(t, s, "/slack/events", "application/json", event(t, "event_reaction_added.json", func(ev map[string]any) {
			ev["user"], ev["reaction"], ev["item_user"] = steve.ID, "pushpin", dr.ID
			ev["item"] = map[string]any{"type": "message", "channel": ch.ID, "ts": said}
		}))
		if code != 200 {
			t.Fatalf("reaction event: %d", code)
		}
		tl, err := s.App.Incidents.Timeline(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		last := tl[len(tl)-1]
		if last.Kind != incident.EventNote || !strings.Contains(last.Note, "Rolled back deploy 41") || !strings.Contains(last.Note, "dr") ||
			!strings.Contains(last.Note, "https://firebreak-test.slack.com/archives/"+ch.ID) || last.ActorName != steve.Name {
			t.Fatalf("captured note %+v", last)
		}
		// The same reaction again captures nothing more; an edit is reflected.
		slackPost(t, s, "/slack/events", "application/json", event(t, "event_reaction_added.json", func(ev map[string]any) {
			ev["user"], ev["reaction"] = jack.ID, "pushpin"
			ev["item"] = map[string]any{"type": "message", "channel": ch.ID, "ts": said}
		}))
		slackPost(t, s, "/slack/events", "application/json", event(t, "event_message_changed.json", func(ev map[string]any) {
			ev["channel"] = ch.ID
			m := ev["message"].(map[string]any)
			m["ts"], m["user"], m["text"] = said, dr.ID, "Rolled back deploy 41 and 40; errors gone"
		}))
		tl, _ = s.App.Incidents.Timeline(ctx, 1)
		if n := len(tl); tl[n-1].Kind != chat.EventMessageEdited || tl[n-1].Note != "Rolled back deploy 41 and 40; errors gone" || tl[n-2].Kind != incident.EventNote {
			t.Fatalf("after the edit: %+v / %+v", tl[n-2], tl[n-1])
		}

		// The card's Resolve button, pressed by Jack (a responder).
		code, _ = slackPost(t, s, "/slack/interactions", "application/x-www-form-urlencoded", interaction(t, "block_actions.json", func(m map[string]any) {
			m["channel"] = map[string]any{"id": ch.ID, "name": ch.Name}
			m["response_url"] = fake.ResponseURL()
			m["actions"] = []any{map[string]any{"action_id": chat.ActionResolve, "block_id": "actions", "value": "1", "type": "button", "action_ts": "1548426417.840180"}}
		}))
		if code != 200 {
			t.Fatalf("button: %d", code)
		}
		inc, _ = s.App.Incidents.Get(ctx, 1)
		if inc.Stage != incident.Resolved {
			t.Fatalf("stage after the button: %s", inc.Stage)
		}
		if r := fake.Responses(); len(r) == 0 || !strings.Contains(r[len(r)-1]["text"].(string), "Resolved") || r[len(r)-1]["response_type"] != "in_channel" {
			t.Fatalf("button answer %+v", r)
		}
		waitFor(t, "the card edited in place to Resolved", func() bool {
			msgs := fake.Messages(ch.ID)
			return strings.Contains(msgs[0].Blocks, `Resolved`) && strings.Contains(msgs[0].Blocks, chat.ActionReopen)
		})
		if n := len(fake.Calls("chat.postMessage")); n != 2 { // the card and the announcement; everything else was an edit
			t.Errorf("chat.postMessage called %d times", n)
		}
		if n := len(fake.Calls("chat.update")); n < 2 {
			t.Errorf("the card was edited %d times", n)
		}

		// An incident that ends (dismissed here; closed needs a published
		// postmortem) gets the summary, then its channel is archived.
		triage, err := s.App.Incidents.Declare(access.With(context.Background(), access.Actor{UserID: inc.Roles.IncidentManager, Name: steve.Name, Level: access.Responder}),
			incident.DeclareInput{Title: "Disk alarm on db-3", Stage: incident.Detect})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the second channel", func() bool {
			c := fake.Channel("inc-2-disk-alarm-on-db-3")
			return c != nil && len(c.Pins) == 1
		}, fake)
		if _, err := s.App.Incidents.ChangeStage(ctx, triage.Number, 0, incident.Dismissed, "a test alarm"); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the summary and the archive", func() bool { return fake.Channel("inc-2-disk-alarm-on-db-3").Archived }, fake)
		ch2 := fake.Channel("inc-2-disk-alarm-on-db-3")
		msgs := fake.Messages(ch2.ID)
		if sum := msgs[len(msgs)-1]; !strings.Contains(sum.Text, "INC-2 was dismissed: a test alarm") || !strings.Contains(sum.Text, "/incidents/2") {
			t.Errorf("summary %+v", sum)
		}
		if fake.Channel(ch.Name).Archived {
			t.Error("the resolved incident's channel was archived")
		}
	})
}

// Slack answering 429 with Retry-After: the job waits that long through
// the queue and then posts the card exactly once.
func TestSlackRateLimitIsHonoured(t *testing.T) {
	fake := slackfake.New(t, steve)
	s := startWithSlack(t, fake, "")
	u, _ := s.User(t, "steve", "Steve", access.Responder, "")
	fake.RateLimit("chat.postMessage", 1)
	ctx := access.With(context.Background(), access.Actor{UserID: u.ID, Name: u.Name, Level: access.Responder})
	if _, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "Search is slow"}); err != nil {
		t.Fatal(err)
	}
	var posts []slackfake.Call
	waitFor(t, "the card posted and pinned after the rate limit", func() bool {
		posts = fake.Calls("chat.postMessage")
		ch := fake.Channel("inc-1-search-is-slow")
		return len(posts) == 2 && ch != nil && len(ch.Pins) == 1
	}, fake)
	if posts[0].Status != http.StatusTooManyRequests || posts[1].Status != http.StatusOK {
		t.Fatalf("statuses %d, %d", posts[0].Status, posts[1].Status)
	}
	if wait := posts[1].At.Sub(posts[0].At); wait < time.Second {
		t.Errorf("retried after %s, before Retry-After (1s)", wait)
	}
	ch := fake.Channel("inc-1-search-is-slow")
	if msgs := fake.Messages(ch.ID); len(msgs) != 1 || len(ch.Pins) != 1 {
		t.Errorf("messages %+v pins %v", msgs, ch.Pins)
	}
	// No hot loop: one refused call, one accepted.
	if n := len(fake.Calls("chat.postMessage")); n != 2 {
		t.Errorf("chat.postMessage called %d times", n)
	}
}

// Slack's endpoints refuse what Slack did not sign, and answer the URL check.
func TestSlackEndpointsCheckSignatures(t *testing.T) {
	fake := slackfake.New(t)
	s := startWithSlack(t, fake, "")
	body := slashCommand(t, fake, steve.ID, "C1", "help")
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/slack/commands", strings.NewReader(body))
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	req.Header.Set("X-Slack-Signature", chatslack.Sign("wrong-secret", time.Now().Unix(), []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("badly signed command: %d", resp.StatusCode)
	}
	code, text := slackPost(t, s, "/slack/events", "application/json", slackFixture(t, "url_verification.json"))
	if code != 200 || text != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("url_verification: %d %q", code, text)
	}
	code, text = slackPost(t, s, "/slack/commands", "application/x-www-form-urlencoded", body)
	if code != 200 || !strings.Contains(text, "/inc declare") {
		t.Fatalf("help: %d %s", code, text)
	}
}

// Socket Mode against a fake that speaks its protocol: the app opens the
// connection with its app token (apps.connections.open), receives an
// envelope and acknowledges it with the answer.
func TestSlackSocketMode(t *testing.T) {
	fake := slackfake.New(t, steve)
	apptest.Start(t, apptest.Configure(func(c *config.Config) {
		c.Chat.Slack = config.SlackConfig{BotToken: fake.BotToken, AppToken: fake.AppToken, APIURL: fake.APIURL()}
	}))
	conn := fake.Socket(t, 10*time.Second)
	env := strings.NewReplacer(`"/weather"`, `"/inc"`, `"94070"`, `"help"`).Replace(slackFixture(t, "socket_envelope_slash_command.json"))
	if err := conn.WriteMessage(1, []byte(env)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("no ack: %v", err)
		}
		var ack struct {
			EnvelopeID string `json:"envelope_id"`
			Payload    struct {
				Text string `json:"text"`
			} `json:"payload"`
		}
		if json.Unmarshal(b, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		if ack.EnvelopeID != "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545" || !strings.Contains(ack.Payload.Text, "/inc declare") {
			t.Fatalf("ack %s", bytes.TrimSpace(b))
		}
		break
	}
	// An Events API envelope is acknowledged (then handled: a reaction in a
	// channel that is no incident's is ignored).
	ev := `{"envelope_id":"57d6a792-4d35-4d0b-b6aa-3361493e1caf","type":"events_api","accepts_response_payload":false,"payload":` +
		slackFixture(t, "event_reaction_added.json") + `}`
	if err := conn.WriteMessage(1, []byte(ev)); err != nil {
		t.Fatal(err)
	}
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("no ack of the event: %v", err)
		}
		if strings.Contains(string(b), "57d6a792-4d35-4d0b-b6aa-3361493e1caf") {
			break
		}
	}
	if n := len(fake.Calls("apps.connections.open")); n < 1 {
		t.Fatalf("apps.connections.open called %d times", n)
	}
}

// Paging from Slack: /inc page @someone pages them through paging; the page
// reaches them as a Slack DM (their "slack" contact method) with buttons,
// and Acknowledge in the DM acknowledges the page as them.
func TestSlackPagesByDM(t *testing.T) {
	fake := slackfake.New(t, steve, dr)
	s := startWithSlack(t, fake, "")
	st, _ := s.User(t, "steve", steve.Name, access.Responder, "")
	d, _ := s.User(t, "dr", dr.Name, access.Responder, "")
	sys := access.With(context.Background(), access.System)
	if _, err := s.App.Notifications.AddVerified(sys, d.ID, chatslack.KindSlack, "Slack", dr.ID); err != nil {
		t.Fatal(err)
	}
	ctx := access.With(context.Background(), access.Actor{UserID: st.ID, Name: st.Name, Level: access.Responder})
	if _, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "Queue backlog", TakeManager: true}); err != nil {
		t.Fatal(err)
	}
	var ch *slackfake.Channel
	waitFor(t, "the channel", func() bool { ch = fake.Channel("inc-1-queue-backlog"); return ch != nil }, fake)

	_, body := slackPost(t, s, "/slack/commands", "application/x-www-form-urlencoded", slashCommand(t, fake, steve.ID, ch.ID, "page <@"+dr.ID+"|dr>"))
	if !strings.HasPrefix(body, "in_channel: ") || !strings.Contains(body, "Paged <@"+dr.ID+">") {
		t.Fatalf("page: %s", body)
	}
	var dm slackfake.Message
	waitFor(t, "the page as a Slack DM with buttons", func() bool {
		for _, m := range fake.Messages(dr.ID) {
			if strings.Contains(m.Blocks, chat.ActionAckPage) {
				dm = m
				return true
			}
		}
		return false
	}, fake)
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal([]byte(dm.Blocks), &blocks); err != nil {
		t.Fatal(err)
	}
	var pageID string
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == chat.ActionAckPage {
				pageID = e.Value
			}
		}
	}
	if pageID == "" || !strings.Contains(dm.Text, "Queue backlog") {
		t.Fatalf("DM %+v", dm)
	}
	slackPost(t, s, "/slack/interactions", "application/x-www-form-urlencoded", interaction(t, "block_actions.json", func(m map[string]any) {
		m["user"] = map[string]any{"id": dr.ID, "username": "dr", "team_id": "T9TK3CUKW"}
		m["channel"] = map[string]any{"id": "D0LFFBKLZ", "name": "directmessage"}
		m["response_url"] = fake.ResponseURL()
		m["actions"] = []any{map[string]any{"action_id": chat.ActionAckPage, "block_id": "page_actions", "value": pageID, "type": "button", "action_ts": "1548426417.840180"}}
	}))
	if r := fake.Responses(); len(r) == 0 || !strings.Contains(r[len(r)-1]["text"].(string), "Acknowledged") {
		t.Fatalf("ack answer %+v", r)
	}
	id, _ := strconv.ParseInt(pageID, 10, 64)
	p, err := s.App.Paging.Get(s.AdminContext(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != paging.Acknowledged {
		t.Fatalf("page status %s", p.Status)
	}
}

// The forms: /inc declare without a title opens the declare modal, whose
// submission declares; /inc update opens the drafted status-page update,
// whose submission publishes it; the message shortcut captures a message.
func TestSlackModalsAndShortcut(t *testing.T) {
	fake := slackfake.New(t, steve)
	s := startWithSlack(t, fake, "")
	s.User(t, "steve", steve.Name, access.Responder, "")
	ctx := s.AdminContext()

	_, body := slackPost(t, s, "/slack/commands", "application/x-www-form-urlencoded", slashCommand(t, fake, steve.ID, "C2147483705", "declare"))
	opens := fake.Calls("views.open")
	if body != "" || len(opens) != 1 || !strings.Contains(opens[0].Params["view"], `"callback_id":"firebreak_declare"`) ||
		opens[0].Params["trigger_id"] != "13345224609.738474920.8088930838d88f008e0" {
		t.Fatalf("declare form: %q %+v", body, opens)
	}
	submit := func(callback, metadata string, values map[string]any) (int, string) {
		return slackPost(t, s, "/slack/interactions", "application/x-www-form-urlencoded", interaction(t, "view_submission.json", func(m map[string]any) {
			m["user"] = map[string]any{"id": steve.ID, "username": "steve", "name": "steve", "team_id": "T0MJRM1A7"}
			v := m["view"].(map[string]any)
			v["callback_id"], v["private_metadata"] = callback, metadata
			v["state"] = map[string]any{"values": values}
		}))
	}
	input := func(block, value string) map[string]any {
		return map[string]any{block: map[string]any{"type": "plain_text_input", "value": value}}
	}
	sel := func(block, value string) map[string]any {
		return map[string]any{block: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": value}}}
	}
	code, body := submit("firebreak_declare", "C2147483705", map[string]any{"title": input("title", ""), "severity": sel("severity", "SEV2")})
	if code != 200 || !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, `"title":"is required"`) {
		t.Fatalf("declare without a title: %d %s", code, body)
	}
	code, body = submit("firebreak_declare", "C2147483705", map[string]any{
		"title": input("title", "Payments declined"), "severity": sel("severity", "SEV1"), "summary": input("summary", "Card payments fail at the PSP"),
		"lead": map[string]any{"lead": map[string]any{"type": "checkboxes", "selected_options": []any{map[string]any{"value": "lead"}}}}})
	if code != 200 || body != "" {
		t.Fatalf("declare form: %d %s", code, body)
	}
	inc, err := s.App.Incidents.Get(ctx, 1)
	if err != nil || inc.Title != "Payments declined" || inc.Severity != "SEV1" || inc.Summary != "Card payments fail at the PSP" || inc.Roles.IncidentManager == 0 {
		t.Fatalf("declared %+v %v", inc, err)
	}
	var ch *slackfake.Channel
	waitFor(t, "the channel", func() bool { ch = fake.Channel("inc-1-payments-declined"); return ch != nil && len(ch.Pins) == 1 }, fake)

	// The IM drafts and publishes the public update from Slack.
	_, body = slackPost(t, s, "/slack/commands", "application/x-www-form-urlencoded", slashCommand(t, fake, steve.ID, ch.ID, "update"))
	opens = fake.Calls("views.open")
	if body != "" || len(opens) != 2 || !strings.Contains(opens[1].Params["view"], `"callback_id":"firebreak_update"`) {
		t.Fatalf("update form: %q %+v", body, opens)
	}
	var view struct {
		PrivateMetadata string `json:"private_metadata"`
	}
	_ = json.Unmarshal([]byte(opens[1].Params["view"]), &view)
	code, body = submit("firebreak_update", view.PrivateMetadata, map[string]any{
		"status": sel("status", "investigating"), "public_title": input("public_title", "Card payments failing"),
		"body": input("body", "We are investigating failed card payments.")})
	if code != 200 || body != "" {
		t.Fatalf("publish: %d %s", code, body)
	}
	pubs, err := s.App.StatusPages.PublicIncidentsOf(ctx, 1)
	if err != nil || len(pubs) != 1 || pubs[0].Name != "Card payments failing" {
		t.Fatalf("public incidents %+v %v", pubs, err)
	}
	waitFor(t, "the card linking the status page", func() bool {
		return strings.Contains(fake.Messages(ch.ID)[0].Blocks, "Status page")
	}, fake)

	// The message shortcut puts a message on the timeline.
	said := fake.Say(ch.ID, steve.ID, "PSP confirms an outage on their side")
	slackPost(t, s, "/slack/interactions", "application/x-www-form-urlencoded", interaction(t, "message_action.json", func(m map[string]any) {
		m["callback_id"] = "firebreak_capture"
		m["channel"] = map[string]any{"id": ch.ID, "name": ch.Name}
		m["user"] = map[string]any{"id": steve.ID, "name": "steve"}
		m["response_url"] = fake.ResponseURL()
		m["message"] = map[string]any{"type": "message", "user": steve.ID, "ts": said, "text": "PSP confirms an outage on their side"}
	}))
	tl, _ := s.App.Incidents.Timeline(ctx, 1)
	if last := tl[len(tl)-1]; last.Kind != incident.EventNote || !strings.Contains(last.Note, "PSP confirms an outage") {
		t.Fatalf("shortcut capture %+v", last)
	}
	if r := fake.Responses(); len(r) == 0 || !strings.Contains(r[len(r)-1]["text"].(string), "timeline") {
		t.Fatalf("shortcut answer %+v", r)
	}
}
