// Package pgtest gives each test its own empty PostgreSQL database, without
// Docker.
//
// The server is chosen once per test binary, on the first call of
// [NewDatabase]:
//
//   - If FIREBREAK_TEST_POSTGRES is set, it is the URL of a running server
//     with a role that may create databases, for example
//     postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
//   - Otherwise pgtest starts a throw-away cluster with initdb and pg_ctl,
//     found on PATH or under /usr/lib/postgresql/*/bin (the highest version),
//     where Debian's postgresql package puts them. As root it runs them as
//     the postgres OS user, because initdb refuses to run as root. The
//     cluster listens on 127.0.0.1 on a free port, with fsync off, and lives
//     in a temporary directory.
//   - If neither is there, the test is skipped, or failed when
//     FIREBREAK_TEST_REQUIRE names "postgres" (see [testkit.SkipOrFail]).
//
// A package that uses pgtest should stop the cluster when its tests end:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// The cluster also stops, and its directory goes away, when the test process
// ends in any other way, even by SIGKILL: a small watchdog process (sh and
// cat) waits for the end of a pipe from the test process and then runs
// "pg_ctl stop -m immediate" and removes the directory. Databases made on a
// server named by FIREBREAK_TEST_POSTGRES are dropped in t.Cleanup; a killed
// test process leaves its databases (named t_<hex>) behind on that server.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"github.com/firebreak-hq/firebreak/internal/testkit"
)

// EnvURL is the environment variable that names a running PostgreSQL server
// to use instead of a throw-away cluster. Its value is a postgres:// URL of
// a role that may create and drop databases.
const EnvURL = "FIREBREAK_TEST_POSTGRES"

// The server of this test binary, set up once by the first NewDatabase.
var (
	once   sync.Once
	srv    *server
	srvErr error
)

// server is the PostgreSQL server that holds the test databases.
type server struct {
	admin   *url.URL // URL of the admin database
	db      *sql.DB  // pool of connections to the admin database
	cluster *cluster // the throw-away cluster, or nil for FIREBREAK_TEST_POSTGRES
}

// unavailableError says that there is no PostgreSQL to use; the test then
// skips unless postgres is required.
type unavailableError struct{ why string }

func (e *unavailableError) Error() string { return e.why }

// NewDatabase creates a new, empty database for the test t and returns its
// URL, in the postgres:// form that the "pgx" driver of
// github.com/jackc/pgx/v5/stdlib accepts. The database is dropped, with
// any connections to it closed by force, in t.Cleanup.
//
// NewDatabase skips t, or fails it when postgres is required, when no
// PostgreSQL is available. It may be called from parallel tests.
func NewDatabase(t testing.TB) string {
	t.Helper()
	once.Do(func() { srv, srvErr = setup(t) })
	var ue *unavailableError
	if errors.As(srvErr, &ue) {
		testkit.SkipOrFail(t, "postgres", ue.why)
	}
	if srvErr != nil {
		t.Fatalf("pgtest: %v", srvErr)
	}

	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	name := "t_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	if _, err := srv.db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Logf("pgtest: created database %s in %v", name, time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := srv.db.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})

	u := *srv.admin
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// Main runs the tests of m, stops the throw-away cluster if one was started,
// and exits with the result of the tests. Call it from TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if srv != nil {
		_ = srv.db.Close()
		if srv.cluster != nil {
			if err := srv.cluster.stop(); err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: stopping the cluster: %v\n", err)
			}
		}
	}
	os.Exit(code)
}

// setup chooses the server and connects to it. It logs to t, the test that
// happened to call NewDatabase first.
func setup(t testing.TB) (*server, error) {
	if raw := os.Getenv(EnvURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return nil, fmt.Errorf("%s=%q is not a postgres://host/… URL", EnvURL, raw)
		}
		s, err := connect(u)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvURL, err)
		}
		t.Logf("pgtest: using the server of %s", EnvURL)
		return s, nil
	}

	binDir, err := findBinDir()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	c, u, err := startCluster(binDir)
	if err != nil {
		return nil, err
	}
	s, err := connect(u)
	if err != nil {
		_ = c.stop()
		return nil, err
	}
	s.cluster = c
	t.Logf("pgtest: started a cluster with %s on %s in %v", binDir, u.Host, time.Since(start).Round(time.Millisecond))
	return s, nil
}

// connect opens and checks a pool of connections to the admin URL u.
func connect(u *url.URL) (*server, error) {
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	return &server{admin: u, db: db}, nil
}

