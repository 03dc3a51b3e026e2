// Package store is Firebreak's one SQL store. The same portable queries
// ($1 placeholders, RETURNING, ON CONFLICT) run on SQLite (modernc.org/sqlite,
// the zero-configuration default) and PostgreSQL (pgx); the few statements
// that must differ live in dialect_sqlite.go and dialect_postgres.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Dialect names the SQL database in use.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Store holds the connection pools. On SQLite, every write goes through one
// writer connection (SQLite allows one writer at a time; queueing in the pool
// is cheaper than busy retries) and reads use a separate pool; on PostgreSQL
// both are the same pool.
type Store struct {
	dialect Dialect
	db      *sql.DB // writes and transactions
	rdb     *sql.DB // reads outside transactions
	// publish tells live viewers about a committed change (SQLite only;
	// on PostgreSQL the transaction itself sends NOTIFY).
	publish func(topic string)
}

// Open connects to databaseURL, or to the SQLite file at sqlitePath when the
// URL is empty. It does not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, sqlitePath string) (*Store, error) {
	if databaseURL != "" {
		u, err := url.Parse(databaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, fmt.Errorf("database url must start with postgres://")
		}
		db, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		return &Store{dialect: Postgres, db: db, rdb: db}, nil
	}
	if err := os.MkdirAll(filepath.Dir(sqlitePath), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// synchronous(FULL): a commit is on disk before we answer 2xx ("accepted
	// means kept"), at the cost of one fsync per transaction; WAL keeps
	// readers off the writer's back.
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite"
	db, err := openSQLite("file:" + sqlitePath + "?" + pragmas + "&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	rdb, err := openSQLite("file:" + sqlitePath + "?" + pragmas + "&_pragma=query_only(1)")
	if err != nil {
		db.Close()
		return nil, err
	}
	rdb.SetMaxOpenConns(4)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		rdb.Close()
		return nil, fmt.Errorf("open SQLite database %s: %w", sqlitePath, err)
	}
	return &Store{dialect: SQLite, db: db, rdb: rdb}, nil
}

// Close closes the pools.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.rdb != s.db {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Dialect reports which database is in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB is the writer pool, for the job queue which shares the database.
func (s *Store) DB() *sql.DB { return s.db }

// OnCommit sets the function that receives live-update topics after commit
// on SQLite. On PostgreSQL, LISTEN/NOTIFY carries them (see live package).
func (s *Store) OnCommit(publish func(topic string)) { s.publish = publish }

func (s *Store) goose() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	if s.dialect == Postgres {
		d = goose.DialectPostgres
	}
	return goose.NewProvider(d, s.db, sub)
}

// Migrate applies every pending schema migration.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.goose()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationsCurrent reports whether the schema is at the newest migration.
func (s *Store) MigrationsCurrent(ctx context.Context) (bool, error) {
	p, err := s.goose()
	if err != nil {
		return false, err
	}
	has, err := p.HasPending(ctx)
	return !has, err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.PingContext(ctx) }

// Tx is one transaction; everything written through it commits together.
type Tx struct {
	s           *Store
	tx          *sql.Tx
	afterCommit []func()
	published   map[string]bool
}

// SQL exposes the transaction to the job queue, which enqueues inside it.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// InTx runs fn in a transaction, commits if it returns nil, and rolls back
// otherwise.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	tx := &Tx{s: s, tx: sqlTx}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return mapErr(err)
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// TxOf is the transaction behind a capability's view of one (a paging.Tx,
// a notification.Tx, …): the composition root hands it to another
// capability that writes in the same transaction (the pager's notices, the
// dispatcher's outcomes on the pages' timelines).
func TxOf(tx any) *Tx {
	h, ok := tx.(interface{ base() *Tx })
	if !ok {
		panic(fmt.Sprintf("store: %T is not a transaction of this store", tx))
	}
	return h.base()
}

func (t *Tx) base() *Tx { return t }

// AfterCommit runs f in this process once the transaction has committed
// (not at all if it rolls back): work that may start only when the change
// is durable, such as waking the loop that acts on it.
func (t *Tx) AfterCommit(f func()) { t.afterCommit = append(t.afterCommit, f) }

// Publish tells live viewers on every node that topic changed, once the
// transaction commits. A topic is published once per transaction however
// many changes in it publish it.
func (t *Tx) Publish(ctx context.Context, topic string) error {
	if t.published[topic] {
		return nil
	}
	if t.published == nil {
		t.published = map[string]bool{}
	}
	t.published[topic] = true
	if t.s.dialect == Postgres {
		_, err := t.tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, LiveChannel, topic)
		return mapErr(err)
	}
	if t.s.publish != nil {
		t.afterCommit = append(t.afterCommit, func() { t.s.publish(topic) })
	}
	return nil
}

// LiveChannel is the PostgreSQL NOTIFY channel of live updates.
const LiveChannel = "firebreak_live"

// mapErr turns driver errors people can act on into apperr errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"), strings.Contains(msg, "SQLSTATE 23505"):
		return apperr.Conflict("that already exists")
	case strings.Contains(msg, "FOREIGN KEY constraint failed"), strings.Contains(msg, "SQLSTATE 23503"):
		return apperr.Invalid("", "it refers to something that does not exist, or is still referred to")
	case strings.Contains(msg, "SQLSTATE 40P01"), strings.Contains(msg, "SQLSTATE 40001"):
		// A deadlock or serialization failure aborted this transaction and
		// kept the other: nothing was written, and trying again will work.
		return apperr.Unavailable("the change collided with another one at the same moment; try again")
	}
	return apperr.Internal(err)
}
