package store

import (
	"database/sql"
	"strconv"
	"strings"
)

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