// findBinDir returns the directory that holds initdb and pg_ctl: the one of
// the initdb on PATH, or else the highest version under /usr/lib/postgresql.
func findBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		// Debian links /usr/local/bin/initdb and friends to the versioned
		// directory at times; take the real one, which holds pg_ctl.
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if dir := filepath.Dir(p); isExecutable(filepath.Join(dir, "pg_ctl")) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { // highest version first
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a)))
	})
	for _, dir := range dirs {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "pg_ctl")) {
			return dir, nil
		}
	}
	return "", &unavailableError{fmt.Sprintf(
		"%s is not set and no initdb/pg_ctl is on PATH or under /usr/lib/postgresql/*/bin (apt-get install postgresql)", EnvURL)}
}

// compareVersions compares versions such as "9.6" and "15" by their numbers.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// cluster is a throw-away PostgreSQL cluster in a temporary directory.
type cluster struct {
	dir   string              // holds data/, the log and the Unix socket
	pgCtl string              // path of pg_ctl
	cred  *syscall.Credential // the postgres OS user when we run as root, else nil

	watchdog   *exec.Cmd      // stops the cluster when watchdogIn closes
	watchdogIn io.WriteCloser // closes when the test process ends, however it ends
}

func (c *cluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *cluster) logFile() string { return filepath.Join(c.dir, "postgres.log") }

// startCluster runs initdb and pg_ctl start from binDir and returns the
// cluster and the URL of its postgres database.
func startCluster(binDir string) (_ *cluster, _ *url.URL, err error) {
	c := &cluster{pgCtl: filepath.Join(binDir, "pg_ctl")}
	if os.Geteuid() == 0 {
		// initdb and pg_ctl refuse to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, nil, &unavailableError{"running as root, and there is no postgres OS user to run initdb as: " + err.Error()}
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}

	if c.dir, err = os.MkdirTemp("", "firebreak-pgtest-"); err != nil {
		return nil, nil, err
	}
	if c.cred != nil {
		if err := os.Chown(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			_ = os.RemoveAll(c.dir)
			return nil, nil, err
		}
	}
	// Start the watchdog before the cluster, so that nothing is left behind
	// from the first moment on.
	if err := c.startWatchdog(); err != nil {
		_ = os.RemoveAll(c.dir)
		return nil, nil, fmt.Errorf("start the watchdog: %w", err)
	}
	defer func() {
		if err != nil {
			_ = c.stop()
		}
	}()

	out, err := c.command(filepath.Join(binDir, "initdb"),
		"-D", c.dataDir(), "-A", "trust", "--no-sync", "-U", "postgres",
		"-E", "UTF8", "--locale=C.UTF-8").CombinedOutput()
	if err != nil {
		return nil, nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}

	// Another process can take the free port before postgres binds it; try
	// again on another port then.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, nil, err
		}
		opts := fmt.Sprintf("-h 127.0.0.1 -p %d -k '%s' -F -c fsync=off -c max_connections=200", port, c.dir)
		out, err := c.command(c.pgCtl, "start", "-w", "-t", "60",
			"-D", c.dataDir(), "-l", c.logFile(), "-o", opts).CombinedOutput()
		if err == nil {
			u := &url.URL{
				Scheme:   "postgres",
				User:     url.User("postgres"),
				Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
				Path:     "/postgres",
				RawQuery: "sslmode=disable",
			}
			return c, u, nil
		}
		if attempt == 3 {
			log, _ := os.ReadFile(c.logFile())
			return nil, nil, fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
		}
	}
}

// command returns a command that runs as the owner of the cluster.
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir // the postgres user may not be able to enter our working directory
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

// startWatchdog starts a shell, in its own session so that a Ctrl-C to the
// test does not reach it, that waits until its standard input reaches its
// end, which happens when we close it or when the test process exits or is
// killed, since only this process holds the other end of the pipe. It then
// stops the cluster and removes its directory.
func (c *cluster) startWatchdog() error {
	const script = `cat >/dev/null; "$0" stop -D "$1" -m immediate >/dev/null 2>&1; rm -rf "$2"`
	cmd := c.command("/bin/sh", "-c", script, c.pgCtl, c.dataDir(), c.dir)
	cmd.SysProcAttr.Setsid = true
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	c.watchdog, c.watchdogIn = cmd, in
	return nil
}

// stop stops the cluster and removes its directory, by letting the watchdog
// do its job.
func (c *cluster) stop() error {
	_ = c.watchdogIn.Close()
	err := c.watchdog.Wait()
	if rmErr := os.RemoveAll(c.dir); err == nil {
		err = rmErr
	}
	return err
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
