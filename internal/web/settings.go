package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/auth"
)

// tokensView is the data of the API token page.
type tokensView struct {
	Tokens  []auth.Token
	Created string // the raw value of a token just created: shown once
	Name    string
	Expiry  string
	AllUser bool // the list holds everyone's tokens (admins)
}

// tokenList answers GET /settings/tokens.
func (s *server) tokenList(w http.ResponseWriter, r *http.Request) error {
	return s.showTokens(w, r, http.StatusOK, tokensView{Expiry: "90"}, nil)
}

func (s *server) showTokens(w http.ResponseWriter, r *http.Request, status int, v tokensView, b *banner) error {
	tokens, err := s.auth.ListTokens(r.Context())
	if err != nil {
		return err
	}
	v.Tokens, v.AllUser = tokens, actor(r).IsAdmin()
	s.render(w, r, status, "tokens", page{Title: "API tokens", Nav: "settings", Banner: b, Data: v})
	return nil
}

// createToken answers POST /settings/tokens. The page that answers shows the
// raw token once; it is not redirected, so reloading does not show it again
// from a cache (the page is no-store).
func (s *server) createToken(w http.ResponseWriter, r *http.Request) error {
	name, expiry := r.PostFormValue("name"), r.PostFormValue("expires_days")
	var expiresAt *time.Time
	if expiry != "" && expiry != "never" {
		days, err := strconv.Atoi(expiry)
		if err != nil || days <= 0 || days > 3650 {
			return s.showTokens(w, r, http.StatusUnprocessableEntity, tokensView{Name: name, Expiry: expiry},
				&banner{Kind: "error", Message: "Choose when the token expires"})
		}
		t := s.now().Add(time.Duration(days) * 24 * time.Hour).UTC()
		expiresAt = &t
	}
	raw, _, err := s.auth.CreateToken(r.Context(), name, expiresAt)
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showTokens(w, r, statusOf(apperr.CodeOf(err)), tokensView{Name: name, Expiry: expiry},
			&banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	return s.showTokens(w, r, http.StatusOK, tokensView{Created: raw, Expiry: "90"},
		&banner{Kind: "ok", Message: "Token “" + name + "” created. Copy it now: it is shown only this once"})
}

// revokeToken answers POST /settings/tokens/{id}/revoke.
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "token")
	if err != nil {
		return err
	}
	if err := s.auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/settings/tokens", http.StatusSeeOther)
	return nil
}

// auditPageSize is how many entries a page of the audit log shows.
const auditPageSize = 100

// auditView is the data of the audit log page.
type auditView struct {
	Entries []auditRow
	NextURL string
}

type auditRow struct {
	audit.Entry
	DetailText string
}

// auditLog answers GET /audit (admins), newest first.
func (s *server) auditLog(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r, "read the audit log"); err != nil {
		return err
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		var err error
		if before, err = strconv.ParseInt(b, 10, 64); err != nil {
			return apperr.Invalid("before", "is not a position in the audit log")
		}
	}
	entries, err := s.auth.AuditLog(r.Context(), before, auditPageSize)
	if err != nil {
		return err
	}
	v := auditView{}
	for _, e := range entries {
		row := auditRow{Entry: e}
		if e.Detail != nil {
			if b, err := json.Marshal(e.Detail); err == nil && string(b) != "null" && string(b) != "{}" {
				row.DetailText = string(b)
			}
		}
		v.Entries = append(v.Entries, row)
	}
	if len(entries) == auditPageSize {
		v.NextURL = "/audit?before=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Audit log", Nav: "admin", Data: v})
	return nil
}

// passwordPage answers GET /settings/password.
func (s *server) passwordPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "password", page{Title: "Password", Nav: "settings"})
	return nil
}

// changePassword answers POST /settings/password: one's own, with the current one.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) error {
	a := actor(r)
	current, next, again := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("new_password_again")
	var err error
	if next != again {
		err = apperr.Invalid("new_password_again", "the two new passwords differ")
	} else {
		err = s.auth.SetPassword(r.Context(), a.UserID, current, next)
	}
	if err != nil {
		if !onForm(err) {
			return err
		}
		s.render(w, r, statusOf(apperr.CodeOf(err)), "password", page{Title: "Password", Nav: "settings",
			Banner: &banner{Kind: "error", Message: s.messageOf(r, err)}})
		return nil
	}
	s.render(w, r, http.StatusOK, "password", page{Title: "Password", Nav: "settings",
		Banner: &banner{Kind: "ok", Message: "Your password is changed"}})
	return nil
}

// setUserPassword answers POST /users/{id}/password (admins): a new
// password for someone else, which also ends their sessions.
func (s *server) setUserPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "user")
	if err != nil {
		return err
	}
	if err := requireAdmin(r, "set other people's passwords"); err != nil {
		return err
	}
	if err := s.auth.SetPassword(r.Context(), id, "", r.PostFormValue("new_password")); err != nil {
		if !onForm(err) {
			return err
		}
		return s.showUser(w, r, id, statusOf(apperr.CodeOf(err)), &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	return s.showUser(w, r, id, http.StatusOK, &banner{Kind: "ok", Message: "Password set; their sessions have ended"})
}
