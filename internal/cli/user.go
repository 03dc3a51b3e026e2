package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/client"
)

// UserCmd groups the user commands.
type UserCmd struct {
	List    UserListCmd    `cmd:"" aliases:"ls" help:"List users."`
	Create  UserCreateCmd  `cmd:"" help:"Add a user (admins only)."`
	Update  UserUpdateCmd  `cmd:"" help:"Change a user."`
	Disable UserDisableCmd `cmd:"" help:"Stop a user from signing in and end their sessions (admins only)."`
	Enable  UserEnableCmd  `cmd:"" help:"Let a disabled user sign in again (admins only)."`
}

// userID resolves a user given as @handle, handle, email or id.
func (e *env) userID(cl *client.Client, arg string) (int64, error) {
	ref, err := parseUser(arg)
	if err != nil {
		return 0, err
	}
	if ref.ID != 0 {
		return ref.ID, nil
	}
	users, err := cl.Users(e.ctx)
	if err != nil {
		return 0, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Handle, ref.Handle) || strings.EqualFold(u.Email, ref.Handle) {
			return u.ID, nil
		}
	}
	return 0, fmt.Errorf("there is no user @%s", ref.Handle)
}

// UserListCmd lists users.
type UserListCmd struct{}

// Run lists the users.
func (c *UserListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	users, err := cl.WithRaw(&raw).Users(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	w := table(e.stdout)
	row(w, "ID", "HANDLE", "NAME", "EMAIL", "LEVEL", "TIME ZONE", "STATUS")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		row(w, strconv.FormatInt(u.ID, 10), u.Handle, u.Name, u.Email, u.Level, orDash(u.TimeZone), status)
	}
	return w.Flush()
}

// UserCreateCmd adds a user.
type UserCreateCmd struct {
	Handle        string `arg:"" help:"Their handle, e.g. ann (2–39 characters of a–z, 0–9, '.', '_', '-')."`
	Email         string `required:"" help:"Their email address."`
	Name          string `help:"Their full name (default: the handle)."`
	Level         string `default:"responder" enum:"viewer,responder,admin" help:"What they may do: viewer, responder or admin."`
	TimeZone      string `help:"Their IANA time zone, e.g. Europe/Vienna (default UTC)." placeholder:"ZONE"`
	PasswordStdin bool   `help:"Read an initial password from standard input (without one they cannot sign in until it is set)."`
}

// Run creates the user.
func (c *UserCreateCmd) Run(e *env) error {
	in := client.UserInput{Handle: strings.TrimPrefix(c.Handle, "@"), Name: c.Name, Email: c.Email, TimeZone: c.TimeZone, Level: c.Level}
	if c.PasswordStdin {
		p, err := e.readAll()
		if err != nil {
			return fmt.Errorf("read the password: %w", err)
		}
		if p == "" {
			return usagef("--password-stdin: standard input is empty")
		}
		in.Password = p
	}
	cl, err := e.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	u, err := cl.WithRaw(&raw).CreateUser(e.ctx, in)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("Created user %s, id %d, %s.\n", userLabel(u), u.ID, u.Level)
	return nil
}

// UserUpdateCmd changes a user.
type UserUpdateCmd struct {
	User     string  `arg:"" help:"The user: @handle, email or id."`
	Name     *string `help:"A new full name."`
	Email    *string `help:"A new email address."`
	Level    *string `enum:"viewer,responder,admin" help:"A new level: viewer, responder or admin (admins only)."`
	TimeZone *string `help:"A new IANA time zone." placeholder:"ZONE"`
}

// Run changes the user.
func (c *UserUpdateCmd) Run(e *env) error {
	p := client.UserPatch{Name: c.Name, Email: c.Email, Level: c.Level, TimeZone: c.TimeZone}
	if p == (client.UserPatch{}) {
		return usagef("nothing to change: give at least one of --name, --email, --level, --time-zone")
	}
	return e.patchUser(c.User, p, "Updated")
}

// patchUser resolves user and applies p, saying verb on success.
func (e *env) patchUser(user string, p client.UserPatch, verb string) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	id, err := e.userID(cl, user)
	if err != nil {
		return err
	}
	var raw json.RawMessage
	u, err := cl.WithRaw(&raw).UpdateUser(e.ctx, id, p)
	if err != nil {
		return err
	}
	if e.json {
		return e.printJSON(raw)
	}
	e.printf("%s user %s.\n", verb, userLabel(u))
	return nil
}

// UserDisableCmd disables a user.
type UserDisableCmd struct {
	User string `arg:"" help:"The user: @handle, email or id."`
}

// Run disables the user.
func (c *UserDisableCmd) Run(e *env) error {
	t := true
	return e.patchUser(c.User, client.UserPatch{Disabled: &t}, "Disabled")
}

// UserEnableCmd enables a user again.
type UserEnableCmd struct {
	User string `arg:"" help:"The user: @handle, email or id."`
}

// Run enables the user.
func (c *UserEnableCmd) Run(e *env) error {
	f := false
	return e.patchUser(c.User, client.UserPatch{Disabled: &f}, "Enabled")
}
