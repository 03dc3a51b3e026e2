package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// eachStore runs the same test against a fresh, migrated SQLite store and a
// fresh, migrated PostgreSQL store: the conformance suite.
func eachStore(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			test(t, openStore(t, d))
		})
	}
}

func openStore(t *testing.T, d store.Dialect) *store.Store {
	t.Helper()
	ctx := context.Background()
	url := ""
	if d == store.Postgres {
		url = pgtest.NewDatabase(t)
	}
	s, err := store.Open(ctx, url, filepath.Join(t.TempDir(), "firebreak.db"))
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return s
}
