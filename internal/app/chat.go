package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/chat"
	chatslack "github.com/firebreak-hq/firebreak/internal/chat/slack"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/jobs"
)

// Chat is the node's chat capability: the service (channels, commands,
// capture, call links) and, when Slack is configured, its adapter.
type Chat struct {
	Service *chat.Service
	Client  *chatslack.Client  // nil: Slack is not configured
	Slack   *chatslack.App     // nil: Slack is not configured
	HTTP    *chatslack.Handler // set in HTTP mode
	Socket  *chatslack.Socket  // set in Socket Mode
}

// registerChatJobs registers chat's workers. A Slack rate limit snoozes
// the job until Retry-After (no attempt used, no hot loop); the job then
// resumes from the last step it recorded.
func (a *App) registerChatJobs(reg *jobs.Registry) {
	jobs.Handle(reg, func(ctx context.Context, j chat.SyncJob, _ int) error {
		return snoozeOnRateLimit(a.Chat.Service.Sync(ctx, j))
	})
	jobs.Handle(reg, func(ctx context.Context, j chat.CallLinkJob, _ int) error {
		return a.Chat.Service.SetCallLink(ctx, j)
	})
}

func snoozeOnRateLimit(err error) error {
	var busy *chat.Busy
	if errors.As(err, &busy) {
		return jobs.Snooze(200 * time.Millisecond)
	}
	var rl *chat.RateLimited
	if errors.As(err, &rl) {
		d := rl.RetryAfter
		if d <= 0 {
			d = time.Second
		}
		return jobs.Snooze(d)
	}
	return err
}

// buildChat wires chat after the incident and status-page services, and
// makes it follow every incident event.
func (a *App) buildChat(opts Options) {
	cfg := a.Config.Chat
	a.Chat = &Chat{}
	deps := chat.Deps{
		Store: a.Store.Chat(), Incidents: a.Incidents, Users: a.Auth, StatusPages: a.StatusPages,
		Teams: teamsByName{a}, Now: a.Now, Log: a.Log.With("component", "chat"), Connection: a.ChatState,
		Config: chat.Config{ChannelPattern: cfg.ChannelPattern, Announcements: cfg.AnnouncementsChannel,
			ArchiveOnClose: cfg.Archive(), CaptureReaction: cfg.CaptureReaction, Command: cfg.Command,
			CallTemplate: cfg.CallLinkTemplate, BaseURL: a.Config.BaseURL},
	}
	if cfg.Slack.Enabled() {
		a.Chat.Client = chatslack.NewClient(chatslack.Options{BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken,
			APIURL: cfg.Slack.APIURL, HTTP: opts.WebhookHTTP})
		deps.Platform = a.Chat.Client
	}
	deps.Postmortems = postmortemLinks{a}
	if a.Paging != nil {
		deps.Pager, deps.Pages = pager{a}, pager{a}
	}
	a.Chat.Service = chat.NewService(deps)
	a.Incidents.Follow(a.Chat.Service.Follow)
	if a.Chat.Client == nil {
		return
	}
	if a.Notifications != nil {
		// Slack DM is a contact method of people's notification rules: pages
		// arrive with Acknowledge and Resolve buttons.
		a.Notifications.Register(chatslack.KindSlack, chatslack.NewDMSender(a.Chat.Client))
	}
	a.Chat.Slack = chatslack.NewApp(a.Chat.Service, a.Chat.Client, a.Chat.Service.Config.Command, opts.WebhookHTTP, deps.Log)
	if cfg.Slack.Mode == "http" {
		a.Chat.HTTP = chatslack.NewHandler(a.Chat.Slack, chatslack.NewVerifier(cfg.Slack.SigningSecret, a.Now))
	} else {
		a.Chat.Socket = chatslack.NewSocket(a.Chat.Slack, a.Chat.Client)
	}
}

