package statuspage

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// File is one pre-rendered public resource.
type File struct {
	Body        []byte
	Gzip        []byte // Body gzip-compressed, for clients that accept it; set by the server, which reuses it while the ETag stays
	ContentType string
	ETag        string // strong, quoted
	Immutable   bool   // static assets; pages and JSON change with every update
}

// Site is one page's whole public face: every path under the page's root
// ("" is the overview, "incidents/4", "history", "api/v2/summary.json", …).
type Site struct {
	Page  Page
	Root  string
	Files map[string]*File
}

// Snapshot is every public page, rendered. It is built off the request path
// whenever something changes (and every few seconds for the relative times),
// so a view is one map lookup and a write: no database query per view.
type Snapshot struct {
	Built   time.Time
	Default *Site            // the default page, at /status
	Sites   map[string]*Site // by slug, at /status/<slug> (the default page too)
	Hosts   map[string]*Site // by host name, at the root of that host
}

// BuildOptions say where the public pages live.
type BuildOptions struct {
	BaseURL string // e.g. https://firebreak.example.com; absolute links in JSON, feeds and emails
	Days    int    // days of uptime bars; default 90
}

// PagePath is where a page is served on the main listener.
func PagePath(p Page) string {
	if p.Slug == DefaultSlug {
		return "/status"
	}
	return "/status/" + p.Slug
}

// PageURL is the absolute URL of a page: its own host when it has one.
func PageURL(p Page, baseURL string) string {
	if p.Host != "" {
		scheme := "https://"
		if strings.HasPrefix(baseURL, "http://") {
			scheme = "http://"
		}
		return scheme + p.Host
	}
	return strings.TrimSuffix(baseURL, "/") + PagePath(p)
}

// Build renders every page of d.
func Build(d *Data, now time.Time, o BuildOptions) (*Snapshot, error) {
	if o.Days == 0 {
		o.Days = 90
	}
	s := &Snapshot{Built: now, Sites: map[string]*Site{}, Hosts: map[string]*Site{}}
	for _, p := range d.Pages {
		site, err := BuildSite(d, p, now, PageURL(p, o.BaseURL), PagePath(p), o.Days)
		if err != nil {
			return nil, err
		}
		s.Sites[p.Slug] = site
		if p.Slug == DefaultSlug {
			s.Default = site
		}
		if p.Host != "" {
			hs, err := BuildSite(d, p, now, PageURL(p, o.BaseURL), "", o.Days)
			if err != nil {
				return nil, err
			}
			s.Hosts[p.Host] = hs
		}
	}
	return s, nil
}

// BuildSite renders one page with its links under root (for export, the
// root of the static site).
func BuildSite(d *Data, p Page, now time.Time, url, root string, days int) (*Site, error) {
	v := newView(d, p, now, url, root, days)
	site := &Site{Page: p, Root: root, Files: map[string]*File{}}
	put := func(path, ctype string, body []byte) {
		sum := sha256.Sum256(body)
		site.Files[path] = &File{Body: body, ContentType: ctype, ETag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	}
	html := func(path, name string, data any) error {
		b, err := render(name, v, data)
		if err != nil {
			return fmt.Errorf("render %s of page %s: %w", name, p.Slug, err)
		}
		put(path, "text/html; charset=utf-8", b)
		return nil
	}
	jsonFile := func(path string, doc any) error {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			return err
		}
		put(path, "application/json", buf.Bytes())
		return nil
	}
	if err := html("", "overview", nil); err != nil {
		return nil, err
	}
	if err := html("history", "history", nil); err != nil {
		return nil, err
	}
	if err := html("maintenance", "maintenance", nil); err != nil {
		return nil, err
	}
	for _, inc := range append(append([]*Incident{}, v.incidents...), v.maint...) {
		if err := html("incidents/"+apiID(inc.ID), "incident", inc); err != nil {
			return nil, err
		}
	}
	atom, rss, err := v.feeds()
	if err != nil {
		return nil, err
	}
	put("history.atom", "application/atom+xml; charset=utf-8", atom)
	put("history.rss", "application/rss+xml; charset=utf-8", rss)

	page, status := v.apiPage(), APIStatus(v.overall)
	var open, all []APIIncident
	for _, inc := range v.incidents {
		a := v.apiIncident(inc)
		if inc.Open() {
			open = append(open, a)
		}
		if len(all) < 50 {
			all = append(all, a)
		}
	}
	var upcoming, active, maint []APIMaintenance
	for _, m := range v.upcomingMaintenance() {
		upcoming = append(upcoming, v.apiMaintenance(m))
	}
	for _, m := range v.activeMaintenance() {
		active = append(active, v.apiMaintenance(m))
	}
	for _, m := range v.maint {
		if len(maint) < 50 {
			maint = append(maint, v.apiMaintenance(m))
		}
	}
	nonNil := func(a []APIIncident) []APIIncident {
		if a == nil {
			return []APIIncident{}
		}
		return a
	}
	nonNilM := func(a []APIMaintenance) []APIMaintenance {
		if a == nil {
			return []APIMaintenance{}
		}
		return a
	}
	comps := v.apiComponents()
	docs := map[string]any{
		"api/v2/summary.json":                         APISummary{page, comps, nonNil(open), nonNilM(append(slicesClone(active), upcoming...)), status},
		"api/v2/status.json":                          APIStatusDoc{page, status},
		"api/v2/components.json":                      APIComponents{page, comps},
		"api/v2/incidents.json":                       APIIncidents{page, nonNil(all)},
		"api/v2/incidents/unresolved.json":            APIIncidents{page, nonNil(open)},
		"api/v2/scheduled-maintenances.json":          APIMaintenances{page, nonNilM(maint)},
		"api/v2/scheduled-maintenances/upcoming.json": APIMaintenances{page, nonNilM(upcoming)},
		"api/v2/scheduled-maintenances/active.json":   APIMaintenances{page, nonNilM(active)},
	}
	for path, doc := range docs {
		if err := jsonFile(path, doc); err != nil {
			return nil, err
		}
	}
	put("static/status.css", "text/css; charset=utf-8", styles)
	site.Files["static/status.css"].Immutable = true
	return site, nil
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

// Compress gzips b; the server does it once per changed file, so views
// cost no compression.
func Compress(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}
