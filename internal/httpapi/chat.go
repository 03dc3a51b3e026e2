package httpapi

import (
	"net/http"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// chatLinkBody is PUT /chat/links/{user}: the chat account to link.
type chatLinkBody struct {
	ChatUserID string `json:"chat_user_id"` // Slack member id, e.g. U024BE7LH
}

func (s *server) chatOff() error {
	if s.chat == nil {
		return apperr.Unavailable("chat is not part of this server")
	}
	return nil
}

// getChat is the chat connection, the user links and the incident channels (admins).
func (s *server) getChat(w http.ResponseWriter, r *http.Request) error {
	if err := s.chatOff(); err != nil {
		return err
	}
	st, err := s.chat.Status(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, st)
}

// putChatLink links a Firebreak user to a chat account by hand (admins).
func (s *server) putChatLink(w http.ResponseWriter, r *http.Request) error {
	if err := s.chatOff(); err != nil {
		return err
	}
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	in, err := decodeJSON[chatLinkBody](w, r)
	if err != nil {
		return err
	}
	l, err := s.chat.LinkUser(r.Context(), id, in.ChatUserID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

// deleteChatLink removes a user's link (admins).
func (s *server) deleteChatLink(w http.ResponseWriter, r *http.Request) error {
	if err := s.chatOff(); err != nil {
		return err
	}
	id, err := pathID(r, "user", "user")
	if err != nil {
		return err
	}
	if err := s.chat.UnlinkUser(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// getIncidentChat is an incident's chat channel and conference link, which
// chat keeps beside the incident (any signed-in reader of the incident).
func (s *server) getIncidentChat(w http.ResponseWriter, r *http.Request) error {
	if err := s.chatOff(); err != nil {
		return err
	}
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	l, err := s.chat.IncidentLinks(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}
