package app

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// buildOnCall wires the on-call schedules service: who is on call, for
// paging, handoff notices, the API, the UI and calendar feeds.
func (a *App) buildOnCall() {
	a.OnCall = oncall.NewService(a.Store.OnCall(), a.Now)
}

// calendarFeed serves GET /calendar/{token}.ics: an iCalendar feed for
// calendar clients, which cannot sign in; the secret token in the URL is the
// credential. Unknown and revoked tokens are a plain 404.
func (a *App) calendarFeed() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := strings.TrimSuffix(r.PathValue("token"), ".ics")
		base := strings.TrimSuffix(a.Config.BaseURL, "/")
		if base == "" {
			base = "http://" + r.Host
		}
		host := r.Host
		if u, err := url.Parse(base); err == nil && u.Host != "" {
			host = u.Host
		}
		body, err := a.OnCall.Feed(r.Context(), token, host, base)
		if err != nil {
			if apperr.Is(err, apperr.CodeNotFound) {
				http.Error(w, "no such calendar feed (it may have been revoked)", http.StatusNotFound)
				return
			}
			a.Log.Error("calendar feed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		h.Set("Cache-Control", "private, max-age=300")
		h.Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(body)
	})
}

// redactFeedToken hides the secret of /calendar/{token}.ics paths before
// they are logged: the URL is the feed's only credential.
func redactFeedToken(path string) string {
	if strings.HasPrefix(path, oncall.FeedPath) && len(path) > len(oncall.FeedPath) {
		return oncall.FeedPath + "…"
	}
	return path
}
