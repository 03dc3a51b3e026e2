package chat

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// Users is what chat needs to know about Firebreak users.
type Users interface {
	GetUser(ctx context.Context, id int64) (auth.User, error)
	ListUsers(ctx context.Context) ([]auth.User, error)
}

// StatusPages drafts and publishes public updates (the /inc update modal).
type StatusPages interface {
	Communications(ctx context.Context, number, pageID int64, status statuspage.IncidentStatus) (*statuspage.Communications, error)
	Publish(ctx context.Context, number int64, in statuspage.UpdateInput) (statuspage.Published, error)
	PublicIncidentsOf(ctx context.Context, number int64) ([]*statuspage.Incident, error)
	Page(ctx context.Context, id int64) (statuspage.Page, error)
}

// Pager pages people and teams (the paging capability, when it is wired).
type Pager interface {
	PageUser(ctx context.Context, userID int64, summary string, incident int64) error
	PageTeam(ctx context.Context, teamID int64, summary string, incident int64) error
}

// PageResponder acknowledges and resolves pages (the buttons of a page's
// Slack DM), when paging is wired.
type PageResponder interface {
	Acknowledge(ctx context.Context, pageID int64) error
	Resolve(ctx context.Context, pageID int64) error
}

// Teams finds a team by name, for /inc page <team>.
type Teams interface {
	TeamID(ctx context.Context, name string) (int64, error)
}

// PostmortemLinks gives the link of an incident's postmortem ("" when none).
type PostmortemLinks interface {
	PostmortemURL(ctx context.Context, number int64) (string, error)
}

// Config is how chat behaves, from the configuration file.
type Config struct {
	ChannelPattern  string // default DefaultChannelPattern
	Announcements   string // channel id for "incident declared" notices; "" for none
	ArchiveOnClose  bool   // archive the channel after the closing summary
	CaptureReaction string // reaction name that captures a message; default "pushpin"
	Command         string // the slash command's name; default "/inc"
	CallTemplate    string // conference-link template; default DefaultCallTemplate
	BaseURL         string // Firebreak's public URL, for links
}

// Deps are the chat service's collaborators; Platform, StatusPages, Pager, Pages, Teams
// and Postmortems may be nil (not configured / not built yet).
type Deps struct {
	Platform    Platform
	Store       Store
	Incidents   *incident.Service
	Users       Users
	StatusPages StatusPages
	Pager       Pager
	Pages       PageResponder
	Teams       Teams
	Postmortems PostmortemLinks
	Config      Config
	// Connection reports how the chat is connected ("socket"/"http") and
	// its state, for the admin page; nil: not connected.
	Connection func(ctx context.Context) (mode, state string)
	Now        func() time.Time
	Log        *slog.Logger
}

// Service is chat's use cases: keeping incident channels in step, and
// acting on commands, buttons, forms and reactions from the chat.
type Service struct {
	Deps

	mu      sync.Mutex
	missing map[int64]time.Time // Firebreak users the chat has no account for, until when not to ask again
}

// missingFor is how long "no chat account with that email" is believed, so
// people outside the workspace do not cost a lookup on every sync.
const missingFor = 10 * time.Minute

