package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TokenCmd groups the API token commands.
type TokenCmd struct {
	Create TokenCreateCmd `cmd:"" help:"Create an API token for yourself; it is printed once."`
	List   TokenListCmd   `cmd:"" aliases:"ls" help:"List API tokens (yours; every token for admins)."`
	Revoke TokenRevokeCmd `cmd:"" help:"Revoke an API token."`
}

// TokenCreateCmd creates a token.
type TokenCreateCmd struct {
	Name    string `arg:"" help:"What the token is for, e.g. ci-deploy."`
	Expires string `help:"When it expires: a duration such as 90d or 12h, or a date such as 2026-12-31 (default: never)." placeholder:"WHEN"`
}

// Run creates the token and prints its secret alone on stdout, so that
// TOKEN=$(firebreak token create ci) works.
func (c *TokenCreateCmd) Run(e *env) error {
	var expires *time.Time
	if c.Expires != "" {
		t, err := parseExpiry(c.Expires, e.now(), e.loc)
		if err != nil {
			return err
		}
		expires = &t
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	tok, err := cl.WithRaw(&raw).CreateToken(e.ctx, c.Name, expires)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	fmt.Fprintln(e.stdout, tok.Secret)
	fmt.Fprintf(e.stderr, "Created API token %d (%q). Copy it now: it is not shown again.\n", tok.Token.ID, tok.Token.Name)
	return nil
}

// parseExpiry reads "90d", "12h", "30m" (from now) or a date "2026-12-31"
// (the end of that day in loc) or an RFC 3339 time.
func parseExpiry(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if days, err := strconv.Atoi(n); err == nil && days > 0 {
			return now.Add(time.Duration(days) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		t = t.Add(24*time.Hour - time.Second)
		if t.After(now) {
			return t, nil
		}
		return time.Time{}, usagef("--expires %s is in the past", s)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if t.After(now) {
			return t, nil
		}
		return time.Time{}, usagef("--expires %s is in the past", s)
	}
	return time.Time{}, usagef("--expires %q: write a duration such as 90d or 12h, or a date such as 2026-12-31", s)
}

// TokenListCmd lists tokens.
type TokenListCmd struct{}

// Run lists the tokens.
func (c *TokenListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	tokens, err := cl.WithRaw(&raw).Tokens(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	if len(tokens) == 0 {
		e.printf("No API tokens.\n")
		return nil
	}
	now := e.now()
	w := table(e.stdout)
	row(w, "ID", "NAME", "USER", "CREATED", "LAST USED", "EXPIRES")
	for _, t := range tokens {
		used, expires := "never", "never"
		if t.LastUsedAt != nil {
			used = ago(now, *t.LastUsedAt)
		}
		if t.ExpiresAt != nil {
			expires = t.ExpiresAt.In(e.loc).Format("2006-01-02 15:04")
			if !t.ExpiresAt.After(now) {
				expires += " (expired)"
			}
		}
		user := t.UserHandle
		if user == "" {
			user = "user " + strconv.FormatInt(t.UserID, 10)
		}
		row(w, strconv.FormatInt(t.ID, 10), t.Name, user, ago(now, t.CreatedAt), used, expires)
	}
	return w.Flush()
}

// TokenRevokeCmd revokes a token.
type TokenRevokeCmd struct {
	ID int64 `arg:"" help:"The token's id, from 'firebreak token list'."`
}

// Run revokes the token.
func (c *TokenRevokeCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	if err := cl.RevokeToken(e.ctx, c.ID); err != nil {
		return err
	}
	if e.json {
		return e.printJSON(json.RawMessage(fmt.Sprintf(`{"revoked":%d}`, c.ID)))
	}
	e.printf("Revoked API token %d.\n", c.ID)
	return nil
}
