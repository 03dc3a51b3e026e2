package store

import (
	"database/sql"
	"strconv"
	"strings"
)

// param is the placeholder of the n-th argument of a statement whose
// arguments each appear once, in order — the long multi-row statements of
// batches. SQLite looks a named parameter ($n) up in a list of the names
// seen so far, when parsing and again when binding, so a statement of 2,000
// of them cost quadratic time (40 % of ingest at 5,000 alerts/s); an
// anonymous ? is numbered by its position without any lookup.
func (s *Store) param(n int) string {
	if s.dialect == SQLite {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

// rowsPerStatement bounds the rows of one multi-row statement.
const rowsPerStatement = 100

// values writes rows as a multi-row VALUES list, "(…), (…)", with every
// value a parameter. types, when given, are the PostgreSQL types of the
// columns: a VALUES list outside an INSERT (the v of an UPDATE … FROM v)
// needs them there; SQLite has no casts and needs none.
func (s *Store) values(rows [][]any, types ...string) (string, []any) {
	var sb strings.Builder
	var args []any
	for i, row := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteByte('(')
		for j, v := range row {
			if j > 0 {
				sb.WriteString(", ")
			}
			args = append(args, v)
			sb.WriteString(s.param(len(args)))
			if s.dialect == Postgres && j < len(types) {
				sb.WriteString("::" + types[j])
			}
		}
		sb.WriteByte(')')
	}
	return sb.String(), args
}

// chunks calls fn with rows in slices of at most rowsPerStatement.
func chunks[T any](rows []T, fn func([]T) error) error {
	for start := 0; start < len(rows); start += rowsPerStatement {
		if err := fn(rows[start:min(start+rowsPerStatement, len(rows))]); err != nil {
			return err
		}
	}
	return nil
}

// filter builds the WHERE clause of a list query whose conditions depend on
// the caller's filter, numbering the $n placeholders as it goes.
type filter struct {
	conds []string
	args  []any
}

// arg adds a value and returns its placeholder.
func (f *filter) arg(v any) string {
	f.args = append(f.args, v)
	return "$" + strconv.Itoa(len(f.args))
}

// add adds a condition written with placeholders from arg.
func (f *filter) add(cond string) { f.conds = append(f.conds, cond) }

// in adds "col IN (…)" for vals to f.
func in[T any](f *filter, col string, vals []T) {
	ph := make([]string, len(vals))
	for i, v := range vals {
		ph[i] = f.arg(v)
	}
	f.add(col + " IN (" + strings.Join(ph, ", ") + ")")
}

// where returns " WHERE a AND b", or "" when there is no condition.
func (f *filter) where() string {
	if len(f.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// collect scans every row with scan, closing rows; an empty result is an
// empty slice, never nil, so JSON answers say [] rather than null.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}
