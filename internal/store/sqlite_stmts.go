package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"

	"modernc.org/sqlite"
)

// SQLite connections here keep their prepared statements. The driver parses
// every statement it is given afresh, and parsing cost SQLite more than
// running most of ours: a fifth of a node's CPU at 5,000 alerts/s went to
// sqlite3Prepare. Wrapped, a connection prepares each statement text once
// and runs it again and again; database/sql prepares, runs and closes a
// statement per call when the connection has no direct Exec/Query (the
// wrapper hides the driver's), and closing a kept statement keeps it.

// Limits of what one connection keeps: statements with many parameters are
// the multi-row ones of batches, whose text changes with the batch's size,
// and a connection that has seen maxKeptStatements texts keeps no more (the
// frequent ones came first).
const (
	maxKeptStatements = 512
	maxKeptParams     = 64
)

// openSQLite opens a pool whose connections keep their statements.
func openSQLite(dsn string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(keepingConnector{c}), nil
}

type keepingConnector struct{ driver.Connector }

func (k keepingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := k.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &keepingConn{Conn: c, kept: map[string]*keptStmt{}}, nil
}

// keepingConn forwards every optional interface of the driver's connection
// but ExecerContext and QueryerContext, so that database/sql prepares.
type keepingConn struct {
	driver.Conn
	kept map[string]*keptStmt
}

var (
	_ driver.ConnBeginTx        = (*keepingConn)(nil)
	_ driver.ConnPrepareContext = (*keepingConn)(nil)
	_ driver.Pinger             = (*keepingConn)(nil)
	_ driver.SessionResetter    = (*keepingConn)(nil)
	_ driver.Validator          = (*keepingConn)(nil)
)

// Unwrap is the driver's own connection.
func (c *keepingConn) Unwrap() driver.Conn { return c.Conn }

func (c *keepingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *keepingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *keepingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *keepingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *keepingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext returns the kept statement of query. A kept statement whose
// rows are still open (the same query run again while iterating its
// result) cannot be reused meanwhile: a fresh one is prepared for that use.
func (c *keepingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	k, ok := c.kept[query]
	if ok && !k.busy {
		return k, nil
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil || ok || len(c.kept) >= maxKeptStatements || st.NumInput() > maxKeptParams {
		return st, err
	}
	k = &keptStmt{Stmt: st}
	c.kept[query] = k
	return k, nil
}

// Close finalizes the kept statements with the connection.
func (c *keepingConn) Close() error {
	for _, k := range c.kept {
		_ = k.Stmt.Close()
	}
	return c.Conn.Close()
}

// keptStmt is a statement that outlives its uses.
type keptStmt struct {
	driver.Stmt
	busy bool // its rows are open
}

var (
	_ driver.StmtExecContext  = (*keptStmt)(nil)
	_ driver.StmtQueryContext = (*keptStmt)(nil)
)

// Close keeps the statement for its next use; the connection finalizes it.
func (k *keptStmt) Close() error { return nil }

func (k *keptStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return k.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (k *keptStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	r, err := k.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	k.busy = true
	return &keptRows{Rows: r, stmt: k}, nil
}

// keptRows frees its statement for the next use when closed, and forwards
// the column types the driver describes.
type keptRows struct {
	driver.Rows
	stmt *keptStmt
}

func (r *keptRows) Close() error {
	r.stmt.busy = false
	return r.Rows.Close()
}

func (r *keptRows) ColumnTypeScanType(i int) reflect.Type {
	return r.Rows.(driver.RowsColumnTypeScanType).ColumnTypeScanType(i)
}

func (r *keptRows) ColumnTypeDatabaseTypeName(i int) string {
	return r.Rows.(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(i)
}

func (r *keptRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	return r.Rows.(driver.RowsColumnTypeNullable).ColumnTypeNullable(i)
}

func (r *keptRows) ColumnTypeLength(i int) (int64, bool) {
	return r.Rows.(driver.RowsColumnTypeLength).ColumnTypeLength(i)
}

func (r *keptRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	return r.Rows.(driver.RowsColumnTypePrecisionScale).ColumnTypePrecisionScale(i)
}
