package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/firebreak-hq/firebreak/internal/client"
)

// LoginCmd signs in with a handle (or email) and password and stores the
// API token the server issues.
type LoginCmd struct {
	URL           string `help:"Address of the Firebreak server, e.g. https://firebreak.example.com (default: FIREBREAK_URL, or the stored login)." placeholder:"URL"`
	User          string `short:"u" help:"Your handle or email (asked when not given)." placeholder:"HANDLE"`
	PasswordStdin bool   `help:"Read the password from standard input (needs --user)."`
}

// Run signs in.
func (c *LoginCmd) Run(e *env) error {
	baseURL := c.URL
	if baseURL == "" {
		baseURL = e.getenv("FIREBREAK_URL")
	}
	if baseURL == "" {
		if stored, _, err := e.loadCredentials(); err == nil {
			baseURL = stored.URL
		}
	}
	if baseURL == "" {
		return usagef("say which server to sign in to: firebreak login --url https://your-firebreak")
	}
	baseURL, err := normalizeURL(baseURL)
	if err != nil {
		return usagef("--url: %v", err)
	}
	if c.PasswordStdin && c.User == "" {
		return usagef("--password-stdin needs --user: the handle or email cannot be asked for on the same input")
	}
	tty := e.terminal()
	login := strings.TrimSpace(c.User)
	if login == "" {
		if tty {
			fmt.Fprint(e.stderr, "Handle or email: ")
		}
		if login, err = e.line(); err != nil {
			return fmt.Errorf("read your handle or email: %w", err)
		}
		login = strings.TrimSpace(login)
	}
	if login == "" {
		return usagef("a handle or email is needed to sign in")
	}
	password, err := e.password(c.PasswordStdin, tty)
	if err != nil {
		return err
	}
	if password == "" {
		return usagef("a password is needed to sign in")
	}
	res, err := client.New(baseURL, "", e.httpClient()).Login(e.ctx, login, password, tokenName())
	if err != nil {
		return err
	}
	if res.Token == "" {
		return fmt.Errorf("%s signed you in but sent no API token", baseURL)
	}
	path, err := e.saveCredentials(credentials{URL: baseURL, Token: res.Token})
	if err != nil {
		return fmt.Errorf("signed in, but the credentials could not be stored: %w", err)
	}
	if e.json {
		b, err := json.Marshal(struct {
			URL  string      `json:"url"`
			User client.User `json:"user"`
		}{baseURL, res.User})
		if err != nil {
			return err
		}
		return e.printJSON(b)
	}
	e.printf("Signed in to %s as %s.\n", baseURL, userLabel(res.User))
	e.printf("The API token is stored in %s (readable by you only).\n", path)
	if e.getenv("FIREBREAK_TOKEN") != "" {
		fmt.Fprintln(e.stderr, "firebreak: note: FIREBREAK_TOKEN is set and takes precedence over the stored token")
	}
	return nil
}

// password reads the password: all of stdin with --password-stdin, without
// echo from a terminal, else the next line of stdin.
func (e *env) password(fromStdin, tty bool) (string, error) {
	if fromStdin {
		p, err := e.readAll()
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		return p, nil
	}
	if tty {
		fmt.Fprint(e.stderr, "Password: ")
		b, err := term.ReadPassword(int(e.stdin.(*os.File).Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		return string(b), nil
	}
	p, err := e.line()
	if err != nil {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	return p, nil
}

// terminal reports whether stdin is an interactive terminal.
func (e *env) terminal() bool {
	f, ok := e.stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// tokenName names the token a login creates, so `token list` shows where it lives.
func tokenName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return "cli@" + host
}

// userLabel is "ann (Ann Example)", or just the handle when the name is the same.
func userLabel(u client.User) string {
	if u.Name == "" || u.Name == u.Handle {
		return u.Handle
	}
	return fmt.Sprintf("%s (%s)", u.Handle, u.Name)
}

// LogoutCmd forgets the stored login.
type LogoutCmd struct{}

// Run removes the credentials file.
func (c *LogoutCmd) Run(e *env) error {
	stored, path, err := e.loadCredentials()
	if err != nil && path == "" {
		return err
	}
	if err := os.Remove(path); errors.Is(err, fs.ErrNotExist) {
		e.printf("Not signed in: there are no stored credentials.\n")
		return nil
	} else if err != nil {
		return err
	}
	if stored.URL != "" {
		e.printf("Signed out of %s: removed %s.\n", stored.URL, path)
	} else {
		e.printf("Removed %s.\n", path)
	}
	e.printf("The token stays valid until revoked: see 'firebreak token list' and 'firebreak token revoke'.\n")
	return nil
}

// WhoamiCmd shows the user the token belongs to.
type WhoamiCmd struct{}

// Run asks the server who we are.
func (c *WhoamiCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	u, err := cl.WithRaw(&raw).Me(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("%s <%s>, %s, on %s\n", userLabel(u), u.Email, u.Level, cl.BaseURL())
	return nil
}