// mountChat serves Slack's endpoints in HTTP mode. They sit outside the
// cross-origin protection: Slack's servers post to them, signed.
func (a *App) mountChat(mux *http.ServeMux) {
	if a.Chat != nil && a.Chat.HTTP != nil {
		a.Chat.HTTP.Mount(mux)
	}
}

// runChat keeps the Socket Mode connection open until ctx ends.
func (a *App) runChat(ctx context.Context) {
	if a.Chat == nil || a.Chat.Socket == nil {
		return
	}
	if err := a.Chat.Socket.Run(ctx); err != nil && ctx.Err() == nil {
		a.Log.Error("slack socket mode stopped", "err", err)
	}
}

// ChatState is the Slack connection as the admin page shows it.
func (a *App) ChatState(ctx context.Context) (mode, state string) {
	switch {
	case a.Chat == nil || a.Chat.Client == nil:
		return "", "not configured"
	case a.Chat.HTTP != nil:
		mode = "http"
	default:
		mode = "socket"
		st, since := a.Chat.Socket.State()
		state = st + " since " + since.UTC().Format(time.RFC3339)
	}
	check, err := a.Chat.Client.Check(ctx)
	if err != nil {
		return mode, strings.TrimSpace(state + "; bot token check failed: " + err.Error())
	}
	return mode, strings.TrimPrefix(state+"; "+check, "; ")
}

// teamsByName finds teams for /inc page <team>.
type teamsByName struct{ a *App }

func (t teamsByName) TeamID(ctx context.Context, name string) (int64, error) {
	teams, err := t.a.Catalog.ListTeams(access.With(ctx, access.System))
	if err != nil {
		return 0, err
	}
	for _, tm := range teams {
		if strings.EqualFold(tm.Name, name) {
			return tm.ID, nil
		}
	}
	return 0, apperr.NotFound("team " + name)
}

// pager lets chat page people and teams and answer pages' buttons.
type pager struct{ a *App }

func (p pager) PageUser(ctx context.Context, userID int64, summary string, number int64) error {
	_, err := p.a.Paging.PageUser(ctx, userID, summary, number)
	return err
}

func (p pager) PageTeam(ctx context.Context, teamID int64, summary string, number int64) error {
	_, err := p.a.Paging.PageTeam(ctx, teamID, summary, number)
	return err
}

func (p pager) Acknowledge(ctx context.Context, pageID int64) error {
	_, err := p.a.Paging.Acknowledge(ctx, pageID)
	return err
}

func (p pager) Resolve(ctx context.Context, pageID int64) error {
	_, err := p.a.Paging.Resolve(ctx, pageID)
	return err
}

// postmortemLinks gives the card and the closing summary the postmortem's
// address once the incident has one.
type postmortemLinks struct{ a *App }

func (p postmortemLinks) PostmortemURL(ctx context.Context, number int64) (string, error) {
	if p.a.Postmortems == nil {
		return "", nil
	}
	if _, err := p.a.Postmortems.Get(access.With(ctx, access.System), number); err != nil {
		if apperr.Is(err, apperr.CodeNotFound) {
			return "", nil
		}
		return "", err
	}
	return strings.TrimRight(p.a.Config.BaseURL, "/") + "/postmortems/" + incident.Ref(number), nil
}

// chatForPostmortems lets the postmortem's basic information name the
// incident's chat channel (built after chat, so wired here).
func (a *App) chatForPostmortems() {
	if a.Postmortems != nil {
		a.Postmortems.UseChat(chatChannels{a})
	}
}

// chatChannels gives the postmortem the channel chat made for an incident.
type chatChannels struct{ a *App }

func (c chatChannels) Channel(ctx context.Context, number int64) (string, error) {
	l, err := c.a.Chat.Service.IncidentLinks(access.With(ctx, access.System), number)
	return l.Channel, err
}

func (c chatChannels) CallLink(ctx context.Context, number int64) (string, error) {
	return c.a.Chat.Service.CallLink(access.With(ctx, access.System), number)
}
