package detect

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Store is what the triage Service needs from storage.
type Store interface {
	Group(ctx context.Context, id int64) (Group, error)
	ListGroups(ctx context.Context, f GroupFilter) ([]Group, error)
	GroupsOfIncident(ctx context.Context, number int64) ([]Group, error)
	// UpdateGroup applies change to the group in one transaction, unless
	// its triage state changed meanwhile.
	UpdateGroup(ctx context.Context, id int64, change func(*Group) error) (Group, error)
	// ClaimGroup is UpdateGroup that also enqueues job in the same
	// transaction: the claim of a declare and its recovery are one.
	ClaimGroup(ctx context.Context, id int64, change func(*Group) error, job DeclareRecoverJob) (Group, error)
	// IncidentOfGroup finds the incident declared for a group (by its
	// alert_group label), 0 if there is none.
	IncidentOfGroup(ctx context.Context, groupID int64) (int64, error)
	Alert(ctx context.Context, id int64) (Alert, error)
	ListAlerts(ctx context.Context, f AlertFilter) ([]Alert, error)
	Integration(ctx context.Context, id int64) (Integration, error)
	ListIntegrations(ctx context.Context) ([]Integration, error)
	CreateIntegration(ctx context.Context, in Integration, keyHash string) (Integration, error)
	DeleteIntegration(ctx context.Context, id int64) error
	Rules(ctx context.Context) ([]Rule, error)
	ReplaceRules(ctx context.Context, rules []Rule) error
	// SetTriageHook sets (empty url: removes) the webhook a team hears new triage items on.
	SetTriageHook(ctx context.Context, teamID int64, url, secret string) error
}

// Incidents is the part of incident.Service that triage uses: every
// incident it creates or touches goes through that one path.
type Incidents interface {
	Declare(ctx context.Context, in incident.DeclareInput) (*incident.Incident, error)
	Get(ctx context.Context, number int64) (*incident.Incident, error)
	AddNote(ctx context.Context, number int64, text string, keyMoment bool) (*incident.Incident, error)
}

// Service is the triage queue and the management of integrations and
// routing rules. Permissions are checked here, so the API, the UI and the
// CLI enforce the same rules.
type Service struct {
	store     Store
	incidents Incidents
	scale     []string // incident severities, most severe first
	reasons   []string // dismiss reasons
	// configRules are the routing rules of the configuration file,
	// evaluated before the stored ones and never changed here.
	configRules []Rule
	now         func() time.Time
	// changed is called after integrations or rules change, so cached
	// copies (the ingest receiver's) are dropped.
	changed func()
}

// NewService builds the triage service.
func NewService(store Store, incidents Incidents, scale []string, reasons []string, now func() time.Time, changed func()) *Service {
	if len(reasons) == 0 {
		reasons = DefaultDismissReasons
	}
	if changed == nil {
		changed = func() {}
	}
	return &Service{store: store, incidents: incidents, scale: scale, reasons: reasons, now: now, changed: changed}
}

// DismissReasons lists the reasons a dismissal may give.
func (s *Service) DismissReasons() []string { return s.reasons }

func actor(ctx context.Context, need access.Level) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok {
		return a, apperr.Unauthenticated("sign in first")
	}
	if !a.Can(need) {
		switch need {
		case access.Admin:
			return a, apperr.Forbidden("managing integrations and routing rules needs the admin permission")
		case access.Responder:
			return a, apperr.Forbidden("working the triage queue needs the responder permission")
		}
	}
	return a, nil
}

// Item is a triage item: a group with its alerts.
type Item struct {
	Group
	Alerts []Alert `json:"alerts"`
}

// Queue lists the pending triage items, newest first.
func (s *Service) Queue(ctx context.Context) ([]Item, error) {
	gs, err := s.Groups(ctx, GroupFilter{Triage: []string{TriagePending, TriageDeclaring}})
	if err != nil {
		return nil, err
	}
	items := make([]Item, 0, len(gs))
	for _, g := range gs {
		al, err := s.store.ListAlerts(ctx, AlertFilter{GroupID: g.ID, Limit: 20})
		if err != nil {
			return nil, err
		}
		items = append(items, Item{Group: g, Alerts: al})
	}
	return items, nil
}

// Groups lists alert groups.
func (s *Service) Groups(ctx context.Context, f GroupFilter) ([]Group, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	for _, t := range f.Triage {
		switch t {
		case TriagePending, TriageDeclaring, TriageDeclared, TriageMerged, TriageDismissed, TriageSelfResolved, TriageSuppressed:
		default:
			return nil, apperr.Invalid("triage", "unknown triage state %q", t)
		}
	}
	if f.Limit > 500 {
		return nil, apperr.Invalid("limit", "at most 500 groups per page")
	}
	return s.store.ListGroups(ctx, f)
}

// Item reads one group with its alerts.
func (s *Service) Item(ctx context.Context, id int64) (Item, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return Item{}, err
	}
	g, err := s.store.Group(ctx, id)
	if err != nil {
		return Item{}, err
	}
	al, err := s.store.ListAlerts(ctx, AlertFilter{GroupID: id, Limit: 500})
	return Item{Group: g, Alerts: al}, err
}

