// Package requestid gives every HTTP request one id, quoted in logs, in
// problem answers and in the X-Request-Id response header, so a person can
// hand an operator the id of the request that failed.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
)

// Header carries the id in requests (from a proxy or client) and responses.
const Header = "X-Request-Id"

type key struct{}

// From returns the id of the request being served ("" outside Middleware).
func From(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}

// Middleware keeps an id already chosen by an outer Middleware, else takes
// a sane one from the client, else makes one; it puts the id in the
// context and the response header.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if From(r.Context()) != "" {
			next.ServeHTTP(w, r)
			return
		}
		id := r.Header.Get(Header)
		if !sane(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), key{}, id)))
	})
}

// sane accepts ids a log line and a header can carry unchanged.
func sane(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	return !slices.ContainsFunc([]byte(id), func(c byte) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')
	})
}
