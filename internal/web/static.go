package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"time"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded assets under /static/{hash}/{path}. The
// hash is the start of the file's sha256, so a page always names the exact
// version it was rendered with and browsers may cache it for a year; a
// request with an old hash still gets the current file, uncached.
type staticFiles struct {
	files map[string]staticFile // by path below static/
}

type staticFile struct {
	data []byte
	hash string
}

func newStaticFiles() *staticFiles {
	s := &staticFiles{files: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.files[p[len("static/"):]] = staticFile{data: b, hash: hex.EncodeToString(sum[:])[:12]}
		return nil
	})
	if err != nil {
		panic(err) // the embedded tree is part of the binary; failing here is a build mistake
	}
	return s
}

// url returns the cache-busting URL of an asset, e.g. /static/3f2a…/app.css.
func (s *staticFiles) url(name string) string {
	f, ok := s.files[name]
	if !ok {
		panic("web: no static file " + name) // caught by the template tests
	}
	return "/static/" + f.hash + "/" + name
}

// serve answers GET /static/{hash}/{path...}.
func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request) {
	name := path.Clean(r.PathValue("path"))
	f, ok := s.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("ETag", `"`+f.hash+`"`)
	if r.PathValue("hash") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	// ServeContent sets the Content-Type from the extension and answers
	// If-None-Match with 304 Not Modified.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
}
