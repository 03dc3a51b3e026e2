package web

import (
	"net/http"
	"net/url"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// handlerFunc is a page handler that may fail; fail shows the failure.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// statusOf maps an error code to the status of the page that shows it. It
// differs from the API's mapping on purpose: a refused form is 422 (the page
// re-renders with the message), and a stale write is 409 because pages send
// their version as a form field, not as an If-Match precondition.
func statusOf(code apperr.Code) int {
	switch code {
	case apperr.CodeInvalid:
		return http.StatusUnprocessableEntity
	case apperr.CodeNotFound:
		return http.StatusNotFound
	case apperr.CodeConflict, apperr.CodeStale:
		return http.StatusConflict
	case apperr.CodeForbidden:
		return http.StatusForbidden
	case apperr.CodeUnauthenticated:
		return http.StatusUnauthorized
	case apperr.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// messageOf is what a person is told about err. Internal errors are logged
// with their detail and shown as "Something went wrong".
func (s *server) messageOf(r *http.Request, err error) string {
	e := apperr.As(err)
	if e.Code == apperr.CodeInternal {
		s.log.Error("web: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		return "Something went wrong on our side. Try again; if it keeps failing, tell your Firebreak operator."
	}
	return fieldMessage(e)
}

// fieldMessage puts the field name in front of messages that need it:
// "Title is required", but not "dismissing needs a reason: …" twice.
func fieldMessage(e *apperr.Error) string {
	if e.Code == apperr.CodeInvalid && e.Field != "" {
		if label, ok := fieldLabels[e.Field]; ok {
			return label + " " + e.Message
		}
	}
	return capitalize(e.Message)
}

// fieldLabels names form fields in messages whose text starts after the
// field ("is required", "must be …").
var fieldLabels = map[string]string{
	"title":            "Title",
	"summary":          "Summary",
	"severity":         "Severity:",
	"customer_impact":  "Customer impact",
	"conference_url":   "Conference link",
	"chat_channel":     "Chat channel",
	"paging_ref":       "Paging reference",
	"handle":           "Handle",
	"name":             "Name",
	"email":            "Email",
	"password":         "Password",
	"time_zone":        "Time zone",
	"text":             "Note:",
	"current_password": "Current password",
	"new_password":     "New password",
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + s[1:]
	}
	return s
}

// fail shows err: a sign-in redirect, a 403 page that says what permission is
// missing, a 404 page, or the error page with the message.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.CodeOf(err)
	switch code {
	case apperr.CodeUnauthenticated:
		s.toLogin(w, r)
		return
	case apperr.CodeForbidden:
		s.render(w, r, http.StatusForbidden, "forbidden", page{Title: "Not allowed", Data: s.messageOf(r, err)})
		return
	case apperr.CodeNotFound:
		s.render(w, r, http.StatusNotFound, "notfound", page{Title: "Not found", Data: s.messageOf(r, err)})
		return
	}
	s.render(w, r, statusOf(code), "error", page{Title: "Something went wrong", Banner: &banner{Kind: "error", Message: s.messageOf(r, err)}})
}

// toLogin sends a visitor who is not signed in to the sign-in page, and back
// here afterwards. htmx requests get HX-Redirect so the whole page changes.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		next = "/"
	}
	target := "/login?next=" + url.QueryEscape(next)
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// errNotFoundPage is returned for routes that match no page.
var errNotFoundPage = apperr.NotFound("that page")

// onForm reports whether err belongs next to the form that caused it (bad
// input, a clash with existing data); other failures get a page of their own.
func onForm(err error) bool {
	switch apperr.CodeOf(err) {
	case apperr.CodeInvalid, apperr.CodeConflict, apperr.CodeStale, apperr.CodeUnavailable:
		return true
	}
	return false
}
