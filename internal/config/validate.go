package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Validate checks every setting and reports all problems at once, each
// naming its key. It never repeats database_url or a webhook URL, which may
// hold credentials.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}

	listenErr := checkListen(c.Listen)
	if c.StatusListen != "" {
		if e := checkListen(c.StatusListen); e != "" {
			bad("status_listen", "%q %s", c.StatusListen, e)
		}
	}
	if listenErr != "" {
		bad("listen", "%q %s", c.Listen, listenErr)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		bad("data_dir", "must not be empty")
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		switch {
		case err != nil:
			bad("database_url", "is not a valid URL")
		case !isPostgresScheme(u.Scheme):
			bad("database_url", "must be a postgres:// or postgresql:// URL (leave it empty for SQLite in data_dir), got scheme %q", u.Scheme)
		}
	}
	// A base URL derived from a bad listen address is the same mistake: say it once.
	derived := listenErr != "" && c.BaseURL == defaultBaseURL(c.Listen)
	if !derived && !isHTTPURL(c.BaseURL) {
		bad("base_url", "%q must be an absolute http:// or https:// URL", c.BaseURL)
	}

	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q must be one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "json", "text":
	default:
		bad("log.format", "%q must be json or text", c.Log.Format)
	}

	if len(c.Severities) == 0 {
		bad("severities", "at least one severity is required")
	}
	seen := make(map[string]int, len(c.Severities))
	for i, s := range c.Severities {
		key := fmt.Sprintf("severities[%d].name", i)
		name := strings.ToLower(strings.TrimSpace(s.Name))
		if name == "" {
			bad(key, "must not be empty")
			continue
		}
		if j, dup := seen[name]; dup {
			bad(key, "%q repeats severities[%d].name", s.Name, j)
			continue
		}
		seen[name] = i
	}

	for i, w := range c.Webhooks.IncidentEvents {
		if !isHTTPURL(w.URL) {
			bad(fmt.Sprintf("webhooks.incident_events[%d].url", i), "must be an absolute http:// or https:// URL")
		}
	}

	errs = append(errs, c.Detect.validate()...)
	c.Chat.validate(bad)
	c.Postmortem.validate(c.Severities, bad)
	c.Notifications.validate(bad)
	c.Publishing.validate(bad)

	if c.ShutdownTimeout <= 0 {
		bad("shutdown_timeout", "must be positive, got %s", c.ShutdownTimeout)
	}
	return errors.Join(errs...)
}

// checkListen says what is wrong with a listen address, or "" if nothing is.
// The host may be empty (all interfaces); the port must be a number, 0
// meaning any free port.
func checkListen(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "is not host:port (for example 127.0.0.1:8080 or :8080)"
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "has a port that is not a number from 0 to 65535"
	}
	return ""
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// defaultBaseURL is the base URL when none is set: http:// and the listen
// address, with localhost in place of an empty or wildcard host, which is
// no address a browser can open.
func defaultBaseURL(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	switch host {
	case "", "0.0.0.0", "::":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// validate checks what can be checked without the database: the CEL of
// routing rules and their services are checked when the node starts.
func (d DetectConfig) validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
	}
	if len(d.DismissReasons) == 0 {
		bad("detect.dismiss_reasons", "at least one reason is required")
	}
	seen := make(map[string]int, len(d.DismissReasons))
	for i, r := range d.DismissReasons {
		key := fmt.Sprintf("detect.dismiss_reasons[%d]", i)
		name := strings.ToLower(strings.TrimSpace(r))
		switch {
		case name == "":
			bad(key, "must not be empty")
		case len(name) > 100:
			bad(key, "is longer than 100 characters")
		default:
			if j, dup := seen[name]; dup {
				bad(key, "%q repeats detect.dismiss_reasons[%d]", r, j)
			}
			seen[name] = i
		}
	}
	names := make(map[string]int, len(d.RoutingRules))
	for i, r := range d.RoutingRules {
		key := fmt.Sprintf("detect.routing_rules[%d]", i)
		name := strings.TrimSpace(r.Name)
		if name == "" {
			bad(key+".name", "must not be empty")
		} else if j, dup := names[strings.ToLower(name)]; dup {
			bad(key+".name", "%q repeats detect.routing_rules[%d].name", r.Name, j)
		} else {
			names[strings.ToLower(name)] = i
		}
		if strings.TrimSpace(r.When) == "" {
			bad(key+".when", "rule %q needs a condition (CEL, e.g. labels.env == \"prod\", or true)", r.Name)
		}
		switch r.Action {
		case "declare", "triage", "suppress":
		default:
			bad(key+".action", "rule %q: %q must be declare, triage or suppress", r.Name, r.Action)
		}
		if r.Severity != "" && r.Action != "declare" {
			bad(key+".severity", "rule %q: only a declare rule sets a severity", r.Name)
		}
	}
	return errs
}
