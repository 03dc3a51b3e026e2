package statuspage

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Incidents is what the status page needs from the incident core: reading
// an incident, and changing status-page state inside an incident change.
type Incidents interface {
	Get(ctx context.Context, number int64) (*incident.Incident, error)
	RecordAlongside(ctx context.Context, number int64, fn incident.AlongsideFunc) (*incident.Incident, error)
}

// Service holds the status-page use cases. Permissions are checked here, so
// the API, the UI and the CLI obey the same rules.
type Service struct {
	store     Store
	incidents Incidents
	now       func() time.Time

	keyMu sync.Mutex
	key   []byte // signing key of subscriber links, read once

	catalog Catalog // checks the services components stand for; nil: unchecked
}

// Catalog checks service names against the service catalog.
type Catalog interface {
	ServiceExists(ctx context.Context, name string) (bool, error)
}

// CheckServicesWith makes components name only services of the catalog.
func (s *Service) CheckServicesWith(c Catalog) { s.catalog = c }

// NewService builds the status-page service.
func NewService(store Store, incidents Incidents, now func() time.Time) *Service {
	return &Service{store: store, incidents: incidents, now: now}
}

const (
	maxName = 200
	maxBody = 20000
)

func actorOf(ctx context.Context) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok {
		return access.Actor{}, apperr.Unauthenticated("sign in first")
	}
	return a, nil
}

func need(ctx context.Context, l access.Level, what string) (access.Actor, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return a, err
	}
	if !a.Can(l) {
		return a, apperr.Forbidden("%s needs the %s permission", what, l)
	}
	return a, nil
}

// MayCommunicate reports whether a may publish for inc: its Communications
// Manager, its Incident Manager, or an admin.
func MayCommunicate(a access.Actor, inc *incident.Incident) bool {
	return a.IsAdmin() || (a.UserID != 0 && (a.UserID == inc.Roles.CommunicationsManager || a.UserID == inc.Roles.IncidentManager))
}

func checkText(field, v string, max int, required bool) (string, error) {
	v = strings.TrimSpace(v)
	if required && v == "" {
		return "", apperr.Invalid(field, "is required")
	}
	if utf8.RuneCountInString(v) > max {
		return "", apperr.Invalid(field, "is longer than %d characters", max)
	}
	return v, nil
}

// write runs fn in a transaction and then writes its audit entry and live notice.
func (s *Service) write(ctx context.Context, a access.Actor, action, target string, detail any, fn func(tx Tx, now time.Time) error) error {
	now := s.now().UTC()
	return s.store.InTx(ctx, func(tx Tx) error {
		if err := fn(tx, now); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.New(a, now, action, target, detail)); err != nil {
			return err
		}
		return tx.Publish(ctx, Topic)
	})
}

// Pages lists the status pages; anyone signed in may read them.
func (s *Service) Pages(ctx context.Context) ([]Page, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.Pages(ctx)
}

// Page returns one page.
func (s *Service) Page(ctx context.Context, id int64) (Page, error) {
	if _, err := actorOf(ctx); err != nil {
		return Page{}, err
	}
	return s.store.Page(ctx, id)
}

// DefaultPage returns the page served at /status.
func (s *Service) DefaultPage(ctx context.Context) (Page, error) {
	pages, err := s.store.Pages(ctx)
	if err != nil {
		return Page{}, err
	}
	for _, p := range pages {
		if p.Slug == DefaultSlug {
			return p, nil
		}
	}
	if len(pages) > 0 {
		return pages[0], nil
	}
	return Page{}, apperr.NotFound("the default status page")
}

// Components lists a page's components in order.
func (s *Service) Components(ctx context.Context, pageID int64) ([]Component, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	if _, err := s.store.Page(ctx, pageID); err != nil {
		return nil, err
	}
	return s.store.Components(ctx, pageID)
}

// Groups lists a page's component groups in order.
func (s *Service) Groups(ctx context.Context, pageID int64) ([]Group, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	if _, err := s.store.Page(ctx, pageID); err != nil {
		return nil, err
	}
	return s.store.Groups(ctx, pageID)
}

