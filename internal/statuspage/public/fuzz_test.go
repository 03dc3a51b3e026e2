package public

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// FuzzRoute: any request path finds a file of a site or nothing, never a
// panic, and never a site for a path outside /status and /api/v2.
func FuzzRoute(f *testing.F) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	d := &statuspage.Data{Pages: []statuspage.Page{{ID: 1, Slug: statuspage.DefaultSlug, Name: "Status", TimeZone: "UTC"},
		{ID: 2, Slug: "eu", Name: "EU", TimeZone: "Europe/Berlin", Host: "status.example.eu"}}}
	snap, err := statuspage.Build(d, now, statuspage.BuildOptions{BaseURL: "https://firebreak.example.com"})
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range []string{"/status", "/status/", "/status/eu/history", "/api/v2/summary.json", "/status/../etc/passwd", "/statusx", "/", "/status//eu"} {
		f.Add(p, "firebreak.example.com")
	}
	f.Add("/history", "status.example.eu:443")
	f.Fuzz(func(t *testing.T, path, host string) {
		r := httptest.NewRequest("GET", "http://x/", nil)
		r.URL.Path, r.Host = path, host
		site, rest, ok := route(snap, r)
		if !ok {
			return
		}
		if site == nil {
			t.Fatalf("%q on %q: ok without a site", path, host)
		}
		if _, hosted := snap.Hosts[hostOnly(host)]; !hosted && path != "/status" && !hasPrefix(path, "/status/") && !hasPrefix(path, "/api/v2/") {
			t.Fatalf("%q on %q routed to %s/%s", path, host, site.Page.Slug, rest)
		}
		_ = site.Files[rest]
		_ = acceptsGzip(r)
		_ = etagMatches(path, host)
	})
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
