package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/config"
)

// ServeCommand is what `firebreak serve` and `firebreak migrate` run: it
// builds the node, and either stops after migrating or serves until ctx ends.
// On the first start of an empty installation it prints a one-time password
// for the bootstrap admin; only its hash is stored.
func ServeCommand(ctx context.Context, cfg config.Config, migrateOnly bool, stdout, stderr io.Writer) error {
	started := time.Now()
	a, err := New(ctx, cfg, stderr, Options{})
	if err != nil {
		return err
	}
	if migrateOnly {
		fmt.Fprintln(stdout, "firebreak: database migrated")
		return a.Close()
	}
	password, created, err := a.Auth.Bootstrap(access.With(ctx, access.System))
	if err != nil {
		a.Close()
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		a.Close()
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	fmt.Fprintf(stdout, "Firebreak is running at %s (%s, ready in %s)\n", baseURL(cfg, ln), a.Store.Dialect(), time.Since(started).Round(time.Millisecond))
	if created {
		fmt.Fprintf(stdout, "\nSign in as admin with this one-time password:\n\n    %s\n\nIt is shown only now and stored only as a hash; change it after signing in.\n\n", password)
	}
	return a.Serve(ctx, ln)
}

// baseURL is the configured public URL, or the listener's address when the
// port was chosen by the system (":0").
func baseURL(cfg config.Config, ln net.Listener) string {
	_, port, _ := net.SplitHostPort(cfg.Listen)
	if port == "0" {
		return "http://" + ln.Addr().String()
	}
	return cfg.BaseURL
}
