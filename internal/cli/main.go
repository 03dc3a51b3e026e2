// Package cli is the firebreak command line: the client commands that talk
// to a server's JSON API like gh does (login, incident, user, team,
// service, token, whoami), and the server's own commands (serve, migrate),
// which hand over to the composition root through a ServeFunc.
package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/config"
)

// ServeFunc runs the server (or, with migrateOnly, only migrates its
// database) with a loaded configuration; the composition root provides it.
type ServeFunc func(ctx context.Context, cfg config.Config, migrateOnly bool, stdout, stderr io.Writer) error

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the command failed: the server refused, or it could not be reached
	exitUsage = 2 // the command line is wrong
)

// Root is the command tree.
type Root struct {
	JSON bool `help:"Print the API's JSON instead of tables (for scripts)."`

	Login      LoginCmd      `cmd:"" help:"Sign in to a Firebreak server and store an API token for later commands."`
	Logout     LogoutCmd     `cmd:"" help:"Forget the stored credentials (the token stays valid until revoked)."`
	Whoami     WhoamiCmd     `cmd:"" help:"Show who you are signed in as, and where."`
	Incident   IncidentCmd   `cmd:"" aliases:"inc" help:"Declare and work incidents."`
	User       UserCmd       `cmd:"" help:"Manage the people who can sign in."`
	Team       TeamCmd       `cmd:"" help:"Manage teams."`
	Service    ServiceCmd    `cmd:"" help:"Manage the service catalog."`
	Token      TokenCmd      `cmd:"" help:"Manage API tokens."`
	Triage     TriageCmd     `cmd:"" help:"Work the triage queue: declare an incident from alerts, or dismiss them."`
	Alert      AlertCmd      `cmd:"" help:"Look at alerts and alert groups."`
	Status     StatusCmd     `cmd:"" help:"Status pages and the public and internal communication of incidents."`
	Statuspage StatuspageCmd `cmd:"" help:"Host the public status page elsewhere: export it as static files."`
	Page       PageCmd       `cmd:"" help:"Pages: acknowledge, resolve, escalate, reassign; page a person or a team."`
	Policy     PolicyCmd     `cmd:"" help:"Escalation policies, which policy pages each service, and maintenance windows."`
	Oncall     OncallCmd     `cmd:"" help:"Who is on call; your shifts and calendar feeds."`
	Schedule   ScheduleCmd   `cmd:"" help:"On-call schedules: layers, rotations, overrides, swaps."`
	Notify     NotifyCmd     `cmd:"" help:"How Firebreak reaches you: contact methods, rules, digest, history."`
	Chat       ChatCmd       `cmd:"" help:"The Slack app: connection, linked users, incident channels."`
	Postmortem PostmortemCmd `cmd:"" aliases:"pm" help:"Postmortems: show, edit in your editor, schedule the meeting, publish, waive."`
	Action     ActionCmd     `cmd:"" help:"Action items of postmortems: list, mine, done."`
	Serve      ServeCmd      `cmd:"" help:"Run the Firebreak server."`
	Migrate    MigrateCmd    `cmd:"" help:"Migrate the database to this version's schema and exit."`
}

// env is what every command's Run receives: the process's outside world,
// injected so that tests run commands in-process.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	serve  ServeFunc
	json   bool
	now    func() time.Time
	loc    *time.Location
	hc     *http.Client
	in     *bufio.Reader // stdin, buffered once it is read line by line
}

// usageError is a mistake on the command line; it exits with code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitRequest is how kong's exit (after --help) leaves Parse without
// terminating the process.
type exitRequest struct{ code int }

