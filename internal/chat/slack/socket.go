package slack

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Socket runs the app over Socket Mode: Firebreak opens a WebSocket to
// Slack (apps.connections.open with the app-level token), so no public URL
// or inbound firewall rule is needed. Each envelope is acknowledged with
// the same answer the HTTP endpoints would give; slack-go reconnects when
// Slack asks it to.
type Socket struct {
	app *App
	sm  *socketmode.Client

	mu    sync.Mutex
	state string // connecting, connected, or the last error
	since time.Time
}

// NewSocket builds the Socket Mode runner; the client must carry the app token.
func NewSocket(app *App, c *Client) *Socket {
	return &Socket{app: app, sm: socketmode.New(c.api), state: "not started"}
}

// State is the connection's state for the admin page, and since when.
func (s *Socket) State() (string, time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, s.since
}

func (s *Socket) set(state string) {
	s.mu.Lock()
	s.state, s.since = state, time.Now()
	s.mu.Unlock()
}

// Run connects and serves envelopes until ctx ends.
func (s *Socket) Run(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- s.sm.RunContext(ctx) }()
	for {
		select {
		case err := <-done:
			s.set("stopped")
			return err
		case evt := <-s.sm.Events:
			s.handle(ctx, evt)
		}
	}
}

func (s *Socket) handle(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		s.set("connecting")
	case socketmode.EventTypeConnected:
		s.set("connected")
	case socketmode.EventTypeInvalidAuth:
		s.set("invalid app token (xapp-…): Slack refused it")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError:
		s.set("connection error; retrying")
		s.app.log.Warn("slack socket mode", "event", string(evt.Type), "data", evt.Data)
	case socketmode.EventTypeSlashCommand:
		if cmd, ok := evt.Data.(slack.SlashCommand); ok && evt.Request != nil {
			s.ack(ctx, evt.Request, s.app.Command(ctx, cmd))
		}
	case socketmode.EventTypeInteractive:
		if cb, ok := evt.Data.(slack.InteractionCallback); ok && evt.Request != nil {
			s.ack(ctx, evt.Request, s.app.Interaction(ctx, cb))
		}
	case socketmode.EventTypeEventsAPI:
		if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok && evt.Request != nil {
			s.ack(ctx, evt.Request, nil) // ack first: Slack redelivers unacknowledged events
			if ev.Type == slackevents.CallbackEvent {
				s.app.Event(ctx, ev)
			}
		}
	}
}

func (s *Socket) ack(ctx context.Context, req *socketmode.Request, payload any) {
	var err error
	if payload == nil {
		err = s.sm.Ack(*req)
	} else {
		err = s.sm.Ack(*req, payload)
	}
	if err != nil {
		s.app.log.Warn("slack socket mode: ack", "envelope", req.EnvelopeID, "err", err)
	}
}
