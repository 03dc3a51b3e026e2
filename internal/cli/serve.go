package cli

import (
	"errors"
	"os"

	"github.com/firebreak-hq/firebreak/internal/config"
)

// serverFlags are the configuration flags of serve and migrate. Only the
// flags given on the command line override the file and the environment.
type serverFlags struct {
	Config      string  `help:"The YAML configuration file (default: FIREBREAK_CONFIG)." placeholder:"FILE"`
	Listen      *string `help:"The address to listen on, e.g. 127.0.0.1:8080." placeholder:"ADDR"`
	DataDir     *string `help:"Where the SQLite database and other files live." placeholder:"DIR"`
	DatabaseURL *string `name:"database-url" help:"A postgres:// URL to use PostgreSQL instead of SQLite." placeholder:"URL"`
}

// load builds the configuration: defaults, the file, FIREBREAK_* variables,
// then the flags set explicitly.
func (f *serverFlags) load(e *env) (config.Config, error) {
	path := f.Config
	if path == "" {
		path = e.getenv("FIREBREAK_CONFIG")
	}
	flags := map[string]any{}
	if f.Listen != nil {
		flags["listen"] = *f.Listen
	}
	if f.DataDir != nil {
		flags["data_dir"] = *f.DataDir
	}
	if f.DatabaseURL != nil {
		flags["database_url"] = *f.DatabaseURL
	}
	return config.Load(path, os.Environ(), flags)
}

func (f *serverFlags) run(e *env, migrateOnly bool) error {
	cfg, err := f.load(e)
	if err != nil {
		return err
	}
	if e.serve == nil {
		return errors.New("this build of firebreak has no server")
	}
	return e.serve(e.ctx, cfg, migrateOnly, e.stdout, e.stderr)
}

// ServeCmd runs the server until interrupted.
type ServeCmd struct {
	serverFlags
}

// Run serves.
func (c *ServeCmd) Run(e *env) error { return c.run(e, false) }

// MigrateCmd migrates the database and exits.
type MigrateCmd struct {
	serverFlags
}

// Run migrates.
func (c *MigrateCmd) Run(e *env) error { return c.run(e, true) }
