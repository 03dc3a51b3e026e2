package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/auth"
)

// tokenList is API tokens.
type tokenList struct {
	Tokens []auth.Token `json:"tokens"`
}

// auditPage is one page of the audit log, newest first.
type auditPage struct {
	Entries []audit.Entry `json:"entries"`
	Next    string        `json:"next,omitempty"` // pass as ?before= for the following page; absent at the end
}

// listTokens lists the caller's API tokens (every token, for admins).
func (s *server) listTokens(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	tokens, err := s.auth.ListTokens(r.Context())
	if err != nil {
		return err
	}
	if tokens == nil {
		tokens = []auth.Token{}
	}
	return writeJSON(w, http.StatusOK, tokenList{tokens})
}

// tokenBody is POST /tokens.
type tokenBody struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at"` // absent: the token does not expire
}

// createdToken is a new token with its secret, shown only this once.
type createdToken struct {
	Token    string     `json:"token"`     // the secret: send it as "Authorization: Bearer <token>"
	APIToken auth.Token `json:"api_token"` // what is stored about it
}

// postToken creates an API token for the caller.
func (s *server) postToken(w http.ResponseWriter, r *http.Request) error {
	body, err := decodeJSON[tokenBody](w, r)
	if err != nil {
		return err
	}
	raw, tok, err := s.auth.CreateToken(r.Context(), body.Name, body.ExpiresAt)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, createdToken{raw, tok})
}

// deleteToken revokes an API token.
func (s *server) deleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "token")
	if err != nil {
		return err
	}
	if err := s.auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// maxAuditPage is the most audit entries one page holds.
const maxAuditPage = 500

// getAudit returns audit entries newest first (admins): ?limit=100 per page
// and ?before=<id> for the page after; the answer's next is that id.
func (s *server) getAudit(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "before", "limit"); err != nil {
		return err
	}
	q := r.URL.Query()
	var before int64
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return apperr.Invalid("before", "must be the id of an audit entry (the next value of the previous page), not %q", v)
		}
		before = n
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditPage {
			return apperr.Invalid("limit", "must be a number from 1 to %d, not %q", maxAuditPage, v)
		}
		limit = n
	}
	entries, err := s.auth.AuditLog(r.Context(), before, limit)
	if err != nil {
		return err
	}
	if entries == nil {
		entries = []audit.Entry{}
	}
	out := auditPage{Entries: entries}
	if len(entries) == limit {
		out.Next = strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	return writeJSON(w, http.StatusOK, out)
}