// NewService builds the chat service.
func NewService(d Deps) *Service {
	if d.Config.ChannelPattern == "" {
		d.Config.ChannelPattern = DefaultChannelPattern
	}
	if d.Config.CaptureReaction == "" {
		d.Config.CaptureReaction = "pushpin"
	}
	if d.Config.Command == "" {
		d.Config.Command = "/inc"
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	d.Config.BaseURL = strings.TrimRight(d.Config.BaseURL, "/")
	return &Service{Deps: d, missing: map[int64]time.Time{}}
}

// Connected reports whether a chat platform is configured.
func (s *Service) Connected() bool { return s.Platform != nil }

func (s *Service) platformName() string {
	if s.Platform == nil {
		return "slack"
	}
	return s.Platform.Name()
}

// incidentURL is the incident's page in Firebreak.
func (s *Service) incidentURL(number int64) string {
	return s.Config.BaseURL + "/incidents/" + strconv.FormatInt(number, 10)
}

// ActorFor is the Firebreak user acting for a chat user: the linked user,
// or the user with the chat account's email (linked on first use). Every
// action from the chat runs as this actor, so the service rules apply.
func (s *Service) ActorFor(ctx context.Context, chatUserID string) (access.Actor, error) {
	sys := access.With(ctx, access.System)
	l, err := s.Store.LinkByChatUser(ctx, s.platformName(), chatUserID)
	var u auth.User
	switch {
	case err == nil:
		if u, err = s.Users.GetUser(sys, l.UserID); err != nil {
			return access.Actor{}, err
		}
	case apperr.Is(err, apperr.CodeNotFound) && s.Platform != nil:
		email, err := s.Platform.UserEmail(ctx, chatUserID)
		if err != nil {
			return access.Actor{}, err
		}
		if u, err = s.userByEmail(sys, email); err != nil {
			return access.Actor{}, err
		}
		if err := s.Store.SaveLink(ctx, UserLink{UserID: u.ID, Platform: s.platformName(), ChatUserID: chatUserID, How: LinkedByEmail, CreatedAt: s.Now().UTC()}); err != nil {
			return access.Actor{}, err
		}
	default:
		return access.Actor{}, err
	}
	if u.Disabled {
		return access.Actor{}, apperr.Forbidden("your Firebreak account %s is disabled", u.Handle)
	}
	return access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: u.Level, Source: s.platformName()}, nil
}

func (s *Service) userByEmail(ctx context.Context, email string) (auth.User, error) {
	if email != "" {
		users, err := s.Users.ListUsers(ctx)
		if err != nil {
			return auth.User{}, err
		}
		for _, u := range users {
			if strings.EqualFold(u.Email, email) {
				return u, nil
			}
		}
	}
	return auth.User{}, apperr.Forbidden("your chat account is not linked to a Firebreak user: use the same email in both, or ask an admin to link you (Settings → Slack, or `firebreak chat link-user`)")
}

// chatUserOf returns the chat user id of a Firebreak user: the link, or a
// lookup by email that creates one. "" when the chat has no such user.
func (s *Service) chatUserOf(ctx context.Context, userID int64) (string, error) {
	l, err := s.Store.Link(ctx, s.platformName(), userID)
	if err == nil {
		return l.ChatUserID, nil
	}
	if !apperr.Is(err, apperr.CodeNotFound) {
		return "", err
	}
	s.mu.Lock()
	until, known := s.missing[userID]
	s.mu.Unlock()
	if known && s.Now().Before(until) {
		return "", nil
	}
	u, err := s.Users.GetUser(access.With(ctx, access.System), userID)
	if err != nil {
		return "", err
	}
	id, err := s.Platform.UserByEmail(ctx, u.Email)
	if err == ErrNoSuchUser {
		s.mu.Lock()
		s.missing[userID] = s.Now().Add(missingFor)
		s.mu.Unlock()
		return "", nil
	}
	if err != nil {
		return "", err
	}
	err = s.Store.SaveLink(ctx, UserLink{UserID: userID, Platform: s.platformName(), ChatUserID: id, How: LinkedByEmail, CreatedAt: s.Now().UTC()})
	if apperr.Is(err, apperr.CodeConflict) {
		return "", nil // that chat account is linked to someone else by hand: do not guess
	}
	return id, err
}

// people resolves how each user is shown on a card.
func (s *Service) people(ctx context.Context, ids []int64) (map[int64]Person, error) {
	out := map[int64]Person{}
	for _, id := range ids {
		if _, ok := out[id]; ok || id == 0 {
			continue
		}
		u, err := s.Users.GetUser(access.With(ctx, access.System), id)
		if err != nil {
			if apperr.Is(err, apperr.CodeNotFound) {
				continue
			}
			return nil, err
		}
		p := Person{Name: u.Name}
		if s.Platform != nil {
			if p.ChatUserID, err = s.chatUserOf(ctx, id); err != nil {
				return nil, err
			}
		}
		out[id] = p
	}
	return out, nil
}

