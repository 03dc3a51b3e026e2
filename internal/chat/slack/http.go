package slack

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// maxBody bounds what Slack may send in one request (payloads are small;
// a modal submission with long text is a few tens of KB).
const maxBody = 1 << 20

// Handler serves Slack's HTTP endpoints: POST /slack/events,
// /slack/commands and /slack/interactions. Every request must carry a valid
// signature from the app's signing secret; anything else is a 401.
type Handler struct {
	app    *App
	verify *Verifier
}

// NewHandler builds the HTTP endpoints.
func NewHandler(app *App, v *Verifier) *Handler { return &Handler{app: app, verify: v} }

// Mount registers the endpoints on mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/events", h.events)
	mux.HandleFunc("POST /slack/commands", h.commands)
	mux.HandleFunc("POST /slack/interactions", h.interactions)
}

// body reads and verifies the request; on failure it has answered.
func (h *Handler) body(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if err := h.verify.Verify(r.Header, b); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return nil, false
	}
	return b, true
}

func writeJSON(w http.ResponseWriter, v any) {
	if v == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (h *Handler) commands(w http.ResponseWriter, r *http.Request) {
	b, ok := h.body(w, r)
	if !ok {
		return
	}
	cmd, err := ParseCommand(b)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, h.app.Command(r.Context(), cmd))
}

func (h *Handler) interactions(w http.ResponseWriter, r *http.Request) {
	b, ok := h.body(w, r)
	if !ok {
		return
	}
	cb, err := ParseInteraction(b)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	writeJSON(w, h.app.Interaction(r.Context(), cb))
}

func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	b, ok := h.body(w, r)
	if !ok {
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(b), slackevents.OptionNoVerifyToken())
	if err != nil {
		http.Error(w, "not an Events API payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	switch ev.Type {
	case slackevents.URLVerification:
		var c slackevents.ChallengeResponse
		if err := json.Unmarshal(b, &c); err != nil {
			http.Error(w, "bad url_verification", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, c.Challenge)
	case slackevents.CallbackEvent:
		h.app.Event(r.Context(), ev)
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// ParseCommand reads a slash command's form body.
func ParseCommand(body []byte) (slack.SlashCommand, error) {
	r, err := http.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	if err != nil {
		return slack.SlashCommand{}, err
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cmd, err := slack.SlashCommandParse(r)
	if err != nil {
		return cmd, errors.New("not a slash command: " + err.Error())
	}
	if cmd.Command == "" || cmd.UserID == "" {
		return cmd, errors.New("not a slash command: command and user_id are required")
	}
	return cmd, nil
}

// ParseInteraction reads an interaction's form body (payload=<json>).
func ParseInteraction(body []byte) (slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return cb, errors.New("not an interaction: " + err.Error())
	}
	p := form.Get("payload")
	if p == "" {
		return cb, errors.New("not an interaction: no payload")
	}
	if err := json.Unmarshal([]byte(p), &cb); err != nil {
		return cb, errors.New("not an interaction: " + err.Error())
	}
	if cb.Type == "" || cb.User.ID == "" {
		return cb, errors.New("not an interaction: type and user are required")
	}
	return cb, nil
}
