package statuspage

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/status.css
var styles []byte

// stylesVersion busts caches of the stylesheet when it changes.
var stylesVersion = func() string {
	sum := sha256.Sum256(styles)
	return hex.EncodeToString(sum[:6])
}()

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"md":    RenderMarkdown,
	"lower": strings.ToLower,
	"pct": func(f float64) string {
		// Never round an imperfect uptime up to 100 %.
		if f < 100 && f > 99.99 {
			return "99.99"
		}
		return fmt.Sprintf("%.2f", math.Floor(f*100)/100)
	},
	"dur":    durationText,
	"date":   func(t time.Time) string { return t.Format("Jan 2, 2006") },
	"month":  func(t time.Time) string { return t.Format("January 2006") },
	"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"id":     apiID,
	"add":    func(a, b int) int { return a + b },
	"mul":    func(a, b int) int { return a * b },
	"mul100": func(f float64) float64 { return f * 100 },
	"slice2": func(a, b any) []any { return []any{a, b} },
	"lastDays": func(days []Day, n int) []Day {
		if len(days) <= n {
			return days
		}
		return days[len(days)-n:]
	},
	"outages": func(u Uptime) []Day {
		var out []Day
		for i := len(u.Days) - 1; i >= 0; i-- {
			if d := u.Days[i]; d.Major > 0 || d.Partial > 0 || d.Degraded > 0 {
				out = append(out, d)
			}
		}
		return out
	},
}).ParseFS(templateFS, "templates/*.html"))

// page is what every template receives.
type pageData struct {
	*view
	Data any
	CSS  string
}

func render(name string, v *view, data any) ([]byte, error) {
	var buf bytes.Buffer
	err := templates.ExecuteTemplate(&buf, name, pageData{view: v, Data: data, CSS: v.link("static/status.css") + "?v=" + stylesVersion})
	return buf.Bytes(), err
}

// RenderMessage renders a short page of the status page's look (the answers
// to subscribing, confirming and unsubscribing).
func RenderMessage(p Page, root, title, message string, now time.Time) ([]byte, error) {
	v := &view{page: p, loc: p.Location(), now: now, root: strings.TrimSuffix(root, "/")}
	return render("message", v, map[string]string{"Title": title, "Message": message})
}

// RenderAction renders a short page with one button that posts to action.
func RenderAction(p Page, root, title, message, action, button string, now time.Time) ([]byte, error) {
	v := &view{page: p, loc: p.Location(), now: now, root: strings.TrimSuffix(root, "/")}
	return render("message", v, map[string]string{"Title": title, "Message": message, "Action": action, "Button": button})
}

// durationText says a duration the way people do: "2 h 5 min".
func durationText(d time.Duration) string {
	d = d.Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// Template helpers as methods, so templates call them on the view.

// Link is the path of a page of this site.
func (v *view) Link(path string) string { return v.link(path) }

// Local formats a time in the page's zone.
func (v *view) Local(t time.Time) string { return v.local(t) }

// Ago says how long ago t was.
func (v *view) Ago(t time.Time) string { return v.ago(t) }

// Affected says what an incident affected.
func (v *view) Affected(inc *Incident) string { return v.affectedText(inc) }

// Page is the page shown.
func (v *view) Page() Page { return v.page }

// Overall is the banner.
func (v *view) Overall() Overall { return v.overall }

// Sections are the component groups.
func (v *view) Sections() []section { return v.sections }

// Open lists open incidents.
func (v *view) Open() []*Incident { return v.openIncidents() }

// Active lists active maintenance.
func (v *view) Active() []*Incident { return v.activeMaintenance() }

// Upcoming lists upcoming maintenance.
func (v *view) Upcoming() []*Incident { return v.upcomingMaintenance() }

// Past lists the last seven days.
func (v *view) Past() []dayEntry { return v.pastDays(7) }

// Months lists the history by month.
func (v *view) Months() []monthEntry { return v.months() }

// Maintenance lists every maintenance.
func (v *view) Maintenance() []*Incident { return v.maint }

// Days is how many days the uptime bars cover.
func (v *view) Days() int { return v.days }

// Now is the build time.
func (v *view) Now() time.Time { return v.now }

// HasComponents reports whether the page has any component.
func (v *view) HasComponents() bool { return len(v.components) > 0 }

// ComponentList lists every component for the subscription form.
func (v *view) ComponentList() []Component {
	var out []Component
	for _, s := range v.sections {
		for _, c := range s.Components {
			out = append(out, c.Component)
		}
	}
	return out
}