// Incident returns one public incident with its updates.
func (s *Service) Incident(ctx context.Context, id int64) (*Incident, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.Incident(ctx, id)
}

// PublicIncidentsOf lists the public incidents of an internal incident.
func (s *Service) PublicIncidentsOf(ctx context.Context, number int64) ([]*Incident, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.IncidentsOf(ctx, number)
}

// Templates returns the template of each incident status: the stored one, or the default.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	stored, err := s.store.Templates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Template, len(DefaultTemplates))
	copy(out, DefaultTemplates)
	for _, t := range stored {
		for i := range out {
			if out[i].Status == t.Status {
				out[i] = t
			}
		}
	}
	return out, nil
}

// SaveTemplate replaces the template of one status; admins only.
func (s *Service) SaveTemplate(ctx context.Context, t Template) (Template, error) {
	a, err := need(ctx, access.Admin, "editing update templates")
	if err != nil {
		return t, err
	}
	found := false
	for _, st := range IncidentStatuses {
		found = found || st == t.Status
	}
	if !found {
		return t, apperr.Invalid("status", "templates exist for investigating, identified, monitoring and resolved, not %q", t.Status)
	}
	if t.Title, err = checkText("title", t.Title, maxName, true); err != nil {
		return t, err
	}
	if t.Body, err = checkText("body", t.Body, maxBody, true); err != nil {
		return t, err
	}
	err = s.write(ctx, a, "statuspage.template", "template "+string(t.Status), t, func(tx Tx, now time.Time) error {
		t.UpdatedAt = now
		return tx.SaveTemplate(ctx, t)
	})
	return t, err
}

// Cadence returns how often each severity needs a public update.
func (s *Service) Cadence(ctx context.Context) (Cadence, error) {
	v, ok, err := s.store.Setting(ctx, "cadence")
	if err != nil || !ok {
		return DefaultCadence, err
	}
	return parseCadence(v)
}

// SetCadence replaces the update cadence; admins only.
func (s *Service) SetCadence(ctx context.Context, c Cadence) error {
	a, err := need(ctx, access.Admin, "setting the update cadence")
	if err != nil {
		return err
	}
	for sev, d := range c {
		if d < 0 || d > 7*24*time.Hour {
			return apperr.Invalid("cadence", "%s: must be between 0 (none) and 7 days", sev)
		}
	}
	return s.write(ctx, a, "statuspage.cadence", "cadence", c.String(), func(tx Tx, _ time.Time) error {
		return tx.SetSetting(ctx, "cadence", c.String())
	})
}

// PageIncidents lists a page's public incidents and maintenance, newest first.
func (s *Service) PageIncidents(ctx context.Context, pageID int64) ([]*Incident, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	if _, err := s.store.Page(ctx, pageID); err != nil {
		return nil, err
	}
	d, err := s.store.Load(ctx, s.now().AddDate(-1, 0, 0))
	if err != nil {
		return nil, err
	}
	out := []*Incident{}
	for _, inc := range d.Incidents {
		if inc.PageID == pageID {
			out = append(out, inc)
		}
	}
	return out, nil
}

// Export renders one page as a static site whose links start at root ("" for
// the root of a host), for hosting somewhere that stays up when Firebreak
// is down. Anyone signed in may: it is what the public sees.
func (s *Service) Export(ctx context.Context, pageID int64, root, baseURL string) (*Site, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	p, err := s.store.Page(ctx, pageID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	d, err := s.store.Load(ctx, now.AddDate(0, 0, -92))
	if err != nil {
		return nil, err
	}
	return BuildSite(d, p, now, PageURL(p, baseURL), root, 90)
}

// ExportName is the file a site path is written to: directories get an
// index.html, so that any static web server serves the same URLs.
func ExportName(path string) string {
	switch {
	case path == "":
		return "index.html"
	case strings.HasPrefix(path, "api/") || strings.HasPrefix(path, "static/") || strings.Contains(path[strings.LastIndex(path, "/")+1:], "."):
		return path
	}
	return path + "/index.html"
}
