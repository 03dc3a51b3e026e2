package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// slackView is the data of the Slack settings page.
type slackView struct {
	Status  chat.Status
	Users   []auth.User
	ByID    map[int64]auth.User
	Linked  map[int64]chat.UserLink
	UserID  int64  // the link form's user, kept on a refusal
	SlackID string // the link form's Slack id
}

// slackSettings answers GET /settings/slack (admins).
func (s *server) slackSettings(w http.ResponseWriter, r *http.Request) error {
	return s.showSlack(w, r, http.StatusOK, slackView{}, nil)
}

func (s *server) showSlack(w http.ResponseWriter, r *http.Request, status int, v slackView, b *banner) error {
	if s.chat == nil {
		return apperr.NotFound("the Slack settings")
	}
	st, err := s.chat.Status(r.Context())
	if err != nil {
		return err
	}
	users, err := s.auth.ListUsers(r.Context())
	if err != nil {
		return err
	}
	v.Status, v.Users = st, users
	v.ByID, v.Linked = map[int64]auth.User{}, map[int64]chat.UserLink{}
	for _, u := range users {
		v.ByID[u.ID] = u
	}
	for _, l := range st.Links {
		v.Linked[l.UserID] = l
	}
	s.render(w, r, status, "slack", page{Title: "Slack", Nav: "settings", Banner: b, Data: v})
	return nil
}

// linkSlackUser answers POST /settings/slack/links: link a user by hand.
func (s *server) linkSlackUser(w http.ResponseWriter, r *http.Request) error {
	if s.chat == nil {
		return apperr.NotFound("the Slack settings")
	}
	id, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	slackID := r.PostFormValue("slack_id")
	if _, err := s.chat.LinkUser(r.Context(), id, slackID); err != nil {
		if !onForm(err) && !apperr.Is(err, apperr.CodeNotFound) {
			return err
		}
		return s.showSlack(w, r, statusOf(apperr.CodeOf(err)), slackView{UserID: id, SlackID: slackID},
			&banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/settings/slack", http.StatusSeeOther)
	return nil
}

// unlinkSlackUser answers POST /settings/slack/links/{id}/delete.
func (s *server) unlinkSlackUser(w http.ResponseWriter, r *http.Request) error {
	if s.chat == nil {
		return apperr.NotFound("the Slack settings")
	}
	id, err := idParam(r, "user")
	if err != nil {
		return err
	}
	if err := s.chat.UnlinkUser(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/slack", http.StatusSeeOther)
	return nil
}

// withChatLinks returns inc for showing, with the chat channel and call link
// that chat keeps beside the incident filled in where the incident names
// none itself (the edit form keeps the incident's own values).
func (s *server) withChatLinks(ctx context.Context, inc *incident.Incident) *incident.Incident {
	if s.chat == nil || (inc.ChatChannel != "" && inc.ConferenceURL != "") {
		return inc
	}
	l, err := s.chat.IncidentLinks(ctx, inc.Number)
	if err != nil {
		s.log.Warn("web: chat links", "incident", inc.Number, "err", err)
		return inc
	}
	shown := *inc
	if shown.ChatChannel == "" {
		shown.ChatChannel = l.Channel
	}
	if shown.ConferenceURL == "" {
		shown.ConferenceURL = l.Call
	}
	return &shown
}