// LinkUser links a Firebreak user to a chat user by hand (admins).
func (s *Service) LinkUser(ctx context.Context, userID int64, chatUserID string) (UserLink, error) {
	a, ok := access.From(ctx)
	if !ok || !a.IsAdmin() {
		return UserLink{}, apperr.Forbidden("only an admin can link chat accounts")
	}
	chatUserID = strings.TrimSpace(chatUserID)
	if m := mention.FindStringSubmatch(chatUserID); m != nil {
		chatUserID = m[1]
	}
	if chatUserID == "" || strings.ContainsAny(chatUserID, " <>@|") {
		return UserLink{}, apperr.Invalid("chat_user_id", "give the chat user's id, e.g. U024BE7LH (Slack: profile → ⋮ → Copy member ID)")
	}
	if _, err := s.Users.GetUser(ctx, userID); err != nil {
		return UserLink{}, err
	}
	l := UserLink{UserID: userID, Platform: s.platformName(), ChatUserID: chatUserID, How: LinkedManually, CreatedAt: s.Now().UTC()}
	return l, s.Store.SaveLink(ctx, l)
}

// UnlinkUser removes a user's link (admins).
func (s *Service) UnlinkUser(ctx context.Context, userID int64) error {
	a, ok := access.From(ctx)
	if !ok || !a.IsAdmin() {
		return apperr.Forbidden("only an admin can unlink chat accounts")
	}
	return s.Store.DeleteLink(ctx, s.platformName(), userID)
}

// Status is the chat connection as admins see it.
type Status struct {
	Platform  string         `json:"platform"`
	Connected bool           `json:"connected"` // a platform is configured
	Mode      string         `json:"mode,omitempty"`
	Detail    string         `json:"detail,omitempty"` // e.g. the connection's last error
	Links     []UserLink     `json:"links"`
	Channels  []ChannelState `json:"channels"`
	Command   string         `json:"command"`  // the slash command
	Reaction  string         `json:"reaction"` // the reaction that captures a message
	// Announcements is the channel told about new incidents ("" for none).
	Announcements  string `json:"announcements_channel,omitempty"`
	ChannelPattern string `json:"channel_pattern"`
}

// Status reports the connection, the user links and the incident channels (admins).
func (s *Service) Status(ctx context.Context) (Status, error) {
	a, ok := access.From(ctx)
	if !ok || !a.IsAdmin() {
		return Status{}, apperr.Forbidden("only an admin can see the chat settings")
	}
	st := Status{Platform: s.platformName(), Connected: s.Platform != nil, Command: s.Config.Command,
		Reaction: s.Config.CaptureReaction, Announcements: s.Config.Announcements, ChannelPattern: s.Config.ChannelPattern}
	if s.Connection != nil {
		st.Mode, st.Detail = s.Connection(ctx)
	}
	var err error
	if st.Links, err = s.Store.Links(ctx, s.platformName()); err != nil {
		return st, err
	}
	if st.Channels, err = s.Store.Channels(ctx); err != nil {
		return st, err
	}
	return st, nil
}

// Links are an incident's chat channel and conference link.
type Links struct {
	Channel   string `json:"chat_channel,omitempty"` // "#inc-42-checkout-is-down"; "" until made
	ChannelID string `json:"chat_channel_id,omitempty"`
	Call      string `json:"conference_url,omitempty"`
}

// IncidentLinks returns an incident's channel and call link for whoever may
// read the incident (the incident page, the postmortem's basic information).
// The incident's own fields, set by a person, win.
func (s *Service) IncidentLinks(ctx context.Context, number int64) (Links, error) {
	inc, err := s.Incidents.Get(ctx, number)
	if err != nil {
		return Links{}, err
	}
	var l Links
	if l.Call, err = s.callLink(ctx, inc); err != nil {
		return Links{}, err
	}
	l.Channel = inc.ChatChannel
	st, err := s.Store.Channel(ctx, number)
	switch {
	case err == nil:
		l.ChannelID = st.ChannelID
		if l.Channel == "" {
			l.Channel = "#" + st.ChannelName
		}
	case !apperr.Is(err, apperr.CodeNotFound):
		return Links{}, err
	}
	return l, nil
}

// CallLink is an incident's conference link, the small lookup for other
// capabilities (the postmortem's basic information).
func (s *Service) CallLink(ctx context.Context, number int64) (string, error) {
	l, err := s.IncidentLinks(ctx, number)
	return l.Call, err
}
