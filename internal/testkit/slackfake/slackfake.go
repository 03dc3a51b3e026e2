// Package slackfake is a fake Slack for tests: an httptest server that
// answers the Web API methods Firebreak uses, as documented at
// api.slack.com/methods (form or JSON bodies, the bot token as Bearer,
// {"ok": false, "error": "…"} failures, HTTP 429 with Retry-After), keeps
// the workspace's state (channels, members, messages, pins, users), records
// every call, and speaks Socket Mode (apps.connections.open → WebSocket →
// hello, envelopes, acks).
package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Call is one Web API call as the fake received it.
type Call struct {
	Method string
	Params map[string]string // form fields, or top-level JSON fields (objects as JSON text)
	At     time.Time
	Status int // the HTTP status answered
}

// Channel is a channel of the fake workspace.
type Channel struct {
	ID, Name, Topic string
	Members         []string
	Archived        bool
	Pins            []string // message ts
}

// Message is a message of the fake workspace.
type Message struct {
	Channel, TS, User, Text, Blocks string
}

// User is a member of the fake workspace.
type User struct{ ID, Name, Email string }

// Server is the fake Slack.
type Server struct {
	*httptest.Server
	BotToken, AppToken string
	BotUserID          string

	mu        sync.Mutex
	calls     []Call
	channels  map[string]*Channel
	messages  []*Message
	users     []User
	responses []map[string]any // bodies posted to response_url
	limits    map[string][]int // method → Retry-After seconds of the next 429s
	seq       int
	sockets   chan *websocket.Conn
}

// New starts a fake workspace with the given users; it stops with the test.
func New(t testing.TB, users ...User) *Server {
	s := Start(users...)
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake workspace outside a test (benchmarks); Close stops it.
func Start(users ...User) *Server {
	s := &Server{BotToken: "xoxb-test-token", AppToken: "xapp-test-token", BotUserID: "UBOT",
		channels: map[string]*Channel{}, users: users, limits: map[string][]int{}, seq: 1,
		sockets: make(chan *websocket.Conn, 4)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/{method}", s.api) // Slack takes GET or POST (slack-go GETs e.g. chat.getPermalink)
	mux.HandleFunc("POST /api/{method}", s.api)
	mux.HandleFunc("POST /response/{id}", s.response)
	mux.HandleFunc("GET /socket", s.socket)
	s.Server = httptest.NewServer(mux)
	return s
}

// APIURL is what chat.slack.api_url must be set to.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL is a response_url for a payload fixture.
func (s *Server) ResponseURL() string { return s.URL + "/response/1" }

// RateLimit makes the next call of method answer 429 with Retry-After: seconds.
func (s *Server) RateLimit(method string, seconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits[method] = append(s.limits[method], seconds)
}

// AddUser adds a member to the workspace.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = append(s.users, u)
}

// Calls returns the calls of method ("" for all), in order.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Channel returns a copy of the channel named name (nil when none).
func (s *Server) Channel(name string) *Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.channels {
		if c.Name == name {
			cp := *c
			cp.Members, cp.Pins = slices.Clone(c.Members), slices.Clone(c.Pins)
			return &cp
		}
	}
	return nil
}

// Messages returns copies of the messages in a channel, oldest first.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.Channel == channelID {
			out = append(out, *m)
		}
	}
	return out
}

// AddChannel creates a channel as if made in Slack (e.g. #incidents) and returns its id.
func (s *Server) AddChannel(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &Channel{ID: fmt.Sprintf("C%08d", len(s.channels)+1), Name: name, Members: []string{s.BotUserID}}
	s.channels[c.ID] = c
	return c.ID
}

// Say adds a message written by user to a channel (as if typed in Slack) and returns its ts.
func (s *Server) Say(channelID, user, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.nextTS()
	s.messages = append(s.messages, &Message{Channel: channelID, TS: ts, User: user, Text: text})
	return ts
}

// Responses returns the bodies posted to response_url.
func (s *Server) Responses() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses)
}

