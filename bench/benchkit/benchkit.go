// Package benchkit is what every benchmark program shares: a Firebreak node
// built in the same process on a loopback port, and latency quantiles.
package benchkit

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/config"
)

// Config is the configuration of a benchmark node listening on addr with
// its data under dataDir: quiet logs, everything else as shipped.
func Config(addr, dataDir, dbURL string) config.Config {
	cfg := config.Default()
	cfg.Listen, cfg.BaseURL, cfg.DataDir, cfg.DatabaseURL = addr, "http://"+addr, dataDir, dbURL
	cfg.Log.Level = "error"
	return cfg
}

// Node is a node built (migrated, wired) but not serving until Serve.
type Node struct {
	App    *app.App
	Config config.Config
	URL    string // http://127.0.0.1:port
	ln     net.Listener
	dir    string
}

// Open builds a node in a fresh temporary directory on a free loopback
// port; dbURL selects PostgreSQL (an empty database), "" SQLite.
func Open(ctx context.Context, dbURL string) (*Node, error) {
	dir, err := os.MkdirTemp("", "firebreak-bench")
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cfg := Config(ln.Addr().String(), filepath.Join(dir, "data"), dbURL)
	a, err := app.New(ctx, cfg, io.Discard, app.Options{})
	if err != nil {
		ln.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	return &Node{App: a, Config: cfg, URL: cfg.BaseURL, ln: ln, dir: dir}, nil
}

// Serve runs the node until ctx ends; the channel gets Serve's result.
func (n *Node) Serve(ctx context.Context) <-chan error {
	done := make(chan error, 1)
	go func() { done <- n.App.Serve(ctx, n.ln) }()
	return done
}

// Remove deletes the node's temporary directory (after it stopped).
func (n *Node) Remove() { os.RemoveAll(n.dir) }

// Quantile returns the p-quantile (0…1) of sorted latencies, rounded for
// printing; 0 when there are none.
func Quantile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(p*float64(len(sorted)-1))].Round(10 * time.Microsecond)
}
