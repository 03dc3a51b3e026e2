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