// Alerts lists alerts.
func (s *Service) Alerts(ctx context.Context, f AlertFilter) ([]Alert, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	switch f.Status {
	case "", StatusFiring, StatusAcknowledged, StatusResolved:
	default:
		return nil, apperr.Invalid("status", "status must be firing, acknowledged or resolved, not %q", f.Status)
	}
	if f.Limit > 500 {
		return nil, apperr.Invalid("limit", "at most 500 alerts per page")
	}
	return s.store.ListAlerts(ctx, f)
}

// Alert reads one alert.
func (s *Service) Alert(ctx context.Context, id int64) (Alert, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return Alert{}, err
	}
	return s.store.Alert(ctx, id)
}

// GroupsOfIncident lists the alert groups linked to an incident.
func (s *Service) GroupsOfIncident(ctx context.Context, number int64) ([]Group, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	return s.store.GroupsOfIncident(ctx, number)
}

// DeclareOptions lets the First Responder correct what the alerts prefill.
type DeclareOptions struct {
	Title    string `json:"title,omitempty"`    // default: the group's title
	Severity string `json:"severity,omitempty"` // default: from the most severe alert
	Summary  string `json:"summary,omitempty"`
}

// Declare turns a triage item into an incident through incident.Service
// (the declarer becomes its First Responder) and links the group to it.
// The item is claimed first, so two responders declaring at once make one
// incident: the second is told the item is no longer in the queue.
func (s *Service) Declare(ctx context.Context, id int64, in DeclareOptions) (*incident.Incident, error) {
	a, err := actor(ctx, access.Responder)
	if err != nil {
		return nil, err
	}
	// The claim records the intent durably: a crash before the link leaves
	// a recovery job that finishes the declare (see WorkDeclareRecover).
	claimed := s.now().UTC()
	g, err := s.store.ClaimGroup(ctx, id, func(g *Group) error {
		if err := g.CanDecide(a); err != nil {
			return err
		}
		g.Triage, g.UpdatedAt = TriageDeclaring, claimed
		return nil
	}, DeclareRecoverJob{GroupID: id, Options: in, At: claimed.Add(DeclareStale)})
	if err != nil {
		return nil, err
	}
	inc, err := s.declare(ctx, g, in)
	if err != nil {
		// Put the item back in the queue; the declare made nothing.
		_, _ = s.store.UpdateGroup(context.WithoutCancel(ctx), id, func(g *Group) error {
			g.Triage, g.UpdatedAt = TriagePending, s.now().UTC()
			return nil
		})
		return nil, err
	}
	if _, err := s.store.UpdateGroup(ctx, id, func(g *Group) error {
		g.Link(a, inc.Number, TriageDeclared, s.now().UTC())
		return nil
	}); err != nil {
		return inc, err
	}
	return inc, nil
}

func (s *Service) declare(ctx context.Context, g Group, in DeclareOptions) (*incident.Incident, error) {
	if in.Title == "" {
		in.Title = g.Title
	}
	if in.Severity == "" {
		in.Severity = IncidentSeverity(g.Severity, s.scale)
	}
	alerts, err := s.store.ListAlerts(ctx, AlertFilter{GroupID: g.ID, Limit: 50})
	if err != nil {
		return nil, err
	}
	summary := in.Summary
	if summary == "" {
		summary = describeAlerts(g, alerts)
	}
	detected := g.CreatedAt
	return s.incidents.Declare(ctx, incident.DeclareInput{
		Title:      truncate(in.Title, 200),
		Summary:    summary,
		Severity:   in.Severity,
		Services:   []string{g.Service},
		Labels:     map[string]string{"alert_group": strconv.FormatInt(g.ID, 10)},
		DetectedAt: &detected,
	})
}

func describeAlerts(g Group, alerts []Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Declared from alert group %d (%d alerts) of %s.\n\n", g.ID, g.AlertCount, g.Service)
	for _, al := range alerts {
		fmt.Fprintf(&b, "- [%s] %s (%s, seen %d times)\n", al.Severity, al.Title, al.Status, al.EventCount)
	}
	return b.String()
}

// Dismiss ends the Detect stage for the item without an incident.
func (s *Service) Dismiss(ctx context.Context, id int64, reason, note string) (Group, error) {
	a, err := actor(ctx, access.Responder)
	if err != nil {
		return Group{}, err
	}
	return s.store.UpdateGroup(ctx, id, func(g *Group) error {
		return g.Dismiss(a, reason, note, s.reasons, s.now().UTC())
	})
}

// Merge attaches the item to an open incident in one action, and says so on
// the incident's timeline.
func (s *Service) Merge(ctx context.Context, id, number int64) (Group, error) {
	a, err := actor(ctx, access.Responder)
	if err != nil {
		return Group{}, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return Group{}, err
	}
	if inc.Stage != incident.Detect && inc.Stage != incident.Fix {
		return Group{}, apperr.Invalid("incident", "%s is %s; alerts can only be merged into an open incident (detect or fix)", inc.Ref(), inc.Stage)
	}
	g, err := s.store.UpdateGroup(ctx, id, func(g *Group) error {
		if err := g.CanDecide(a); err != nil {
			return err
		}
		g.Link(a, number, TriageMerged, s.now().UTC())
		return nil
	})
	if err != nil {
		return Group{}, err
	}
	_, err = s.incidents.AddNote(ctx, number, fmt.Sprintf("Alert group %d merged into this incident: %s (%d alerts, %s).", g.ID, g.Title, g.AlertCount, g.Service), false)
	return g, err
}
