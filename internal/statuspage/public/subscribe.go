package public

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

func (s *Server) message(w http.ResponseWriter, site *statuspage.Site, status int, title, text string) {
	body, err := statuspage.RenderMessage(site.Page, site.Root, title, text, s.opts.Now())
	if err != nil {
		http.Error(w, text, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) failed(w http.ResponseWriter, site *statuspage.Site, err error) {
	e := apperr.As(err)
	status := http.StatusBadRequest
	if e.Code == apperr.CodeInternal {
		s.opts.Log.Error("status page visitor action", "err", err)
		status = http.StatusInternalServerError
	}
	s.message(w, site, status, "That did not work", e.Message)
}

// subscribe handles the subscription form.
func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, site *statuspage.Site) {
	if r.Method != http.MethodPost {
		http.Redirect(w, r, site.Root+"/#subscribe", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.message(w, site, http.StatusBadRequest, "That did not work", "The form could not be read.")
		return
	}
	var comps []int64
	for _, v := range r.PostForm["component"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.message(w, site, http.StatusBadRequest, "That did not work", "The form could not be read.")
			return
		}
		comps = append(comps, id)
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if !s.limit.allow(host, time.Now()) {
		w.Header().Set("Retry-After", "60")
		s.message(w, site, http.StatusTooManyRequests, "Too many subscriptions", "Too many subscriptions from your address; try again in a minute.")
		return
	}
	if err := s.subs.Subscribe(r.Context(), site.Page.ID, r.PostFormValue("email"), comps, host); err != nil {
		s.failed(w, site, err)
		return
	}
	s.message(w, site, http.StatusOK, "Check your inbox",
		"We sent a confirmation link to "+r.PostFormValue("email")+". Your subscription starts when you open it.")
}

// confirm handles the link of the confirmation email.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request, site *statuspage.Site) {
	sub, err := s.subs.Confirm(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		s.failed(w, site, err)
		return
	}
	s.message(w, site, http.StatusOK, "You are subscribed", sub.Address+" will get an email with every update of "+site.Page.Name+".")
}

// unsubscribe handles the link in every email, and the one-click POST of
// List-Unsubscribe-Post (RFC 8058) that mail programs send.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request, site *statuspage.Site) {
	if r.Method != http.MethodPost {
		// A GET only asks: link scanners of mail systems open every link.
		body, err := statuspage.RenderAction(site.Page, site.Root, "Unsubscribe?", "Stop getting emails from "+site.Page.Name+"?",
			site.Root+"/unsubscribe?token="+url.QueryEscape(r.URL.Query().Get("token")), "Unsubscribe", s.opts.Now())
		if err != nil {
			s.failed(w, site, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
		return
	}
	sub, err := s.subs.Unsubscribe(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		s.failed(w, site, err)
		return
	}
	s.message(w, site, http.StatusOK, "You are unsubscribed", sub.Address+" will get no more emails from "+site.Page.Name+".")
}
