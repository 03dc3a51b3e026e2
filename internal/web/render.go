package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

//go:embed templates
var templateFS embed.FS

// pages holds one template set per page: the layout, the shared parts and
// that page's "content".
type pages struct {
	byName map[string]*template.Template
}

// page is what every template gets: the frame of the layout plus the data
// of the page itself in Data.
type page struct {
	Title    string
	Nav      string // which top-level section is current: incidents, catalog, settings, admin
	Actor    access.Actor
	SignedIn bool
	Banner   *banner
	Data     any
}

// banner is a message at the top of the page: an error the person can act on,
// or a confirmation.
type banner struct {
	Kind    string // "error" or "ok"
	Message string
}

func mustParsePages(st *staticFiles, scale incident.Scale, now func() time.Time) *pages {
	p, err := parsePages(st, scale, now)
	if err != nil {
		panic(err) // templates are embedded; a parse error is a build mistake caught by the tests
	}
	return p
}

func parsePages(st *staticFiles, scale incident.Scale, now func() time.Time) (*pages, error) {
	base, err := template.New("").Funcs(templateFuncs(st, scale, now)).ParseFS(templateFS, "templates/layout.html", "templates/parts/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, n); err != nil {
			return nil, err
		}
		p.byName[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return p, nil
}

// render writes a whole page with status. It renders into a buffer first so
// that a template failure becomes a clean 500 and not half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, pg page) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.Error("web: unknown page template", "page", name)
		http.Error(w, "Something went wrong", http.StatusInternalServerError)
		return
	}
	if a, ok := access.From(r.Context()); ok {
		pg.Actor, pg.SignedIn = a, true
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		s.log.Error("web: render", "page", name, "err", err)
		http.Error(w, "Something went wrong", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "HX-Request")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func templateFuncs(st *staticFiles, scale incident.Scale, now func() time.Time) template.FuncMap {
	return template.FuncMap{
		"static":     st.url,
		"sevClass":   func(sev string) string { return sevClass(scale, sev) },
		"stageClass": func(s incident.Stage) string { return "stage stage-" + string(s) },
		"when":       formatWhen,
		"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"ago":        func(t time.Time) string { return ago(t, now()) },
		"clock":      func(t time.Time) string { return t.UTC().Format("15:04") },
		"day":        func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006") },
		"dur":        formatDuration,
		"join":       strings.Join,
		"roleLabel":  func(r incident.Role) string { return r.Label() },
		"deref": func(t *time.Time) time.Time {
			if t == nil {
				return time.Time{}
			}
			return *t
		},
		"has": func(list []string, s string) bool {
			for _, v := range list {
				if v == s {
					return true
				}
			}
			return false
		},
		"hasID": func(list []int64, id int64) bool {
			for _, v := range list {
				if v == id {
					return true
				}
			}
			return false
		},
		"level": func(l access.Level) string { return l.String() },
		"can": func(a access.Actor, level string) bool {
			l, ok := access.ParseLevel(level)
			return ok && a.Can(l)
		},
		"initials":  initials,
		"sentence":  sentence,
		"hasPrefix": strings.HasPrefix,
	}
}

// formatWhen is a full timestamp for people: "Tue 25 Nov 2026, 09:03 UTC".
// The browser script rewrites it into local time when JavaScript runs.
func formatWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")
}

// formatDuration rounds to what matters in an incident: "45s", "12m", "3h 05m", "2d 4h".
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	}
}

// ago says how long ago t was: "just now", "5 min ago", "3 h ago", or the date.
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%d d ago", int(d.Hours())/24)
	}
	return t.UTC().Format("2 Jan 2006")
}

// initials returns up to two letters for an avatar: "Alice Smith" → "AS".
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "?"
	}
	return strings.ToUpper(string(out))
}

// sevClass colours a severity by its rank in the scale: sev-1 is the most
// severe; every rank past the fourth looks like the fourth.
func sevClass(scale incident.Scale, sev string) string {
	for i, v := range scale {
		if strings.EqualFold(v.Name, sev) {
			return fmt.Sprintf("sev sev-%d", min(i+1, 4))
		}
	}
	return "sev sev-4"
}

// sentence capitalises a message and ends it with a full stop.
func sentence(s string) string {
	s = capitalize(strings.TrimSpace(s))
	if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?…") {
		s += "."
	}
	return s
}