// Main runs the firebreak command line args and returns the exit code:
// 0 on success, 1 when the command failed, 2 for a usage error.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, serve ServeFunc) int {
	if len(args) == 0 {
		// A bare "firebreak" shows the commands, on stderr since it is a usage error.
		Main(ctx, []string{"--help"}, stdin, stderr, stderr, getenv, serve)
		return exitUsage
	}
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, serve: serve, now: time.Now, loc: time.Local}
	var root Root
	parser, err := kong.New(&root,
		kong.Name("firebreak"),
		kong.Description("Firebreak: incident management. Client commands talk to the server named by FIREBREAK_URL and FIREBREAK_TOKEN, or by a stored login."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(exitRequest{code}) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Bind(e),
	)
	if err != nil {
		fmt.Fprintf(stderr, "firebreak: %v\n", err) // a bug in the command tree
		return exitError
	}
	kctx, code, done := parse(parser, args)
	if done {
		return code
	}
	e.json = root.JSON
	if err := kctx.Run(); err != nil {
		return e.report(err)
	}
	return exitOK
}

// parse parses args; done is true when the process should exit with code
// (after --help, or on a usage error, which it reports).
func parse(parser *kong.Kong, args []string) (kctx *kong.Context, code int, done bool) {
	defer func() {
		if r := recover(); r != nil {
			req, ok := r.(exitRequest)
			if !ok {
				panic(r)
			}
			kctx, code, done = nil, req.code, true
		}
	}()
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(parser.Stderr, "firebreak: %v\n", err)
		hint := "firebreak --help"
		var perr *kong.ParseError
		if errors.As(err, &perr) && perr.Context != nil {
			if cmd := commandPath(perr.Context); cmd != "" {
				hint = "firebreak " + cmd + " --help"
			}
		}
		fmt.Fprintf(parser.Stderr, "Run '%s' for usage.\n", hint)
		return nil, exitUsage, true
	}
	return kctx, exitOK, false
}

// commandPath is the words of the command selected so far, e.g. "incident stage".
func commandPath(kctx *kong.Context) string {
	var words []string
	for _, p := range kctx.Path {
		if p.Command != nil {
			words = append(words, p.Command.Name)
		}
	}
	return strings.Join(words, " ")
}

// report prints err for people and returns the exit code.
func (e *env) report(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "firebreak: %s\n", ue.msg)
		return exitUsage
	}
	var p *client.Problem
	if errors.As(err, &p) {
		msg := p.Error()
		if p.Field != "" && !strings.Contains(msg, p.Field) {
			msg = p.Field + ": " + msg
		}
		fmt.Fprintf(e.stderr, "firebreak: %s\n", msg)
		switch {
		case p.Stale():
			if cur := currentVersion(p.Current); cur != "" {
				fmt.Fprintf(e.stderr, "firebreak: the current version is %s; nothing was changed\n", cur)
			}
		case p.Status == http.StatusUnauthorized:
			fmt.Fprintln(e.stderr, "firebreak: sign in again with 'firebreak login', or set FIREBREAK_TOKEN to a valid API token")
		}
		return exitError
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "firebreak: interrupted")
		return exitError
	}
	fmt.Fprintf(e.stderr, "firebreak: %v\n", err)
	return exitError
}

// currentVersion describes the current state carried by a stale refusal:
// its version, and its stage when it is an incident.
func currentVersion(raw json.RawMessage) string {
	var cur struct {
		Version int64  `json:"version"`
		Stage   string `json:"stage"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &cur) != nil || cur.Version == 0 {
		return ""
	}
	s := fmt.Sprint(cur.Version)
	if cur.Stage != "" {
		s += fmt.Sprintf(" (stage %s)", stageLabel(cur.Stage))
	}
	return s
}

// printJSON writes the API's JSON as it came, ending in a newline.
func (e *env) printJSON(raw json.RawMessage) error {
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	out := strings.TrimRight(string(raw), "\n")
	_, err := fmt.Fprintln(e.stdout, out)
	return err
}

// printf writes a line for people to stdout.
func (e *env) printf(format string, args ...any) {
	fmt.Fprintf(e.stdout, format, args...)
}

// line reads one line of stdin, without its line ending; io.EOF when there is none.
func (e *env) line() (string, error) {
	if e.in == nil {
		e.in = bufio.NewReader(e.stdin)
	}
	s, err := e.in.ReadString('\n')
	if err != nil && (err != io.EOF || s == "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// readAll reads the rest of stdin, without the final line ending.
func (e *env) readAll() (string, error) {
	var r io.Reader = e.stdin
	if e.in != nil {
		r = e.in
	}
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
