// Package public serves the public status pages and their Statuspage-
// compatible JSON from an in-memory snapshot. The snapshot is rebuilt off
// the request path when a status-page change commits (the live topic) and
// every few seconds for the relative times, so a view costs a map lookup
// and never a database query; ETag, Last-Modified and Cache-Control let
// browsers and CDNs keep copies.
package public

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// Loader reads what the snapshot shows (the store).
type Loader interface {
	Load(ctx context.Context, since time.Time) (*statuspage.Data, error)
}

// Subscriptions handles what visitors ask for (the status-page service).
type Subscriptions interface {
	Subscribe(ctx context.Context, pageID int64, address string, components []int64, source string) error
	Confirm(ctx context.Context, token string) (statuspage.Subscriber, error)
	Unsubscribe(ctx context.Context, token string) (statuspage.Subscriber, error)
}

// Signals tells when something changed (the live hub).
type Signals interface {
	Subscribe(topic string) (<-chan struct{}, func())
}

// Options configure the server.
type Options struct {
	BaseURL string           // absolute URL of the installation, for links in JSON, feeds and mail
	Refresh time.Duration    // rebuild at least this often; default 5s
	Now     func() time.Time // default time.Now
	Log     *slog.Logger
}

// Server serves the public pages.
type Server struct {
	load    Loader
	subs    Subscriptions
	opts    Options
	snap    atomic.Pointer[snapshot]
	rebuild chan struct{}
	mu      sync.Mutex // serializes builds
	first   sync.Mutex // serializes the build of the first snapshot on demand
	limit   limiter    // subscriptions per client address
}

// snapshot is a built statuspage.Snapshot with the times each file last changed.
type snapshot struct {
	*statuspage.Snapshot
	modified map[*statuspage.File]time.Time
	headers  map[*statuspage.File]*fileHeaders
}

// fileHeaders are the response headers of one file, built once per
// snapshot: a view copies slices into the header map instead of
// formatting and canonicalizing ten headers each time.
type fileHeaders struct {
	plain, gzip http.Header
}

// commonHeaders are the headers every public file carries.
func commonHeaders(f *statuspage.File, modified time.Time) http.Header {
	h := http.Header{}
	h.Set("Content-Type", f.ContentType)
	h.Set("Vary", "Accept-Encoding")
	// Public pages run no script at all; logos may come from any https host.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self' data: https:; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	if f.Immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// Browsers revalidate every view (a 304 when unchanged), so a
		// visitor never sees an old update; shared caches and CDNs keep a
		// copy for 5 s, and keep serving it when Firebreak itself is down
		// (CDN-Cache-Control, RFC 9213, is read by the CDNs only).
		h.Set("Cache-Control", "public, max-age=0, s-maxage=5")
		h.Set("CDN-Cache-Control", "public, max-age=5, stale-while-revalidate=30, stale-if-error=86400")
	}
	if strings.HasPrefix(f.ContentType, "application/json") {
		h.Set("Access-Control-Allow-Origin", "*") // as Statuspage: dashboards on other sites read it
	}
	return h
}

func newFileHeaders(f *statuspage.File, modified time.Time) *fileHeaders {
	plain, gz := commonHeaders(f, modified), commonHeaders(f, modified)
	plain.Set("ETag", f.ETag)
	plain.Set("Content-Length", strconv.Itoa(len(f.Body)))
	// The compressed copy is another representation: its own ETag.
	gz.Set("ETag", gzipETag(f.ETag))
	gz.Set("Content-Encoding", "gzip")
	gz.Set("Content-Length", strconv.Itoa(len(f.Gzip)))
	return &fileHeaders{plain: plain, gzip: gz}
}

func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gz"` }

// New returns a server; call Run to keep its snapshot fresh.
func New(load Loader, subs Subscriptions, opts Options) *Server {
	if opts.Refresh == 0 {
		opts.Refresh = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Server{load: load, subs: subs, opts: opts, rebuild: make(chan struct{}, 1)}
}

// Refresh rebuilds the snapshot now.
func (s *Server) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	data, err := s.load.Load(ctx, now.AddDate(0, 0, -92))
	if err != nil {
		return err
	}
	built, err := statuspage.Build(data, now, statuspage.BuildOptions{BaseURL: s.opts.BaseURL})
	if err != nil {
		return err
	}
	next := &snapshot{Snapshot: built, modified: map[*statuspage.File]time.Time{}, headers: map[*statuspage.File]*fileHeaders{}}
	prev := s.snap.Load()
	stamp := now.UTC().Truncate(time.Second)
	carry := func(old, cur *statuspage.Site) {
		for path, f := range cur.Files {
			next.modified[f] = stamp
			// Unchanged content keeps its Last-Modified and its compressed copy.
			if old != nil {
				if of := old.Files[path]; of != nil && of.ETag == f.ETag {
					next.modified[f], f.Gzip = prev.modified[of], of.Gzip
					continue
				}
			}
			f.Gzip = statuspage.Compress(f.Body)
		}
	}
	for slug, site := range built.Sites {
		var old *statuspage.Site
		if prev != nil {
			old = prev.Sites[slug]
		}
		carry(old, site)
	}
	for host, site := range built.Hosts {
		var old *statuspage.Site
		if prev != nil {
			old = prev.Hosts[host]
		}
		carry(old, site)
	}
	for f, m := range next.modified {
		next.headers[f] = newFileHeaders(f, m)
	}
	s.snap.Store(next)
	return nil
}

