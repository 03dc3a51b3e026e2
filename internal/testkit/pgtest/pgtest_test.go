package pgtest_test

import (
	"bufio"
	"context"
	"database/sql"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/firebreak-hq/firebreak/internal/testkit"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func open(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(t.Context()); err != nil {
		t.Fatalf("connect to %s: %v", dsn, err)
	}
	return db
}

func TestDatabasesAreSeparate(t *testing.T) {
	urlA, urlB := pgtest.NewDatabase(t), pgtest.NewDatabase(t)
	if urlA == urlB {
		t.Fatalf("two databases share the URL %s", urlA)
	}
	a, b := open(t, urlA), open(t, urlB)
	ctx := t.Context()

	var nameA, nameB string
	if err := a.QueryRowContext(ctx, `SELECT current_database()`).Scan(&nameA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRowContext(ctx, `SELECT current_database()`).Scan(&nameB); err != nil {
		t.Fatal(err)
	}
	if nameA == nameB || !strings.HasPrefix(nameA, "t_") {
		t.Fatalf("database names %q and %q", nameA, nameB)
	}

	if _, err := a.ExecContext(ctx, `CREATE TABLE incidents (id bigint PRIMARY KEY, title text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ExecContext(ctx, `INSERT INTO incidents VALUES ($1, $2)`, 1, "disk full"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := a.QueryRowContext(ctx, `SELECT count(*) FROM incidents`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("count in A = %d, %v; want 1", n, err)
	}
	var found bool
	if err := b.QueryRowContext(ctx, `SELECT to_regclass('public.incidents') IS NOT NULL`).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found {
		t.Fatal("the table made in database A shows in database B")
	}
}

func TestDatabaseIsDroppedAfterTest(t *testing.T) {
	var dsn string
	t.Run("inner", func(t *testing.T) {
		dsn = pgtest.NewDatabase(t)
		open(t, dsn) // an open connection must not stop the drop
	})
	if t.Failed() || dsn == "" {
		return
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin := pgtest.NewDatabase(t) // any database of the same server will do
	var exists bool
	if err := open(t, admin).QueryRowContext(t.Context(),
		`SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

// helperEnv makes the test binary, started again by
// TestClusterStopsWhenProcessIsKilled, start a cluster and wait to be killed.
const helperEnv = "PGTEST_KILL_HELPER"

func TestClusterStopsWhenProcessIsKilled(t *testing.T) {
	if os.Getenv(helperEnv) == "1" {
		db := open(t, pgtest.NewDatabase(t))
		var dataDir string
		if err := db.QueryRowContext(t.Context(), `SHOW data_directory`).Scan(&dataDir); err != nil {
			t.Fatal(err)
		}
		var addr string
		if err := db.QueryRowContext(t.Context(),
			`SELECT inet_server_addr()::text || ' ' || inet_server_port()`).Scan(&addr); err != nil {
			t.Fatal(err)
		}
		host, port, _ := strings.Cut(addr, " ")
		host, _, _ = strings.Cut(host, "/")
		os.Stdout.WriteString("CLUSTER " + dataDir + " " + net.JoinHostPort(host, port) + "\n")
		time.Sleep(time.Minute) // until the parent kills us
		t.Fatal("not killed")
	}
	if testing.Short() {
		t.Skip("starts a second cluster")
	}

	// Start this test binary again, without FIREBREAK_TEST_POSTGRES so
	// that it starts its own cluster.
	cmd := exec.Command(os.Args[0], "-test.run=^TestClusterStopsWhenProcessIsKilled$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, pgtest.EnvURL+"=") && !strings.HasPrefix(kv, testkit.RequireEnv+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, helperEnv+"=1")
	cmd.WaitDelay = 10 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var dataDir, addr string
	var output strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		output.WriteString(sc.Text() + "\n")
		if rest, ok := strings.CutPrefix(sc.Text(), "CLUSTER "); ok {
			dataDir, addr, _ = strings.Cut(rest, " ")
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup of any kind runs
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if dataDir == "" {
		testkit.SkipOrFail(t, "postgres", "the helper process started no cluster:\n"+output.String())
	}

	clusterDir := filepath.Dir(dataDir)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	for {
		_, statErr := os.Stat(clusterDir)
		conn, dialErr := net.DialTimeout("tcp", addr, time.Second)
		if dialErr == nil {
			conn.Close()
		}
		if os.IsNotExist(statErr) && dialErr != nil {
			return // the watchdog stopped the server and removed the directory
		}
		select {
		case <-ctx.Done():
			t.Fatalf("30 s after the kill: directory %s: %v; dial %s: %v", clusterDir, statErr, addr, dialErr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