func (s *Server) nextTS() string {
	s.seq++
	return fmt.Sprintf("%d.%06d", 1764000000+s.seq, s.seq)
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.responses = append(s.responses, body)
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// params reads a Web API request: form-encoded or JSON.
func params(r *http.Request) (map[string]string, string) {
	p := map[string]string{}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]json.RawMessage
		_ = json.NewDecoder(r.Body).Decode(&m)
		for k, v := range m {
			var str string
			if json.Unmarshal(v, &str) == nil {
				p[k] = str
			} else {
				p[k] = string(v)
			}
		}
	} else {
		_ = r.ParseForm()
		for k := range r.Form {
			p[k] = r.Form.Get(k)
		}
	}
	if token == "" {
		token = p["token"]
	}
	return p, token
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	p, token := params(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	call := Call{Method: method, Params: p, At: time.Now(), Status: http.StatusOK}
	defer func() { s.calls = append(s.calls, call) }()
	if q := s.limits[method]; len(q) > 0 {
		s.limits[method] = q[1:]
		call.Status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", strconv.Itoa(q[0]))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return
	}
	want := s.BotToken
	if method == "apps.connections.open" {
		want = s.AppToken
	}
	if token != want {
		reply(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	reply(w, s.answer(method, p))
}

func reply(w http.ResponseWriter, v map[string]any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func fail(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

func (c *Channel) json() map[string]any {
	return map[string]any{"id": c.ID, "name": c.Name, "is_channel": true, "is_archived": c.Archived,
		"topic": map[string]any{"value": c.Topic}}
}

func (s *Server) user(id string) (User, bool) {
	for _, u := range s.users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

func (s *Server) message(ch, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == ch && m.TS == ts {
			return m
		}
	}
	return nil
}

// answer implements one method (the caller holds s.mu).
func (s *Server) answer(method string, p map[string]string) map[string]any {
	ch := s.channels[p["channel"]]
	switch method {
	case "auth.test":
		return map[string]any{"ok": true, "url": "https://firebreak-test.slack.com/", "team": "Firebreak Test", "user": "firebreak", "team_id": "T0TEST", "user_id": s.BotUserID}
	case "apps.connections.open":
		return map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.URL, "http") + "/socket"}
	case "conversations.create":
		for _, c := range s.channels {
			if c.Name == p["name"] {
				return fail("name_taken")
			}
		}
		c := &Channel{ID: fmt.Sprintf("C%08d", len(s.channels)+1), Name: p["name"], Members: []string{s.BotUserID}}
		s.channels[c.ID] = c
		return map[string]any{"ok": true, "channel": c.json()}
	case "conversations.setTopic":
		if ch == nil {
			return fail("channel_not_found")
		}
		ch.Topic = p["topic"]
		return map[string]any{"ok": true, "channel": ch.json()}
	case "conversations.invite":
		if ch == nil {
			return fail("channel_not_found")
		}
		for _, u := range strings.Split(p["users"], ",") {
			if _, ok := s.user(u); !ok {
				return fail("user_not_found")
			}
			if slices.Contains(ch.Members, u) {
				return fail("already_in_channel")
			}
			ch.Members = append(ch.Members, u)
		}
		return map[string]any{"ok": true, "channel": ch.json()}
	case "conversations.archive":
		if ch == nil {
			return fail("channel_not_found")
		}
		if ch.Archived {
			return fail("already_archived")
		}
		ch.Archived = true
		return map[string]any{"ok": true}
	case "conversations.history", "conversations.replies":
		if ch == nil {
			return fail("channel_not_found")
		}
		ts := p["latest"]
		if method == "conversations.replies" {
			ts = p["ts"]
		}
		msgs := []any{}
		if m := s.message(ch.ID, ts); m != nil {
			msgs = append(msgs, map[string]any{"type": "message", "user": m.User, "text": m.Text, "ts": m.TS})
		}
		return map[string]any{"ok": true, "messages": msgs, "has_more": false}
	case "chat.postMessage":
		target := p["channel"]
		if ch == nil {
			if _, ok := s.user(target); !ok { // a user id posts to the app's DM with them
				return fail("channel_not_found")
			}
		} else if ch.Archived {
			return fail("is_archived")
		}
		m := &Message{Channel: target, TS: s.nextTS(), User: s.BotUserID, Text: p["text"], Blocks: p["blocks"]}
		s.messages = append(s.messages, m)
		return map[string]any{"ok": true, "channel": target, "ts": m.TS, "message": map[string]any{"text": m.Text, "ts": m.TS}}
	case "chat.update":
		m := s.message(p["channel"], p["ts"])
		if m == nil {
			return fail("message_not_found")
		}
		m.Text, m.Blocks = p["text"], p["blocks"]
		return map[string]any{"ok": true, "channel": m.Channel, "ts": m.TS, "text": m.Text}
	case "chat.postEphemeral":
		if ch == nil {
			return fail("channel_not_found")
		}
		return map[string]any{"ok": true, "message_ts": s.nextTS()}
	case "chat.getPermalink":
		if s.message(p["channel"], p["message_ts"]) == nil {
			return fail("message_not_found")
		}
		return map[string]any{"ok": true, "channel": p["channel"],
			"permalink": "https://firebreak-test.slack.com/archives/" + p["channel"] + "/p" + strings.ReplaceAll(p["message_ts"], ".", "")}
	case "pins.add":
		if ch == nil {
			return fail("channel_not_found")
		}
		if slices.Contains(ch.Pins, p["timestamp"]) {
			return fail("already_pinned")
		}
		ch.Pins = append(ch.Pins, p["timestamp"])
		return map[string]any{"ok": true}
	case "views.open":
		if p["trigger_id"] == "" {
			return fail("invalid_arguments")
		}
		var view map[string]any
		_ = json.Unmarshal([]byte(p["view"]), &view)
		return map[string]any{"ok": true, "view": map[string]any{"id": "V0001", "type": "modal", "callback_id": view["callback_id"]}}
	case "users.lookupByEmail":
		for _, u := range s.users {
			if strings.EqualFold(u.Email, p["email"]) {
				return map[string]any{"ok": true, "user": map[string]any{"id": u.ID, "name": u.Name, "profile": map[string]any{"email": u.Email}}}
			}
		}
		return fail("users_not_found")
	case "users.info":
		u, ok := s.user(p["user"])
		if !ok {
			return fail("user_not_found")
		}
		return map[string]any{"ok": true, "user": map[string]any{"id": u.ID, "name": u.Name, "profile": map[string]any{"email": u.Email}}}
	}
	return fail("unknown_method")
}

// Slack's client sends its own Origin; the fake accepts any, as Slack does.
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// socket accepts a Socket Mode connection and says hello, as Slack does.
func (s *Server) socket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A0TEST"}, "debug_info": map[string]any{"host": "fake"}})
	s.sockets <- conn
}

// Socket waits for the app's Socket Mode connection.
func (s *Server) Socket(t testing.TB, timeout time.Duration) *websocket.Conn {
	t.Helper()
	select {
	case c := <-s.sockets:
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(timeout):
		t.Fatal("the app did not open a Socket Mode connection")
		return nil
	}
}