// Changed asks for a rebuild soon (coalescing bursts of changes).
func (s *Server) Changed() {
	select {
	case s.rebuild <- struct{}{}:
	default:
	}
}

// Run keeps the snapshot fresh until ctx ends: at once, on every signal of
// topic, and every Refresh.
func (s *Server) Run(ctx context.Context, signals Signals) {
	if signals != nil {
		ch, cancel := signals.Subscribe(statuspage.Topic)
		defer cancel()
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case _, ok := <-ch:
					if !ok {
						return
					}
					s.Changed()
				}
			}
		}()
	}
	tick := time.NewTicker(s.opts.Refresh)
	defer tick.Stop()
	changed := true
	var built time.Time
	for {
		// Without a change, only the relative times ("5 minutes ago") and
		// today's bar move, a minute at a time: rebuild once a minute then.
		now := s.opts.Now()
		if changed || !now.Truncate(time.Minute).Equal(built.Truncate(time.Minute)) {
			if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
				s.opts.Log.Error("status page snapshot", "err", err)
			} else {
				built = now
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			changed = false
		case <-s.rebuild:
			changed = true
		}
	}
}

// current returns the snapshot, building the first one on demand.
func (s *Server) current(ctx context.Context) (*snapshot, error) {
	if sn := s.snap.Load(); sn != nil {
		return sn, nil
	}
	// The first views wait for one build, not one build each.
	s.first.Lock()
	defer s.first.Unlock()
	if sn := s.snap.Load(); sn != nil {
		return sn, nil
	}
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	return s.snap.Load(), nil
}

// Site returns the built site of the page with slug ("" for the default page).
func (s *Server) Site(ctx context.Context, slug string) (*statuspage.Site, error) {
	sn, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	if slug == "" {
		return sn.Default, nil
	}
	return sn.Sites[slug], nil // nil when there is no such page
}

// ServeHTTP serves /status/…, /api/v2/… and, on a page's own host, its root.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sn, err := s.current(r.Context())
	if err != nil {
		s.opts.Log.Error("status page snapshot", "err", err)
		http.Error(w, "The status page is starting; try again in a moment.", http.StatusServiceUnavailable)
		return
	}
	site, rest, ok := route(sn.Snapshot, r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch rest {
	case "subscribe":
		s.subscribe(w, r, site)
		return
	case "confirm":
		s.confirm(w, r, site)
		return
	case "unsubscribe":
		s.unsubscribe(w, r, site)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	f := site.Files[rest]
	if f == nil {
		http.NotFound(w, r)
		return
	}
	s.serveFile(w, r, f, sn.modified[f], sn.headers[f])
}

// HostSite reports whether host (without port) is a page's own host.
func (s *Server) HostSite(host string) bool {
	sn := s.snap.Load()
	if sn == nil || len(sn.Hosts) == 0 {
		return false
	}
	_, ok := sn.Hosts[hostOnly(host)]
	return ok
}

func hostOnly(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	return strings.ToLower(host)
}

// route finds the site and the path within it.
func route(sn *statuspage.Snapshot, r *http.Request) (*statuspage.Site, string, bool) {
	p := r.URL.Path
	if site, ok := sn.Hosts[hostOnly(r.Host)]; ok {
		return site, strings.Trim(p, "/"), true
	}
	if sn.Default == nil {
		return nil, "", false
	}
	if rest, ok := strings.CutPrefix(p, "/api/v2/"); ok {
		return sn.Default, "api/v2/" + rest, true
	}
	if p != "/status" && !strings.HasPrefix(p, "/status/") {
		return nil, "", false
	}
	rest := strings.Trim(strings.TrimPrefix(p, "/status"), "/")
	first, after, _ := strings.Cut(rest, "/")
	if site, ok := sn.Sites[first]; ok && first != statuspage.DefaultSlug {
		return site, after, true
	}
	return sn.Default, rest, true
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, f *statuspage.File, modified time.Time, fh *fileHeaders) {
	body, hdr := f.Body, fh.plain
	if acceptsGzip(r) && f.Gzip != nil {
		body, hdr = f.Gzip, fh.gzip
	}
	h := w.Header()
	for k, v := range hdr {
		h[k] = v // shared, never modified: built for this snapshot
	}
	etag := hdr["Etag"][0]
	notModified := false
	if match := r.Header.Get("If-None-Match"); match != "" {
		notModified = etagMatches(match, etag)
	} else if since, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.IsZero() && !modified.Truncate(time.Second).After(since) {
		notModified = true
	}
	if notModified {
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == etag || part == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the client takes gzip (q=0 refuses it).
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}
